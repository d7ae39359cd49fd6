{{ config(enabled=var('fortnox__using_company_information', true)) }}
select
    cast(tenant_id as varchar) as tenant_id,
    company_name,
    organization_number,
    city,
    country_code
from {{ fortnox_current('company_information', ['tenant_id']) }} as company_information
