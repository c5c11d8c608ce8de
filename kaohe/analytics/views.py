"""Analytics pages (分析): persistence and rank dynamics, leniency, inflation and calibration,
and what-if (方案模拟) comparisons."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kaohe.analytics import selectors
from kaohe.analytics.forms import WhatIfForm
from kaohe.core.periods import month_label
from kaohe.engine import round_half_up
from kaohe.engine import schema as s
from kaohe.reports import predicates
from kaohe.reports.models import ExportJob
from kaohe.reports.selectors import export_job_get_for_user
from kaohe.reports.services import export_job_create, export_job_enqueue
from kaohe.reports.views import allowed, request_user
from kaohe.web.views.common import shown_for


def _published(values: list[float | None], decimals: int = 2) -> list[float | None]:
    return [None if v is None else round_half_up(v, decimals) for v in values]


@allowed(predicates.can_read_analytics)
def overview(request: HttpRequest) -> HttpResponse:
    """Persistently top or bottom subjects with their rank dynamics; rater and unit leniency."""
    shown = shown_for(request)
    context: dict[str, object] = {"shown": shown}
    if shown.run is not None:
        subject_type = request.GET.get("type", "")
        persistent = selectors.persistence_list(shown.run, subject_type)
        dynamics = selectors.rank_dynamics(shown.run, persistent)
        kind = request.GET.get("kind", "")
        raters = selectors.rater_list(shown.run, kind)
        context |= {
            "subject_type": subject_type,
            "persistent": persistent,
            "raters": selectors.rater_extremes(raters),
            "rater_total": len(raters),
            "kind": kind,
            "kinds": selectors.rater_kinds(shown.run),
            "units": selectors.unit_leniency(shown.run),
            "rater_groups": selectors.rater_groups(shown.run),
            "heads": selectors.unit_head_ratings(shown.run),
            "head_kinds": selectors.HEAD_KINDS,
            "charts": {
                "months": [month_label(shown.year, m) for m in shown.months],
                "dynamics": {name: _published(v, 1) for name, v in dynamics.items()},
                "text": {"position": _("名次百分位（越小越靠前）")},
            },
        }
    return render(request, "analytics/overview.html", context)


@allowed(predicates.can_read_analytics)
def units(request: HttpRequest) -> HttpResponse:
    """Score inflation by unit and each unit's distribution against the district's."""
    shown = shown_for(request)
    context: dict[str, object] = {"shown": shown}
    if shown.run is not None:
        trend = selectors.inflation(shown.run)
        district, distributions = selectors.calibration(shown.run, shown.month)
        context |= {
            "inflation": trend,
            "district": district,
            "distributions": distributions,
            "charts": {
                "months": [month_label(shown.year, m) for m in shown.months],
                "district": _published(trend.district_means),
                "units": {u.name: _published(u.means) for u in trend.units},
                "boxes": [
                    [
                        d.name or _("全区"),
                        *(round_half_up(v, 2) for v in (d.low, d.q1, d.median, d.q3, d.high)),
                    ]
                    for d in ([district] if district else []) + distributions
                ],
                "text": {"district": _("全区平均"), "score": _("干部月度最终得分")},
            },
        }
    return render(request, "analytics/units.html", context)


@allowed(predicates.can_run_whatif)
def whatif(request: HttpRequest) -> HttpResponse:
    """A draft plan applied to the stored data of a period, compared in the background."""
    shown = shown_for(request)
    if shown.run is None:
        return render(request, "analytics/whatif.html", {"shown": shown})
    run = shown.run
    form = WhatIfForm(
        request.POST or None,
        request.FILES or None,
        year=run.year,
        months=run.months or 0,
        initial={"month": shown.month, "plan_text": run.plan_snapshot},
    )
    if request.method == "POST" and form.is_valid():
        job = export_job_create(
            user=request_user(request),
            run=run,
            kind=ExportJob.Kind.WHATIF,
            params={"yaml": form.cleaned_data["yaml"], "month": form.cleaned_data["month"]},
        )
        export_job_enqueue(job=job)
        return redirect("analytics:whatif_result", job_id=job.pk)
    jobs = ExportJob.objects.filter(
        created_by=request_user(request), kind=ExportJob.Kind.WHATIF
    ).order_by("-created")[:10]
    status = 400 if request.method == "POST" else 200
    context = {"shown": shown, "form": form, "jobs": jobs}
    return render(request, "analytics/whatif.html", context, status=status)


@allowed(predicates.can_run_whatif)
def whatif_result(request: HttpRequest, job_id: int) -> HttpResponse:
    job = export_job_get_for_user(user=request_user(request), job_id=job_id)
    if job is None or job.kind != ExportJob.Kind.WHATIF:
        raise Http404(job_id)
    return render(request, "analytics/whatif_result.html", {"job": job, "subject": s.SUBJECT_CADRE})
