"""Writes of the tasks app: section tasks and milestones, post tasks, section task results and
the monthly reconciliation (docs/tasks.md). One transaction per use case; every write that
changes a month's data passes the lock guard (kaohe.cycle.guard) first and changes nothing
when refused.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.accounts.models import User
from kaohe.collection.models import IndicatorResult, MonthlyRecord, Task
from kaohe.core.periods import month_end
from kaohe.cycle.guard import locked_months, month_lock_check
from kaohe.cycle.uploads import evidence_validators
from kaohe.engine.plan import Plan as EnginePlan
from kaohe.org.models import Assignment, Cadre, Post, Section, Unit
from kaohe.plans.selectors import plan_for_year
from kaohe.tasks import permissions
from kaohe.tasks.models import Milestone, PostTask, Report, ReportFile, ReportLine

COMPLETION: Final = "completion"
RATING: Final = "rating"
DEDUCTION: Final = "deduction"
MILESTONES: Final = "milestones"
METHODS: Final = (COMPLETION, RATING, DEDUCTION, MILESTONES)
HIGHER: Final = "higher_is_better"
LOWER: Final = "lower_is_better"
MAX_FILES: Final = 5


class TasksError(Exception):
    """A write refused (nothing was written); the message says why."""


# --- reads the writes need


def post_at(cadre: Cadre, year: int, month: int) -> Post | None:
    """The post ``cadre`` holds on the month's last day (rules.md §1), if any."""
    day = month_end(year, month)
    held = (
        Assignment.objects.filter(cadre=cadre, start__lte=day)
        .filter(Q(end__isnull=True) | Q(end__gte=day))
        .select_related("post__unit", "post__section")
        .order_by("-start")
        .first()
    )
    return held.post if held is not None else None


def rating_levels(year: int) -> dict[str, float]:
    """The plan's rating levels (名称 → value) of ``year``; the engine's default without a plan."""
    plan = plan_for_year(year=year)
    if plan is None:
        return dict(EnginePlan.model_fields["rating_levels"].get_default(call_default_factory=True))
    return dict(plan.parsed().rating_levels)


def category_indicators(unit: Unit, year: int) -> list[tuple[str, str]]:
    """(key, name) of the plan's indicators of the unit's category."""
    plan = plan_for_year(year=year)
    if plan is None:
        return []
    category = plan.parsed().categories.get(unit.category)
    if category is None:
        return []
    return [(i.key, i.name) for _, i in category.indicators()]


def user_code(user: User | None) -> str:
    """The rater's or scorer's id written into the data: their cadre's code, else the account."""
    if user is None:
        return ""
    if user.cadre_id is not None and user.cadre is not None:
        return user.cadre.code
    return user.get_username()


def _lock(year: int, month: int, what: str) -> None:
    month_lock_check(year=year, month=month, what=what)


# --- section tasks


@dataclass(frozen=True, slots=True)
class TaskInput:
    """A section task as entered (docs/data-format.md §3 tasks)."""

    section: Section
    name: str
    weight: float | None
    method: str
    indicator: str = ""
    direction: str = ""
    points_per_occurrence: float | None = None
    tags: str = ""


def task_problems(data: TaskInput, *, indicators: Iterable[str]) -> dict[str, str]:
    """Each problem of a section task, by field (empty: valid)."""
    problems: dict[str, str] = {}
    if not data.name.strip():
        problems["name"] = _("请填写任务名称。")
    if data.weight is None or not data.weight > 0:
        problems["weight"] = _("权重须大于 0。")
    if data.method not in METHODS:
        problems["method"] = _("计分方法须为完成率、评级、扣分或节点之一。")
    if data.direction not in ("", HIGHER, LOWER):
        problems["direction"] = _("方向须为越高越好或越低越好。")
    elif data.direction == LOWER and data.method != COMPLETION:
        problems["direction"] = _("“越低越好”只用于完成率法。")
    if data.points_per_occurrence is not None:
        if data.method != DEDUCTION:
            problems["points_per_occurrence"] = _("每次扣分只用于扣分法。")
        elif not data.points_per_occurrence > 0:
            problems["points_per_occurrence"] = _("每次扣分须大于 0。")
    if data.indicator and data.indicator not in set(indicators):
        problems["indicator"] = _("对应指标须为本单位类别的指标。")
    return problems


