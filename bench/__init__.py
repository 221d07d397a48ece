"""The performance benchmark (issue 6): the service against the framework floor, `make bench`.

A script, not a test suite: `python -m bench.run` starts the service and the floor as separate
uvicorn processes on loopback, drives them with a load generator, measures `evaluate()` in
process, and writes bench/results/latest.json and latest.md.
"""
