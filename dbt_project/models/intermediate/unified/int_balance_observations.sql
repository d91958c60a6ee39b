-- Every source's balance observations, in one shape. Sources add their model to this list.
{{ union_inputs([
    'int_balance_observations__kalshi',
    'int_balance_observations__okx',
    'int_balance_observations__hyperliquid',
]) }}
