"""Reads of the political-quality ledger: the one selector every page and export showing
evidence goes through (:func:`evidence_list_for_user`), the political score's reasons from the
engine's own rule (:func:`political_breakdown`) and the year's 优秀 candidates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import polars as pl
from django.db.models import Count, Q

from kaohe.accounts.scope import AnyUser
from kaohe.collection.exchange import TABLE_MAPS
from kaohe.collection.frames import rows_to_frame
from kaohe.collection.models import Evaluation, Evidence, TopReview
from kaohe.engine import parse_plan
from kaohe.engine import schema as s
from kaohe.engine.annual import political
from kaohe.engine.dataset import DataSet
from kaohe.engine.keys import Ids
from kaohe.engine.plan import Plan as EnginePlan
from kaohe.engine.plan import PoliticalEvidence
from kaohe.followup.models import AnnualPublication
from kaohe.org.models import Cadre, Unit
from kaohe.plans.models import Plan
from kaohe.political.predicates import readable_sources
from kaohe.results.models import AnnualResult, PoliticalScore, Run


@lru_cache(maxsize=8)
def _parsed(year: int, text: str) -> EnginePlan:
    """A plan's text parsed once per process (the same text always parses alike)."""
    return parse_plan(text, source=f"plan {year}")


def year_plan(year: int) -> EnginePlan | None:
    """The stored plan of ``year`` as the engine reads it (None when there is none; one
    query)."""
    text = Plan.objects.filter(year=year).values_list("yaml", flat=True).first()
    return _parsed(year, text) if text is not None else None


def evidence_rules(year: int) -> PoliticalEvidence:
    """The plan's ``political.evidence`` of ``year`` (the engine's defaults without a plan)."""
    plan = year_plan(year)
    return plan.political.evidence if plan is not None else PoliticalEvidence()


@dataclass(frozen=True, slots=True)
class Subject:
    type: str  # team or cadre
    code: str
    name: str


def subject_get(subject_type: str, code: str) -> Subject | None:
    """The team (a unit's code) or the cadre named by ``code``."""
    if subject_type == s.SUBJECT_TEAM:
        unit = Unit.objects.filter(code=code).only("name").first()
        return Subject(s.SUBJECT_TEAM, code, unit.name) if unit is not None else None
    if subject_type == s.SUBJECT_CADRE:
        cadre = Cadre.objects.filter(code=code).only("name").first()
        return Subject(s.SUBJECT_CADRE, code, cadre.name) if cadre is not None else None
    return None


def subject_by_code(code: str) -> Subject | None:
    """The cadre or team named by ``code`` (subject codes are unique across both)."""
    return subject_get(s.SUBJECT_CADRE, code) or subject_get(s.SUBJECT_TEAM, code)


def evidence_list_for_user(
    user: AnyUser, *, year: int, subject: Subject, rules: PoliticalEvidence | None = None
) -> list[Evidence]:
    """The entries of ``subject``'s ledger of ``year`` that ``user`` may read, by date.

    The one read of evidence for a person: the ledger page, its export and the score's reasons
    call it; life- and social-circle entries (the plan's ``restricted_sources``) reach the
    assessment office only (:func:`kaohe.political.predicates.readable_sources`)."""
    found = rules if rules is not None else evidence_rules(year)
    sources = readable_sources(user, subject.type, subject.code, found)
    if not sources:
        return []
    return list(
        Evidence.objects.filter(year=year, subject_code=subject.code, source__in=sorted(sources))
        .select_related("attachment")
        .order_by("date", "code")
    )


def evidence_all(*, year: int, subject: Subject) -> list[Evidence]:
    """Every entry of ``subject``'s ledger: for the engine and the office's 优秀 review only."""
    return list(
        Evidence.objects.filter(year=year, subject_code=subject.code)
        .select_related("attachment")
        .order_by("date", "code")
    )


# --- the political score and its reasons (§7)


def _frame(name: str, year: int, where: Q) -> pl.DataFrame:
    tm = TABLE_MAPS[name]
    query = tm.model._default_manager.filter(where)
    if tm.yearly:
        query = query.filter(year=year)
    rows = query.order_by(*[tm.lookup(c) for c in tm.key]).values_list(*tm.lookups())
    return rows_to_frame(tm, rows).with_columns(pl.lit(None, pl.Int64).alias(s.ROW))


def subject_political(plan: EnginePlan, year: int, subject: Subject) -> dict[str, float | None]:
    """``subject``'s political rating, evidence counts, adjustment and score as the engine
    computes them now from the stored rows (:func:`kaohe.engine.annual.political`; 4 queries)."""
    none = Q(pk__in=[])
    tables = {
        s.UNITS: _frame(
            s.UNITS, year, Q(code=subject.code) if subject.type == s.SUBJECT_TEAM else none
        ),
        s.CADRES: _frame(
            s.CADRES, year, Q(code=subject.code) if subject.type == s.SUBJECT_CADRE else none
        ),
        s.EVALUATIONS: _frame(
            s.EVALUATIONS,
            year,
            Q(subject_code=subject.code, kind=s.EVAL_POLITICAL, period=str(year)),
        ),
        s.EVIDENCE_TABLE: _frame(s.EVIDENCE_TABLE, year, Q(subject_code=subject.code)),
    }
    data = DataSet(year=year, months=tuple(range(1, 13)), tables=tables)
    rows = political(plan, data, Ids.of(plan, data)).to_dicts()
    if not rows:
        return {s.RATING: None, s.POSITIVE: 0, s.NEGATIVE: 0, s.ADJUSTMENT: None, s.SCORE: None}
    row = rows[0]
    return {k: row[k] for k in (s.RATING, s.POSITIVE, s.NEGATIVE, s.ADJUSTMENT, s.SCORE)}


