-- Momsdeklaration per month: the boxes of the SKV form from the month's voucher rows. A
-- revenue or cost account's own VAT code (a box number) wins over the seed's account ranges.
-- Vouchers that post to the settlement account (2650) clear the VAT accounts: left out.
-- Box 49 = output VAT (10-12, 30-32, 60-62) - input VAT (48).
with boxes as (
    select * from {{ ref(var('fortnox_vat_boxes', 'fortnox_vat_boxes')) }}
),

ledger as (
    select * from {{ ref('fortnox__general_ledger') }}
),

settlements as (
    select distinct tenant_id, year, voucher_series, voucher_number
    from ledger
    where account = {{ var('fortnox_vat_settlement_account', 2650) }}
),

accounts as (
    select * from {{ ref('int_fortnox__accounts') }}
),

coded as (
    select
        accounts.tenant_id,
        accounts.year,
        accounts.account,
        accounts.vat_code as box,
        case when accounts.account < 4000 then 'sales' else 'purchases' end as kind
    from accounts
    where accounts.account between 3000 and 7999
        and accounts.vat_code in (select box from boxes)
),

mapped as (
    select
        accounts.tenant_id,
        accounts.year,
        accounts.account,
        coalesce(coded.box, boxes.box) as box,
        coalesce(coded.kind, boxes.kind) as kind
    from accounts
    left join coded
        on accounts.tenant_id = coded.tenant_id and accounts.year = coded.year
        and accounts.account = coded.account
    left join boxes
        on accounts.account between boxes.account_from and boxes.account_to
    where coalesce(coded.box, boxes.box) is not null
),

amounts as (
    select
        ledger.tenant_id,
        ledger.period,
        mapped.box,
        sum(
            case when mapped.kind in ('sales', 'output_vat') then -ledger.amount
            else ledger.amount end
        ) as amount
    from ledger
    inner join mapped
        on ledger.tenant_id = mapped.tenant_id and ledger.year = mapped.year
        and ledger.account = mapped.account
    left join settlements
        on ledger.tenant_id = settlements.tenant_id and ledger.year = settlements.year
        and ledger.voucher_series = settlements.voucher_series
        and ledger.voucher_number = settlements.voucher_number
    where settlements.voucher_number is null
    group by ledger.tenant_id, ledger.period, mapped.box
),

box_49 as (
    select
        tenant_id,
        period,
        '49' as box,
        sum(
            case
                when box in ('10', '11', '12', '30', '31', '32', '60', '61', '62') then amount
                when box = '48' then -amount
                else 0
            end
        ) as amount
    from amounts
    group by tenant_id, period
)

select tenant_id, period, box, amount from amounts
union all
select tenant_id, period, box, amount from box_49
