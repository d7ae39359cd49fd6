-- INK2R (räkenskapsschema) per year in whole kronor, from the accounts' SRU codes (the seed's
-- code where an account has none). Amounts follow the form's printed sign: assets and costs as
-- debit balances, equity, liabilities and income as credit balances. 7450 (profit) or 7550
-- (loss) comes from the income statement's result, never from the closing accounts 8990-8999.
with year_end as (
    select tenant_id, year, account, closing_balance
    from {{ ref('fortnox__trial_balance') }}
    where is_year_end
),

coded as (
    select
        year_end.tenant_id,
        year_end.year,
        accounts.sru_code,
        case
            when accounts.sru_code between 7200 and 7299 or accounts.sru_code between 7500 and 7599
                then year_end.closing_balance
            else -year_end.closing_balance
        end as amount
    from year_end
    inner join {{ ref('int_fortnox__accounts') }} as accounts
        on year_end.tenant_id = accounts.tenant_id and year_end.year = accounts.year
        and year_end.account = accounts.account
    where accounts.sru_code is not null
        and accounts.account not between 8990 and 8999
        and accounts.account_type <> 'memo'
),

result as (
    select tenant_id, year, amount_ytd as amount
    from {{ ref('fortnox__income_statement') }} as income_statement
    where line = 'RS08'
        and period = (
            select max(months.period) from {{ ref('int_fortnox__months') }} as months
            where months.tenant_id = income_statement.tenant_id
                and months.year = income_statement.year
        )
)

select tenant_id, year, sru_code, cast(round(sum(amount), 0) as numeric(18, 0)) as amount
from coded
group by tenant_id, year, sru_code
union all
select tenant_id, year, case when amount >= 0 then 7450 else 7550 end as sru_code,
    cast(round(abs(amount), 0) as numeric(18, 0)) as amount
from result
