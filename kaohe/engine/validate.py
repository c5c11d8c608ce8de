"""Semantic validation of the input tables: references between tables and against the plan.

Parsing (:mod:`kaohe.engine.io`) makes every value fit its column; this module checks what only
the whole data set and the plan can tell: that a unit's category is in the plan, that a post's
section belongs to the post's unit, that a monthly indicator has a row for every month of the run
(docs/rules.md §2), that a cadre with a monthly record holds a post on the month's last day (§1),
and so on. docs/data-format.md lists every check with its message.

Every check is vectorised (joins, anti-joins, group-bys) and reports each offending row by its
spreadsheet row. A check runs only when the tables it reads are usable: a table missing from
``tables`` (unreadable, or a required column missing) skips the checks that depend on it instead
of drowning the user in follow-on problems.

>>> problems, warnings = validate(plan, tables, months=(1, 2, 3), sources={})  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cached_property
from typing import Final

import polars as pl

from kaohe.engine import schema as s
from kaohe.engine.common import month_end
from kaohe.engine.errors import Problem
from kaohe.engine.formula import compile_formula
from kaohe.engine.keys import Codes
from kaohe.engine.plan import FORMULA_BASE_NAMES, TASK_METHODS, Plan

PLAN_FILE: Final = "plan"
MAX_POOL_CENTS: Final = 10**10  # rules.md §10
MIN_SCORE, MAX_SCORE = 0.0, 100.0
OPEN_END: Final = dt.date(9999, 12, 31)  # an assignment without end is held until further notice

HIGHER: Final = "higher_is_better"
LOWER: Final = "lower_is_better"
DIRECTIONS: Final = (HIGHER, LOWER)
VOLUME_GROWTH: Final = "volume_growth"
FORMULA: Final = "formula"
MONTHLY_FREQUENCY: Final = "monthly"
# rules.md §2: the columns each method reads (formula: only the names its formula uses)
METHOD_COLUMNS: Final[Mapping[str, tuple[str, ...]]] = {
    "completion": (s.ACTUAL, s.TARGET),
    "rating": (s.LEVEL,),
    "deduction": (s.OCCURRENCES,),
    "milestones": (s.MILESTONES_DUE, s.MILESTONES_DONE),
    "rank": (s.ACTUAL,),
}
MONTH_TABLES: Final = (s.ECONOMIC, s.RESULTS, s.INPUTS, s.EVENTS, s.RECORDS, s.POOLS)
SUBJECT_TABLES: Final = (s.UNITS, s.SECTIONS, s.CADRES)
YEARLY_KINDS: Final = (s.EVAL_POLITICAL, s.EVAL_REVIEW, s.EVAL_DEMOCRATIC)
# (table, column, referenced table, its column, what the id names)
REFERENCES: Final = (
    (s.SECTIONS, s.UNIT_ID, s.UNITS, s.UNIT_ID, "unit"),
    (s.POSTS, s.UNIT_ID, s.UNITS, s.UNIT_ID, "unit"),
    (s.POSTS, s.SECTION_ID, s.SECTIONS, s.SECTION_ID, "section"),
    (s.CADRES, s.HOME_UNIT_ID, s.UNITS, s.UNIT_ID, "home unit"),
    (s.ASSIGNMENTS, s.CADRE_ID, s.CADRES, s.CADRE_ID, "cadre"),
    (s.ASSIGNMENTS, s.POST_ID, s.POSTS, s.POST_ID, "post"),
    (s.ECONOMIC, s.UNIT_ID, s.UNITS, s.UNIT_ID, "unit"),
    (s.TASKS, s.SECTION_ID, s.SECTIONS, s.SECTION_ID, "section"),
    (s.RECORDS, s.CADRE_ID, s.CADRES, s.CADRE_ID, "cadre"),
    (s.POOLS, s.UNIT_ID, s.UNITS, s.UNIT_ID, "unit"),
)

# Working columns of the checks (never part of a table).
_MESSAGE: Final = "_message"
_TYPE: Final = "_type"
_CATEGORY: Final = "_category"
_UNIT: Final = "_unit"
_METHOD: Final = "_method"
_FREQUENCY: Final = "_frequency"
_DIRECTION: Final = "_direction"
_PLAN_WEIGHT: Final = "_plan_weight"
_WEIGHT: Final = "_weight"
_USES: Final = "_uses"
_NEEDS: Final = "_needs"
_DECLARED: Final = "_declared"
_ID: Final = "_id"
_ORDER: Final = "_order"
_FIRST: Final = "_first"
_FIRST_ROW: Final = "_first_row"
_FIRST_CADRE: Final = "_first_cadre"
_DAY: Final = "_day"
_DAYS: Final = "_days"
_PREV_END: Final = "_prev_end"
_PREV_ROW: Final = "_prev_row"
_COUNT: Final = "_count"
_OVERRIDE: Final = "_override"
_HELD: Final = "_held"
_CODE: Final = "_code"
_BITS: Final = "_bits"
_GAPS: Final = "_gaps"


# ---- shared helpers (io.py uses them too) --------------------------------------------------------


def problems_where(
    frame: pl.DataFrame,
    file: str,
    column: str | None,
    condition: pl.Expr,
    message: pl.Expr | str,
) -> list[Problem]:
    """One problem per row of ``frame`` where ``condition`` is true (null counts as false)."""
    text = pl.lit(message) if isinstance(message, str) else message
    bad = frame.lazy().filter(condition).select(pl.col(s.ROW), text.alias(_MESSAGE)).collect()
    return [Problem(file, row, column, msg) for row, msg in bad.iter_rows()]


def run_months(tables: Mapping[str, pl.DataFrame]) -> tuple[int, ...]:
    """The run's months 1…M, M the last month of the district table (rules.md §0); () if none."""
    district = tables.get(s.DISTRICT)
    if district is None:
        return ()
    last = district[s.MONTH].drop_nulls().max()
    return tuple(range(1, int(last) + 1)) if isinstance(last, int) else ()


def month_text(year: int, month: int) -> str:
    return f"{year}-{month:02d}"


def month_expr(year: int, column: str = s.MONTH) -> pl.Expr:
    """``YYYY-MM`` of a month-number column."""
    return pl.concat_str(pl.lit(f"{year}-"), pl.col(column).cast(pl.String).str.zfill(2))


def number_expr(column: str) -> pl.Expr:
    """A number as a user wrote it: ``0`` rather than ``0.0``."""
    return pl.col(column).cast(pl.String).str.replace(r"\.0$", "")


def _listed(values: Iterable[str]) -> str:
    return ", ".join(values) or "none"


# ---- the checks ----------------------------------------------------------------------------------


Check = Callable[["_Validator"], None]
_CHECKS: list[tuple[tuple[str, ...], Check]] = []


def _check(*needs: str) -> Callable[[Check], Check]:
    """Register a check that runs when every table in ``needs`` is usable."""

    def register(fn: Check) -> Check:
        _CHECKS.append((needs, fn))
        return fn

    return register


