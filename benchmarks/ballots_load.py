"""200 concurrent voters on loopback: gunicorn, PostgreSQL, every ballot stored, no error.

    python benchmarks/ballots_load.py                 # 200 voters, gunicorn with 3 workers
    python benchmarks/ballots_load.py --voters 500 --workers 4

What it does:

1. creates the database ``kaohe_ballots`` (``--database``) when missing and migrates it; stores
   the demo plan of the year when the year has none, three units when missing, and a new team
   round of those units whose raters are outside raters of the plan's three groups (one fifth
   leaders, two fifths peers, two fifths subordinates); issues one token each and opens it;
2. collects the static files and starts ``gunicorn config.wsgi:application`` on 127.0.0.1 with
   production settings (``KAOHE_DEBUG=0``);
3. starts one thread per voter at a barrier; each, as a phone would, GETs ``/vote/`` (the CSRF
   cookie), POSTs its token (the ballot: 3 teams × 5 items), then POSTs the ballot with a level
   for every item, and checks the answer says the vote was stored;
4. checks in the database that the round holds exactly one ballot per voter and every token is
   used, then closes the round (reshuffle and evaluation rows) and times that;
5. prints the figures: wall time, errors, p50/p95/max per request and per voter, as markdown.

It exits with status 1 when any voter failed or the ballots stored are not one per voter.
The load stays on 127.0.0.1 and ends by itself (a bounded number of requests, 60 s timeouts).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from _database import ensure_database

ROOT: Final = Path(__file__).resolve().parents[1]
PYTHON: Final = sys.executable
YEAR: Final = 2026
CSRF: Final = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
MARK: Final = re.compile(r'name="(m-[0-9]+:[0-9]+)" value="([^"]+)"')

SETUP_SCRIPT: Final = """
import json
from kaohe.core.demo import demo_plan_text
from kaohe.evaluations.models import Round
from kaohe.evaluations.services import GroupRaters, round_create, round_open, tokens_issue
from kaohe.org.models import Unit
from kaohe.plans.models import Plan
from kaohe.plans.services import plan_save

if not Plan.objects.filter(year=YEAR).exists():
    plan_save(yaml_text=demo_plan_text(YEAR))
for i, name in ((1, "民政局"), (2, "教育局"), (3, "卫健委")):
    Unit.objects.get_or_create(code=f"LB{i}", defaults={"name": name, "category": "社会事业类"})
leaders = VOTERS // 5
peers = (VOTERS - leaders) // 2
round_ = round_create(
    year=YEAR, name="负载测试", kind=Round.Kind.TEAM, subject_codes=["LB1", "LB2", "LB3"],
    raters={"leaders": GroupRaters((), leaders), "peers": GroupRaters((), peers),
            "subordinates": GroupRaters((), VOTERS - leaders - peers)},
)
tokens = [t.token for t in tokens_issue(round_=round_)]
round_open(round_=round_)
print("SETUP " + json.dumps({"round": round_.pk, "tokens": tokens}))
"""

CHECK_SCRIPT: Final = """
import json, time
from kaohe.evaluations.models import Ballot, BallotToken, ClosedBallot, Mark, Round
from kaohe.evaluations.services import round_close

round_ = Round.objects.get(pk=ROUND)
ballots = Ballot.objects.filter(round=round_).count()
marks = Mark.objects.filter(ballot__round=round_).count()
used = BallotToken.objects.filter(rater__round=round_, used=True).count()
start = time.perf_counter()
rows = round_close(round_=round_)
seconds = time.perf_counter() - start
closed = ClosedBallot.objects.filter(round=round_).count()
print("CHECK " + json.dumps({"ballots": ballots, "marks": marks, "used": used, "rows": rows,
                             "closed": closed, "close_seconds": seconds}))
