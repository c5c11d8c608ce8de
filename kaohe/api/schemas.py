"""The API's payloads (pydantic, through django-ninja's Schema).

Result rows keep the engine's column names (docs/data-format.md, the result tables); numbers are
the published values, rounded half up (scores 2 decimals, ratios 4). Months are 1–12 of the
plan ``year``.
"""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field


class ProblemOut(Schema):
    """Where something is wrong: a file (or sheet) and row and column, and what."""

    file: str
    row: int | None = None
    column: str | None = None
    message: str


class ErrorOut(Schema):
    """Every error's body."""

    detail: str
    problems: list[ProblemOut] = Field(default_factory=list)


# --- runs


class RunIn(Schema):
    year: int = Field(ge=2000, le=2100, description="plan year to compute")
    through_month: int | None = Field(
        None, ge=1, le=12, description="last month to compute (default: every month)"
    )


class RunOut(Schema):
    id: int
    year: int
    through_month: int | None
    state: str = Field(description="queued, running, done or failed")
    progress: int = Field(description="0–100")
    stage: str
    months: int | None
    engine_version: str
    input_checksum: str
    counts: dict[str, int]
    error: str
    created: dt.datetime
    started: dt.datetime | None
    finished: dt.datetime | None


class RunDetailOut(RunOut):
    problems: list[ProblemOut]


class RunPage(Schema):
    count: int
    items: list[RunOut]


# --- units


class UnitScoreOut(Schema):
    unit_id: str
    name: str
    month: int
    category: str | None
    tier: int | None
    groups: float | None = Field(description="G: the groups' contributions")
    events: float | None = Field(description="E: bonus and penalty events")
    raw: float | None = Field(description="G + E")
    coefficient: float | None = Field(description="C, the difficulty coefficient")
    score: float | None = Field(description="S, the month's score")
    rank: int | None
    rank_n: int | None


class UnitScorePage(Schema):
    year: int
    run_id: int
    count: int
    items: list[UnitScoreOut]


class RankedUnitOut(UnitScoreOut):
    previous_rank: int | None = Field(description="rank the month before")
    rank_change: int | None = Field(description="previous rank − rank: positive moved up")


class CategoryRankingOut(Schema):
    category: str
    units: list[RankedUnitOut]


class RankingsOut(Schema):
    year: int
    month: int
    run_id: int
    categories: list[CategoryRankingOut]


class IndicatorOut(Schema):
    indicator: str
    name: str
    method: str | None
    weight: float | None
    included: bool | None
    achievement: float | None
    rv: float | None
    rg: float | None
    r: float | None
    drags: bool | None
    bonus: float | None
    penalty: float | None
    note: str | None


class GroupOut(Schema):
    group: str
    name: str
    points: float | None
    effective_points: float | None
    weight_sum: float | None
    base: float | None
    bonus: float | None
    penalty: float | None
    contribution: float | None
    indicators: list[IndicatorOut]


class EventOut(Schema):
    event_id: str
    kind: str
    points: float
    reason: str
    veto: bool | None
    veto_type: str
    sanction: str


class UnitCardOut(Schema):
    """A unit's month as scored: the report card (成绩单)."""

    year: int
    month: int
    run_id: int
    unit_id: str
    name: str
    category: str | None
    tier: int | None
    groups: list[GroupOut]
    groups_total: float | None = Field(description="G")
    events: list[EventOut]
    events_total: float | None = Field(description="E (after the caps per kind)")
    raw: float | None = Field(description="G + E")
    coefficient: float | None = Field(description="C")
    score: float | None = Field(description="S")
    rank: int | None
    rank_n: int | None
    explanation: list[str] = Field(description="the engine's lines: inputs, rule, result")
    inputs_changed: bool = Field(
        description="data was imported after the run: the explanation shows today's inputs"
    )


# --- cadres and subjects


