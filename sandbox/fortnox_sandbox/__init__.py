"""A local simulator of the Fortnox API v3 for the demo, the tests and the benchmarks."""

from .sandbox import Sandbox

__all__ = ["Sandbox"]
