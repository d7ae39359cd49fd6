"""Purchasing: suppliers (full detail records, incremental on lastmodified)."""

from __future__ import annotations

from tap_fortnox.client import SYNC_STARTED_AT, TENANT_ID, FortnoxStream


class SuppliersStream(FortnoxStream):
    name = "suppliers"
    path = "/suppliers"
    records_key = "Suppliers"
    detail_key = "Supplier"
    detail_path = "/suppliers/{SupplierNumber}"
    fetch_details = True
    primary_keys = (TENANT_ID, "supplier_number")
    # lastmodified is unverified for suppliers; error 2000588 turns a sync into a full read.
    replication_key = SYNC_STARTED_AT


STREAMS: tuple[type[FortnoxStream], ...] = (SuppliersStream,)