def _next_code(year: int, section: Section) -> str:
    """``<section>-T<n>``: the next free number of the section's tasks in the year."""
    prefix = f"{section.code}-T"
    used = Task.objects.filter(year=year, code__startswith=prefix).values_list("code", flat=True)
    numbers = [int(m.group(1)) for c in used if (m := re.fullmatch(r".*-T(\d+)", c))]
    n = max(numbers, default=0) + 1
    while Task.objects.filter(year=year, code=f"{prefix}{n:02d}").exists():
        n += 1
    return f"{prefix}{n:02d}"


def _result_months(task: Task) -> set[int]:
    return set(
        IndicatorResult.objects.filter(
            year=task.year, subject_code=task.section.code, indicator=task.code
        ).values_list("month", flat=True)
    )


def _locked_result_month(task: Task) -> int | None:
    hit = sorted(_result_months(task) & locked_months(task.year))
    return hit[0] if hit else None


_SCORING: Final = ("weight", "method", "direction", "points_per_occurrence")


@transaction.atomic
def task_save(*, unit: Unit, year: int, data: TaskInput, task: Task | None = None) -> Task:
    """Create a section task (its code generated) or edit ``task``. Problems by field raise a
    ValidationError naming the fields. A task with results in a locked month keeps its scoring
    fields (weight, method, direction, points): changing them would change the locked month."""
    if data.section.unit_id != unit.pk:
        raise ValidationError({"section": _("科室须属于本单位。")})
    problems = task_problems(data, indicators=(k for k, _ in category_indicators(unit, year)))
    if problems:
        raise ValidationError(problems)
    values = {
        "section": data.section,
        "name": data.name.strip(),
        "indicator": data.indicator,
        "weight": data.weight,
        "method": data.method,
        "direction": data.direction,
        "points_per_occurrence": data.points_per_occurrence,
        "tags": ",".join(t for t in re.split(r"[,，、\s]+", data.tags) if t),
    }
    if task is None:
        task = Task(year=year, code=_next_code(year, data.section), **values)
    else:
        task = Task.objects.select_for_update().select_related("section").get(pk=task.pk)
        if task.section.unit_id != unit.pk:
            raise TasksError(_("该任务不属于本单位。"))
        changes_scoring = any(getattr(task, f) != values[f] for f in _SCORING) or (
            task.section_id != data.section.pk
        )
        locked = _locked_result_month(task) if changes_scoring else None
        if locked is not None:
            month_lock_check(year=year, month=locked, what=_("修改科室任务的计分方式"))
        if task.section_id != data.section.pk and _result_months(task):
            raise TasksError(_("已有结果的任务不能移到其他科室。"))
        for name, value in values.items():
            setattr(task, name, value)
    task.full_clean()
    task.save()
    return task


@transaction.atomic
def task_delete(*, task: Task) -> None:
    """Delete a section task with its milestones and its results (none may be in a locked
    month); post tasks that served it stay, unlinked."""
    locked = _locked_result_month(task)
    if locked is not None:
        month_lock_check(year=task.year, month=locked, what=_("删除科室任务"))
    IndicatorResult.objects.filter(
        year=task.year, subject_code=task.section.code, indicator=task.code
    ).delete()
    task.delete()


@transaction.atomic
def milestone_add(*, task: Task, month: int, description: str, standard: str = "") -> Milestone:
    _lock(task.year, month, _("添加任务节点"))
    if not description.strip():
        raise ValidationError({"description": _("请填写节点内容。")})
    made = Milestone(
        task=task, month=month, description=description.strip(), standard=standard.strip()
    )
    made.full_clean()
    made.save()
    return made


@transaction.atomic
def milestone_delete(*, milestone: Milestone) -> None:
    _lock(milestone.task.year, milestone.month, _("删除任务节点"))
    milestone.delete()


# --- post tasks


@transaction.atomic
def post_task_add(
    *,
    post: Post,
    year: int,
    months: Sequence[int],
    name: str,
    standard: str = "",
    task: Task | None = None,
) -> list[PostTask]:
    """The same post task in each of ``months`` (all or nothing: one locked month refuses)."""
    if not months:
        raise ValidationError({"months": _("请至少选择一个月份。")})
    if not name.strip():
        raise ValidationError({"name": _("请填写任务名称。")})
    if task is not None and (task.year != year or task.section.unit_id != post.unit_id):
        raise ValidationError({"task": _("对应科室任务须为本单位本年度的任务。")})
    for month in sorted(set(months)):
        _lock(year, month, _("添加岗位任务"))
    made = []
    for month in sorted(set(months)):
        row = PostTask(
            year=year,
            month=month,
            post=post,
            name=name.strip(),
            standard=standard.strip(),
            task=task,
        )
        row.full_clean()
        row.save()
        made.append(row)
    return made


