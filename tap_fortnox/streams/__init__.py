"""Every stream of the tap: one module per Fortnox domain, each stream a small declarative class.

The registry is what the modules of this package define: every `FortnoxStream` subclass with a
`name` of its own that a module here declares is a stream of the tap. Adding a stream is adding
a class to its domain module (or a new module here), plus its schema file
(`scripts/generate_schemas.py`); nothing else lists streams.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable
from types import ModuleType

from tap_fortnox.client import FortnoxStream


def stream_types(modules: Iterable[ModuleType]) -> tuple[type[FortnoxStream], ...]:
    """The stream classes the modules declare (imported base classes are not theirs)."""
    return tuple(
        value
        for module in modules
        for value in vars(module).values()
        # The module test first: on Python 3.10 an alias such as tuple[str, int] passes
        # isinstance(..., type) but not issubclass.
        if isinstance(value, type)
        and value.__module__ == module.__name__
        and issubclass(value, FortnoxStream)
        and "name" in vars(value)
    )


def domain_modules() -> list[ModuleType]:
    """This package's modules, imported."""
    return [
        importlib.import_module(f"{__name__}.{info.name}")
        for info in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name)
    ]


STREAM_TYPES: tuple[type[FortnoxStream], ...] = stream_types(domain_modules())


def stream_scopes() -> dict[str, str]:
    """Stream name -> the Fortnox scope it needs (for consent and licence messages)."""
    return {cls.name: cls.scope for cls in STREAM_TYPES}
