"""The demo generator: deterministic, typed, internally consistent and valid for the plan."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from kaohe.engine import schema as s
from kaohe.engine.dataset import DataSet, table_schema
from kaohe.engine.demo import generate
from kaohe.engine.plan import load_plan
from kaohe.engine.score import score, score_into

EXAMPLE = Path(__file__).parents[2] / "examples" / "plan-2026.yaml"
PLAN = load_plan(EXAMPLE)
UNITS, CADRES = 12, 200
Tables = dict[str, pl.DataFrame]


@pytest.fixture(scope="module")
def tables() -> Tables:
    return generate(PLAN, units=UNITS, cadres=CADRES, seed=7)


@pytest.fixture(scope="module")
def five_months() -> Tables:
    return generate(PLAN, units=UNITS, cadres=CADRES, seed=7, months=5)


def month_ends(months: int) -> pl.DataFrame:
    ends = [dt.date(2026 + m // 12, m % 12 + 1, 1) - dt.timedelta(days=1) for m in range(1, 13)]
    return pl.DataFrame({s.MONTH: range(1, months + 1), "_end": ends[:months]})


def holdings(t: Tables, months: int = 12) -> pl.DataFrame:
    """(cadre, month, post) for every post held on a month's last day, from the assignments."""
    return (
        t[s.ASSIGNMENTS]
        .join(month_ends(months), how="cross")
        .filter(
            (pl.col(s.START) <= pl.col("_end"))
            & (pl.col(s.END).is_null() | (pl.col(s.END) >= pl.col("_end")))
        )
        .select(s.CADRE_ID, s.MONTH, s.POST_ID)
    )


def indicators() -> pl.DataFrame:
    """(category, indicator, method, direction, frequency) of the plan."""
    rows = [
        (cat, i.key, i.method, i.direction, i.frequency)
        for cat, c in PLAN.categories.items()
        for _, i in c.indicators()
    ]
    return pl.DataFrame(
        rows, schema=[s.CATEGORY, s.INDICATOR, s.METHOD, s.DIRECTION, "frequency"], orient="row"
    )


# ---- determinism, sizes, schema ------------------------------------------------------------------


def test_the_same_seed_gives_identical_frames() -> None:
    first = generate(PLAN, units=6, cadres=80, seed=3)
    second = generate(PLAN, units=6, cadres=80, seed=3)
    assert list(first) == list(second) == list(s.TABLES)
    for name in s.TABLES:
        assert_frame_equal(first[name], second[name])


def test_another_seed_gives_other_data() -> None:
    first = generate(PLAN, units=6, cadres=80, seed=3)
    other = generate(PLAN, units=6, cadres=80, seed=4)
    for name in (s.UNITS, s.ECONOMIC, s.RECORDS, s.EVALUATIONS):
        assert not first[name].equals(other[name]), name


def test_sizes_follow_the_arguments(tables: Tables) -> None:
    assert tables[s.UNITS].height == UNITS
    assert tables[s.CADRES].height == CADRES
    assert tables[s.UNITS][s.UNIT_ID].to_list()[:3] == ["U001", "U002", "U003"]
    assert tables[s.CADRES][s.CADRE_ID][0] == "C0000001"
    assert tables[s.DISTRICT][s.MONTH].to_list() == list(range(1, 13))
    per_unit = tables[s.SECTIONS].group_by(s.UNIT_ID).len()["len"]
    assert per_unit.is_between(2, 6).all()


def test_every_table_has_exactly_its_schema_and_rows_count_from_two(tables: Tables) -> None:
    for name in s.TABLES:
        frame = tables[name]
        assert frame.schema == table_schema(name), name
        assert frame[s.ROW].to_list() == list(range(2, frame.height + 2)), name
        assert frame.height > 0, name


def test_natural_keys_are_unique(tables: Tables) -> None:
    for name, table in s.TABLES.items():
        assert not tables[name].select(table.key).is_duplicated().any(), name


def test_required_columns_hold_values(tables: Tables) -> None:
    for name, table in s.TABLES.items():
        for column in table.columns:
            if column.required:
                assert tables[name][column.name].null_count() == 0, (name, column.name)


