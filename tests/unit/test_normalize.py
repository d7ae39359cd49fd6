"""RecordNormalizer: names and values of raw Fortnox objects coerced to the stream schema."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tap_fortnox.normalize import RecordNormalizer, parse_decimal

SCHEMA = {
    "type": "object",
    "properties": {
        "document_number": {"type": ["string"]},
        "total": {"type": ["number", "null"]},
        "total_vat": {"type": ["number", "null"]},
        "invoice_date": {"type": ["string", "null"], "format": "date"},
        "changed_at": {"type": ["string", "null"], "format": "date-time"},
        "sales_account": {"type": ["integer", "null"]},
        "vat_included": {"type": ["boolean", "null"]},
        "url": {"type": ["string", "null"]},
        "edi_information": {
            "type": ["object", "null"],
            "properties": {"edi_status": {"type": ["string", "null"]}},
        },
        "rows": {
            "type": ["array", "null"],
            "items": {
                "type": ["object", "null"],
                "properties": {
                    "price": {"type": ["number", "null"]},
                    "delivered_quantity": {"type": ["number", "null"]},
                },
            },
        },
        "tags": {"type": ["array", "null"], "items": {"type": ["string"]}},
        "free_form": {"type": ["object", "null"]},
    },
}


def normalize(raw, problems=None):
    sink = problems if problems is not None else []
    return RecordNormalizer(SCHEMA, on_invalid=lambda p, v: sink.append((p, v)))(raw)


def test_names_are_snake_case_at_every_depth():
    record = normalize(
        {
            "DocumentNumber": "7",
            "@url": "https://api.fortnox.se/3/invoices/7",
            "EDIInformation": {"EDIStatus": "SENT"},
            "Rows": [{"Price": 10, "DeliveredQuantity": "2"}],
            "FreeForm": {"NestedName": [{"DeepKey": 1, "Ö": 2, "@": 3}]},
        }
    )
    assert record == {
        "document_number": "7",
        "url": "https://api.fortnox.se/3/invoices/7",
        "edi_information": {"edi_status": "SENT"},
        "rows": [{"price": 10, "delivered_quantity": Decimal("2")}],
        "free_form": {"nested_name": [{"deep_key": 1, "o": 2, "field_9a782114": 3}]},
    }


def test_a_field_not_in_the_schema_is_left_out_until_the_handler_types_it():
    asked: list[tuple[str, object]] = []

    def later(path, value):  # "not now" (a null) the first time, then a number
        asked.append((path, value))
        return {"type": ["number", "null"]} if value is not None else None

    normalizer = RecordNormalizer(SCHEMA, on_unknown=later)
    assert normalizer({"DocumentNumber": "7", "NewField": None}) == {"document_number": "7"}
    assert normalizer({"DocumentNumber": "8", "NewField": "1.50"}) == {
        "document_number": "8",
        "new_field": Decimal("1.50"),
    }
    assert normalizer({"DocumentNumber": "9", "NewField": 2}) == {
        "document_number": "9",
        "new_field": 2,
    }
    assert asked == [("new_field", None), ("new_field", "1.50")]  # typed once, then compiled


def test_unknown_fields_inside_objects_and_rows_are_kept_when_the_handler_says_so():
    asked: list[str] = []

    def keep(path, value):
        asked.append(path)
        return {}

    normalizer = RecordNormalizer(SCHEMA, on_unknown=keep)
    raw = {
        "DocumentNumber": "7",
        "EDIInformation": {"EDIStatus": "SENT", "EDINew": "x"},
        "Rows": [{"Price": 1, "RowNew": {"A": 2}}, {"Price": 2, "RowNew": 3}],
        "FreeForm": {"Anything": 1},  # an object schema without properties keeps everything
    }
    for _ in range(3):
        assert normalizer(raw) == {
            "document_number": "7",
            "edi_information": {"edi_status": "SENT", "edi_new": "x"},
            "rows": [{"price": 1, "row_new": {"a": 2}}, {"price": 2, "row_new": 3}],
            "free_form": {"anything": 1},
        }
    assert asked == ["edi_information.edi_new", "rows.row_new"]


def test_without_a_handler_unknown_fields_are_left_out():
    assert RecordNormalizer(SCHEMA)({"DocumentNumber": "7", "NewField": 1}) == {
        "document_number": "7"
    }


def test_additional_properties_keep_unknown_fields():
    schema = {"type": "object", "properties": {}, "additionalProperties": True}
    assert RecordNormalizer(schema)({"NewField": {"A": 1}}) == {"new_field": {"a": 1}}


def test_nan_and_infinity_become_null():
    record = normalize({"Total": float("nan"), "FreeForm": {"X": float("inf")}})
    assert record == {"total": None, "free_form": {"x": None}}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("1234.50"), Decimal("1234.50")),
        ("1234.50", Decimal("1234.50")),
        ("1234,50", Decimal("1234.50")),
        (" 1 234.5 ", Decimal("1234.5")),
        ("0.1", Decimal("0.1")),
        (12, 12),
        ("", None),
        (None, None),
    ],
)
def test_money_is_exact_decimal_also_from_strings(value, expected):
    result = normalize({"Total": value})["total"]
    assert result == expected
    assert type(result) is type(expected)


def test_money_from_a_float_keeps_its_shortest_decimal_form():
    assert parse_decimal(0.1) == Decimal("0.1")


def test_empty_dates_become_null_and_datetimes_get_stockholm_offsets():
    record = normalize({"InvoiceDate": "", "ChangedAt": ""})
    assert record == {"invoice_date": None, "changed_at": None}
    record = normalize({"InvoiceDate": "2024-03-01", "ChangedAt": "2024-07-01 12:30"})
    assert record["invoice_date"] == "2024-03-01"
    assert record["changed_at"] == "2024-07-01T12:30:00+02:00"  # summer time
    assert normalize({"ChangedAt": "2024-01-15 12:30"})["changed_at"] == "2024-01-15T12:30:00+01:00"
    assert normalize({"InvoiceDate": "2024-03-01 00:00"})["invoice_date"] == "2024-03-01"


def test_identifiers_become_strings_and_integers_integers():
    record = normalize({"DocumentNumber": 42, "SalesAccount": "3001", "VATIncluded": "false"})
    assert record == {"document_number": "42", "sales_account": 3001, "vat_included": False}
    assert normalize({"DocumentNumber": Decimal("5")})["document_number"] == "5"
    assert normalize({"SalesAccount": ""})["sales_account"] is None
    assert normalize({"SalesAccount": Decimal("3001.0")})["sales_account"] == 3001


def test_values_that_do_not_fit_become_null_and_are_reported():
    problems: list = []
    record = normalize(
        {
            "Total": "twelve",
            "SalesAccount": "30.5",
            "InvoiceDate": "soon",
            "VATIncluded": "maybe",
            "Rows": [{"Price": "n/a"}],
            "EDIInformation": "not an object",
        },
        problems,
    )
    assert record == {
        "total": None,
        "sales_account": None,
        "invoice_date": None,
        "vat_included": None,
        "rows": [{"price": None}],
        "edi_information": None,
    }
    assert [p for p, _ in problems] == [
        "total",
        "sales_account",
        "invoice_date",
        "vat_included",
        "rows.price",
        "edi_information",
    ]


def test_arrays_of_scalars_and_missing_arrays():
    assert normalize({"Tags": [1, "b"]})["tags"] == ["1", "b"]
    assert normalize({"Tags": None})["tags"] is None
    assert normalize({"Tags": ""})["tags"] is None


def test_normalising_twice_changes_nothing():
    once = normalize({"Total": "1.10", "InvoiceDate": "", "DocumentNumber": 3, "Rows": []})
    assert normalize(once) == once
