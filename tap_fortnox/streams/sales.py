"""Sales: customers and articles (full detail records, incremental on lastmodified)."""

from __future__ import annotations

from tap_fortnox.client import SYNC_STARTED_AT, TENANT_ID, FortnoxStream


class CustomersStream(FortnoxStream):
    name = "customers"
    path = "/customers"
    records_key = "Customers"
    detail_key = "Customer"
    detail_path = "/customers/{CustomerNumber}"
    fetch_details = True  # a list item has 10 of the customer's ~60 fields
    primary_keys = (TENANT_ID, "customer_number")
    replication_key = SYNC_STARTED_AT


class ArticlesStream(FortnoxStream):
    name = "articles"
    path = "/articles"
    records_key = "Articles"
    detail_key = "Article"
    detail_path = "/articles/{ArticleNumber}"
    fetch_details = True
    primary_keys = (TENANT_ID, "article_number")
    replication_key = SYNC_STARTED_AT


STREAMS: tuple[type[FortnoxStream], ...] = (CustomersStream, ArticlesStream)
