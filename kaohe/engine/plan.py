"""The yearly assessment plan (考核方案): a YAML file validated by these pydantic models.

Every default of docs/rules.md is a field here with that default, so a district re-weights its
plan each year without touching code. :func:`load_plan` turns every validation problem into a
:class:`~kaohe.engine.errors.PlanIssue` whose path reads like the YAML, e.g.
``categories.经济发展类.groups[1].indicators[3].k_bonus: 12 is outside 3–10``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from itertools import pairwise
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from kaohe.engine.errors import PlanError, PlanIssue
from kaohe.engine.formula import FormulaError, compile_formula

Method = Literal[
    "volume_growth", "completion", "rating", "deduction", "milestones", "rank", "formula"
]
TASK_METHODS: tuple[str, ...] = ("completion", "rating", "deduction", "milestones")
Direction = Literal["higher_is_better", "lower_is_better"]
Frequency = Literal["monthly", "quarterly"]
Share = Annotated[float, Field(ge=0, le=1)]
Weight = Annotated[float, Field(ge=0)]

K_MIN, K_MAX = 3.0, 10.0  # rules.md §3: the multiples are within 3–10 (seed)
COMMON_POINTS_MIN, COMMON_POINTS_MAX = 10.0, 15.0  # rules.md §2: common indicators 10–15 points
EXACT = 1e-9


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_shares(values: Mapping[str, float], what: str) -> None:
    total = sum(values.values())
    if not math.isclose(total, 1.0, abs_tol=EXACT):
        raise ValueError(f"{what} must sum to 1, not {total:g}")


# ---- scorecards (§2, §3) -------------------------------------------------------------------


class Indicator(_Model):
    """One indicator of a category's scorecard."""

    key: str = Field(min_length=1)
    name: str = Field(min_length=1)
    weight: float = Field(gt=0)
    method: Method
    owner: str | None = None  # 牵头评分部门, the department that scores it
    direction: Direction = "higher_is_better"
    frequency: Frequency = "monthly"
    tags: tuple[str, ...] = ()
    k_bonus: float | None = None  # volume_growth; None → economic.k_bonus
    k_penalty: float | None = None  # volume_growth; None → economic.k_penalty
    points_per_occurrence: float = Field(default=1.0, gt=0)  # deduction
    floor_share: Share | None = None  # rank; None → rank_floor_share
    formula: str | None = None  # formula
    inputs: tuple[str, ...] = ()  # formula: the named inputs it may use

    @field_validator("k_bonus", "k_penalty")
    @classmethod
    def _k_in_range(cls, v: float | None) -> float | None:
        if v is not None and not K_MIN <= v <= K_MAX:
            raise ValueError(f"{v:g} is outside 3–10")
        return v

    @model_validator(mode="after")
    def _method_fields(self) -> Indicator:
        if self.method == "formula":
            if not self.formula:
                raise ValueError("a formula indicator needs a formula")
            try:
                compile_formula(self.formula, FORMULA_BASE_NAMES + self.inputs)
            except FormulaError as exc:
                raise ValueError(f"formula: {exc}") from exc
        elif self.formula is not None:
            raise ValueError(f"formula is only for method formula, not {self.method}")
        if self.method != "volume_growth" and (
            self.k_bonus is not None or self.k_penalty is not None
        ):
            raise ValueError("k_bonus and k_penalty are only for method volume_growth")
        return self


FORMULA_BASE_NAMES: tuple[str, ...] = ("actual", "target")


class Group(_Model):
    """A group of indicators worth ``points`` of the unit's 100."""

    key: str = Field(min_length=1)
    name: str = Field(min_length=1)
    points: float = Field(ge=0)
    indicators: tuple[Indicator, ...] = ()


