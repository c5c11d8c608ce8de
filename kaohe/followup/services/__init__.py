"""Writes of the follow-up app, one module per concept; every refusal is a
:class:`FollowupError` whose message is shown to the user as it is."""

from __future__ import annotations


class FollowupError(Exception):
    """A change refused: the message says why, in the user's language; nothing was written."""
