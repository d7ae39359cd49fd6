{{ config(enabled=var('fortnox__using_invoices', true)) }}
select
    cast(tenant_id as varchar) as tenant_id,
    cast(document_number as varchar) as document_number,
    cast(customer_number as varchar) as customer_number,
    customer_name,
    {{ fortnox_invoice_columns() }}
from {{ fortnox_current('invoices', ['tenant_id', 'document_number']) }} as invoices
