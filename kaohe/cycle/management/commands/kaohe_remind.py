"""``manage.py kaohe_remind [--date YYYY-MM-DD]``: today's deadline reminders (run it daily)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kaohe.cycle.services.reminders import reminders_send


class Command(BaseCommand):
    help = "Send the day's deadline reminders of the monthly cycle (in-app, and email if set up)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="the day to remind for (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["date"]:
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(f"--date {options['date']!r} is not YYYY-MM-DD") from None
        made = reminders_send(today=today)
        self.stdout.write(f"{made} reminder(s) sent")
