-- Every voucher balances: its rows (removed rows left out) sum to zero.
select tenant_id, year, voucher_series, voucher_number, sum(amount) as imbalance
from {{ ref('fortnox__general_ledger') }}
group by tenant_id, year, voucher_series, voucher_number
having sum(amount) <> 0
