-- Sources add their intermediate model (int_price_history__<source>) to this list.
{{ union_inputs(['int_price_history__polymarket']) }}
