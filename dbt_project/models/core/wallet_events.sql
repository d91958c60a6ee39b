-- Sources add their intermediate model (int_wallet_events__<source>) to this list.
{{ union_inputs(['int_wallet_events__polymarket', 'int_wallet_events__hyperliquid', 'int_wallet_events__etherscan']) }}
