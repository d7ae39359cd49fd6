{{ config(enabled=var('fortnox__using_supplier_invoices', true)) }}
-- Leverantörsreskontra: the open supplier invoices on the as-of date (var fortnox_as_of_date,
-- default: the day dbt runs), in SEK, by days overdue.
{{ fortnox_aging(
    'stg_fortnox__supplier_invoices', 'stg_fortnox__suppliers', 'supplier', 'given_number',
    extra_columns=['invoice_number']
) }}
