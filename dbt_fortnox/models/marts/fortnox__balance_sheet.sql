-- Balansräkning (K2) at every month's end: assets positive, equity and liabilities positive.
-- Until the year's result is booked (8999 against 2099), "Beräknat resultat" carries it:
-- minus the year-to-date balance of the result accounts 3000-8999, zero once the closing is in.
with lines as (
    select * from {{ ref(var('fortnox_statement_lines', 'fortnox_statement_lines')) }}
    where statement = 'balance'
),

months as (
    select * from {{ ref('int_fortnox__months') }}
),

trial_balance as (
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

detail as (
    select
        months.tenant_id,
        months.year,
        months.period as period_start,
        months.period_end,
        lines.line,
        lines.sort_order,
        lines.sign * coalesce(by_line.ledger_amount, 0) as amount
    from months
    cross join lines
    left join by_line
        on months.tenant_id = by_line.tenant_id and months.year = by_line.year
        and months.period = by_line.period and lines.line = by_line.line
    where lines.sum_from is null
),

all_lines as (
    select tenant_id, year, period_start, period_end, line, amount from detail
    union all
    select
        detail.tenant_id, detail.year, detail.period_start, detail.period_end, lines.line,
        sum(detail.amount) as amount
    from lines
    inner join detail
        on detail.sort_order between lines.sum_from and lines.sum_to
    where lines.sum_from is not null
    group by detail.tenant_id, detail.year, detail.period_start, detail.period_end, lines.line
)

select
    all_lines.tenant_id,
    all_lines.year,
    all_lines.period_end as period,
    all_lines.period_start,
    all_lines.line,
    lines.line_name,
    lines.sort_order,
    lines.sum_from is not null as is_subtotal,
    all_lines.amount
from all_lines
inner join lines on all_lines.line = lines.line
