"""The diary's pages (docs/diary.md): the cadre's 我的记录 (sign in, leave, this week's goals,
the month's summary), the chief's team view (month grid, weeks to confirm), the attendance
import and the office's calendar. Views parse input, call a service or selector, render."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaohe.accounts.models import User
from kaohe.accounts.scope import cadre_codes_for
from kaohe.diary import selectors
from kaohe.diary.calendar import is_working_day
from kaohe.diary.forms import (
    CalendarForm,
    DayForm,
    GoalCheckForm,
    GoalsForm,
    ImportForm,
    LeaveForm,
    ReviewForm,
    WeekForm,
    day_choices,
)
from kaohe.diary.importer import MAX_BYTES, attendance_import
from kaohe.diary.models import Attendance, CalendarDay, Week
from kaohe.diary.predicates import (
    IMPORT_ATTENDANCE,
    KEEP_DIARY,
    MANAGE_CALENDAR,
    RECORD_FOR,
    VIEW_TEAM,
)
from kaohe.diary.services import (
    DiaryError,
    attendance_record,
    attendance_sign_in,
    calendar_change,
    goal_check,
    goals_add,
    goals_copy_forward,
    leave_apply,
    start_time,
    this_monday,
    week_review,
)
from kaohe.org.models import Cadre
from kaohe.web.views.common import int_param, is_htmx, page, require_object


def _own_cadre(request: HttpRequest) -> Cadre:
    cadre = selectors.cadre_of(request.user)
    if cadre is None:
        raise PermissionDenied
    return cadre


def _to_today() -> HttpResponse:
    return redirect("diary:today")


# --- the cadre's own pages


@page(KEEP_DIARY)
def today(request: HttpRequest) -> HttpResponse:
    """我的记录: 签到, this week's goals, the month's summary."""
    cadre = _own_cadre(request)
    day = timezone.localdate()
    monday = this_monday(day)
    year, month = _month(request)  # the summary's month (default: this month)
    first = dt.date(year, month, 1)
    context = {
        "cadre": cadre,
        "day": day,
        "working_day": is_working_day(day),
        "attendance": selectors.attendance_on(cadre, day),
        "start": start_time(),
        "week": selectors.week_get(cadre, monday),
        "monday": monday,
        "sunday": monday + dt.timedelta(days=6),
        "next_week": selectors.week_get(cadre, monday + dt.timedelta(days=7)),
        "next_monday": monday + dt.timedelta(days=7),
        "summary": selectors.month_summary(cadre, year, month, upto=day),
        "previous": first - dt.timedelta(days=1),
        "following": first + dt.timedelta(days=31),
        "goals_form": GoalsForm(initial={"monday": monday}),
        "leave_form": LeaveForm(initial={"first": day, "last": day}),
    }
    return render(request, "diary/today.html", context)


@require_POST
@page(KEEP_DIARY)
def sign_in(request: HttpRequest) -> HttpResponse:
    cadre = _own_cadre(request)
    try:
        row = attendance_sign_in(cadre=cadre)
    except DiaryError as exc:
        messages.error(request, str(exc))
    else:
        time = row.check_in.strftime("%H:%M") if row.check_in else ""
        if row.status == Attendance.Status.LATE:
            messages.warning(request, _("已签到 %(time)s（迟到）。") % {"time": time})
        else:
            messages.success(request, _("已签到 %(time)s。") % {"time": time})
    return _to_today()


@require_POST
@page(KEEP_DIARY)
def leave(request: HttpRequest) -> HttpResponse:
    cadre = _own_cadre(request)
    form = LeaveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请假信息不完整：请填写开始、结束日期和假别。"))
        return _to_today()
    data = form.cleaned_data
    try:
        made, skipped = leave_apply(
            cadre=cadre,
            first=data["first"],
            last=data["last"],
            leave_type=data["leave_type"],
            note=data["note"],
        )
    except DiaryError as exc:
        messages.error(request, str(exc))
        return _to_today()
    text = _("已登记请假 %(n)d 个工作日。") % {"n": len(made)}
    if skipped:
        text += " " + _("%(days)s 已有考勤记录，未改动；如需更正请找科室负责人。") % {
            "days": "、".join(d.strftime("%m-%d") for d in skipped)
        }
    messages.success(request, text)
    return _to_today()


@require_POST
@page(KEEP_DIARY)
def goals_new(request: HttpRequest) -> HttpResponse:
    cadre = _own_cadre(request)
    form = GoalsForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请至少写一条目标。"))
        return _to_today()
    try:
        made = goals_add(
            cadre=cadre,
            monday=form.cleaned_data["monday"],
            lines=form.cleaned_data["lines"].splitlines(),
        )
    except DiaryError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已添加 %(n)d 条目标。") % {"n": len(made)})
    return _to_today()


@require_POST
@page(KEEP_DIARY)
def goal_done(request: HttpRequest, goal_id: int) -> HttpResponse:
    goal = selectors.goal_get_for_user(request.user, goal_id)
    if goal is None:
        raise PermissionDenied
    form = GoalCheckForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("完成情况太长。"))
        return _to_today()
    try:
        goal_check(goal=goal, done=form.cleaned_data["done"], note=form.cleaned_data["note"])
    except DiaryError as exc:
        messages.error(request, str(exc))
    return _to_today()


@require_POST
@page(KEEP_DIARY)
def goals_copy(request: HttpRequest) -> HttpResponse:
    cadre = _own_cadre(request)
    form = WeekForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择一周。"))
        return _to_today()
    try:
        made = goals_copy_forward(cadre=cadre, monday=form.cleaned_data["monday"])
    except DiaryError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已把 %(n)d 条未完成目标复制到下周。") % {"n": len(made)})
    return _to_today()


# --- the chief's team view


def _month(request: HttpRequest) -> tuple[int, int]:
    day = timezone.localdate()
    year = int_param(request, "year") or day.year
    month = int_param(request, "month") or day.month
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise Http404
    return year, month


@page(VIEW_TEAM)
def team(request: HttpRequest) -> HttpResponse:
    """The month grid of a section's attendance and the weeks of its people."""
    year, month = _month(request)
    sections = list(selectors.team_sections(request.user))
    code = request.GET.get("section", "")
    section = next((s for s in sections if s.code == code), sections[0] if sections else None)
    cadres = selectors.team_cadres(request.user, section) if section is not None else []
    grid = selectors.team_grid(cadres, year, month, timezone.localdate())
    previous = dt.date(year, month, 1) - dt.timedelta(days=1)
    following = dt.date(year, month, 28) + dt.timedelta(days=4)
    context = {
        "sections": sections,
        "section": section,
        "year": year,
        "month": month,
        "grid": grid,
        "previous": previous,
        "following": following,
        "choices": day_choices(),
        "today": timezone.localdate(),
    }
    return render(request, "diary/team.html", context)