"""


def env_for(database: str, folder: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database,
        "KAOHE_SECRET_KEY": "ballots-benchmark-only-" + "x" * 40,
        "KAOHE_DEBUG": "0",
        "KAOHE_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "KAOHE_SECURE_COOKIES": "0",
        "KAOHE_SSL_REDIRECT": "0",  # plain HTTP on loopback (a proxy terminates TLS on a server)
        "KAOHE_HSTS_SECONDS": "0",
        "KAOHE_DB_CONN_MAX_AGE": "60",
        "KAOHE_STATIC_ROOT": str(folder / "static"),
        "KAOHE_LOG_LEVEL": "WARNING",
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


def shell(env: dict[str, str], script: str, tag: str) -> dict[str, object]:
    out = manage(env, "shell", "-c", script)
    line = next(li for li in out.splitlines() if li.startswith(tag + " "))
    data: dict[str, object] = json.loads(line.removeprefix(tag + " "))
    return data


def start_server(env: dict[str, str], port: int, workers: int) -> subprocess.Popen[bytes]:
    gunicorn = shutil.which("gunicorn", path=str(Path(PYTHON).parent)) or "gunicorn"
    command = [
        gunicorn,
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--backlog",
        "2048",
        "--timeout",
        "120",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/vote/", timeout=10):
                return server
        except OSError:  # refused while booting, or slow (URLError and timeouts are OSErrors)
            time.sleep(0.5)
    stop_server(server)
    raise SystemExit("gunicorn did not answer within 120 s")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    os.killpg(server.pid, signal.SIGTERM)  # gunicorn's master and its workers, by our own pid
    server.wait(timeout=30)


@dataclass
class Figures:
    requests: list[float] = field(default_factory=list)  # seconds per request
    voters: list[float] = field(default_factory=list)  # seconds per voter (3 requests)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _post(
    opener: urllib.request.OpenerDirector, url: str, data: dict[str, str], times: list[float]
) -> str:
    body = urllib.parse.urlencode(data).encode()
    start = time.perf_counter()
    with opener.open(urllib.request.Request(url, data=body), timeout=60) as response:
        text: str = response.read().decode()
    times.append(time.perf_counter() - start)
    return text


def voter(base: str, token: str, barrier: threading.Barrier, figures: Figures, seed: int) -> None:
    """One phone: open the page, open the ballot with the token, fill every item, submit."""
    rng = random.Random(seed)
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    times: list[float] = []
    try:
        barrier.wait(timeout=60)
        began = time.perf_counter()
        start = time.perf_counter()
        with opener.open(f"{base}/vote/", timeout=60) as response:
            page = response.read().decode()
        times.append(time.perf_counter() - start)
        csrf = CSRF.search(page)
        if csrf is None:
            raise RuntimeError("no CSRF token on /vote/")
        ballot = _post(
            opener, f"{base}/vote/", {"csrfmiddlewaretoken": csrf.group(1), "token": token}, times
        )
        levels: dict[str, list[str]] = {}
        for name, level in MARK.findall(ballot):
            levels.setdefault(name, []).append(level)
        if len(levels) != 15:
            raise RuntimeError(f"the ballot holds {len(levels)} items, not 15")
        csrf = CSRF.search(ballot)
        if csrf is None:
            raise RuntimeError("no CSRF token on the ballot")
        form = {"csrfmiddlewaretoken": csrf.group(1), "token": token, "cast": "1"}
        form |= {name: rng.choice(choices) for name, choices in levels.items()}
        done = _post(opener, f"{base}/vote/", form, times)
        if 'id="voted"' not in done:
            raise RuntimeError("the answer does not say the vote was stored")
        elapsed = time.perf_counter() - began
        with figures.lock:
            figures.requests += times
            figures.voters.append(elapsed)
    except (OSError, RuntimeError, threading.BrokenBarrierError) as exc:
        with figures.lock:
            figures.requests += times
            figures.errors.append(f"{type(exc).__name__}: {exc}")


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[94] if len(values) > 1 else 0.0


LOAD_BEFORE: Final = os.getloadavg()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/kaohe_ballots")
    parser.add_argument("--voters", type=int, default=200)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kaohe-ballots-") as folder:
        env = env_for(args.database, Path(folder))
        ensure_database(args.database)
        manage(env, "migrate", "--noinput")
        manage(env, "collectstatic", "--noinput")
        setup = shell(env, f"YEAR = {YEAR}\nVOTERS = {args.voters}\n" + SETUP_SCRIPT, "SETUP")
        tokens = [str(t) for t in setup["tokens"]]  # type: ignore[attr-defined]
        server = start_server(env, args.port, args.workers)
        figures = Figures()
        try:
            barrier = threading.Barrier(len(tokens))
            base = f"http://127.0.0.1:{args.port}"
            threads = [
                threading.Thread(target=voter, args=(base, t, barrier, figures, i))
                for i, t in enumerate(tokens)
            ]
            start = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=300)
            wall = time.perf_counter() - start
        finally:
            stop_server(server)
        check = shell(env, f"ROUND = {setup['round']}\n" + CHECK_SCRIPT, "CHECK")
    report(args, figures, wall, check)
    stored_all = check["ballots"] == args.voters == check["used"] == check["closed"]
    if figures.errors or not stored_all:
        raise SystemExit(1)


def report(
    args: argparse.Namespace, figures: Figures, wall: float, check: dict[str, object]
) -> None:
    ms = 1000.0
    print()
    print(
        f"{args.voters} concurrent voters (3 requests each: page, ballot, vote), gunicorn "
        f"{args.workers} sync workers, PostgreSQL, {os.cpu_count()} CPUs (clients on the same "
        "machine)"
    )
    print(f"load average before the run: {LOAD_BEFORE[0]:.2f} (other work on the machine)")
    print()
    print("| figure | value |")
    print("|---|---:|")
    print(f"| wall time, all voters | {wall:.2f} s |")
    print(f"| voters done / errors | {len(figures.voters)} / {len(figures.errors)} |")
    print(f"| ballots stored / tokens used | {check['ballots']} / {check['used']} |")
    print(f"| marks stored | {check['marks']} |")
    print(f"| requests | {len(figures.requests)} ({len(figures.requests) / wall:.1f}/s) |")
    if figures.requests:
        r = figures.requests
        print(
            f"| request p50 / p95 / max | {statistics.median(r) * ms:.0f} / "
            f"{p95(r) * ms:.0f} / {max(r) * ms:.0f} ms |"
        )
    if figures.voters:
        v = figures.voters
        print(
            f"| voter (3 requests) p50 / p95 / max | {statistics.median(v) * ms:.0f} / "
            f"{p95(v) * ms:.0f} / {max(v) * ms:.0f} ms |"
        )
    print(
        f"| close: reshuffle {check['closed']} ballots, write {check['rows']} evaluation rows | "
        f"{float(check['close_seconds']) * ms:.0f} ms |"  # type: ignore[arg-type]
    )
    for error in figures.errors[:10]:
        print("error:", error)


if __name__ == "__main__":
    main()
