{#- Reskontra: the open items (booked, not cancelled, a balance left) of a document staging
    model on the as-of date, in SEK, by days overdue. `party` is customer or supplier,
    `document_key` the document's key column. -#}
{% macro fortnox_aging(documents, parties, party, document_key, extra_columns=[]) %}
with documents as (
    select * from {{ ref(documents) }}
),

parties as (
    select * from {{ ref(parties) }}
),

open_items as (
    select
        documents.*,
        {{ fortnox_as_of_date() }} as as_of_date
    from documents
    where documents.booked
        and not documents.cancelled
        and documents.balance <> 0
        and documents.invoice_date <= {{ fortnox_as_of_date() }}
)

select
    open_items.tenant_id,
    open_items.as_of_date,
    open_items.{{ party }}_number,
    coalesce(parties.{{ party }}_name, open_items.{{ party }}_name) as {{ party }}_name,
    open_items.{{ document_key }},
    {%- for column in extra_columns %}
    open_items.{{ column }},
    {%- endfor %}
    open_items.invoice_date,
    open_items.due_date,
    open_items.currency,
    open_items.balance as open_amount_currency,
    cast(
        open_items.balance * open_items.currency_rate / open_items.currency_unit as numeric(18, 2)
    ) as open_amount,
    case
        when open_items.as_of_date > open_items.due_date
            then open_items.as_of_date - open_items.due_date
        else 0
    end as days_overdue,
    case
        when open_items.as_of_date <= open_items.due_date then 'not due'
        when open_items.as_of_date - open_items.due_date <= 30 then '1-30'
        when open_items.as_of_date - open_items.due_date <= 60 then '31-60'
        when open_items.as_of_date - open_items.due_date <= 90 then '61-90'
        else '>90'
    end as bucket,
    open_items.accounting_method
from open_items
left join parties
    on open_items.tenant_id = parties.tenant_id
    and open_items.{{ party }}_number = parties.{{ party }}_number
{% endmacro %}
