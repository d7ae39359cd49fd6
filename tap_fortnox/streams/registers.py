"""Company-wide registers: small lists, read in full every sync (deletes then show too)."""

from __future__ import annotations

from tap_fortnox.client import TENANT_ID, FortnoxStream


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
