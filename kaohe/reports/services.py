"""Writes of export jobs: create, enqueue, execute (make the file, or a what-if comparison).

A job is executed by the background worker (django-tasks, :mod:`kaohe.reports.tasks`); its
progress is saved as it goes (outside any transaction) for the page that polls it. A failed job
keeps its error; nothing in the result tables is ever written.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import tempfile
import traceback
import zipfile
from pathlib import Path
from typing import Any, Final

from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.accounts.models import User
from kaohe.analytics.whatif import whatif_compare
from kaohe.engine import DataError, EngineError, PlanError
from kaohe.reports import documents, sheets
from kaohe.reports.models import ExportJob
from kaohe.results.models import CadreMonthly, Run

logger = logging.getLogger(__name__)
XLSX: Final = "xlsx"
STAGE_WORKING: Final = "working"
STAGE_WRITING: Final = "writing the file"
STAGE_DONE: Final = "done"
STAGE_FAILED: Final = "failed"
MAX_ERROR_LINES: Final = 50


@transaction.atomic
def export_job_create(
    *, user: User, run: Run, kind: str, params: dict[str, Any] | None = None
) -> ExportJob:
    """A queued export of ``run`` for ``user``."""
    job = ExportJob(kind=kind, year=run.year, run=run, params=params or {}, created_by=user)
    job.full_clean()
    job.save()
    return job


def export_job_enqueue(*, job: ExportJob) -> ExportJob:
    """Hand the job to the background worker once the transaction commits."""
    from kaohe.reports.tasks import export_run  # noqa: PLC0415 - tasks import this module

    transaction.on_commit(lambda: export_run.enqueue(job.pk))
    return job


def _progress(job: ExportJob, progress: int, stage: str = STAGE_WORKING) -> None:
    job.progress, job.stage = min(progress, 99), stage
    job.save(update_fields=["progress", "stage", "updated"])


def _name(job: ExportJob, extension: str) -> str:
    return f"kaohe-{job.kind}-{job.year}-{job.pk}.{extension}"


def export_job_execute(*, job_id: int) -> ExportJob:
    """Make the job's file (or comparison); a job already taken is left alone."""
    claimed = ExportJob.objects.filter(pk=job_id, state=ExportJob.State.QUEUED).update(
        state=ExportJob.State.RUNNING, started=timezone.now()
    )
    job = ExportJob.objects.select_related("run").get(pk=job_id)
    if not claimed:
        return job
    _progress(job, 2)
    try:
        _make(job)
    except (EngineError, ValueError) as exc:
        _fail(job, _engine_error(exc))
    except Exception:
        _fail(job, traceback.format_exc().splitlines()[-1])
        raise
    return job


def _engine_error(exc: Exception) -> str:
    if isinstance(exc, PlanError):
        lines = [f"plan: {i.path}: {i.message}" for i in exc.issues]
    elif isinstance(exc, DataError):
        lines = [str(p) for p in exc.problems]
    else:
        lines = [str(exc)]
    return "\n".join(lines[:MAX_ERROR_LINES])


def _make(job: ExportJob) -> None:
    run, params = job.run, job.params

    def report(percent: int) -> None:
        _progress(job, percent)

    kind = job.kind
    if kind == ExportJob.Kind.WHATIF:
        job.result = whatif_compare(run, params["yaml"], int(params["month"]), report)
        _finish(job)
        return
    if kind in (ExportJob.Kind.SCORES, ExportJob.Kind.PAY):
        with tempfile.TemporaryDirectory(prefix="kaohe-export-") as folder:
            path = Path(folder) / "export.xlsx"
            if kind == ExportJob.Kind.SCORES:
                sheets.scores_workbook(run, path, unit=params.get("unit", ""), progress=report)
            else:
                sheets.pay_workbook(run, path, progress=report)
            _progress(job, 96, STAGE_WRITING)
            with path.open("rb") as f:
                _finish(job, File(f), _name(job, XLSX))
        return
    if kind in (ExportJob.Kind.RANKING, ExportJob.Kind.ANNUAL):
        buffer = io.BytesIO()
        if kind == ExportJob.Kind.RANKING:
            sheets.ranking_workbook(run, int(params.get("month") or run.months or 1), buffer)
        else:
            sheets.annual_workbook(run, buffer)
        _finish(job, ContentFile(buffer.getvalue()), _name(job, XLSX))
        return
    if kind == ExportJob.Kind.UNIT_CARDS:
        pdf = documents.unit_cards_pdf(run, report)
        _finish(job, ContentFile(pdf), _name(job, "pdf"))
        return
    if kind == ExportJob.Kind.CADRE_CARDS:
        _finish(
            job,
            ContentFile(_cadre_cards_zip(run, params.get("unit", ""), report)),
            _name(job, "zip"),
        )
        return
    if kind == ExportJob.Kind.NOTICE:
        start = dt.date.fromisoformat(params.get("start") or timezone.localdate().isoformat())
        pdf = documents.notice_pdf(run, start, params.get("issuer") or _("考核办"))
        _finish(job, ContentFile(pdf), _name(job, "pdf"))
        return
    raise ValueError(f"unknown export kind {kind!r}")


def _cadre_cards_zip(run: Run, unit: str, report: Any) -> bytes:
    """One PDF card per cadre (of ``unit``, or all), named ``<code>-<name>.pdf``."""
    query = CadreMonthly.objects.filter(run=run)
    if unit:
        query = query.filter(unit_code=unit)
    codes = sorted({c for c in query.values_list("cadre_code", flat=True) if c})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for done, code in enumerate(codes, start=1):
            data = documents.cadre_card_data(run, code)
            pdf = documents.pdf_render("reports/pdf/cadre_card.html", {"run": run, "card": data})
            archive.writestr(f"{data.code}-{data.name}.pdf", pdf)
            report(5 + 90 * done // max(len(codes), 1))
    return buffer.getvalue()


@transaction.atomic
def _finish(job: ExportJob, content: File[bytes] | None = None, filename: str = "") -> None:
    if content is not None:
        job.file.save(filename, content, save=False)
        job.filename = filename
    job.state = ExportJob.State.DONE
    job.progress, job.stage = 100, STAGE_DONE
    job.finished = timezone.now()
    job.full_clean()
    job.save()


def _fail(job: ExportJob, error: str) -> None:
    job.state = ExportJob.State.FAILED
    job.stage = STAGE_FAILED
    job.error = error
    job.finished = timezone.now()
    job.save()
    logger.warning("export %s (%s) failed: %s", job.pk, job.kind, error.splitlines()[:1])