class Category(_Model):
    """A peer group of units with its scorecard; group points sum to exactly 100."""

    groups: tuple[Group, ...]

    @model_validator(mode="after")
    def _points_sum_to_100(self) -> Category:
        total = sum(g.points for g in self.groups)
        if not math.isclose(total, 100.0, abs_tol=EXACT):
            raise ValueError(f"group points sum to {total:g}, not exactly 100")
        keys = [i.key for g in self.groups for i in g.indicators]
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        if dupes:
            raise ValueError(f"indicator keys repeat within the category: {', '.join(dupes)}")
        group_keys = [g.key for g in self.groups]
        if len(set(group_keys)) != len(group_keys):
            raise ValueError("group keys repeat within the category")
        return self

    def indicators(self) -> Iterator[tuple[Group, Indicator]]:
        for g in self.groups:
            for i in g.indicators:
                yield g, i


class Economic(_Model):
    """§3: the economic bureau's 80/20 rule and the 3–10× bonus and penalty."""

    volume_share: Share = 0.8
    growth_share: Share = 0.2
    cap: float = Field(default=1.2, gt=0)
    excel_at: float = Field(default=1.0, ge=0)
    drag_below: float = Field(default=0.9, ge=0)
    basis: Literal["gap", "points"] = "gap"
    k_bonus: float = 3.0
    k_penalty: float = 5.0

    @field_validator("k_bonus", "k_penalty")
    @classmethod
    def _k_in_range(cls, v: float) -> float:
        if not K_MIN <= v <= K_MAX:
            raise ValueError(f"{v:g} is outside 3–10")
        return v

    @model_validator(mode="after")
    def _shares(self) -> Economic:
        _check_shares({"v": self.volume_share, "g": self.growth_share}, "volume and growth shares")
        return self


class Coefficient(_Model):
    """§4: static tier × dynamic district factor."""

    tiers: tuple[float, ...] = (1.00, 1.03, 1.06, 1.10, 1.14, 1.18)
    formula: str = "1 + (c - 1) * clamp(g / g_target, lo, hi)"
    lo: float = 0.0
    hi: float = 1.5
    applies_to: Literal["total", "indicators"] = "total"
    sections: bool = True  # apply the same coefficient to a section's own score with its tier

    @field_validator("tiers")
    @classmethod
    def _tiers(cls, v: tuple[float, ...]) -> tuple[float, ...]:
        if not v:
            raise ValueError("at least one tier is needed")
        if any(t <= 0 for t in v):
            raise ValueError("tiers must be positive")
        return v

    @field_validator("formula")
    @classmethod
    def _formula(cls, v: str) -> str:
        try:
            compile_formula(v, COEFFICIENT_NAMES)
        except FormulaError as exc:
            raise ValueError(str(exc)) from exc
        return v

    @model_validator(mode="after")
    def _bounds(self) -> Coefficient:
        if self.lo > self.hi:
            raise ValueError(f"lo {self.lo:g} is above hi {self.hi:g}")
        return self


COEFFICIENT_NAMES: tuple[str, ...] = ("c", "g", "g_target", "lo", "hi")


SanctionEffect = Literal["no_top", "max_basic"]
DEFAULT_CAPS: dict[str, float | None] = {
    "normal": 10.0,
    "special": 10.0,
    "special_performance": 10.0,
    "frontline": 10.0,
}
DEFAULT_SANCTIONS: dict[str, SanctionEffect] = {
    "警告": "no_top",
    "诫勉": "no_top",
    "记过": "max_basic",
    "记大过": "max_basic",
    "降级": "max_basic",
    "撤职": "max_basic",
    "开除": "max_basic",
}


class Events(_Model):
    """§5: caps of bonus events per subject and month by kind, vetoes and sanctions."""

    caps: dict[str, float | None] = Field(default_factory=lambda: dict(DEFAULT_CAPS))
    unit_veto_types: tuple[str, ...] = ("安全生产", "信访稳定", "党风廉政", "生态环保")
    sanctions: dict[str, SanctionEffect] = Field(default_factory=lambda: dict(DEFAULT_SANCTIONS))

    @field_validator("caps")
    @classmethod
    def _caps(cls, v: dict[str, float | None]) -> dict[str, float | None]:
        if "normal" not in v:
            raise ValueError("a cap for kind 'normal' is needed (null for uncapped)")
        for kind, cap in v.items():
            if cap is not None and cap < 0:
                raise ValueError(f"cap of {kind} is negative")
        return v


