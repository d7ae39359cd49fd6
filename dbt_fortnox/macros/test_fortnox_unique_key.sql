{#- One row per key: the combination of `columns` is unique in the model. -#}
{% test fortnox_unique_key(model, columns) %}
select {{ columns | join(', ') }}, count(*) as rows_per_key
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
