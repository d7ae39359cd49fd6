-- At the year's end the trial balance equals SIE: #UB for every balance account, #RES for
-- every result account (and an account SIE lists but the ledger lacks, or the other way round,
-- fails too).
with year_end as (
    select * from {{ ref('fortnox__trial_balance') }}
    where is_year_end
),

sie as (
    select
        tenant_id, year, account,
        case when account between 3000 and 8999 then result else closing_balance end
            as sie_closing
    from {{ ref('stg_fortnox__account_balances') }}
)

select
    coalesce(year_end.tenant_id, sie.tenant_id) as tenant_id,
    coalesce(year_end.year, sie.year) as year,
    coalesce(year_end.account, sie.account) as account,
    year_end.closing_balance,
    sie.sie_closing
from year_end
full outer join sie
    on year_end.tenant_id = sie.tenant_id and year_end.year = sie.year
    and year_end.account = sie.account
where coalesce(year_end.closing_balance, 0) <> coalesce(sie.sie_closing, 0)