def validate(
    plan: Plan,
    tables: Mapping[str, pl.DataFrame],
    months: tuple[int, ...],
    sources: Mapping[str, str],
) -> tuple[list[Problem], list[Problem]]:
    """Check typed tables against each other and the plan: ``(problems, warnings)``.

    ``tables`` holds the usable tables (an absent optional table as an empty frame); a table left
    out skips the checks that read it. ``months`` are the run's months 1…M.
    """
    v = _Validator(plan, tables, months, sources)
    for needs, check in _CHECKS:
        if all(name in tables for name in needs):
            check(v)
    return sorted(v.problems, key=_place), sorted(v.warnings, key=_place)


def _place(p: Problem) -> tuple[str, int, str, str]:
    return (p.file, p.row or 0, p.column or "", p.message)


class _Validator:
    """The inputs of one validation, lookup frames built once, and the problems found."""

    def __init__(
        self,
        plan: Plan,
        tables: Mapping[str, pl.DataFrame],
        months: tuple[int, ...],
        sources: Mapping[str, str],
    ) -> None:
        self.plan = plan
        self.year = plan.year
        self.t = tables
        self.months = months
        self.sources = sources
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []

    def src(self, name: str) -> str:
        return self.sources.get(name, f"{name}.csv")

    def flag(
        self,
        table: str,
        frame: pl.DataFrame,
        condition: pl.Expr,
        column: str | None,
        message: pl.Expr | str,
    ) -> None:
        self.problems += problems_where(frame, self.src(table), column, condition, message)

    def warn(
        self,
        table: str,
        frame: pl.DataFrame,
        condition: pl.Expr,
        column: str | None,
        message: pl.Expr | str,
    ) -> None:
        self.warnings += problems_where(frame, self.src(table), column, condition, message)

    def exists(
        self, table: str, frame: pl.DataFrame, column: str, *, ref: tuple[str, str], what: str
    ) -> None:
        """Each non-null ``column`` value must be in column ``ref[1]`` of table ``ref[0]``.

        The cadre ids of the monthly records (a dozen per cadre) are looked up by code, once
        for the checks that read them; other references hash the ids they know.
        """
        if (table, column, ref) == (s.RECORDS, s.CADRE_ID, (s.CADRES, s.CADRE_ID)):
            unknown = pl.lit(self.record_cadres).is_null() & pl.col(column).is_not_null()
        else:
            unknown = ~pl.col(column).is_in(self.t[ref[0]][ref[1]].drop_nulls().implode())
        self.flag(
            table,
            frame,
            unknown,
            column,
            pl.format(f"{what} '{{}}' is not in {self.src(ref[0])}", pl.col(column)),
        )

    def one_of(
        self,
        table: str,
        frame: pl.DataFrame,
        column: str,
        *,
        allowed: Sequence[str],
        what: str,
        where: pl.Expr | None = None,
    ) -> None:
        """Each non-null ``column`` value (on rows ``where``) must be one of ``allowed``."""
        bad = ~pl.col(column).is_in(list(allowed))
        self.flag(
            table,
            frame,
            bad if where is None else bad & where,
            column,
            pl.format(f"{what} '{{}}' is not one of {_listed(allowed)}", pl.col(column)),
        )

    def not_negative(self, table: str, frame: pl.DataFrame, *columns: str) -> None:
        for c in columns:
            self.flag(
                table,
                frame,
                pl.col(c) < 0,
                c,
                pl.format(f"{c} must not be negative, not {{}}", number_expr(c)),
            )

    def positive(self, table: str, frame: pl.DataFrame, column: str) -> None:
        self.flag(
            table,
            frame,
            pl.col(column) <= 0,
            column,
            pl.format(f"{column} must be above 0, not {{}}", number_expr(column)),
        )

    def subject(self, table: str, frame: pl.DataFrame, allowed: Sequence[str]) -> None:
        """Rows joined with :attr:`subjects`: the subject must exist and be of an allowed type."""
        names = [f"a {t}" for t in allowed]
        wanted = " or ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
        self.flag(
            table,
            frame,
            pl.col(_TYPE).is_null() & pl.col(s.SUBJECT_ID).is_not_null(),
            s.SUBJECT_ID,
            pl.format(f"subject '{{}}' is not {wanted}", pl.col(s.SUBJECT_ID)),
        )
        self.flag(
            table,
            frame,
            ~pl.col(_TYPE).is_in(list(allowed)),
            s.SUBJECT_ID,
            pl.format(
                f"subject '{{}}' is a {{}}, not {wanted}", pl.col(s.SUBJECT_ID), pl.col(_TYPE)
            ),
        )

    def with_subjects(self, table: str) -> pl.DataFrame:
        """The table with its subject's type, category and unit (null: not a subject)."""
        frame = self.t[table]
        code = self.subject_codes.code(frame, s.SUBJECT_ID)
        about = self.subjects_by_code
        return frame.with_columns(about[c].gather(code) for c in about.columns)

    @cached_property
    def subject_codes(self) -> Codes:
        return Codes(self.subjects[s.SUBJECT_ID].sort())

    @cached_property
    def subjects_by_code(self) -> pl.DataFrame:
        """:attr:`subjects` by code: subject code ``i`` is row ``i``, without the id."""
        return self.subjects.sort(s.SUBJECT_ID).drop(s.SUBJECT_ID)

    @cached_property
    def results(self) -> pl.DataFrame:
        """The results rows with their subject (three checks read them)."""
        return self.with_subjects(s.RESULTS)

    @cached_property
    def unit_results(self) -> pl.DataFrame:
        """The results rows of units, with the plan indicator (:func:`_with_indicators`).

        Sections' rows are for their tasks (:func:`_results_sections`), never an indicator.
        """
        rows = self.results.filter(pl.col(_TYPE) == s.SUBJECT_UNIT)
        return _with_indicators(self, rows, s.SUBJECT_ID)

    def month_ends(self) -> pl.DataFrame:
        """The run's months with their last day."""
        return pl.DataFrame({s.MONTH: list(self.months)}, schema={s.MONTH: pl.Int64}).with_columns(
            pl.date(self.year, pl.col(s.MONTH), 1).dt.month_end().alias(_DAY)
        )

    # ---- lookup frames ------------------------------------------------------------------------

    @cached_property
    def subjects(self) -> pl.DataFrame:
        """Every unit, section and cadre id with its type, category and unit (rules.md §1)."""
        units = self.t[s.UNITS]
        parts = [
            units.select(
                pl.col(s.UNIT_ID).alias(s.SUBJECT_ID),
                pl.lit(s.SUBJECT_UNIT).alias(_TYPE),
                pl.col(s.CATEGORY).alias(_CATEGORY),
                pl.col(s.UNIT_ID).alias(_UNIT),
            ),
            self.t[s.SECTIONS].select(
                pl.col(s.SECTION_ID).alias(s.SUBJECT_ID),
                pl.lit(s.SUBJECT_SECTION).alias(_TYPE),
                pl.lit(None, pl.String).alias(_CATEGORY),
                pl.col(s.UNIT_ID).alias(_UNIT),
            ),
            self.t[s.CADRES].select(
                pl.col(s.CADRE_ID).alias(s.SUBJECT_ID),
                pl.lit(s.SUBJECT_CADRE).alias(_TYPE),
                pl.lit(None, pl.String).alias(_CATEGORY),
                pl.col(s.HOME_UNIT_ID).alias(_UNIT),
            ),
        ]
        return (
            pl.concat(parts)
            .filter(pl.col(s.SUBJECT_ID).is_not_null())
            .unique(s.SUBJECT_ID, keep="first", maintain_order=True)
        )

    @cached_property
    def unit_categories(self) -> pl.DataFrame:
        return (
            self.t[s.UNITS]
            .select(s.UNIT_ID, pl.col(s.CATEGORY).alias(_CATEGORY))
            .filter(pl.col(s.UNIT_ID).is_not_null())
            .unique(s.UNIT_ID, keep="first", maintain_order=True)
        )

    @cached_property
    def indicators(self) -> pl.DataFrame:
        """Every indicator of every plan category, with what the checks need to know of it."""
        rows: list[dict[str, object]] = []
        for category, cat in self.plan.categories.items():
            for _, ind in cat.indicators():
                uses: frozenset[str] = frozenset()
                if ind.method == FORMULA and ind.formula:
                    uses = compile_formula(ind.formula, FORMULA_BASE_NAMES + ind.inputs).names
                rows.append(
                    {
                        _CATEGORY: category,
                        s.INDICATOR: ind.key,
                        _METHOD: ind.method,
                        _FREQUENCY: ind.frequency,
                        _DIRECTION: ind.direction,
                        _PLAN_WEIGHT: ind.weight,
                        _USES: sorted(uses & set(FORMULA_BASE_NAMES)),
                        _NEEDS: sorted(uses - set(FORMULA_BASE_NAMES)),
                        _DECLARED: list(ind.inputs),
                    }
                )
        names = pl.List(pl.String)
        return pl.DataFrame(
            rows,
            schema={
                _CATEGORY: pl.String,
                s.INDICATOR: pl.String,
                _METHOD: pl.String,
                _FREQUENCY: pl.String,
                _DIRECTION: pl.String,
                _PLAN_WEIGHT: pl.Float64,
                _USES: names,
                _NEEDS: names,
                _DECLARED: names,
            },
        )

    @cached_property
    def weight_overrides(self) -> pl.DataFrame:
        """The plan's ``unit_weights``: unit, indicator and the unit's weight of it."""
        return pl.DataFrame(
            [
                {s.UNIT_ID: unit, s.INDICATOR: key, _WEIGHT: float(w)}
                for unit, weights in self.plan.unit_weights.items()
                for key, w in weights.items()
            ],
            schema={s.UNIT_ID: pl.String, s.INDICATOR: pl.String, _WEIGHT: pl.Float64},
        )

    @cached_property
    def carried(self) -> pl.DataFrame:
        """Each unit × indicator of its category with the unit's weight (rules.md §2)."""
        return (
            self.unit_categories.join(self.indicators, on=_CATEGORY)
            .join(self.weight_overrides, on=[s.UNIT_ID, s.INDICATOR], how="left")
            .with_columns(pl.coalesce(_WEIGHT, _PLAN_WEIGHT).alias(_WEIGHT))
        )

    @cached_property
    def cadre_codes(self) -> Codes:
        """The cadres table's ids as codes (:mod:`kaohe.engine.keys`): the large tables' cadre
        ids are looked up by binary search over runs, not hashed row by row."""
        return Codes.of(self.t[s.CADRES][s.CADRE_ID])

    @cached_property
    def record_cadres(self) -> pl.Series:
        """The cadre code of each monthly record (null: not a cadre of the cadres table)."""
        return self.cadre_codes.code(self.t[s.RECORDS], s.CADRE_ID)

    @cached_property
    def held_months(self) -> pl.Series:
        """For each cadre code, the months on whose last day the cadre holds a post.

        The months are the bits of one integer (month m is ``1 << m``; see :func:`_month_bit`):
        a record is then checked with one gather and a bit test, instead of a join with every
        assignment and a filter by date (rules.md §1). 0: no post in any month.
        """
        held: pl.Expr = pl.lit(0, pl.Int64)
        for m in range(1, 13):
            day = month_end(self.year, m)
            holds = (pl.col(s.START) <= day) & (pl.col(s.END).is_null() | (pl.col(s.END) >= day))
            held = held | pl.when(holds).then(1 << m).otherwise(0)
        assignments = self.t[s.ASSIGNMENTS]
        code = self.cadre_codes.code(assignments, s.CADRE_ID)
        return _bits_by_code(len(self.cadre_codes), assignments, code, held)


