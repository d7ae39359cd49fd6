"""The benchmark's sections (scripts/benchmark.py): each measures one goal against the sandbox,
running the tap with the tests' helpers (tests/helpers)."""
