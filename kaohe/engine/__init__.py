"""Kaohe's scoring engine: framework-free, on polars (docs/rules.md).

>>> from kaohe.engine import load_plan, read_dataset, score, write_results
>>> plan = load_plan("examples/plan-2026.yaml")                    # doctest: +SKIP
>>> results = score(plan, read_dataset("demo/", plan))             # doctest: +SKIP
>>> write_results(results, "out/")                                 # doctest: +SKIP

The engine never imports Django; the web application talks to it through this module.
"""

from kaohe.engine.dataset import DataSet, Results
from kaohe.engine.errors import DataError, EngineError, PlanError, PlanIssue, Problem
from kaohe.engine.explain import explain
from kaohe.engine.formula import Formula, FormulaError, compile_formula
from kaohe.engine.io import dataset_from_frames, read_dataset, template_workbook, write_tables
from kaohe.engine.numbers import round_half_up
from kaohe.engine.output import publish, write_results
from kaohe.engine.plan import (
    Plan,
    diff_plans,
    dump_plan,
    load_plan,
    parse_plan,
    plan_from_mapping,
    plan_warnings,
)
from kaohe.engine.score import Sink, score, score_into

__all__ = [
    "DataError",
    "DataSet",
    "EngineError",
    "Formula",
    "FormulaError",
    "Plan",
    "PlanError",
    "PlanIssue",
    "Problem",
    "Results",
    "Sink",
    "compile_formula",
    "dataset_from_frames",
    "diff_plans",
    "dump_plan",
    "explain",
    "load_plan",
    "parse_plan",
    "plan_from_mapping",
    "plan_warnings",
    "publish",
    "read_dataset",
    "round_half_up",
    "score",
    "score_into",
    "template_workbook",
    "write_results",
    "write_tables",
]