def _bits_by_code(n: int, frame: pl.DataFrame, code: pl.Series, bits: pl.Expr) -> pl.Series:
    """The bitwise or of ``bits`` over the rows of ``frame`` of each of ``n`` cadre codes
    (``code``: each row's; 0 for a code without rows)."""
    per_code = (
        frame.select(code.alias(_CODE), bits.alias(_BITS))
        .drop_nulls(_CODE)
        .group_by(_CODE)
        .agg(pl.col(_BITS).bitwise_or())
    )
    dense = pl.repeat(0, n, dtype=pl.Int64, eager=True)
    return dense.scatter(per_code[_CODE], per_code[_BITS])


# ---- organisation (rules.md §1) ------------------------------------------------------------------


@_check(*SUBJECT_TABLES)
def _ids_are_one_namespace(v: _Validator) -> None:
    """Units, sections and cadres share the subject id space; a later table may not reuse one."""
    id_columns = {s.UNITS: s.UNIT_ID, s.SECTIONS: s.SECTION_ID, s.CADRES: s.CADRE_ID}
    what = {s.UNITS: "a unit", s.SECTIONS: "a section", s.CADRES: "a cadre"}
    ids = pl.concat(
        [
            v.t[name].select(pl.col(column).alias(_ID), pl.col(s.ROW), pl.lit(order).alias(_ORDER))
            for order, (name, column) in enumerate(id_columns.items())
        ]
    ).filter(pl.col(_ID).is_not_null())
    ids = ids.filter(pl.col(_ID).is_duplicated())  # only an id used twice can clash
    first = (
        ids.sort(_ORDER, s.ROW)
        .group_by(_ID, maintain_order=True)
        .agg(pl.col(_ORDER).first().alias(_FIRST), pl.col(s.ROW).first().alias(_FIRST_ROW))
    )
    clash = ids.join(first, on=_ID).filter(pl.col(_ORDER) > pl.col(_FIRST))
    owner = pl.col(_FIRST).replace_strict(
        {i: what[name] for i, name in enumerate(id_columns)}, return_dtype=pl.String
    )
    owner_file = pl.col(_FIRST).replace_strict(
        {i: v.src(name) for i, name in enumerate(id_columns)}, return_dtype=pl.String
    )
    for order, (name, column) in enumerate(id_columns.items()):
        v.flag(
            name,
            clash,
            pl.col(_ORDER) == order,
            column,
            pl.format(
                "id '{}' is already the id of {} ({} row {}): units, sections and cadres share "
                "one set of ids",
                pl.col(_ID),
                owner,
                owner_file,
                pl.col(_FIRST_ROW),
            ),
        )


@_check()
def _references(v: _Validator) -> None:
    """Each id that refers to another table's row names one that exists."""
    for table, column, ref, ref_column, what in REFERENCES:
        if table in v.t and ref in v.t:
            v.exists(table, v.t[table], column, ref=(ref, ref_column), what=what)