def test_unit_names_are_unique_and_every_category_has_units(tables: Tables) -> None:
    units = tables[s.UNITS]
    assert units[s.NAME].n_unique() == UNITS
    assert set(units[s.CATEGORY]) == set(PLAN.categories)
    tiers = set(units[s.TIER])
    assert tiers <= set(range(1, 7))


def test_units_named_in_unit_weights_sit_in_a_category_holding_those_indicators(
    tables: Tables,
) -> None:
    category = dict(tables[s.UNITS].select(s.UNIT_ID, s.CATEGORY).iter_rows())
    assert category["U001"] == "经济发展类"
    for key in ("investment", "projects"):
        assert PLAN.indicator(category["U002"], key) is not None
    # U001 does not carry `primary` (weight 0): no row for it anywhere
    economic = tables[s.ECONOMIC]
    assert economic.filter(
        (pl.col(s.UNIT_ID) == "U001") & (pl.col(s.INDICATOR) == "primary")
    ).is_empty()
    assert not economic.filter(
        (pl.col(s.UNIT_ID) == "U001") & (pl.col(s.INDICATOR) == "gdp")
    ).is_empty()


# ---- the organisation and who holds what ---------------------------------------------------------


def test_references_between_tables_resolve(tables: Tables) -> None:
    units = set(tables[s.UNITS][s.UNIT_ID])
    sections = tables[s.SECTIONS]
    posts = tables[s.POSTS]
    cadres = set(tables[s.CADRES][s.CADRE_ID])
    assert set(sections[s.UNIT_ID]) <= units
    assert set(posts[s.UNIT_ID]) <= units
    # a post's section belongs to the post's unit
    joined = posts.drop_nulls(s.SECTION_ID).join(sections, on=s.SECTION_ID, suffix="_s")
    assert joined.height == posts[s.SECTION_ID].drop_nulls().len()
    assert (joined[s.UNIT_ID] == joined[f"{s.UNIT_ID}_s"]).all()
    assert set(tables[s.ASSIGNMENTS][s.POST_ID]) <= set(posts[s.POST_ID])
    assert set(tables[s.ASSIGNMENTS][s.CADRE_ID]) == cadres
    subjects = units | set(sections[s.SECTION_ID]) | cadres
    assert set(tables[s.EVENTS][s.SUBJECT_ID]) <= subjects
    assert set(tables[s.EVIDENCE_TABLE][s.SUBJECT_ID]) <= units | cadres
    assert set(tables[s.EVALUATIONS][s.SUBJECT_ID]) <= units | cadres
    assert set(tables[s.RESULTS][s.SUBJECT_ID]) <= units | set(sections[s.SECTION_ID])
    assert set(tables[s.TASKS][s.SECTION_ID]) <= set(sections[s.SECTION_ID])
    home = tables[s.CADRES][s.HOME_UNIT_ID].drop_nulls()
    assert set(home) <= units


def test_every_unit_has_one_principal_and_leaders_without_section(tables: Tables) -> None:
    posts = tables[s.POSTS]
    principals = posts.filter(pl.col(s.ROLE) == s.ROLE_PRINCIPAL)
    assert sorted(principals[s.UNIT_ID]) == sorted(tables[s.UNITS][s.UNIT_ID])
    leaders = posts.filter(pl.col(s.ROLE) != s.ROLE_STAFF)
    assert leaders[s.SECTION_ID].null_count() == leaders.height
    staff = posts.filter(pl.col(s.ROLE) == s.ROLE_STAFF)
    assert 0 < staff[s.SECTION_ID].null_count() < staff.height / 5  # a few outside sections


def test_assignments_of_a_cadre_never_overlap(tables: Tables) -> None:
    ordered = tables[s.ASSIGNMENTS].sort(s.CADRE_ID, s.START)
    following = ordered.with_columns(
        pl.col(s.START).shift(-1).over(s.CADRE_ID).alias("_next"),
    ).filter(pl.col("_next").is_not_null())
    assert following[s.END].null_count() == 0
    assert (following["_next"] > following[s.END]).all()


def test_no_post_and_no_cadre_is_counted_twice_at_a_month_end(tables: Tables) -> None:
    held = holdings(tables)
    assert not held.select(s.POST_ID, s.MONTH).is_duplicated().any()
    assert not held.select(s.CADRE_ID, s.MONTH).is_duplicated().any()