def _team_url(request: HttpRequest, day: dt.date) -> str:
    query: dict[str, object] = {"year": day.year, "month": day.month}
    section = request.POST.get("section", "")
    if section:
        query["section"] = section
    return f"{reverse('diary:team')}?{urlencode(query)}"


@require_POST
@page(VIEW_TEAM)
def day_set(request: HttpRequest, code: str) -> HttpResponse:
    """A chief's entry for one cadre-day (htmx: the cell comes back)."""
    require_object(request, RECORD_FOR, code)
    cadre = get_object_or_404(Cadre, code=code)
    form = DayForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("状态或日期不对。"), status=400)
    data = form.cleaned_data
    status, leave_type = form.parts()
    try:
        row = attendance_record(
            cadre=cadre, date=data["date"], status=status, leave_type=leave_type
        )
    except DiaryError as exc:
        if is_htmx(request):
            return HttpResponse(str(exc), status=409)
        messages.error(request, str(exc))
        return redirect(_team_url(request, data["date"]))
    if is_htmx(request):
        context = {
            "cadre": cadre,
            "day": data["date"],
            "a": row,
            "working": True,
            "choices": day_choices(),
        }
        return render(request, "diary/_cell.html", context)
    return redirect(_team_url(request, data["date"]))


@require_POST
@page(VIEW_TEAM)
def week_decide(request: HttpRequest, code: str) -> HttpResponse:
    """Confirm a cadre's week, or send it back with a comment."""
    require_object(request, RECORD_FOR, code)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("请选择确认或退回。"), status=400)
    data = form.cleaned_data
    week = selectors.week_of(code, data["monday"])
    if week is None:
        raise Http404
    user = request.user
    assert isinstance(user, User)
    try:
        week = week_review(
            week=week, user=user, confirm=data["action"] == "confirm", comment=data["comment"]
        )
    except DiaryError as exc:
        messages.error(request, str(exc))
    else:
        if week.state == Week.State.CONFIRMED:
            messages.success(request, _("已确认 %(name)s 的周记录。") % {"name": week.cadre.name})
        else:
            messages.success(request, _("已退回 %(name)s 的周记录。") % {"name": week.cadre.name})
    year, month = week.month
    return redirect(_team_url(request, dt.date(year, month, 1)))


# --- the import and the calendar


@page(IMPORT_ATTENDANCE)
def import_attendance(request: HttpRequest) -> HttpResponse:
    """The attendance machine's CSV: all or nothing, problems by file, row and column."""
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            form.add_error("file", _("文件太大。"))
            status = 400
        else:
            result = attendance_import(
                name=upload.name, data=upload.read(), cadre_codes=cadre_codes_for(request.user)
            )
            status = 200 if result.ok else 400
    elif request.method == "POST":
        status = 400
    context = {"form": form, "result": result, "start": start_time()}
    return render(request, "diary/import.html", context, status=status)


@page(MANAGE_CALENDAR)
def calendar(request: HttpRequest) -> HttpResponse:
    """The office's holidays and make-up workdays."""
    year = int_param(request, "year") or timezone.localdate().year
    form = CalendarForm(request.POST or None)
    if request.method == "POST":
        remove = request.POST.get("delete", "")
        if remove:
            try:
                day = dt.date.fromisoformat(remove)
            except ValueError:
                return HttpResponse(_("日期格式不对。"), status=400)
            _calendar_change(request, first=day, kind=None)
            return redirect(f"{reverse('diary:calendar')}?year={year}")
        if form.is_valid():
            data = form.cleaned_data
            _calendar_change(
                request, first=data["date"], last=data["last"], kind=data["kind"], name=data["name"]
            )
            return redirect(f"{reverse('diary:calendar')}?year={data['date'].year}")
        return render(request, "diary/calendar.html", _calendar_context(form, year), status=400)
    return render(request, "diary/calendar.html", _calendar_context(form, year))


def _calendar_change(
    request: HttpRequest,
    *,
    first: dt.date,
    last: dt.date | None = None,
    kind: str | None,
    name: str = "",
) -> None:
    """Change the calendar and say what it did: the cadre-months summed again, or why not."""
    try:
        summed = calendar_change(first=first, last=last, kind=kind, name=name)
    except DiaryError as exc:
        messages.error(request, str(exc))
        return
    messages.success(request, _("已保存；重新汇总了 %(n)d 个干部的当月考勤。") % {"n": summed})


def _calendar_context(form: CalendarForm, year: int) -> dict[str, object]:
    return {
        "form": form,
        "year": year,
        "days": CalendarDay.objects.filter(date__year=year),
    }
