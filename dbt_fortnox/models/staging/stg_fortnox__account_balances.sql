-- The SIE file's #IB, #UB (balance accounts) and #RES (result accounts) per account and year.
select
    cast(tenant_id as varchar) as tenant_id,
    cast(year as integer) as year,
    cast(account as integer) as account,
    {{ fortnox_money('opening_balance') }} as opening_balance,
    {{ fortnox_money('closing_balance') }} as closing_balance,
    {{ fortnox_money('result') }} as result
from {{ fortnox_current('account_balances', ['tenant_id', 'year', 'account']) }} as account_balances
