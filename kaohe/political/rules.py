"""Loaded by rules' autodiscovery: registers the political-quality permissions."""

from __future__ import annotations

from kaohe.political import predicates

predicates.register()
