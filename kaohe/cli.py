"""The ``kaohe`` command: headless engine verbs.

    kaohe plan check PLAN            validate a yearly plan, list warnings
    kaohe plan show PLAN             the plan with every default spelled out
    kaohe plan diff OLD NEW          what changed between two plans
    kaohe score --plan P --data D --out O [--year Y] [--xlsx]
    kaohe explain --plan P --data D --subject ID --month YYYY-MM
    kaohe demo-data --units N --cadres N --year Y --seed S --out DIR [--xlsx]
    kaohe template OUT.xlsx          an empty import workbook

Exit status: 0 done, 1 the plan or data has problems (all listed), 2 wrong usage.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from kaohe.engine import (
    DataError,
    DataSet,
    EngineError,
    PlanError,
    diff_plans,
    dump_plan,
    explain,
    load_plan,
    plan_warnings,
    read_dataset,
    score,
    write_results,
)
from kaohe.engine import io as engine_io
from kaohe.engine.demo import generate
from kaohe.engine.output import score_to_csv, write_manifest
from kaohe.engine.plan import Plan, parse_plan

EXAMPLE_PLAN = Path(__file__).parent / "engine" / "plan-2026.yaml"


def _print_problems(exc: EngineError) -> None:
    if isinstance(exc, DataError):
        print(f"{len(exc.problems)} problem(s); nothing was written:", file=sys.stderr)
        for p in exc.problems:
            print(f"  {p}", file=sys.stderr)
    elif isinstance(exc, PlanError):
        print(f"invalid plan {exc.source or ''}:".replace(" :", ":"), file=sys.stderr)
        for i in exc.issues:
            print(f"  {i}", file=sys.stderr)
    else:
        print(f"error: {exc}", file=sys.stderr)


def _plan_check(args: argparse.Namespace) -> int:
    plan = load_plan(args.plan)
    n = sum(len(g.indicators) for c in plan.categories.values() for g in c.groups)
    print(
        f"{args.plan}: valid plan for {plan.year} — "
        f"{len(plan.categories)} categories, {n} indicators"
    )
    for w in plan_warnings(plan):
        print(f"  warning: {w}")
    return 0


def _plan_show(args: argparse.Namespace) -> int:
    sys.stdout.write(dump_plan(load_plan(args.plan)))
    return 0


def _plan_diff(args: argparse.Namespace) -> int:
    changes = diff_plans(load_plan(args.old), load_plan(args.new))
    if not changes:
        print("no changes")
    for path, old, new in changes:
        if old is None:
            print(f"+ {path}: {new!r}")
        elif new is None:
            print(f"- {path}: {old!r}")
        else:
            print(f"~ {path}: {old!r} → {new!r}")
    return 0


def _load(args: argparse.Namespace) -> tuple[Plan, DataSet]:
    plan = load_plan(args.plan)
    if getattr(args, "year", None) is not None and args.year != plan.year:
        raise EngineError(f"--year {args.year} does not match the plan's year {plan.year}")
    return plan, read_dataset(args.data, plan)


def _data_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix.lower() in {".csv", ".xlsx", ".xls"})
    return [path]


def _score(args: argparse.Namespace) -> int:
    plan, data = _load(args)
    out = Path(args.out)
    if args.xlsx:  # the workbook needs every table at once
        results = score(plan, data)
        written = write_results(results, out, xlsx=True)
        rows = {name: results[name].height for name in results.tables}
    else:  # each CSV written as soon as its table is finished
        written, rows = score_to_csv(plan, data, out)
    write_manifest(
        out,
        plan_path=Path(args.plan),
        data_paths=_data_files(Path(args.data)),
        plan_year=plan.year,
        months=data.months,
        rows=rows,
    )
    print(
        f"scored {plan.year} months 1–{max(data.months)}: "
        f"{rows['unit_monthly']} unit-months, {rows['cadre_monthly']} cadre-months; "
        f"{len(written)} files in {out}"
    )
    return 0


MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def _explain(args: argparse.Namespace) -> int:
    match = MONTH.match(args.month)
    if not match:
        raise EngineError(f"--month {args.month!r} is not YYYY-MM")
    plan, data = _load(args)
    if int(match.group(1)) != plan.year:
        raise EngineError(f"--month {args.month} is not in the plan's year")
    results = score(plan, data)
    for line in explain(plan, data, results, args.subject, int(match.group(2))):
        print(line)
    return 0


def _demo_data(args: argparse.Namespace) -> int:
    text = EXAMPLE_PLAN.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^year: \d{4}$", f"year: {args.year}", text)
    plan = parse_plan(text, source=str(EXAMPLE_PLAN))
    frames = generate(plan, units=args.units, cadres=args.cadres, seed=args.seed)
    data = engine_io.dataset_from_frames(frames, plan)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "plan.yaml").write_text(text, encoding="utf-8")
    written = engine_io.write_tables(data.tables, out, plan.year, xlsx=args.xlsx)
    cadres = frames["cadres"].height
    print(
        f"demo district {plan.year}: {frames['units'].height} units, {cadres} cadres, "
        f"{len(written)} files and plan.yaml in {out}"
    )
    return 0


def _template(args: argparse.Namespace) -> int:
    path = engine_io.template_workbook(args.out)
    print(f"import template: {path}")
    return 0


def _audit_verify(args: argparse.Namespace) -> int:
    """Run ``manage.py audit_verify`` of the web application (Django imported only here: the
    engine's verbs stay Django-free). Needs the application's settings and database
    (``DJANGO_SETTINGS_MODULE``, default ``config.settings``, and its environment)."""
    import os  # noqa: PLC0415 - the web application is loaded only for this verb

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    root = str(Path(__file__).resolve().parents[1])
    if root not in sys.path:
        sys.path.insert(0, root)  # config/ lives next to the kaohe package
    import django  # noqa: PLC0415
    from django.core.management import call_command  # noqa: PLC0415
    from django.core.management.base import CommandError  # noqa: PLC0415

    django.setup()
    try:
        call_command("audit_verify")
    except CommandError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kaohe", description="Kaohe 全员绩效考核")
    sub = parser.add_subparsers(dest="command", required=True)

    plan = sub.add_parser("plan", help="check, show or compare yearly plans")
    plan_sub = plan.add_subparsers(dest="plan_command", required=True)
    check = plan_sub.add_parser("check", help="validate a plan")
    check.add_argument("plan")
    check.set_defaults(func=_plan_check)
    show = plan_sub.add_parser("show", help="print a plan with every default")
    show.add_argument("plan")
    show.set_defaults(func=_plan_show)
    diff = plan_sub.add_parser("diff", help="list what changed between two plans")
    diff.add_argument("old")
    diff.add_argument("new")
    diff.set_defaults(func=_plan_diff)

    sc = sub.add_parser("score", help="score a plan year and write the result tables")
    sc.add_argument("--plan", required=True)
    sc.add_argument("--data", required=True, help="a folder of CSV files or one workbook")
    sc.add_argument("--out", required=True)
    sc.add_argument("--year", type=int)
    sc.add_argument("--xlsx", action="store_true", help="also write results.xlsx")
    sc.set_defaults(func=_score)

    ex = sub.add_parser("explain", help="how one score was made")
    ex.add_argument("--plan", required=True)
    ex.add_argument("--data", required=True)
    ex.add_argument("--subject", required=True, help="a unit, section or cadre id")
    ex.add_argument("--month", required=True, help="YYYY-MM")
    ex.set_defaults(func=_explain)

    demo = sub.add_parser("demo-data", help="generate a realistic demo district")
    demo.add_argument("--units", type=int, default=60)
    demo.add_argument("--cadres", type=int, default=1500)
    demo.add_argument("--year", type=int, default=2026)
    demo.add_argument("--seed", type=int, default=1)
    demo.add_argument("--out", required=True)
    demo.add_argument("--xlsx", action="store_true", help="one workbook instead of CSV files")
    demo.set_defaults(func=_demo_data)

    tpl = sub.add_parser("template", help="write an empty import workbook")
    tpl.add_argument("out")
    tpl.set_defaults(func=_template)

    audit = sub.add_parser("audit", help="the web application's audit trail")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    verify = audit_sub.add_parser(
        "verify", help="check the hash chain; exit 1 at the first broken link"
    )
    verify.set_defaults(func=_audit_verify)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.func(args)
    except EngineError as exc:
        _print_problems(exc)
        return 1
    except BrokenPipeError:  # the reader stopped early (``kaohe explain … | head``)
        # Python would report the pipe again when it flushes stdout at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return code


if __name__ == "__main__":
    sys.exit(main())
