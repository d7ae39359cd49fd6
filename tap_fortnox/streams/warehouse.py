"""Fortnox Lager (`/api/warehouse/...`, scope `warehouse`): stock balances, stock points and their
locations, purchase orders, incoming goods, production orders, manual deliveries and stock
takings. No list has a modification filter, so every stream is read in full each sync and
reports deletes (docs/streams.md, "Warehouse and time reporting")."""

from __future__ import annotations

from typing import Any, ClassVar

from singer_sdk.helpers.types import Context

from tap_fortnox.client import TENANT_ID
from tap_fortnox.documents import DocumentStream, RowStream
from tap_fortnox.sdk import override
from tap_fortnox.services import ServiceEndpoint

WAREHOUSE = "/api/warehouse"


class StockBalancesStream(ServiceEndpoint):
    """Stock in hand and available (in hand less reserved) per item and stock point."""

    name = "stock_balances"
    scope = "warehouse"
    deletable = True
    path = f"{WAREHOUSE}/status-v1/stockbalance"
    primary_keys = (TENANT_ID, "item_id", "stock_point_code")


class StockPointsStream(ServiceEndpoint):
    """Stock points, inactive ones too (the list gives the active ones by default)."""

    name = "stock_points"
    scope = "warehouse"
    deletable = True
    path = f"{WAREHOUSE}/stockpoints-v1"
    list_params: ClassVar[dict[str, str]] = {"state": "ALL"}
    primary_keys = (TENANT_ID, "id")

    @override
    def get_child_context(self, record: dict[str, Any], context: Context | None) -> dict[str, Any]:
        return {"stock_point_id": record["id"]}


class StockLocationsStream(ServiceEndpoint):
    """The locations of each stock point (one request per stock point: the stock point list
    leaves them out)."""

    name = "stock_locations"
    scope = "warehouse"
    deletable = True
    parent_stream_type = StockPointsStream
    path = f"{WAREHOUSE}/stockpoints-v1/{{stock_point_id}}/stocklocations"
    primary_keys = (TENANT_ID, "id")


class PurchaseOrdersStream(ServiceEndpoint, DocumentStream):
    """Purchase orders of every state; their rows come with the list (else from the detail)."""

    name = "purchase_orders"
    scope = "warehouse"
    deletable = True
    path = f"{WAREHOUSE}/purchaseorders-v1"
    list_params: ClassVar[dict[str, str]] = {"state": "ALL"}
    detail_path = f"{WAREHOUSE}/purchaseorders-v1/{{id}}"
    rows_key = "rows"
    primary_keys = (TENANT_ID, "id")


class PurchaseOrderRowsStream(RowStream):
    name = "purchase_order_rows"
    parent_stream_type = PurchaseOrdersStream
    parent_key_names: ClassVar[dict[str, str]] = {"id": "purchase_order_id"}
    primary_keys = (TENANT_ID, "purchase_order_id", "row_index")


class IncomingGoodsStream(ServiceEndpoint, DocumentStream):
    """Goods received (against purchase orders or not); the list item lacks the rows, so each
    document's detail is read."""

    name = "incoming_goods"
    scope = "warehouse"
    deletable = True
    path = f"{WAREHOUSE}/incominggoods-v1"
    detail_path = f"{WAREHOUSE}/incominggoods-v1/{{id}}"
    rows_key = "rows"
    primary_keys = (TENANT_ID, "id")


class IncomingGoodsRowsStream(RowStream):
    name = "incoming_goods_rows"
    parent_stream_type = IncomingGoodsStream
    parent_key_names: ClassVar[dict[str, str]] = {"id": "incoming_goods_id"}
    primary_keys = (TENANT_ID, "incoming_goods_id", "row_index")


class ProductionOrdersStream(ServiceEndpoint):
    """Production orders of every state, with their package items (a nested array)."""

    name = "production_orders"
    scope = "warehouse"
    deletable = True
    path = f"{WAREHOUSE}/productionorders-v1"
    list_params: ClassVar[dict[str, str]] = {"state": "all"}
    primary_keys = (TENANT_ID, "id")


class ManualDeliveriesStream(ServiceEndpoint):
    """Manual inbound and outbound deliveries and stock transfers, of every state."""

    name = "manual_deliveries"
    scope = "warehouse"
    deletable = True
    path = f"{WAREHOUSE}/deliveries-v1"
    list_params: ClassVar[dict[str, str]] = {"state": "all", "type": "all"}
    primary_keys = (TENANT_ID, "type", "delivery_id")


class StockTakingsStream(ServiceEndpoint, DocumentStream):
    """Stock takings of every state; rows from the detail where the list leaves them out."""

    name = "stock_takings"
    scope = "warehouse"
    deletable = True
    path = f"{WAREHOUSE}/stocktaking-v1"
    list_params: ClassVar[dict[str, str]] = {"state": "all"}
    detail_path = f"{WAREHOUSE}/stocktaking-v1/{{id}}"
    rows_key = "rows"
    primary_keys = (TENANT_ID, "id")


class StockTakingRowsStream(RowStream):
    name = "stock_taking_rows"
    parent_stream_type = StockTakingsStream
    parent_key_names: ClassVar[dict[str, str]] = {"id": "stock_taking_id"}
    primary_keys = (TENANT_ID, "stock_taking_id", "row_index")
