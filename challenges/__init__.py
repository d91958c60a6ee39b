"""Prop-firm challenges (CONTRACT §7, §8): rules on real fills, an event-sourced ledger.

Plain Python, no Dagster: `model` (rules, items, events, state), `evaluator` (the rules walked
over an account's history, a pure function), `store` (reading the inputs and appending events
to ledger.challenge_events with the sequence guard). The Dagster asset in
orchestration/defs/challenges/ is a thin caller of `store.evaluate_all`.
"""
