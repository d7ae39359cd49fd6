"""Helpers shared by scripts/benchmark.py and tests/resilience: running tap-fortnox against a
Sandbox and relating its streams to the sandbox's own data."""
