"""Loaded by rules' autodiscovery: registers the ratings permissions."""

from __future__ import annotations

from kaohe.ratings import predicates

predicates.register()
