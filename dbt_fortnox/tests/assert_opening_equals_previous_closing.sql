-- For balance accounts, SIE's #IB of year n+1 equals #UB of year n, wherever year n carries its
-- closing (a booked row on 8990-8999). The rows name the accounts where it does not hold.
with years as (
    select
        *,
        lead(year) over (partition by tenant_id order by year_start) as next_year
    from {{ ref('stg_fortnox__financial_years') }}
),

closed as (
    select distinct tenant_id, year
    from {{ ref('fortnox__general_ledger') }}
    where account between 8990 and 8999
),

balances as (
    select * from {{ ref('stg_fortnox__account_balances') }}
    where account between 1000 and 2999
),

pairs as (
    select years.tenant_id, years.year, years.next_year
    from years
    inner join closed on years.tenant_id = closed.tenant_id and years.year = closed.year
    where years.next_year is not null
),

pair_accounts as (
    select distinct pairs.tenant_id, pairs.year, pairs.next_year, balances.account
    from pairs
    inner join balances
        on pairs.tenant_id = balances.tenant_id
        and balances.year in (pairs.year, pairs.next_year)
)

select
    pair_accounts.tenant_id,
    pair_accounts.year,
    pair_accounts.next_year,
    pair_accounts.account,
    closing.closing_balance as closing_balance_year_n,
    opening.opening_balance as opening_balance_next_year
from pair_accounts
left join balances as closing
    on pair_accounts.tenant_id = closing.tenant_id and pair_accounts.year = closing.year
    and pair_accounts.account = closing.account
left join balances as opening
    on pair_accounts.tenant_id = opening.tenant_id and pair_accounts.next_year = opening.year
    and pair_accounts.account = opening.account
where coalesce(closing.closing_balance, 0) <> coalesce(opening.opening_balance, 0)
