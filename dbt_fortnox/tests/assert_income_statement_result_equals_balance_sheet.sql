-- The income statement's Årets resultat for the year equals the balance sheet's result: the
-- result booked to equity by the year-end closing (the equity side of the vouchers that post
-- to 8990-8999) plus Beräknat resultat at the year's end.
with last_month as (
    select tenant_id, year, max(period) as period
    from {{ ref('int_fortnox__months') }}
    group by tenant_id, year
),

income as (
    select income_statement.tenant_id, income_statement.year, income_statement.amount_ytd
    from {{ ref('fortnox__income_statement') }} as income_statement
    inner join last_month
        on income_statement.tenant_id = last_month.tenant_id
        and income_statement.year = last_month.year
        and income_statement.period = last_month.period
    where income_statement.line = 'RS08'
),

calculated as (
    select balance_sheet.tenant_id, balance_sheet.year, balance_sheet.amount
    from {{ ref('fortnox__balance_sheet') }} as balance_sheet
    inner join last_month
        on balance_sheet.tenant_id = last_month.tenant_id
        and balance_sheet.year = last_month.year
        and balance_sheet.period_start = last_month.period
    where balance_sheet.line = 'BR34'
),

closing_vouchers as (
    select distinct tenant_id, year, voucher_series, voucher_number
    from {{ ref('fortnox__general_ledger') }}
    where account between 8990 and 8999
),

booked as (
    select ledger.tenant_id, ledger.year, -sum(ledger.amount) as amount
    from {{ ref('fortnox__general_ledger') }} as ledger
    inner join closing_vouchers
        on ledger.tenant_id = closing_vouchers.tenant_id and ledger.year = closing_vouchers.year
        and ledger.voucher_series = closing_vouchers.voucher_series
        and ledger.voucher_number = closing_vouchers.voucher_number
    where ledger.account between 2000 and 2099
    group by ledger.tenant_id, ledger.year
)

select
    income.tenant_id,
    income.year,
    income.amount_ytd as income_statement_result,
    coalesce(booked.amount, 0) as booked_result,
    calculated.amount as calculated_result
from income
inner join calculated on income.tenant_id = calculated.tenant_id and income.year = calculated.year
left join booked on income.tenant_id = booked.tenant_id and income.year = booked.year
where income.amount_ytd <> coalesce(booked.amount, 0) + calculated.amount
