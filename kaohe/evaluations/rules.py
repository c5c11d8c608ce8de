"""Loaded by rules' autodiscovery: registers the evaluation permissions."""

from __future__ import annotations

from kaohe.evaluations import predicates

predicates.register()
