"""Speed machinery that earns its keep on a bench cell (see bench/README.md)."""
