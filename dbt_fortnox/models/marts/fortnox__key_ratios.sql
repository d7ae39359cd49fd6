-- Nyckeltal per month's end, from the statements: soliditet (adjusted equity / total assets),
-- kassalikviditet ((current assets - inventories) / current liabilities), balanslikviditet,
-- rörelsemarginal and vinstmarginal (year to date), DSO and DPO (days, year to date: receivables
-- or payables / net sales or external purchases x days elapsed). Ratios are fractions.
with balance as (
    select tenant_id, year, period_start, period,
        sum(case when line = 'BS08' then amount end) as total_assets,
        sum(case when line = 'BS10' then amount end) as equity,
        sum(case when line = 'BS11' then amount end) as untaxed_reserves,
        sum(case when line = 'BS07' then amount end) as current_assets,
        sum(case when line = 'BS05' then amount end) as inventories,
        sum(case when line = 'BS14' then amount end) as current_liabilities,
        sum(case when line = 'BR20' then amount end) as receivables,
        sum(case when line = 'BR49' then amount end) as payables
    from {{ ref('fortnox__balance_sheet') }}
    group by tenant_id, year, period_start, period
),

income as (
    select tenant_id, year, period,
        sum(case when line = 'RR01' then amount_ytd end) as net_sales,
        sum(case when line = 'RS03' then amount_ytd end) as operating_result,
        sum(case when line = 'RS05' then amount_ytd end) as result_after_financial_items,
        -sum(case when line in ('RR05', 'RR06', 'RR07') then amount_ytd end) as purchases
    from {{ ref('fortnox__income_statement') }}
    group by tenant_id, year, period
),

months as (
    select * from {{ ref('int_fortnox__months') }}
),

figures as (
    select
        balance.*,
        income.net_sales,
        income.operating_result,
        income.result_after_financial_items,
        income.purchases,
        balance.period - months.year_start + 1 as days_elapsed
    from balance
    inner join income
        on balance.tenant_id = income.tenant_id and balance.year = income.year
        and balance.period_start = income.period
    inner join months
        on balance.tenant_id = months.tenant_id and balance.year = months.year
        and balance.period_start = months.period
),

ratios as (
    select tenant_id, year, period, 'soliditet' as ratio,
        equity + (1 - {{ var('fortnox_tax_rate', 0.206) }}) * untaxed_reserves as numerator,
        total_assets as denominator, 1 as factor
    from figures
    union all
    select tenant_id, year, period, 'kassalikviditet', current_assets - inventories,
        current_liabilities, 1
    from figures
    union all
    select tenant_id, year, period, 'balanslikviditet', current_assets, current_liabilities, 1
    from figures
    union all
    select tenant_id, year, period, 'rorelsemarginal', operating_result, net_sales, 1
    from figures
    union all
    select tenant_id, year, period, 'vinstmarginal', result_after_financial_items, net_sales, 1
    from figures
    union all
    select tenant_id, year, period, 'dso', receivables, net_sales, days_elapsed
    from figures
    union all
    select tenant_id, year, period, 'dpo', payables, purchases, days_elapsed
    from figures
)

-- Divided in double precision on both adapters, then rounded to 4 places: the same figures
-- on PostgreSQL and DuckDB.
select
    tenant_id,
    year,
    period,
    ratio,
    cast(
        cast(numerator as double precision) * factor
        / nullif(cast(denominator as double precision), 0)
        as numeric(18, 4)
    ) as value
from ratios
