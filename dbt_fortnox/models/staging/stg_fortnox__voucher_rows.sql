-- Voucher rows without the rows removed from edited vouchers (Fortnox keeps them, flagged).
select
    cast(tenant_id as varchar) as tenant_id,
    cast(year as integer) as year,
    cast(voucher_series as varchar) as voucher_series,
    cast(voucher_number as integer) as voucher_number,
    cast(row_index as integer) as row_index,
    cast(account as integer) as account,
    {{ fortnox_money('coalesce(debit, 0)') }} as debit,
    {{ fortnox_money('coalesce(credit, 0)') }} as credit,
    {{ fortnox_money('coalesce(debit, 0)') }} - {{ fortnox_money('coalesce(credit, 0)') }} as amount,
    description,
    transaction_information,
    nullif(cost_center, '') as cost_center,
    nullif(project, '') as project
from {{ fortnox_current('voucher_rows', ['tenant_id', 'year', 'voucher_series', 'voucher_number', 'row_index']) }} as voucher_rows
where not coalesce(removed, false)
