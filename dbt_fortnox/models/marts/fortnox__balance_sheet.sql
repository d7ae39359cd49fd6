-- Balansräkning (K2) at every month's end: assets positive, equity and liabilities positive.
-- Until the year's result is booked (8999 against 2099), "Beräknat resultat" (BR34) carries it:
-- the year-to-date balance of the result accounts 3000-8999, zero once the closing is in.
with trial_balance as (
    select trial_balance.*, accounts.statement, accounts.line
    from {{ ref('fortnox__trial_balance') }} as trial_balance
    inner join {{ ref('int_fortnox__accounts') }} as accounts
        on trial_balance.tenant_id = accounts.tenant_id and trial_balance.year = accounts.year
        and trial_balance.account = accounts.account
),

by_line as (
    select tenant_id, year, period, line, sum(closing_balance) as ledger_amount
    from trial_balance
    where statement = 'balance'
    group by tenant_id, year, period, line
    union all
    select tenant_id, year, period, 'BR34' as line, sum(closing_balance) as ledger_amount
    from trial_balance
    where account_type = 'result'
    group by tenant_id, year, period
),

statement as (
    select * from {{ fortnox_statement('balance', 'by_line') }} as lines
)

select
    statement.tenant_id,
    statement.year,
    months.period_end as period,
    statement.period as period_start,
    statement.line,
    statement.line_name,
    statement.sort_order,
    statement.is_subtotal,
    statement.amount
from statement
inner join {{ ref('int_fortnox__months') }} as months
    on statement.tenant_id = months.tenant_id and statement.year = months.year
    and statement.period = months.period
