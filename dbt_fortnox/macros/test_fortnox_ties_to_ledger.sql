{#- Where the bookkeeping is by the invoice method (the financial year of the as-of date is
    ACCRUAL), an aging's open amounts sum to the ledger balance of `account` on the as-of date
    (`sign` -1 for a liability such as 2440). -#}
{% test fortnox_ties_to_ledger(model, account, sign) %}
with years as (
    select years.*
    from {{ ref('stg_fortnox__financial_years') }} as years
    where years.accounting_method = 'ACCRUAL'
        and {{ fortnox_as_of_date() }} between years.year_start and years.year_end
),

ledger as (
    select years.tenant_id, coalesce(sum(ledger.amount), 0) as movement
    from years
    left join {{ ref('fortnox__general_ledger') }} as ledger
        on years.tenant_id = ledger.tenant_id and years.year = ledger.year
        and ledger.account = {{ account }}
        and ledger.transaction_date <= {{ fortnox_as_of_date() }}
    group by years.tenant_id
),

opening as (
    select years.tenant_id, coalesce(sum(openings.opening_balance), 0) as opening_balance
    from years
    left join {{ ref('int_fortnox__opening_balances') }} as openings
        on years.tenant_id = openings.tenant_id and years.year = openings.year
        and openings.account = {{ account }}
    group by years.tenant_id
),

aging as (
    select tenant_id, sum(open_amount) as open_amount
    from {{ model }}
    group by tenant_id
)

select
    ledger.tenant_id,
    {{ sign }} * (opening.opening_balance + ledger.movement) as ledger_balance,
    coalesce(aging.open_amount, 0) as aging_total
from ledger
inner join opening on ledger.tenant_id = opening.tenant_id
left join aging on ledger.tenant_id = aging.tenant_id
where {{ sign }} * (opening.opening_balance + ledger.movement) <> coalesce(aging.open_amount, 0)
{% endtest %}
