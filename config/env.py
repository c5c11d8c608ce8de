"""Typed environment helpers: every setting read from the environment fails loudly and clearly.

>>> env_int("KAOHE_IMPORT_MAX_MB", 20)  # doctest: +SKIP
20
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS: Final = ("1", "true", "yes", "on")
FALSE_WORDS: Final = ("0", "false", "no", "off", "")


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    return None if value is None else value.strip()


def _fail(name: str, value: str, expected: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"environment variable {name}={value!r}: expected {expected}")


def env_str(name: str, default: str | None = None) -> str:
    """The variable's text; without a default the variable is required."""
    value = _raw(name)
    if value is None or value == "":
        if default is None:
            raise ImproperlyConfigured(f"environment variable {name} is required but not set")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in TRUE_WORDS:
        return True
    if value.lower() in FALSE_WORDS:
        return False
    raise _fail(name, value, "one of 1/0, true/false, yes/no, on/off")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise _fail(name, value, "a whole number") from None
    if minimum is not None and number < minimum:
        raise _fail(name, value, f"a whole number of at least {minimum}")
    return number


def env_list(name: str, default: tuple[str, ...] = ()) -> list[str]:
    """Comma-separated values, trimmed; empty items dropped."""
    value = _raw(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_path(name: str, default: Path, *, base: Path) -> Path:
    """A path; a relative one is taken relative to ``base`` (the repository)."""
    value = _raw(name)
    path = Path(value) if value else default
    return path if path.is_absolute() else base / path


def database_from_url(url: str, *, base: Path, name: str = "DATABASE_URL") -> dict[str, Any]:
    """Django's DATABASES entry for ``sqlite:///path`` or ``postgres://user:pw@host:port/db``.

    ``sqlite:///var/kaohe.sqlite3`` is relative to ``base``; ``sqlite:////srv/kaohe.sqlite3`` is
    absolute. SQLite runs in WAL mode with ``synchronous=NORMAL``, a busy timeout and ``BEGIN
    IMMEDIATE`` transactions, so the web process and the worker write without ``database is
    locked`` errors.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        rest = url.split("://", 1)[1]
        if not rest.startswith("/") or rest == "/":
            raise _fail(name, url, "sqlite:///relative/path or sqlite:////absolute/path")
        path = Path(rest[1:])
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": path if path.is_absolute() else base / path,
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;"
                ),
            },
        }
    if scheme in ("postgres", "postgresql", "pgsql"):
        database = unquote(parts.path.lstrip("/"))
        if not database:
            raise _fail(name, url, "postgres://user:password@host:port/database")
        options: Mapping[str, str] = dict(parse_qsl(parts.query))
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": database,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "OPTIONS": dict(options),
        }
    raise _fail(name, url, "a sqlite:/// or postgres:// URL")
