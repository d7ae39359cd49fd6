{#- The few SQL helpers the package needs (no packages.yml dependencies). -#}

{#- Money as an exact decimal with two places: target-duckdb stores JSON numbers as DOUBLE,
    target-postgres as NUMERIC; both cast (and round) to numeric(18,2). -#}
{% macro fortnox_money(column) -%}
    cast({{ column }} as numeric(18, 2))
{%- endmacro %}

{#- A date from a date, a timestamp or an ISO string (loaders differ). -#}
{% macro fortnox_date(column) -%}
    cast(substr(cast({{ column }} as varchar), 1, 10) as date)
{%- endmacro %}

{#- The one place where PostgreSQL and DuckDB differ: date arithmetic in months and days. -#}
{% macro fortnox_add_months(day, months) -%}
    {{ return(adapter.dispatch('fortnox_add_months', 'fortnox')(day, months)) }}
{%- endmacro %}

{% macro default__fortnox_add_months(day, months) -%}
    cast({{ day }} + ({{ months }}) * interval '1 month' as date)
{%- endmacro %}

{% macro duckdb__fortnox_add_months(day, months) -%}
    cast({{ day }} + to_months(cast({{ months }} as integer)) as date)
{%- endmacro %}

{#- The aging date: the var fortnox_as_of_date, else $DBT_FORTNOX_AS_OF_DATE, else the day dbt
    runs. -#}
{% macro fortnox_as_of_date() -%}
    {%- set day = var('fortnox_as_of_date', none) or env_var('DBT_FORTNOX_AS_OF_DATE', '')
        or run_started_at.strftime('%Y-%m-%d') -%}
    cast('{{ day }}' as date)
{%- endmacro %}

{#- The current version of each record of a tap table: one row per key (the last one loaded),
    tombstones (_sdc_deleted_at set) dropped. Loader metadata columns are optional. -#}
{% macro fortnox_current(table, keys) -%}
    {%- set relation = source('fortnox', table) -%}
    {%- set columns = [] -%}
    {%- if execute -%}
        {%- set columns = adapter.get_columns_in_relation(relation) | map(attribute='name') | map('lower') | list -%}
    {%- endif -%}
    (
        select *
        from (
            select
                *,
                row_number() over (
                    partition by {{ keys | join(', ') }}
                    {%- if '_sdc_batched_at' in columns %} order by _sdc_batched_at desc{% endif %}
                ) as fortnox_version
            from {{ relation }}
        ) as versions
        where fortnox_version = 1
        {%- if '_sdc_deleted_at' in columns %} and _sdc_deleted_at is null{% endif %}
    )
{%- endmacro %}

{#- The columns a customer invoice and a supplier invoice share (dates, currency, open balance,
    status), for the aging marts; staging models select them after their own keys. -#}
{% macro fortnox_invoice_columns() -%}
{{ fortnox_date('invoice_date') }} as invoice_date,
    {{ fortnox_date('due_date') }} as due_date,
    coalesce(currency, 'SEK') as currency,
    cast(coalesce(currency_rate, 1) as numeric(18, 6)) as currency_rate,
    cast(coalesce(nullif(currency_unit, 0), 1) as numeric(18, 6)) as currency_unit,
    {{ fortnox_money('balance') }} as balance,
    {{ fortnox_money('total') }} as total,
    coalesce(booked, false) as booked,
    coalesce(cancelled, false) as cancelled,
    lower(cast(credit as varchar)) = 'true' as is_credit,
    upper(accounting_method) as accounting_method
{%- endmacro %}
