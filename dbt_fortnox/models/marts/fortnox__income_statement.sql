-- Resultaträkning (K2, kostnadsslagsindelad): every line of the mapping seed for every month,
-- income positive and costs negative, with the subtotals down to Årets resultat. The closing
-- accounts 8990-8999 are no line: the year-end closing entry does not cancel the result.
with lines as (
    select * from {{ ref(var('fortnox_statement_lines', 'fortnox_statement_lines')) }}
    where statement = 'income'
),

months as (
    select * from {{ ref('int_fortnox__months') }}
),

by_line as (
    select
        trial_balance.tenant_id,
        trial_balance.year,
        trial_balance.period,
        accounts.line,
        sum(trial_balance.debit - trial_balance.credit) as ledger_amount
    from {{ ref('fortnox__trial_balance') }} as trial_balance
    inner join {{ ref('int_fortnox__accounts') }} as accounts
        on trial_balance.tenant_id = accounts.tenant_id and trial_balance.year = accounts.year
        and trial_balance.account = accounts.account
    where accounts.statement = 'income'
    group by trial_balance.tenant_id, trial_balance.year, trial_balance.period, accounts.line
),

detail as (
    select
        months.tenant_id,
        months.year,
        months.period,
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
    select tenant_id, year, period, line, amount from detail
    union all
    select
        detail.tenant_id, detail.year, detail.period, lines.line, sum(detail.amount) as amount
    from lines
    inner join detail
        on detail.sort_order between lines.sum_from and lines.sum_to
    where lines.sum_from is not null
    group by detail.tenant_id, detail.year, detail.period, lines.line
)

select
    all_lines.tenant_id,
    all_lines.year,
    all_lines.period,
    all_lines.line,
    lines.line_name,
    lines.sort_order,
    lines.sum_from is not null as is_subtotal,
    all_lines.amount,
    sum(all_lines.amount) over (
        partition by all_lines.tenant_id, all_lines.year, all_lines.line
        order by all_lines.period
        rows between unbounded preceding and current row
    ) as amount_ytd
from all_lines
inner join lines on all_lines.line = lines.line
