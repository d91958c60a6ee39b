"""Delivering what tradelake produces to people: the 4h report to a chat webhook."""
