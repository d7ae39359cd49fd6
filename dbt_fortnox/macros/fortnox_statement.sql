{#- Every line of one statement of the mapping seed (`income` or `balance`) for every month of
    every financial year: the detail lines from `by_line` (a relation or CTE with tenant_id,
    year, period, line, ledger_amount) times the line's sign, and the subtotals adding up the
    detail lines whose sort order lies in [sum_from, sum_to]. -#}
{% macro fortnox_statement(statement, by_line) %}
    (
        with lines as (
            select * from {{ ref(var('fortnox_statement_lines', 'fortnox_statement_lines')) }}
            where statement = '{{ statement }}'
        ),

        detail as (
            select
                months.tenant_id,
                months.year,
                months.period,
                lines.line,
                lines.sort_order,
                lines.sign * coalesce({{ by_line }}.ledger_amount, 0) as amount
            from {{ ref('int_fortnox__months') }} as months
            cross join lines
            left join {{ by_line }}
                on months.tenant_id = {{ by_line }}.tenant_id
                and months.year = {{ by_line }}.year
                and months.period = {{ by_line }}.period
                and lines.line = {{ by_line }}.line
            where lines.sum_from is null
        ),

        all_lines as (
            select tenant_id, year, period, line, amount from detail
            union all
            select
                detail.tenant_id, detail.year, detail.period, lines.line,
                sum(detail.amount) as amount
            from lines
            inner join detail
                on detail.sort_order between lines.sum_from and lines.sum_to
            where lines.sum_from is not null
            group by detail.tenant_id, detail.year, detail.period, lines.line
        )

        select
            all_lines.tenant_id,
            all_lines.year,
            all_lines.period,
            all_lines.line,
            lines.line_name,
            lines.sort_order,
            lines.sum_from is not null as is_subtotal,
            all_lines.amount
        from all_lines
        inner join lines on all_lines.line = lines.line
    )
{% endmacro %}
