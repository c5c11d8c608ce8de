from __future__ import annotations

from django.contrib import admin

from kaohe.political.models import EvidenceFile


@admin.register(EvidenceFile)
class EvidenceFileAdmin(admin.ModelAdmin[EvidenceFile]):
    """Read-only here: attachments come with their entry on the ledger page."""

    list_display = ("evidence", "name", "uploaded_by", "created")
    readonly_fields = ("evidence", "file", "name", "uploaded_by")
