"""Bookkeeping: dimensions (cost centers, projects), financial years and, per financial year,
the chart of accounts, voucher series and vouchers with their rows; bookkeeping settings and
fixed assets."""

from __future__ import annotations

from typing import Any

from singer_sdk import typing as th
from singer_sdk.helpers.types import Context

from tap_fortnox.client import SYNC_STARTED_AT, TENANT_ID, YEAR, FinancialYearChild, FortnoxStream
from tap_fortnox.documents import RowStream
from tap_fortnox.sdk import override
from tap_fortnox.sie_ledger import FedStream, LedgerStream


class CostCentersStream(FortnoxStream):
    name = "cost_centers"
    scope = "costcenter"
    deletable = True
    path = "/costcenters"
    records_key = "CostCenters"
    primary_keys = (TENANT_ID, "code")


class ProjectsStream(FortnoxStream):
    """Projects in full (the detail adds comments and the contact person): incremental, so a
    sync fetches the details of changed projects only."""

    name = "projects"
    scope = "project"
    deletable = True
    path = "/projects"
    records_key = "Projects"
    detail_key = "Project"
    detail_path = "/projects/{ProjectNumber}"
    fetch_details = True
    primary_keys = (TENANT_ID, "project_number")
    replication_key = SYNC_STARTED_AT


class FinancialYearsStream(FortnoxStream):
    """The parent of every per-year stream: each financial year is one context `{"year": id}`."""

    name = "financial_years"
    scope = "bookkeeping"
    path = "/financialyears"
    records_key = "FinancialYears"
    primary_keys = (TENANT_ID, "id")

    @override
    def get_child_context(self, record: dict[str, Any], context: Context | None) -> Context:
        return {YEAR: record["id"]}


class AccountsStream(FinancialYearChild, FortnoxStream):
    """The chart of accounts of each financial year (a few hundred records: read in full)."""

    name = "accounts"
    scope = "bookkeeping"
    sort_by = "number"
    deletable = True
    path = "/accounts"
    records_key = "Accounts"
    parent_stream_type = FinancialYearsStream
    primary_keys = (TENANT_ID, YEAR, "number")


class VoucherSeriesStream(FinancialYearChild, FortnoxStream):
    name = "voucher_series"
    scope = "bookkeeping"
    path = "/voucherseries"
    records_key = "VoucherSeriesCollection"
    parent_stream_type = FinancialYearsStream
    primary_keys = (TENANT_ID, YEAR, "code")


class VouchersStream(FinancialYearChild, LedgerStream):
    """Vouchers per financial year; their rows from the year's SIE file (sie_ledger.py)."""

    name = "vouchers"
    scope = "bookkeeping"
    path = "/vouchers"
    records_key = "Vouchers"
    detail_key = "Voucher"
    detail_path = "/vouchers/{VoucherSeries}/{VoucherNumber}"
    rows_key = "VoucherRows"
    rows_editable = False  # a booked voucher is corrected with new rows; removed ones stay
    parent_stream_type = FinancialYearsStream
    primary_keys = (TENANT_ID, YEAR, "voucher_series", "voucher_number")
    replication_key = SYNC_STARTED_AT


class VoucherRowsStream(RowStream):
    name = "voucher_rows"
    parent_stream_type = VouchersStream
    primary_keys = (TENANT_ID, YEAR, "voucher_series", "voucher_number", "row_index")


def _balance_schema(*properties: th.Property[Any]) -> dict[str, Any]:
    return th.PropertiesList(
        th.Property(TENANT_ID, th.StringType, required=True),
        th.Property(YEAR, th.IntegerType, required=True, description="The financial-year id"),
        th.Property("account", th.IntegerType, required=True),
        *properties,
    ).to_dict()


class AccountBalancesStream(FinancialYearChild, FedStream):
    """Each account's opening and closing balance (balance accounts) or result (result
    accounts) in a financial year, from its SIE file (#IB, #UB, #RES)."""

    name = "account_balances"
    scope = "bookkeeping"
    parent_stream_type = VouchersStream
    primary_keys = (TENANT_ID, YEAR, "account")
    schema = _balance_schema(
        th.Property("account_description", th.StringType, description="From the file's #KONTO"),
        th.Property("opening_balance", th.NumberType, description="#IB: debit positive"),
        th.Property("opening_quantity", th.NumberType),
        th.Property("closing_balance", th.NumberType, description="#UB: debit positive"),
        th.Property("closing_quantity", th.NumberType),
        th.Property("result", th.NumberType, description="#RES: the year's result"),
        th.Property("result_quantity", th.NumberType),
    )


class PeriodBalancesStream(FinancialYearChild, FedStream):
    """Each month's amount per account in a financial year, from its SIE file (#PSALDO)."""

    name = "period_balances"
    scope = "bookkeeping"
    ledger_part = "periods"
    parent_stream_type = VouchersStream
    primary_keys = (TENANT_ID, YEAR, "account", "month")
    schema = _balance_schema(
        th.Property("month", th.DateType, required=True, description="The month's first day"),
        th.Property("amount", th.NumberType, description="The month's amount: debit positive"),
        th.Property("quantity", th.NumberType),
    )


class ObjectPeriodBalancesStream(FinancialYearChild, FedStream):
    """Each month's amount per account and cost centre (dimension 1) or project (dimension 6)
    in a financial year, from its SIE file (#PSALDO with an object)."""

    name = "object_period_balances"
    scope = "bookkeeping"
    ledger_part = "object_periods"
    parent_stream_type = VouchersStream
    primary_keys = (TENANT_ID, YEAR, "account", "month", "dimension", "object")
    schema = _balance_schema(
        th.Property("month", th.DateType, required=True, description="The month's first day"),
        th.Property(
            "dimension", th.IntegerType, required=True, description="1 cost centre, 6 project"
        ),
        th.Property("object", th.StringType, required=True, description="Its code"),
        th.Property("amount", th.NumberType, description="The month's amount: debit positive"),
        th.Property("quantity", th.NumberType),
    )


class PredefinedAccountsStream(FortnoxStream):
    """Which account Fortnox books each kind of transaction on (a small register, one page)."""

    name = "predefined_accounts"
    scope = "settings"
    path = "/predefinedaccounts"
    records_key = "PreDefinedAccounts"
    primary_keys = (TENANT_ID, "name")


class PredefinedVoucherSeriesStream(FortnoxStream):
    name = "predefined_voucher_series"
    scope = "bookkeeping"
    path = "/predefinedvoucherseries"
    records_key = "PreDefinedVoucherSeriesCollection"
    primary_keys = (TENANT_ID, "name")


class AccountChartsStream(FortnoxStream):
    name = "account_charts"
    scope = "bookkeeping"
    path = "/accountcharts"
    records_key = "AccountCharts"
    primary_keys = (TENANT_ID, "name")


class AssetsStream(FortnoxStream):
    """Fixed assets (the detail response wraps the asset in "Assets")."""

    name = "assets"
    scope = "assets"
    path = "/assets"
    records_key = "Assets"
    detail_key = "Assets"
    detail_path = "/assets/{Id}"
    fetch_details = True
    primary_keys = (TENANT_ID, "id")
    replication_key = SYNC_STARTED_AT
