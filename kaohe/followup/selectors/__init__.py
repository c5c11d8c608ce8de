"""Reads of the follow-up app, one module per concept."""
