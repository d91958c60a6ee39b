-- Every source's position observations, in one shape. Sources add their model to this list.
{{ union_inputs([
    'int_position_observations__kalshi',
    'int_position_observations__okx',
    'int_position_observations__hyperliquid',
]) }}
