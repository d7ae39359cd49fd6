select
    cast(tenant_id as varchar) as tenant_id,
    cast(id as integer) as year,
    {{ fortnox_date('from_date') }} as year_start,
    {{ fortnox_date('to_date') }} as year_end,
    upper(accounting_method) as accounting_method
from {{ fortnox_current('financial_years', ['tenant_id', 'id']) }} as financial_years
