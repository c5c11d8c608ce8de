"""``manage.py audit_verify``: check the audit trail's hash chain; exit 1 at the first broken
link, naming the event and what was expected and found."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kaohe.audit.selectors import audit_verify


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain and report the first broken link."

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_verify()
        if result.broken is not None:
            raise CommandError(
                f"audit chain broken after {result.count} good event(s): {result.broken}"
            )
        self.stdout.write(
            f"audit chain intact: {result.count} event(s), last hash {result.last_hash}"
        )
