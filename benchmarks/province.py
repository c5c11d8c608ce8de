"""Province-scale benchmark of the scoring engine (issue: "Scoring engine … fast").

    python benchmarks/province.py                       # 20,000 units, 1,000,000 cadres
    python benchmarks/province.py --units 2000 --cadres 100000

1. Generates a deterministic province (``kaohe.engine.demo.generate``) and stores it as Parquet.
2. In a fresh child process: loads it, validates it (``dataset_from_frames``) and recomputes the
   full year (``score``, every result table held); reports wall time of each step and the
   child's peak memory. Then the same in a second child with the result tables written to
   Parquet files as each is finished (``score_into``), as ``kaohe score`` writes its CSV files.
3. On a 1% sample (units and cadres / 100), times the engine and the plain-Python reference scorer
   side by side in one process, checks they agree, and prints the ratio; the same on a half-size
   sample, to split each scorer's time into a fixed cost and a cost per cadre, and prints the
   ratio of the costs per cadre (what the engine would reach with no fixed cost).

Figures go to docs/performance.md. This is a benchmark, not a test: machines here are noisy.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kaohe.engine.dataset import DataSet  # noqa: E402
from kaohe.engine.demo import generate  # noqa: E402
from kaohe.engine.io import dataset_from_frames  # noqa: E402
from kaohe.engine.plan import load_plan  # noqa: E402
from kaohe.engine.reference import reference_score  # noqa: E402
from kaohe.engine.score import score, score_into  # noqa: E402
from tests.engine.compare import differences  # noqa: E402

PLAN = ROOT / "examples" / "plan-2026.yaml"


def _child(folder: Path, mode: str) -> None:
    """Load, validate and score the stored province; print timings as JSON.

    ``held``: :func:`score`, every result table in memory at the end. ``streamed``:
    :func:`score_into`, each table written to ``results/<name>.parquet`` when finished.
    """
    plan = load_plan(PLAN)
    t0 = time.perf_counter()
    frames = {p.stem: pl.read_parquet(p) for p in sorted(folder.glob("*.parquet"))}
    t1 = time.perf_counter()
    data = dataset_from_frames(frames, plan)
    t2 = time.perf_counter()
    rows: dict[str, int] = {}
    if mode == "held":
        results = score(plan, data)
        rows = {name: frame.height for name, frame in results.tables.items()}
    else:
        out = folder / "results"
        out.mkdir(exist_ok=True)

        def write(name: str, frame: pl.DataFrame) -> None:
            frame.write_parquet(out / f"{name}.parquet")
            rows[name] = frame.height

        score_into(plan, data, write)
    t3 = time.perf_counter()
    print(
        json.dumps(
            {
                "load_s": t1 - t0,
                "validate_s": t2 - t1,
                "score_s": t3 - t2,
                "input_rows": sum(f.height for f in frames.values()),
                "cadre_months": rows["cadre_monthly"],
                "unit_months": rows["unit_monthly"],
                "peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            }
        )
    )


def _run_child(folder: Path, mode: str) -> dict[str, float]:
    """One child process; its figures and its peak resident memory in GiB."""
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(folder), "--mode", mode],
        capture_output=True,
        text=True,
        check=True,
    )
    figures: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    # the child reports its own peak: RUSAGE_CHILDREN's is the largest of all children so far
    figures["peak_gib"] = float(figures.pop("peak_kib", 0)) / 1024**2
    return figures


def _full_scale(units: int, cadres: int, seed: int) -> dict[str, dict[str, float]]:
    plan = load_plan(PLAN)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        frames = generate(plan, units=units, cadres=cadres, seed=seed)
        gen_s = time.perf_counter() - t0
        for name, frame in frames.items():
            frame.write_parquet(folder / f"{name}.parquet")
        del frames
        runs = {mode: _run_child(folder, mode) for mode in ("held", "streamed")}
        runs["held"]["generate_s"] = gen_s
        return runs


def _timed(units: int, cadres: int, seed: int) -> tuple[float, float, int]:
    """Engine (best of three, after a warm-up) and reference (one run) on the same data, and
    the number of results on which they differ."""
    plan = load_plan(PLAN)
    frames = generate(plan, units=units, cadres=cadres, seed=seed)
    data = DataSet(year=plan.year, months=tuple(range(1, 13)), tables=frames)
    score(plan, data)  # warm up (imports, first-call costs)
    runs = []
    for _ in range(3):
        t0 = time.perf_counter()
        engine = score(plan, data)
        runs.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    reference = reference_score(plan, data)
    reference_s = time.perf_counter() - t0
    return min(runs), reference_s, len(differences(engine, reference))


def _sample(units: int, cadres: int, seed: int) -> dict[str, float]:
    """The 1% sample, and a half-size one to split each scorer's time into a cost that does
    not grow with the data (planning, dispatch) and one per cadre: the ratio of the per-cadre
    costs is what the engine would reach with no fixed cost at all."""
    engine_s, reference_s, diffs = _timed(units, cadres, seed)
    half_cadres = max(1, cadres // 2)
    half_engine_s, half_reference_s, half_diffs = _timed(max(1, units // 2), half_cadres, seed)
    engine_per = (engine_s - half_engine_s) / (cadres - half_cadres)
    reference_per = (reference_s - half_reference_s) / (cadres - half_cadres)
    return {
        "engine_s": engine_s,
        "reference_s": reference_s,
        "ratio": reference_s / engine_s,
        "differences": diffs + half_diffs,
        "half_engine_s": half_engine_s,
        "half_reference_s": half_reference_s,
        "engine_fixed_s": engine_s - engine_per * cadres,
        "engine_per_cadre_us": engine_per * 1e6,
        "reference_per_cadre_us": reference_per * 1e6,
        "marginal_ratio": reference_per / engine_per,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=20_000)
    parser.add_argument("--cadres", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--mode", default="held", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.mode)
        return
    print(f"polars {pl.__version__}, {pl.thread_pool_size()} threads")
    runs = _full_scale(args.units, args.cadres, args.seed)
    full = runs["held"]
    print(
        f"full year, {args.units:,} units, {args.cadres:,} cadres "
        f"({full['input_rows']:,.0f} input rows, {full['cadre_months']:,.0f} cadre-months):"
    )
    print(f"  generate {full['generate_s']:.1f} s (not counted)")
    for mode, what in (
        ("held", "every result table held"),
        ("streamed", "each table written to Parquet when finished"),
    ):
        run = runs[mode]
        total = run["load_s"] + run["validate_s"] + run["score_s"]
        print(
            f"  {what}: load {run['load_s']:.1f} s, validate {run['validate_s']:.1f} s, "
            f"score {run['score_s']:.1f} s; recompute total {total:.1f} s, "
            f"peak memory {run['peak_gib']:.2f} GiB"
        )
    sample = _sample(max(1, args.units // 100), max(1, args.cadres // 100), args.seed)
    print(f"1% sample ({args.units // 100:,} units, {args.cadres // 100:,} cadres):")
    print(
        f"  engine {sample['engine_s']:.2f} s (best of 3), "
        f"reference {sample['reference_s']:.2f} s, ratio {sample['ratio']:.1f}×, "
        f"differences {sample['differences']:.0f} "
        f"(this sample and the half-size one)"
    )
    print(
        f"  half-size sample: engine {sample['half_engine_s']:.2f} s, "
        f"reference {sample['half_reference_s']:.2f} s"
    )
    print(
        f"  per cadre between the two: engine {sample['engine_per_cadre_us']:.1f} µs, "
        f"reference {sample['reference_per_cadre_us']:.0f} µs → ratio with no fixed cost "
        f"{sample['marginal_ratio']:.0f}×; the engine's fixed cost {sample['engine_fixed_s']:.2f} s"
    )
    per_cadre = (sample["reference_s"] / (args.cadres // 100)) / (full["score_s"] / args.cadres)
    print(
        f"  throughput ratio (reference per cadre on the sample / engine per cadre at full "
        f"scale): {per_cadre:.0f}×"
    )


if __name__ == "__main__":
    main()
