{{ config(enabled=var('fortnox__using_supplier_invoices', true)) }}
select
    cast(tenant_id as varchar) as tenant_id,
    cast(supplier_number as varchar) as supplier_number,
    name as supplier_name
from {{ fortnox_current('suppliers', ['tenant_id', 'supplier_number']) }} as suppliers
