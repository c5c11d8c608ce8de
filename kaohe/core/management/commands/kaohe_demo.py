"""``manage.py kaohe_demo``: a computed demo district with one account per role."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.table import Table

from kaohe.collection.services import LockedDataError
from kaohe.core.demo import NotEmptyError, accounts_file, database_is_empty, demo_create
from kaohe.cycle.guard import MonthLockedError


class Command(BaseCommand):
    help = "Generate the demo district, load it, compute it and create the demo accounts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--units", type=int, default=60)
        parser.add_argument("--cadres", type=int, default=1500)
        parser.add_argument("--year", type=int, default=2026)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--reset", action="store_true", help="replace the data of a non-empty database"
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing when the database already holds data (scripts/run)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console()
        if options["if_empty"] and not database_is_empty():
            console.print("the database holds data: no demo generated")
            return
        with console.status("demo…") as status:
            try:
                demo = demo_create(
                    units=options["units"],
                    cadres=options["cadres"],
                    year=options["year"],
                    seed=options["seed"],
                    reset=options["reset"],
                    step=lambda text: status.update(f"demo: {text}…"),
                )
            except (NotEmptyError, LockedDataError, MonthLockedError) as exc:
                raise CommandError(str(exc)) from None  # nothing was written
        rows = sum(c.created + c.updated + c.unchanged for c in demo.counts.values())
        run = demo.run
        console.print(
            f"demo {options['year']}: {rows} rows loaded; run {run.pk} {run.state} "
            f"({sum(run.counts.values())} result rows)"
        )
        if run.state != "done":
            raise CommandError(f"the demo run failed: {run.error}")
        table = Table(title=f"demo accounts (passwords shown once; also in {accounts_file()})")
        for head in ("username", "password", "role"):
            table.add_column(head)
        for account in demo.accounts:
            table.add_row(account.username, account.password, account.role)
        console.print(table)
