{#-
    The arrival watermark of an incremental model: the newest `column` (a ledger `loaded_at`)
    already stored in this model, minus `arrival_lookback_hours` (default 24). Rows that arrived
    at or after it are read again. The look-back covers ingestion transactions that committed
    after a later one (`loaded_at` is the transaction's start time) and reference data that
    arrives a little after the records it describes (Polymarket outcome tokens, OKX contract
    terms); anything later than that is applied by `dbt build --full-refresh`.
    An empty model has no watermark: everything is read.
-#}
{% macro arrived_since(column="loaded_at") -%}
    (
        select
            coalesce(max({{ column }}), '-infinity'::timestamptz)
            - interval '{{ var("arrival_lookback_hours", 24) }} hours'
        from {{ this }}
    )
{%- endmacro %}
