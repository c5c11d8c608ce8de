"""The result pages on a computed small demo district: they render, show the stored numbers as
published, explain them as ``kaohe explain`` does, answer htmx with fragments, need a login and
stay within a fixed number of queries whatever the district's size."""

from __future__ import annotations

import html
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pytest_django import DjangoAssertNumQueries, DjangoDbBlocker
from pytest_django import Settings as SettingsWrapper

from kaohe import cli
from kaohe.accounts.models import User
from kaohe.accounts.roles import CADRE, OFFICE, roles_ensure
from kaohe.collection.services import data_load, data_reset
from kaohe.core.demo import demo_plan_text
from kaohe.engine import schema as s
from kaohe.engine import write_tables
from kaohe.engine.numbers import format_fixed
from kaohe.org.models import Unit
from kaohe.plans.models import Plan
from kaohe.plans.services import plan_save
from kaohe.results.models import AnnualResult, BottomAction, CadreMonthly, Run, UnitMonthly
from kaohe.results.services import run_create, run_execute
from kaohe.web.explanation import subject_data
from kaohe.web.selectors.common import run_plan
from tests.web.conftest import YEAR, demo_frames

MONTH = 3


@dataclass(frozen=True)
class Demo:
    run: Run
    folder: Path  # the same data as CSV files, with plan.yaml: what `kaohe explain` reads
    unit: str
    cadre: str


@pytest.fixture(scope="module")
def demo(
    django_db_setup: None,
    django_db_blocker: DjangoDbBlocker,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Demo]:
    """A small demo district stored and computed once for the module (removed afterwards)."""
    with django_db_blocker.unblock():
        plan = plan_save(yaml_text=demo_plan_text(YEAR))
        frames = demo_frames(plan)
        folder = tmp_path_factory.mktemp("demo")
        write_tables(frames, folder, YEAR)
        (folder / "plan.yaml").write_text(plan.yaml, encoding="utf-8")
        data_load(frames=frames, year=YEAR, reason="test")
        run = run_execute(run_id=run_create(year=YEAR).pk)
        assert run.state == Run.State.DONE, run.error
        cadre = (
            CadreMonthly.objects.filter(run=run, month=MONTH, role=s.ROLE_STAFF)
            .order_by("cadre_code")
            .values_list("cadre_code", flat=True)
            .first()
        )
        assert cadre is not None
        groups = roles_ensure()
        for name, group in (("office", OFFICE), ("cadre", CADRE)):
            user = User.objects.create_user(username=name, password="x")
            user.groups.set([groups[group]])
        User.objects.create_user(username="nobody", password="x")
        yield Demo(run=run, folder=folder, unit="U001", cadre=cadre)
        Run.objects.all().delete()
        data_reset()
        Plan.objects.all().delete()
        Plan.history.all().delete()
        User.objects.all().delete()
        Group.objects.all().delete()


