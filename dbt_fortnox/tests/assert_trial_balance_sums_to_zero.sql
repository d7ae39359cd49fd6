-- The trial balance sums to zero per tenant, year and period, at the month's start and end.
select tenant_id, year, period, sum(opening_balance) as opening, sum(closing_balance) as closing
from {{ ref('fortnox__trial_balance') }}
group by tenant_id, year, period
having sum(opening_balance) <> 0 or sum(closing_balance) <> 0