def test_transfers_hires_and_departures_happen_mid_year(tables: Tables) -> None:
    a = tables[s.ASSIGNMENTS].join(tables[s.POSTS], on=s.POST_ID).sort(s.CADRE_ID, s.START)
    moves = a.with_columns(
        pl.col(s.START).shift(-1).over(s.CADRE_ID).alias("_next"),
        pl.col(s.UNIT_ID).shift(-1).over(s.CADRE_ID).alias("_next_unit"),
    ).filter(pl.col("_next").is_not_null())
    assert moves.height >= 3  # about 3 % transfer
    assert (moves["_next"] == moves[s.END] + dt.timedelta(days=1)).all()  # the next day
    assert (moves["_next_unit"] != moves[s.UNIT_ID]).all()
    starts = a.group_by(s.CADRE_ID).agg(pl.col(s.START).min())
    hires = starts.filter(pl.col(s.START) > dt.date(2026, 1, 1))
    assert hires.height >= 2
    last = a.group_by(s.CADRE_ID).agg(pl.col(s.END).sort_by(s.START).last())
    assert last[s.END].drop_nulls().len() >= 1  # somebody leaves
    probation = tables[s.CADRES][s.PROBATION_END].drop_nulls()
    assert (probation > dt.date(2026, 12, 31)).any()  # new hires still on probation next year


def test_records_exist_exactly_for_the_months_with_a_post(tables: Tables) -> None:
    held = holdings(tables).select(s.CADRE_ID, s.MONTH).sort(s.CADRE_ID, s.MONTH)
    records = tables[s.RECORDS].select(s.CADRE_ID, s.MONTH).sort(s.CADRE_ID, s.MONTH)
    assert_frame_equal(held, records)


def test_records_are_plausible(tables: Tables) -> None:
    r = tables[s.RECORDS]
    present = r.filter(~pl.col(s.ON_LEAVE))
    assert (present[s.GOALS_MET] <= present[s.GOALS_SET]).all()
    assert set(present[s.LEVEL]) <= set(PLAN.rating_levels)
    assert present[s.LEVEL].null_count() == 0
    assert (present[s.LATES] == 0).sum() > 0.6 * present.height
    away = r.filter(pl.col(s.ON_LEAVE))
    assert away.height > 0
    assert away[s.LEVEL].null_count() == away.height
    long_leave = away.group_by(s.CADRE_ID).len().filter(pl.col("len") > 6)
    assert long_leave.height >= 1
    cadres = set(tables[s.CADRES][s.CADRE_ID])
    assert set(present[s.RATER_ID]) <= cadres | {"LEADERSHIP"}


# ---- statistics and results ----------------------------------------------------------------------


def test_economic_rows_follow_the_frequency_of_their_indicator(tables: Tables) -> None:
    e = (
        tables[s.ECONOMIC]
        .join(tables[s.UNITS].select(s.UNIT_ID, s.CATEGORY), on=s.UNIT_ID)
        .join(indicators(), on=[s.CATEGORY, s.INDICATOR])
    )
    assert (e[s.METHOD] == "volume_growth").all()
    months = e.group_by(s.UNIT_ID, s.INDICATOR, "frequency").agg(pl.col(s.MONTH).sort())
    for row in months.iter_rows(named=True):
        expected = [3, 6, 9, 12] if row["frequency"] == "quarterly" else list(range(1, 13))
        assert row[s.MONTH] == expected, row
    assert (e[s.TARGET_VOLUME] > 0).all()
    assert (e[s.TARGET_GROWTH] <= 0).any() or e.height < 200  # a unit in decline, usually
    assert e[s.DRAGS].null_count() > e.height / 2
    ratio = e[s.ACTUAL_VOLUME] / e[s.TARGET_VOLUME]
    assert (ratio < 0.9).any()
    assert (ratio > 1.0).any()


def test_economic_units_have_rows_and_other_categories_none(tables: Tables) -> None:
    with_economic = {
        c for c, cat in PLAN.categories.items() for g in cat.groups if g.key == "economic"
    }
    units = tables[s.UNITS]
    economic_units = set(units.filter(pl.col(s.CATEGORY).is_in(with_economic))[s.UNIT_ID])
    assert set(tables[s.ECONOMIC][s.UNIT_ID]) == economic_units


