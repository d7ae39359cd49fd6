{{ config(enabled=var('fortnox__using_dimensions', true)) }}
select
    cast(tenant_id as varchar) as tenant_id,
    cast(code as varchar) as code,
    description as name
from {{ fortnox_current('cost_centers', ['tenant_id', 'code']) }} as cost_centers