@_check()
def _tiers(v: _Validator) -> None:
    """A tier selects one of the plan's coefficient tiers (rules.md §1); empty means 1."""
    n = len(v.plan.coefficient.tiers)
    for table in (s.UNITS, s.SECTIONS, s.POSTS):
        if table in v.t:
            v.flag(
                table,
                v.t[table],
                ~pl.col(s.TIER).is_between(1, n),
                s.TIER,
                pl.format(
                    f"tier {{}} is outside 1–{n} (the plan's coefficient tiers)", pl.col(s.TIER)
                ),
            )


@_check(s.UNITS)
def _units(v: _Validator) -> None:
    v.one_of(s.UNITS, v.t[s.UNITS], s.CATEGORY, allowed=list(v.plan.categories), what="category")


@_check(s.UNITS)
def _unit_weights(v: _Validator) -> None:
    """plan.unit_weights: the unit exists and each indicator is one of its category."""
    if not v.plan.unit_weights:
        return
    known = dict(
        v.unit_categories.filter(pl.col(s.UNIT_ID).is_in(list(v.plan.unit_weights))).iter_rows()
    )
    for unit, weights in v.plan.unit_weights.items():
        if unit not in known:
            v.problems.append(
                Problem(
                    PLAN_FILE,
                    None,
                    f"unit_weights.{unit}",
                    f"unit '{unit}' is not in {v.src(s.UNITS)}",
                )
            )
            continue
        category = known[unit]
        if category not in v.plan.categories:
            continue  # reported on the unit's row
        keys = {ind.key for _, ind in v.plan.categories[category].indicators()}
        for key in weights:
            if key not in keys:
                v.problems.append(
                    Problem(
                        PLAN_FILE,
                        None,
                        f"unit_weights.{unit}.{key}",
                        f"indicator '{key}' is not an indicator of category '{category}', "
                        f"the category of unit '{unit}'",
                    )
                )


@_check(s.POSTS, s.SECTIONS)
def _post_sections(v: _Validator) -> None:
    sections = (
        v.t[s.SECTIONS]
        .select(s.SECTION_ID, pl.col(s.UNIT_ID).alias(_UNIT))
        .filter(pl.col(s.SECTION_ID).is_not_null())
        .unique(s.SECTION_ID, keep="first")
    )
    posts = v.t[s.POSTS].join(sections, on=s.SECTION_ID, how="left", maintain_order="left")
    v.flag(
        s.POSTS,
        posts,
        pl.col(_UNIT) != pl.col(s.UNIT_ID),
        s.SECTION_ID,
        pl.format(
            "section '{}' belongs to unit '{}', not to the post's unit '{}'",
            pl.col(s.SECTION_ID),
            pl.col(_UNIT),
            pl.col(s.UNIT_ID),
        ),
    )


@_check(s.POSTS)
def _post_roles(v: _Validator) -> None:
    v.one_of(s.POSTS, v.t[s.POSTS], s.ROLE, allowed=s.ROLES, what="role")


@_check(s.CADRES)
def _cadre_types(v: _Validator) -> None:
    cadres = v.t[s.CADRES]
    v.one_of(
        s.CADRES, cadres, s.PERSONNEL_TYPE, allowed=v.plan.personnel_types, what="personnel type"
    )


@_check(s.ASSIGNMENTS)
def _assignment_dates(v: _Validator) -> None:
    """end ≥ start, and one cadre's assignments never overlap (end is the last day held)."""
    a = v.t[s.ASSIGNMENTS]
    v.flag(
        s.ASSIGNMENTS,
        a,
        pl.col(s.END) < pl.col(s.START),
        s.END,
        pl.format("end {} is before start {}", pl.col(s.END), pl.col(s.START)),
    )
    end = pl.col(s.END).fill_null(OPEN_END)
    ordered = (
        a.filter(pl.col(s.CADRE_ID).is_not_null() & pl.col(s.START).is_not_null())
        .filter(pl.col(s.CADRE_ID).is_duplicated())  # one assignment cannot overlap another
        .sort(s.CADRE_ID, s.START, s.ROW)
        .with_columns(
            end.cum_max().shift(1).over(s.CADRE_ID).alias(_PREV_END),
            # the row holding the latest end so far
            pl.when(end == end.cum_max())
            .then(pl.col(s.ROW))
            .forward_fill()
            .shift(1)
            .over(s.CADRE_ID)
            .alias(_PREV_ROW),
        )
    )
    v.flag(
        s.ASSIGNMENTS,
        ordered,
        pl.col(s.START) <= pl.col(_PREV_END),
        s.START,
        pl.format(
            "overlaps the assignment of cadre '{}' on row {}: a cadre holds one post at a time",
            pl.col(s.CADRE_ID),
            pl.col(_PREV_ROW),
        ),
    )


@_check(s.ASSIGNMENTS)
def _posts_held_once(v: _Validator) -> None:
    """A post is held by one cadre at a time, on every month-end of the run (rules.md §1)."""
    if not v.months:
        return
    a = v.t[s.ASSIGNMENTS].filter(
        pl.col(s.POST_ID).is_not_null()
        & pl.col(s.CADRE_ID).is_not_null()
        & pl.col(s.START).is_not_null()
    )
    a = a.filter(pl.col(s.POST_ID).is_duplicated())  # a post assigned once is held once
    held = (
        a.join(v.month_ends(), how="cross")
        .filter(
            (pl.col(s.START) <= pl.col(_DAY))
            & (pl.col(s.END).is_null() | (pl.col(s.END) >= pl.col(_DAY)))
        )
        .sort(s.ROW)
        .with_columns(
            pl.col(s.ROW).first().over(s.POST_ID, s.MONTH).alias(_FIRST_ROW),
            pl.col(s.CADRE_ID).first().over(s.POST_ID, s.MONTH).alias(_FIRST_CADRE),
        )
        .filter(pl.col(s.CADRE_ID) != pl.col(_FIRST_CADRE))
    )
    clashes = held.group_by(s.ROW, s.POST_ID, _FIRST_ROW, _FIRST_CADRE).agg(
        pl.col(_DAY).sort().dt.to_string("%Y-%m-%d").str.join(", ").alias(_DAYS)
    )
    v.flag(
        s.ASSIGNMENTS,
        clashes,
        pl.lit(True),
        s.POST_ID,
        pl.format(
            "post '{}' is already held by cadre '{}' (row {}) on {}",
            pl.col(s.POST_ID),
            pl.col(_FIRST_CADRE),
            pl.col(_FIRST_ROW),
            pl.col(_DAYS),
        ),
    )


# ---- the run's months (rules.md §0) --------------------------------------------------------------


@_check(s.DISTRICT)
def _district(v: _Validator) -> None:
    district = v.t[s.DISTRICT]
    src = v.src(s.DISTRICT)
    if not v.months:
        v.problems.append(
            Problem(src, None, s.MONTH, "no month: the run's months are the months of this table")
        )
    present = set(district[s.MONTH].drop_nulls().unique().to_list())
    last = month_text(v.year, v.months[-1]) if v.months else ""
    for m in v.months:
        if m not in present:
            v.problems.append(
                Problem(
                    src,
                    None,
                    s.MONTH,
                    f"month {month_text(v.year, m)} is missing: the run needs every month "
                    f"from {month_text(v.year, 1)} to {last}",
                )
            )
    v.positive(s.DISTRICT, district, s.GDP_GROWTH_TARGET)


