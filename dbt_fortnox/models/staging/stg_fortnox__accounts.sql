-- The chart of accounts per financial year (Fortnox keeps one per year).
select
    cast(tenant_id as varchar) as tenant_id,
    cast(year as integer) as year,
    cast(number as integer) as account,
    description as account_name,
    cast(sru as integer) as sru_code,
    vat_code,
    {{ fortnox_money('balance_brought_forward') }} as balance_brought_forward
from {{ fortnox_current('accounts', ['tenant_id', 'year', 'number']) }} as accounts
