{{ config(enabled=var('fortnox__using_invoices', true)) }}
select
    cast(tenant_id as varchar) as tenant_id,
    cast(document_number as varchar) as document_number,
    cast(customer_number as varchar) as customer_number,
    customer_name,
    {{ fortnox_date('invoice_date') }} as invoice_date,
    {{ fortnox_date('due_date') }} as due_date,
    coalesce(currency, 'SEK') as currency,
    cast(coalesce(currency_rate, 1) as numeric(18, 6)) as currency_rate,
    cast(coalesce(nullif(currency_unit, 0), 1) as numeric(18, 6)) as currency_unit,
    {{ fortnox_money('balance') }} as balance,
    {{ fortnox_money('total') }} as total,
    coalesce(booked, false) as booked,
    coalesce(cancelled, false) as cancelled,
    lower(cast(credit as varchar)) = 'true' as is_credit,
    upper(accounting_method) as accounting_method
from {{ fortnox_current('invoices', ['tenant_id', 'document_number']) }} as invoices
