"""Kalshi Trade API v2: public markets and the operator's portfolio (fills, settlements,
positions, balance). See docs/sources/kalshi.md."""

SOURCE = "kalshi"
