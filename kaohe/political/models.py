"""The one thing the ledger keeps beside the collection tables: an entry's optional attachment
(a scanned note, a photo of a finding). Entries themselves are rows of
:class:`kaohe.collection.models.Evidence` (the engine reads them)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaohe.collection.models import Evidence
from kaohe.core.models import TimeStamped


def attachment_path(instance: EvidenceFile, filename: str) -> str:
    entry = instance.evidence
    return f"political/{entry.year}/{entry.subject_code}/{secrets.token_hex(8)}-{filename}"


class EvidenceFile(TimeStamped):
    """证据附件: the attachment of one ledger entry (read by whoever reads the entry)."""

    evidence = models.OneToOneField(
        Evidence,
        verbose_name=_("政治素质证据"),
        on_delete=models.CASCADE,
        related_name="attachment",
    )
    file = models.FileField(_("附件"), upload_to=attachment_path)
    name = models.CharField(_("附件名称"), max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("证据附件")
        verbose_name_plural = _("证据附件")

    def __str__(self) -> str:
        return self.name
