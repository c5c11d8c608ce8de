"""Exports on a computed small demo district: printable workbooks re-read cell by cell (values,
merged headers, frozen panes, print setup), PDFs rendered to PNG and read back as Chinese text
with an embedded Noto CJK font, background jobs with progress, and what-if comparisons that
leave the published results as they were."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pytest_django import DjangoDbBlocker
from python_calamine import CalamineWorkbook

from kaohe.accounts.models import User
from kaohe.accounts.roles import CADRE, OFFICE, roles_ensure
from kaohe.collection.services import data_load, data_reset
from kaohe.core.demo import demo_plan_text
from kaohe.engine import round_half_up
from kaohe.engine import schema as s
from kaohe.org.models import Cadre, Unit
from kaohe.plans.models import Plan
from kaohe.plans.services import plan_save
from kaohe.reports import svgchart
from kaohe.reports.documents import unit_cadre_grades, working_days_after
from kaohe.reports.models import ExportJob
from kaohe.reports.workbook import Column, Sheet, sheet_write, workbook_open
from kaohe.results.models import (
    RESULT_MODELS,
    AnnualResult,
    CadreMonthly,
    PayShare,
    Run,
    UnitMonthly,
)
from kaohe.results.services import run_create, run_execute
from tests.web.conftest import YEAR, demo_frames

MONTH = 3
POPPLER = all(shutil.which(t) for t in ("pdftoppm", "pdftotext", "pdffonts"))
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils is not installed")


@dataclass(frozen=True)
class Demo:
    run: Run


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[Demo]:
    with django_db_blocker.unblock():
        plan = plan_save(yaml_text=demo_plan_text(YEAR))
        data_load(frames=demo_frames(plan), year=YEAR, reason="test")
        run = run_execute(run_id=run_create(year=YEAR).pk)
        assert run.state == Run.State.DONE, run.error
        groups = roles_ensure()
        for name, group in (("office", OFFICE), ("cadre", CADRE)):
            User.objects.create_user(username=name, password="x").groups.set([groups[group]])
        yield Demo(run=run)
        Run.objects.all().delete()
        data_reset()
        Plan.objects.all().delete()
        Plan.history.all().delete()
        User.objects.all().delete()
        Group.objects.all().delete()


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def _client(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


@pytest.fixture
def office(db: None, demo: Demo) -> Client:
    return _client("office")


def _get(client: Client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return b"".join(response.streaming_content)  # type: ignore[attr-defined]


def _rows(content: bytes, sheet: str) -> list[list[Any]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return book.get_sheet_by_name(sheet).to_python()


# ---------------------------------------------------------------- the workbook kit


def test_the_workbook_kit_merges_headers_freezes_panes_and_sets_up_printing(
    tmp_path: Path,
) -> None:
    path = tmp_path / "kit.xlsx"
    columns = (
        Column("单位", 20),
        Column("得分", 9, "score", "1月"),
        Column("名次", 7, "int", "1月"),
        Column("比率", 9, "ratio"),
    )
    with workbook_open(path, big=True) as book:
        sheet_write(
            book,
            Sheet(
                name="测试/表",
                title="标题",
                subtitle="副标题",
                columns=columns,
                rows=[("甲", 85.025, 1, 0.123456), ("=1+1", None, 2, 1)],
            ),
        )
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("测试_表").to_python()
    assert rows[0][0] == "标题"
    assert rows[1][0] == "副标题"
    assert rows[2][:2] == ["单位", "1月"]  # a group header over its columns
    assert rows[3][1:3] == ["得分", "名次"]
    assert rows[4] == ["甲", 85.03, 1.0, 0.1235]  # published: 85.025 → 85.03 half up
    assert rows[5][0] == "=1+1"  # text, never a formula
    ws = openpyxl.load_workbook(path)["测试_表"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    # title and subtitle across all columns; 单位 and 比率 over both header rows; 1月 over two
    assert merged == {"A1:D1", "A2:D2", "A3:A4", "B3:C3", "D3:D4"}
    assert ws.freeze_panes == "B5"
    assert ws.print_title_rows == "$3:$4"
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.page_setup.fitToWidth in (None, 1)  # 1 is the default, left out of the XML
    assert ws.page_setup.fitToHeight == 0
    assert ws.column_dimensions["A"].width == pytest.approx(20.71, abs=0.01)
    assert ws["A5"].data_type == "s"
    assert ws["B5"].number_format == "0.00"


# ---------------------------------------------------------------- Excel exports


def test_the_ranking_workbook_holds_every_unit_of_the_month_as_published(
    demo: Demo, office: Client
) -> None:
    content = _get(office, f"/reports/ranking.xlsx?year={YEAR}&month={MONTH}")
    run = demo.run
    stored_categories = UnitMonthly.objects.filter(run=run).values_list("category", flat=True)
    categories = sorted({c for c in stored_categories if c})
    names = dict(Unit.objects.values_list("code", "name"))
    for category in categories:
        rows = _rows(content, f"{category} {YEAR}-{MONTH:02d}")
        assert rows[0][0] == f"{YEAR}年{MONTH}月 {category} 单位排名"
        assert rows[2][:4] == ["名次", "单位编号", "单位名称", "月度得分 S"]
        stored = list(
            UnitMonthly.objects.filter(run=run, month=MONTH, category=category).order_by(
                "rank", "unit_code"
            )
        )
        data = rows[3:]
        assert len(data) == len(stored)
        for line, unit in zip(data, stored, strict=True):
            assert line[0] == unit.rank
            assert line[1] == unit.unit_code
            assert line[2] == names[unit.unit_code or ""]
            assert line[3] == round_half_up(unit.score or 0.0, 2)
            assert line[4] == round_half_up(unit.coefficient or 0.0, 4)
            assert line[7] == unit.rank_n
        months = _rows(content, f"{category} 逐月")
        assert months[2][2] == "1月"
        assert months[3][2:4] == ["得分", "名次"]
        first = stored[0]
        line = next(r for r in months[4:] if r[0] == first.unit_code)
        # month MONTH's score and rank sit in columns 2 + 2·(MONTH−1) and the next
        assert line[2 + 2 * (MONTH - 1)] == round_half_up(first.score or 0.0, 2)
        assert line[3 + 2 * (MONTH - 1)] == first.rank


def test_the_annual_workbook_lists_every_grade(demo: Demo, office: Client) -> None:
    content = _get(office, f"/reports/annual.xlsx?year={YEAR}")
    rows = _rows(content, "干部")
    assert rows[2][5] == "构成"
    assert rows[3][5] == "月均得分"
    cadres = AnnualResult.objects.filter(run=demo.run, subject_type=s.SUBJECT_CADRE)
    assert len(rows) - 4 == cadres.count()
    some = cadres.exclude(grade="").order_by("subject_code").first()
    assert some is not None
    line = next(r for r in rows[4:] if r[2] == some.subject_code)
    assert line[3] == Cadre.objects.get(code=some.subject_code).name
    assert line[9] == round_half_up(some.score or 0.0, 2)
    assert line[10] == some.grade


def test_a_units_score_sheet_has_month_headers_and_each_cadres_finals(
    demo: Demo, office: Client
) -> None:
    content = _get(office, f"/reports/units/U001/scores.xlsx?year={YEAR}")
    rows = _rows(content, "干部成绩")
    stored = CadreMonthly.objects.filter(run=demo.run, unit_code="U001")
    codes = sorted({c for c in stored.values_list("cadre_code", flat=True) if c})
    assert [r[1] for r in rows[4:]] == codes
    one = stored.filter(month=MONTH).order_by("cadre_code").first()
    assert one is not None
    line = next(r for r in rows[4:] if r[1] == one.cadre_code)
    assert line[3 + 2 * (MONTH - 1)] == round_half_up(one.final or 0.0, 2)
    assert line[4 + 2 * (MONTH - 1)] == one.rank
    ws = openpyxl.load_workbook(io.BytesIO(content))["干部成绩"]
    assert "D3:E3" in {str(r) for r in ws.merged_cells.ranges}  # 1月 over 得分 and 名次
    assert ws.freeze_panes == "D5"


# ---------------------------------------------------------------- PDFs


def _pdf_text(pdf: bytes, tmp_path: Path) -> str:
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", path, tmp_path / "page"], check=True
    )
    png = next(tmp_path.glob("page*.png"))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 5000  # a drawn page, not a blank one
    fonts = subprocess.run(["pdffonts", path], check=True, capture_output=True, text=True).stdout
    lines = fonts.splitlines()[2:]
    assert any("Noto" in line and "CJK" in line.replace("-", " ") for line in lines), fonts
    assert all(" yes " in line for line in lines), fonts  # every font embedded
    return subprocess.run(
        ["pdftotext", "-layout", path, "-"], check=True, capture_output=True, text=True
    ).stdout


@needs_poppler
def test_the_unit_card_prints_in_chinese_with_its_charts(
    demo: Demo, office: Client, tmp_path: Path
) -> None:
    pdf = _get(office, f"/reports/units/U001/card.pdf?year={YEAR}")
    assert pdf.startswith(b"%PDF")
    text = _pdf_text(pdf, tmp_path)
    name = Unit.objects.get(code="U001").name
    assert f"{name} · {YEAR}年度考核成绩单" in text
    for words in (
        "月度得分与名次",
        "同类别平均",
        "类别内名次",
        "季度与半年得分",
        "领导班子年度得分",
    ):
        assert words in text, words
    score = UnitMonthly.objects.get(run=demo.run, unit_code="U001", month=MONTH).score
    assert f"{round_half_up(score or 0.0, 2):.2f}" in text


@needs_poppler
def test_the_cadre_card_prints_the_year_and_grade(
    demo: Demo, office: Client, tmp_path: Path
) -> None:
    annual = (
        AnnualResult.objects.filter(run=demo.run, subject_type=s.SUBJECT_CADRE)
        .exclude(grade=s.UNDETERMINED)
        .order_by("subject_code")
        .first()
    )
    assert annual is not None
    code = annual.subject_code or ""
    text = _pdf_text(_get(office, f"/reports/cadres/{code}/card.pdf?year={YEAR}"), tmp_path)
    assert Cadre.objects.get(code=code).name in text
    assert "年度考核成绩单" in text
    assert (annual.grade or "-") in text
    assert f"{round_half_up(annual.score or 0.0, 2):.2f}" in text


def test_a_units_card_counts_its_cadres_grades(demo: Demo) -> None:
    grades = unit_cadre_grades(demo.run)
    graded = AnnualResult.objects.filter(run=demo.run, subject_type=s.SUBJECT_CADRE)
    assert sum(sum(c.values()) for c in grades.values()) == graded.exclude(grade="").count()
    excellent = graded.filter(grade="优秀").count()
    assert sum(c.get("优秀", 0) for c in grades.values()) == excellent


def test_a_card_of_an_unknown_subject_is_not_found(demo: Demo, office: Client) -> None:
    assert office.get(f"/reports/units/NOPE/card.pdf?year={YEAR}").status_code == 404


def test_the_svg_chart_escapes_text_and_breaks_lines_at_missing_values() -> None:
    svg = svgchart.line_chart(
        ["1月", "2月", "3月", "4月"], [svgchart.Series("<甲>", [1.0, None, 3.0, 4.0])], title="t&t"
    )
    assert "&lt;甲&gt;" in svg
    assert "t&amp;t" in svg
    assert svg.count("<polyline") == 1  # 1月 alone, then 3月–4月: one line of two points
    assert svg.count("<circle") == 3


def test_the_notice_period_counts_five_working_days() -> None:
    # Friday 2027-01-08 → Fri, Mon 11, Tue 12, Wed 13, Thu 14: ends Thursday the 14th
    assert working_days_after(dt.date(2027, 1, 8), 5) == dt.date(2027, 1, 14)


# ---------------------------------------------------------------- background jobs


def _start(client: Client, capture: Callable[..., Any], **fields: str) -> ExportJob:
    with capture(execute=True):
        response = client.post(f"/reports/?year={YEAR}", {"year": str(YEAR), **fields})
    assert response.status_code == 302, response.content.decode()[:2000]
    return ExportJob.objects.order_by("-id").first()  # type: ignore[return-value]


def test_a_district_score_sheet_runs_in_the_background_with_progress(
    demo: Demo, office: Client, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    job = _start(office, django_capture_on_commit_callbacks, kind="scores")
    assert job.state == ExportJob.State.DONE, job.error
    assert job.progress == 100
    page = office.get("/reports/").content.decode()
    assert f'id="job-{job.pk}"' in page
    assert job.filename in page
    content = _get(office, f"/reports/jobs/{job.pk}/file/")
    rows = _rows(content, "干部成绩")
    assert len(rows) - 4 == len(
        set(CadreMonthly.objects.filter(run=demo.run).values_list("cadre_code", flat=True))
    )
    ws = openpyxl.load_workbook(io.BytesIO(content))["干部成绩"]
    assert ws.freeze_panes == "D5"  # written in constant-memory mode, formatting kept
    assert "A3:A4" in {str(r) for r in ws.merged_cells.ranges}
    # the jobs are the office's: anyone else is refused the job and its file
    assert _client("cadre").get(f"/reports/jobs/{job.pk}/file/").status_code == 403
    assert _client("cadre").get(f"/reports/jobs/{job.pk}/").status_code == 403
    # the file goes with its job
    stored = Path(job.file.path)
    assert stored.exists()
    job.delete()
    assert not stored.exists()


def test_the_pay_sheet_gives_every_share_to_the_cent(
    demo: Demo, office: Client, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    job = _start(office, django_capture_on_commit_callbacks, kind="pay")
    assert job.state == ExportJob.State.DONE, job.error
    rows = _rows(_get(office, f"/reports/jobs/{job.pk}/file/"), "绩效工资")
    months = demo.run.months or 0
    assert rows[2][3] == "月度金额"
    assert rows[3][3] == "1月"
    data = [r for r in rows[4:] if r[1]]
    shares = PayShare.objects.filter(run=demo.run)
    assert len(data) == len({(p.unit_code, p.cadre_code) for p in shares})
    one = shares.order_by("cadre_code", "month").first()
    assert one is not None
    line = next(r for r in data if r[1] == one.cadre_code)
    assert line[2 + (one.month or 0)] == float(one.amount or "")
    # each row's total is its months' sum, and all rows hold exactly the stored cents
    for r in data:
        assert round(sum(v for v in r[3 : 3 + months] if v != "") * 100) == round(r[-1] * 100)
    assert round(sum(r[-1] for r in data) * 100) == sum(p.cents or 0 for p in shares)


def test_a_job_in_progress_is_polled_until_done(demo: Demo, office: Client) -> None:
    job = ExportJob.objects.create(
        kind=ExportJob.Kind.ANNUAL,
        year=YEAR,
        run=demo.run,
        created_by=User.objects.get(username="office"),
        state=ExportJob.State.RUNNING,
        progress=40,
    )
    fragment = office.get(f"/reports/jobs/{job.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in fragment
    assert 'aria-valuenow="40"' in fragment
    job.state, job.progress = ExportJob.State.DONE, 100
    job.save()
    done = office.get(f"/reports/jobs/{job.pk}/")
    assert "hx-trigger" not in done.content.decode()
    assert done["HX-Refresh"] == "true"


@needs_poppler
def test_the_notice_and_every_unit_card_are_made_as_jobs(
    demo: Demo,
    office: Client,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    notice = _start(
        office,
        django_capture_on_commit_callbacks,
        kind="notice",
        start="2027-01-08",
        issuer="新区考核办",
    )
    assert notice.state == ExportJob.State.DONE, notice.error
    text = _pdf_text(_get(office, f"/reports/jobs/{notice.pk}/file/"), tmp_path / "n")
    assert f"关于{YEAR}年度考核等次的公示" in text
    assert "2027-01-08至2027-01-14" in "".join(text.split())
    assert "新区考核办" in text
    excellent = AnnualResult.objects.filter(
        run=demo.run, subject_type=s.SUBJECT_CADRE, grade="优秀"
    )
    for code in excellent.values_list("subject_code", flat=True):
        assert Cadre.objects.get(code=code).name in text
    cards = _start(office, django_capture_on_commit_callbacks, kind="unit_cards")
    assert cards.state == ExportJob.State.DONE, cards.error
    text = _pdf_text(_get(office, f"/reports/jobs/{cards.pk}/file/"), tmp_path / "c")
    for name in Unit.objects.values_list("name", flat=True):
        assert f"{name} · {YEAR}年度考核成绩单" in text


def test_cadre_cards_of_a_unit_come_as_a_zip(
    demo: Demo, office: Client, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    job = _start(office, django_capture_on_commit_callbacks, kind="cadre_cards", unit="U002")
    assert job.state == ExportJob.State.DONE, job.error
    archive = zipfile.ZipFile(io.BytesIO(_get(office, f"/reports/jobs/{job.pk}/file/")))
    codes = set(
        CadreMonthly.objects.filter(run=demo.run, unit_code="U002").values_list(
            "cadre_code", flat=True
        )
    )
    assert {n.split("-")[0] for n in archive.namelist()} == codes
    assert all(archive.read(n).startswith(b"%PDF") for n in archive.namelist())


def test_an_export_of_an_unknown_unit_is_refused_and_starts_nothing(
    demo: Demo, office: Client
) -> None:
    response = office.post(f"/reports/?year={YEAR}", {"kind": "scores", "unit": "U999"})
    assert response.status_code == 400
    assert "没有编号为 U999 的单位" in response.content.decode()
    assert not ExportJob.objects.exists()
    Run.objects.filter(pk=demo.run.pk).update(months=6)  # as a run through June (rolled back)
    response = office.post(f"/reports/?year={YEAR}", {"kind": "ranking", "month": 7})
    assert response.status_code == 400
    assert "该计算批次只计算到 6 月" in response.content.decode()
    assert not ExportJob.objects.exists()


def test_only_the_office_starts_district_exports(demo: Demo, db: None) -> None:
    cadre = _client("cadre")
    assert cadre.get("/reports/").status_code == 200
    assert cadre.post("/reports/", {"kind": "scores"}).status_code == 403
    assert Client().get("/reports/").status_code == 302


def test_the_pages_link_to_their_downloads(demo: Demo, office: Client) -> None:
    assert "/reports/ranking.xlsx" in office.get("/ranking/").content.decode()
    assert "/reports/annual.xlsx" in office.get("/annual/").content.decode()
    unit = office.get("/units/U001/").content.decode()
    assert "/reports/units/U001/card.pdf" in unit
    assert "/reports/units/U001/scores.xlsx" in unit
    cadre = CadreMonthly.objects.filter(run=demo.run).values_list("cadre_code", flat=True)[0]
    assert f"/reports/cadres/{cadre}/card.pdf" in office.get(f"/cadres/{cadre}/").content.decode()


# ---------------------------------------------------------------- what-if


def _counts(run: Run) -> dict[str, int]:
    return {name: m._default_manager.filter(run=run).count() for name, m in RESULT_MODELS.items()}


def test_what_if_reverses_a_ranking_and_leaves_the_published_results_alone(
    demo: Demo, office: Client, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    run = demo.run
    pair = {
        u.unit_code: u
        for u in UnitMonthly.objects.filter(run=run, month=MONTH, category="经济发展类")
    }
    u1, u2 = pair["U001"], pair["U002"]
    # published: S = raw × C; U001 93.71 × 1.07125 (tier 3) = 100.39 ranks 2nd behind
    # U002 92.64 × 1.16625 (tier 5) = 108.04. The draft drops the coefficient (formula "1"),
    # so S = raw and U001's 93.71 beats U002's 92.64.
    assert (u1.rank, u2.rank) == (2, 1)
    assert (u1.raw or 0) > (u2.raw or 0)
    before = _counts(run)
    scores = list(
        UnitMonthly.objects.filter(run=run).order_by("id").values_list("score", flat=True)
    )
    draft = run.plan_snapshot + '\ncoefficient:\n  formula: "1"\n'
    with django_capture_on_commit_callbacks(execute=True):
        response = office.post(
            f"/analytics/whatif/?year={YEAR}", {"year": YEAR, "month": MONTH, "plan_text": draft}
        )
    assert response.status_code == 302, response.content.decode()[:3000]
    job = ExportJob.objects.get(kind=ExportJob.Kind.WHATIF)
    assert job.state == ExportJob.State.DONE, job.error
    units = {u["code"]: u for u in job.result["units"]}
    assert (units["U001"]["rank"], units["U002"]["rank"]) == (2, 1)
    assert (units["U001"]["draft_rank"], units["U002"]["draft_rank"]) == (1, 2)
    assert units["U001"]["change"] == 1
    assert units["U002"]["change"] == -1
    assert units["U001"]["draft_score"] == round_half_up(u1.raw or 0.0, 2)
    assert job.result["data_changed"] is False
    assert job.result["grades_compared"] == AnnualResult.objects.filter(run=run).count()
    page = office.get(f"/analytics/whatif/{job.pk}/").content.decode()
    assert 'data-unit="U001"' in page
    assert _counts(run) == before
    after = list(UnitMonthly.objects.filter(run=run).order_by("id").values_list("score", flat=True))
    assert after == scores
    assert Run.objects.count() == 1


def test_a_bad_draft_plan_is_refused_with_its_path_and_starts_nothing(
    demo: Demo, office: Client
) -> None:
    draft = demo.run.plan_snapshot + "\ncoefficient:\n  lo: nope\n"
    response = office.post(
        f"/analytics/whatif/?year={YEAR}", {"year": YEAR, "month": MONTH, "plan_text": draft}
    )
    assert response.status_code == 400
    assert "coefficient.lo" in response.content.decode()
    assert not ExportJob.objects.exists()


def test_an_uploaded_draft_is_read_and_a_file_that_is_not_text_refused(
    demo: Demo, office: Client, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    url = f"/analytics/whatif/?year={YEAR}"
    binary = SimpleUploadedFile("草案.yaml", b"\xff\xfe\x00bad")
    response = office.post(url, {"month": MONTH, "plan_file": binary})
    assert response.status_code == 400
    assert "草案.yaml 不是 UTF-8 编码的文本" in response.content.decode()
    assert not ExportJob.objects.exists()
    # the stored plan itself, uploaded: nothing changes rank
    same = SimpleUploadedFile("plan.yaml", demo.run.plan_snapshot.encode())
    with django_capture_on_commit_callbacks(execute=True):
        response = office.post(url, {"month": MONTH, "plan_file": same, "plan_text": "ignored"})
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert job.state == ExportJob.State.DONE, job.error
    assert job.result["cadres_changed"] == 0
    assert job.result["grades_changed"] == 0
    assert all(u["change"] == 0 for u in job.result["units"])


def test_what_if_needs_the_office(demo: Demo, db: None) -> None:
    assert _client("cadre").get("/analytics/whatif/").status_code == 403
    assert _client("cadre").get("/analytics/").status_code == 403
