-- No tombstoned record (_sdc_deleted_at) and no removed voucher row appears in a mart: the
-- marts are checked against the loader's raw tables.
{%- if var('fortnox__using_invoices', true) %}
-- depends_on: {{ ref('fortnox__ar_aging') }}
{%- endif %}
{%- if var('fortnox__using_supplier_invoices', true) %}
-- depends_on: {{ ref('fortnox__ap_aging') }}
{%- endif %}
{%- set rows = source('fortnox', 'voucher_rows') -%}
{%- set row_columns = adapter.get_columns_in_relation(rows) | map(attribute='name') | map('lower') | list if execute else [] %}
with gone_rows as (
    select cast(tenant_id as varchar) as tenant_id, cast(year as integer) as year,
        cast(voucher_series as varchar) as voucher_series,
        cast(voucher_number as integer) as voucher_number, cast(row_index as integer) as row_index
    from {{ rows }}
    where coalesce(removed, false)
    {%- if '_sdc_deleted_at' in row_columns %} or _sdc_deleted_at is not null{% endif %}
)

select 'fortnox__general_ledger' as mart, ledger.tenant_id,
    cast(ledger.voucher_series as varchar) || ' ' || cast(ledger.voucher_number as varchar)
        || ' row ' || cast(ledger.row_index as varchar) as record
from {{ ref('fortnox__general_ledger') }} as ledger
inner join gone_rows
    on ledger.tenant_id = gone_rows.tenant_id and ledger.year = gone_rows.year
    and ledger.voucher_series = gone_rows.voucher_series
    and ledger.voucher_number = gone_rows.voucher_number
    and ledger.row_index = gone_rows.row_index
{%- for mart, table, key in [
    ('fortnox__ar_aging', 'invoices', 'document_number'),
    ('fortnox__ap_aging', 'supplier_invoices', 'given_number')] %}
{%- set using = 'fortnox__using_' ~ table %}
{%- if var(using, true) %}
{%- set raw = source('fortnox', table) %}
{%- set raw_columns = adapter.get_columns_in_relation(raw) | map(attribute='name') | map('lower') | list if execute else [] %}
{%- if '_sdc_deleted_at' in raw_columns %}
union all
select '{{ mart }}' as mart, mart_rows.tenant_id, mart_rows.{{ key }} as record
from {{ ref(mart) }} as mart_rows
inner join {{ raw }} as deleted
    on mart_rows.tenant_id = cast(deleted.tenant_id as varchar)
    and mart_rows.{{ key }} = cast(deleted.{{ key }} as varchar)
where deleted._sdc_deleted_at is not null
{%- endif %}
{%- endif %}
{%- endfor %}
