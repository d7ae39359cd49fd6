{{ config(enabled=var('fortnox__using_invoices', true)) }}
select
    cast(tenant_id as varchar) as tenant_id,
    cast(customer_number as varchar) as customer_number,
    name as customer_name
from {{ fortnox_current('customers', ['tenant_id', 'customer_number']) }} as customers
