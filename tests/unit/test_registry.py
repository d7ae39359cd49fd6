"""The stream registry is what the domain modules declare: a newcomer adds a stream by adding
one class to a module of tap_fortnox/streams (docs/development.md), and nothing else lists it."""

from __future__ import annotations

import sys
import types

from tap_fortnox import streams as registry
from tap_fortnox import tap as tap_module
from tap_fortnox.client import TENANT_ID, FortnoxStream
from tap_fortnox.services import ServiceEndpoint
from tap_fortnox.streams import STREAM_TYPES, domain_modules, stream_scopes, stream_types


def new_domain_module() -> types.ModuleType:
    """A module as a newcomer would write it: imports, and one new stream class."""
    module = types.ModuleType("tap_fortnox.streams.newdomain")
    source = """
from singer_sdk import typing as th
from tap_fortnox.client import TENANT_ID, FortnoxStream

WarehouseKey = tuple[str, int]  # an alias, not a class (Python 3.10 says it is a type)

class WarehousesStream(FortnoxStream):
    name = "warehouses"
    scope = "warehouse"
    path = "/warehouses"
    records_key = "Warehouses"
    primary_keys = (TENANT_ID, "code")
    schema = th.PropertiesList(
        th.Property(TENANT_ID, th.StringType, required=True),
        th.Property("code", th.StringType, required=True),
    ).to_dict()
"""
    exec(compile(source, module.__name__, "exec"), module.__dict__)
    return module


def test_every_domain_module_is_read_and_base_classes_are_not_streams():
    names = [s.name for s in STREAM_TYPES]
    assert len(names) == len(set(names))
    assert {"customers", "invoices", "voucher_rows", "account_balances"} <= set(names)
    modules = {m.__name__.rsplit(".", 1)[-1] for m in domain_modules()}
    assert {"registers", "sales", "purchasing", "bookkeeping", "salary"} <= modules
    assert all(s.__module__.startswith("tap_fortnox.streams.") for s in STREAM_TYPES)
    assert FortnoxStream not in STREAM_TYPES


def test_a_new_module_with_one_class_adds_a_stream_everywhere(monkeypatch):
    module = new_domain_module()
    monkeypatch.setitem(sys.modules, module.__name__, module)
    found = stream_types([*domain_modules(), module])
    (added,) = [s for s in found if s.name == "warehouses"]
    monkeypatch.setattr(registry, "STREAM_TYPES", found)
    monkeypatch.setattr(tap_module, "STREAM_TYPES", found)

    tap = tap_module.TapFortnox(config={"client_id": "a", "client_secret": "b", "tenant_id": 1})
    assert isinstance(tap.streams["warehouses"], added)
    assert list(tap.streams["warehouses"].primary_keys) == [TENANT_ID, "code"]
    assert "warehouses" in {entry["tap_stream_id"] for entry in tap.catalog_dict["streams"]}
    assert stream_scopes()["warehouses"] == "warehouse"  # the consent asks for its scope


def test_a_detail_key_is_declared_only_where_a_detail_object_is_read():
    """`detail_key` names the object of a detail response or of a one-object endpoint; a
    list-only stream declaring one would say it reads details it never requests."""
    for stream in STREAM_TYPES:
        if issubclass(stream, ServiceEndpoint):  # /api/ bodies are the list or object itself
            assert stream.detail_key is None, stream.name
            continue
        reads_one_object = (
            stream.records_key is None
            and stream.path
            and not stream.parent_stream_type
            and not stream.path.startswith("/api/")  # other families: bare lists, no wrapper
        )
        reads_details = bool(stream.detail_path) or bool(reads_one_object)
        assert bool(stream.detail_key) == reads_details, stream.name