@dataclass(frozen=True, slots=True)
class EntryEffect:
    entry: Evidence
    points: float  # before the cap: + points_positive or − points_negative; 0 outside the year


@dataclass(frozen=True, slots=True)
class Breakdown:
    rating: float | None  # the item-weighted political rating (None: not rated)
    positive: int
    negative: int
    points: float  # points_positive × positive − points_negative × negative
    cap: float
    adjustment: float | None  # the points within ± cap
    score: float | None  # clamp(rating + adjustment, 0, 100)
    rules: PoliticalEvidence
    shown: list[EntryEffect]  # the entries the user reads, each with its points
    hidden_points: float  # the points of the entries the user does not read, together
    hidden: bool  # some entries are not shown to the user
    published: PoliticalScore | None  # the run's row
    run: Run | None
    changed: bool  # inputs changed since the run (or the run differs): at the next compute

    @property
    def capped(self) -> bool:
        return self.adjustment is not None and abs(self.points) > self.cap


def _points(entry: Evidence, year: int, rules: PoliticalEvidence) -> float:
    if entry.date.year != year:
        return 0.0
    if entry.direction == s.DIRECTION_POSITIVE:
        return rules.points_positive
    if entry.direction == s.DIRECTION_NEGATIVE:
        return -rules.points_negative
    return 0.0


def political_breakdown(
    user: AnyUser, *, year: int, subject: Subject, run: Run | None
) -> Breakdown | None:
    """The rating, each readable entry's effect under the plan's rule, any cap and the score;
    the entries ``user`` does not read count only as one total. None without a plan."""
    plan = year_plan(year)
    if plan is None:
        return None
    rules = plan.political.evidence
    now = subject_political(plan, year, subject)
    entries = evidence_all(year=year, subject=subject)
    readable = {e.pk for e in evidence_list_for_user(user, year=year, subject=subject, rules=rules)}
    shown = [EntryEffect(e, _points(e, year, rules)) for e in entries if e.pk in readable]
    hidden = [e for e in entries if e.pk not in readable]
    positive, negative = int(now[s.POSITIVE] or 0), int(now[s.NEGATIVE] or 0)
    points = rules.points_positive * positive - rules.points_negative * negative
    published = (
        PoliticalScore.objects.filter(
            run=run, subject_type=subject.type, subject_code=subject.code
        ).first()
        if run is not None
        else None
    )
    return Breakdown(
        rating=now[s.RATING],
        positive=positive,
        negative=negative,
        points=points,
        cap=rules.cap,
        adjustment=now[s.ADJUSTMENT],
        score=now[s.SCORE],
        rules=rules,
        shown=shown,
        hidden_points=sum(_points(e, year, rules) for e in hidden),
        hidden=bool(hidden),
        published=published,
        run=run,
        changed=_changed(run, published, now, subject, year),
    )


def _changed(
    run: Run | None,
    published: PoliticalScore | None,
    now: dict[str, float | None],
    subject: Subject,
    year: int,
) -> bool:
    if run is None:
        return now[s.SCORE] is not None
    started = run.started or run.created
    touched = (
        Evidence.objects.filter(year=year, subject_code=subject.code, updated__gt=started).exists()
        or Evaluation.objects.filter(
            year=year, subject_code=subject.code, kind=s.EVAL_POLITICAL, updated__gt=started
        ).exists()
    )
    was = published.score if published is not None else None
    score = now[s.SCORE]
    same = (was is None and score is None) or (
        was is not None and score is not None and abs(was - score) < 1e-9
    )
    return touched or not same


# --- the 优秀 evidence review (§8)


def year_final(year: int) -> dt.date | None:
    """The day the year's grades were made final (终定), None while they are not."""
    return (
        AnnualPublication.objects.filter(close__year=year, final_on__isnull=False)
        .values_list("final_on", flat=True)
        .first()
    )


@dataclass(frozen=True, slots=True)
class Candidate:
    result: AnnualResult
    name: str
    review: TopReview | None
    evidence: int  # entries of every source

    @property
    def pending(self) -> bool:
        return self.review is None


def candidates(run: Run, top: float) -> list[Candidate]:
    """The run's 优秀/好 candidates: graded subjects whose annual score reaches ``grades.top``
    and whose grade no cap lowered, or that were reviewed already; pending first, then by
    score (four queries)."""
    rows = list(
        AnnualResult.objects.filter(run=run, score__gte=top)
        .exclude(grade=s.UNDETERMINED)
        .order_by("-score", "subject_code")
    )
    codes = [r.subject_code or "" for r in rows]
    reviews = {
        r.subject_code: r for r in TopReview.objects.filter(year=run.year, subject_code__in=codes)
    }
    counts: dict[str, int] = dict(
        Evidence.objects.filter(year=run.year, subject_code__in=codes)
        .values("subject_code")
        .annotate(n=Count("id"))
        .values_list("subject_code", "n")
    )
    names = dict(Cadre.objects.filter(code__in=codes).values_list("code", "name"))
    names |= dict(Unit.objects.filter(code__in=codes).values_list("code", "name"))
    found = [
        Candidate(
            r,
            names.get(r.subject_code or "", ""),
            reviews.get(r.subject_code or ""),
            counts.get(r.subject_code or "", 0),
        )
        for r in rows
        if _candidate(r) or (r.subject_code or "") in reviews
    ]
    return sorted(found, key=lambda c: not c.pending)  # stable: pending first, by score


CAPS = ("veto", "sanction", "unit_veto", "team_grade")


def _candidate(result: AnnualResult) -> bool:
    """Not capped by a veto, a sanction or the team's grade (a rejected review is shown too)."""
    notes = result.notes or ""
    return not any(cap in notes for cap in CAPS)
