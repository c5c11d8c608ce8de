"""District-wide pages: dashboard (总览), ranking (排名), annual results, actions, training."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from kaohe.accounts.roles import INSPECTOR, VIEW_PEOPLE
from kaohe.accounts.scope import cadre_codes_for, scope_for, unit_codes_for
from kaohe.core.periods import month_label
from kaohe.engine import schema as s
from kaohe.followup.selectors.actions import followups_of
from kaohe.web import labels
from kaohe.web.cache import cached_body
from kaohe.web.selectors import annual as annual_selectors
from kaohe.web.selectors.common import run_plan, unit_names
from kaohe.web.selectors.dashboard import dashboard as dashboard_data
from kaohe.web.selectors.ranking import category_ranking
from kaohe.web.views.common import int_param, is_htmx, page, render_htmx, shown_for


@page()
def dashboard(request: HttpRequest) -> HttpResponse:
    """The home page: key figures and charts of the selected year and month."""
    shown = shown_for(request)

    def build() -> tuple[dict[str, object], str]:
        context: dict[str, object] = {"shown": shown}
        if shown.run is not None:
            scope = scope_for(request.user)  # inspectors see every veto, others their cadres'
            cadres = None if INSPECTOR in scope.roles else cadre_codes_for(request.user)
            data = dashboard_data(shown.run, shown.month, timezone.localdate(), cadres=cadres)
            context["data"] = data
            context["charts"] = {
                "months": [month_label(shown.year, m) for m in shown.months],
                "trend": data.trend,
                "bars": data.bars,
                "histogram": [[b.label, b.count] for b in data.histogram],
                "unit_url": reverse("web:unit", args=["__code__"])
                + f"?year={shown.year}&month={shown.month}#explain",
                "text": {
                    "mean": _("平均得分"),
                    "score": _("得分"),
                    "cadres": _("干部人数"),
                    "final": _("月度最终得分"),
                },
            }
        return context, _("总览")

    page_body = cached_body(request, shown=shown, template="web/_dashboard_body.html", build=build)
    return render(request, "web/dashboard.html", page_body)


@page()
def ranking(request: HttpRequest) -> HttpResponse:
    """Units of a category for a month by rank; htmx swaps only the table."""
    shown = shown_for(request)

    def build() -> tuple[dict[str, object], str]:
        context: dict[str, object] = {"shown": shown}
        if shown.run is not None:
            categories = list(run_plan(shown.run).categories)
            category = request.GET.get("category", "")
            if category not in categories:
                category = categories[0] if categories else ""
            context |= {
                "categories": categories,
                "category": category,
                "rows": category_ranking(shown.run, shown.month, category),
                "cards": unit_codes_for(request.user),  # units whose card opens (None: all)
            }
        return context, _("排名")

    if is_htmx(request):  # only the table
        context, _title = build()
        return render_htmx(request, "web/ranking.html", "web/_ranking_table.html", context)
    page_body = cached_body(request, shown=shown, template="web/_ranking_body.html", build=build)
    response = render(request, "web/ranking.html", page_body)
    patch_vary_headers(response, ("HX-Request",))
    return response


@page(VIEW_PEOPLE)
def annual(request: HttpRequest) -> HttpResponse:
    """Grades per quota group with quota use, 不定等次 with reasons, filtered results."""
    shown = shown_for(request)
    context: dict[str, object] = {"shown": shown}
    run = shown.run
    if run is not None:
        where = annual_selectors.AnnualFilter(
            subject_type=request.GET.get("type", ""),
            grade=request.GET.get("grade", ""),
            unit=request.GET.get("unit", ""),
        )
        found = annual_selectors.overrides(run)  # the year's close's, read once
        results = annual_selectors.annual_page(
            run, where, int_param(request, "page") or 1, user=request.user, found=found
        )
        undetermined = annual_selectors.undetermined(run, user=request.user)
        summary = annual_selectors.summary(run, found)
        context |= {
            "where": where,
            "quota": summary.quota,
            "grades": summary.grades,
            "results": results,
            "undetermined": undetermined,
            "names": annual_selectors.names_of([*results, *undetermined]),
            "units": unit_names(),
            "grade_choices": [*s.CADRE_GRADES, *s.TEAM_GRADES, s.UNDETERMINED],
            "type_choices": [
                (s.SUBJECT_CADRE, labels.label("subject_type", s.SUBJECT_CADRE)),
                (s.SUBJECT_TEAM, labels.label("subject_type", s.SUBJECT_TEAM)),
            ],
        }
    return render_htmx(request, "web/annual.html", "web/_annual_results.html", context)


@page(VIEW_PEOPLE)
def actions(request: HttpRequest) -> HttpResponse:
    """Bottom-rank actions (末尾督考) of a period."""
    shown = shown_for(request)
    context: dict[str, object] = {"shown": shown}
    if shown.run is not None:
        periods = annual_selectors.action_periods(shown.run)
        period = request.GET.get("period", "")
        if period not in periods:
            period = periods[-1] if periods else ""
        subject_type = request.GET.get("type", "")
        rows = (
            annual_selectors.actions(shown.run, period, subject_type, user=request.user)
            if period
            else []
        )
        context |= {
            "periods": periods,
            "period": period,
            "subject_type": subject_type,
            "rows": rows,
            "names": annual_selectors.names_of(rows)
            | unit_names({a.owner for a in rows if a.owner and a.owner != s.OFFICE}),
            "today": timezone.localdate().isoformat(),
            "followups": followups_of(rows),
        }
    return render_htmx(request, "web/actions.html", "web/_actions_table.html", context)


@page(VIEW_PEOPLE)
def training(request: HttpRequest) -> HttpResponse:
    """Weak tags by topic and form, and who needs them."""
    shown = shown_for(request)
    context: dict[str, object] = {"shown": shown}
    if shown.run is not None:
        tag, form = request.GET.get("tag", ""), request.GET.get("form", "")
        needs = annual_selectors.training_page(
            shown.run, tag, form, int_param(request, "page") or 1, user=request.user
        )
        context |= {
            "summary": annual_selectors.training_summary(shown.run, user=request.user),
            "tag": tag,
            "form": form,
            "needs": needs,
            "names": annual_selectors.names_of(needs),
        }
    return render_htmx(request, "web/training.html", "web/_training_needs.html", context)
