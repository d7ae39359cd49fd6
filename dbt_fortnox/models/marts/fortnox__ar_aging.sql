{{ config(enabled=var('fortnox__using_invoices', true)) }}
-- Kundreskontra: the open customer invoices on the as-of date (var fortnox_as_of_date, default:
-- the day dbt runs), in SEK, by days overdue.
{{ fortnox_aging('stg_fortnox__invoices', 'stg_fortnox__customers', 'customer', 'document_number') }}