class CadreMonthOut(Schema):
    cadre_id: str
    name: str = ""
    month: int
    unit_id: str | None
    section_id: str | None
    post_id: str | None
    role: str | None
    attendance: float | None
    weekly: float | None
    monthly: float | None
    own: float | None
    upper: float | None
    events: float | None
    final: float | None
    rank: int | None
    rank_n: int | None
    peer_group: str | None
    no_goals: bool | None


class CadreMonthPage(Schema):
    year: int
    run_id: int
    count: int
    items: list[CadreMonthOut]


class PeriodOut(Schema):
    subject_id: str
    subject_type: str
    period: str
    months: int | None
    mean_monthly: float | None
    rating: float | None
    score: float | None


class PeriodPage(Schema):
    year: int
    run_id: int
    count: int
    items: list[PeriodOut]


class AnnualOut(Schema):
    subject_id: str
    subject_type: str
    role: str | None
    months: int | None
    mean_monthly: float | None
    political: float | None
    democratic: float | None
    review: float | None
    second_half: float | None
    comprehensive: float | None
    score: float | None
    grade: str | None = Field(
        description="the published grade: the engine's, or the year's close's override"
    )
    engine_grade: str | None = Field(None, description="the engine's grade")
    override_reason: str | None = Field(
        None, description="the office's reason when the close overrode the grade, else null"
    )
    top_status: str | None
    rank: int | None
    rank_n: int | None
    quota_group: str | None
    notes: str | None


class AnnualPage(Schema):
    year: int
    run_id: int
    count: int
    items: list[AnnualOut]


class CadreScoresOut(Schema):
    year: int
    run_id: int
    cadre_id: str
    name: str
    monthly: list[CadreMonthOut]
    periods: list[PeriodOut]
    annual: AnnualOut | None


class QuotaOut(Schema):
    quota_group: str
    subject_type: str
    n: int | None = Field(description="subjects in the group")
    quota: int | None = Field(description="top grades allowed")
    candidates: int | None
    granted: int | None
    remaining: int | None = Field(description="quota − granted")
    used: int = Field(
        description="top grades published (the year's close's overrides applied; ≤ quota)"
    )


class QuotaListOut(Schema):
    year: int
    run_id: int
    items: list[QuotaOut]


class ActionOut(Schema):
    subject_id: str
    subject_type: str
    period: str
    action: str | None
    score: float | None
    rank: int | None
    n: int | None
    tied: bool | None
    owner: str | None
    due: str | None


class ActionPage(Schema):
    year: int
    run_id: int
    count: int
    items: list[ActionOut]


class TrainingOut(Schema):
    subject_id: str
    subject_type: str
    period: str | None
    tag: str | None
    achievement: float | None
    reason: str | None
    form: str | None


class TrainingPage(Schema):
    year: int
    run_id: int
    count: int
    items: list[TrainingOut]


# --- imports and templates


class ImportOut(Schema):
    id: int
    year: int
    file_name: str
    sha256: str
    size: int
    file_kind: str
    state: str = Field(description="done, or refused (nothing was written)")
    created_count: int
    updated_count: int
    unchanged_count: int
    counts: dict[str, dict[str, int]] = Field(description="per table: created, updated, unchanged")
    problem_count: int
    problems: list[ProblemOut]
    warnings: list[ProblemOut]
    seconds: float
    created: dt.datetime


class ImportPage(Schema):
    count: int
    items: list[ImportOut]


class TemplateOut(Schema):
    table: str
    title: str
    url: str


# --- the diary's attendance (docs/diary.md)


class AttendanceImportOut(Schema):
    """What an attendance file did: days created, changed, already so, and kept (a chief's
    entry stands over the machine's)."""

    file_name: str
    created: int
    changed: int
    unchanged: int
    kept: int


class AttendanceDayOut(Schema):
    cadre_id: str
    name: str
    date: dt.date
    status: str = Field(description="present, late, absent or leave")
    leave_type: str = Field(description="the leave type of a leave day, else empty")
    check_in: dt.time | None
    source: str = Field(description="app, leave, chief or import")


class AttendancePage(Schema):
    count: int
    items: list[AttendanceDayOut]
