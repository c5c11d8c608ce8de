"""How each table of the exchange format maps onto a model: columns, keys, foreign keys.

One :class:`TableMap` per input table of :data:`kaohe.engine.schema.TABLES`, in the order of that
mapping (organisation first, so foreign keys resolve in one pass). ``*_id`` columns become
``*_code`` fields, or a foreign key when the referenced row must exist (a unit, a section, a
cadre); subject columns that may name a unit, a section or a cadre stay ``subject_code`` strings.
The adapter (:mod:`kaohe.results.adapters`) reads with :meth:`TableMap.lookups`, the importer
writes with :meth:`TableMap.attnames`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from django.db import models

from kaohe.collection import models as c
from kaohe.engine import schema as s
from kaohe.org import models as o

YEAR_FIELD: Final = "year"


@dataclass(frozen=True, slots=True)
class TableMap:
    """Table ``table`` of the exchange format stored in ``model``.

    ``fields`` maps each exchange column to a model field; a column in ``links`` is a foreign key
    to a model with a unique ``code`` (the referenced id). ``yearly`` tables are kept per plan year.
    """

    table: str
    model: type[models.Model]
    fields: Mapping[str, str]
    links: Mapping[str, type[models.Model]] = field(default_factory=dict)
    yearly: bool = True

    @property
    def columns(self) -> tuple[str, ...]:
        return s.TABLES[self.table].column_names

    @property
    def key(self) -> tuple[str, ...]:
        return s.TABLES[self.table].key

    def lookup(self, column: str) -> str:
        """The ORM lookup that reads ``column``: ``unit__code`` for a foreign key."""
        name = self.fields[column]
        return f"{name}__code" if column in self.links else name

    def attname(self, column: str) -> str:
        """The concrete field that stores ``column``: ``unit_id`` for a foreign key."""
        name = self.fields[column]
        return f"{name}_id" if column in self.links else name

    def lookups(self) -> list[str]:
        return [self.lookup(col) for col in self.columns]

    def attnames(self) -> list[str]:
        return [self.attname(col) for col in self.columns]

    def key_attnames(self) -> list[str]:
        """The unique key as stored: the year (for yearly tables) and the natural key."""
        keys = [self.attname(col) for col in self.key]
        if self.yearly and YEAR_FIELD not in keys:
            keys.insert(0, YEAR_FIELD)
        return keys

    def has_year_column(self) -> bool:
        return YEAR_FIELD in self.fields.values()


def _same(*columns: str) -> dict[str, str]:
    return {col: col for col in columns}


TABLE_MAPS: Final[dict[str, TableMap]] = {
    m.table: m
    for m in (
        TableMap(
            s.UNITS,
            o.Unit,
            {s.UNIT_ID: "code"} | _same(s.NAME, s.CATEGORY, s.TIER),
            yearly=False,
        ),
        TableMap(
            s.SECTIONS,
            o.Section,
            {s.SECTION_ID: "code", s.UNIT_ID: "unit"} | _same(s.NAME, s.TIER),
            {s.UNIT_ID: o.Unit},
            yearly=False,
        ),
        TableMap(
            s.POSTS,
            o.Post,
            {s.POST_ID: "code", s.UNIT_ID: "unit", s.SECTION_ID: "section"}
            | _same(s.NAME, s.ROLE, s.TIER),
            {s.UNIT_ID: o.Unit, s.SECTION_ID: o.Section},
            yearly=False,
        ),
        TableMap(
            s.CADRES,
            o.Cadre,
            {s.CADRE_ID: "code", s.HOME_UNIT_ID: "home_unit"}
            | _same(s.NAME, s.PERSONNEL_TYPE, s.PROBATION_END),
            {s.HOME_UNIT_ID: o.Unit},
            yearly=False,
        ),
        TableMap(
            s.ASSIGNMENTS,
            o.Assignment,
            {s.CADRE_ID: "cadre", s.POST_ID: "post"} | _same(s.START, s.END),
            {s.CADRE_ID: o.Cadre, s.POST_ID: o.Post},
            yearly=False,
        ),
        TableMap(s.DISTRICT, c.DistrictStat, _same(s.MONTH, s.GDP_GROWTH, s.GDP_GROWTH_TARGET)),
        TableMap(
            s.ECONOMIC,
            c.EconomicStat,
            {s.UNIT_ID: "unit"}
            | _same(
                s.INDICATOR,
                s.MONTH,
                s.TARGET_VOLUME,
                s.ACTUAL_VOLUME,
                s.TARGET_GROWTH,
                s.ACTUAL_GROWTH,
                s.DRAGS,
            ),
            {s.UNIT_ID: o.Unit},
        ),
        TableMap(
            s.RESULTS,
            c.IndicatorResult,
            {s.SUBJECT_ID: "subject_code", s.SCORER_ID: "scorer_code"}
            | _same(
                s.INDICATOR,
                s.MONTH,
                s.ACTUAL,
                s.TARGET,
                s.LEVEL,
                s.OCCURRENCES,
                s.MILESTONES_DUE,
                s.MILESTONES_DONE,
            ),
        ),
        TableMap(
            s.INPUTS,
            c.FormulaInput,
            {s.SUBJECT_ID: "subject_code"} | _same(s.INDICATOR, s.MONTH, s.INPUT_NAME, s.VALUE),
        ),
        TableMap(
            s.TASKS,
            c.Task,
            {s.TASK_ID: "code", s.SECTION_ID: "section"}
            | _same(
                s.INDICATOR,
                s.NAME,
                s.WEIGHT,
                s.METHOD,
                s.DIRECTION,
                s.POINTS_PER_OCCURRENCE,
                s.TAGS,
            ),
            {s.SECTION_ID: o.Section},
        ),
        TableMap(
            s.EVENTS,
            c.Event,
            {s.EVENT_ID: "code", s.SUBJECT_ID: "subject_code"}
            | _same(
                s.MONTH,
                s.POINTS,
                s.KIND,
                s.REASON,
                s.VETO,
                s.VETO_TYPE,
                s.SANCTION,
                s.RECORDED_BY,
                s.EVIDENCE,
            ),
        ),
        TableMap(
            s.RECORDS,
            c.MonthlyRecord,
            {s.CADRE_ID: "cadre", s.RATER_ID: "rater_code"}
            | _same(s.MONTH, s.LATES, s.ABSENCES, s.GOALS_SET, s.GOALS_MET, s.LEVEL, s.ON_LEAVE),
            {s.CADRE_ID: o.Cadre},
        ),
        TableMap(
            s.EVALUATIONS,
            c.Evaluation,
            {s.SUBJECT_ID: "subject_code", s.RATER_ID: "rater_code"}
            | _same(s.PERIOD, s.KIND, s.ITEM, s.RATER_GROUP, s.SCORE, s.BALLOTS),
        ),
        TableMap(
            s.EVIDENCE_TABLE,
            c.Evidence,
            {s.EVIDENCE_ID: "code", s.SUBJECT_ID: "subject_code"}
            | _same(s.DATE, s.SOURCE, s.DIRECTION, s.ITEM, s.RECORDED_BY, s.NOTE),
        ),
        TableMap(
            s.POOLS,
            c.PayPool,
            {s.UNIT_ID: "unit"} | _same(s.MONTH, s.POOL_CENTS),
            {s.UNIT_ID: o.Unit},
        ),
        TableMap(
            s.REVIEWS,
            c.TopReview,
            {s.SUBJECT_ID: "subject_code"} | _same(s.YEAR, s.OUTCOME, s.REVIEWER, s.DATE, s.NOTE),
        ),
    )
}

assert tuple(TABLE_MAPS) == tuple(s.TABLES), "one map per exchange table, in schema order"
for _map in TABLE_MAPS.values():
    assert set(_map.fields) == set(_map.columns), f"{_map.table}: every column is mapped"
