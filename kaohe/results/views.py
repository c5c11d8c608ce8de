"""The home page: the latest run of each year with its state and counts, and where to go next."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kaohe.collection.selectors import import_batch_recent
from kaohe.org.selectors import org_counts
from kaohe.plans.selectors import plan_list
from kaohe.results.selectors import run_latest_per_year


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "results/home.html",
        {
            "years": run_latest_per_year(),
            "plans": plan_list(),
            "org": org_counts(),
            "imports": import_batch_recent(limit=5),
        },
    )
