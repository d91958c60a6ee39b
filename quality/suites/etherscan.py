"""Etherscan V2 (docs.etherscan.io): addresses lowercase `0x` + 40 hex, values in wei turned
into human units by the token's decimals (never negative), block times event times."""

from quality.rules import address, between, non_empty, past_time

RULES = {
    "etherscan_transactions": [
        address("wallet"),
        non_empty("tx_hash"),
        between("block_number", 0),
        past_time("occurred_at"),
    ],
    "etherscan_token_transfers": [
        address("wallet"),
        non_empty("tx_hash"),
        between("block_number", 0),
        past_time("occurred_at"),
    ],
}