def test_every_carried_indicator_has_a_valid_row_every_month(tables: Tables) -> None:
    units = tables[s.UNITS].select(s.UNIT_ID, s.CATEGORY)
    plan_rows = units.join(indicators(), on=s.CATEGORY).filter(pl.col(s.METHOD) != "volume_growth")
    expected = plan_rows.join(month_ends(12).select(s.MONTH), how="cross")
    results = tables[s.RESULTS].rename({s.SUBJECT_ID: s.UNIT_ID})
    joined = expected.join(results, on=[s.UNIT_ID, s.INDICATOR, s.MONTH], how="left")
    assert joined.height == expected.height
    assert joined[s.ROW].null_count() == 0  # monthly: a row for every month
    by = {m: joined.filter(pl.col(s.METHOD) == m) for m in joined[s.METHOD].unique()}
    higher = pl.col(s.DIRECTION) == "higher_is_better"
    completion = by["completion"]
    assert (completion.filter(higher)[s.TARGET] > 0).all()
    assert (completion.filter(~higher)[s.ACTUAL] >= 0).all()
    assert (completion.filter(~higher)[s.ACTUAL] == 0).any()
    assert set(by["rating"][s.LEVEL]) <= set(PLAN.rating_levels)
    assert by["rating"][s.SCORER_ID].null_count() == 0
    assert (by["deduction"][s.OCCURRENCES] >= 0).all()
    m = by["milestones"]
    assert ((m[s.MILESTONES_DONE] >= 0) & (m[s.MILESTONES_DONE] <= m[s.MILESTONES_DUE])).all()
    assert (m[s.MILESTONES_DUE] == 0).any()
    assert by["rank"][s.ACTUAL].null_count() == 0
    assert (by["formula"][s.TARGET] > 0).all()


def test_formula_inputs_are_positive_for_every_formula_row(tables: Tables) -> None:
    formula = tables[s.RESULTS].filter(pl.col(s.INDICATOR) == "efficiency")
    inputs = tables[s.INPUTS]
    assert set(inputs[s.INPUT_NAME]) == {"tax_per_mu", "tax_per_mu_target"}
    assert (inputs[s.VALUE] > 0).all()
    assert inputs.height == 2 * formula.height


def test_section_tasks_are_valid_and_some_sections_skip_a_month(tables: Tables) -> None:
    tasks = tables[s.TASKS]
    per_section = tasks.group_by(s.SECTION_ID).len()["len"]
    assert per_section.is_between(2, 4).all()
    assert set(tasks[s.METHOD]) <= {"completion", "rating", "deduction", "milestones"}
    assert (tasks[s.WEIGHT] > 0).all()
    rows = tables[s.RESULTS].join(
        tasks.select(s.TASK_ID, s.SECTION_ID, s.METHOD),
        left_on=[s.SUBJECT_ID, s.INDICATOR],
        right_on=[s.SECTION_ID, s.TASK_ID],
    )
    assert rows.height == tables[s.RESULTS].filter(pl.col(s.SUBJECT_ID).str.starts_with("S")).height
    rated = rows.filter(pl.col(s.METHOD) == "rating")
    assert set(rated[s.LEVEL]) <= set(PLAN.rating_levels)
    present = rows.select(s.SUBJECT_ID, s.MONTH).unique()
    all_months = (
        tasks.select(s.SECTION_ID).unique().join(month_ends(12).select(s.MONTH), how="cross")
    )
    assert present.height < all_months.height  # the no_tasks check has something to find


# ---- events, evaluations, evidence, pools, reviews -----------------------------------------------


def test_events_use_the_plan_vocabulary_and_hold_vetoes_and_sanctions(tables: Tables) -> None:
    e = tables[s.EVENTS]
    assert set(e[s.KIND].drop_nulls()) <= set(PLAN.events.caps)
    assert set(e[s.SANCTION].drop_nulls()) <= set(PLAN.events.sanctions)
    units = set(tables[s.UNITS][s.UNIT_ID])
    vetoes = e.filter(pl.col(s.VETO).fill_null(False))
    unit_vetoes = vetoes.filter(pl.col(s.SUBJECT_ID).is_in(list(units)))
    assert unit_vetoes.height >= 1
    assert set(unit_vetoes[s.VETO_TYPE]) <= set(PLAN.events.unit_veto_types)
    assert vetoes.height > unit_vetoes.height  # a cadre veto as well
    assert e[s.SANCTION].drop_nulls().len() >= 1
    assert (e[s.POINTS] > 0).any()
    assert (e[s.POINTS] < 0).any()
    assert e[s.EVENT_ID].to_list() == [f"E{i:06d}" for i in range(1, e.height + 1)]


