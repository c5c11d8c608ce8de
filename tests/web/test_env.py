"""The settings helpers fail loudly, naming the variable and what was expected."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import database_from_url, env_bool, env_int, env_list, env_path, env_str


def test_a_required_variable_that_is_missing_names_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KAOHE_X", raising=False)
    with pytest.raises(ImproperlyConfigured, match="KAOHE_X is required"):
        env_str("KAOHE_X")
    assert env_str("KAOHE_X", "fallback") == "fallback"


def test_typed_values_are_parsed_or_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAOHE_B", "yes")
    monkeypatch.setenv("KAOHE_I", "12")
    monkeypatch.setenv("KAOHE_L", " a, b ,,c ")
    assert env_bool("KAOHE_B", False) is True
    assert env_int("KAOHE_I", 1) == 12
    assert env_list("KAOHE_L") == ["a", "b", "c"]
    monkeypatch.setenv("KAOHE_B", "maybe")
    with pytest.raises(ImproperlyConfigured, match=r"KAOHE_B='maybe': expected one of"):
        env_bool("KAOHE_B", False)
    monkeypatch.setenv("KAOHE_I", "twelve")
    with pytest.raises(ImproperlyConfigured, match="expected a whole number"):
        env_int("KAOHE_I", 1)
    monkeypatch.setenv("KAOHE_I", "0")
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env_int("KAOHE_I", 1, minimum=1)


def test_paths_are_relative_to_the_repository(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAOHE_P", "data/x")
    assert env_path("KAOHE_P", Path("var"), base=Path("/srv/kaohe")) == Path("/srv/kaohe/data/x")
    monkeypatch.setenv("KAOHE_P", "/abs")
    assert env_path("KAOHE_P", Path("var"), base=Path("/srv/kaohe")) == Path("/abs")


def test_database_urls() -> None:
    base = Path("/srv/kaohe")
    relative = database_from_url("sqlite:///var/k.sqlite3", base=base)
    assert relative["NAME"] == Path("/srv/kaohe/var/k.sqlite3")
    assert relative["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in relative["OPTIONS"]["init_command"]
    assert database_from_url("sqlite:////tmp/k.sqlite3", base=base)["NAME"] == Path(
        "/tmp/k.sqlite3"
    )
    pg = database_from_url("postgres://kaohe:p%40ss@db.local:5433/kaohe?sslmode=require", base=base)
    assert (pg["ENGINE"], pg["NAME"], pg["USER"], pg["PASSWORD"], pg["HOST"], pg["PORT"]) == (
        "django.db.backends.postgresql",
        "kaohe",
        "kaohe",
        "p@ss",
        "db.local",
        "5433",
    )
    assert pg["OPTIONS"] == {"sslmode": "require"}
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        database_from_url("mysql://x/y", base=base)
