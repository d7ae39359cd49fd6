{{ config(enabled=var('fortnox__using_dimensions', true)) }}
-- Result per cost centre and per project and month, signed as in the income statement (profit
-- positive), from the result accounts 3000-8989 (the closing accounts 8990-8999 left out).
with ledger as (
    select * from {{ ref('fortnox__general_ledger') }}
    where account between 3000 and 8989
),

tagged as (
    select tenant_id, year, period, 'cost_center' as dimension, cost_center as code, account, amount
    from ledger
    where cost_center is not null
    union all
    select tenant_id, year, period, 'project' as dimension, project as code, account, amount
    from ledger
    where project is not null
),

names as (
    select tenant_id, 'cost_center' as dimension, code, name
    from {{ ref('stg_fortnox__cost_centers') }}
    union all
    select tenant_id, 'project' as dimension, code, name
    from {{ ref('stg_fortnox__projects') }}
),

results as (
    select
        tenant_id,
        year,
        period,
        dimension,
        code,
        -sum(case when account < 4000 then amount else 0 end) as revenue,
        sum(case when account >= 4000 then amount else 0 end) as costs,
        -sum(amount) as result
    from tagged
    group by tenant_id, year, period, dimension, code
)

select results.*, names.name
from results
left join names
    on results.tenant_id = names.tenant_id and results.dimension = names.dimension
    and results.code = names.code
