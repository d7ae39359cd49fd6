{{ config(enabled=var('fortnox__using_dimensions', true)) }}
select
    cast(tenant_id as varchar) as tenant_id,
    cast(project_number as varchar) as code,
    description as name
from {{ fortnox_current('projects', ['tenant_id', 'project_number']) }} as projects