def test_evaluations_cover_every_kind_of_the_year(tables: Tables) -> None:
    ev = tables[s.EVALUATIONS]
    assert set(ev[s.PERIOD]) == {
        "2026",
        "2026-Q1",
        "2026-Q2",
        "2026-Q3",
        "2026-Q4",
        "2026-H1",
        "2026-H2",
    }
    assert set(ev[s.KIND]) == set(s.EVALUATION_KINDS)
    political = ev.filter(pl.col(s.KIND) == s.EVAL_POLITICAL)
    assert set(political[s.ITEM]) == {i.name for i in PLAN.political.items}
    democratic = ev.filter(pl.col(s.KIND) == s.EVAL_DEMOCRATIC)
    assert set(democratic[s.RATER_GROUP]) == set(PLAN.annual.rater_groups)
    items = {i.name for i in (*PLAN.annual.team_items, *PLAN.annual.cadre_items)}
    assert set(democratic[s.ITEM]) <= items
    assert (democratic[s.BALLOTS] == 0).any()  # a group in which nobody voted
    assert democratic[s.BALLOTS].is_between(0, 40).all()
    assert ev[s.SCORE].is_between(60, 100).all()
    quarterly = ev.filter(pl.col(s.KIND) == s.EVAL_QUARTERLY)
    assert 0 < quarterly[s.RATER_ID].drop_nulls().len() < quarterly.height
    # every unit's team is rated for the year
    teams = ev.filter(pl.col(s.SUBJECT_ID).str.starts_with("U"))
    assert set(teams[s.SUBJECT_ID]) == set(tables[s.UNITS][s.UNIT_ID])


def test_compact_evaluations_keep_one_democratic_row_per_group() -> None:
    t = generate(PLAN, units=4, cadres=40, seed=2, compact=True)
    democratic = t[s.EVALUATIONS].filter(pl.col(s.KIND) == s.EVAL_DEMOCRATIC)
    assert democratic[s.ITEM].null_count() == democratic.height
    per_subject = democratic.group_by(s.SUBJECT_ID).len()["len"]
    assert set(per_subject) == {len(PLAN.annual.rater_groups)}


def test_evidence_is_dated_in_the_year_from_the_plan_sources(tables: Tables) -> None:
    ev = tables[s.EVIDENCE_TABLE]
    assert 20 <= ev.height <= 100  # 0.18 per cadre and 0.5 per unit
    assert set(ev[s.SOURCE]) <= set(PLAN.political.evidence.sources)
    assert set(ev[s.DIRECTION]) == {s.DIRECTION_POSITIVE, s.DIRECTION_NEGATIVE}
    assert (ev[s.DIRECTION] == s.DIRECTION_POSITIVE).sum() > 0.7 * ev.height
    assert set(ev[s.ITEM].drop_nulls()) <= {i.name for i in PLAN.political.items}
    assert ev[s.DATE].is_between(dt.date(2026, 1, 1), dt.date(2026, 12, 31)).all()


def test_pools_are_positive_whole_cents_for_units_with_people(tables: Tables) -> None:
    pools = tables[s.POOLS]
    assert (pools[s.POOL_CENTS] > 0).all()
    assert (pools[s.POOL_CENTS] <= 10**10).all()
    assert pools.height < UNITS * 12  # a few unit-months have no pool


def test_reviews_settle_a_few_top_candidates(tables: Tables) -> None:
    reviews = tables[s.REVIEWS]
    assert 1 <= reviews.height <= 10
    assert set(reviews[s.OUTCOME]) <= {s.OUTCOME_CONFIRM, s.OUTCOME_REJECT}
    assert set(reviews[s.SUBJECT_ID]) <= set(tables[s.CADRES][s.CADRE_ID])
    assert (reviews[s.YEAR] == 2026).all()