# ---- sections and cadres (§6) --------------------------------------------------------------


class Link(_Model):
    """A three-link weighting: own score and the level above (section or unit)."""

    own: Share
    upper: Share

    @model_validator(mode="after")
    def _sum(self) -> Link:
        _check_shares({"own": self.own, "upper": self.upper}, "own and upper")
        return self


class OwnScore(_Model):
    """§6: the cadre's own monthly score from days, weeks and the month's reconciliation."""

    attendance_points: float = Field(default=10.0, ge=0)
    per_late: float = Field(default=0.5, ge=0)
    per_absence: float = Field(default=2.0, ge=0)
    weekly_points: float = Field(default=30.0, ge=0)
    monthly_points: float = Field(default=60.0, ge=0)


class Cascade(_Model):
    section: Link = Link(own=0.7, upper=0.3)
    staff: Link = Link(own=0.7, upper=0.3)
    leader: Link = Link(own=0.6, upper=0.4)
    principal: Link = Link(own=0.5, upper=0.5)
    own_score: OwnScore = OwnScore()

    def link(self, role: str) -> Link:
        link: Link = getattr(self, role)
        return link


class Blend(_Model):
    """A period score: mean of monthly finals blended with the period's rating."""

    monthly: Share
    rating: Share

    @model_validator(mode="after")
    def _sum(self) -> Blend:
        _check_shares({"m": self.monthly, "r": self.rating}, "monthly and rating")
        return self


class Periods(_Model):
    quarterly: Blend = Blend(monthly=0.7, rating=0.3)
    half_year: Blend = Blend(monthly=0.7, rating=0.3)


# ---- annual (§7) -----------------------------------------------------------------------------


class AnnualWeights(_Model):
    monthly: Share
    political: Share
    comprehensive: Share

    @model_validator(mode="after")
    def _sum(self) -> AnnualWeights:
        _check_shares(
            {"m": self.monthly, "p": self.political, "c": self.comprehensive},
            "monthly, political and comprehensive",
        )
        return self


class Comprehensive(_Model):
    democratic: Share = 0.4
    review: Share = 0.4
    second_half: Share = 0.2

    @model_validator(mode="after")
    def _sum(self) -> Comprehensive:
        _check_shares(
            {"d": self.democratic, "r": self.review, "s": self.second_half},
            "democratic, review and second_half",
        )
        return self


class RatedItem(_Model):
    """An item of a rating (political quality, democratic evaluation) with its training tags."""

    name: str
    weight: float = Field(default=1.0, gt=0)
    tags: tuple[str, ...] = ()


