-- Box 49 (VAT to pay or to get back) = the output VAT boxes - box 48 (input VAT).
select tenant_id, period,
    sum(case when box = '49' then amount else 0 end) as box_49,
    sum(case when box in ('10', '11', '12', '30', '31', '32', '60', '61', '62') then amount
        when box = '48' then -amount else 0 end) as output_minus_input
from {{ ref('fortnox__vat_return') }}
group by tenant_id, period
having sum(case when box = '49' then amount else 0 end)
    <> sum(case when box in ('10', '11', '12', '30', '31', '32', '60', '61', '62') then amount
        when box = '48' then -amount else 0 end)
    or count(case when box = '49' then 1 end) <> 1
