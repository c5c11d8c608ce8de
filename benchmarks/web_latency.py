"""Page latency under 20 concurrent clients: gunicorn on loopback, PostgreSQL, a 10,000-cadre year.

    pip install -c constraints.txt -e ".[server]"         # gunicorn; and apt-get install wrk
    python benchmarks/web_latency.py                       # load (first time), serve, measure
    python benchmarks/web_latency.py --page run=web:run:run_id=1   # add or replace a page

What it does:

1. creates the database ``kaohe_bench`` (``--database``) when missing, migrates it and, when it
   holds no district yet (or with ``--reload``), loads the demo district with
   ``manage.py kaohe_demo --units 60 --cadres 10000`` (a computed year);
2. collects the static files and starts ``gunicorn config.wsgi:application`` on 127.0.0.1 with
   production settings (``KAOHE_DEBUG=0``, persistent connections);
3. logs a benchmark user in (office role) and sends its session cookie with every request;
4. drives each page with wrk (``-c 20``: 20 concurrent connections), then all pages mixed, and
   prints p50/p95/p99 latency and requests/s per page as a markdown table.

Pages are named by their URL names (``config/urls.py``), so the script follows the pages as they
change: ``label=urlname[:kwarg=value,...][?query]``; ``{unit}`` and ``{cadre}`` stand for the
first unit's and cadre's codes. A page whose name does not resolve is skipped and reported.

Why wrk: it is a small C program (Debian's ``wrk`` package) that keeps 20 connections busy with
little CPU; on a two-core machine a Python load generator (locust) would take a large share of
the CPU the server is measured on. wrk's Lua hooks give any percentile exactly.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from _database import ensure_database

ROOT: Final = Path(__file__).resolve().parents[1]
PYTHON: Final = sys.executable
TARGET_P95_MS: Final = 150.0
DEFAULT_PAGES: Final = (
    "dashboard=home",
    "ranking=web:ranking",
    "unit card=web:unit:code={unit}",
    "cadre page=web:cadre:code={cadre}",
    "API unit card=api:unit_card_get:unit_id={unit}",
    "API rankings=api:unit_rankings_get",
)
REPORT_LUA: Final = """
done = function(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout
  io.write(string.format(
    'RESULT {"requests": %d, "seconds": %f, "errors": %d, "p50": %f, "p95": %f, "p99": %f, '
    .. '"mean": %f, "max": %f}\\n',
    summary.requests, summary.duration / 1e6, errors,
    latency:percentile(50) / 1e3, latency:percentile(95) / 1e3, latency:percentile(99) / 1e3,
    latency.mean / 1e3, latency.max / 1e3))
end
"""


@dataclass(frozen=True, slots=True)
class Page:
    label: str
    name: str
    kwargs: dict[str, str]
    query: str


def parse_page(spec: str) -> Page:
    """``label=urlname[:kwarg=value,...][?query]``."""
    label, _, rest = spec.partition("=")
    rest, _, query = rest.partition("?")
    parts = rest.split(":")
    # a namespaced name (web:unit) is followed by kwargs holding "="
    names = [p for p in parts if "=" not in p]
    kwargs = dict(kv.split("=", 1) for p in parts if "=" in p for kv in p.split(","))
    return Page(label.strip(), ":".join(names), kwargs, query)


def env_for(args: argparse.Namespace, static_root: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": args.database,
        "KAOHE_SECRET_KEY": "latency-benchmark-only-" + "x" * 40,
        "KAOHE_DEBUG": "0",
        "KAOHE_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "KAOHE_SECURE_COOKIES": "0",
        "KAOHE_SSL_REDIRECT": "0",  # plain HTTP on loopback (a proxy terminates TLS on a server)
        "KAOHE_HSTS_SECONDS": "0",
        "KAOHE_DB_CONN_MAX_AGE": "60",
        "KAOHE_STATIC_ROOT": str(static_root),
        "KAOHE_LOG_LEVEL": "WARNING",
        "KAOHE_SYNC_COMPUTE_MAX_CADRES": "100000",  # the demo computes in the command
    }


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), *args],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def prepare(args: argparse.Namespace, env: dict[str, str]) -> None:
    ensure_database(args.database)
    manage(env, "migrate", "--noinput")
    holds = manage(
        env, "shell", "-c", "from kaohe.org.models import Cadre; print(Cadre.objects.count())"
    )
    cadres = int(holds.strip().splitlines()[-1])
    if args.reload or cadres == 0:
        print(f"loading the demo district: {args.units} units, {args.cadres} cadres …", flush=True)
        start = time.perf_counter()
        manage(
            env,
            "kaohe_demo",
            "--units",
            str(args.units),
            "--cadres",
            str(args.cadres),
            "--reset",
        )
        print(f"  loaded and computed in {time.perf_counter() - start:.0f} s")
    else:
        print(f"the database holds {cadres} cadres: kept (--reload to load again)")
    manage(env, "collectstatic", "--noinput")


SESSION_SCRIPT: Final = """
import json
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import NoReverseMatch, reverse
from kaohe.accounts.models import User
from kaohe.accounts.roles import OFFICE, roles_ensure
from kaohe.org.models import Cadre, Unit

roles_ensure()
user = User.objects.filter(username="latency-bench").first() or User(username="latency-bench")
user.is_staff = True
user.set_unusable_password()
user.save()
user.groups.set([Group.objects.get(name=OFFICE)])
client = Client()
client.force_login(user)
names = {"unit": Unit.objects.order_by("code").values_list("code", flat=True).first(),
         "cadre": Cadre.objects.order_by("code").values_list("code", flat=True).first()}
pages = json.loads(PAGES)
urls = {}
for label, name, kwargs, query in pages:
    kwargs = {k: v.format(**names) for k, v in kwargs.items()}
    try:
        urls[label] = reverse(name, kwargs=kwargs) + (("?" + query) if query else "")
    except NoReverseMatch:
        urls[label] = None
print("SESSION " + json.dumps({"cookie": client.cookies["sessionid"].value, "urls": urls}))
"""


def session_and_urls(env: dict[str, str], pages: list[Page]) -> tuple[str, dict[str, str | None]]:
    spec = json.dumps([[p.label, p.name, p.kwargs, p.query] for p in pages])
    out = manage(env, "shell", "-c", f"PAGES = {spec!r}\n" + SESSION_SCRIPT)
    line = next(li for li in out.splitlines() if li.startswith("SESSION "))
    data = json.loads(line.removeprefix("SESSION "))
    return data["cookie"], data["urls"]


def start_server(args: argparse.Namespace, env: dict[str, str]) -> subprocess.Popen[bytes]:
    gunicorn = shutil.which("gunicorn", path=str(Path(PYTHON).parent)) or "gunicorn"
    command = [
        gunicorn,
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{args.port}",
        "--workers",
        str(args.workers),
        "--timeout",
        "120",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:  # it could not start (the port is taken?)
            raise SystemExit(f"gunicorn stopped with status {server.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{args.port}/login/", timeout=2):
                return server
        except OSError:  # refused, reset or timed out while it starts (URLError is an OSError)
            time.sleep(0.5)
    stop_server(server)
    raise SystemExit("gunicorn did not answer within 60 s")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    os.killpg(server.pid, signal.SIGTERM)  # gunicorn's master and its workers, by our own pid
    server.wait(timeout=30)


def fetch(url: str, cookie: str) -> tuple[int, int]:
    request = urllib.request.Request(url, headers={"Cookie": f"sessionid={cookie}"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, len(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, 0


def wrk(
    url: str, cookie: str, args: argparse.Namespace, script: Path, paths: list[str] | None = None
) -> dict[str, Any]:
    lua = REPORT_LUA
    if paths:
        quoted = ", ".join(json.dumps(p) for p in paths)
        lua += f"""
local paths = {{{quoted}}}
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format(nil, paths[i])
end
"""
    script.write_text(lua)
    command = [
        "wrk",
        "-t",
        str(args.threads),
        "-c",
        str(args.connections),
        "-d",
        f"{args.duration}s",
        "--timeout",
        "30s",
        "-H",
        f"Cookie: sessionid={cookie}",
        "-s",
        str(script),
        url,
    ]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    line = next(li for li in out.splitlines() if li.startswith("RESULT "))
    result: dict[str, Any] = json.loads(line.removeprefix("RESULT "))
    result["rps"] = result["requests"] / result["seconds"]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/kaohe_bench")
    parser.add_argument("--units", type=int, default=60)
    parser.add_argument("--cadres", type=int, default=10_000)
    parser.add_argument("--reload", action="store_true", help="load the demo again")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (docs: 3)")
    parser.add_argument("--connections", type=int, default=20, help="concurrent clients")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--duration", type=int, default=20, help="seconds per page")
    parser.add_argument("--page", action="append", help="label=urlname[:kwarg=value][?query]")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    pages = [parse_page(p) for p in (args.page or DEFAULT_PAGES)]
    with tempfile.TemporaryDirectory(prefix="kaohe-latency-") as folder:
        env = env_for(args, Path(folder) / "static")
        prepare(args, env)
        cookie, urls = session_and_urls(env, pages)
        base = f"http://127.0.0.1:{args.port}"
        server = start_server(args, env)
        results: dict[str, dict[str, Any]] = {}
        skipped: list[str] = []
        try:
            for page in pages:
                path = urls.get(page.label)
                if path is None:
                    skipped.append(f"{page.label} ({page.name}: no such URL name)")
                    continue
                status, size = fetch(base + path, cookie)  # warm-up, and a check
                if status != 200:
                    skipped.append(f"{page.label} ({path}: HTTP {status})")
                    continue
                print(f"{page.label}: {path} ({size / 1024:.0f} KiB) …", flush=True)
                results[page.label] = {
                    "path": path,
                    "bytes": size,
                    **wrk(base + path, cookie, args, Path(folder) / "wrk.lua"),
                }
            measured = [r["path"] for r in results.values()]
            if measured:
                print("all pages mixed …", flush=True)
                mixed = wrk(base + measured[0], cookie, args, Path(folder) / "wrk.lua", measured)
                results["all pages mixed"] = {"path": "(each in turn)", "bytes": 0, **mixed}
        finally:
            stop_server(server)
    print_table(results, skipped, args)
    if args.json:
        args.json.write_text(json.dumps({"results": results, "skipped": skipped}, indent=1))


def print_table(
    results: dict[str, dict[str, Any]], skipped: list[str], args: argparse.Namespace
) -> None:
    print()
    print(
        f"{args.connections} concurrent clients, {args.duration} s per page, gunicorn "
        f"{args.workers} sync workers, {os.cpu_count()} CPUs (wrk on the same machine)"
    )
    print()
    print("| page | URL | p50 ms | p95 ms | p99 ms | requests/s | errors | p95 ≤ 150 ms |")
    print("|---|---|---:|---:|---:|---:|---:|---|")
    for label, r in results.items():
        ok = "yes" if r["p95"] <= TARGET_P95_MS else "no"
        print(
            f"| {label} | `{r['path']}` | {r['p50']:.0f} | {r['p95']:.0f} | {r['p99']:.0f} "
            f"| {r['rps']:.1f} | {r['errors']} | {ok} |"
        )
    for s in skipped:
        print(f"- skipped: {s}")


if __name__ == "__main__":
    main()
