-- Total assets equal total equity and liabilities at every month's end.
select tenant_id, year, period,
    sum(case when line = 'BS08' then amount else 0 end) as total_assets,
    sum(case when line = 'BS15' then amount else 0 end) as total_equity_and_liabilities
from {{ ref('fortnox__balance_sheet') }}
group by tenant_id, year, period
having sum(case when line = 'BS08' then amount else 0 end)
    <> sum(case when line = 'BS15' then amount else 0 end)
    or count(case when line in ('BS08', 'BS15') then 1 end) <> 2