def _client(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


@pytest.fixture
def office(db: None, demo: Demo) -> Client:
    return _client("office")


def _text(client: Client, url: str, **headers: str) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return response.content.decode()


PAGES = [
    "/",
    "/ranking/",
    f"/units/U001/?month={MONTH}",
    "/annual/",
    "/actions/",
    "/training/",
]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_needs_a_login(demo: Demo, db: None, url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_a_user_without_a_role_sees_no_results(demo: Demo, db: None) -> None:
    assert _client("nobody").get("/").status_code == 403


def test_the_dashboard_shows_the_run_and_the_key_figures(demo: Demo, office: Client) -> None:
    page = _text(office, f"/?year={YEAR}&month={MONTH}")
    run = demo.run
    assert f"#{run.pk}" in page
    assert run.input_checksum[:10] in page
    assert run.engine_version in page
    scores = list(UnitMonthly.objects.filter(run=run, month=MONTH).values_list("score", flat=True))
    mean = sum(s for s in scores if s is not None) / len(scores)
    assert format_fixed(mean, 2) in page
    cadres = CadreMonthly.objects.filter(run=run, month=MONTH, final__isnull=False).count()
    assert f'<span class="value">{cadres}</span>' in page
    actions = BottomAction.objects.filter(run=run).count()
    assert f'<span class="value">{actions}</span>' in page
    for chart in ("chart-trend", "chart-bars", "chart-histogram"):
        assert f'id="{chart}"' in page
    assert 'id="chart-data"' in page
    assert "/static/vendor/echarts.min.js" in page


def test_the_ranking_lists_a_category_with_published_numbers_and_links(
    demo: Demo, office: Client
) -> None:
    row = UnitMonthly.objects.get(run=demo.run, unit_code=demo.unit, month=MONTH)
    category = row.category or ""
    page = _text(office, f"/ranking/?year={YEAR}&month={MONTH}&category={category}")
    assert format_fixed(row.score, 2) in page
    assert format_fixed(row.coefficient, 4) in page
    assert f"/units/{demo.unit}/?year={YEAR}&amp;month={MONTH}#explain" in page
    assert f"{row.rank}/{row.rank_n}" in page


def test_htmx_gets_only_the_ranking_table(demo: Demo, office: Client) -> None:
    response = office.get(f"/ranking/?year={YEAR}&month=2", headers={"HX-Request": "true"})
    fragment = response.content.decode()
    assert fragment.startswith('<div id="ranking">')
    assert "<html" not in fragment
    assert "HX-Request" in response["Vary"]


def test_the_unit_card_shows_the_scorecard_and_the_explanation(demo: Demo, office: Client) -> None:
    page = _text(office, f"/units/{demo.unit}/?year={YEAR}&month={MONTH}")
    row = UnitMonthly.objects.get(run=demo.run, unit_code=demo.unit, month=MONTH)
    assert f'<span class="value" id="unit-score">{format_fixed(row.score, 2)}</span>' in page
    assert 'id="scorecard"' in page
    assert "Tv" in page
    lines = subject_data(demo.run, "unit", demo.unit, MONTH).lines(
        run_plan(demo.run), demo.unit, MONTH
    )
    for line in lines:
        assert f"<li>{html.escape(line)}</li>" in page
    for period in ("2026-Q1", "2026-H1"):
        assert period in page


def _kaohe_explain(demo: Demo, subject: str, capsys: pytest.CaptureFixture[str]) -> list[str]:
    code = cli.main(
        [
            "explain",
            "--plan",
            str(demo.folder / "plan.yaml"),
            "--data",
            str(demo.folder),
            "--subject",
            subject,
            "--month",
            f"{YEAR}-{MONTH:02d}",
        ]
    )
    assert code == 0
    return capsys.readouterr().out.splitlines()


@pytest.mark.parametrize("kind", ["unit", "cadre"])
def test_the_explanation_from_the_database_is_what_kaohe_explain_prints(
    demo: Demo, db: None, kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    subject = demo.unit if kind == "unit" else demo.cadre
    expected = _kaohe_explain(demo, subject, capsys)
    got = subject_data(demo.run, kind, subject, MONTH).lines(  # type: ignore[arg-type]
        run_plan(demo.run), subject, MONTH
    )
    assert len(got) > 5
    assert got == expected


def test_the_cadre_page_shows_months_ranks_periods_and_the_year(demo: Demo, office: Client) -> None:
    page = _text(office, f"/cadres/{demo.cadre}/?year={YEAR}&month={MONTH}")
    row = CadreMonthly.objects.get(run=demo.run, cadre_code=demo.cadre, month=MONTH)
    assert f'<span class="value" id="cadre-final">{format_fixed(row.final, 2)}</span>' in page
    assert f"{row.rank}/{row.rank_n}" in page
    assert 'data-chart="rankscore"' in page
    annual = AnnualResult.objects.get(
        run=demo.run, subject_type=s.SUBJECT_CADRE, subject_code=demo.cadre
    )
    assert format_fixed(annual.score, 2) in page
    assert "2026-Q4" in page
    assert f"Cadre {demo.cadre}, {YEAR}-{MONTH:02d}" in page


def test_htmx_gets_only_a_cadres_explanation_of_another_month(demo: Demo, office: Client) -> None:
    fragment = _text(office, f"/cadres/{demo.cadre}/?year={YEAR}&month=5", **{"HX-Request": "true"})
    assert fragment.startswith('<div id="cadre-explain">')
    assert f"Cadre {demo.cadre}, {YEAR}-05" in fragment
    assert "<html" not in fragment


def test_unknown_subjects_are_not_found(demo: Demo, office: Client) -> None:
    assert office.get("/units/NOPE/").status_code == 404
    assert office.get("/cadres/NOPE/").status_code == 404


def test_annual_results_show_quota_use_undetermined_and_filters(demo: Demo, office: Client) -> None:
    page = _text(office, f"/annual/?year={YEAR}")
    assert "优秀名额使用情况" in page
    for grade in AnnualResult.objects.filter(run=demo.run).values_list("grade", flat=True):
        assert (grade or "") in page
    staff = _text(office, f"/annual/?year={YEAR}&type=cadre&unit={demo.unit}")
    cadres = set(
        CadreMonthly.objects.filter(run=demo.run, unit_code=demo.unit, month=12).values_list(
            "cadre_code", flat=True
        )
    )
    shown = AnnualResult.objects.filter(
        run=demo.run, subject_type=s.SUBJECT_CADRE, subject_code__in=cadres
    )
    assert f"共 {shown.count()} 个对象" in staff
    fragment = _text(office, f"/annual/?year={YEAR}&grade=称职", **{"HX-Request": "true"})
    assert fragment.startswith('<div id="annual-results">')


def test_bottom_actions_of_a_period(demo: Demo, office: Client) -> None:
    period = f"{YEAR}-Q1"
    page = _text(office, f"/actions/?year={YEAR}&period={period}")
    rows = BottomAction.objects.filter(run=demo.run, period=period)
    assert rows.exists()
    for action in rows:
        assert f"{action.rank}/{action.n}" in page
        assert (action.due or "") in page
        assert format_fixed(action.score, 2) in page


def test_training_needs_by_tag_and_who(demo: Demo, office: Client) -> None:
    page = _text(office, f"/training/?year={YEAR}")
    assert "薄弱能力标签" in page
    fragment = _text(office, f"/training/?year={YEAR}&tag=经济发展", **{"HX-Request": "true"})
    assert fragment.startswith('<div id="training-needs">')


# Queries per page, counted on the demo (6 units, 60 cadres), on a first request: each table
# shown costs one or two queries whatever the number of rows; five of them are the session, the
# user, the audit stamp, its roles and the unread notifications (the header's bell); the
# dashboard and the unit card read the month's publication (one more query). The stamp keys what
# is kept until the next audited change (kaohe/web/cache.py): the roles, the run and years shown,
# and, for the four pages whose body is kept, whether data changed after the run (one more) and
# the body; the next request asks the header's four only (test_a_kept_page_asks_only_…).
QUERY_BUDGET = {
    "/": 18,  # + run, years, unit scores and names, finals, trend, vetoes (3), actions, month
    "/ranking/": 11,  # + run, years, both months' rows, names
    f"/units/U001/?month={MONTH}": 24,  # + 5 input and 3 result tables, periods, year, cadres,
    # the month, the close's overrides (the team's published grade)
    "/annual/": 16,  # + the close's overrides, quota groups, grades, count and page,
    # undetermined, names, units
    "/actions/": 12,  # + periods, rows, names, owners, follow-up actions, the month
    "/training/": 12,  # + summary, count and page, names
}


@pytest.mark.parametrize(("url", "budget"), QUERY_BUDGET.items())
def test_pages_take_a_fixed_number_of_queries(
    demo: Demo,
    office: Client,
    django_assert_max_num_queries: DjangoAssertNumQueries,
    url: str,
    budget: int,
) -> None:
    with django_assert_max_num_queries(budget):
        assert office.get(url).status_code == 200


def test_the_cadre_page_takes_a_fixed_number_of_queries(
    demo: Demo, office: Client, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    # 17 for the page (one the close's overrides for the published grade), 3 for the follow-up
    # (override, ladder, its records), one for the unread notifications of the header's bell, 2
    # for the kept body's key
    with django_assert_max_num_queries(23):
        assert office.get(f"/cadres/{demo.cadre}/?month={MONTH}").status_code == 200


def test_pages_render_in_english_with_the_language_cookie(demo: Demo, office: Client) -> None:
    office.cookies["django_language"] = "en"
    page = _text(office, f"/units/{demo.unit}/?year={YEAR}&month={MONTH}")
    assert '<html lang="en">' in page
    assert "Unit report card" in page
    assert "How this score was made" in page
    dashboard = _text(office, "/")
    assert "Dashboard" in dashboard
    assert "单位平均得分" not in dashboard


def test_the_language_switch_sets_the_cookie(demo: Demo, office: Client) -> None:
    response = office.post("/i18n/setlang/", {"language": "en", "next": "/ranking/"})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"
    assert "Ranking" in _text(office, "/ranking/")


def test_a_kept_body_is_served_again_with_fewer_queries(demo: Demo, office: Client) -> None:
    url = f"/units/{demo.unit}/?year={YEAR}&month={MONTH}"
    with CaptureQueriesContext(connection) as first:
        page = _text(office, url)
    with CaptureQueriesContext(connection) as again:
        kept = _text(office, url)
    assert _main(kept) == _main(page)
    assert len(again) < len(first) / 2  # the header's few, the key's two; no result tables


def test_a_kept_page_asks_only_the_headers_four_queries(demo: Demo, office: Client) -> None:
    url = f"/units/{demo.unit}/?year={YEAR}&month={MONTH}"
    _text(office, url)
    with CaptureQueriesContext(connection) as again:
        _text(office, url)
    # the session, the user, the audit stamp and the bell's unread count; the run, the years,
    # the import check and the roles are kept for the stamp (kaohe/web/cache.py)
    tables = [q["sql"].split(" FROM ", 1)[1].split()[0].strip('"') for q in again]
    assert tables == [
        "django_session",
        "accounts_user",
        "audit_auditevent",
        "cycle_notification",
    ], tables


def test_a_role_taken_away_is_seen_at_the_next_request(demo: Demo, office: Client) -> None:
    assert office.get("/ranking/").status_code == 200
    assert office.get("/ranking/").status_code == 200  # the scope is now kept for the stamp
    user = User.objects.get(username="office")
    user.groups.clear()  # audited: a new stamp, so the kept scope is not used again
    assert office.get("/ranking/").status_code == 403


def test_a_new_run_is_shown_at_the_next_request(demo: Demo, office: Client) -> None:
    before = _text(office, "/")
    newer = run_create(year=YEAR, through_month=MONTH)  # audited: a new stamp
    run_execute(run_id=newer.pk)
    after = _text(office, "/")
    assert f"<strong>#{newer.pk}</strong>" in after
    assert f"<strong>#{newer.pk}</strong>" not in before


def test_a_kept_body_is_rendered_again_after_any_change(demo: Demo, office: Client) -> None:
    url = f"/units/{demo.unit}/?year={YEAR}&month={MONTH}"
    unit = Unit.objects.get(code=demo.unit)
    assert unit.name in _text(office, url)
    old_name = unit.name
    unit.name = "改名后的单位"  # an audited write: the latest audit event is part of the key
    unit.save()
    try:
        assert "改名后的单位" in _text(office, url)
    finally:
        unit.name = old_name
        unit.save()


def test_pages_are_rendered_every_time_when_the_cache_is_off(
    demo: Demo, office: Client, settings: SettingsWrapper
) -> None:
    settings.KAOHE_PAGE_CACHE_SECONDS = 0
    url = f"/units/{demo.unit}/?year={YEAR}&month={MONTH}"
    with CaptureQueriesContext(connection) as first:
        _text(office, url)
    with CaptureQueriesContext(connection) as again:
        _text(office, url)
    assert len(again) == len(first)  # nothing kept: the second request reads what the first did


def _main(page: str) -> str:
    """The page between its header and its end (the header holds the per-request CSRF token)."""
    return page[page.index("<main") :]
