"""The English catalogue: every string of the pages and models translated, compiled, complete."""

from __future__ import annotations

import ast
import gettext
import os
import re
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from pytest_django import Settings as SettingsWrapper

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "kaohe" / "locale" / "en" / "LC_MESSAGES"
# Not ours to translate here: tests, tools, third-party and generated files, and the JSON API's
# app (its own engineer's; its strings join the catalogue with it).
IGNORED = [
    ".venv/*",
    "node_modules/*",
    "tests/*",
    "var/*",
    "benchmarks/*",
    "scripts/*",
    "test-artifacts/*",
    "build/*",
    "kaohe/static/*",
    "kaohe/api/*",
    "kaohe/locale",  # else makemessages would write into the committed catalogue
]
Entry = tuple[str, str | None, list[str], list[str]]  # msgid, plural, msgstrs, flags


def _string(lines: list[str]) -> str:
    return "".join(ast.literal_eval(line) for line in lines)


def entries(po: Path) -> list[Entry]:
    """The catalogue's entries (header left out)."""
    found: list[Entry] = []
    for block in po.read_text(encoding="utf-8").split("\n\n"):
        flags = [
            f for line in block.splitlines() if line.startswith("#,") for f in line[2:].split(",")
        ]
        fields: dict[str, list[str]] = {}
        key = ""
        for line in block.splitlines():
            match = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d\])?) (".*")$', line)
            if match:
                key = match.group(1)
                fields[key] = [match.group(2)]
            elif line.startswith('"') and key:
                fields[key].append(line)
        if "msgid" not in fields or _string(fields["msgid"]) == "":
            continue
        plural = _string(fields["msgid_plural"]) if "msgid_plural" in fields else None
        strs = [_string(v) for k, v in sorted(fields.items()) if k.startswith("msgstr")]
        found.append((_string(fields["msgid"]), plural, strs, [f.strip() for f in flags]))
    return found


def test_every_string_is_translated() -> None:
    found = entries(CATALOGUE / "django.po")
    assert len(found) > 300
    for msgid, _plural, strs, flags in found:
        assert "fuzzy" not in flags, msgid
        assert all(strs), f"not translated: {msgid}"


def test_the_compiled_catalogue_is_the_catalogue() -> None:
    with (CATALOGUE / "django.mo").open("rb") as f:
        compiled = gettext.GNUTranslations(f)
    for msgid, plural, strs, _flags in entries(CATALOGUE / "django.po"):
        if plural is None:
            assert compiled.gettext(msgid) == strs[0], msgid
        else:
            assert compiled.ngettext(msgid, plural, 1) == strs[0], msgid
            assert compiled.ngettext(msgid, plural, 2) == strs[1], msgid


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext is not installed")
def test_the_catalogue_holds_every_string_of_the_source(
    settings: SettingsWrapper, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.LOCALE_PATHS = [tmp_path]
    monkeypatch.chdir(ROOT)
    call_command("makemessages", locale=["en"], ignore_patterns=IGNORED, verbosity=0)
    fresh = {(e[0], e[1]) for e in entries(tmp_path / "en" / "LC_MESSAGES" / "django.po")}
    committed = {(e[0], e[1]) for e in entries(CATALOGUE / "django.po")}
    assert sorted(fresh - committed) == [], "run makemessages and translate (README)"
    assert sorted(committed - fresh) == [], "strings no longer in the source"
    assert os.listdir(tmp_path) == ["en"]
