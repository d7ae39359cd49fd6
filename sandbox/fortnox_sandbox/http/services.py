"""The `/api/...` service families: Fortnox Lager (`/api/warehouse/...`, scope `warehouse`) and
Fortnox Tid (`/api/time/...`, scope `timereporting`), from the same company data as `/3/`.

Their conventions differ from `/3/`: lists are bare JSON arrays of camelCase objects (the
OpenAPI document declares no wrapper and no paging), details are the object itself, ids are
numbers or UUIDs, and errors are `{"error", "message", "id"}` (WebException). Warehouse items
are the company's stock articles; purchase orders and incoming goods refer to its suppliers;
time registrations to its customers, projects and employees.

Uncertain choices ([U], docs/streams.md): the status and body of a licence refusal (403 with
error `MISSING_LICENSE`); list defaults (stock points ACTIVE, production orders incomplete and
stock takings not voided unless `state` says otherwise, as the document says for the first
two); stock taking lists without their rows; `fromDate` and `toDate` required, at most 366
days apart. `Settings.service_page_size` pages the lists with `Link: rel="next"` headers
(`page`), to exercise a client's paging; by default they are one array.
"""

from __future__ import annotations

import json
import threading
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from fortnox_sandbox.model.clock import parse_date

WAREHOUSE = "warehouse"
TIME_REPORTING = "timereporting"
SERVICE_SCOPES = (TIME_REPORTING, WAREHOUSE)
MISSING_LICENSE = "MISSING_LICENSE"  # [U]
MAX_SPAN_DAYS = 366  # "the max of which should be 1 year"

# Resource name (as `expected` takes it) -> list path below /api/.
LIST_PATHS = {
    "stock_balances": "warehouse/status-v1/stockbalance",
    "stock_points": "warehouse/stockpoints-v1",
    "purchase_orders": "warehouse/purchaseorders-v1",
    "incoming_goods": "warehouse/incominggoods-v1",
    "production_orders": "warehouse/productionorders-v1",
    "manual_deliveries": "warehouse/deliveries-v1",
    "stock_takings": "warehouse/stocktaking-v1",
    "time_registrations": "time/registrations-v2",
    "time_article_registrations": "time/articles-v1",
}
# What `expected` (and `Sandbox.expected`) answers for: the lists and the stock locations.
SERVICE_RESOURCES = frozenset({*LIST_PATHS, "stock_locations"})
INCOMING_GOODS_LIST_FIELDS = (
    "completed",
    "date",
    "deliveryNoteId",
    "hasDeliveryNote",
    "id",
    "note",
    "released",
    "stockPointId",
    "supplierName",
    "supplierNumber",
    "unmatchedValue",
    "voided",
)


def _num(value: Decimal) -> float | int:
    """A JSON number with at most two decimals (what Fortnox sends)."""
    value = value.quantize(Decimal("0.01"))
    return int(value) if value == value.to_integral() else float(value)


@dataclass
class ServiceReply:
    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()


