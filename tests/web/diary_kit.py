"""Shared bits of the diary tests: a loaded demo district and one cadre in a section."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kaohe.accounts.models import Role, User
from kaohe.accounts.services import role_assign
from kaohe.collection.models import MonthlyRecord
from kaohe.collection.services import data_load
from kaohe.org.models import Assignment, Cadre, Section
from kaohe.plans.models import Plan
from tests.web.conftest import YEAR, demo_frames

MARCH = 3
# March 2026: the 1st is a Sunday; the ISO weeks whose Thursday is in March start on the
# 2nd, 9th, 16th and 23rd; the week of the 30th (Thursday 2 April) is April's.
MONDAYS = (dt.date(YEAR, 3, 2), dt.date(YEAR, 3, 9), dt.date(YEAR, 3, 16), dt.date(YEAR, 3, 23))
PASSWORD = "diary-pass-1234"


@dataclass
class Team:
    cadre: Cadre
    colleague: Cadre
    section: Section
    cadre_user: User
    chief_user: User


def team(plan: Plan) -> Team:
    """The demo district loaded; the first section with two cadres in post, the first of them
    (with a scored March record) the cadre account's, the chief's account on the section."""
    data_load(frames=demo_frames(plan), year=YEAR, reason="diary test")
    for section in Section.objects.order_by("code"):
        cadres = [
            a.cadre
            for a in Assignment.objects.filter(post__section=section, end__isnull=True)
            .select_related("cadre")
            .order_by("cadre__code")
        ]
        scored = [
            c
            for c in cadres
            if MonthlyRecord.objects.filter(cadre=c, year=YEAR, month=MARCH)
            .exclude(on_leave=True)
            .exists()
        ]
        if len(scored) >= 2:
            cadre_user = User.objects.create_user("diarist", password=PASSWORD, cadre=scored[0])
            role_assign(user=cadre_user, role=Role.CADRE)
            chief = User.objects.create_user("chief", password=PASSWORD)
            role_assign(user=chief, role=Role.SECTION_CHIEF, section=section)
            return Team(scored[0], scored[1], section, cadre_user, chief)
    raise AssertionError("no section with two scored cadres")