@_check()
def _nothing_after_the_run(v: _Validator) -> None:
    """Data dated after month M is an error (rules.md §0)."""
    if not v.months:
        return
    last = v.months[-1]
    after = (
        f"is after the run's last month {month_text(v.year, last)} "
        f"(the last month of {v.src(s.DISTRICT)})"
    )
    for name in MONTH_TABLES:
        if name in v.t:
            v.flag(
                name,
                v.t[name],
                pl.col(s.MONTH) > last,
                s.MONTH,
                pl.format(f"month {{}} {after}", month_expr(v.year)),
            )
    if s.EVALUATIONS in v.t:
        evaluations = v.t[s.EVALUATIONS]
        # a few distinct periods over millions of rows: find the late ones first
        late = (
            evaluations.select(pl.col(s.PERIOD).unique().drop_nulls())
            .filter(_period_start() > last)
            .to_series()
        )
        if not late.is_empty():
            v.flag(
                s.EVALUATIONS,
                evaluations,
                pl.col(s.PERIOD).is_in(late.implode()),
                s.PERIOD,
                pl.format(f"period {{}} {after}", pl.col(s.PERIOD)),
            )
    if s.EVIDENCE_TABLE in v.t:
        last_day = v.month_ends()[_DAY][-1]
        v.flag(
            s.EVIDENCE_TABLE,
            v.t[s.EVIDENCE_TABLE],
            pl.col(s.DATE) > last_day,
            s.DATE,
            pl.format(f"date {{}} {after}", pl.col(s.DATE)),
        )


def _period_start() -> pl.Expr:
    """The first month of a normalised period: 2026 → 1, 2026-Q3 → 7, 2026-H2 → 7."""
    kind = pl.col(s.PERIOD).str.slice(5, 1)
    n = pl.col(s.PERIOD).str.slice(6, 1).cast(pl.Int64, strict=False)
    return (
        pl.when(kind == "Q")
        .then(3 * n - 2)
        .when(kind == "H")
        .then(6 * n - 5)
        .otherwise(pl.lit(1, pl.Int64))
    )


# ---- unit indicators (rules.md §2, §3) -----------------------------------------------------------


def _with_indicators(v: _Validator, frame: pl.DataFrame, unit_column: str) -> pl.DataFrame:
    """Rows with their unit's category, the plan indicator and the unit's weight of it.

    The same as joining :attr:`_Validator.carried` on unit and indicator, in steps whose lookup
    tables are small (units → category; category and indicator → plan indicator; the plan's
    weight overrides), which is much faster on millions of rows.
    """
    if _CATEGORY not in frame.columns:
        categories = v.unit_categories.rename({s.UNIT_ID: unit_column})
        frame = frame.join(categories, on=unit_column, how="left", maintain_order="left")
    indicators = v.indicators.select(
        _CATEGORY, s.INDICATOR, _METHOD, _FREQUENCY, _DIRECTION, _PLAN_WEIGHT, _USES, _NEEDS
    )
    rows = frame.join(indicators, on=[_CATEGORY, s.INDICATOR], how="left", maintain_order="left")
    weight = pl.col(_PLAN_WEIGHT)
    if not v.weight_overrides.is_empty():
        overrides = v.weight_overrides.rename({s.UNIT_ID: unit_column, _WEIGHT: _OVERRIDE})
        rows = rows.join(
            overrides, on=[unit_column, s.INDICATOR], how="left", maintain_order="left"
        )
        weight = pl.coalesce(_OVERRIDE, _PLAN_WEIGHT)
    carried = pl.col(_METHOD).is_not_null()  # the unit's category has the indicator
    return rows.with_columns(pl.when(carried).then(weight).alias(_WEIGHT)).drop(
        _PLAN_WEIGHT, _OVERRIDE, strict=False
    )


def _indicator_of_category(
    v: _Validator, table: str, rows: pl.DataFrame, condition: pl.Expr
) -> None:
    """Rows whose unit has a plan category but whose indicator is not in it."""
    v.flag(
        table,
        rows,
        condition & pl.col(_CATEGORY).is_in(list(v.plan.categories)) & pl.col(_METHOD).is_null(),
        s.INDICATOR,
        pl.format(
            "indicator '{}' is not an indicator of category '{}'",
            pl.col(s.INDICATOR),
            pl.col(_CATEGORY),
        ),
    )


def _monthly_rows_complete(v: _Validator, table: str, rows: pl.DataFrame, unit: str) -> None:
    """A monthly indicator a unit carries needs a row for every month of the run (rules.md §2)."""
    if not v.months:
        return
    monthly = rows.filter(
        (pl.col(_WEIGHT) > 0)
        & (pl.col(_FREQUENCY) == MONTHLY_FREQUENCY)
        & pl.col(s.MONTH).is_not_null()
    ).select(unit, s.INDICATOR, s.MONTH)
    # Count first; list the missing months only for the (few) incomplete unit × indicator pairs.
    in_run = pl.col(s.MONTH) <= v.months[-1]
    incomplete = (
        monthly.group_by(unit, s.INDICATOR)
        .agg(pl.col(s.MONTH).filter(in_run).n_unique().alias(_COUNT))
        .filter(pl.col(_COUNT) < len(v.months))
        .drop(_COUNT)
    )
    if incomplete.is_empty():
        return
    present = monthly.join(incomplete, on=[unit, s.INDICATOR], how="semi").unique()
    months = pl.DataFrame({s.MONTH: list(v.months)}, schema={s.MONTH: pl.Int64})
    expected = incomplete.join(months, how="cross")
    missing = expected.join(present, on=[unit, s.INDICATOR, s.MONTH], how="anti").sort(
        unit, s.INDICATOR, s.MONTH
    )
    for unit_id, indicator, month in missing.iter_rows():
        v.problems.append(
            Problem(
                v.src(table),
                None,
                s.MONTH,
                f"unit '{unit_id}', indicator '{indicator}': month {month_text(v.year, month)} "
                "is missing (a monthly indicator needs a row for every month of the run)",
            )
        )


def _ignored_rows(v: _Validator, table: str, rows: pl.DataFrame, unit: str) -> None:
    """Rows for an indicator the unit's weight is 0: the unit does not carry it (a warning)."""
    ignored = (
        rows.filter(pl.col(_WEIGHT) == 0)
        .group_by(unit, s.INDICATOR)
        .agg(pl.col(s.ROW).min(), pl.len().alias(_COUNT))
    )
    v.warn(
        table,
        ignored,
        pl.lit(True),
        s.INDICATOR,
        pl.format(
            "unit '{}' does not carry indicator '{}' (weight 0 in the plan's unit_weights): "
            "its {} row(s) are ignored",
            pl.col(unit),
            pl.col(s.INDICATOR),
            pl.col(_COUNT),
        ),
    )


