"""The demo's finance query (scripts/demo.py prints it; tests/e2e/test_demo.py checks what it
printed against the same query on the loaded DuckDB file)."""

from __future__ import annotations

SCHEMA = "tap_fortnox"  # target-duckdb's default_target_schema: the extractor's namespace

TOP_CUSTOMERS_SQL = f"""
select
    i.customer_number,
    max(i.customer_name) as customer_name,
    count(*) as invoices,
    round(sum(i.net * coalesce(i.currency_rate, 1) / coalesce(nullif(i.currency_unit, 0), 1)), 2)
        as net_sek,
    round(sum(i.total * coalesce(i.currency_rate, 1) / coalesce(nullif(i.currency_unit, 0), 1)), 2)
        as total_sek
from {SCHEMA}.invoices as i
where not coalesce(i.cancelled, false)
group by i.customer_number
order by net_sek desc
limit 10
"""
