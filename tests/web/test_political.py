"""The political-quality ledger (kaohe/political, docs/political.md): who reads which sources on
every page and export, the evidence → political score golden numbers after a compute, the 优秀
evidence review → the grade after a compute, and the refusals (locked month, final year)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kaohe.accounts.models import Role, User
from kaohe.accounts.services import role_assign
from kaohe.audit.models import AuditEvent
from kaohe.collection.models import Evaluation, Evidence, TopReview
from kaohe.cycle.models import Period
from kaohe.engine import schema as s
from kaohe.political.selectors import political_breakdown, subject_get
from kaohe.results.models import AnnualResult, PoliticalScore, Run
from kaohe.results.services import run_compute
from tests.web.conftest import YEAR
from tests.web.conftest_followup import District, client_of, district

__all__ = ["district"]

SECRETS = ("LIFE-SECRET-NOTE", "SOCIAL-SECRET-NOTE")
OPEN = ("WORK-OPEN-NOTE", "FIELD-OPEN-NOTE", "DISC-OPEN-NOTE", "RECIPIENTS-OPEN-NOTE")


def _user(name: str, role: Role, **extra: object) -> Client:
    user = User.objects.create_user(username=name, password="x")
    role_assign(user=user, role=role, **extra)  # type: ignore[arg-type]
    client = Client()
    client.force_login(user)
    return client


def _record(client: Client, kind: str, subject: str, **data: str) -> Any:
    url = reverse(f"political:{kind}_record", args=[subject])
    return client.post(f"{url}?year={YEAR}", {"date": f"{YEAR}-06-01", "note": "", **data})


def _political_rows(code: str, scores: tuple[float, float, float]) -> None:
    """The subject's political ratings replaced by one row per plan item (weights 1)."""
    Evaluation.objects.filter(year=YEAR, subject_code=code, kind=s.EVAL_POLITICAL).delete()
    for item, score in zip(("政治判断力", "政治领悟力", "政治执行力"), scores, strict=True):
        Evaluation.objects.create(
            year=YEAR,
            subject_code=code,
            period=str(YEAR),
            kind=s.EVAL_POLITICAL,
            item=item,
            score=score,
        )


def _ledger_of_every_source(d: District) -> None:
    """One entry per source for the cadre account's cadre, each with a marker note."""
    Evidence.objects.filter(year=YEAR, subject_code=d.cadre).delete()
    office = client_of("office")
    for source, note in zip(
        ("life", "social", "work", "field", "discipline", "recipients"),
        (*SECRETS, *OPEN),
        strict=True,
    ):
        response = _record(office, "cadre", d.cadre, source=source, direction="positive", note=note)
        assert response.status_code == 302, getattr(response, "content", b"")[:2000]


# --- visibility


@pytest.mark.django_db
def test_life_and_social_circle_entries_reach_the_office_only(district: District) -> None:
    _ledger_of_every_source(district)
    readers = {
        "office": client_of("office"),
        "head": client_of("head"),
        "cadre": client_of("cadre"),
        "inspector": _user("inspector1", Role.INSPECTOR),
    }
    ledger = reverse("political:cadre", args=[district.cadre]) + f"?year={YEAR}"
    export = reverse("political:cadre_csv", args=[district.cadre]) + f"?year={YEAR}"
    cadre_page = reverse("web:cadre", args=[district.cadre]) + f"?year={YEAR}"
    seen: dict[str, str] = {}
    for name, client in readers.items():
        text = ""
        for url in (ledger, export, cadre_page):
            response = client.get(url)
            if response.status_code == 200:
                text += response.content.decode("utf-8-sig")
            else:
                assert response.status_code == 403, (name, url)
        api = client.get(f"/api/v1/cadres/{district.cadre}/year?year={YEAR}")
        text += api.content.decode() if api.status_code == 200 else ""
        seen[name] = text
    for secret in SECRETS:
        assert secret in seen["office"]
        for name in ("head", "cadre", "inspector"):
            assert secret not in seen[name], (name, secret)
    assert all(note in seen["office"] for note in OPEN)
    # the unit head and the cadre read the unrestricted sources; the inspector discipline only
    assert all(note in seen["head"] and note in seen["cadre"] for note in OPEN)
    assert "DISC-OPEN-NOTE" in seen["inspector"]
    assert "WORK-OPEN-NOTE" not in seen["inspector"]
    # the combined effect of the hidden entries is told, not the entries: 2 × 2 = 4.00
    assert "4.00" in seen["cadre"]
    # the review page (every source) is the office's
    review = reverse("political:review", args=[district.cadre]) + f"?year={YEAR}"
    assert SECRETS[0] in readers["office"].get(review).content.decode()
    for name in ("head", "cadre", "inspector"):
        assert readers[name].get(review).status_code == 403