@_check(s.ECONOMIC, s.UNITS)
def _economic(v: _Validator) -> None:
    economic = v.t[s.ECONOMIC]
    rows = _with_indicators(v, economic, s.UNIT_ID)
    _indicator_of_category(v, s.ECONOMIC, rows, pl.lit(True))
    v.flag(
        s.ECONOMIC,
        rows,
        pl.col(_METHOD) != VOLUME_GROWTH,
        s.INDICATOR,
        pl.format(
            f"indicator '{{}}' uses method {{}}, not {VOLUME_GROWTH}: its data belongs in "
            f"{v.src(s.RESULTS)}",
            pl.col(s.INDICATOR),
            pl.col(_METHOD),
        ),
    )
    volume = rows.filter(pl.col(_METHOD) == VOLUME_GROWTH)
    _monthly_rows_complete(v, s.ECONOMIC, volume, s.UNIT_ID)
    _ignored_rows(v, s.ECONOMIC, volume, s.UNIT_ID)


@_check(s.ECONOMIC)
def _economic_targets(v: _Validator) -> None:
    v.flag(
        s.ECONOMIC,
        v.t[s.ECONOMIC],
        pl.col(s.TARGET_VOLUME) <= 0,
        s.TARGET_VOLUME,
        pl.format(
            "a zero or negative volume target ({}) cannot be scored", number_expr(s.TARGET_VOLUME)
        ),
    )


@_check(s.RESULTS, *SUBJECT_TABLES)
def _results_units(v: _Validator) -> None:
    v.subject(s.RESULTS, v.results, (s.SUBJECT_UNIT, s.SUBJECT_SECTION))
    rows = v.unit_results
    _indicator_of_category(v, s.RESULTS, rows, pl.lit(True))
    v.flag(
        s.RESULTS,
        rows,
        pl.col(_METHOD) == VOLUME_GROWTH,
        s.INDICATOR,
        pl.format(
            f"indicator '{{}}' is a {VOLUME_GROWTH} indicator: its data belongs in "
            f"{v.src(s.ECONOMIC)}",
            pl.col(s.INDICATOR),
        ),
    )
    scored = rows.filter(pl.col(_METHOD) != VOLUME_GROWTH)
    _method_columns(v, scored)
    _monthly_rows_complete(v, s.RESULTS, scored, s.SUBJECT_ID)
    _ignored_rows(v, s.RESULTS, scored, s.SUBJECT_ID)


@_check(s.RESULTS, s.TASKS, *SUBJECT_TABLES)
def _results_sections(v: _Validator) -> None:
    """A section's results are for its tasks (rules.md §6); tasks may skip months."""
    tasks = (
        v.t[s.TASKS]
        .filter(pl.col(s.TASK_ID).is_not_null())
        .unique(s.TASK_ID, keep="first", maintain_order=True)
        .select(
            pl.col(s.TASK_ID).alias(s.INDICATOR),
            pl.col(s.SECTION_ID).alias(s.SUBJECT_ID),
            pl.col(s.METHOD).alias(_METHOD),
            pl.col(s.DIRECTION).fill_null(HIGHER).alias(_DIRECTION),
        )
    )
    rows = v.results.filter(pl.col(_TYPE) == s.SUBJECT_SECTION).join(
        tasks, on=[s.SUBJECT_ID, s.INDICATOR], how="left", maintain_order="left"
    )
    v.flag(
        s.RESULTS,
        rows,
        pl.col(_METHOD).is_null(),
        s.INDICATOR,
        pl.format(
            f"task '{{}}' is not a task of section '{{}}' in {v.src(s.TASKS)}",
            pl.col(s.INDICATOR),
            pl.col(s.SUBJECT_ID),
        ),
    )
    _method_columns(v, rows.filter(pl.col(_METHOD).is_in(TASK_METHODS)))


def _method_columns(v: _Validator, rows: pl.DataFrame) -> None:
    """The columns each method needs and their ranges (rules.md §2 table)."""
    method = pl.col(_METHOD)
    for m, columns in METHOD_COLUMNS.items():
        for c in columns:
            v.flag(
                s.RESULTS,
                rows,
                (method == m) & pl.col(c).is_null(),
                c,
                f"a value is required for method {m}",
            )
    for c in (s.ACTUAL, s.TARGET) if _USES in rows.columns else ():
        v.flag(
            s.RESULTS,
            rows,
            (method == FORMULA) & pl.col(_USES).list.contains(c) & pl.col(c).is_null(),
            c,
            f"a value is required: the indicator's formula uses {c}",
        )
    levels = list(v.plan.rating_levels)
    v.flag(
        s.RESULTS,
        rows,
        ~pl.col(s.LEVEL).is_in(levels),
        s.LEVEL,
        pl.format(
            f"level '{{}}' is not a rating level of the plan ({_listed(levels)})", pl.col(s.LEVEL)
        ),
    )
    v.not_negative(s.RESULTS, rows, s.OCCURRENCES, s.MILESTONES_DUE, s.MILESTONES_DONE)
    v.flag(
        s.RESULTS,
        rows,
        pl.col(s.MILESTONES_DONE) > pl.col(s.MILESTONES_DUE),
        s.MILESTONES_DONE,
        pl.format(
            "milestones_done {} is more than milestones_due {}",
            pl.col(s.MILESTONES_DONE),
            pl.col(s.MILESTONES_DUE),
        ),
    )
    completion = method == "completion"
    v.flag(
        s.RESULTS,
        rows,
        completion & (pl.col(_DIRECTION) == HIGHER) & (pl.col(s.TARGET) <= 0),
        s.TARGET,
        pl.format("target must be above 0 when higher is better, not {}", number_expr(s.TARGET)),
    )
    for c in (s.ACTUAL, s.TARGET):
        v.flag(
            s.RESULTS,
            rows,
            completion & (pl.col(_DIRECTION) == LOWER) & (pl.col(c) < 0),
            c,
            pl.format(f"{c} must not be negative when lower is better, not {{}}", number_expr(c)),
        )


@_check(s.INPUTS, *SUBJECT_TABLES)
def _inputs(v: _Validator) -> None:
    """Formula inputs belong to a unit's formula indicator that declares the name."""
    inputs = v.with_subjects(s.INPUTS)
    v.subject(s.INPUTS, inputs, (s.SUBJECT_UNIT,))
    declared = v.indicators.select(_CATEGORY, s.INDICATOR, _DECLARED)
    rows = _with_indicators(v, inputs, s.SUBJECT_ID).join(
        declared, on=[_CATEGORY, s.INDICATOR], how="left", maintain_order="left"
    )
    _indicator_of_category(v, s.INPUTS, rows, pl.lit(True))
    v.flag(
        s.INPUTS,
        rows,
        pl.col(_METHOD) != FORMULA,
        s.INDICATOR,
        pl.format(
            "indicator '{}' uses method {}: inputs are only for formula indicators",
            pl.col(s.INDICATOR),
            pl.col(_METHOD),
        ),
    )
    v.flag(
        s.INPUTS,
        rows,
        (pl.col(_METHOD) == FORMULA) & ~pl.col(_DECLARED).list.contains(pl.col(s.INPUT_NAME)),
        s.INPUT_NAME,
        pl.format(
            "input '{}' is not declared by indicator '{}' (its inputs: {})",
            pl.col(s.INPUT_NAME),
            pl.col(s.INDICATOR),
            pl.col(_DECLARED).list.join(", "),
        ),
    )


