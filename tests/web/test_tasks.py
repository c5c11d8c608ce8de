"""Task decomposition, section task results and the monthly reconciliation (kaohe/tasks):
services (validation, upsert, lock refusal, who rates whom) and pages, on a small hand-built
unit: a principal, a leader, two staff in section S1 (one its chief's), one in S2."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from pytest_django import Settings as SettingsWrapper

from kaohe.accounts.models import Role, User
from kaohe.accounts.services import role_assign
from kaohe.collection.models import IndicatorResult, MonthlyRecord, Task
from kaohe.cycle.guard import MonthLockedError
from kaohe.cycle.models import Period
from kaohe.cycle.uploads import accepted_suffixes
from kaohe.org.models import Assignment, Cadre, Post, Section, Unit
from kaohe.plans.models import Plan
from kaohe.tasks import permissions, services
from kaohe.tasks.models import Milestone, PostTask, Report
from kaohe.tasks.services import LineInput, ResultInput, TaskInput
from tests.web.conftest import YEAR
from tests.web.cycle_factories import period_at

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings: SettingsWrapper, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


@dataclass
class Org:
    unit: Unit
    other: Unit
    s1: Section
    s2: Section
    posts: dict[str, Post]
    cadres: dict[str, Cadre]
    users: dict[str, User]

    def client(self, name: str) -> Client:
        c = Client()
        c.force_login(self.users[name])
        return c


@pytest.fixture
def org(plan: Plan) -> Org:
    return make_org(plan)


def make_org(plan: Plan) -> Org:
    """The unit U1 (sections S1, S2; posts P1–P5 held by C1–C5) and U2 (section S9), with the
    accounts office, head (C1), chief (of S1, C3), staff (C4), leader (C2), other_head (U2);
    every password ``x``."""
    category = next(iter(plan.parsed().categories))
    unit = Unit.objects.create(code="U1", name="发展改革局", category=category)
    other = Unit.objects.create(code="U2", name="财政局", category=category)
    s1 = Section.objects.create(code="S1", unit=unit, name="综合科")
    s2 = Section.objects.create(code="S2", unit=unit, name="规划科")
    Section.objects.create(code="S9", unit=other, name="预算科")
    roles = {
        "P1": ("principal", None),
        "P2": ("leader", None),
        "P3": ("staff", s1),  # the chief's own post
        "P4": ("staff", s1),
        "P5": ("staff", s2),
    }
    posts, cadres = {}, {}
    for i, (code, (role, section)) in enumerate(roles.items(), start=1):
        posts[code] = Post.objects.create(
            code=code, unit=unit, section=section, name=f"岗位{i}", role=role
        )
        cadres[code] = Cadre.objects.create(code=f"C{i}", name=f"干部{i}", personnel_type="公务员")
        Assignment.objects.create(cadre=cadres[code], post=posts[code], start=dt.date(2020, 1, 1))
    users = {
        "office": User.objects.create_user("office", password="x"),
        "head": User.objects.create_user("head", password="x", cadre=cadres["P1"]),
        "chief": User.objects.create_user("chief", password="x", cadre=cadres["P3"]),
        "staff": User.objects.create_user("staff", password="x", cadre=cadres["P4"]),
        "leader": User.objects.create_user("leader", password="x", cadre=cadres["P2"]),
        "other_head": User.objects.create_user("other_head", password="x"),
    }
    role_assign(user=users["office"], role=Role.OFFICE)
    role_assign(user=users["head"], role=Role.UNIT_HEAD, unit=unit)
    role_assign(user=users["chief"], role=Role.SECTION_CHIEF, section=s1)
    role_assign(user=users["chief"], role=Role.CADRE)
    role_assign(user=users["staff"], role=Role.CADRE)
    role_assign(user=users["leader"], role=Role.CADRE)
    role_assign(user=users["other_head"], role=Role.UNIT_HEAD, unit=other)
    return Org(unit, other, s1, s2, posts, cadres, users)


def _task(org: Org, method: str = "completion", **extra: object) -> Task:
    data = TaskInput(section=org.s1, name="重点项目", weight=40.0, method=method, **extra)  # type: ignore[arg-type]
    return services.task_save(unit=org.unit, year=YEAR, data=data)


def _text(response: object) -> str:
    assert response.status_code == 200  # type: ignore[attr-defined]
    return html.unescape(response.content.decode())  # type: ignore[attr-defined]


# --- section tasks


def test_task_codes_follow_the_section_and_count_up(org: Org) -> None:
    first, second = _task(org), _task(org, "rating")
    assert (first.code, second.code) == ("S1-T01", "S1-T02")
    assert Task.objects.get(code="S1-T02").method == "rating"


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"weight": 0.0}, "weight"),
        ({"method": "rank"}, "method"),
        ({"method": "rating", "direction": "lower_is_better"}, "direction"),
        ({"method": "completion", "points_per_occurrence": 1.0}, "points_per_occurrence"),
        ({"method": "deduction", "points_per_occurrence": -1.0}, "points_per_occurrence"),
        ({"indicator": "no-such-indicator"}, "indicator"),
        ({"name": " "}, "name"),
    ],
)
def test_a_task_is_refused_with_the_field_named(
    org: Org, fields: dict[str, object], named: str
) -> None:
    values: dict[str, object] = {"section": org.s1, "name": "任务", "weight": 10.0}
    values |= {"method": "completion"} | fields
    with pytest.raises(ValidationError) as refused:
        services.task_save(unit=org.unit, year=YEAR, data=TaskInput(**values))  # type: ignore[arg-type]
    assert named in refused.value.message_dict
    assert not Task.objects.exists()


def test_a_task_of_another_units_section_is_refused(org: Org) -> None:
    data = TaskInput(section=org.s1, name="x", weight=1.0, method="completion")
    with pytest.raises(ValidationError):
        services.task_save(unit=org.other, year=YEAR, data=data)


def test_a_task_with_a_locked_result_keeps_its_scoring_and_stays(org: Org) -> None:
    task = _task(org)
    IndicatorResult.objects.create(
        year=YEAR, subject_code="S1", indicator=task.code, month=1, actual=1, target=2
    )
    period_at(1, Period.State.LOCKED)
    renamed = TaskInput(section=org.s1, name="新名称", weight=40.0, method="completion")
    assert services.task_save(unit=org.unit, year=YEAR, data=renamed, task=task).name == "新名称"
    heavier = TaskInput(section=org.s1, name="新名称", weight=50.0, method="completion")
    with pytest.raises(MonthLockedError):
        services.task_save(unit=org.unit, year=YEAR, data=heavier, task=task)
    with pytest.raises(MonthLockedError):
        services.task_delete(task=task)
    task.refresh_from_db()
    assert task.weight == 40.0
    assert IndicatorResult.objects.filter(indicator=task.code).count() == 1


def test_deleting_a_task_removes_its_results_and_milestones(org: Org) -> None:
    task = _task(org, "milestones")
    services.milestone_add(task=task, month=2, description="立项")
    IndicatorResult.objects.create(
        year=YEAR, subject_code="S1", indicator=task.code, month=2, milestones_due=1,
        milestones_done=0,
    )  # fmt: skip
    services.task_delete(task=task)
    assert not Task.objects.exists()
    assert not IndicatorResult.objects.exists()
    assert not Milestone.objects.exists()


# --- post tasks


def test_a_post_task_for_several_months_at_once_and_last_month_copied(org: Org) -> None:
    made = services.post_task_add(
        post=org.posts["P4"], year=YEAR, months=[3, 4, 5], name="信息报送"
    )
    assert [p.month for p in made] == [3, 4, 5]
    services.post_task_add(post=org.posts["P5"], year=YEAR, months=[5], name="规划编制")
    copied = services.post_tasks_copy(
        posts=list(org.posts.values()), year=YEAR, from_month=5, to_month=6
    )
    assert copied == 2
    # copying again copies nothing twice
    assert (
        services.post_tasks_copy(
            posts=list(org.posts.values()), year=YEAR, from_month=5, to_month=6
        )
        == 0
    )
    assert sorted(PostTask.objects.filter(month=6).values_list("name", flat=True)) == [
        "信息报送",
        "规划编制",
    ]


def test_a_locked_month_refuses_post_tasks_milestones_and_copies(org: Org) -> None:
    task = _task(org, "milestones")
    services.post_task_add(post=org.posts["P4"], year=YEAR, months=[1], name="x")
    period_at(2, Period.State.LOCKED)
    with pytest.raises(MonthLockedError):
        services.post_task_add(post=org.posts["P4"], year=YEAR, months=[1, 2], name="y")
    with pytest.raises(MonthLockedError):
        services.milestone_add(task=task, month=2, description="z")
    with pytest.raises(MonthLockedError):
        services.post_tasks_copy(posts=[org.posts["P4"]], year=YEAR, from_month=1, to_month=2)
    assert PostTask.objects.count() == 1  # all or nothing: not even month 1 of "y"
    assert not Milestone.objects.exists()
    # and past the services (the admin, a shell): the model refuses a locked month's row
    with pytest.raises(MonthLockedError):
        PostTask.objects.create(post=org.posts["P4"], year=YEAR, month=2, name="z")
    period_at(1, Period.State.LOCKED)
    with pytest.raises(MonthLockedError):
        PostTask.objects.get().delete()


# --- section results


def test_results_are_upserted_by_natural_key_with_the_methods_fields(org: Org) -> None:
    completion = _task(org)
    rating = _task(org, "rating")
    deduction = _task(org, "deduction", points_per_occurrence=2.0)
    milestones = _task(org, "milestones")
    a = services.milestone_add(task=milestones, month=3, description="a")
    services.milestone_add(task=milestones, month=3, description="b")
    services.milestone_add(task=milestones, month=4, description="next month")
    entries = {
        completion.pk: ResultInput(actual=8, target=10),
        rating.pk: ResultInput(level="良"),
        deduction.pk: ResultInput(occurrences=1),
        milestones.pk: ResultInput(ticked=frozenset({a.pk})),
    }
    chief = org.users["chief"]
    assert (
        services.section_results_save(
            section=org.s1, year=YEAR, month=3, entries=entries, user=chief
        )
        == 4
    )
    entries[completion.pk] = ResultInput(actual=9, target=10)
    entries[rating.pk] = ResultInput()  # blank: keeps what it had
    services.section_results_save(section=org.s1, year=YEAR, month=3, entries=entries, user=chief)
    rows = {r.indicator: r for r in IndicatorResult.objects.filter(subject_code="S1", month=3)}
    assert len(rows) == 4
    assert (rows[completion.code].actual, rows[completion.code].target) == (9, 10)
    assert rows[rating.code].level == "良"
    assert rows[deduction.code].occurrences == 1
    # due = the task's milestones of month 3 (2, not the April one), done = the ticked one
    assert (rows[milestones.code].milestones_due, rows[milestones.code].milestones_done) == (2, 1)
    assert rows[completion.code].scorer_code == "C3"  # the chief's cadre


@pytest.mark.parametrize(
    ("method", "entry"),
    [
        ("completion", ResultInput(actual=8)),
        ("completion", ResultInput(actual=8, target=0)),
        ("rating", ResultInput(level="较好")),
        ("deduction", ResultInput(occurrences=-1)),
    ],
)
def test_a_bad_result_refuses_the_whole_form_naming_the_task(
    org: Org, method: str, entry: ResultInput
) -> None:
    good, bad = _task(org), _task(org, method)
    entries = {good.pk: ResultInput(actual=1, target=2), bad.pk: entry}
    with pytest.raises(ValidationError) as refused:
        services.section_results_save(
            section=org.s1, year=YEAR, month=3, entries=entries, user=None
        )
    assert bad.code in refused.value.message_dict
    assert not IndicatorResult.objects.exists()


def test_results_of_a_locked_month_are_refused(org: Org) -> None:
    task = _task(org)
    period_at(3, Period.State.LOCKED)
    with pytest.raises(MonthLockedError):
        services.section_results_save(
            section=org.s1,
            year=YEAR,
            month=3,
            entries={task.pk: ResultInput(actual=1, target=2)},
            user=None,
        )
    assert not IndicatorResult.objects.exists()


# --- who rates whom


def test_who_rates_whom(org: Org) -> None:
    p, u = org.posts, org.users
    can = permissions.can_rate
    # staff in a section: their section's chief (and the office), not the unit head
    assert can(u["chief"], p["P4"], "C4")
    assert can(u["office"], p["P4"], "C4")
    assert not can(u["head"], p["P4"], "C4")
    assert not can(u["chief"], p["P5"], "C5")  # another section's staff
    # leaders: the principal (the unit head), not a section chief, not another unit's head
    assert can(u["head"], p["P2"], "C2")
    assert not can(u["chief"], p["P2"], "C2")
    assert not can(u["other_head"], p["P2"], "C2")
    # principals: the district (the office) only
    assert can(u["office"], p["P1"], "C1")
    assert not can(u["head"], p["P1"], "C1")
    # nobody rates themselves: the chief is staff of their own section
    assert not can(u["chief"], p["P3"], "C3")
    assert not can(u["staff"], p["P4"], "C4")


# --- the monthly reconciliation


def _submit(org: Org, code: str = "P4", month: int = 3) -> Report:
    tasks = services.post_task_add(
        post=org.posts[code], year=YEAR, months=[month], name="信息报送"
    ) + services.post_task_add(post=org.posts[code], year=YEAR, months=[month], name="会议纪要")
    cadre = Cadre.objects.get(assignments__post=org.posts[code])
    return services.report_submit(
        cadre=cadre,
        year=YEAR,
        month=month,
        lines=[LineInput(tasks[0], "done", "按时"), LineInput(tasks[1], "partly", "缺一篇")],
        files=[SimpleUploadedFile("证明.pdf", PDF)],
    )


def test_a_rating_sets_only_the_level_and_rater_of_the_month(org: Org) -> None:
    MonthlyRecord.objects.create(year=YEAR, cadre=org.cadres["P4"], month=3, lates=2, goals_set=4)
    report = _submit(org)
    assert [line.status for line in report.lines.all()] == ["done", "partly"]
    assert report.files.get().name == "证明.pdf"
    services.report_rate(report=report, level="良", comment="较好", user=org.users["chief"])
    record = MonthlyRecord.objects.get(cadre=org.cadres["P4"], month=3)
    assert (record.level, record.rater_code, record.lates, record.goals_set) == ("良", "C3", 2, 4)
    report.refresh_from_db()
    assert (report.state, report.comment) == (Report.State.RATED, "较好")
    # a rated month is not submitted again
    with pytest.raises(services.TasksError):
        _submit_again(org, report)


def _submit_again(org: Org, report: Report) -> None:
    lines = [LineInput(t, "done") for t in PostTask.objects.filter(post=report.post, month=3)]
    services.report_submit(cadre=report.cadre, year=YEAR, month=3, lines=lines)


def test_a_rating_creates_the_record_when_missing_and_refuses_outsiders(org: Org) -> None:
    report = _submit(org, "P2")  # a leader: the unit head rates
    with pytest.raises(services.TasksError):
        services.report_rate(report=report, level="优", comment="", user=org.users["chief"])
    with pytest.raises(ValidationError):
        services.report_rate(report=report, level="较好", comment="", user=org.users["head"])
    services.report_rate(report=report, level="优", comment="", user=org.users["head"])
    record = MonthlyRecord.objects.get(cadre=org.cadres["P2"], month=3)
    assert (record.level, record.rater_code, record.lates) == ("优", "C1", None)


def test_a_report_must_answer_every_post_task_and_files_are_checked(org: Org) -> None:
    tasks = services.post_task_add(post=org.posts["P4"], year=YEAR, months=[3], name="a")
    services.post_task_add(post=org.posts["P4"], year=YEAR, months=[3], name="b")
    cadre = org.cadres["P4"]
    with pytest.raises(ValidationError):
        services.report_submit(cadre=cadre, year=YEAR, month=3, lines=[LineInput(tasks[0], "done")])
    every = [LineInput(t, "done") for t in PostTask.objects.filter(month=3)]
    renamed = SimpleUploadedFile("evil.pdf", b"MZ\x90\x00 not a pdf")
    with pytest.raises(ValidationError) as refused:
        services.report_submit(cadre=cadre, year=YEAR, month=3, lines=every, files=[renamed])
    assert "files" in refused.value.message_dict
    assert not Report.objects.exists()


def test_a_locked_month_refuses_reports_and_ratings(org: Org) -> None:
    report = _submit(org)
    period_at(3, Period.State.LOCKED)
    with pytest.raises(MonthLockedError):
        services.report_rate(report=report, level="优", comment="", user=org.users["chief"])
    with pytest.raises(MonthLockedError):
        _submit_again(org, report)
    assert not MonthlyRecord.objects.exists()


# --- pages


def test_the_head_decomposes_on_the_unit_page(org: Org) -> None:
    head = org.client("head")
    url = reverse("tasks:task_save", kwargs={"code": "U1"})
    body = {"year": YEAR, "month": 3, "section": org.s1.pk, "name": "招商引资", "weight": "30",
            "method": "deduction", "points_per_occurrence": "0.5"}  # fmt: skip
    assert head.post(url, body).status_code == 302
    task = Task.objects.get()
    assert (task.code, task.points_per_occurrence) == ("S1-T01", 0.5)
    bad = body | {"method": "rating"}
    refused = head.post(url, bad, follow=True)
    assert "每次扣分：每次扣分只用于扣分法。" in _text(refused)
    services.milestone_add(task=task, month=3, description="签约两个项目")
    services.post_task_add(post=org.posts["P5"], year=YEAR, months=[3], name="编制规划")
    unit_url = reverse("tasks:unit", kwargs={"code": "U1"})
    page = _text(head.get(unit_url, {"year": YEAR, "month": 3}))
    assert '<span class="badge">2026-03</span> 签约两个项目' in page
    assert "编制规划" in page
    assert page.count("本月无岗位任务") == 4  # P1–P4 held, no post task in March
    assert "招商引资" in page
    assert "S1-T01" in page
    # a section chief opens the page but does not decompose; another unit's head does neither
    assert org.client("chief").post(url, body).status_code == 403
    assert (
        org.client("other_head").get(reverse("tasks:unit", kwargs={"code": "U1"})).status_code
        == 403
    )


def test_a_chief_manages_post_tasks_of_their_own_section_only(org: Org) -> None:
    chief = org.client("chief")
    url = reverse("tasks:post_task_save", kwargs={"code": "U1"})
    mine = {"year": YEAR, "month": 3, "post": org.posts["P4"].pk, "name": "周报", "months": [3, 4]}
    assert chief.post(url, mine).status_code == 302
    assert PostTask.objects.filter(post=org.posts["P4"]).count() == 2
    theirs = mine | {"post": org.posts["P5"].pk}
    assert chief.post(url, theirs).status_code == 403
    copy = reverse("tasks:post_tasks_copy", kwargs={"code": "U1"})
    assert chief.post(copy, {"year": YEAR, "month": 5}).status_code == 302
    assert PostTask.objects.filter(month=5, post=org.posts["P4"]).count() == 1


def test_the_results_form_writes_the_months_results(org: Org) -> None:
    task = _task(org)
    chief = org.client("chief")
    url = reverse("tasks:results", kwargs={"code": "U1"})
    page = _text(chief.get(url, {"year": YEAR, "month": 3}))
    assert "重点项目" in page
    assert "规划科" not in page
    body = {"year": YEAR, "month": 3, "section": "S1", f"t{task.pk}-actual": "7",
            f"t{task.pk}-target": "10"}  # fmt: skip
    assert chief.post(url, body).status_code == 302
    assert IndicatorResult.objects.get().actual == 7
    assert chief.post(url, body | {"section": "S2"}).status_code == 403
    period_at(3, Period.State.LOCKED)
    page = _text(chief.post(url, body | {f"t{task.pk}-actual": "9"}, follow=True))
    assert "2026-03 已锁定，未作任何修改" in page
    assert IndicatorResult.objects.get().actual == 7


def test_the_cadre_reports_on_a_phone_the_rater_rates_the_cadre_reads(org: Org) -> None:
    services.post_task_add(post=org.posts["P4"], year=YEAR, months=[3], name="信息报送")
    task = PostTask.objects.get()
    staff = org.client("staff")
    url = reverse("tasks:report")
    page = _text(staff.get(url, {"year": YEAR, "month": 3}))
    assert 'name="viewport"' in page or "viewport" in page
    assert "信息报送" in page
    assert 'type="radio"' in page
    assert f'accept="{accepted_suffixes()}"' in page  # the types the check accepts, one list
    assert 'href="/tasks/ratings/' not in page  # a cadre rates nobody: no link to rating
    body = {"year": YEAR, "month": 3, f"s{task.pk}": "done", f"n{task.pk}": "已报送",
            "files": SimpleUploadedFile("证明.pdf", PDF)}  # fmt: skip
    assert staff.post(url, body).status_code == 302
    report = Report.objects.get()
    ratings = _text(org.client("chief").get(reverse("tasks:ratings"), {"year": YEAR, "month": 3}))
    assert "干部4" in ratings
    assert "已报送" in ratings
    assert "干部4" not in _text(
        org.client("head").get(reverse("tasks:ratings"), {"year": YEAR, "month": 3})
    )
    file_url = reverse("tasks:report_file", kwargs={"file_id": report.files.get().pk})
    assert org.client("chief").get(file_url).status_code == 200
    assert org.client("leader").get(file_url).status_code == 403  # another cadre
    rate = reverse("tasks:rate", kwargs={"report_id": report.pk})
    assert org.client("head").post(rate, {"level": "优"}).status_code == 403
    assert staff.post(rate, {"level": "优"}).status_code == 403  # not oneself
    assert org.client("chief").post(rate, {"level": "中", "comment": "需加强"}).status_code == 302
    page = _text(staff.get(url, {"year": YEAR, "month": 3}))
    assert "中" in page
    assert "需加强" in page
    assert MonthlyRecord.objects.get().level == "中"
    # the office: principals by default, a unit's people when it asks for the unit
    office = org.client("office")
    shown = _text(office.get(reverse("tasks:ratings"), {"year": YEAR, "month": 3}))
    assert "干部4" not in shown
    of_unit: dict[str, str | int] = {"year": YEAR, "month": 3, "unit": "U1"}
    shown = _text(office.get(reverse("tasks:ratings"), of_unit))
    assert "干部4" in shown


def test_the_check_lists_units_with_gaps_first_and_heads_see_their_own(org: Org) -> None:
    Post.objects.create(code="Q1", unit=org.other, name="科员", role="staff")
    Assignment.objects.create(
        cadre=Cadre.objects.create(code="C9", name="干部9", personnel_type="公务员"),
        post=Post.objects.get(code="Q1"),
        start=dt.date(2020, 1, 1),
    )
    for code in org.posts:
        services.post_task_add(post=org.posts[code], year=YEAR, months=[3], name="x")
    _task(org)
    office = org.client("office")
    page = _text(office.get(reverse("tasks:check"), {"year": YEAR, "month": 3}))
    # U2: 1 post without a task, 1 section without a task; U1: every post, S2 without a task
    assert page.index("check-U2") < page.index("check-U1")
    csv = office.get(reverse("tasks:check_csv"), {"year": YEAR, "month": 3}).content.decode()
    assert csv.splitlines()[1:] == ["U2,财政局,1,1,1,1", "U1,发展改革局,5,0,2,1"]
    page = _text(org.client("head").get(reverse("tasks:check"), {"year": YEAR, "month": 3}))
    assert "check-U1" in page
    assert "check-U2" not in page
    assert org.client("staff").get(reverse("tasks:check")).status_code == 403


# --- the demo


@pytest.mark.django_db
def test_the_demo_decomposes_the_head_unit_and_resets_with_it(settings: SettingsWrapper) -> None:
    settings.VAR_DIR = Path(settings.MEDIA_ROOT) / "var"
    call_command("kaohe_demo", units=4, cadres=30, year=YEAR, seed=3)
    assert PostTask.objects.exists()
    report = Report.objects.get()
    assert report.state == Report.State.SUBMITTED
    assert report.cadre == User.objects.get(username="cadre").cadre
    call_command("kaohe_demo", units=4, cadres=30, year=YEAR, seed=3, reset=True)
    assert Report.objects.count() == 1  # the old one went with its cadre and post
