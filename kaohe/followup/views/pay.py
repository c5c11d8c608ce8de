"""Performance pay pages (全员绩效工资): pools entered by the office, the run's shares against
them (sum = pool), and the finance office's export (xlsx, CSV)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaohe.accounts.models import User
from kaohe.accounts.roles import VIEW_PEOPLE
from kaohe.accounts.scope import cadre_codes_for
from kaohe.followup import permissions
from kaohe.followup.forms import PoolForm
from kaohe.followup.selectors import pay as selectors
from kaohe.followup.services import pay as services
from kaohe.followup.views.common import attempt, form_errors, require_office
from kaohe.web.views.common import int_param, page, shown_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@page(VIEW_PEOPLE)
def pay(request: HttpRequest) -> HttpResponse:
    """Pools of the year (a month with ``?month=``) and, per unit and month, the current run's
    shares: people, Σ shares and the pool, which must be equal to the cent; with ``?unit=`` and
    ``?month=`` every share of that pool. Cut to the scope: pools and checks of the units the
    user heads (every unit for the office), shares of the people the user may see."""
    shown = shown_for(request)
    month = int_param(request, "month")
    units = permissions.pay_units(request.user)
    cadres = cadre_codes_for(request.user)
    checks = [
        c
        for c in (selectors.pool_checks(shown.run, month) if shown.run else [])
        if units is None or c.unit in units
    ]
    unit = request.GET.get("unit", "")
    shares = [
        row
        for row in (
            selectors.export_rows(shown.run, month, unit) if shown.run and unit and month else []
        )
        if cadres is None or row[3] in cadres
    ]
    pools = [
        p
        for p in (selectors.pools(shown.year, month) if shown.year else [])
        if units is None or p.unit.code in units
    ]
    check = next((c for c in checks if c.unit == unit and c.month == month), None)
    return render(
        request,
        "followup/pay.html",
        {
            "shown": shown,
            "month": month,
            "months": range(1, 13),
            "pools": pools,
            "checks": checks,
            "unbalanced": sum(1 for c in checks if not c.balanced),
            "unit": unit,
            "shares": shares,
            "check": check,
            "is_office": permissions.is_office_user(request.user),
            "form": PoolForm(initial={"month": month or 1}),
        },
    )


@require_POST
@page()
def pool_save(request: HttpRequest) -> HttpResponse:
    """The office enters or changes a pool (yuan with 2 decimals, stored in cents)."""
    require_office(request)
    shown = shown_for(request)
    form = PoolForm(request.POST)
    if form.is_valid() and shown.year:
        data = form.cleaned_data
        user = request.user if isinstance(request.user, User) else None
        attempt(
            request,
            lambda: services.pay_pool_save(
                year=shown.year,
                unit=data["unit"],
                month=data["month"],
                pool_cents=form.cents(),
                user=user,
            ),
            _("已保存 %(unit)s %(month)d 月的绩效工资总额，重新计算后生效。")
            % {"unit": data["unit"].name, "month": data["month"]},
        )
    else:
        form_errors(request, form)
    return redirect(f"{reverse('followup:pay')}?year={shown.year}")


def _export(request: HttpRequest, kind: str) -> HttpResponse:
    require_office(request)
    shown = shown_for(request)
    month = int_param(request, "month")
    rows = selectors.export_rows(shown.run, month) if shown.run else []
    name = f"pay-{shown.year}" + (f"-{month:02d}" if month else "")
    if kind == "csv":
        response = HttpResponse(services.pay_csv(rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(services.pay_xlsx(rows, name), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response


@page()
def export_csv(request: HttpRequest) -> HttpResponse:
    return _export(request, "csv")


@page()
def export_xlsx(request: HttpRequest) -> HttpResponse:
    return _export(request, "xlsx")