@pytest.mark.django_db
def test_a_section_chief_reads_no_ledger(district: District) -> None:
    from kaohe.org.models import Section  # noqa: PLC0415

    section = Section.objects.filter(unit__code=district.head_unit).first()
    assert section is not None
    chief = _user("chief1", Role.SECTION_CHIEF, section=section)
    assert chief.get(reverse("political:cadre", args=[district.cadre])).status_code == 403


@pytest.mark.django_db
def test_who_records_which_source(district: District) -> None:
    Evidence.objects.filter(year=YEAR, subject_code=district.cadre).delete()
    head, cadre = client_of("head"), client_of("cadre")
    inspector = _user("inspector2", Role.INSPECTOR)
    # the unit head: work circle and field visits of their unit's cadres, not the life circle
    assert (
        _record(head, "cadre", district.cadre, source="work", direction="positive").status_code
        == 302
    )
    assert (
        _record(head, "cadre", district.cadre, source="life", direction="negative").status_code
        == 400
    )
    # the inspector: discipline findings only
    assert (
        _record(
            inspector, "cadre", district.cadre, source="discipline", direction="negative"
        ).status_code
        == 302
    )
    assert (
        _record(inspector, "cadre", district.cadre, source="work", direction="positive").status_code
        == 400
    )
    # the cadre records nothing (403 before the form is read)
    assert (
        _record(cadre, "cadre", district.cadre, source="work", direction="positive").status_code
        == 403
    )
    rows = list(Evidence.objects.filter(subject_code=district.cadre).order_by("source"))
    assert [(e.source, e.recorded_by) for e in rows] == [
        ("discipline", "inspector2"),
        ("work", "head"),
    ]


@pytest.mark.django_db
def test_a_correction_keeps_the_history(district: District) -> None:
    Evidence.objects.filter(year=YEAR, subject_code=district.cadre).delete()
    office = client_of("office")
    _record(office, "cadre", district.cadre, source="work", direction="positive", note="first")
    entry = Evidence.objects.get(subject_code=district.cadre)
    response = _record(
        office,
        "cadre",
        district.cadre,
        source="work",
        direction="negative",
        note="corrected",
        code=entry.code,
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.direction, entry.note) == ("negative", "corrected")
    assert [h.note for h in entry.history.order_by("history_date")] == ["first", "corrected"]
    assert (
        AuditEvent.objects.filter(model="collection.evidence", object_id=str(entry.pk)).count() >= 2
    )
    # the export neutralises a note a spreadsheet would take for a formula
    _record(office, "cadre", district.cadre, source="work", direction="positive", note="=1+1")
    export = office.get(reverse("political:cadre_csv", args=[district.cadre]) + f"?year={YEAR}")
    assert "'=1+1" in export.content.decode("utf-8-sig")


@pytest.mark.django_db
def test_a_locked_month_or_a_final_year_refuses_an_entry(district: District) -> None:
    Evidence.objects.filter(year=YEAR, subject_code=district.cadre).delete()
    day = dt.date(YEAR, 6, 1)
    Period.objects.create(
        year=YEAR,
        month=6,
        state=Period.State.LOCKED,
        submit_due=day,
        review_due=day,
        publish_due=day,
    )
    office = client_of("office")
    response = _record(office, "cadre", district.cadre, source="work", direction="positive")
    assert response.status_code == 200
    assert "已锁定" in response.content.decode()
    assert not Evidence.objects.filter(subject_code=district.cadre).exists()


# --- the political score after a compute (rules.md §7, plan defaults: +2, −4, cap ±10)