# ---- a shorter run -------------------------------------------------------------------------------


def test_a_run_of_five_months_has_nothing_after_may(five_months: Tables) -> None:
    t = five_months
    for name, table in s.TABLES.items():
        if s.MONTH in table.column_names and t[name].height:
            assert (t[name][s.MONTH] <= 5).all(), name
    may_31 = dt.date(2026, 5, 31)
    assert (t[s.ASSIGNMENTS][s.START] <= may_31).all()
    assert (t[s.ASSIGNMENTS][s.END].drop_nulls() < may_31).all()  # the next post starts by then
    assert (t[s.EVIDENCE_TABLE][s.DATE] <= may_31).all()
    assert t[s.REVIEWS].is_empty()


def test_a_run_of_five_months_has_no_year_level_evaluations(five_months: Tables) -> None:
    ev = five_months[s.EVALUATIONS]
    assert set(ev[s.PERIOD]) == {"2026-Q1"}
    assert set(ev[s.KIND]) == {s.EVAL_QUARTERLY}


def test_records_of_a_short_run_match_its_posts(five_months: Tables) -> None:
    held = holdings(five_months, 5).select(s.CADRE_ID, s.MONTH).sort(s.CADRE_ID, s.MONTH)
    records = five_months[s.RECORDS].select(s.CADRE_ID, s.MONTH).sort(s.CADRE_ID, s.MONTH)
    assert_frame_equal(held, records)


@pytest.mark.parametrize(
    ("units", "cadres", "months"), [(1, 0, 1), (2, 0, 12), (2, 5, 3), (3, 30, 12)]
)
def test_tiny_districts_still_have_every_table(units: int, cadres: int, months: int) -> None:
    t = generate(PLAN, units=units, cadres=cadres, months=months, seed=5)
    for name in s.TABLES:
        assert t[name].schema == table_schema(name), name
    assert t[s.UNITS].height == units
    assert t[s.CADRES].height == cadres


def test_unit_ids_keep_the_width_the_plan_uses_for_them() -> None:
    big = generate(PLAN, units=1200, cadres=0, months=1)[s.UNITS][s.UNIT_ID]
    assert big.head(2).to_list() == ["U001", "U002"]  # named in the plan's unit_weights
    assert big.tail(1).to_list() == ["U1200"]
    assert big.n_unique() == 1200
    bare = PLAN.model_copy(update={"unit_weights": {}})
    assert generate(bare, units=1200, cadres=0, months=1)[s.UNITS][s.UNIT_ID][0] == "U0001"


@pytest.mark.parametrize("kwargs", [{"units": 0}, {"months": 0}, {"months": 13}, {"cadres": -1}])
def test_impossible_sizes_are_refused(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=r"must|needed|negative"):
        generate(PLAN, **kwargs)


# ---- validity against the plan -------------------------------------------------------------------


@pytest.mark.parametrize("months", [12, 5])
def test_the_demo_of_the_example_plan_has_no_problems(months: int) -> None:
    from kaohe.engine.validate import validate  # noqa: PLC0415 - another module's checks

    t = generate(PLAN, units=UNITS, cadres=CADRES, seed=11, months=months)
    problems, warnings = validate(PLAN, t, tuple(range(1, months + 1)), {})
    assert [str(p) for p in problems] == []
    assert [str(w) for w in warnings] == []


@pytest.mark.parametrize("months", [12, 5])
def test_score_into_hands_every_table_over_once_as_score_returns_it(
    tables: Tables, five_months: Tables, months: int
) -> None:
    """``score_into`` gives each published table to the sink once, finished, the same frame
    ``score`` returns; with five months the year's tables are handed over empty."""
    data = DataSet(PLAN.year, tuple(range(1, months + 1)), tables if months == 12 else five_months)
    handed: list[tuple[str, pl.DataFrame]] = []
    score_into(PLAN, data, lambda name, frame: handed.append((name, frame)))
    names = [name for name, _ in handed]
    assert sorted(names) == sorted(s.OUTPUTS)  # each once
    held = score(PLAN, data)
    for name, frame in handed:
        assert_frame_equal(frame, held[name])
    by_name = dict(handed)
    assert by_name["cadre_monthly"].height > 0
    assert by_name["annual"].is_empty() == (months < 12)
