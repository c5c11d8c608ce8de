"""Objects of the tasks pages for the permission matrix: a post task and a submitted
reconciliation (with an evidence file) of the own cadre and of the other unit's cadre."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.utils import timezone

from kaohe.org.models import Cadre
from kaohe.tasks.models import PostTask, Report, ReportFile
from kaohe.tasks.services import post_at

TASKS_MONTH = 2  # open (the matrix locks month 1)


def tasks_objects(year: int, own: str, other: str) -> dict[str, tuple[int, int]]:
    """``reconciliation`` and ``reconfile``: (own, other) primary keys."""
    reports: list[int] = []
    files: list[int] = []
    for code in (own, other):
        cadre = Cadre.objects.get(code=code)
        post = post_at(cadre, year, TASKS_MONTH)
        assert post is not None
        task = PostTask.objects.create(year=year, month=TASKS_MONTH, post=post, name="月度任务")
        report = Report.objects.create(
            year=year,
            month=TASKS_MONTH,
            cadre=cadre,
            post=post,
            state=Report.State.SUBMITTED,
            submitted_at=timezone.now(),
        )
        report.lines.create(post_task=task, task_name=task.name, status="done")
        made = ReportFile(report=report, name="evidence.pdf", size=9)
        made.file.save("evidence.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
        made.save()
        reports.append(report.pk)
        files.append(made.pk)
    return {"reconciliation": (reports[0], reports[1]), "reconfile": (files[0], files[1])}
