"""Writes of the cycle: the months' steps (periods), objections, adjustments, notifications."""