@pytest.mark.django_db
def test_evidence_moves_the_political_score_at_the_next_compute(district: District) -> None:
    code = district.cadre
    _political_rows(code, (90.0, 80.0, 70.0))
    Evidence.objects.filter(year=YEAR, subject_code=code).delete()
    office, head = client_of("office"), client_of("head")
    inspector = _user("inspector3", Role.INSPECTOR)
    _record(head, "cadre", code, source="work", direction="positive")
    _record(head, "cadre", code, source="field", direction="positive")
    _record(office, "cadre", code, source="life", direction="positive")
    _record(inspector, "cadre", code, source="discipline", direction="negative")
    # team U001: six positive entries
    Evaluation.objects.filter(year=YEAR, subject_code="U001", kind=s.EVAL_POLITICAL).delete()
    _political_rows("U001", (60.0, 70.0, 80.0))
    Evidence.objects.filter(year=YEAR, subject_code="U001").delete()
    for _ in range(6):
        _record(office, "team", "U001", source="recipients", direction="positive")
    run = run_compute(year=YEAR)
    assert run.state == Run.State.DONE, run.error
    # cadre: rating (90 + 80 + 70) / 3 = 80; adjustment 2 × 3 − 4 × 1 = 2 (within ±10);
    # political = clamp(80 + 2, 0, 100) = 82
    cadre = PoliticalScore.objects.get(run=run, subject_code=code)
    assert (cadre.rating, cadre.positive, cadre.negative, cadre.adjustment) == (80.0, 3, 1, 2.0)
    assert cadre.score == pytest.approx(82.0)
    assert AnnualResult.objects.get(run=run, subject_code=code).political == pytest.approx(82.0)
    # team: rating (60 + 70 + 80) / 3 = 70; 2 × 6 = 12, capped at 10; political = 80
    team = PoliticalScore.objects.get(run=run, subject_code="U001")
    assert (team.adjustment, team.score) == pytest.approx((10.0, 80.0))
    # the page's reasons: the engine's rule now, equal to the published run's value
    subject = subject_get(s.SUBJECT_CADRE, code)
    assert subject is not None
    user = User.objects.get(username="cadre")
    found = political_breakdown(user, year=YEAR, subject=subject, run=run)
    assert found is not None
    assert (found.rating, found.points, found.adjustment, found.score) == (80.0, 2.0, 2.0, 82.0)
    assert not found.changed
    # the cadre does not read the life-circle entry: three shown, one hidden worth +2
    assert sorted(fx.points for fx in found.shown) == [-4.0, 2.0, 2.0]
    assert found.hidden_points == 2.0
    page = client_of("cadre").get(reverse("political:cadre", args=[code]) + f"?year={YEAR}")
    text = page.content.decode()
    assert 'id="political-score-value"><strong>82.00' in text
    assert "political-changed" not in text
    team_page = client_of("office").get(reverse("political:team", args=["U001"]) + f"?year={YEAR}")
    assert "封顶 ±10.00" in team_page.content.decode()
    # a new entry after the run: the page says it changes at the next compute
    _record(office, "cadre", code, source="work", direction="positive")
    again = client_of("cadre").get(reverse("political:cadre", args=[code]) + f"?year={YEAR}")
    assert 'id="political-score-value"><strong>84.00' in again.content.decode()
    assert "political-changed" in again.content.decode()


# --- the 优秀 evidence review (rules.md §8, grades.require_review on)


def _grade(run: Run, code: str) -> tuple[str, str, str]:
    r = AnnualResult.objects.get(run=run, subject_code=code)
    return r.grade or "", r.top_status or "", r.notes or ""


