{{ config(enabled=var('fortnox__using_supplier_invoices', true)) }}
select
    cast(tenant_id as varchar) as tenant_id,
    cast(given_number as varchar) as given_number,
    cast(supplier_number as varchar) as supplier_number,
    supplier_name,
    invoice_number,
    {{ fortnox_invoice_columns() }}
from {{ fortnox_current('supplier_invoices', ['tenant_id', 'given_number']) }} as supplier_invoices