class Annual(_Model):
    team: AnnualWeights = AnnualWeights(monthly=0.4, political=0.1, comprehensive=0.5)
    leader: AnnualWeights = AnnualWeights(monthly=0.3, political=0.1, comprehensive=0.6)
    principal: AnnualWeights = AnnualWeights(monthly=0.3, political=0.1, comprehensive=0.6)
    staff: AnnualWeights = AnnualWeights(monthly=0.5, political=0.1, comprehensive=0.4)
    comprehensive: Comprehensive = Comprehensive()
    rater_groups: dict[str, float] = Field(
        default_factory=lambda: {"leaders": 0.3, "peers": 0.4, "subordinates": 0.3}
    )
    team_items: tuple[RatedItem, ...] = (
        RatedItem(name="政治思想建设", tags=("意识形态",)),
        RatedItem(name="领导能力", tags=("执政能力",)),
        RatedItem(name="工作实绩", tags=("经济发展",)),
        RatedItem(name="党风廉政建设", tags=("党风廉政",)),
        RatedItem(name="作风建设", tags=("作风建设",)),
    )
    cadre_items: tuple[RatedItem, ...] = (
        RatedItem(name="德", tags=("意识形态",)),
        RatedItem(name="能", tags=("执政能力",)),
        RatedItem(name="勤", tags=("作风建设",)),
        RatedItem(name="绩", tags=("经济发展",)),
        RatedItem(name="廉", tags=("党风廉政",)),
    )
    probation_undetermined: bool = True
    max_leave_months: int = Field(default=6, ge=0, le=12)

    @field_validator("rater_groups")
    @classmethod
    def _groups(cls, v: dict[str, float]) -> dict[str, float]:
        if not v:
            raise ValueError("at least one rater group is needed")
        _check_shares(v, "rater group weights")
        return v

    def weights(self, subject: str) -> AnnualWeights:
        weights: AnnualWeights = getattr(self, subject)
        return weights


class PoliticalEvidence(_Model):
    """How evidence moves the political-quality rating (rules.md §11, docs/rules.md)."""

    points_positive: float = Field(default=2.0, ge=0)
    points_negative: float = Field(default=4.0, ge=0)
    cap: float = Field(default=10.0, ge=0)
    sources: tuple[str, ...] = ("work", "life", "social", "field", "discipline", "recipients")
    restricted_sources: tuple[str, ...] = ("life", "social")


class AnchorLevel(_Model):
    """One behaviour-anchored level of a political item (rules.md §11.1): a short name, the
    score it gives (0–100) and the behaviour that earns it."""

    name: str = Field(min_length=1)
    score: float = Field(ge=0, le=100)
    text: str = Field(min_length=1)


def _anchors(*texts: str) -> tuple[AnchorLevel, ...]:
    names_scores = (("好", 95.0), ("较好", 85.0), ("一般", 75.0), ("较差", 65.0), ("差", 50.0))
    return tuple(
        AnchorLevel(name=name, score=score, text=text)
        for (name, score), text in zip(names_scores, texts, strict=True)
    )


DEFAULT_ANCHORS: dict[str, tuple[AnchorLevel, ...]] = {
    "政治判断力": _anchors(
        "在大是大非面前立场坚定、旗帜鲜明，能从政治上看问题，准确识别并主动抵制错误思潮和风险隐患",
        "政治立场坚定，遇到复杂情况能从政治上分析判断，及时请示报告，未出现判断失误",
        "政治立场基本坚定，对一般问题能作出正确判断，对复杂情况的政治敏锐性有待提高",
        "对政治问题不够敏感，有时就事论事，对苗头性、倾向性问题察觉不及时",
        "政治意识淡薄，在原则问题上态度模糊，对错误言行不辨别、不抵制",
    ),
    "政治领悟力": _anchors(
        "深入学习领会党的创新理论和上级决策部署，能结合本职准确把握精神实质并创造性转化为工作思路",
        "认真学习上级精神，理解准确，能结合本职提出落实措施",
        "能按要求参加学习，对上级精神理解基本到位，结合实际不够紧密",
        "学习不够主动，对上级精神理解停留在表面，落实措施针对性不强",
        "学习敷衍应付，对上级精神领会偏差，工作方向与要求不符",
    ),
    "政治执行力": _anchors(
        "对党中央和上级决策部署坚决执行、不折不扣，攻坚克难、按时高质量完成，成效突出",
        "执行上级决策部署及时有力，主动担当，任务按期完成、质量较好",
        "能执行上级决策部署，任务基本按期完成，主动性、创造性一般",
        "执行上级决策部署不够及时有力，存在拖延、打折扣现象",
        "对上级决策部署选择性执行、搞变通，或因不作为造成不良影响",
    ),
}


