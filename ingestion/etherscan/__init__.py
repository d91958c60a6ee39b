"""Etherscan V2: tracked wallets' normal transactions and ERC-20 transfers on EVM chains."""

SOURCE = "etherscan"