@transaction.atomic
def post_task_delete(*, post_task: PostTask) -> None:
    _lock(post_task.year, post_task.month, _("删除岗位任务"))
    post_task.delete()


@transaction.atomic
def post_tasks_copy(*, posts: Iterable[Post], year: int, from_month: int, to_month: int) -> int:
    """Copy last month's post tasks of ``posts`` to ``to_month`` (one action); a task already
    there under the same name is not copied twice. Returns how many were copied."""
    if from_month == to_month:
        raise TasksError(_("源月份与目标月份相同。"))
    if not 1 <= from_month <= 12:
        raise TasksError(_("一月没有上月的岗位任务可复制。"))
    _lock(year, to_month, _("复制岗位任务"))
    post_ids = [p.pk for p in posts]
    there = set(
        PostTask.objects.filter(year=year, month=to_month, post_id__in=post_ids).values_list(
            "post_id", "name"
        )
    )
    copied = 0
    for row in PostTask.objects.filter(year=year, month=from_month, post_id__in=post_ids):
        if (row.post_id, row.name) in there:
            continue
        PostTask.objects.create(
            year=year,
            month=to_month,
            post_id=row.post_id,
            name=row.name,
            standard=row.standard,
            task_id=row.task_id,
        )
        there.add((row.post_id, row.name))
        copied += 1
    return copied


# --- section task results


@dataclass(frozen=True, slots=True)
class ResultInput:
    """One task's entry of the month: the fields of its method; ``ticked`` milestone ids."""

    actual: float | None = None
    target: float | None = None
    level: str = ""
    occurrences: float | None = None
    ticked: frozenset[int] = frozenset()


def _result_problem(task: Task, entry: ResultInput, levels: Mapping[str, float]) -> str | None:
    if task.method == COMPLETION:
        if entry.actual is None or entry.target is None:
            return _("完成率法须同时填写实际值和目标值。")
        if entry.actual < 0 or entry.target < 0:
            return _("实际值和目标值不能为负数。")
        if task.direction != LOWER and entry.target <= 0:
            return _("目标值须大于 0。")
    elif task.method == RATING and entry.level not in levels:
        return _("等次须为计划的等次之一：%(levels)s。") % {"levels": "、".join(levels)}
    elif task.method == DEDUCTION and (entry.occurrences is None or entry.occurrences < 0):
        return _("扣分次数须为不小于 0 的数。")
    return None


def _is_blank(task: Task, entry: ResultInput) -> bool:
    if task.method == COMPLETION:
        return entry.actual is None and entry.target is None
    if task.method == RATING:
        return not entry.level
    if task.method == DEDUCTION:
        return entry.occurrences is None
    return False


@transaction.atomic
def section_results_save(
    *,
    section: Section,
    year: int,
    month: int,
    entries: Mapping[int, ResultInput],
    user: User | None,
) -> int:
    """The month's results of the section's tasks → IndicatorResult rows (upsert by year,
    section, task, month). A task left blank keeps what it had; a ``milestones`` task's row is
    due = its milestones of the month, done = the ticked ones (none that month: no row, the
    task is left out). Every problem refuses the whole form (ValidationError by task code).
    Returns the number of rows written."""
    _lock(year, month, _("录入科室任务结果"))
    levels = rating_levels(year)
    tasks = list(Task.objects.filter(year=year, section=section).order_by("code"))
    problems: dict[str, str] = {}
    for task in tasks:
        entry = entries.get(task.pk, ResultInput())
        if task.method != MILESTONES and not _is_blank(task, entry):
            problem = _result_problem(task, entry, levels)
            if problem:
                problems[task.code] = f"{task.name}：{problem}"
    if problems:
        raise ValidationError(problems)
    scorer = user_code(user)
    written = 0
    for task in tasks:
        entry = entries.get(task.pk, ResultInput())
        values: dict[str, object]
        if task.method == MILESTONES:
            milestones = list(Milestone.objects.filter(task=task, month=month))
            if not milestones:
                continue
            for m in milestones:
                done = m.pk in entry.ticked
                if m.done != done:
                    m.done = done
                    m.save(update_fields=("done", "updated"))
            values = {
                "milestones_due": len(milestones),
                "milestones_done": sum(1 for m in milestones if m.done),
            }
        elif _is_blank(task, entry):
            continue
        elif task.method == COMPLETION:
            values = {"actual": entry.actual, "target": entry.target}
        elif task.method == RATING:
            values = {"level": entry.level}
        else:
            values = {"occurrences": entry.occurrences}
        IndicatorResult.objects.update_or_create(
            year=year,
            subject_code=section.code,
            indicator=task.code,
            month=month,
            defaults={**values, "scorer_code": scorer},
        )
        written += 1
    return written


