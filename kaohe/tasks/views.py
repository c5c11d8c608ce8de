"""The tasks pages: a unit's decomposition (section tasks, milestones, post tasks), a section's
monthly results, the decomposition check, the cadre's monthly reconciliation and its rating.

Every view checks the user's right on the object in the URL (403) before it reads a form; the
services then refuse what the data does not allow (a locked month, a rating of oneself) with a
message, and nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaohe.accounts.models import User
from kaohe.accounts.scope import scope_for
from kaohe.collection.models import Task
from kaohe.core.exports import csv_response
from kaohe.core.periods import month_label
from kaohe.cycle.guard import MonthLockedError, locked_months
from kaohe.cycle.uploads import accepted_suffixes
from kaohe.org.models import Cadre, Post, Section, Unit
from kaohe.plans.models import Plan
from kaohe.tasks import permissions, selectors, services
from kaohe.tasks.forms import (
    STATUSES,
    CopyForm,
    MilestoneForm,
    PostTaskForm,
    RateForm,
    TaskForm,
)
from kaohe.tasks.models import Milestone, PostTask, Report, ReportFile

T = TypeVar("T")
FIELD_LABELS = {
    "section": "科室",
    "name": "任务名称",
    "indicator": "对应指标",
    "weight": "权重",
    "method": "计分方法",
    "direction": "方向",
    "points_per_occurrence": "每次扣分",
    "description": "节点内容",
    "months": "月份",
    "task": "对应科室任务",
    "level": "等次",
    "files": "佐证材料",
    "lines": "完成情况",
}


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # login_required ran
    return user


def _int(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() else None


def _year_month(request: HttpRequest) -> tuple[int, int]:
    """``year`` and ``month`` of the query (or a POST's body); defaults: the newest plan's year
    and, in the current year, the current month."""
    data = request.POST if request.method == "POST" else request.GET
    today = timezone.localdate()
    year = _int(data.get("year"))
    if year is None or not 2000 <= year <= 2100:
        newest = Plan.objects.order_by("-year").values_list("year", flat=True).first()
        year = newest or today.year
    month = _int(data.get("month"))
    if month is None or not 1 <= month <= 12:
        month = today.month if year == today.year else 1
    return year, month


def _attempt(request: HttpRequest, write: Callable[[], T], done: str) -> T | None:
    """Run a service; a refusal becomes error messages naming the field (nothing written)."""
    try:
        result = write()
    except MonthLockedError as exc:
        messages.error(
            request,
            _("%(month)s 已锁定，未作任何修改（锁定月份只能通过正式调整更改）。")
            % {"month": month_label(exc.year, exc.month)},
        )
        return None
    except services.TasksError as exc:
        messages.error(request, str(exc))
        return None
    except ValidationError as exc:
        _errors(request, exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages})
        return None
    messages.success(request, done)
    return result


def _errors(request: HttpRequest, problems: dict[str, list[str]]) -> None:
    for name, found in problems.items():
        label = _(FIELD_LABELS[name]) if name in FIELD_LABELS else name
        for problem in found:
            messages.error(request, f"{label}：{problem}" if label else problem)


def _form_errors(request: HttpRequest, form: Any) -> None:
    _errors(request, {k: list(v) for k, v in form.errors.items()})


def _unit_page(unit: Unit, year: int, month: int, anchor: str = "") -> HttpResponse:
    url = reverse("tasks:unit", kwargs={"code": unit.code})
    return redirect(f"{url}?year={year}&month={month}{anchor}")


def _unit_for(request: HttpRequest, code: str, *, decompose: bool = False) -> Unit:
    """The unit of the URL, 403 unless the user may open (or decompose) it."""
    allowed = (permissions.can_decompose if decompose else permissions.can_open_unit)(
        request.user, code
    )
    if not request.user.is_authenticated or not allowed:
        raise PermissionDenied
    return get_object_or_404(Unit, code=code)


# --- the decomposition page


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Where the user goes: their units' decomposition, the check, their report, ratings."""
    scope = scope_for(request.user)
    year, month = _year_month(request)
    if scope.full:
        units = list(Unit.objects.filter(active=True).order_by("code"))
    else:
        codes = set(scope.units) | set(
            Section.objects.filter(code__in=scope.sections).values_list("unit__code", flat=True)
        )
        units = list(Unit.objects.filter(code__in=codes).order_by("code"))
    if not (units or scope.cadre or permissions.rates_anyone(request.user)):
        raise PermissionDenied
    return render(
        request,
        "tasks/index.html",
        {
            "year": year,
            "month": month,
            "units": units,
            "reports": scope.cadre is not None,
            "rates": permissions.rates_anyone(request.user),
            "checks": permissions.sees_checks(request.user),
        },
    )


@login_required
def unit(request: HttpRequest, code: str) -> HttpResponse:
    """A unit's decomposition of a year and month."""
    found = _unit_for(request, code)
    year, month = _year_month(request)
    blocks, loose = selectors.unit_decomposition(found, year, month, request.user)
    indicators = services.category_indicators(found, year)
    decompose = permissions.can_decompose(request.user, found.code)
    sections = Section.objects.filter(unit=found).order_by("code")
    return render(
        request,
        "tasks/unit.html",
        {
            "unit": found,
            "year": year,
            "month": month,
            "months": range(1, 13),
            "indicators": indicators,
            "blocks": blocks,
            "loose": loose,
            "loose_manages": decompose,
            "decompose": decompose,
            "task_form": TaskForm(sections=sections, indicators=indicators),
            "locked": month in locked_months(year),
            "statuses": STATUSES,
        },
    )


def _task_of(unit: Unit, pk: int | None) -> Task:
    if pk is None:
        raise Http404
    task = Task.objects.select_related("section").filter(pk=pk, section__unit=unit).first()
    if task is None:
        raise Http404
    return task


@require_POST
@login_required
def task_save(request: HttpRequest, code: str) -> HttpResponse:
    """Create or edit a section task (the unit head, the office)."""
    found = _unit_for(request, code, decompose=True)
    year, month = _year_month(request)
    indicators = services.category_indicators(found, year)
    form = TaskForm(
        request.POST,
        sections=Section.objects.filter(unit=found),
        indicators=indicators,
    )
    if not form.is_valid():
        _form_errors(request, form)
        return _unit_page(found, year, month, "#tasks")
    data = form.cleaned_data
    existing = _task_of(found, data["task"]) if data["task"] else None
    task_input = services.TaskInput(
        section=data["section"],
        name=data["name"],
        weight=data["weight"],
        method=data["method"],
        indicator=data["indicator"] or "",
        direction=data["direction"] or "",
        points_per_occurrence=data["points_per_occurrence"],
        tags=data["tags"] or "",
    )
    _attempt(
        request,
        lambda: services.task_save(unit=found, year=year, data=task_input, task=existing),
        _("科室任务已保存。"),
    )
    return _unit_page(found, year, month, "#tasks")


@require_POST
@login_required
def task_delete(request: HttpRequest, code: str) -> HttpResponse:
    found = _unit_for(request, code, decompose=True)
    year, month = _year_month(request)
    pk = _int(request.POST.get("task"))
    if pk is None:
        messages.error(request, _("请选择要删除的任务。"))
        return _unit_page(found, year, month, "#tasks")
    task = _task_of(found, pk)
    _attempt(request, lambda: services.task_delete(task=task), _("科室任务已删除。"))
    return _unit_page(found, year, month, "#tasks")


@require_POST
@login_required
def milestone_save(request: HttpRequest, code: str) -> HttpResponse:
    """Add a milestone to a task, or delete one (``delete`` = its id)."""
    found = _unit_for(request, code, decompose=True)
    year, month = _year_month(request)
    gone = _int(request.POST.get("delete"))
    if gone is not None:
        milestone = get_object_or_404(Milestone, pk=gone, task__section__unit=found)
        _attempt(request, lambda: services.milestone_delete(milestone=milestone), _("节点已删除。"))
        return _unit_page(found, year, month, "#tasks")
    form = MilestoneForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _unit_page(found, year, month, "#tasks")
    data = form.cleaned_data
    task = _task_of(found, data["task"])
    _attempt(
        request,
        lambda: services.milestone_add(
            task=task,
            month=data["month"],
            description=data["description"],
            standard=data["standard"],
        ),
        _("节点已添加。"),
    )
    return _unit_page(found, year, month, "#tasks")


@require_POST
@login_required
def post_task_save(request: HttpRequest, code: str) -> HttpResponse:
    """Add a post task for one or several months, or delete one (``delete`` = its id): the
    unit head and the office for every post, a section chief for their section's posts."""
    found = _unit_for(request, code)
    year, month = _year_month(request)
    gone = _int(request.POST.get("delete"))
    if gone is not None:
        row = get_object_or_404(
            PostTask.objects.select_related("post__section"), pk=gone, post__unit=found
        )
        _require_section(request, found, row.post)
        _attempt(request, lambda: services.post_task_delete(post_task=row), _("岗位任务已删除。"))
        return _unit_page(found, year, month, "#posts")
    form = PostTaskForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _unit_page(found, year, month, "#posts")
    data = form.cleaned_data
    post = get_object_or_404(Post.objects.select_related("section"), pk=data["post"], unit=found)
    _require_section(request, found, post)
    task = _task_of(found, data["task"]) if data["task"] else None
    _attempt(
        request,
        lambda: services.post_task_add(
            post=post,
            year=year,
            months=data["months"],
            name=data["name"],
            standard=data["standard"],
            task=task,
        ),
        _("岗位任务已添加。"),
    )
    return _unit_page(found, year, month, "#posts")


def _require_section(request: HttpRequest, unit: Unit, post: Post) -> None:
    section = post.section.code if post.section is not None else None
    if not permissions.can_manage_section(request.user, unit.code, section):
        raise PermissionDenied


@require_POST
@login_required
def post_tasks_copy(request: HttpRequest, code: str) -> HttpResponse:
    """Copy last month's post tasks of the posts the user manages to this month."""
    found = _unit_for(request, code)
    form = CopyForm(request.POST)
    year, month = _year_month(request)
    if not form.is_valid():
        _form_errors(request, form)
        return _unit_page(found, year, month, "#posts")
    posts = [
        p
        for p in Post.objects.filter(unit=found).select_related("section")
        if permissions.can_manage_section(
            request.user, found.code, p.section.code if p.section else None
        )
    ]
    copied = _attempt(
        request,
        lambda: services.post_tasks_copy(
            posts=posts, year=year, from_month=month - 1, to_month=month
        ),
        _("已复制上月岗位任务。"),
    )
    if copied is not None:
        messages.info(request, _("复制了 %(n)d 项岗位任务。") % {"n": copied})
    return _unit_page(found, year, month, "#posts")


# --- section results


def _float(value: str | None) -> float | None:
    text = (value or "").strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise ValidationError({"": [_("“%(v)s”不是数字。") % {"v": text}]}) from None


@login_required
def results(request: HttpRequest, code: str) -> HttpResponse:
    """A section's results of a month on one form (fields by method)."""
    found = _unit_for(request, code)
    year, month = _year_month(request)
    sections = [
        sec
        for sec in Section.objects.filter(unit=found).order_by("code")
        if permissions.can_manage_section(request.user, found.code, sec.code)
    ]
    data = request.POST if request.method == "POST" else request.GET
    wanted = data.get("section", "")
    section = next((sec for sec in sections if sec.code == wanted), None)
    if request.method == "POST":
        if section is None:
            if Section.objects.filter(unit=found, code=wanted).exists():
                raise PermissionDenied
            messages.error(request, _("请选择科室。"))
            return redirect(f"{reverse('tasks:results', kwargs={'code': found.code})}")
        chosen = section
        rows = selectors.section_results(chosen, year, month)
        try:
            entries = {
                task.pk: services.ResultInput(
                    actual=_float(request.POST.get(f"t{task.pk}-actual")),
                    target=_float(request.POST.get(f"t{task.pk}-target")),
                    level=request.POST.get(f"t{task.pk}-level", "").strip(),
                    occurrences=_float(request.POST.get(f"t{task.pk}-occurrences")),
                    ticked=frozenset(
                        int(v) for v in request.POST.getlist(f"t{task.pk}-ms") if v.isdigit()
                    ),
                )
                for task, _r, _m in rows
            }
        except ValidationError as exc:
            _errors(request, exc.message_dict)
        else:
            _attempt(
                request,
                lambda: services.section_results_save(
                    section=chosen, year=year, month=month, entries=entries, user=_user(request)
                ),
                _("本月结果已保存。"),
            )
        url = reverse("tasks:results", kwargs={"code": found.code})
        return redirect(f"{url}?year={year}&month={month}&section={chosen.code}")
    if section is None and sections:
        section = sections[0]
    return render(
        request,
        "tasks/results.html",
        {
            "unit": found,
            "year": year,
            "month": month,
            "months": range(1, 13),
            "sections": sections,
            "section": section,
            "rows": selectors.section_results(section, year, month) if section else [],
            "levels": list(services.rating_levels(year)),
            "locked": month in locked_months(year),
        },
    )


# --- the decomposition check


def _check_rows(request: HttpRequest) -> tuple[int, int, list[selectors.CheckRow]]:
    if not permissions.sees_checks(request.user):
        raise PermissionDenied
    year, month = _year_month(request)
    return (
        year,
        month,
        selectors.decomposition_check(year, month, permissions.check_units(request.user)),
    )


@login_required
def check(request: HttpRequest) -> HttpResponse:
    """Every unit's gaps of the month (posts without a post task, sections without a task)."""
    year, month, rows = _check_rows(request)
    return render(
        request,
        "tasks/check.html",
        {
            "year": year,
            "month": month,
            "months": range(1, 13),
            "rows": rows,
            "gaps": sum(1 for r in rows if r.gaps),
        },
    )


@login_required
def check_csv(request: HttpRequest) -> HttpResponse:
    year, month, rows = _check_rows(request)
    header = [
        _("单位编号"),
        _("单位名称"),
        _("在岗岗位"),
        _("无岗位任务"),
        _("科室"),
        _("无任务科室"),
    ]
    return csv_response(
        f"decomposition-{month_label(year, month)}.csv",
        header,
        (
            [r.unit.code, r.unit.name, r.posts, r.posts_missing, r.sections, r.sections_missing]
            for r in rows
        ),
    )


# --- the monthly reconciliation


@login_required
def report(request: HttpRequest) -> HttpResponse:
    """The cadre's own report on the month's post tasks (phone-first), and its rating."""
    code = permissions.own_cadre(request.user)
    if code is None:
        raise PermissionDenied
    cadre = get_object_or_404(Cadre, code=code)
    year, month = _year_month(request)
    post = services.post_at(cadre, year, month)
    tasks = list(PostTask.objects.filter(year=year, month=month, post=post)) if post else []
    if request.method == "POST":
        by_pk = {t.pk: t for t in tasks}
        lines = [
            services.LineInput(
                post_task=t,
                status=request.POST.get(f"s{t.pk}", ""),
                note=request.POST.get(f"n{t.pk}", "")[:2000],
            )
            for t in by_pk.values()
        ]
        _attempt(
            request,
            lambda: services.report_submit(
                cadre=cadre,
                year=year,
                month=month,
                lines=lines,
                files=request.FILES.getlist("files"),
            ),
            _("月对账已提交。"),
        )
        return redirect(f"{reverse('tasks:report')}?year={year}&month={month}")
    existing = (
        Report.objects.filter(year=year, month=month, cadre=cadre)
        .prefetch_related("lines", "files")
        .first()
    )
    said = {line.post_task_id: line for line in existing.lines.all()} if existing else {}
    return render(
        request,
        "tasks/report.html",
        {
            "cadre": cadre,
            "post": post,
            "year": year,
            "month": month,
            "months": range(1, 13),
            "rows": [(t, said.get(t.pk)) for t in tasks],
            "report": existing,
            "statuses": STATUSES,
            "locked": month in locked_months(year),
            "accept": accepted_suffixes(),
        },
    )


@login_required
def report_file(request: HttpRequest, file_id: int) -> FileResponse:
    """A report's evidence file, to those who read the cadre's detail."""
    found = get_object_or_404(ReportFile.objects.select_related("report__cadre"), pk=file_id)
    if not permissions.can_read_report(request.user, found.report.cadre.code):
        raise PermissionDenied
    if not found.file:
        raise Http404
    return FileResponse(found.file.open("rb"), as_attachment=True, filename=found.name)


@login_required
def ratings(request: HttpRequest) -> HttpResponse:
    """The month's reports of the people the user rates, each with the rating form."""
    if not permissions.rates_anyone(request.user):
        raise PermissionDenied
    year, month = _year_month(request)
    unit = request.GET.get("unit", "").strip()
    levels = services.rating_levels(year)
    return render(
        request,
        "tasks/ratings.html",
        {
            "year": year,
            "month": month,
            "months": range(1, 13),
            "reports": selectors.reports_to_rate(request.user, year, month, unit),
            "levels": levels,
            "unit": unit,
            "keep": [("unit", unit)] if unit else [],
            "units": Unit.objects.order_by("code") if permissions.is_office(request.user) else (),
            "locked": month in locked_months(year),
        },
    )


@require_POST
@login_required
def rate(request: HttpRequest, report_id: int) -> HttpResponse:
    """Rate a report on the plan's levels (its rater only; never oneself)."""
    found = get_object_or_404(
        Report.objects.select_related("cadre", "post__unit", "post__section"), pk=report_id
    )
    if not permissions.can_rate(request.user, found.post, found.cadre.code):
        raise PermissionDenied
    form = RateForm(request.POST, levels=list(services.rating_levels(found.year)))
    if form.is_valid():
        _attempt(
            request,
            lambda: services.report_rate(
                report=found,
                level=form.cleaned_data["level"],
                comment=form.cleaned_data["comment"],
                user=_user(request),
            ),
            _("已评定。"),
        )
    else:
        _form_errors(request, form)
    url = reverse("tasks:ratings")
    unit = "" if found.post.role == Post.Role.PRINCIPAL else found.post.unit.code
    return redirect(f"{url}?year={found.year}&month={found.month}&unit={unit}#report-{found.pk}")
