"""Reads of the organisation."""

from __future__ import annotations

from kaohe.org.models import Assignment, Cadre, Post, Section, Unit


def org_counts() -> dict[str, int]:
    """How many units, sections, posts, cadres and assignments are stored."""
    return {
        "units": Unit.objects.count(),
        "sections": Section.objects.count(),
        "posts": Post.objects.count(),
        "cadres": Cadre.objects.count(),
        "assignments": Assignment.objects.count(),
    }


def org_is_empty() -> bool:
    return not Unit.objects.exists() and not Cadre.objects.exists()
