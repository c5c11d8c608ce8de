"""Checks of uploaded evidence: size and type, the type read from the content. An adjustment's
evidence files (model validators), a follow-up record's and a political ledger entry's
attachment (:func:`checked_attachment_name`): one list of types, one size limit
(``KAOHE_EVIDENCE_MAX_MB``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path, PurePath
from typing import Any, Final

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext as _

# extension → the first bytes its content starts with
SIGNATURES: Final[dict[str, tuple[bytes, ...]]] = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "xlsx": (b"PK\x03\x04",),
    "docx": (b"PK\x03\x04",),
    "xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    "doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
}


def evidence_max_bytes() -> int:
    return int(settings.KAOHE_EVIDENCE_MAX_BYTES)


def validate_evidence_size(value: Any) -> None:
    limit = evidence_max_bytes()
    if value.size > limit:
        raise ValidationError(
            _("文件 %(name)s 大小为 %(size).1f MB，超过上限 %(limit).1f MB")
            % {"name": Path(value.name).name, "size": value.size / 2**20, "limit": limit / 2**20}
        )


def validate_evidence_content(value: Any) -> None:
    """The content starts as its extension says (a renamed executable is refused)."""
    ext = Path(value.name).suffix.lower().lstrip(".")
    head = b""
    if hasattr(value, "open"):
        value.open("rb")
    try:
        value.seek(0)
        head = value.read(16)
        value.seek(0)
    except (OSError, ValueError):
        head = b""
    if not any(head.startswith(sig) for sig in SIGNATURES.get(ext, ())):
        raise ValidationError(
            _("文件 %(name)s 的内容不是 %(ext)s 文件") % {"name": Path(value.name).name, "ext": ext}
        )


def evidence_validators() -> list[Callable[[Any], None]]:
    return [
        FileExtensionValidator(sorted(SIGNATURES)),
        validate_evidence_size,
        validate_evidence_content,
    ]


def accepted_suffixes() -> str:
    """The types as a file input's ``accept`` list: ``.doc,.docx,…``."""
    return ",".join(f".{ext}" for ext in sorted(SIGNATURES))


def checked_attachment_name(upload: Any, error: type[Exception]) -> str:
    """The attachment's file name after its size and type (by its first bytes) were checked;
    ``error`` (the caller's refusal) says why not."""
    name = PurePath(upload.name or "").name
    limit = evidence_max_bytes()
    if (upload.size or 0) > limit:
        raise error(
            _("附件 %(name)s 超过 %(mb)d MB。") % {"name": name, "mb": limit // (1024 * 1024)}
        )
    suffix = PurePath(name).suffix.lower()
    magic = SIGNATURES.get(suffix.lstrip("."))
    if not suffix or magic is None:
        raise error(
            _("附件 %(name)s 的类型不允许（可用：%(types)s）。")
            % {"name": name, "types": "、".join(f".{ext}" for ext in sorted(SIGNATURES))}
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(m) for m in magic):
        raise error(
            _("附件 %(name)s 的内容与其扩展名 %(suffix)s 不符。") % {"name": name, "suffix": suffix}
        )
    return name
