"""How one score was made, line by line: inputs, rule, result (``kaohe explain``).

The lines are read from the run's own result tables and inputs, so an explanation can never
disagree with the published number.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from kaohe.engine import schema as s
from kaohe.engine.dataset import DataSet, Results
from kaohe.engine.errors import EngineError
from kaohe.engine.numbers import format_fixed
from kaohe.engine.plan import Plan


def _n(x: Any, d: int = 2) -> str:
    return format_fixed(x, d) if x is not None else "—"


def _r(x: Any) -> str:
    return _n(x, 4)


def _num(x: Any) -> str:
    """An input as given: 9.6 stays 9.6, 100.0 prints as 100."""
    if x is None:
        return "—"
    f = float(x)
    return str(int(f)) if f.is_integer() else repr(f)


def _one(frame: pl.DataFrame, **eq: Any) -> dict[str, Any] | None:
    cond = pl.lit(True)
    for k, v in eq.items():
        cond = cond & (pl.col(k) == v)
    rows = frame.filter(cond).to_dicts()
    return rows[0] if rows else None


def _latest(
    frame: pl.DataFrame, id_col: str, subject: str, indicator: str, month: int
) -> dict[str, Any] | None:
    rows = frame.filter(
        (pl.col(id_col) == subject)
        & (pl.col(s.INDICATOR) == indicator)
        & (pl.col(s.MONTH) <= month)
    ).sort(s.MONTH)
    return rows.to_dicts()[-1] if rows.height else None


def _events(data: DataSet, subject: str, month: int) -> list[str]:
    rows = data[s.EVENTS].filter((pl.col(s.SUBJECT_ID) == subject) & (pl.col(s.MONTH) == month))
    out = []
    for e in rows.sort(s.EVENT_ID).to_dicts():
        kind = e[s.KIND] or "normal"
        flag = " (veto)" if e[s.VETO] else ""
        flag += f" (sanction {e[s.SANCTION]})" if e[s.SANCTION] else ""
        out.append(f"    {e[s.EVENT_ID]} {kind} {float(e[s.POINTS]):+g}: {e[s.REASON]}{flag}")
    return out


def _indicator_line(
    plan: Plan, data: DataSet, *, category: str, row: dict[str, Any], unit: str, month: int
) -> list[str]:
    ind = plan.indicator(category, row[s.INDICATOR])
    assert ind is not None
    head = f"    {ind.key} {ind.name} [{ind.method}], weight {_num(row[s.WEIGHT])}"
    if not row[s.INCLUDED]:
        return [f"{head}: left out this month ({row[s.NOTE]})"]
    a = _r(row[s.ACHIEVEMENT])
    note = f" ({row[s.NOTE]})" if row[s.NOTE] else ""
    if ind.method == "volume_growth":
        f = _latest(data[s.ECONOMIC], s.UNIT_ID, unit, ind.key, month) or {}
        eco = plan.economic
        lines = [
            f"{head}{note}: Tv {_num(f.get(s.TARGET_VOLUME))}, Av {_num(f.get(s.ACTUAL_VOLUME))}, "
            f"Tg {_num(f.get(s.TARGET_GROWTH))}, Ag {_num(f.get(s.ACTUAL_GROWTH))}",
            f"      rv = {_r(row[s.RV])}, rg = {_r(row[s.RG])} (each clamped to [0, {eco.cap:g}]); "
            f"r = {eco.volume_share:g}×rv + {eco.growth_share:g}×rg = {_r(row[s.R])}; "
            f"a = min(r, 1) = {a}",
        ]
        drag = "drags the district" if row[s.DRAGS] else "does not drag"
        lines.append(
            f"      bonus {_n(row[s.BONUS])} (k {plan.k_bonus(ind):g}, basis {eco.basis}); "
            f"{drag}: penalty {_n(row[s.PENALTY])} (k {plan.k_penalty(ind):g})"
        )
        return lines
    f = _latest(data[s.RESULTS], s.SUBJECT_ID, unit, ind.key, month) or {}
    if ind.method == "completion":
        rule = (
            "clamp(target / actual, 0, 1)"
            if ind.direction == "lower_is_better"
            else "clamp(actual / target, 0, 1)"
        )
        given = f"actual {_num(f.get(s.ACTUAL))}, target {_num(f.get(s.TARGET))}"
    elif ind.method == "rating":
        rule, given = "level value", f"level {f.get(s.LEVEL)}"
    elif ind.method == "deduction":
        rule = f"max(0, w − occurrences × {ind.points_per_occurrence:g}) / w"
        given = f"occurrences {_num(f.get(s.OCCURRENCES))}"
    elif ind.method == "milestones":
        rule, given = (
            "done / due",
            f"due {f.get(s.MILESTONES_DUE)}, done {f.get(s.MILESTONES_DONE)}",
        )
    elif ind.method == "rank":
        rule = f"linear by rank in the category, last = {plan.floor_share(ind):g}"
        given = f"actual {_num(f.get(s.ACTUAL))}"
    else:
        rule = f"clamp({ind.formula}, 0, 1)"
        given = f"actual {_num(f.get(s.ACTUAL))}, target {_num(f.get(s.TARGET))}"
    return [f"{head}{note}: {given} → a = {rule} = {a}"]


def explain_unit(plan: Plan, data: DataSet, results: Results, unit: str, month: int) -> list[str]:
    info = _one(data[s.UNITS], **{s.UNIT_ID: unit})
    assert info is not None
    m = _one(results["unit_monthly"], **{s.UNIT_ID: unit, s.MONTH: month})
    label = f"{data.year}-{month:02d}"
    if m is None:
        return [f"Unit {unit} {info[s.NAME]}, {label}: not scored (no indicator to score)."]
    category = info[s.CATEGORY]
    lines = [
        f"Unit {unit} {info[s.NAME]}, {label} — category {category}, tier {m[s.TIER]}",
        "Scorecard (docs/rules.md §2–§3):",
    ]
    indicators = results["unit_indicators"].filter(
        (pl.col(s.UNIT_ID) == unit) & (pl.col(s.MONTH) == month)
    )
    group_rows = {
        g[s.GROUP]: g
        for g in results["unit_groups"]
        .filter((pl.col(s.UNIT_ID) == unit) & (pl.col(s.MONTH) == month))
        .to_dicts()
    }
    rows = {r[s.INDICATOR]: r for r in indicators.to_dicts()}
    for group in plan.categories[category].groups:  # in the plan's order
        g = group_rows[group.key]
        lines.append(f"  group {group.key} {group.name}: {_num(g[s.POINTS])} points")
        for row in (rows[i.key] for i in group.indicators if i.key in rows):
            lines += _indicator_line(plan, data, category=category, row=row, unit=unit, month=month)
        if g[s.WEIGHT_SUM] == 0:
            lines.append("    no indicator to score: its points go to the other groups")
            continue
        lines.append(
            f"    = {_n(g[s.EFFECTIVE_POINTS])} × (base {_n(g[s.BASE])} + bonus {_n(g[s.BONUS])} − "
            f"penalty {_n(g[s.PENALTY])}) / weights {_n(g[s.WEIGHT_SUM])} = {_n(g[s.CONTRIBUTION])}"
        )
    lines.append(f"  G = Σ group contributions = {_n(m[s.GROUPS_TOTAL])}")
    ev = _events(data, unit, month)
    lines.append(f"Events (§5, capped per kind): E = {_n(m[s.EVENTS_TOTAL])}")
    lines += ev
    d = _one(data[s.DISTRICT], **{s.MONTH: month}) or {}
    lines.append(
        f"Coefficient (§4): C = {plan.coefficient.formula} with "
        f"c = {plan.tier_value(m[s.TIER]):g}, g = {_num(d.get(s.GDP_GROWTH))}, "
        f"g_target = {_num(d.get(s.GDP_GROWTH_TARGET))} → {_r(m[s.COEFFICIENT])}"
    )
    rule = "(G + E) × C" if plan.coefficient.applies_to == "total" else "G × C + E"
    lines.append(f"S = max(0, {rule}) with raw G + E = {_n(m[s.RAW])} → {_n(m[s.SCORE])}")
    lines.append(f"Rank {m[s.RANK]} of {m[s.RANK_N]} in {category} this month.")
    return lines


def explain_section(
    plan: Plan, data: DataSet, results: Results, section: str, month: int
) -> list[str]:
    label = f"{data.year}-{month:02d}"
    m = _one(results["section_monthly"], **{s.SECTION_ID: section, s.MONTH: month})
    if m is None:
        return [f"Section {section}, {label}: not scored."]
    lines = [f"Section {section} of unit {m[s.UNIT_ID]}, {label} (docs/rules.md §6)"]
    if m[s.NO_TASKS]:
        lines.append("  no task this month (flagged no_tasks): own score missing")
    else:
        lines.append(
            f"  own = 100 × Σ w a / Σ w of the month's tasks × C {_r(m[s.COEFFICIENT])} "
            f"= {_n(m[s.OWN])}"
        )
    link = plan.cascade.section
    lines.append(f"  unit S = {_n(m[s.UNIT_SCORE])}; events {_n(m[s.EVENTS_TOTAL])}")
    lines.append(
        f"  final = {link.own:g} × own + {link.upper:g} × unit S + events = {_n(m[s.FINAL])}"
    )
    return lines


def explain_cadre(plan: Plan, data: DataSet, results: Results, cadre: str, month: int) -> list[str]:
    label = f"{data.year}-{month:02d}"
    m = _one(results["cadre_monthly"], **{s.CADRE_ID: cadre, s.MONTH: month})
    if m is None:
        return [
            f"Cadre {cadre}, {label}: not scored (no post at month end, on leave, or no record)."
        ]
    rec = _one(data[s.RECORDS], **{s.CADRE_ID: cadre, s.MONTH: month}) or {}
    o = plan.cascade.own_score
    link = plan.cascade.link(m[s.ROLE])
    section = f", section {m[s.SECTION_ID]}" if m[s.SECTION_ID] else ""
    upper = "section final" if m[s.ROLE] == s.ROLE_STAFF and m[s.SECTION_ID] else "unit S"
    lines = [
        f"Cadre {cadre}, {label}: post {m[s.POST_ID]} in unit {m[s.UNIT_ID]}{section}, "
        f"role {m[s.ROLE]}",
        "Own score (docs/rules.md §6):",
        f"  attendance = max(0, {o.attendance_points:g} − {o.per_late:g} × lates "
        f"{rec.get(s.LATES) or 0} − "
        f"{o.per_absence:g} × absences {_num(rec.get(s.ABSENCES) or 0)}) = {_n(m[s.ATTENDANCE])}",
        f"  weekly = {o.weekly_points:g} × met {rec.get(s.GOALS_MET) or 0} "
        f"/ set {rec.get(s.GOALS_SET) or 0}"
        f"{' (no goals set: full marks, flagged)' if m[s.NO_GOALS] else ''} = {_n(m[s.WEEKLY])}",
        f"  monthly = {o.monthly_points:g} × level {rec.get(s.LEVEL)} = {_n(m[s.MONTHLY])}",
        f"  own = {_n(m[s.OWN])}",
        f"Final = {link.own:g} × own + {link.upper:g} × {upper} {_n(m[s.UPPER])} "
        f"+ events {_n(m[s.EVENTS_TOTAL])}"
        f" = {_n(m[s.FINAL])}",
    ]
    lines += _events(data, cadre, month)
    lines.append(f"Rank {m[s.RANK]} of {m[s.RANK_N]} in {m[s.PEER_GROUP]}.")
    return lines


def explain(plan: Plan, data: DataSet, results: Results, subject: str, month: int) -> list[str]:
    """Lines explaining ``subject`` (a unit, section or cadre id) in ``month``."""
    if month not in data.months:
        raise EngineError(f"month {month} is not in the run (months 1–{max(data.months)})")
    for table, column, fn in (
        (s.UNITS, s.UNIT_ID, explain_unit),
        (s.SECTIONS, s.SECTION_ID, explain_section),
        (s.CADRES, s.CADRE_ID, explain_cadre),
    ):
        if data[table].filter(pl.col(column) == subject).height:
            return fn(plan, data, results, subject, month)
    raise EngineError(f"no unit, section or cadre has the id {subject!r}")
