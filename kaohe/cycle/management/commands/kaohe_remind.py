"""``manage.py kaohe_remind [--date YYYY-MM-DD]``: today's deadline reminders (run it daily).

The monthly cycle's, and those of every installed app whose AppConfig names a
``daily_reminders`` function (``today=`` → the number sent): the leaders' ratings' open windows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.module_loading import import_string

from kaohe.cycle.services.reminders import reminders_send


class Command(BaseCommand):
    help = (
        "Send the day's deadline reminders of the monthly cycle and the leaders' ratings "
        "(in-app, and email if set up)."
    )

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
        for config in apps.get_app_configs():
            path = getattr(config, "daily_reminders", None)
            if isinstance(path, str):
                made += int(import_string(path)(today=today))
        self.stdout.write(f"{made} reminder(s) sent")
