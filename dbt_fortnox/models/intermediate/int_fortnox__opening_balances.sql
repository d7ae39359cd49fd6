-- The balance accounts' opening balance per year: SIE's #IB, else the chart's balance brought
-- forward. Result accounts start every year at zero.
select
    accounts.tenant_id,
    accounts.year,
    accounts.account,
    coalesce(balances.opening_balance, chart.balance_brought_forward, 0) as opening_balance
from {{ ref('int_fortnox__accounts') }} as accounts
left join {{ ref('stg_fortnox__account_balances') }} as balances
    on accounts.tenant_id = balances.tenant_id and accounts.year = balances.year
    and accounts.account = balances.account
left join {{ ref('stg_fortnox__accounts') }} as chart
    on accounts.tenant_id = chart.tenant_id and accounts.year = chart.year
    and accounts.account = chart.account
where accounts.account_type = 'balance'
