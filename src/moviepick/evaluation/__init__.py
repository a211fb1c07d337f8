"""Evaluation protocols, splits and metrics: one protocol for every model."""
