-- Closing = opening + debit - credit for every account and month, and each month opens with
-- the previous month's closing balance.
with ordered as (
    select
        *,
        lag(closing_balance) over (
            partition by tenant_id, year, account order by period
        ) as previous_closing
    from {{ ref('fortnox__trial_balance') }}
)

select tenant_id, year, period, account, opening_balance, debit, credit, closing_balance,
    previous_closing
from ordered
where closing_balance <> opening_balance + debit - credit
    or (previous_closing is not null and opening_balance <> previous_closing)
