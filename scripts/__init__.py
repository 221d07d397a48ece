"""Developer tools run from the repository root: `python -m scripts.demo` (make demo), and the
process helpers the demo and the tests share (scripts.fhir_server, scripts.cds_service)."""
