-- Huvudbok: every voucher row (removed rows left out), with the running balance per tenant,
-- year and account in (transaction_date, voucher_series, voucher_number, row_index) order; for
-- balance accounts it starts from the opening balance.
-- Incremental by financial year: a run rebuilds the tenant-years whose rows changed (row count,
-- debit and credit totals or the vouchers' sync time differ from what the table holds), since a
-- changed row moves every running balance after it.
{{ config(
    materialized='incremental',
    unique_key=['tenant_id', 'year'],
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns'
) }}

with vouchers as (
    select * from {{ ref('stg_fortnox__vouchers') }}
),

voucher_rows as (
    select
        voucher_rows.*,
        vouchers.transaction_date,
        vouchers.description as voucher_description,
        vouchers.synced_at
    from {{ ref('stg_fortnox__voucher_rows') }} as voucher_rows
    left join vouchers
        on voucher_rows.tenant_id = vouchers.tenant_id
        and voucher_rows.year = vouchers.year
        and voucher_rows.voucher_series = vouchers.voucher_series
        and voucher_rows.voucher_number = vouchers.voucher_number
),

{% if is_incremental() %}
fingerprints_now as (
    select
        tenant_id, year, count(*) as row_count, sum(debit) as debit, sum(credit) as credit,
        max(synced_at) as synced_at
    from voucher_rows
    group by tenant_id, year
),

fingerprints_then as (
    select
        tenant_id, year, count(*) as row_count, sum(debit) as debit, sum(credit) as credit,
        max(synced_at) as synced_at
    from {{ this }}
    group by tenant_id, year
),

changed_years as (
    select fingerprints_now.tenant_id, fingerprints_now.year
    from fingerprints_now
    left join fingerprints_then
        on fingerprints_now.tenant_id = fingerprints_then.tenant_id
        and fingerprints_now.year = fingerprints_then.year
    where fingerprints_then.year is null
        or fingerprints_now.row_count <> fingerprints_then.row_count
        or fingerprints_now.debit <> fingerprints_then.debit
        or fingerprints_now.credit <> fingerprints_then.credit
        or fingerprints_now.synced_at is distinct from fingerprints_then.synced_at
),
{% endif %}

rows_to_build as (
    select voucher_rows.*
    from voucher_rows
    {% if is_incremental() %}
    inner join changed_years
        on voucher_rows.tenant_id = changed_years.tenant_id
        and voucher_rows.year = changed_years.year
    {% endif %}
),

accounts as (
    select * from {{ ref('int_fortnox__accounts') }}
),

openings as (
    select * from {{ ref('int_fortnox__opening_balances') }}
)

select
    rows_to_build.tenant_id,
    rows_to_build.year,
    rows_to_build.voucher_series,
    rows_to_build.voucher_number,
    rows_to_build.row_index,
    rows_to_build.transaction_date,
    cast(date_trunc('month', rows_to_build.transaction_date) as date) as period,
    rows_to_build.account,
    accounts.account_name,
    coalesce(rows_to_build.description, rows_to_build.voucher_description) as description,
    rows_to_build.voucher_description,
    rows_to_build.debit,
    rows_to_build.credit,
    rows_to_build.amount,
    rows_to_build.cost_center,
    rows_to_build.project,
    coalesce(openings.opening_balance, 0) + sum(rows_to_build.amount) over (
        partition by rows_to_build.tenant_id, rows_to_build.year, rows_to_build.account
        order by
            rows_to_build.transaction_date, rows_to_build.voucher_series,
            rows_to_build.voucher_number, rows_to_build.row_index
        rows between unbounded preceding and current row
    ) as running_balance,
    rows_to_build.synced_at
from rows_to_build
left join accounts
    on rows_to_build.tenant_id = accounts.tenant_id and rows_to_build.year = accounts.year
    and rows_to_build.account = accounts.account
left join openings
    on rows_to_build.tenant_id = openings.tenant_id and rows_to_build.year = openings.year
    and rows_to_build.account = openings.account
