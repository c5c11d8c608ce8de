"""Security settings and guards: the deployment check with production settings, the
Content-Security-Policy and templates without inline script or style, login lockout by
username and address, the password policy, the idle session timeout, formula injection on
export, and no SQL built from input."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from pytest_django import Settings as SettingsWrapper

from kaohe.accounts.models import Role, User
from kaohe.accounts.services import role_assign
from kaohe.core.exports import XLSX_OPTIONS, csv_response, csv_write, safe_cell
from kaohe.core.security import SEEN_KEY
from kaohe.followup.services.pay import pay_csv

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = [ROOT / "kaohe" / "templates", ROOT / "kaohe" / "api" / "templates"]


# --- deployment


def _deploy_check(**env: str) -> subprocess.CompletedProcess[str]:
    production = {k: v for k, v in os.environ.items() if not k.startswith(("KAOHE_", "DJANGO_"))}
    production |= {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "KAOHE_DEBUG": "0",
        "KAOHE_SECRET_KEY": secrets.token_urlsafe(50),
        "KAOHE_ALLOWED_HOSTS": "kaohe.example.gov.cn",
        **env,
    }
    command = [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"]
    return subprocess.run(  # our own manage.py
        command, cwd=ROOT, env=production, capture_output=True, text=True, check=False
    )


def test_the_deployment_check_is_clean_with_production_settings() -> None:
    done = _deploy_check()
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_the_deployment_check_fails_without_hsts_or_with_a_weak_key() -> None:
    assert _deploy_check(KAOHE_HSTS_SECONDS="0").returncode != 0
    assert _deploy_check(KAOHE_SECRET_KEY="short").returncode != 0


def test_production_refuses_to_start_without_a_secret_key() -> None:
    done = _deploy_check(KAOHE_SECRET_KEY="")
    assert done.returncode != 0
    assert "KAOHE_SECRET_KEY is required" in done.stderr


# --- Content-Security-Policy


@pytest.mark.django_db
def test_every_response_carries_a_policy_of_our_own_origin_only() -> None:
    response = Client().get("/login/")
    policy = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in policy
    assert "http" not in policy  # no other host
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(?!\s*</script>)"), "inline <script>"),
    (re.compile(r"<style\b"), "<style> element"),
    (re.compile(r"\sstyle=\""), "style attribute"),
    (re.compile(r"\son[a-z]+=\""), "event handler attribute"),
    (re.compile(r"javascript:"), "javascript: URL"),
    (re.compile(r"hx-on|hx-vars|js:"), "htmx script evaluation"),
]


# Templates WeasyPrint renders on the server into PDF files (kaohe.reports.documents): no
# browser loads them and no response carries them as HTML, so the policy does not apply; their
# <style> is how WeasyPrint takes a print layout (it fetches no static files of the site).
SERVER_SIDE_PDF = ROOT / "kaohe" / "templates" / "reports" / "pdf"


def test_templates_hold_no_inline_script_or_style() -> None:
    """The policy would block them: every behaviour is in kaohe/static/js, every style in css."""
    found = []
    for folder in TEMPLATES:
        for path in folder.rglob("*.html"):
            if path.is_relative_to(SERVER_SIDE_PDF):
                continue
            text = path.read_text(encoding="utf-8")
            text = re.sub(r"\{\{[^}]*json_script[^}]*\}\}", "", text)
            found += [f"{path.relative_to(ROOT)}: {what}" for rx, what in INLINE if rx.search(text)]
    assert found == []


# --- login lockout and passwords


@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_username_from_that_address_only(
    settings: SettingsWrapper,
) -> None:
    User.objects.create_user(username="target", password="the-right-password")
    attacker = Client(REMOTE_ADDR="10.0.0.66")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = attacker.post("/login/", {"username": "target", "password": "wrong-one"})
        assert response.status_code in (200, 429)
    locked = attacker.post("/login/", {"username": "target", "password": "the-right-password"})
    assert locked.status_code == 429
    assert "登录失败次数过多" in locked.content.decode()
    elsewhere = Client(REMOTE_ADDR="10.0.0.7")
    ok = elsewhere.post("/login/", {"username": "target", "password": "the-right-password"})
    assert ok.status_code == 302  # the same user from another address: not locked


def test_the_password_policy() -> None:
    user = User(username="zhangsan", display_name="张三")
    for weak in ("short1!", "12345678901234", "password1234", "zhangsan2026"):
        with pytest.raises(ValidationError):
            validate_password(weak, user)
    validate_password("银杏-ginkgo-河畔-47", user)


def test_the_minimum_length_is_at_least_ten(settings: SettingsWrapper) -> None:
    (length,) = [
        v["OPTIONS"]["min_length"]
        for v in settings.AUTH_PASSWORD_VALIDATORS
        if v["NAME"].endswith("MinimumLengthValidator")
    ]
    assert length >= 10


# --- sessions


def _session(client: Client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


@pytest.mark.django_db
def test_an_idle_session_ends_and_an_active_one_is_extended(settings: SettingsWrapper) -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    user = User.objects.create_user(username="u", password="x")
    role_assign(user=user, role=Role.OFFICE)
    client = Client()
    client.force_login(user)
    soon = timezone.now() + dt.timedelta(seconds=90)
    # seen a moment ago: no write
    Session.objects.filter(pk=client.session.session_key).update(expire_date=soon)
    assert client.get("/ranking/").status_code == 200
    assert _session(client).expire_date == soon
    # seen long ago: saved again, for SESSION_COOKIE_AGE more seconds
    stored = client.session
    stored[SEEN_KEY] = int(timezone.now().timestamp()) - 3600
    stored.save()
    Session.objects.filter(pk=stored.session_key).update(expire_date=soon)
    assert client.get("/ranking/").status_code == 200
    assert _session(client).expire_date > timezone.now() + dt.timedelta(minutes=29)
    # left alone past its expiry: logged out
    Session.objects.filter(pk=stored.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    response = client.get("/ranking/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


# --- exports


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("=1+1", "'=1+1"),
        ("+86 123", "'+86 123"),
        ("-cmd", "'-cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("经济发展局", "经济发展局"),
        ("a=b", "a=b"),
        (-3.5, -3.5),
        (None, None),
    ],
)
def test_a_dangerous_cell_is_neutralised(value: object, shown: object) -> None:
    assert safe_cell(value) == shown


def test_a_csv_export_reads_back_as_text() -> None:
    out = io.StringIO()
    csv_write(out, ["name", "=x"], [['=HYPERLINK("http://x","y")', -1.5], ["ok", 2]])
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows == [
        ["name", "'=x"],
        ['\'=HYPERLINK("http://x","y")', "-1.5"],
        ["ok", "2"],
    ]
    response = csv_response("t.csv", ["a"], [["+1"]])
    assert response.content.decode("utf-8").splitlines() == ["\ufeffa", "'+1"]
    assert response["Content-Disposition"] == 'attachment; filename="t.csv"'


def test_every_csv_file_is_written_through_the_safe_writer() -> None:
    """The web application writes CSV only through kaohe/core/exports.py (the engine's own
    files are the exchange format, round-tripped byte for byte: docs/security.md)."""
    writer = re.compile(r"csv\.(writer|DictWriter)\(")
    writers = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "kaohe").rglob("*.py")
        if "engine" not in path.parts and writer.search(path.read_text(encoding="utf-8"))
    ]
    assert writers == ["kaohe/core/exports.py"]


def test_a_hand_split_pay_export_is_safe_to_open() -> None:
    rows = [("U1", "=SUM(A1)", 1, "C1", "@张三", 1250), ("U1", "甲局", 12, "C2", "-李四", 0)]
    lines = pay_csv(rows).decode("utf-8-sig").splitlines()
    assert lines[1:] == ["U1,'=SUM(A1),1,C1,'@张三,12.50", "U1,甲局,12,C2,'-李四,0.00"]


def test_every_workbook_is_written_with_formulas_off() -> None:
    """Every XlsxWriter workbook of the code passes strings_to_formulas False."""
    assert XLSX_OPTIONS["strings_to_formulas"] is False
    calls = []
    for path in (ROOT / "kaohe").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "xlsxwriter.Workbook(" in text:
            calls.append(path)
            assert '"strings_to_formulas": False' in text, path
    assert calls  # the scan found the writers


# --- SQL

RAW_SQL = re.compile(r"\.execute(many)?\(|\.raw\(|RawSQL|\.extra\(|cursor\.copy\(")
REVIEWED = {
    # identifiers from model metadata through connection.ops.quote_name, values as parameters
    "kaohe/results/writers.py",
    "kaohe/web/selectors/data.py",
    # constant statements: an advisory lock with a constant key as a parameter, and the
    # append-only trigger of the audit table (a migration, PostgreSQL only)
    "kaohe/audit/services.py",
    "kaohe/audit/migrations/0002_append_only_trigger.py",
}


def test_sql_is_written_only_where_reviewed() -> None:
    """A new raw SQL statement fails this test until it is reviewed (docs/security.md) and
    listed: no SQL is ever built from input."""
    found = {
        str(path.relative_to(ROOT))
        for path in (ROOT / "kaohe").rglob("*.py")
        if "engine" not in path.parts and RAW_SQL.search(path.read_text(encoding="utf-8"))
    }
    assert found == REVIEWED
