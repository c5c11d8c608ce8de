"""A computed district with one account (and API token) per role, shared by the permission
tests: the section chief's section and the cadre account's cadre are in ``own_unit``; another
unit's cadre is ``other_cadre``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from pytest_django import DjangoDbBlocker

from kaohe.accounts.models import Role, User
from kaohe.accounts.services import role_assign
from kaohe.api.services import api_token_create
from kaohe.collection.models import Evidence, ImportBatch
from kaohe.collection.services import data_load, import_file
from kaohe.core.demo import demo_plan_text
from kaohe.cycle.models import Period
from kaohe.cycle.services.adjustments import adjustment_request
from kaohe.cycle.services.objections import objection_answer, objection_file
from kaohe.cycle.services.periods import period_advance, period_open
from kaohe.engine import schema as s
from kaohe.engine import write_tables
from kaohe.evaluations.models import Survey
from kaohe.evaluations.surveys import survey_create
from kaohe.followup.models import (
    AnnualClose,
    FollowUpAction,
    FollowUpRecord,
    ReviewRequest,
    TrainingCourse,
    TrainingEnrolment,
)
from kaohe.org.models import Assignment, Cadre, Unit
from kaohe.plans.services import plan_save
from kaohe.political.models import EvidenceFile
from kaohe.reports.models import ExportJob
from kaohe.results.models import Run
from kaohe.results.services import run_compute
from tests.web.conftest import YEAR, demo_frames, upload
from tests.web.tasks_fixtures import tasks_objects

DEPARTMENT = "组织部"  # the indicator owner's: owns the plan's political and party indicators


@dataclass
class District:
    run: Run
    batch: ImportBatch
    own_unit: str
    other_unit: str
    own_section: str
    own_cadre: str  # the cadre account's cadre, in the section chief's section of own_unit
    other_cadre: str  # a cadre of other_unit
    users: dict[str, User]
    files: dict[str, Path]  # tables of the district as CSV, to import again
    tokens: dict[str, str]
    # objects of the follow-up, reports and evaluations pages: name → (own, other) primary
    # keys, own being the cadre account's (owned by own_unit), other another unit's cadre's
    objects: dict[str, tuple[int, int]] = field(default_factory=dict)
    survey: Survey | None = None  # own_unit's public survey


def _followup(
    run: Run, own: tuple[str, str], other: tuple[str, str], office: User
) -> dict[str, tuple[int, int]]:
    """An action (with a record and its attachment) and a training enrolment for the own and
    the other cadre (cadre code, unit code), a closed year with a review request, export jobs."""
    year = run.year
    made: dict[str, list[int]] = {"action": [], "record": [], "enrolment": []}
    course = TrainingCourse.objects.create(year=year, tag="政治理论", form="online")
    for cadre, unit in (own, other):
        action = FollowUpAction.objects.create(
            year=year,
            period=f"{year}-01",
            subject_type=s.SUBJECT_CADRE,
            subject_code=cadre,
            step=1,
            action="谈话提醒",
            owner=unit,
            due_on=dt.date(year, 3, 1),
            run=run,
        )
        record = FollowUpRecord(
            action=action, date=dt.date(year, 2, 1), participants="某某", notes="谈话"
        )
        record.attachment.save("note.txt", ContentFile(b"note"), save=False)
        record.attachment_name = "note.txt"
        record.save()
        enrolment = TrainingEnrolment.objects.create(
            course=course, subject_type=s.SUBJECT_CADRE, subject_code=cadre, periods="1"
        )
        made["action"].append(action.pk)
        made["record"].append(record.pk)
        made["enrolment"].append(enrolment.pk)
    close = AnnualClose.objects.create(year=year, run=run, notified_on=dt.date(year + 1, 1, 10))
    request = ReviewRequest.objects.create(
        close=close,
        kind=ReviewRequest.Kind.REVIEW,
        subject_type=s.SUBJECT_CADRE,
        subject_code=own[0],
        filed_on=dt.date(year + 1, 1, 12),
        grounds="复核",
        due_on=dt.date(year + 1, 2, 12),
    )
    job = ExportJob(kind=ExportJob.Kind.RANKING, year=year, run=run, created_by=office)
    job.file.save("ranking.xlsx", ContentFile(b"PK"), save=False)
    job.state, job.filename = ExportJob.State.DONE, "ranking.xlsx"
    job.save()
    whatif = ExportJob.objects.create(
        kind=ExportJob.Kind.WHATIF, year=year, run=run, created_by=office, params={"month": 1}
    )
    out = {name: (pks[0], pks[1]) for name, pks in made.items()}
    out |= {
        "course": (course.pk, course.pk),
        "request": (request.pk, request.pk),
        "job": (job.pk, job.pk),
        "whatif": (whatif.pk, whatif.pk),
    }
    return out


def _political_files(own: str, other: str) -> dict[str, tuple[int, int]]:
    """A work-circle entry of the political-quality ledger with an attachment, for the own and
    the other cadre."""
    made: list[int] = []
    for n, cadre in enumerate((own, other)):
        entry = Evidence.objects.create(
            year=YEAR,
            code=f"LM{n}",
            subject_code=cadre,
            date=dt.date(YEAR, 3, 1),
            source="work",
            direction="positive",
            recorded_by="office",
        )
        item = EvidenceFile(evidence=entry, name="note.pdf")
        item.file.save("note.pdf", ContentFile(b"%PDF-1.4 note"), save=False)
        item.save()
        made.append(entry.pk)
    return {"ledger-file": (made[0], made[1])}


def _make(tmp: Path) -> District:
    plan = plan_save(yaml_text=demo_plan_text(YEAR))
    frames = demo_frames(plan)
    data_load(frames=frames, year=YEAR, reason="test")
    run = run_compute(year=YEAR)
    assert run.state == Run.State.DONE, run.error
    units_csv, economic_csv, results_csv = write_tables(
        {n: frames[n] for n in ("units", "economic", "results")}, tmp, YEAR
    )
    owned = [
        i.key
        for c in plan.parsed().categories.values()
        for _, i in c.indicators()
        if i.owner == DEPARTMENT
    ]
    mine_only = frames["results"].filter(pl.col("indicator").is_in(owned))
    assert 0 < mine_only.height < frames["results"].height
    (owned_csv,) = write_tables({"results": mine_only}, tmp / "owned", YEAR)
    batch = import_file(upload=upload(units_csv), year=YEAR)
    assert batch.state == ImportBatch.State.DONE, batch.problems
    mine = (
        Assignment.objects.filter(end__isnull=True, post__section__isnull=False)
        .select_related("cadre", "post__section__unit")
        .order_by("post__unit__code", "cadre__code")
        .first()
    )
    assert mine is not None
    section = mine.post.section
    assert section is not None
    own_unit = section.unit
    other_unit = Unit.objects.exclude(pk=own_unit.pk).order_by("code").first()
    assert other_unit is not None
    other = Assignment.objects.filter(end__isnull=True, post__unit=other_unit).first()
    assert other is not None

    def user(name: str, **extra: Any) -> User:
        return User.objects.create_user(username=name, password="x", **extra)

    users = {
        "none": user("none"),
        "admin": user("admin", is_superuser=True, is_staff=True),
        "office": user("office", is_staff=True),
        "statistics": user("statistics"),
        "owner": user("owner"),
        "inspector": user("inspector"),
        "unit_head": user("unit_head"),
        "section_chief": user("section_chief"),
        "cadre": user("cadre", cadre=mine.cadre),
    }
    role_assign(user=users["office"], role=Role.OFFICE)
    role_assign(user=users["statistics"], role=Role.STATISTICS)
    role_assign(user=users["owner"], role=Role.INDICATOR_OWNER, department=DEPARTMENT)
    role_assign(user=users["inspector"], role=Role.INSPECTOR)
    role_assign(user=users["unit_head"], role=Role.UNIT_HEAD, unit=own_unit)
    role_assign(user=users["section_chief"], role=Role.SECTION_CHIEF, section=section)
    role_assign(user=users["cadre"], role=Role.CADRE)
    tokens = {name: api_token_create(user=u, name="matrix").secret for name, u in users.items()}
    objects = _followup(
        run,
        (mine.cadre.code, own_unit.code),
        (other.cadre.code, other_unit.code),
        users["office"],
    )
    objects |= tasks_objects(YEAR, mine.cadre.code, other.cadre.code)
    objects |= _political_files(mine.cadre.code, other.cadre.code)
    return District(
        run=run,
        batch=batch,
        own_unit=own_unit.code,
        other_unit=other_unit.code,
        own_section=section.code,
        own_cadre=mine.cadre.code,
        other_cadre=other.cadre.code,
        users=users,
        files={
            "units": units_csv,
            "economic": economic_csv,
            "results": results_csv,
            "results_owned": owned_csv,
        },
        tokens=tokens,
        objects=objects,
        survey=survey_create(unit=own_unit, year=YEAR),
    )


@pytest.fixture(scope="module")
def roles_district(
    django_db_setup: None,
    django_db_blocker: DjangoDbBlocker,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[District]:
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        made = _make(tmp_path_factory.mktemp("matrix"))
        yield made
        call_command("flush", interactive=False, verbosity=0)
        Group.objects.all().delete()


CYCLE_MONTH = 1  # the matrix's month of the cycle: published, objected to, locked, adjusted
EVIDENCE_PDF = b"%PDF-1.4\n% evidence\n"


def cycle_objects(d: District) -> None:
    """Take the district's first month through the cycle with the services: opened, published
    with the district's run, an objection on the own unit (filed by the cadre account) and one
    on the other unit (by an account of its cadre), both answered, locked, and a formal
    adjustment with an evidence file asked for by a second office account (so that the
    matrix's office and admin may decide it). Adds ``objection`` (own, other), ``adjustment``
    and ``evidence`` to ``d.objects``."""
    office = d.users["office"]
    period = period_open(year=YEAR, month=CYCLE_MONTH, user=office)
    period = period_advance(period=period, user=office)  # collecting
    period = period_advance(period=period, user=office, reason="矩阵")  # submitted
    period = period_advance(period=period, user=office)  # reviewed
    period = period_advance(period=period, user=office, run=d.run)  # published
    own = objection_file(
        period=period,
        user=d.users["cadre"],
        subject_type=s.SUBJECT_UNIT,
        subject_code=d.own_unit,
        text="异议",
    )
    colleague = User.objects.create_user(
        username="other_cadre", password="x", cadre=Cadre.objects.get(code=d.other_cadre)
    )
    other = objection_file(
        period=period,
        user=colleague,
        subject_type=s.SUBJECT_UNIT,
        subject_code=d.other_unit,
        text="异议",
    )
    for objection in (own, other):
        objection_answer(objection=objection, user=office, outcome="rejected", answer="答复")
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Period.objects.filter(pk=period.pk).update(objections_until=yesterday)
    period.refresh_from_db()
    period = period_advance(period=period, user=office)  # locked
    clerk = User.objects.create_user(username="office2", password="x")
    role_assign(user=clerk, role=Role.OFFICE)
    evidence = SimpleUploadedFile("批复.pdf", EVIDENCE_PDF, content_type="application/pdf")
    adjustment = adjustment_request(period=period, user=clerk, reason="更正", evidence=[evidence])
    item = adjustment.evidence.get()
    d.objects |= {
        "objection": (own.pk, other.pk),
        "adjustment": (adjustment.pk, adjustment.pk),
        "evidence": (item.pk, item.pk),
    }
