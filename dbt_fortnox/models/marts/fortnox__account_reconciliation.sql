-- The check to read first when numbers look wrong: per account and year, SIE's opening and
-- closing balances (#IB/#UB; #RES for result accounts) against the sum of the year's rows.
with sie as (
    select * from {{ ref('stg_fortnox__account_balances') }}
),

rows_sum as (
    select tenant_id, year, account, sum(amount) as rows_sum, count(*) as row_count
    from {{ ref('fortnox__general_ledger') }}
    group by tenant_id, year, account
),

accounts as (
    select * from {{ ref('int_fortnox__accounts') }}
),

joined as (
    select
        accounts.tenant_id,
        accounts.year,
        accounts.account,
        accounts.account_name,
        accounts.account_type,
        case when accounts.account_type = 'result' then 0 else sie.opening_balance end
            as sie_opening_balance,
        case when accounts.account_type = 'result' then sie.result else sie.closing_balance end
            as sie_closing_balance,
        coalesce(rows_sum.rows_sum, 0) as rows_sum,
        coalesce(rows_sum.row_count, 0) as row_count
    from accounts
    left join sie
        on accounts.tenant_id = sie.tenant_id and accounts.year = sie.year
        and accounts.account = sie.account
    left join rows_sum
        on accounts.tenant_id = rows_sum.tenant_id and accounts.year = rows_sum.year
        and accounts.account = rows_sum.account
    where sie.account is not null or rows_sum.account is not null
)

select
    tenant_id,
    year,
    account,
    account_name,
    account_type,
    sie_opening_balance,
    sie_closing_balance,
    rows_sum,
    row_count,
    coalesce(sie_opening_balance, 0) + rows_sum as computed_closing_balance,
    coalesce(sie_closing_balance, 0) - coalesce(sie_opening_balance, 0) - rows_sum as difference,
    coalesce(sie_closing_balance, 0) - coalesce(sie_opening_balance, 0) - rows_sum = 0 as ok
from joined
