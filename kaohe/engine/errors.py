"""The engine's one exception hierarchy.

::

    EngineError                 anything the engine refuses to compute
    ├── PlanError               the yearly plan is invalid; .issues name the path in the plan
    └── DataError               the input data is invalid; .problems name file, row and column

Problems are collected and raised together, so a user fixes a workbook in one pass.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input: where it is and why.

    ``row`` is the spreadsheet row (the header is row 1, the first data row is row 2);
    ``None`` when the problem concerns a whole file or column.
    """

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.message}"


@dataclass(frozen=True, slots=True)
class PlanIssue:
    """One thing wrong with a plan, at a dotted path such as ``categories.X.groups[1].points``."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class EngineError(Exception):
    """Base class of every error the engine raises on purpose."""


class PlanError(EngineError):
    """The plan cannot be used. ``issues`` lists every problem found."""

    def __init__(self, issues: Iterable[PlanIssue], source: str | None = None) -> None:
        self.issues = tuple(issues)
        self.source = source
        head = f"invalid plan {source}" if source else "invalid plan"
        super().__init__(head + ":\n" + "\n".join(f"  {i}" for i in self.issues))


class DataError(EngineError):
    """The data cannot be scored. ``problems`` lists every problem found, sorted by place."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(
            sorted(problems, key=lambda p: (p.file, p.row or 0, p.column or "", p.message))
        )
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) in the data:\n{lines}")
