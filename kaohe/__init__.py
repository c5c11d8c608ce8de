"""Kaohe (考核): full-staff performance assessment for public organisations."""

__version__ = "0.1.0"
