-- Sources add their intermediate model (int_fills__<source>) to this list.
{{ union_inputs(['int_fills__polymarket', 'int_fills__kalshi', 'int_fills__hyperliquid', 'int_fills__okx']) }}