class Political(_Model):
    items: tuple[RatedItem, ...] = (
        RatedItem(name="政治判断力", tags=("意识形态",)),
        RatedItem(name="政治领悟力", tags=("意识形态",)),
        RatedItem(name="政治执行力", tags=("执政能力",)),
    )
    evidence: PoliticalEvidence = PoliticalEvidence()
    # behaviour-anchored levels per item (docs/plan.md; the web application's rating form);
    # an item without anchors is rated with a plain 0–100 score
    anchors: dict[str, tuple[AnchorLevel, ...]] = Field(
        default_factory=lambda: dict(DEFAULT_ANCHORS)
    )

    @model_validator(mode="after")
    def _anchors_fit(self) -> Political:
        items = {item.name for item in self.items}
        for item, levels in self.anchors.items():
            if item not in items:
                raise ValueError(f"anchors name {item!r}, which is not a political item")
            if not 2 <= len(levels) <= 7:
                raise ValueError(f"anchors of {item} need 2–7 levels, not {len(levels)}")
            names = [level.name for level in levels]
            if len(set(names)) != len(names):
                raise ValueError(f"anchors of {item} repeat a level name")
            scores = [level.score for level in levels]
            if any(a <= b for a, b in pairwise(scores)):
                raise ValueError(f"anchors of {item} must go from the highest score down")
        return self

    def anchors_of(self, item: str) -> tuple[AnchorLevel, ...]:
        """The item's anchored levels (empty: rated with a plain score)."""
        return self.anchors.get(item, ())


# ---- grades, ranking, use of results (§8–§11) -------------------------------------------------


class Quota(_Model):
    share: float = Field(default=0.2, gt=0, le=0.25)
    min_one: bool = False
    staff_scope: Literal["unit", "category", "district"] = "unit"
    leader_scope: Literal["unit", "category", "district"] = "district"
    team_scope: Literal["category", "district"] = "category"
    by_personnel_type: bool = True


class Grades(_Model):
    top: float = 90.0
    second: float = 70.0
    third: float = 60.0
    quota: Quota = Quota()
    require_review: bool = True

    @model_validator(mode="after")
    def _order(self) -> Grades:
        if not self.top >= self.second >= self.third:
            raise ValueError("thresholds must satisfy top ≥ second ≥ third")
        return self


class MinMonths(_Model):
    quarter: int = Field(default=2, ge=0, le=3)
    half_year: int = Field(default=4, ge=0, le=6)
    year: int = Field(default=8, ge=0, le=12)


class Ranking(_Model):
    min_group: int = Field(default=5, ge=1)
    bottom_share: Share = 0.1
    min_months: MinMonths = MinMonths()
    actions: dict[str, str] = Field(
        default_factory=lambda: {
            "quarter": "谈话提醒",
            "half_year": "岗位调整",
            "year": "严肃处理",
        }
    )
    due_days: int = Field(default=30, ge=0)

    @field_validator("actions")
    @classmethod
    def _actions(cls, v: dict[str, str]) -> dict[str, str]:
        missing = {"quarter", "half_year", "year"} - set(v)
        if missing:
            raise ValueError(f"actions need quarter, half_year and year; missing {sorted(missing)}")
        return v


class Persistence(_Model):
    share: Share = 0.1
    months: int = Field(default=9, ge=1)
    window: int = Field(default=12, ge=1)

    @model_validator(mode="after")
    def _fits(self) -> Persistence:
        if self.months > self.window:
            raise ValueError("months cannot exceed window")
        return self


class Training(_Model):
    threshold: Share = 0.8
    bottom_share: Share = 0.25
    forms: dict[str, Literal["online", "offline"]] = Field(default_factory=dict)
    default_form: Literal["online", "offline"] = "online"


