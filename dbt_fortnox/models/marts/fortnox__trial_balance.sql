-- Saldobalans: every account with a balance or a movement, every month of the financial year,
-- in ledger sign (debit positive). Result accounts start the year at zero and accumulate.
with months as (
    select * from {{ ref('int_fortnox__months') }}
),

movements as (
    select
        tenant_id, year, account, period,
        sum(debit) as debit, sum(credit) as credit
    from {{ ref('fortnox__general_ledger') }}
    group by tenant_id, year, account, period
),

openings as (
    select * from {{ ref('int_fortnox__opening_balances') }}
),

active_accounts as (
    select tenant_id, year, account from movements
    union
    select tenant_id, year, account from openings where opening_balance <> 0
),

grid as (
    select
        active_accounts.tenant_id, active_accounts.year, active_accounts.account,
        months.period, months.period_end, months.period_number,
        months.period_end = months.year_end as is_year_end
    from active_accounts
    inner join months
        on active_accounts.tenant_id = months.tenant_id and active_accounts.year = months.year
),

accumulated as (
    select
        grid.tenant_id,
        grid.year,
        grid.period,
        grid.period_end,
        grid.period_number,
        grid.is_year_end,
        grid.account,
        coalesce(movements.debit, 0) as debit,
        coalesce(movements.credit, 0) as credit,
        coalesce(openings.opening_balance, 0) + sum(
            coalesce(movements.debit, 0) - coalesce(movements.credit, 0)
        ) over (
            partition by grid.tenant_id, grid.year, grid.account
            order by grid.period
            rows between unbounded preceding and current row
        ) as closing_balance
    from grid
    left join movements
        on grid.tenant_id = movements.tenant_id and grid.year = movements.year
        and grid.account = movements.account and grid.period = movements.period
    left join openings
        on grid.tenant_id = openings.tenant_id and grid.year = openings.year
        and grid.account = openings.account
)

select
    accumulated.tenant_id,
    accumulated.year,
    accumulated.period,
    accumulated.period_end,
    accumulated.period_number,
    accumulated.is_year_end,
    accumulated.account,
    accounts.account_name,
    accounts.account_type,
    accumulated.closing_balance - accumulated.debit + accumulated.credit as opening_balance,
    accumulated.debit,
    accumulated.credit,
    accumulated.closing_balance
from accumulated
left join {{ ref('int_fortnox__accounts') }} as accounts
    on accumulated.tenant_id = accounts.tenant_id and accumulated.year = accounts.year
    and accumulated.account = accounts.account
