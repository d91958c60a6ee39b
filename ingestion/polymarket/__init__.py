"""Polymarket: Gamma (markets, events), Data API (trades, activity) and CLOB price history."""

SOURCE = "polymarket"
