"""Loaded by rules' autodiscovery: registers the permission rules."""

from __future__ import annotations

from kaohe.accounts import roles

__all__ = ["roles"]
