"""Golden: what the tasks pages write is what the engine reads. A section's tasks entered on
the decomposition and results pages, and a cadre's rated reconciliation, give the section own
score and the reconciliation component computed by hand (docs/rules.md §2, §6)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pytest_django import Settings as SettingsWrapper

from kaohe.accounts.models import Role, User
from kaohe.accounts.services import role_assign
from kaohe.collection.models import IndicatorResult, MonthlyRecord, Task
from kaohe.collection.services import data_load
from kaohe.core.demo import demo_plan_text
from kaohe.org.models import Assignment
from kaohe.plans.services import plan_save
from kaohe.results.models import CadreMonthly, Run, SectionMonthly
from kaohe.results.services import run_compute
from kaohe.tasks import services
from kaohe.tasks.services import LineInput, ResultInput, TaskInput
from tests.web.conftest import YEAR, demo_frames


@pytest.fixture(autouse=True)
def media(settings: SettingsWrapper, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.django_db
def test_entered_tasks_and_a_rated_month_give_the_hand_computed_scores() -> None:
    # the example plan, without the section coefficient so that own is Σwa/Σw × 100 exactly
    plan = plan_save(yaml_text=demo_plan_text(YEAR) + "coefficient:\n  sections: false\n")
    data_load(frames=demo_frames(plan), year=YEAR, reason="test")
    held = (
        Assignment.objects.filter(
            end__isnull=True,
            post__role="staff",
            post__section__isnull=False,
            cadre__monthlyrecord__month=1,
            cadre__monthlyrecord__on_leave=False,
        )
        .select_related("post__section__unit", "cadre")
        .order_by("cadre__code")
        .first()
    )
    assert held is not None
    section, unit, cadre = held.post.section, held.post.unit, held.cadre
    assert section is not None
    IndicatorResult.objects.filter(year=YEAR, subject_code=section.code).delete()
    Task.objects.filter(section=section).delete()

    def task(method: str, weight: float, **extra: object) -> Task:
        data = TaskInput(section=section, name=method, weight=weight, method=method, **extra)  # type: ignore[arg-type]
        return services.task_save(unit=unit, year=YEAR, data=data)

    completion = task("completion", 60)
    milestones = task("milestones", 40)
    deduction = task("deduction", 20, points_per_occurrence=2.0)
    rating = task("rating", 10)
    ticked = [
        services.milestone_add(task=milestones, month=1, description=f"节点{i}") for i in range(4)
    ]
    services.section_results_save(
        section=section,
        year=YEAR,
        month=1,
        entries={
            completion.pk: ResultInput(actual=8, target=10),
            milestones.pk: ResultInput(ticked=frozenset(m.pk for m in ticked[:3])),
            deduction.pk: ResultInput(occurrences=3),
            rating.pk: ResultInput(level="良"),
        },
        user=None,
    )
    (post_task,) = services.post_task_add(post=held.post, year=YEAR, months=[1], name="月度任务")
    report = services.report_submit(
        cadre=cadre,
        year=YEAR,
        month=1,
        lines=[LineInput(post_task, "done", "完成")],
        files=[SimpleUploadedFile("a.pdf", b"%PDF-1.4\n")],
    )
    chief = User.objects.create_user("chief", password="x")
    role_assign(user=chief, role=Role.SECTION_CHIEF, section=section)
    services.report_rate(report=report, level="良", comment="", user=chief)
    assert MonthlyRecord.objects.get(year=YEAR, cadre=cadre, month=1).level == "良"

    run = run_compute(year=YEAR)
    assert run.state == Run.State.DONE, run.error
    row = SectionMonthly.objects.get(run=run, section_code=section.code, month=1)
    # completion 8/10 = 0.8; milestones 3/4 = 0.75; deduction max(0, 20 − 3 × 2)/20 = 0.7;
    # rating 良 = 0.85 (the plan's default levels)
    # own = 100 × (60×0.8 + 40×0.75 + 20×0.7 + 10×0.85) / (60+40+20+10)
    #     = 100 × (48 + 30 + 14 + 8.5) / 130 = 100 × 100.5 / 130 = 77.3077
    assert row.coefficient == 1.0
    assert row.own == pytest.approx(10050 / 130)
    assert row.no_tasks is False
    # months without a task are flagged (the decomposition check of rules.md §11)
    assert SectionMonthly.objects.get(run=run, section_code=section.code, month=2).no_tasks
    cadre_row = CadreMonthly.objects.get(run=run, cadre_code=cadre.code, month=1)
    # 月对账 = 60 × value of 良 = 60 × 0.85 = 51
    assert cadre_row.monthly == pytest.approx(51.0)
    assert cadre_row.attendance is not None
    assert cadre_row.weekly is not None
    assert cadre_row.own == pytest.approx(cadre_row.attendance + cadre_row.weekly + 51.0)