@_check(s.RESULTS, s.INPUTS, *SUBJECT_TABLES)
def _formula_inputs_present(v: _Validator) -> None:
    """Every results row of a formula indicator needs each input name its formula uses."""
    needed = (
        v.unit_results.filter((pl.col(_METHOD) == FORMULA) & (pl.col(_NEEDS).list.len() > 0))
        .select(s.ROW, s.SUBJECT_ID, s.INDICATOR, s.MONTH, pl.col(_NEEDS).alias(s.INPUT_NAME))
        .explode(s.INPUT_NAME)
    )
    have = v.t[s.INPUTS].select(s.SUBJECT_ID, s.INDICATOR, s.MONTH, s.INPUT_NAME)
    missing = needed.join(have, on=[s.SUBJECT_ID, s.INDICATOR, s.MONTH, s.INPUT_NAME], how="anti")
    v.flag(
        s.RESULTS,
        missing,
        pl.lit(True),
        None,
        pl.format(
            f"formula input '{{}}' is missing: {v.src(s.INPUTS)} has no row for this subject, "
            "indicator and month",
            pl.col(s.INPUT_NAME),
        ),
    )


@_check(s.TASKS)
def _tasks(v: _Validator) -> None:
    tasks = v.t[s.TASKS]
    v.one_of(s.TASKS, tasks, s.METHOD, allowed=TASK_METHODS, what="method")
    v.one_of(s.TASKS, tasks, s.DIRECTION, allowed=DIRECTIONS, what="direction")
    v.positive(s.TASKS, tasks, s.WEIGHT)
    v.positive(s.TASKS, tasks, s.POINTS_PER_OCCURRENCE)


# ---- events (rules.md §5) ------------------------------------------------------------------------


@_check(s.EVENTS)
def _event_kinds(v: _Validator) -> None:
    events = v.t[s.EVENTS]
    v.one_of(s.EVENTS, events, s.KIND, allowed=list(v.plan.events.caps), what="kind")
    v.one_of(s.EVENTS, events, s.SANCTION, allowed=list(v.plan.events.sanctions), what="sanction")


@_check(s.EVENTS, *SUBJECT_TABLES)
def _event_subjects(v: _Validator) -> None:
    events = v.with_subjects(s.EVENTS)
    v.subject(s.EVENTS, events, (s.SUBJECT_UNIT, s.SUBJECT_SECTION, s.SUBJECT_CADRE))
    unit_veto = (pl.col(_TYPE) == s.SUBJECT_UNIT) & pl.col(s.VETO)
    veto_types = v.plan.events.unit_veto_types
    v.flag(
        s.EVENTS,
        events,
        unit_veto & pl.col(s.VETO_TYPE).is_null(),
        s.VETO_TYPE,
        f"a unit's veto needs a veto_type, one of {_listed(veto_types)}",
    )
    v.one_of(s.EVENTS, events, s.VETO_TYPE, allowed=veto_types, what="veto_type", where=unit_veto)
    v.flag(
        s.EVENTS,
        events,
        (pl.col(_TYPE) == s.SUBJECT_SECTION) & pl.col(s.VETO),
        s.VETO,
        "a veto applies to a unit or a cadre, not to a section",
    )
    v.flag(
        s.EVENTS,
        events,
        pl.col(s.SANCTION).is_not_null() & pl.col(_TYPE).is_in([s.SUBJECT_UNIT, s.SUBJECT_SECTION]),
        s.SANCTION,
        pl.format("a sanction applies only to a cadre's event, not to a {}'s", pl.col(_TYPE)),
    )


# ---- cadres' monthly records (rules.md §1, §6) ---------------------------------------------------


@_check(s.RECORDS)
def _records(v: _Validator) -> None:
    records = v.t[s.RECORDS]
    v.flag(
        s.RECORDS,
        records,
        pl.col(s.LEVEL).is_null() & ~pl.col(s.ON_LEAVE).fill_null(value=False),
        s.LEVEL,
        "a value is required unless on_leave is true",
    )
    levels = list(v.plan.rating_levels)
    v.flag(
        s.RECORDS,
        records,
        ~pl.col(s.LEVEL).is_in(levels),
        s.LEVEL,
        pl.format(
            f"level '{{}}' is not a rating level of the plan ({_listed(levels)})", pl.col(s.LEVEL)
        ),
    )
    v.not_negative(s.RECORDS, records, s.LATES, s.ABSENCES, s.GOALS_SET, s.GOALS_MET)
    v.flag(
        s.RECORDS,
        records,
        pl.col(s.GOALS_MET) > pl.col(s.GOALS_SET).fill_null(0),
        s.GOALS_MET,
        pl.format(
            "goals_met {} is more than goals_set {}",
            pl.col(s.GOALS_MET),
            pl.col(s.GOALS_SET).cast(pl.String).fill_null("(empty)"),
        ),
    )


def _month_bit(month: pl.Expr) -> pl.Expr:
    """Month m (1–12) as the bit ``1 << m`` of a set of months; 0 for anything else."""
    bits = {m: 1 << m for m in range(1, 13)}
    return month.replace_strict(bits, default=0, return_dtype=pl.Int64)


@_check(s.RECORDS, s.CADRES, s.ASSIGNMENTS)
def _records_need_a_post(v: _Validator) -> None:
    """A cadre's record needs a post held on the month's last day (rules.md §1)."""
    held = pl.lit(v.held_months).gather(v.record_cadres)  # unknown cadres: see _references
    records = v.t[s.RECORDS].select(s.ROW, s.CADRE_ID, s.MONTH, held.alias(_HELD))
    records = records.filter(pl.col(s.MONTH).is_between(1, 12) & pl.col(_HELD).is_not_null())
    day = pl.date(v.year, pl.col(s.MONTH), 1).dt.month_end()
    v.flag(
        s.RECORDS,
        records,
        (pl.col(_HELD) & _month_bit(pl.col(s.MONTH))) == 0,
        s.CADRE_ID,
        pl.format("cadre '{}' holds no post on {}", pl.col(s.CADRE_ID), day),
    )


# ---- evaluations, evidence, pools, reviews (rules.md §6–§10) -------------------------------------