@pytest.mark.django_db
def test_the_review_decides_the_top_grade_at_the_next_compute(district: District) -> None:
    run = district.run
    candidates = list(
        AnnualResult.objects.filter(
            run=run, subject_type=s.SUBJECT_CADRE, grade="优秀", top_status=s.TOP_CANDIDATE
        ).order_by("-score")
    )
    assert len(candidates) >= 3
    rejected, confirmed, unreviewed = (c.subject_code or "" for c in candidates[:3])
    TopReview.objects.filter(subject_code__in=[rejected, confirmed, unreviewed]).delete()
    # the next candidate of the rejected one's quota group, below the quota now
    group = candidates[0].quota_group
    runner_up = (
        AnnualResult.objects.filter(run=run, quota_group=group, score__gte=90, notes="quota")
        .order_by("-score")
        .values_list("subject_code", flat=True)
        .first()
    )
    office = client_of("office")
    listing = office.get(reverse("political:reviews") + f"?year={YEAR}").content.decode()
    assert f'id="candidate-{rejected}"' in listing
    for code, outcome in ((rejected, s.OUTCOME_REJECT), (confirmed, s.OUTCOME_CONFIRM)):
        url = reverse("political:review_record", args=[code]) + f"?year={YEAR}"
        response = office.post(url, {"outcome": outcome, "date": f"{YEAR + 1}-01-05", "note": "审"})
        assert response.status_code == 302
    assert TopReview.objects.get(year=YEAR, subject_code=confirmed).reviewer == "office"
    # the cadre and the unit head may not record a review
    url = reverse("political:review_record", args=[unreviewed])
    assert client_of("head").post(url, {"outcome": "confirm"}).status_code == 403
    after = run_compute(year=YEAR)
    assert after.state == Run.State.DONE, after.error
    grade, _status, notes = _grade(after, rejected)
    assert grade == "称职"
    assert "review_rejected" in notes
    assert _grade(after, confirmed)[:2] == ("优秀", s.TOP_CONFIRMED)
    # without a review the candidate keeps the place, pending: 优秀 not confirmed (§8)
    assert _grade(after, unreviewed)[:2] == ("优秀", s.TOP_CANDIDATE)
    if runner_up is not None:  # the quota place freed by the rejection passes on
        assert _grade(after, runner_up)[0] == "优秀"


@pytest.mark.django_db
def test_a_final_year_refuses_reviews_and_entries(district: District) -> None:
    from kaohe.followup.models import AnnualClose, AnnualPublication  # noqa: PLC0415

    close = AnnualClose.objects.create(
        year=YEAR, run=district.run, notified_on=dt.date(YEAR + 1, 1, 10)
    )
    AnnualPublication.objects.create(
        close=close,
        published_on=dt.date(YEAR + 1, 1, 11),
        objections_until=dt.date(YEAR + 1, 1, 20),
        final_on=dt.date(YEAR + 1, 1, 25),
    )
    TopReview.objects.filter(year=YEAR, subject_code=district.cadre).delete()
    Evidence.objects.filter(year=YEAR, subject_code=district.cadre).delete()
    office = client_of("office")
    url = reverse("political:review_record", args=[district.cadre]) + f"?year={YEAR}"
    response = office.post(url, {"outcome": "confirm", "date": f"{YEAR + 1}-02-01"})
    assert response.status_code == 200
    assert "终定" in response.content.decode()
    assert not TopReview.objects.filter(year=YEAR, subject_code=district.cadre).exists()
    response = _record(office, "cadre", district.cadre, source="work", direction="positive")
    assert "终定" in response.content.decode()
    assert not Evidence.objects.filter(subject_code=district.cadre).exists()


@pytest.mark.django_db
def test_an_attachment_follows_its_entry(district: District, tmp_path: Any, settings: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: PLC0415

    settings.MEDIA_ROOT = tmp_path
    Evidence.objects.filter(year=YEAR, subject_code=district.cadre).delete()
    office = client_of("office")
    url = reverse("political:cadre_record", args=[district.cadre]) + f"?year={YEAR}"
    fake = SimpleUploadedFile("note.pdf", b"MZ not a pdf", content_type="application/pdf")
    body = {"date": f"{YEAR}-06-01", "source": "life", "direction": "negative"}
    response = office.post(url, {**body, "attachment": fake})
    assert "不符" in response.content.decode()  # the content is not a PDF: nothing written
    assert not Evidence.objects.filter(subject_code=district.cadre).exists()
    pdf = SimpleUploadedFile("note.pdf", b"%PDF-1.4 life", content_type="application/pdf")
    assert office.post(url, {**body, "attachment": pdf}).status_code == 302
    entry = Evidence.objects.get(subject_code=district.cadre)
    download = reverse("political:attachment", args=[entry.pk])
    got = office.get(download)
    assert got.status_code == 200
    assert b"".join(got.streaming_content) == b"%PDF-1.4 life"  # type: ignore[attr-defined]
    for name in ("head", "cadre"):  # a life-circle entry's file: the office's only
        assert client_of(name).get(download).status_code == 403
