"""Company-wide registers: small lists, read in full every sync (deletes then show too)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import requests

from tap_fortnox.client import TENANT_ID, FortnoxStream
from tap_fortnox.responses import get_ci, json_body
from tap_fortnox.sdk import override


class CompanyInformationStream(FortnoxStream):
    """The company itself (one record per tenant)."""

    name = "company_information"
    scope = "companyinformation"
    path = "/companyinformation"
    detail_key = "CompanyInformation"
    primary_keys = (TENANT_ID,)


class CurrenciesStream(FortnoxStream):
    name = "currencies"
    scope = "currency"
    deletable = True
    path = "/currencies"
    records_key = "Currencies"
    primary_keys = (TENANT_ID, "code")


class UnitsStream(FortnoxStream):
    name = "units"
    scope = "settings"
    deletable = True
    path = "/units"
    records_key = "Units"
    primary_keys = (TENANT_ID, "code")


class LabelsStream(FortnoxStream):
    name = "labels"
    scope = "settings"
    deletable = True
    path = "/labels"
    records_key = "Labels"
    primary_keys = (TENANT_ID, "id")


class TermsOfPaymentsStream(FortnoxStream):
    name = "terms_of_payments"
    scope = "settings"
    deletable = True
    path = "/termsofpayments"
    records_key = "TermsOfPayments"
    primary_keys = (TENANT_ID, "code")


class TermsOfDeliveriesStream(FortnoxStream):
    name = "terms_of_deliveries"
    scope = "settings"
    deletable = True
    path = "/termsofdeliveries"
    records_key = "TermsOfDeliveries"
    primary_keys = (TENANT_ID, "code")


class WaysOfDeliveryStream(FortnoxStream):
    name = "ways_of_delivery"
    scope = "settings"
    deletable = True
    path = "/wayofdeliveries"
    records_key = "WayOfDeliveries"
    primary_keys = (TENANT_ID, "code")


class ModesOfPaymentsStream(FortnoxStream):
    name = "modes_of_payments"
    scope = "settings"
    deletable = True
    path = "/modesofpayments"
    records_key = "ModesOfPayments"
    primary_keys = (TENANT_ID, "code")


class PriceListsStream(FortnoxStream):
    name = "price_lists"
    scope = "price"
    deletable = True
    path = "/pricelists"
    records_key = "PriceLists"
    primary_keys = (TENANT_ID, "code")


class PrintTemplatesStream(FortnoxStream):
    """Print templates (one unpaged list; `template` is the code documents refer to)."""

    name = "print_templates"
    scope = "print"
    path = "/printtemplates"
    records_key = "PrintTemplates"
    primary_keys = (TENANT_ID, "template")


class CompanySettingsStream(FortnoxStream):
    """The company's settings: addresses, bank and giro accounts, VAT number (one record)."""

    name = "company_settings"
    scope = "settings"
    path = "/settings/company"
    detail_key = "CompanySettings"
    primary_keys = (TENANT_ID,)


class LockedPeriodStream(FortnoxStream):
    """The last day of the period the company has locked for bookkeeping (one record; a null
    `end_date` means no period is locked)."""

    name = "locked_period"
    scope = "settings"
    path = "/settings/lockedperiod"
    detail_key = "LockedPeriod"
    primary_keys = (TENANT_ID,)


class AssetTypesStream(FortnoxStream):
    """Asset types and the accounts their assets are booked on."""

    name = "asset_types"
    scope = "assets"
    deletable = True
    path = "/assets/types"
    records_key = "Types"
    primary_keys = (TENANT_ID, "id")


class CustomerReferencesStream(FortnoxStream):
    """Reference people of customers ("er referens"). The document wraps the list as
    `{"CustomerReference": {"CustomerReferenceRows": [...]}}`; a top-level list is read too."""

    name = "customer_references"
    scope = "customer"
    deletable = True
    path = "/customerreferences"
    records_key = "CustomerReferenceRows"
    records_wrapper = "CustomerReference"  # the object the list sits in
    primary_keys = (TENANT_ID, "id")

    @override
    def parse_response(self, response: requests.Response) -> Iterable[dict[str, Any]]:
        wrapper = get_ci(json_body(response), self.records_wrapper)
        rows = get_ci(wrapper, self.records_key or "")
        if rows is None:  # not wrapped: the ordinary list (and its checks)
            yield from super().parse_response(response)
            return
        yield from self.objects_of(rows if isinstance(rows, list) else [rows], response)


class ContractAccrualsStream(FortnoxStream):
    """Accrual plans of contracts (their rows stay a nested array); a small register without
    `lastmodified`, read in full."""

    name = "contract_accruals"
    scope = "bookkeeping"
    deletable = True
    path = "/contractaccruals"
    records_key = "ContractAccruals"
    detail_key = "ContractAccrual"
    detail_path = "/contractaccruals/{DocumentNumber}"
    fetch_details = True  # a list item has 3 fields
    primary_keys = (TENANT_ID, "document_number")
