"""``manage.py kaohe_compute --year Y [--through YYYY-MM]``: compute a plan year and store it."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console

from kaohe.core.periods import parse_year_month
from kaohe.cycle.guard import MonthLockedError
from kaohe.results.models import Run
from kaohe.results.services import NoPlanError, run_create, run_enqueue, run_execute


class Command(BaseCommand):
    help = "Compute every result table of a plan year from the stored data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--through", help="last month to compute, YYYY-MM (default: all)")
        parser.add_argument(
            "--background",
            action="store_true",
            help="hand large runs to the worker (manage.py db_worker) instead of waiting",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        year: int = options["year"]
        through = None
        if options["through"]:
            try:
                through_year, through = parse_year_month(options["through"])
            except ValueError as exc:
                raise CommandError(str(exc)) from None
            if through_year != year:
                raise CommandError(f"--through {options['through']} is not in {year}")
        try:
            run = run_create(year=year, through_month=through)
        except (NoPlanError, MonthLockedError) as exc:
            raise CommandError(str(exc)) from None
        console = Console()
        if options["background"]:
            run = run_enqueue(run=run)
        else:
            with console.status(f"computing {year}…"):
                run = run_execute(run_id=run.pk)
        print_run(console, run)
        if run.state == Run.State.FAILED:
            raise CommandError(f"run {run.pk} failed")


def print_run(console: Console, run: Run) -> None:
    if run.state == Run.State.DONE:
        seconds = (
            (run.finished - run.started).total_seconds() if run.started and run.finished else 0
        )
        rows = sum(run.counts.values())
        console.print(
            f"run {run.pk}: {run.year} months 1–{run.months} computed in {seconds:.1f} s; "
            f"{rows} result rows ({run.counts.get('unit_monthly', 0)} unit-months, "
            f"{run.counts.get('cadre_monthly', 0)} cadre-months); input {run.input_checksum[:12]}"
        )
    elif run.state == Run.State.FAILED:
        console.print(f"[red]run {run.pk} failed: {run.error}[/red]")
        for p in run.problems.all()[:200]:
            console.print(f"  {p}", markup=False, highlight=False)
    else:
        console.print(f"run {run.pk} is {run.state}: the worker (manage.py db_worker) computes it")
