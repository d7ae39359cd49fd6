select
    cast(tenant_id as varchar) as tenant_id,
    cast(year as integer) as year,
    cast(voucher_series as varchar) as voucher_series,
    cast(voucher_number as integer) as voucher_number,
    {{ fortnox_date('transaction_date') }} as transaction_date,
    description,
    cost_center,
    project,
    reference_type,
    reference_number,
    cast(sync_started_at as timestamp) as synced_at
from {{ fortnox_current('vouchers', ['tenant_id', 'year', 'voucher_series', 'voucher_number']) }} as vouchers