@_check(s.EVALUATIONS)
def _evaluations(v: _Validator) -> None:
    ev = v.t[s.EVALUATIONS]
    kind = pl.col(s.KIND)
    period = pl.col(s.PERIOD)
    v.one_of(s.EVALUATIONS, ev, s.KIND, allowed=s.EVALUATION_KINDS, what="kind")
    forms = (
        (kind.is_in(YEARLY_KINDS), period.str.len_chars() != 4, f"the year ({v.year})"),
        (kind == s.EVAL_QUARTERLY, ~period.str.contains("-Q"), f"a quarter ({v.year}-Q1…Q4)"),
        (kind == s.EVAL_HALF_YEAR, ~period.str.contains("-H"), f"a half ({v.year}-H1 or H2)"),
    )
    for is_kind, wrong, wanted in forms:
        v.flag(
            s.EVALUATIONS,
            ev,
            is_kind & wrong,
            s.PERIOD,
            pl.format(f"a {{}} evaluation is for {wanted}, not {{}}", kind, period),
        )
    items = [i.name for i in v.plan.political.items]
    political = kind == s.EVAL_POLITICAL
    v.flag(
        s.EVALUATIONS,
        ev,
        political & pl.col(s.ITEM).is_null(),
        s.ITEM,
        f"a political evaluation needs an item, one of {_listed(items)}",
    )
    v.one_of(s.EVALUATIONS, ev, s.ITEM, allowed=items, what="political item", where=political)
    groups = list(v.plan.annual.rater_groups)
    democratic = kind == s.EVAL_DEMOCRATIC
    v.flag(
        s.EVALUATIONS,
        ev,
        democratic & pl.col(s.RATER_GROUP).is_null(),
        s.RATER_GROUP,
        f"a democratic evaluation needs a rater_group, one of {_listed(groups)}",
    )
    v.one_of(s.EVALUATIONS, ev, s.RATER_GROUP, allowed=groups, what="rater_group", where=democratic)
    v.flag(
        s.EVALUATIONS,
        ev,
        ~pl.col(s.SCORE).is_between(MIN_SCORE, MAX_SCORE),
        s.SCORE,
        pl.format("score {} is outside 0–100", number_expr(s.SCORE)),
    )
    v.not_negative(s.EVALUATIONS, ev, s.BALLOTS)


@_check(s.EVALUATIONS, *SUBJECT_TABLES)
def _evaluation_subjects(v: _Validator) -> None:
    ev = v.with_subjects(s.EVALUATIONS)
    v.subject(s.EVALUATIONS, ev, (s.SUBJECT_UNIT, s.SUBJECT_CADRE))
    democratic = pl.col(s.KIND) == s.EVAL_DEMOCRATIC
    annual = v.plan.annual
    for subject, items, what in (
        (s.SUBJECT_UNIT, annual.team_items, "team item"),
        (s.SUBJECT_CADRE, annual.cadre_items, "cadre item"),
    ):
        v.one_of(
            s.EVALUATIONS,
            ev,
            s.ITEM,
            allowed=[i.name for i in items],
            what=f"democratic {what}",
            where=democratic & (pl.col(_TYPE) == subject),
        )


@_check(s.EVIDENCE_TABLE)
def _evidence(v: _Validator) -> None:
    evidence = v.t[s.EVIDENCE_TABLE]
    v.flag(
        s.EVIDENCE_TABLE,
        evidence,
        pl.col(s.DATE).dt.year() != v.year,
        s.DATE,
        pl.format(f"date {{}} is not in the plan year {v.year}", pl.col(s.DATE)),
    )
    political = v.plan.political
    v.one_of(
        s.EVIDENCE_TABLE, evidence, s.SOURCE, allowed=political.evidence.sources, what="source"
    )
    v.one_of(
        s.EVIDENCE_TABLE,
        evidence,
        s.DIRECTION,
        allowed=(s.DIRECTION_POSITIVE, s.DIRECTION_NEGATIVE),
        what="direction",
    )
    v.one_of(
        s.EVIDENCE_TABLE,
        evidence,
        s.ITEM,
        allowed=[i.name for i in political.items],
        what="political item",
    )


@_check(s.EVIDENCE_TABLE, *SUBJECT_TABLES)
def _evidence_subjects(v: _Validator) -> None:
    evidence = v.with_subjects(s.EVIDENCE_TABLE)
    v.subject(s.EVIDENCE_TABLE, evidence, (s.SUBJECT_UNIT, s.SUBJECT_CADRE))


@_check(s.POOLS)
def _pools(v: _Validator) -> None:
    v.flag(
        s.POOLS,
        v.t[s.POOLS],
        ~pl.col(s.POOL_CENTS).is_between(0, MAX_POOL_CENTS),
        s.POOL_CENTS,
        pl.format(f"pool_cents {{}} is outside 0–{MAX_POOL_CENTS}", pl.col(s.POOL_CENTS)),
    )


@_check(s.REVIEWS)
def _reviews(v: _Validator) -> None:
    reviews = v.t[s.REVIEWS]
    v.flag(
        s.REVIEWS,
        reviews,
        pl.col(s.YEAR) != v.year,
        s.YEAR,
        pl.format(f"year {{}} is not the plan year {v.year}", pl.col(s.YEAR)),
    )
    v.one_of(
        s.REVIEWS,
        reviews,
        s.OUTCOME,
        allowed=(s.OUTCOME_CONFIRM, s.OUTCOME_REJECT),
        what="outcome",
    )


@_check(s.REVIEWS, *SUBJECT_TABLES)
def _review_subjects(v: _Validator) -> None:
    reviews = v.with_subjects(s.REVIEWS)
    v.subject(s.REVIEWS, reviews, (s.SUBJECT_UNIT, s.SUBJECT_CADRE))


# ---- warnings ------------------------------------------------------------------------------------


@_check(s.ASSIGNMENTS, s.RECORDS, s.CADRES)
def _posts_without_records(v: _Validator) -> None:
    """A post held at a month-end without a record leaves the month unscored (rules.md §1)."""
    if not v.months:
        return
    run = sum(1 << m for m in v.months)  # the run's months as bits, like _month_bit
    codes = v.cadre_codes
    recorded = _bits_by_code(
        len(codes), v.t[s.RECORDS], v.record_cadres, _month_bit(pl.col(s.MONTH))
    )
    gaps = pl.DataFrame({s.CADRE_ID: codes.ids, _GAPS: v.held_months & run & ~recorded})
    gaps = gaps.filter(pl.col(_GAPS) != 0)  # in the order of the ids
    for cadre, bits in gaps.iter_rows():
        months = ", ".join(month_text(v.year, m) for m in v.months if bits & (1 << m))
        v.warnings.append(
            Problem(
                v.src(s.RECORDS),
                None,
                None,
                f"cadre '{cadre}' holds a post but has no record in {months}: "
                "those months are not scored",
            )
        )


def _left_out(v: _Validator, table: str, have: pl.DataFrame, volume: bool) -> None:
    """An indicator a unit carries with no row in the whole run is left out (rules.md §2)."""
    kind = pl.col(_METHOD) == VOLUME_GROWTH
    carried = v.carried.filter((pl.col(_WEIGHT) > 0) & (kind if volume else ~kind))
    missing = carried.join(have, on=[s.UNIT_ID, s.INDICATOR], how="anti").sort(
        s.UNIT_ID, s.INDICATOR
    )
    for unit, indicator in missing.select(s.UNIT_ID, s.INDICATOR).iter_rows():
        v.warnings.append(
            Problem(
                v.src(table),
                None,
                None,
                f"unit '{unit}' has no data for indicator '{indicator}' in the run: "
                "left out (no data)",
            )
        )


@_check(s.UNITS, s.ECONOMIC)
def _economic_left_out(v: _Validator) -> None:
    _left_out(v, s.ECONOMIC, v.t[s.ECONOMIC].select(s.UNIT_ID, s.INDICATOR).unique(), volume=True)


@_check(s.UNITS, s.RESULTS)
def _results_left_out(v: _Validator) -> None:
    have = v.t[s.RESULTS].select(pl.col(s.SUBJECT_ID).alias(s.UNIT_ID), s.INDICATOR).unique()
    _left_out(v, s.RESULTS, have, volume=False)