class Procedure(_Model):
    """The monthly cycle's deadlines (§12; used by the web application, not by scoring).

    ``publicity_days``: working days of 公示 after publication, which are also the objection
    window (at least 5). ``submit_day``, ``review_day``, ``publish_day``: the day of the month
    after the assessed month by which units submit, the office reviews and publishes.
    ``review_days``, ``appeal_days``: 复核 within 30 days of notification, 申诉 within 15 days
    of the review's answer (shown with the published results). ``rating_days``: the leaders'
    ratings of a quarter, a half-year or the year (and the political ratings) are entered from
    the day after the period ends until ``rating_days`` working days after it (docs/ratings.md).
    """

    publicity_days: int = Field(default=5, ge=5, le=30)
    submit_day: int = Field(default=5, ge=1, le=28)
    review_day: int = Field(default=10, ge=1, le=28)
    publish_day: int = Field(default=15, ge=1, le=28)
    review_days: int = Field(default=30, ge=1)
    appeal_days: int = Field(default=15, ge=1)
    rating_days: int = Field(default=10, ge=1, le=30)

    @model_validator(mode="after")
    def _order(self) -> Procedure:
        if not self.submit_day <= self.review_day <= self.publish_day:
            raise ValueError("days must satisfy submit_day ≤ review_day ≤ publish_day")
        return self


RESULT_USES: dict[str, tuple[str, ...]] = {
    "绩效工资": ("cadre_monthly", "pay"),
    "选贤任能": ("annual",),
    "评优奖励": ("annual", "quota"),
    "培训补课": ("training",),
    "谈话提醒": ("actions",),
    "容错纠错": ("events",),
}


class Plan(_Model):
    """A yearly plan. Only ``year``, ``name`` and ``categories`` have no default."""

    year: int = Field(ge=2000, le=2100)
    name: str
    personnel_types: tuple[str, ...] = ("公务员", "参公", "事业", "聘用")
    rating_levels: dict[str, float] = Field(
        default_factory=lambda: {"优": 1.0, "良": 0.85, "中": 0.7, "差": 0.5}
    )
    rank_floor_share: Share = 0.6
    categories: dict[str, Category]
    unit_weights: dict[str, dict[str, Weight]] = Field(default_factory=dict)
    economic: Economic = Economic()
    coefficient: Coefficient = Coefficient()
    events: Events = Events()
    cascade: Cascade = Cascade()
    periods: Periods = Periods()
    annual: Annual = Annual()
    political: Political = Political()
    grades: Grades = Grades()
    ranking: Ranking = Ranking()
    persistence: Persistence = Persistence()
    training: Training = Training()
    procedure: Procedure = Procedure()
    result_uses: dict[str, tuple[str, ...]] = Field(default_factory=lambda: dict(RESULT_USES))

    @field_validator("rating_levels")
    @classmethod
    def _levels(cls, v: dict[str, float]) -> dict[str, float]:
        if not v:
            raise ValueError("at least one rating level is needed")
        for level, value in v.items():
            if not 0 <= value <= 1:
                raise ValueError(f"level {level} is {value:g}, outside 0–1")
        return v

    @field_validator("categories")
    @classmethod
    def _categories(cls, v: dict[str, Category]) -> dict[str, Category]:
        if not v:
            raise ValueError("at least one category is needed")
        return v

    def indicator(self, category: str, key: str) -> Indicator | None:
        for _, ind in self.categories[category].indicators():
            if ind.key == key:
                return ind
        return None

    def tier_value(self, tier: int) -> float:
        return self.coefficient.tiers[tier - 1]

    def k_bonus(self, ind: Indicator) -> float:
        return ind.k_bonus if ind.k_bonus is not None else self.economic.k_bonus

    def k_penalty(self, ind: Indicator) -> float:
        return ind.k_penalty if ind.k_penalty is not None else self.economic.k_penalty

    def floor_share(self, ind: Indicator) -> float:
        return ind.floor_share if ind.floor_share is not None else self.rank_floor_share


# ---- loading, warnings, diff ------------------------------------------------------------------


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in {"function-after", "function-before"} or part.startswith("function-"):
            continue
        else:
            out += ("." if out else "") + str(part)
    return out


