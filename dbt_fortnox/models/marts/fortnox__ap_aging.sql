{{ config(enabled=var('fortnox__using_supplier_invoices', true)) }}
-- Leverantörsreskontra: the open supplier invoices (booked, not cancelled, a balance left) on the
-- as-of date (var fortnox_as_of_date, default: the day dbt runs), in SEK, by days overdue.
with invoices as (
    select * from {{ ref('stg_fortnox__supplier_invoices') }}
),

suppliers as (
    select * from {{ ref('stg_fortnox__suppliers') }}
),

open_items as (
    select
        invoices.*,
        {{ fortnox_as_of_date() }} as as_of_date
    from invoices
    where invoices.booked
        and not invoices.cancelled
        and invoices.balance <> 0
        and invoices.invoice_date <= {{ fortnox_as_of_date() }}
)

select
    open_items.tenant_id,
    open_items.as_of_date,
    open_items.supplier_number,
    coalesce(suppliers.supplier_name, open_items.supplier_name) as supplier_name,
    open_items.given_number,
    open_items.invoice_number,
    open_items.invoice_date,
    open_items.due_date,
    open_items.currency,
    open_items.balance as open_amount_currency,
    cast(
        open_items.balance * open_items.currency_rate / open_items.currency_unit as numeric(18, 2)
    ) as open_amount,
    case
        when open_items.as_of_date > open_items.due_date
            then open_items.as_of_date - open_items.due_date
        else 0
    end as days_overdue,
    case
        when open_items.as_of_date <= open_items.due_date then 'not due'
        when open_items.as_of_date - open_items.due_date <= 30 then '1-30'
        when open_items.as_of_date - open_items.due_date <= 60 then '31-60'
        when open_items.as_of_date - open_items.due_date <= 90 then '61-90'
        else '>90'
    end as bucket,
    open_items.accounting_method
from open_items
left join suppliers
    on open_items.tenant_id = suppliers.tenant_id
    and open_items.supplier_number = suppliers.supplier_number
