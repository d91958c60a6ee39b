"""Hyperliquid: own and tracked-wallet fills from the public info endpoint (POST /info)."""

SOURCE = "hyperliquid"
