-- Every month of every financial year (a Fortnox year has at most 18 months).
with years as (
    select * from {{ ref('stg_fortnox__financial_years') }}
),

offsets as (
    select month_offset from (values
        (0), (1), (2), (3), (4), (5), (6), (7), (8), (9), (10), (11),
        (12), (13), (14), (15), (16), (17), (18), (19), (20), (21), (22), (23)
    ) as numbers (month_offset)
)

select
    years.tenant_id,
    years.year,
    years.year_start,
    years.year_end,
    years.accounting_method,
    offsets.month_offset + 1 as period_number,
    {{ fortnox_add_months('years.year_start', 'offsets.month_offset') }} as period,
    {{ fortnox_add_months('years.year_start', 'offsets.month_offset + 1') }} - 1 as period_end
from years
cross join offsets
where {{ fortnox_add_months('years.year_start', 'offsets.month_offset') }} <= years.year_end