# --- the monthly reconciliation (月对账)


@dataclass(frozen=True, slots=True)
class LineInput:
    post_task: PostTask
    status: str
    note: str = ""


def _check_files(files: Sequence[UploadedFile]) -> None:
    if len(files) > MAX_FILES:
        raise ValidationError({"files": _("最多上传 %(n)d 个文件。") % {"n": MAX_FILES}})
    found: list[str] = []
    for upload in files:
        for check in evidence_validators():
            try:
                check(upload)
            except ValidationError as exc:
                found += exc.messages
                break
    if found:
        raise ValidationError({"files": found})


@transaction.atomic
def report_submit(
    *,
    cadre: Cadre,
    year: int,
    month: int,
    lines: Sequence[LineInput],
    files: Sequence[UploadedFile] = (),
    now: dt.datetime | None = None,
) -> Report:
    """The cadre's report on the month's post tasks of their post: every task with a status
    (done, partly, not done) and a note, evidence files added. Submitted again until rated."""
    _lock(year, month, _("提交月对账"))
    post = post_at(cadre, year, month)
    if post is None:
        raise TasksError(_("该月末未在任何岗位任职，无需月对账。"))
    expected = {t.pk for t in PostTask.objects.filter(year=year, month=month, post=post)}
    if not expected:
        raise TasksError(_("该月没有岗位任务，请联系科室负责人或单位负责人分解任务。"))
    given = {line.post_task.pk for line in lines}
    if given != expected:
        raise ValidationError({"lines": _("请逐项填写本月每一项岗位任务的完成情况。")})
    statuses = set(ReportLine.Status.values)
    if any(line.status not in statuses for line in lines):
        raise ValidationError({"lines": _("完成情况须为已完成、部分完成或未完成。")})
    _check_files(files)
    report = Report.objects.select_for_update().filter(year=year, month=month, cadre=cadre).first()
    if report is not None and report.state == Report.State.RATED:
        raise TasksError(_("本月对账已评定，不能再修改。"))
    if report is None:
        report = Report(year=year, month=month, cadre=cadre)
    if report.pk is not None and report.files.count() + len(files) > MAX_FILES:
        raise ValidationError({"files": _("最多上传 %(n)d 个文件。") % {"n": MAX_FILES}})
    report.post = post
    report.state = Report.State.SUBMITTED
    report.submitted_at = now or timezone.now()
    report.full_clean()
    report.save()
    report.lines.all().delete()
    ReportLine.objects.bulk_create(
        ReportLine(
            report=report,
            post_task=line.post_task,
            task_name=line.post_task.name,
            status=line.status,
            note=line.note.strip(),
        )
        for line in lines
    )
    for upload in files:
        made = ReportFile(report=report, name=upload.name or "file", size=upload.size or 0)
        made.file.save(upload.name or "file", upload, save=False)
        made.save()
    return report


@transaction.atomic
def report_rate(
    *, report: Report, level: str, comment: str, user: User, now: dt.datetime | None = None
) -> Report:
    """The rater rates the month on the plan's levels → MonthlyRecord.level and rater_code of
    that cadre-month (only those fields; the record is created when missing)."""
    report = (
        Report.objects.select_for_update(of=("self",))
        .select_related("post__unit", "post__section")
        .get(pk=report.pk)
    )
    _lock(report.year, report.month, _("评定月对账"))
    if not permissions.can_rate(user, report.post, report.cadre.code):
        raise TasksError(_("您不是该干部本月的评定人。"))
    levels = rating_levels(report.year)
    if level not in levels:
        raise ValidationError(
            {"level": _("等次须为计划的等次之一：%(levels)s。") % {"levels": "、".join(levels)}}
        )
    rater = user_code(user)
    report.level = level
    report.comment = comment.strip()
    report.rated_by = user
    report.rater_code = rater
    report.rated_at = now or timezone.now()
    report.state = Report.State.RATED
    report.save()
    record = MonthlyRecord.objects.filter(
        year=report.year, cadre=report.cadre, month=report.month
    ).first()
    if record is None:
        MonthlyRecord.objects.create(
            year=report.year, cadre=report.cadre, month=report.month, level=level, rater_code=rater
        )
    else:
        record.level, record.rater_code = level, rater
        record.save(update_fields=("level", "rater_code", "updated"))
    return report
