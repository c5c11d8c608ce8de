"""The demo's post tasks and one submitted reconciliation (kaohe_demo), so that the tasks pages
show something: the demo unit head's unit decomposed for the run's last two months, the demo
cadre's report of the earlier one submitted (not rated: the computed scores stay as they are)."""

from __future__ import annotations

from kaohe.org.models import Cadre, Post, Unit
from kaohe.tasks.models import PostTask
from kaohe.tasks.services import LineInput, post_at, report_submit

DEMO_TASKS = (("信息报送", "按时报送，每迟报一次扣一档"), ("重点工作推进", "按月度节点完成"))


def demo_tasks(*, unit: Unit, year: int, month: int, cadre: Cadre | None) -> int:
    """Post tasks of every post of ``unit`` in ``month - 1`` and ``month``; returns how many."""
    months = [m for m in (month - 1, month) if m >= 1]
    rows = [
        PostTask(year=year, month=m, post=post, name=name, standard=standard)
        for post in Post.objects.filter(unit=unit)
        for m in months
        for name, standard in DEMO_TASKS
    ]
    PostTask.objects.bulk_create(rows)
    if cadre is not None and len(months) == 2:
        post = post_at(cadre, year, months[0])
        tasks = PostTask.objects.filter(year=year, month=months[0], post=post)
        if post is not None and post.unit_id == unit.pk and tasks:
            lines = [LineInput(t, "done", "已按时完成") for t in tasks]
            report_submit(cadre=cadre, year=year, month=months[0], lines=lines)
    return len(rows)
