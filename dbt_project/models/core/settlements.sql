-- Sources add their intermediate model (int_settlements__<source>) to this list.
{{ union_inputs(['int_settlements__kalshi']) }}