def _dumps(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def web_exception(error: str, message: str, status: int) -> ServiceReply:
    body = {"error": error, "message": message, "id": str(uuid.uuid4())}
    return ServiceReply(status, _dumps(body))


@dataclass
class Company:
    """One tenant's warehouse and time-reporting records (built once, then edited in place)."""

    stock_points: list[dict] = field(default_factory=list)
    stock_locations: dict[str, list[dict]] = field(default_factory=dict)  # by stock point id
    stock_balances: list[dict] = field(default_factory=list)
    purchase_orders: list[dict] = field(default_factory=list)
    incoming_goods: list[dict] = field(default_factory=list)
    production_orders: list[dict] = field(default_factory=list)
    manual_deliveries: list[dict] = field(default_factory=list)
    stock_takings: list[dict] = field(default_factory=list)
    time_registrations: list[dict] = field(default_factory=list)
    time_article_registrations: list[dict] = field(default_factory=list)


class Builder:
    """Generates a tenant's `Company` from its articles, suppliers, customers, projects and
    employees (deterministic in seed and tenant)."""

    def __init__(self, tenant: Any) -> None:
        self.tenant = tenant
        self.ctx = tenant.ctx

    def uid(self, kind: str, *parts: Any) -> str:
        name = f"{self.ctx.seed}/{self.ctx.tenant_id}/{kind}/" + "/".join(map(str, parts))
        return str(uuid.uuid5(uuid.NAMESPACE_URL, name))

    def records(self, resource: str) -> list[dict]:
        out: list[dict] = []
        for _year, coll in self.tenant.collections(resource):
            out.extend(coll.records())
        return out

    def build(self) -> Company:
        company = Company()
        articles = self.records("articles")
        self.stock_items = [a for a in articles if a.get("Type") == "STOCK"] or articles[:5]
        self.services = [a for a in articles if a.get("Type") == "SERVICE"] or articles[:3]
        self._stock_points(company)
        self._balances(company)
        self._purchasing(company)
        self._production(company)
        self._deliveries(company)
        self._stock_takings(company)
        self._time(company)
        return company

    # -- warehouse
    def _stock_points(self, company: Company) -> None:
        for code, name, active in (
            ("HUV", "Huvudlager", True),
            ("BUTIK", "Butikslager", True),
            ("GAMLA", "Gamla lagret", False),
        ):
            point_id = self.uid("stockpoint", code)
            company.stock_points.append(
                {
                    "active": active,
                    "code": code,
                    "deliveryAddress": "Lagervägen 4",
                    "deliveryAddress2": "",
                    "deliveryCity": "Borås",
                    "deliveryCountryCode": "SE",
                    "deliveryName": name,
                    "deliveryPhone": "033-12 34 56",
                    "deliveryZipCode": "504 62",
                    "id": point_id,
                    "name": name,
                    "usingCompanyAddress": code == "HUV",
                }
            )
            company.stock_locations[point_id] = [
                {
                    "code": f"{shelf}{level}",
                    "id": self.uid("stocklocation", code, shelf, level),
                    "name": f"Hylla {shelf} plan {level}",
                    "stockPointId": point_id,
                }
                for shelf in ("A", "B")
                for level in (1, 2)
            ]

    def _balances(self, company: Company) -> None:
        main, shop = company.stock_points[0], company.stock_points[1]
        for pos, item in enumerate(self.stock_items):
            in_stock = Decimal(str(item.get("QuantityInStock") or 0))
            reserved = Decimal(str(item.get("ReservedQuantity") or 0))
            in_shop = min(in_stock, Decimal(pos % 7))
            for point, quantity, available in (
                (main, in_stock - in_shop, in_stock - in_shop - reserved),
                (shop, in_shop, in_shop),
            ):
                company.stock_balances.append(
                    {
                        "availableStock": _num(available),
                        "inStock": _num(quantity),
                        "itemId": item["ArticleNumber"],
                        "stockPointCode": point["code"],
                    }
                )

    def _purchasing(self, company: Company) -> None:
        suppliers = self.records("suppliers")
        main = company.stock_points[0]
        count = max(12, len(self.stock_items) // 2)
        start = self.ctx.years[-2].start
        for number in range(1, count + 1):
            rnd = self.ctx.rng("warehouse.purchaseorders", number)
            supplier = suppliers[(number * 7) % len(suppliers)]
            ordered = start + timedelta(days=(number * 600) // count)
            state = ("RECEIVED", "RECEIVED", "SENT", "NOT_SENT", "VOIDED")[number % 5]
            rows = []
            for row_num in range(1, rnd.randint(1, 4) + 1):
                item = self.stock_items[rnd.randrange(len(self.stock_items))]
                quantity = Decimal(rnd.randint(5, 60))
                received = quantity if state == "RECEIVED" else Decimal(0)
                rows.append(
                    {
                        "backOrderQuantity": 0,
                        "costCenterCode": "",
                        "currencyCode": "SEK",
                        "id": self.uid("purchaseorderrow", number, row_num),
                        "isStockItem": True,
                        "itemDescription": item["Description"],
                        "itemId": item["ArticleNumber"],
                        "itemUnit": item.get("Unit") or "st",
                        "notes": [],
                        "orderedQuantity": _num(quantity),
                        "price": _num(Decimal(str(item.get("PurchasePrice") or 0))),
                        "projectId": "",
                        "purchaseOrderId": number,
                        "receivedQuantity": _num(received),
                        "remainingOrderedQuantity": _num(quantity - received),
                        "rowNum": row_num,
                        "stockLocationCode": "A1",
                        "stockLocationId": company.stock_locations[main["id"]][0]["id"],
                        "stockLocationName": "Hylla A plan 1",
                        "stockPointCode": main["code"],
                        "stockPointId": main["id"],
                        "stockPointName": main["name"],
                    }
                )
            value = sum(
                (Decimal(str(r["orderedQuantity"])) * Decimal(str(r["price"])) for r in rows),
                Decimal(0),
            )
            company.purchase_orders.append(
                {
                    "confirmationEmail": "",
                    "costCenterCode": "",
                    "currencyCode": "SEK",
                    "currencyRate": 1,
                    "currencyUnit": 1,
                    "deliveryAddress": "Lagervägen 4",
                    "deliveryAddress2": "",
                    "deliveryCity": "Borås",
                    "deliveryCountryCode": "SE",
                    "deliveryDate": (ordered + timedelta(days=14)).isoformat(),
                    "deliveryName": main["name"],
                    "deliveryZipCode": "504 62",
                    "dropship": False,
                    "id": number,
                    "internalReference": f"IO-{number:04d}",
                    "languageCode": "SV",
                    "manuallyCompleted": False,
                    "messageToSupplier": "",
                    "note": "",
                    "orderDate": ordered.isoformat(),
                    "orderValue": _num(value),
                    "orderValueInSEK": _num(value),
                    "ourReference": self.ctx.staff[number % len(self.ctx.staff)],
                    "paymentTermsCode": "30",
                    "purchaseOrderState": state,
                    "purchaseType": "WAREHOUSE",
                    "responseState": "SENT" if state != "NOT_SENT" else "NOT_SENT",
                    "rows": rows,
                    "stockPointCode": main["code"],
                    "stockPointId": main["id"],
                    "supplierName": supplier.get("Name"),
                    "supplierNumber": supplier.get("SupplierNumber"),
                    "totalReceivedQuantity": _num(
                        sum((Decimal(str(r["receivedQuantity"])) for r in rows), Decimal(0))
                    ),
                    "voided": state == "VOIDED",
                    "yourReference": "",
                }
            )
            if state == "RECEIVED":
                company.incoming_goods.append(
                    self._incoming(
                        len(company.incoming_goods) + 1, company.purchase_orders[-1], main
                    )
                )

    def _incoming(self, number: int, order: dict, point: dict) -> dict:
        rows = [
            {
                "backOrderQuantity": 0,
                "batch": "",
                "costCenterCode": "",
                "directCost": row["price"],
                "id": self.uid("incominggoodsrow", number, index),
                "invoicedQuantity": 0,
                "isStockItem": True,
                "itemDescription": row["itemDescription"],
                "itemId": row["itemId"],
                "itemUnit": row["itemUnit"],
                "orderedQuantity": row["orderedQuantity"],
                "projectId": "",
                "purchaseOrderId": order["id"],
                "purchaseOrderRowId": row["id"],
                "receivedQuantity": row["receivedQuantity"],
                "remainingOrderedQuantity": 0,
                "rowOrder": index,
                "stockLocationCode": row["stockLocationCode"],
                "stockLocationId": row["stockLocationId"],
                "stockLocationName": row["stockLocationName"],
                "stockPointCode": point["code"],
                "stockPointId": point["id"],
                "stockPointName": point["name"],
                "takenQuantity": 0,
            }
            for index, row in enumerate(order["rows"], start=1)
        ]
        return {
            "completed": True,
            "costCenterCode": "",
            "date": order["deliveryDate"],
            "deliveryNoteId": f"FS-{order['id']:05d}",
            "hasDeliveryNote": True,
            "id": number,
            "note": f"Inköpsorder {order['id']}",
            "projectId": "",
            "released": True,
            "rows": rows,
            "stockPointCode": point["code"],
            "stockPointId": point["id"],
            "stockPointName": point["name"],
            "supplierName": order["supplierName"],
            "supplierNumber": order["supplierNumber"],
            "unmatchedValue": order["orderValue"],
            "voided": False,
        }

    def _production(self, company: Company) -> None:
        main = company.stock_points[0]
        items = self.stock_items
        start = self.ctx.years[-1].start
        for number in range(1, min(6, len(items)) + 1):
            product = items[number - 1]
            parts = [items[(number + k) % len(items)] for k in (1, 2)]
            done = number % 3
            company.production_orders.append(
                {
                    "batch": "",
                    "costCenterCode": "",
                    "documentState": {0: None, 1: "completed", 2: "voided"}[done],
                    "id": number,
                    "inboundStockLocationId": company.stock_locations[main["id"]][1]["id"],
                    "inboundStockPointId": main["id"],
                    "itemDescription": product["Description"],
                    "itemId": product["ArticleNumber"],
                    "itemUnit": product.get("Unit") or "st",
                    "note": "",
                    "outboundStockPointId": main["id"],
                    "packageItems": [
                        {
                            "itemDescription": part["Description"],
                            "itemId": part["ArticleNumber"],
                            "itemUnit": part.get("Unit") or "st",
                            "quantityRequired": 2,
                            "quantityReserved": 0 if done else 2,
                            "totalQuantityRequired": 2 * number,
                        }
                        for part in parts
                    ],
                    "productionDate": (start + timedelta(days=7 * number)).isoformat()
                    if done == 1
                    else None,
                    "productionState": "registered" if done else "reserved",
                    "projectId": "",
                    "quantity": number,
                    "startDate": (start + timedelta(days=7 * number - 3)).isoformat(),
                }
            )

    def _deliveries(self, company: Company) -> None:
        start = self.ctx.years[-1].start
        for number, kind in enumerate(("Inbound", "Outbound", "StockTransfer", "Outbound"), 1):
            company.manual_deliveries.append(
                {
                    "date": (start + timedelta(days=11 * number)).isoformat(),
                    "deliveryId": number,
                    "entityId": str(number),
                    "note": f"Manuell {kind.lower()} {number}",
                    "released": number != 4,
                    "type": kind,
                    "voided": False,
                }
            )

    def _stock_takings(self, company: Company) -> None:
        main = company.stock_points[0]
        location = company.stock_locations[main["id"]][0]
        for number, state in enumerate(("completed", "started", "voided"), 1):
            rows = [
                {
                    "countedBy": self.ctx.staff[index % len(self.ctx.staff)],
                    "currentRowNo": index,
                    "hasPostReleaseStockChanges": False,
                    "id": f"{number}-{index}",
                    "itemId": item["ArticleNumber"],
                    "stockLocationId": location["id"],
                    "stockPointId": main["id"],
                    "stockTakenQuantity": item.get("QuantityInStock") or 0,
                    "stockTakingId": number,
                    "stockTakingRowId": f"{number}-{index}",
                    "totalQuantityInStock": item.get("QuantityInStock") or 0,
                }
                for index, item in enumerate(self.stock_items[: 3 + 2 * number], start=1)
            ]
            company.stock_takings.append(
                {
                    "costCenterCode": "",
                    "date": self.ctx.years[-1 - number % 2].end.isoformat(),
                    "id": number,
                    "name": f"Inventering {number}",
                    "projectId": "",
                    "responsible": self.ctx.staff[number % len(self.ctx.staff)],
                    "rows": rows,
                    "sortParams": {
                        "primarySort": "itemId",
                        "primarySortOrder": "asc",
                        "secondarySort": "",
                        "secondarySortOrder": "",
                    },
                    "sortingId": 1,
                    "state": state,
                    "usingStockPoints": True,
                }
            )

    # -- time reporting
    def _time(self, company: Company) -> None:
        customers = self.records("customers")
        projects = self.records("projects")
        employees = self.records("employees")
        if not (customers and employees):
            return
        first, last = self.ctx.years[-2].start, self.ctx.as_of
        day, number = first, 0
        while day <= last + timedelta(days=60):
            number += 1
            rnd = self.ctx.rng("time.registrations", number)
            employee = employees[number % len(employees)]
            absence = day > last or rnd.random() < 0.08
            customer = customers[rnd.randrange(len(customers))]
            project = projects[rnd.randrange(len(projects))] if projects else None
            service = self.services[rnd.randrange(len(self.services))]
            hours = Decimal(rnd.choice((2, 4, 6, 8)))
            begin = datetime.combine(day, time(8, 0))
            company.time_registrations.append(
                {
                    "chargeHours": 0 if absence else _num(hours),
                    "childId": None,
                    "costCenter": None,
                    "createdBy": employee.get("EmployeeId"),
                    "createdTime": f"{begin.isoformat()}Z",
                    "customer": None
                    if absence
                    else {
                        "id": customer.get("CustomerNumber"),
                        "name": customer.get("Name"),
                        "number": customer.get("CustomerNumber"),
                    },
                    "documentId": None,
                    "documentType": None,
                    "id": self.uid("timeregistration", number),
                    "invoiceBasisId": None,
                    "invoiceText": "",
                    "nonInvoiceable": absence,
                    "note": "",
                    "project": None
                    if absence or project is None
                    else {
                        "description": project.get("Description"),
                        "id": project.get("ProjectNumber"),
                    },
                    "registrationCode": {
                        "code": "SEM" if absence else "TID",
                        "name": "Semester" if absence else "Arbetstid",
                        "type": "ABSENCE" if absence else "WORK",
                    },
                    "service": None
                    if absence
                    else {
                        "description": service.get("Description"),
                        "id": service.get("ArticleNumber"),
                        "type": "SERVICE",
                    },
                    "startTime": f"{begin.isoformat()}Z",
                    "stopTime": f"{(begin + timedelta(hours=int(hours))).isoformat()}Z",
                    "unitCost": 450,
                    "unitPrice": 0 if absence else _num(Decimal(str(service.get("SalesPrice")))),
                    "updatedBy": employee.get("EmployeeId"),
                    "userId": employee.get("EmployeeId"),
                    "workedDate": day.isoformat(),
                    "workedHours": _num(hours),
                }
            )
            day += timedelta(days=1 + number % 3)
        for number in range(1, 25):
            rnd = self.ctx.rng("time.articles", number)
            day = first + timedelta(days=number * 29)
            employee = employees[number % len(employees)]
            customer = customers[rnd.randrange(len(customers))]
            item = self.stock_items[rnd.randrange(len(self.stock_items))]
            reg_id = self.uid("timearticle", number)
            article = {
                "createdBy": employee.get("EmployeeId"),
                "createdTime": f"{day.isoformat()}T16:00:00Z",
                "documentId": None,
                "documentType": None,
                "id": self.uid("timearticle.row", number),
                "invoiceBasisId": None,
                "invoiceText": "",
                "item": {
                    "description": item["Description"],
                    "id": item["ArticleNumber"],
                    "type": "STOCK",
                    "unit": item.get("Unit") or "st",
                },
                "nonInvoiceable": False,
                "note": "",
                "orderIndex": 0,
                "ownerId": employee.get("EmployeeId"),
                "timeLocked": False,
                "totalQuantity": rnd.randint(1, 5),
                "unitCost": _num(Decimal(str(item.get("PurchasePrice") or 0))),
                "unitPrice": _num(Decimal(str(item.get("SalesPrice") or 0))),
            }
            company.time_article_registrations.append(
                {
                    "articleRegistrations": [article],
                    "costCenter": None,
                    "createdTime": f"{day.isoformat()}T16:00:00Z",
                    "customer": {
                        "id": customer.get("CustomerNumber"),
                        "name": customer.get("Name"),
                        "number": customer.get("CustomerNumber"),
                    },
                    "id": reg_id,
                    "ownerId": employee.get("EmployeeId"),
                    "project": None,
                    "purchaseDate": day.isoformat(),
                    "registeredArticle": None,
                    "registrationType": "ARTICLE",
                    "version": 1,
                }
            )


class Services:
    """Answers GET /api/...: `get(tenant, path, query, scopes)` -> ServiceReply."""

    def __init__(self, settings: Any) -> None:
        self.settings = settings
        self._companies: dict[str, Company] = {}
        self._lock = threading.Lock()

    def company(self, tenant: Any) -> Company:
        with self._lock:
            found = self._companies.get(tenant.tenant_id)
            if found is None:
                found = self._companies[tenant.tenant_id] = Builder(tenant).build()
            return found

    # -- what a complete read returns (tests)
    def expected(self, resource: str, tenant: Any) -> list[dict]:
        """Every record of `resource` as a detail (with its rows); `stock_locations` of every
        stock point."""
        company = self.company(tenant)
        if resource == "stock_locations":
            return [loc for locs in company.stock_locations.values() for loc in locs]
        return json.loads(_dumps(getattr(company, resource)))

    def listed(self, resource: str, tenant: Any) -> list[dict]:
        """The items the list of `resource` shows with `state=all` (tests: which lack rows)."""
        found = self._route(self.company(tenant), LIST_PATHS[resource], {"state": "all"})
        return json.loads(_dumps(found or []))

    def delete(self, resource: str, tenant: Any, key: Any) -> None:
        """Remove the record of `resource` whose `id` is `key` (a user deleted it)."""
        company = self.company(tenant)
        with self._lock:
            records = getattr(company, resource)
            records[:] = [r for r in records if r["id"] != key]

    def edit_registration(self, tenant: Any, worked: date, note: str) -> dict:
        """Change the note of the first time registration worked on or after `worked`."""
        company = self.company(tenant)
        with self._lock:
            record = next(r for r in company.time_registrations if r["workedDate"] >= str(worked))
            record["note"] = note
            return dict(record)

    # -- HTTP
    def get(
        self, tenant: Any, path: str, query: dict[str, str], scopes: frozenset[str]
    ) -> ServiceReply:
        rest = path[len("/api/") :].strip("/")
        family = rest.split("/", 1)[0]
        scope = {"warehouse": WAREHOUSE, "time": TIME_REPORTING}.get(family)
        if scope is None:
            return web_exception("NOT_FOUND", f"No such resource: {path}", 404)
        if scope in self.settings.missing_scopes.get(tenant.tenant_id, ()):
            return web_exception(MISSING_LICENSE, f"Missing license for scope {scope}", 403)
        if scope not in scopes:
            return web_exception("MISSING_SCOPE", f"Missing scope {scope}", 403)
        try:
            found = self._route(self.company(tenant), rest, query)
        except ValueError as exc:
            return web_exception("INVALID_PARAMETER", str(exc), 400)
        if found is None:
            return web_exception("NOT_FOUND", f"No such resource: {path}", 404)
        if isinstance(found, list):
            return self._page(found, path, query)
        return ServiceReply(200, _dumps(found))

    def _page(self, items: list[dict], path: str, query: dict[str, str]) -> ServiceReply:
        size = self.settings.service_page_size
        if not size:
            return ServiceReply(200, _dumps(items))
        page = int(query.get("page", "1"))
        chunk = items[(page - 1) * size : page * size]
        headers: tuple[tuple[str, str], ...] = ()
        if page * size < len(items):
            params = "&".join(f"{k}={v}" for k, v in {**query, "page": page + 1}.items())
            headers = (("Link", f'<{path}?{params}>; rel="next"'),)
        return ServiceReply(200, _dumps(chunk), headers)

    def _route(self, company: Company, rest: str, query: dict[str, str]) -> Any:
        parts = rest.split("/")
        lowered = {k.lower(): v for k, v in query.items()}
        state = lowered.get("state", "").lower()
        if rest == LIST_PATHS["stock_balances"]:
            return company.stock_balances
        if parts[:2] == ["warehouse", "stockpoints-v1"]:
            if len(parts) == 2:
                wanted = {"": (True,), "active": (True,), "inactive": (False,)}.get(
                    state, (True, False)
                )
                return [p for p in company.stock_points if p["active"] in wanted]
            point = next(
                (p for p in company.stock_points if parts[2] in (p["id"], p["code"])), None
            )
            if point is None:
                return None
            if parts[3:] == ["stocklocations"]:
                return company.stock_locations[point["id"]]
            return point if len(parts) == 3 else None
        documents = {
            "purchaseorders-v1": (company.purchase_orders, None),
            "incominggoods-v1": (company.incoming_goods, INCOMING_GOODS_LIST_FIELDS),
            "productionorders-v1": (company.production_orders, None),
            "stocktaking-v1": (company.stock_takings, "rows"),
        }
        if parts[0] == "warehouse" and parts[1] in documents:
            records, listed = documents[parts[1]]
            if len(parts) == 3:
                return next((r for r in records if str(r["id"]) == parts[2]), None)
            if len(parts) != 2:
                return None
            if parts[1] == "productionorders-v1" and state != "all":
                records = [r for r in records if r["documentState"] is None]
            if parts[1] == "stocktaking-v1" and state != "all":
                records = [r for r in records if r["state"] != "voided"]
            if parts[1] == "purchaseorders-v1" and state not in ("all", ""):
                records = [r for r in records if r["purchaseOrderState"] == state.upper()]
            if isinstance(listed, tuple):
                return [{k: r[k] for k in listed} for r in records]
            if listed == "rows":
                return [{k: v for k, v in r.items() if k != "rows"} for r in records]
            return records
        if rest == LIST_PATHS["manual_deliveries"]:
            return company.manual_deliveries
        if rest in (LIST_PATHS["time_registrations"], LIST_PATHS["time_article_registrations"]):
            low, high = _window(lowered)
            if rest == LIST_PATHS["time_registrations"]:
                return [r for r in company.time_registrations if low <= r["workedDate"] <= high]
            return [
                r for r in company.time_article_registrations if low <= r["purchaseDate"] <= high
            ]
        return None


def _window(query: dict[str, str]) -> tuple[str, str]:
    """`fromDate`..`toDate` (both required [U], at most `MAX_SPAN_DAYS` apart) as ISO strings."""
    if "fromdate" not in query or "todate" not in query:
        raise ValueError("fromDate and toDate are required")
    low, high = parse_date(query["fromdate"]), parse_date(query["todate"])
    if (high - low).days > MAX_SPAN_DAYS or high < low:
        raise ValueError("The search span may be at most 1 year")
    return low.isoformat(), high.isoformat()
