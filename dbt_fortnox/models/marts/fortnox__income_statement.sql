-- Resultaträkning (K2, kostnadsslagsindelad): every line of the mapping seed for every month,
-- income positive and costs negative, with the subtotals down to Årets resultat. The closing
-- accounts 8990-8999 are no line: the year-end closing entry does not cancel the result.
with by_line as (
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

statement as (
    select * from {{ fortnox_statement('income', 'by_line') }} as lines
)

select
    statement.*,
    sum(statement.amount) over (
        partition by statement.tenant_id, statement.year, statement.line
        order by statement.period
        rows between unbounded preceding and current row
    ) as amount_ytd
from statement
