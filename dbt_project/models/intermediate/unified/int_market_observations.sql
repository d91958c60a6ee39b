-- Every source's market observations, in one shape. Sources add their model to this list.
{{ union_inputs(['int_market_observations__polymarket', 'int_market_observations__kalshi']) }}
