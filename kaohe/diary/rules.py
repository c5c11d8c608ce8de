"""Loaded by rules' autodiscovery: registers the diary's permissions."""

from __future__ import annotations

from kaohe.diary import predicates

predicates.register()
