"""``manage.py kaohe_import FILE --year Y``: import a workbook or CSV file into a plan year."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.table import Table

from kaohe.accounts.models import User
from kaohe.collection.models import ImportBatch
from kaohe.collection.services import import_file


class Command(BaseCommand):
    help = "Import a workbook (.xlsx/.xls, any tables as sheets) or one table's CSV into a year."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--user", help="username recorded as the importer")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"no such user: {options['user']}")
        console = Console()
        with console.status(f"importing {path.name}…"), path.open("rb") as handle:
            batch = import_file(
                upload=File(handle, name=path.name), year=options["year"], user=user
            )
        report(console, batch)
        if batch.state != ImportBatch.State.DONE:
            raise CommandError(f"{batch.problem_count} problem(s); nothing was written")


def report(console: Console, batch: ImportBatch) -> None:
    """The import's counts per table, or its problems."""
    if batch.state == ImportBatch.State.DONE:
        table = Table(title=f"{batch.file_name} → {batch.year} ({batch.seconds:.2f} s)")
        for head in ("table", "created", "updated", "unchanged"):
            table.add_column(head, justify="left" if head == "table" else "right")
        for name, counts in batch.counts.items():
            table.add_row(
                name, str(counts["created"]), str(counts["updated"]), str(counts["unchanged"])
            )
        table.add_row(
            "total",
            str(batch.created_count),
            str(batch.updated_count),
            str(batch.unchanged_count),
            style="bold",
        )
        console.print(table)
    else:
        console.print(f"[red]{batch.problem_count} problem(s) in {batch.file_name}:[/red]")
        for p in batch.problems:
            where = p["file"] + (f", row {p['row']}" if p["row"] is not None else "")
            where += f", column {p['column']}" if p["column"] else ""
            console.print(f"  {where}: {p['message']}", markup=False, highlight=False)
    for w in batch.warnings[:20]:
        console.print(f"  warning: {w['file']}: {w['message']}", markup=False, highlight=False)
    if len(batch.warnings) > 20:
        console.print(f"  … and {len(batch.warnings) - 20} more warnings")
