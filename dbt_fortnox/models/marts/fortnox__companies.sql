{{ config(enabled=var('fortnox__using_company_information', true)) }}
-- The company dimension: one row per tenant.
select tenant_id, company_name, organization_number, city, country_code
from {{ ref('stg_fortnox__company_information') }}
