"""Ranking and rating metrics over numpy arrays; this package imports nothing else of moviepick."""