def _reason(err: Mapping[str, Any]) -> str:
    msg = str(err["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            msg = msg[len(prefix) :]
    if err["type"] == "extra_forbidden":
        return "unknown setting"
    if err["type"] == "missing":
        return "required setting is missing"
    return msg


def plan_from_mapping(data: Any, source: str | None = None) -> Plan:
    """Validate a parsed YAML mapping; raise :class:`PlanError` listing every problem."""
    if not isinstance(data, dict):
        raise PlanError([PlanIssue("", "the plan must be a mapping of settings")], source)
    try:
        return Plan.model_validate(data)
    except ValidationError as exc:
        issues = [PlanIssue(_path(tuple(e["loc"])), _reason(e)) for e in exc.errors()]
        raise PlanError(issues, source) from None


def load_plan(path: str | Path) -> Plan:
    """Read and validate a plan file."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise PlanError([PlanIssue("", f"cannot read the file: {exc.strerror}")], str(p)) from None
    return parse_plan(text, source=str(p))


def parse_plan(text: str, source: str | None = None) -> Plan:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise PlanError([PlanIssue("", f"{where}not valid YAML")], source) from None
    return plan_from_mapping(data, source)


def dump_plan(plan: Plan) -> str:
    """The plan as YAML, every setting spelled out (defaults included)."""
    data = plan.model_dump(mode="json")
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def plan_warnings(plan: Plan) -> list[PlanIssue]:
    """Accepted but unusual settings, which ``kaohe plan check`` reports."""
    out: list[PlanIssue] = []
    for cat_name, cat in plan.categories.items():
        for gi, group in enumerate(cat.groups):
            total_w = sum(i.weight for i in group.indicators)
            if group.points > 0 and not group.indicators:
                out.append(
                    PlanIssue(
                        f"categories.{cat_name}.groups[{gi}]",
                        f"group {group.key} has no indicators; its points go to the other groups",
                    )
                )
            if group.key == "common":
                for ii, ind in enumerate(group.indicators):
                    pts = group.points * ind.weight / total_w
                    if not COMMON_POINTS_MIN - EXACT <= pts <= COMMON_POINTS_MAX + EXACT:
                        out.append(
                            PlanIssue(
                                f"categories.{cat_name}.groups[{gi}].indicators[{ii}]",
                                f"common indicator {ind.key} is worth {pts:g} points, "
                                "outside the seed's 10–15",
                            )
                        )
            if group.key == "economic" and not math.isclose(total_w, 100.0, abs_tol=EXACT):
                out.append(
                    PlanIssue(
                        f"categories.{cat_name}.groups[{gi}]",
                        f"economic weights sum to {total_w:g}, not the bureau's 100",
                    )
                )
    if plan.grades.quota.share > 0.2 + EXACT:
        out.append(PlanIssue("grades.quota.share", "above 20% needs the approving authority"))
    return out


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    if isinstance(value, dict):
        for k, v in value.items():
            out.update(_flatten(v, f"{prefix}.{k}" if prefix else str(k)))
    elif isinstance(value, list) and value and all(isinstance(x, dict) for x in value):
        for i, v in enumerate(value):
            label = v.get("key") or v.get("name") or str(i)
            out.update(_flatten(v, f"{prefix}[{label}]"))
    else:
        out[prefix] = value
    return out


def diff_plans(old: Plan, new: Plan) -> list[tuple[str, Any, Any]]:
    """Settings that differ: (path, old value, new value); ``None`` on one side when absent.

    Lists of groups and indicators are matched by key, so reordering is not a change.
    """
    a = _flatten(old.model_dump(mode="json"))
    b = _flatten(new.model_dump(mode="json"))
    out: list[tuple[str, Any, Any]] = []
    for path in sorted(set(a) | set(b)):
        va, vb = a.get(path), b.get(path)
        if va != vb:
            out.append((path, va, vb))
    return out
