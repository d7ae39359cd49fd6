"""snake_case: the one converter for every property name (tap records and generated schemas)."""

from __future__ import annotations

import re

import pytest

from tap_fortnox.normalize import snake_case
from tests.unit.spec import spec

SQL_SAFE = re.compile(r"^[a-z_][a-z0-9_]*$")
# PostgreSQL's reserved key words (those that cannot be a column name without quoting).
_RESERVED_WORDS = """
    all analyse analyze and any array as asc asymmetric both case cast check collate column
    constraint create current_catalog current_date current_role current_time current_timestamp
    current_user default deferrable desc distinct do else end except false fetch for foreign from
    grant group having in initially intersect into lateral leading limit localtime localtimestamp
    not null offset on only or order placing primary references returning select session_user some
    symmetric system_user table then to trailing true union unique user using variadic when where
    window with"""
SQL_RESERVED = frozenset(_RESERVED_WORDS.split())


@pytest.mark.parametrize(
    ("fortnox", "expected"),
    [
        ("DocumentNumber", "document_number"),
        ("TotalVAT", "total_vat"),
        ("VATIncluded", "vat_included"),
        ("OCR", "ocr"),
        ("EDIInformation", "edi_information"),
        ("@url", "url"),
        ("@urlTaxReductionList", "url_tax_reduction_list"),
        ("@TotalResources", "total_resources"),
        ("EUVATAccount", "eu_vat_account"),
        ("EUVatLimitRegulation", "eu_vat_limit_regulation"),
        ("ROTRUTType", "rotrut_type"),
        ("HouseWorkType", "house_work_type"),
        ("cardID", "card_id"),
        ("InvoiceDocumentURL", "invoice_document_url"),
        ("Address1", "address1"),
        ("IWH1", "iwh1"),
        ("averageCostInSEK", "average_cost_in_sek"),
        ("EmailInvoiceBCC", "email_invoice_bcc"),
        ("time.Time", "time_time"),
        ("Group", "group_name"),
        ("already_snake", "already_snake"),
    ],
)
def test_examples(fortnox, expected):
    assert snake_case(fortnox) == expected


def test_idempotent_on_its_own_output():
    for name in ("TotalVAT", "@urlTaxReductionList", "EDIInformation", "Address1", "Group"):
        once = snake_case(name)
        assert snake_case(once) == once


@pytest.mark.parametrize(
    ("fortnox", "expected"),
    [("Ö", "o"), ("Förnamn", "fornamn"), ("Ärende_Å", "arende_a"), ("Café", "cafe")],
)
def test_accented_letters_become_their_base_letter(fortnox, expected):
    assert snake_case(fortnox) == expected


@pytest.mark.parametrize("name", ["@", "@@", "€", "___", "\u00a7 \u00b1", "\ud800"])
def test_names_without_letters_get_a_stable_safe_name(name):
    converted = snake_case(name)
    assert SQL_SAFE.match(converted)
    assert converted.startswith("field_")
    assert converted == snake_case(name)  # deterministic
    assert converted != snake_case(name + "#")  # and distinct per name


def _object_schemas(node):
    if isinstance(node, dict):
        if isinstance(node.get("properties"), dict):
            yield node["properties"]
        for value in node.values():
            yield from _object_schemas(value)
    elif isinstance(node, list):
        for value in node:
            yield from _object_schemas(value)


def test_every_openapi_property_name_is_sql_safe_and_unique_per_object():
    objects = list(_object_schemas(spec()["components"]))
    names = {name for props in objects for name in props}
    assert len(names) > 1000  # the whole document, not a sample
    unsafe = sorted(n for n in names if not SQL_SAFE.match(snake_case(n)))
    assert unsafe == []
    for props in objects:
        converted = [snake_case(n) for n in props]
        duplicates = {c for c in converted if converted.count(c) > 1}
        assert not duplicates, f"{sorted(props)} collide on {duplicates}"


def test_generated_schemas_have_sql_safe_unreserved_column_names():
    from tap_fortnox.tap import TapFortnox

    tap = TapFortnox(config={}, validate_config=False)
    for stream in tap.streams.values():
        for name in stream.schema["properties"]:
            assert SQL_SAFE.match(name), (stream.name, name)
            assert name not in SQL_RESERVED, (stream.name, name)
