-- An account with a balance or a movement must have a line in the mapping (seed
-- fortnox_account_lines or the user's own): the statements show it under a "no line" line
-- meanwhile, so totals still tie.
select tenant_id, year, account, account_name
from {{ ref('int_fortnox__accounts') }}
where has_activity and mapped_statement is null
