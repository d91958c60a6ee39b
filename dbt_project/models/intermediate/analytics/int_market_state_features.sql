{#-
    Per closed hourly candle, what the market-state rules of marts.market_states read (previous
    close, ATR, 24h volume, their 30-day medians, OKX instrument state and spread): the macro
    market_state_features over every candle. marts.market_states reads the same macro, over
    all candles in a full build and over the candles it restates in an incremental run.
-#}
{{ market_state_features() }}
