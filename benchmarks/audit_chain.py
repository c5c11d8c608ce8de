"""The audit trail's cost: appending events (each in its own transaction, as a change records
one) and verifying the whole chain. Run it on a scratch database (migrated; its audit events are
kept — use a database of its own):

    DATABASE_URL=sqlite:////tmp/kaohe-bench-audit.sqlite3 python benchmarks/audit_chain.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kaohe_bench_audit \\
        python benchmarks/audit_chain.py --events 20000
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Final

ROOT: Final = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=20000)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("KAOHE_SECRET_KEY", "benchmark-only")
    import django  # noqa: PLC0415 - settings come from the environment set above

    django.setup()
    from django.core.management import call_command  # noqa: PLC0415
    from django.db import connection  # noqa: PLC0415

    from kaohe.audit.models import AuditEvent  # noqa: PLC0415
    from kaohe.audit.selectors import audit_verify  # noqa: PLC0415
    from kaohe.audit.services import audit_record  # noqa: PLC0415

    call_command("migrate", verbosity=0)
    before = AuditEvent.objects.count()
    start = time.perf_counter()
    for i in range(args.events):
        audit_record(
            action=AuditEvent.Action.UPDATE,
            model="collection.districtstat",
            object_id=i,
            object_repr=f"row {i}",
            before={"gdp_growth": 9.5},
            after={"gdp_growth": 7.0, "updated": "2026-04-05T02:00:00+00:00"},
        )
    append = time.perf_counter() - start
    start = time.perf_counter()
    result = audit_verify()
    verify = time.perf_counter() - start
    assert result.broken is None, result.broken
    total = before + args.events
    print(
        f"{connection.vendor}: appended {args.events} events in {append:.2f} s "
        f"({args.events / append:,.0f}/s, {append / args.events * 1000:.2f} ms each); "
        f"verified {result.count} events in {verify:.2f} s ({total / verify:,.0f}/s)"
    )


if __name__ == "__main__":
    main()
