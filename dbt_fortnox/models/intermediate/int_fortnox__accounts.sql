-- Every account of every tenant and financial year (the chart, the SIE balances, the rows) with
-- its statement line, SRU code and VAT code. An account no mapping range covers gets the
-- statement's "no line" line (RR99, BR98, BR99) so it never vanishes, and a test fails.
with chart as (
    select * from {{ ref('stg_fortnox__accounts') }}
),

balances as (
    select * from {{ ref('stg_fortnox__account_balances') }}
),

moved as (
    select distinct tenant_id, year, account from {{ ref('stg_fortnox__voucher_rows') }}
),

seen as (
    select tenant_id, year, account from chart
    union
    select tenant_id, year, account from balances
    union
    select tenant_id, year, account from moved
),

lines as (
    select * from {{ ref(var('fortnox_account_lines', 'fortnox_account_lines')) }}
)

select
    seen.tenant_id,
    seen.year,
    seen.account,
    chart.account_name,
    case
        when seen.account between 1000 and 2999 then 'balance'
        when seen.account between 3000 and 8999 then 'result'
        else 'memo'
    end as account_type,
    lines.statement as mapped_statement,
    case
        when lines.statement is not null then lines.statement
        when seen.account between 1000 and 2999 then 'balance'
        when seen.account between 3000 and 8999 then 'income'
        else 'memo'
    end as statement,
    case
        when lines.statement is not null then lines.line
        when seen.account between 1000 and 1999 then 'BR99'
        when seen.account between 2000 and 2999 then 'BR98'
        when seen.account between 3000 and 8999 then 'RR99'
    end as line,
    coalesce(chart.sru_code, lines.sru_code) as sru_code,
    chart.vat_code,
    moved.account is not null
        or coalesce(balances.opening_balance, 0) <> 0
        or coalesce(balances.closing_balance, 0) <> 0
        or coalesce(balances.result, 0) <> 0
        or coalesce(chart.balance_brought_forward, 0) <> 0 as has_activity
from seen
left join chart
    on seen.tenant_id = chart.tenant_id and seen.year = chart.year and seen.account = chart.account
left join balances
    on seen.tenant_id = balances.tenant_id and seen.year = balances.year
    and seen.account = balances.account
left join moved
    on seen.tenant_id = moved.tenant_id and seen.year = moved.year and seen.account = moved.account
left join lines
    on seen.account between lines.account_from and lines.account_to
