"""Checking and parsing an uploaded file: size, type by content, unpacked size, then the engine's
parser (kaohe.engine.io.parse_tables) on a private copy in a temporary directory.

A workbook (.xlsx/.xlsm, a zip; .xls, an OLE compound file) may hold any subset of the tables as
sheets; a CSV file holds the one table it is named after (``economic.csv`` or
``经济指标统计.csv``). The type comes from the first bytes, never from the name alone.
"""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, Protocol

import polars as pl

from kaohe.collection.exchange import TABLE_MAPS
from kaohe.engine import Problem
from kaohe.engine import schema as s
from kaohe.engine.io import parse_tables
from kaohe.engine.plan import Plan

ZIP_MAGIC: Final = (b"PK\x03\x04", b"PK\x05\x06")
OLE_MAGIC: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
UTF16_BOMS: Final = (b"\xff\xfe", b"\xfe\xff")
SNIFF_BYTES: Final = 8192
MAX_ZIP_ENTRIES: Final = 10_000
XLSX: Final = "xlsx"
XLS: Final = "xls"
CSV: Final = "csv"


class Upload(Protocol):
    """What an import reads: Django's ``UploadedFile`` or a ``File`` around an open file."""

    name: str | None

    @property
    def size(self) -> int: ...

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]: ...


class ImportRefusedError(Exception):
    """The file cannot be imported at all; ``problems`` say why."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


@dataclass(frozen=True, slots=True)
class Staged:
    """The upload copied to disk: where, its checksum, size and kind."""

    path: Path
    name: str
    sha256: str
    size: int
    kind: str


@dataclass(slots=True)
class Parsed:
    """The tables an upload holds (with rows), how to name them, and the parse problems."""

    frames: dict[str, pl.DataFrame] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def _refuse(name: str, message: str) -> ImportRefusedError:
    return ImportRefusedError([Problem(name, None, None, message)])


def table_named(text: str) -> str | None:
    """The table a file stem or sheet name stands for: its name or its Chinese title."""
    key = text.strip()
    for name, table in s.TABLES.items():
        if key.lower() == name or key == table.title:
            return name
    return None


def stage_upload(upload: Upload, folder: Path, *, max_bytes: int) -> Staged:
    """Copy the upload into ``folder`` (hashing it), checking its size on the way."""
    name = Path(upload.name or "upload").name or "upload"
    if upload.size > max_bytes:
        raise _refuse(
            name, f"the file is {_mb(upload.size)}, more than the {_mb(max_bytes)} allowed"
        )
    digest = hashlib.sha256()
    size = 0
    raw = folder / "upload.bin"
    with raw.open("wb") as out:
        for chunk in upload.chunks():
            size += len(chunk)
            if size > max_bytes:
                raise _refuse(name, f"the file is more than the {_mb(max_bytes)} allowed")
            digest.update(chunk)
            out.write(chunk)
    with raw.open("rb") as f:
        head = f.read(SNIFF_BYTES)
    kind = file_kind(head, name)
    return Staged(raw, name, digest.hexdigest(), size, kind)


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def file_kind(head: bytes, name: str) -> str:
    """``xlsx``, ``xls`` or ``csv`` from the first bytes; ImportRefusedError for anything else."""
    if not head:
        raise _refuse(name, "the file is empty")
    if head.startswith(ZIP_MAGIC):
        return XLSX
    if head.startswith(OLE_MAGIC):
        return XLS
    if head.startswith(UTF16_BOMS) or b"\x00" not in head:
        return CSV  # text; its encoding is checked by the engine's reader
    raise _refuse(name, "not an Excel workbook (.xlsx, .xls) nor a CSV text file")


def check_workbook_zip(staged: Staged, *, max_unpacked: int) -> None:
    """An .xlsx is a zip: read its directory (nothing is extracted) and check what it unpacks to."""
    try:
        with zipfile.ZipFile(staged.path) as archive:
            entries = archive.infolist()
    except zipfile.BadZipFile:
        raise _refuse(staged.name, "the file is a damaged zip archive, not a workbook") from None
    names = {e.filename for e in entries}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise _refuse(staged.name, "the zip archive is not an Excel workbook (.xlsx)")
    if len(entries) > MAX_ZIP_ENTRIES:
        raise _refuse(staged.name, f"the workbook holds more than {MAX_ZIP_ENTRIES} parts")
    unpacked = sum(e.file_size for e in entries)
    if unpacked > max_unpacked:
        raise _refuse(
            staged.name,
            f"the workbook unpacks to {_mb(unpacked)}, more than the {_mb(max_unpacked)} allowed",
        )


def parse_upload(staged: Staged, plan: Plan, *, max_unpacked: int) -> Parsed:
    """The tables of the upload, typed by the engine's parser, with every parse problem."""
    folder = staged.path.parent
    if staged.kind == XLSX:
        check_workbook_zip(staged, max_unpacked=max_unpacked)
        suffix = ".xlsm" if staged.name.lower().endswith(".xlsm") else ".xlsx"
        target = folder / (_stem(staged.name) + suffix)
        staged.path.rename(target)
    elif staged.kind == XLS:
        target = folder / (_stem(staged.name) + ".xls")
        staged.path.rename(target)
    else:
        table = table_named(Path(staged.name).stem)
        if table is None or not staged.name.lower().endswith(".csv"):
            raise _refuse(
                staged.name,
                "a CSV file holds one table and is named after it, as economic.csv or "
                "经济指标统计.csv",
            )
        target = folder / "tables"
        target.mkdir()
        staged.path.rename(target / staged.name)
    frames, sources, problems = parse_tables(target, plan)
    parsed = Parsed(sources=dict(sources))
    for problem in problems:
        if _absent_table(problem, sources):
            continue  # an import may hold any subset of the tables
        parsed.problems.append(problem)
    for name, frame in frames.items():
        if not frame.is_empty():
            parsed.frames[name] = frame
            parsed.problems += _too_long(name, sources[name], frame)
    return parsed


def _stem(name: str) -> str:
    stem = Path(name).stem
    safe = "".join(ch for ch in stem if ch.isalnum() or ch in "-_ .()（）") or "upload"
    return safe[:100]


def _absent_table(problem: Problem, sources: dict[str, str]) -> bool:
    for name, table in s.TABLES.items():
        missing = f"the table is missing: {name} ({table.title}) is required"
        if problem.message == missing and problem.file == sources.get(name):
            return True
    return False


def _too_long(name: str, source: str, frame: pl.DataFrame) -> list[Problem]:
    """Values longer than the stored column holds (the engine has no length limits)."""
    tm = TABLE_MAPS[name]
    problems: list[Problem] = []
    for column in tm.columns:
        if column in tm.links:
            continue
        model_field = tm.model._meta.get_field(tm.fields[column])
        limit = getattr(model_field, "max_length", None)
        if limit is None or frame.schema[column] != pl.String:
            continue
        long = frame.filter(pl.col(column).str.len_chars() > limit).select(s.ROW, column)
        problems += [
            Problem(source, row, column, f"'{value[:20]}…' is longer than {limit} characters")
            for row, value in long.iter_rows()
        ]
    return problems
