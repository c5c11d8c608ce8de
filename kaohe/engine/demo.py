"""A deterministic, realistic district (or province) for a plan year: every input table, typed.

``generate(plan)`` returns one frame per input table of :data:`~kaohe.engine.schema.TABLES`, each
with exactly :func:`~kaohe.engine.dataset.table_schema` (``_row`` counts from 2), for the plan's
year and months 1…``months``. The same arguments give identical frames (one
``numpy.random.default_rng(seed)`` drives everything), and the data follows every validity rule of
docs/rules.md, so the demo can be scored as it is:

- units spread over the plan's categories (the units named in ``unit_weights`` are placed in a
  category that holds the indicators they re-weight), sections, posts (one principal, two to four
  leaders, staff mostly in sections) and cadres whose dated assignments never overlap; about 3 %
  transfer mid-year (the next assignment starts the day after the last one ends), 2 % are new hires
  (no post, hence no record, before they start) and 1 % leave;
- district growth, economic statistics (quarterly indicators in quarter months only), indicator
  results for every method with formula inputs, section tasks and their results, events with
  vetoes and sanctions, monthly records for every cadre-month with a post on the month's last day,
  evaluations for complete periods only, political-quality evidence, pay pools and a few evidence
  reviews of likely top-grade candidates.

Columns are built with numpy and polars, never a Python loop per row, so a province (20,000 units,
1,000,000 cadres, 12 months: 32 million rows) takes well under a minute and under 5 GB. Runs of more
than 100,000 cadres keep evaluations compact (one democratic row per rater group, without items)
unless ``compact`` says otherwise.

>>> from kaohe.engine.plan import load_plan
>>> tables = generate(load_plan("examples/plan-2026.yaml"), units=12, cadres=200)  # doctest: +SKIP
>>> tables["units"].height  # doctest: +SKIP
12
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import polars as pl

from kaohe.engine import schema as s
from kaohe.engine.dataset import table_schema
from kaohe.engine.plan import TASK_METHODS, Indicator, Plan

__all__ = ["generate"]

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]

COMPACT_ABOVE: Final = 100_000  # cadres: above this, evaluations are compact by default
LEADERSHIP: Final = "LEADERSHIP"  # rater id of the district leadership (rates principals)
NO_POST: Final = -1
BY_LEADERSHIP: Final = -1  # rater code of the district leadership
NO_RATER: Final = -2

# ---- rates of the realistic district ---------------------------------------------------------
CATEGORY_SHARES: Final = (0.30, 0.25, 0.25, 0.20)  # further categories weigh like the last
TIER_SHARES: Final = (0.08, 0.22, 0.32, 0.22, 0.11, 0.05)  # units: skewed to the middle
LEVEL_SHARES: Final = (0.42, 0.45, 0.1, 0.03)  # 优 良 中 差 (a plan's levels, best first)
HIRE_RATE: Final = 0.02
TRANSFER_RATE: Final = 0.03
LEAVE_RATE: Final = 0.01
SECONDED_RATE: Final = 0.005
PROBATION_RATE: Final = 0.005  # staff whose probation ends within the year
LONG_LEAVE_RATE: Final = 0.001
LEAVE_MONTH_RATE: Final = 0.01
NO_SECTION_RATE: Final = 0.03
SECTION_SKIP_RATE: Final = 0.04  # a section decomposes no task that month (no_tasks)
TASK_GAP_RATE: Final = 0.02
POOL_GAP_RATE: Final = 0.02

# ---- Chinese word lists --------------------------------------------------------------------------


def _split(text: str) -> tuple[str, ...]:
    return tuple(text.split())


PLACE_FIRST: Final = tuple("青河东西南北金银石柳杨桃李梅松白红黄龙凤马牛云月长永太大小新")
PLACE_MIDDLE: Final = tuple("家水峰田庙沙花果岗台渡溪坝头铺马井坊城关营坡梁滩塘垭坎屯场圩")
PLACE_LAST: Final = tuple("山河桥湾林泉沟坪川塬岭渠湖园安宁丰兴和平泰康阳华庄店集堡寨口")
UNIT_CORES: Final[dict[str, tuple[str, ...]]] = {
    "economic": _split(
        "经济发展局 发展改革局 投资促进局 财政局 商务局 科技创新局 工业和信息化局 自然资源局 "
        "住房和城乡建设局 交通运输局 农业农村局 文化旅游局 营商环境局 产业园区管委会 招商服务中心"
    ),
    "social": _split(
        "教育局 卫生健康局 民政局 人力资源和社会保障局 文化体育局 退役军人事务局 医疗保障局 "
        "市场监督管理局 生态环境局 应急管理局 信访局 司法局 城市管理局 社会事业服务中心"
    ),
    "support": _split(
        "党政办公室 组织部 宣传部 统战部 纪工委 政法委 机关事务管理局 档案馆 政务服务中心 督查室 "
        "考核办 审计局 统计局 机关工委"
    ),
    "generic": _split("管理委员会 服务中心 事务中心 工作办公室 管理局 发展中心"),
}
TOWN_SUFFIXES: Final = ("镇", "街道")
LEAD_TITLES: Final[dict[str, tuple[str, str]]] = {
    "town": ("党委书记", "副镇长"),
    "economic": ("局长", "副局长"),
    "social": ("局长", "副局长"),
    "support": ("主任", "副主任"),
    "generic": ("主任", "副主任"),
}
SECTION_NAMES: Final[dict[str, tuple[str, ...]]] = {
    "town": _split(
        "党政综合办公室 经济发展办公室 社会事务办公室 自然资源和规划所 综合行政执法队 便民服务中心"
    ),
    "other": _split("办公室 综合科 业务一科 业务二科 政策法规科 财务科"),
}
STAFF_TITLES: Final = ("一级主任科员", "二级主任科员", "四级主任科员", "一级科员", "科员")
SURNAMES: Final = tuple(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
)
GIVEN: Final = tuple(
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红鹏飞辉建国文斌宇浩凯婷雪琳晨欣博鑫佳颖帆航哲睿瑞思宁莉岚峰宏志海燕丹"
)
DEPARTMENTS: Final[dict[str, str]] = {
    "组织部": "D-ORG",
    "经发局": "D-ECO",
    "生态环境局": "D-ENV",
    "司法局": "D-JUS",
    "营商环境局": "D-BIZ",
    "财政局": "D-FIN",
    "投资促进局": "D-INV",
    "发改局": "D-DRC",
    "农业农村局": "D-AGR",
    "信访局": "D-PET",
    "应急管理局": "D-EMG",
    "考核办": "D-KHB",
    "督查室": "D-DCS",
}
OFFICE_ID: Final = "D-KHB"
TASK_NAMES: Final[dict[str, tuple[str, ...]]] = {
    "completion": _split("公文办理 信息报送 项目资金拨付 招商线索跟进 数据统计上报 政策兑现"),
    "rating": _split("服务质量 文稿起草 调研报告 会务保障"),
    "deduction": _split("工作差错 督办超期 投诉问题"),
    "milestones": _split("重点项目节点 年度计划节点 专项行动节点"),
}
TASK_METHOD_SHARES: Final[dict[str, float]] = {
    "completion": 0.35,
    "rating": 0.25,
    "deduction": 0.2,
    "milestones": 0.2,
}
UNIT_BONUS_REASONS: Final = _split(
    "招商引资成效突出 获省级表彰 承担急难险重任务 重点项目提前投产 经验做法被省级推广"
)
UNIT_PENALTY_REASONS: Final = _split("被督查通报 工作推进滞后 信息报送延误 群众投诉属实")
CADRE_BONUS_REASONS: Final = _split(
    "抢险救灾表现突出 受到市级表彰 驻村帮扶成效明显 一线攻坚表现突出"
)
SANCTION_REASONS: Final = _split("违反工作纪律 履职不力造成不良影响 违反中央八项规定精神")
CADRE_VETO_REASONS: Final = ("严重违反工作纪律", "重大工作失误")
SECTION_REASONS: Final = ("工作创新获单位表扬", "任务完成滞后", "服务对象好评")
EVIDENCE_NOTES: Final[dict[str, tuple[str, ...]]] = {
    s.DIRECTION_POSITIVE: _split(
        "主动担当急难险重任务 群众来信表扬 实地走访反映良好 工作圈评价积极 坚决落实上级决策部署"
    ),
    s.DIRECTION_NEGATIVE: _split(
        "生活圈反映问题经核实 纪律检查发现苗头性问题 服务对象投诉经核实 落实部署打折扣"
    ),
}
SOURCE_SHARES: Final[dict[str, float]] = {
    "work": 0.45,
    "field": 0.2,
    "recipients": 0.15,
    "life": 0.06,
    "social": 0.05,
    "discipline": 0.09,
}
SOURCE_RECORDERS: Final[dict[str, str]] = {"discipline": "D-JW", "recipients": OFFICE_ID}
ECONOMIC_SCALE: Final[dict[str, float]] = {  # annual volume of a typical unit, 亿元
    "gdp": 120.0,
    "primary": 12.0,
    "secondary": 45.0,
    "tertiary": 60.0,
    "fai": 70.0,
    "retail": 35.0,
    "revenue": 9.0,
}
# Shares of the year's volume by month: the Spring Festival dips February, December rushes.
MONTH_SHARES: Final = tuple(
    float(x) for x in _split("0.062 0.05 0.082 0.08 0.084 0.094 0.08 0.08 0.09 0.085 0.088 0.125")
)


# ---- small helpers -------------------------------------------------------------------------------


def _ids(prefix: str, n: int, width: int, *, grow: bool = True) -> pl.Series:
    """``prefix`` + 1…n zero-padded to ``width`` digits, or to the width n needs when ``grow``."""
    width = max(width, len(str(n))) if grow else width
    numbers = pl.int_range(1, n + 1, dtype=pl.Int64).cast(pl.String).str.zfill(width)
    return pl.select(pl.concat_str(pl.lit(prefix), numbers)).to_series()


def _gather(values: pl.Series, idx: Ints) -> pl.Series:
    """``values[idx]`` with null where ``idx`` is negative."""
    padded = pl.concat([values, pl.Series([None], dtype=values.dtype)], rechunk=True)
    return _take(padded, np.where(idx < 0, len(values), idx))


def _take(values: pl.Series, idx: npt.NDArray[Any]) -> pl.Series:
    """``values[idx]``."""
    return values.gather(_positions(idx))


def _positions(idx: npt.NDArray[Any]) -> pl.Series:
    """Row positions as polars' index type: gathers with it are several times faster."""
    return pl.Series(np.asarray(idx, dtype=np.uint32), dtype=pl.UInt32)


def _words(words: Sequence[str], idx: Ints) -> pl.Series:
    return _gather(pl.Series(list(words), dtype=pl.String), idx)


def _choice(rng: np.random.Generator, n: int, shares: Sequence[float]) -> Ints:
    p = np.asarray(shares, dtype=np.float64)
    return rng.choice(len(p), size=n, p=p / p.sum())


def _null_where(values: pl.Series, mask: Bools) -> pl.Series:
    """``values`` with null where ``mask`` holds."""
    cond = pl.lit(pl.Series(mask, dtype=pl.Boolean))
    return pl.select(pl.when(cond).then(None).otherwise(pl.lit(values))).to_series()


def _apportion(total: int, weights: Floats, minimum: int = 0) -> Ints:
    """Split ``total`` in proportion to ``weights`` (largest remainders), each ≥ ``minimum``."""
    n = len(weights)
    base = np.full(n, minimum, dtype=np.int64)
    rest = total - minimum * n
    if n == 0 or rest <= 0:
        return base
    share = weights / weights.sum() * rest
    out = np.floor(share).astype(np.int64)
    order = np.argsort(-(share - out), kind="stable")
    out[order[: rest - int(out.sum())]] += 1
    total_: Ints = base + out
    return total_


def _offsets(counts: Ints) -> Ints:
    out: Ints = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.int64)
    return out


def _days(d: dt.date) -> int:
    return (d - dt.date(1970, 1, 1)).days


def _dates(days: Ints, valid: Bools | None = None) -> pl.Series:
    out = pl.Series(days.astype(np.int32)).cast(pl.Date)
    return out if valid is None else _null_where(out, ~valid)


def _floats(values: Floats) -> pl.Series:
    return pl.Series(values, dtype=pl.Float64, nan_to_null=True)


def _finish(name: str, columns: Mapping[str, pl.Series | npt.NDArray[Any]]) -> pl.DataFrame:
    """The table ``name`` with exactly its schema: missing optional columns null, ``_row`` 2, 3…"""
    schema = table_schema(name)
    unknown = set(columns) - set(schema)
    if unknown:
        raise KeyError(f"{name}: unknown columns {sorted(unknown)}")
    n = len(next(iter(columns.values())))
    out: list[pl.Series] = []
    for col, dtype in schema.items():
        if col == s.ROW:
            out.append(pl.int_range(2, n + 2, dtype=pl.Int64, eager=True).alias(col))
            continue
        value = columns.get(col)
        if value is None:
            out.append(pl.repeat(None, n, dtype=dtype, eager=True).alias(col))
        elif isinstance(value, pl.Series):
            out.append(value.cast(dtype).alias(col))
        elif value.dtype.kind == "f":
            out.append(_floats(value).cast(dtype).alias(col))
        else:
            out.append(pl.Series(col, value).cast(dtype))
    return pl.DataFrame(out)


def _kind(category: str) -> str:
    marks = (
        ("town", ("镇", "街", "乡")),
        ("economic", ("经济", "产业")),
        ("social", ("社会", "民生")),
        ("support", ("保障", "综合")),
    )
    for kind, words in marks:
        if any(w in category for w in words):
            return kind
    return "generic"


def _places(idx: Ints) -> pl.Series:
    """Distinct place names: 900 of two characters, then three characters."""
    n1, n2 = len(PLACE_FIRST), len(PLACE_LAST)
    first = _words(PLACE_FIRST, idx % n1)
    last = _words(PLACE_LAST, (idx // n1) % n2)
    tier = idx // (n1 * n2)
    middle = _words(("", *PLACE_MIDDLE), np.where(tier > 0, (tier - 1) % len(PLACE_MIDDLE) + 1, 0))
    return pl.select(pl.concat_str(first, middle, last)).to_series()


def _department(owner: str | None, owners: Sequence[str]) -> str:
    if owner is None:
        return OFFICE_ID
    return DEPARTMENTS.get(owner, f"D-{owners.index(owner) + 1:02d}")


def _tags(plan: Plan) -> list[str]:
    seen: dict[str, None] = {}
    for cat in plan.categories.values():
        for _, ind in cat.indicators():
            seen.update(dict.fromkeys(ind.tags))
    for item in (*plan.political.items, *plan.annual.team_items, *plan.annual.cadre_items):
        seen.update(dict.fromkeys(item.tags))
    return list(seen)


def _level_shares(plan: Plan) -> tuple[list[str], Floats]:
    """Rating levels best first, and the cut points that give a standard normal latent score
    the shares LEVEL_SHARES (mostly the top two levels)."""
    levels = sorted(plan.rating_levels, key=lambda k: -plan.rating_levels[k])
    shares = list(LEVEL_SHARES[: len(levels)]) + [0.02] * (len(levels) - len(LEVEL_SHARES))
    above = np.cumsum(shares) / max(sum(shares), 1.0)
    normal = NormalDist()
    cuts = np.array([normal.inv_cdf(min(max(1 - a, 1e-9), 1 - 1e-9)) for a in above])
    return levels, cuts


def _level_index(cuts: Floats, latent: Floats) -> Ints:
    """The band of ``latent`` among the cut points: 0 (best) above the first cut."""
    return np.searchsorted(-cuts[:-1], -latent, side="right").astype(np.int64)


def _levels(levels: list[str], cuts: Floats, latent: Floats) -> pl.Series:
    return _words(levels, _level_index(cuts, latent))


# ---- the organisation ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Calendar:
    year: int
    months: int
    jan1: int
    starts: Ints  # first day of month m at index m-1 (days since 1970-01-01)
    ends: Ints  # last day of month m at index m-1

    @classmethod
    def of(cls, year: int, months: int) -> _Calendar:
        starts = [_days(dt.date(year, m, 1)) for m in range(1, months + 1)]
        ends = [_days(dt.date(year + m // 12, m % 12 + 1, 1)) - 1 for m in range(1, months + 1)]
        return cls(year, months, starts[0], np.array(starts), np.array(ends))

    def quarters(self) -> list[int]:
        return [q for q in range(1, 5) if 3 * q <= self.months]


@dataclass(frozen=True)
class _Org:
    """Index arrays of the generated organisation (ids are positions in the id series)."""

    categories: tuple[str, ...]
    unit_ids: pl.Series
    unit_category: Ints
    unit_quality: Floats
    section_ids: pl.Series
    section_unit: Ints
    post_unit: Ints
    post_section: Ints  # NO_POST when the post has no section
    post_role: Ints  # 0 principal, 1 leader, 2 staff
    cadre_ids: pl.Series
    cadre_quality: Floats
    held: Ints  # (cadre, month index) → post held on the month's last day, or NO_POST
    principal: Ints  # unit → cadre, or NO_POST
    post_rater: Ints  # post → the cadre who rates its holder's month, or BY_LEADERSHIP
    on_leave: Bools  # (cadre, month index)
    blocked: Bools  # cadres that are no candidates for a review (hires, movers, leave)


def _unit_index(uid: str, unit_ids: pl.Series) -> int | None:
    digits = uid[1:]
    if not uid.startswith("U") or not digits.isdigit():
        return None
    i = int(digits) - 1
    return i if 0 <= i < len(unit_ids) and unit_ids[i] == uid else None


def _unit_ids(plan: Plan, units: int) -> pl.Series:
    """U001, U002… zero-padded to the width needed; when the plan's ``unit_weights`` name units
    with fewer digits (U001 in a province of 20,000 units), their width, so that they exist."""
    named = [len(uid) - 1 for uid in plan.unit_weights if uid[:1] == "U" and uid[1:].isdigit()]
    return _ids("U", units, min(named), grow=False) if named else _ids("U", units, 3)


def _unit_categories(plan: Plan, units: int, rng: np.random.Generator) -> tuple[list[str], Ints]:
    """Category of each unit: shares of CATEGORY_SHARES, units of ``unit_weights`` placed first."""
    names = list(plan.categories)[:units]
    k = len(names)
    shares = np.array([CATEGORY_SHARES[min(i, len(CATEGORY_SHARES) - 1)] for i in range(k)])
    counts = _apportion(units, shares, minimum=1)
    ids = _unit_ids(plan, units)
    required: dict[int, int] = {}
    for uid, weights in plan.unit_weights.items():
        i = _unit_index(uid, ids)
        if i is None:
            continue
        held = [sum(plan.indicator(c, key) is not None for key in weights) for c in names]
        required[i] = int(np.argmax(held))
    need = np.bincount(np.array(list(required.values()), dtype=np.int64), minlength=k)
    while (counts < need).any():
        spare = counts - np.maximum(need, 1)
        donor = int(np.argmax(spare)) if spare.max() > 0 else int(np.argmax(counts - need))
        counts[donor] -= 1
        counts[int(np.argmax(need - counts))] += 1
    free = np.repeat(np.arange(k), counts - need)
    rng.shuffle(free)
    labels = np.empty(units, dtype=np.int64)
    fixed = np.zeros(units, dtype=bool)
    for i, c in required.items():
        labels[i] = c
        fixed[i] = True
    labels[~fixed] = free
    return names, labels


def _unit_names(categories: list[str], unit_category: Ints, rng: np.random.Generator) -> pl.Series:
    n = len(unit_category)
    kinds = [_kind(c) for c in categories]
    core_idx = np.zeros(n, dtype=np.int64)
    place_idx = np.full(n, -1, dtype=np.int64)
    kind_of = np.array([kinds.index(k) for k in kinds], dtype=np.int64)[unit_category]
    cores: list[str] = []
    for kind in dict.fromkeys(kinds):
        members = np.flatnonzero(kind_of == kinds.index(kind))
        k = np.arange(len(members))
        if kind == "town":
            street = (rng.random(len(members)) < 0.3).astype(np.int64)
            core_idx[members] = len(cores) + street
            place_idx[members] = k
            cores.extend(TOWN_SUFFIXES)
        else:
            words = UNIT_CORES[kind]
            core_idx[members] = len(cores) + k % len(words)
            group = k // len(words)
            place_idx[members] = np.where(group > 0, group - 1, -1)
            cores.extend(words)
    place = _null_where(_places(np.maximum(place_idx, 0)), place_idx < 0).fill_null("")
    names_ = pl.select(pl.concat_str(place, _words(cores, core_idx))).to_series()
    frame = names_.to_frame("name")
    repeat = frame.select(pl.int_range(pl.len()).over("name")).to_series().to_numpy()
    number = pl.Series(repeat + 1).cast(pl.String)
    return pl.select(  # a name that repeats (huge districts only) gets a number: 青山镇（2）
        pl.when(pl.Series(repeat > 0))
        .then(pl.concat_str(names_, pl.lit("（"), number, pl.lit("）")))
        .otherwise(names_)
    ).to_series()


def _cadre_frame(
    plan: Plan, cadre_ids: pl.Series, home: pl.Series, rng: np.random.Generator
) -> pl.DataFrame:
    """Cadres with Chinese names, mostly 公务员; ``probation_end`` is filled in by the caller."""
    n = len(cadre_ids)
    n_types = len(plan.personnel_types)
    type_shares = (0.72, 0.12, 0.1, 0.06)[:n_types] + (0.03,) * max(0, n_types - 4)
    second = _words(GIVEN, np.where(rng.random(n) < 0.6, rng.integers(0, len(GIVEN), n), NO_POST))
    names = pl.select(
        pl.concat_str(
            _words(SURNAMES, rng.integers(0, len(SURNAMES), n)),
            _words(GIVEN, rng.integers(0, len(GIVEN), n)),
            second.fill_null(""),
        )
    ).to_series()
    return _finish(
        s.CADRES,
        {
            s.CADRE_ID: cadre_ids,
            s.NAME: names,
            s.PERSONNEL_TYPE: _words(plan.personnel_types, _choice(rng, n, type_shares)),
            s.HOME_UNIT_ID: home,
        },
    )


def _post_names(
    kind: Ints,
    role: Ints,
    section: Ints,
    rng: np.random.Generator,
    *,
    section_names: pl.Series,
    is_chief: Bools,
) -> pl.Series:
    """局长 and 副局长 (党委书记 and 副镇长 in towns), 综合科负责人 (the section chief),
    综合科一级科员, and 综合岗 for staff without a section."""
    titles = list(LEAD_TITLES.values())
    section_name = _gather(section_names, section)
    staff_title = _words(STAFF_TITLES, _choice(rng, len(role), (0.15, 0.2, 0.25, 0.2, 0.2)))
    staff_name = pl.select(
        pl.when(pl.Series(section < 0))
        .then(pl.lit("综合岗"))
        .when(pl.Series(is_chief))
        .then(pl.concat_str(section_name, pl.lit("负责人")))
        .otherwise(pl.concat_str(section_name, staff_title))
    ).to_series()
    return pl.select(
        pl.when(pl.Series(role == 0))
        .then(_words([t[0] for t in titles], kind))
        .when(pl.Series(role == 1))
        .then(_words([t[1] for t in titles], kind))
        .otherwise(staff_name)
    ).to_series()


def _organisation(
    plan: Plan, cal: _Calendar, units: int, cadres: int, rng: np.random.Generator
) -> tuple[_Org, dict[str, pl.DataFrame]]:
    """Units, sections, posts, cadres and assignments, and the month-end post of every cadre."""
    categories, unit_category = _unit_categories(plan, units, rng)
    unit_ids = _unit_ids(plan, units)
    n_tiers = len(plan.coefficient.tiers)
    unit_tier = _choice(rng, units, TIER_SHARES[:n_tiers]) + 1
    unit_quality = rng.standard_normal(units)
    kinds = [_kind(c) for c in categories]
    unit_kind = np.array([list(LEAD_TITLES).index(k) for k in kinds], dtype=np.int64)[unit_category]
    unit_frame = _finish(
        s.UNITS,
        {
            s.UNIT_ID: unit_ids,
            s.NAME: _unit_names(categories, unit_category, rng),
            s.CATEGORY: _words(categories, unit_category),
            s.TIER: unit_tier,
        },
    )

    # sections: 2–6 per unit
    n_sec = rng.integers(2, 7, units)
    section_unit = np.repeat(np.arange(units), n_sec)
    sec_offset = _offsets(n_sec)
    n_sections = len(section_unit)
    ordinal = np.arange(n_sections) - sec_offset[section_unit]
    is_town = unit_kind[section_unit] == list(LEAD_TITLES).index("town")
    section_names = pl.select(
        pl.when(pl.Series(is_town))
        .then(_words(SECTION_NAMES["town"], ordinal))
        .otherwise(_words(SECTION_NAMES["other"], ordinal))
    ).to_series()
    section_ids = _ids("S", n_sections, 4)
    section_frame = _finish(
        s.SECTIONS,
        {
            s.SECTION_ID: section_ids,
            s.UNIT_ID: _take(unit_ids, section_unit),
            s.NAME: section_names,
            s.TIER: np.minimum(_choice(rng, n_sections, (0.85, 0.1, 0.05)) + 1, n_tiers),
        },
    )

    # the posts held on 1 January: principal, leaders, staff
    n_hire = round(cadres * HIRE_RATE) if cadres >= 50 else 0
    n0 = cadres - n_hire
    head = _apportion(n0, rng.lognormal(0.0, 0.6, units), minimum=min(6, n0 // units))
    # 2–4 leaders and at least 3 staff when the unit has 6 people or more, else one leader
    wanted = rng.integers(2, 5, units)
    leaders = np.where(head >= 6, np.minimum(wanted, head - 4), np.where(head >= 2, 1, 0))
    unit0 = np.repeat(np.arange(units), head)
    rank_in_unit = np.arange(n0) - _offsets(head)[unit0]
    role0 = np.where(rank_in_unit == 0, 0, np.where(rank_in_unit <= leaders[unit0], 1, 2))

    staff = np.flatnonzero(role0 == 2)
    order = rng.permutation(staff)
    n_tr = round(n0 * TRANSFER_RATE) if units >= 2 else 0
    sizes = [n_tr, round(n0 * LEAVE_RATE), round(n0 * SECONDED_RATE), round(n0 * PROBATION_RATE)]
    sizes.append(max(1, round(cadres * LONG_LEAVE_RATE)) if cal.months >= 7 and n0 >= 20 else 0)
    cuts = np.minimum(np.cumsum(sizes), len(order))
    movers, leavers, seconded, probation, long_leave = np.split(order, cuts)[:5]

    def sections_of(unit: Ints) -> Ints:
        pick = sec_offset[unit] + (rng.random(len(unit)) * n_sec[unit]).astype(np.int64)
        return np.where(rng.random(len(unit)) < NO_SECTION_RATE, NO_POST, pick)

    section0 = np.where(role0 == 2, sections_of(unit0), NO_POST)
    # the transfers' and the new hires' posts are vacant until they arrive
    dest_unit = (unit0[movers] + rng.integers(1, max(units, 2), len(movers))) % units
    hire_unit = rng.choice(units, n_hire, p=head / head.sum()) if n_hire else np.zeros(0, np.int64)
    post_unit = np.concatenate((unit0, dest_unit, hire_unit)).astype(np.int64)
    post_role = np.concatenate((role0, np.full(len(movers) + n_hire, 2))).astype(np.int64)
    post_section = np.concatenate(
        (section0, sections_of(dest_unit), sections_of(hire_unit))
    ).astype(np.int64)
    n_posts = len(post_unit)
    post_ids = _ids("P", n_posts, 6)

    # section chiefs: the first staff post of each section held all year
    stays = np.ones(n_posts, dtype=bool)
    stays[n0:] = False
    stays[movers] = False
    stays[leavers] = False
    chief_post = np.full(n_sections, n_posts, dtype=np.int64)
    can_lead = (post_role == 2) & (post_section >= 0) & stays
    np.minimum.at(chief_post, post_section[can_lead], np.flatnonzero(can_lead))
    chief = np.where(chief_post < n_posts, chief_post, NO_POST)  # initial post i ↔ cadre i
    is_chief = np.zeros(n_posts, dtype=bool)
    is_chief[chief[chief >= 0]] = True
    principal = np.where(head > 0, _offsets(head), NO_POST)
    # raters: the section chief rates the section's staff, the principal rates the leaders, the
    # chiefs and the staff outside sections, the district leadership rates the principals
    boss = principal[post_unit]
    chief_of = np.where(post_section >= 0, chief[np.maximum(post_section, 0)], NO_POST)
    own_chief = (post_role == 2) & (chief_of >= 0) & (chief_of != np.arange(n_posts))
    post_rater = np.where(own_chief, chief_of, boss)
    post_rater = np.where((post_role == 0) | (post_rater < 0), BY_LEADERSHIP, post_rater)

    post_name = _post_names(
        unit_kind[post_unit],
        post_role,
        post_section,
        rng,
        section_names=section_names,
        is_chief=is_chief,
    )
    post_tier = np.where(
        post_role == 0,
        rng.integers(4, 7, n_posts),
        np.where(
            post_role == 1,
            rng.integers(3, 5, n_posts),
            _choice(rng, n_posts, (0.8, 0.15, 0.05)) + 1,
        ),
    )
    post_frame = _finish(
        s.POSTS,
        {
            s.POST_ID: post_ids,
            s.UNIT_ID: _take(unit_ids, post_unit),
            s.SECTION_ID: _gather(section_ids, post_section),
            s.NAME: post_name,
            s.ROLE: _words(s.ROLES, post_role),
            s.TIER: np.minimum(post_tier, n_tiers),
        },
    )

    # dates: moves and departures inside months 1…M, so the next post starts by the last month-end
    last = int(cal.ends[-1])
    early, late = cal.jan1 + 14, last - 1
    move_end = rng.integers(early, late + 1, len(movers))
    leave_end = rng.integers(early, late + 1, len(leavers))
    hire_from = int(cal.starts[1]) if cal.months >= 2 else cal.jan1 + 9
    hire_start = rng.integers(hire_from, last + 1, n_hire)
    start0 = cal.jan1 - rng.integers(1, 15 * 365, n0)
    probation_end = np.full(cadres, 0, dtype=np.int64)
    has_probation = np.zeros(cadres, dtype=bool)
    pe = rng.integers(cal.jan1 + 31, _days(dt.date(cal.year, 11, 30)) + 1, len(probation))
    probation_end[probation] = pe
    start0[probation] = pe - 364
    has_probation[probation] = True
    hires = np.arange(n0, cadres)
    on_probation = rng.random(n_hire) < 0.7
    probation_end[hires] = hire_start + 364
    has_probation[hires] = on_probation

    end0 = np.full(n0, np.iinfo(np.int64).max, dtype=np.int64)
    end0[movers] = move_end
    end0[leavers] = leave_end
    ends = cal.ends[None, :]
    held = np.where(ends <= end0[:, None], np.arange(n0)[:, None], NO_POST)
    move_post = n0 + np.arange(len(movers))
    held[movers] = np.where(ends > move_end[:, None], move_post[:, None], held[movers])
    hire_post = n0 + len(movers) + np.arange(n_hire)
    held = np.concatenate(
        (held, np.where(ends >= hire_start[:, None], hire_post[:, None], NO_POST))
    ).astype(np.int64)

    a_cadre = np.concatenate((np.arange(n0), movers, hires))
    a_post = np.concatenate((np.arange(n0), move_post, hire_post))
    a_start = np.concatenate((start0, move_end + 1, hire_start))
    a_end = np.concatenate((end0, np.full(len(movers) + n_hire, np.iinfo(np.int64).max)))
    order_a = np.lexsort((a_start, a_cadre))
    a_end = a_end[order_a]
    open_ended = a_end == np.iinfo(np.int64).max
    cadre_ids = _ids("C", cadres, 7)
    assignment_frame = _finish(
        s.ASSIGNMENTS,
        {
            s.CADRE_ID: _take(cadre_ids, a_cadre[order_a]),
            s.POST_ID: _take(post_ids, a_post[order_a]),
            s.START: _dates(a_start[order_a]),
            s.END: _dates(np.where(open_ended, 0, a_end), ~open_ended),
        },
    )

    cadre_unit = post_unit[np.concatenate((np.arange(n0), hire_post))]
    home = np.full(cadres, NO_POST, dtype=np.int64)
    home[seconded] = (cadre_unit[seconded] + rng.integers(1, max(units, 2), len(seconded))) % units
    if units < 2:
        home[:] = NO_POST
    cadre_frame = _cadre_frame(plan, cadre_ids, _gather(unit_ids, home), rng)
    cadre_frame = cadre_frame.with_columns(
        _dates(probation_end, has_probation).alias(s.PROBATION_END)
    )

    leave = rng.random(held.shape) < LEAVE_MONTH_RATE
    if len(long_leave):
        length = np.minimum(7 + rng.integers(0, 3, len(long_leave)), cal.months)
        first = rng.integers(0, cal.months - length + 1)
        m = np.arange(cal.months)[None, :]
        leave[long_leave] |= (m >= first[:, None]) & (m < (first + length)[:, None])
    leave &= held >= 0
    blocked = np.zeros(cadres, dtype=bool)
    blocked[np.concatenate((movers, leavers, long_leave, hires, probation))] = True
    cadre_quality = rng.standard_normal(cadres) + 0.3 * unit_quality[cadre_unit]

    org = _Org(
        categories=tuple(categories),
        unit_ids=unit_ids,
        unit_category=unit_category,
        unit_quality=unit_quality,
        section_ids=section_ids,
        section_unit=section_unit,
        post_unit=post_unit,
        post_section=post_section,
        post_role=post_role,
        cadre_ids=cadre_ids,
        cadre_quality=cadre_quality,
        held=held,
        principal=principal.astype(np.int64),
        post_rater=post_rater,
        on_leave=leave,
        blocked=blocked,
    )
    frames = {
        s.UNITS: unit_frame,
        s.SECTIONS: section_frame,
        s.POSTS: post_frame,
        s.CADRES: cadre_frame,
        s.ASSIGNMENTS: assignment_frame,
    }
    return org, frames


# ---- statistics and indicator results -----------------------------------------------------------


def _district(cal: _Calendar, rng: np.random.Generator, target: float = 8.0) -> pl.DataFrame:
    """Year-to-date GDP growth around the target: volatile early, settling through the year."""
    m = np.arange(1, cal.months + 1)
    level = target + np.clip(rng.normal(0.4, 0.5), -0.8, 1.5)
    wave = 0.6 * np.sin(m / 12 * 2 * np.pi) * np.exp(-m / 8)
    path = level + wave + rng.normal(0.0, 0.15, cal.months)
    return _finish(
        s.DISTRICT,
        {
            s.MONTH: m,
            s.GDP_GROWTH: np.clip(np.round(path, 1), 7.0, 10.0),
            s.GDP_GROWTH_TARGET: np.full(cal.months, target),
        },
    )


def _overrides(plan: Plan, org: _Org) -> dict[str, dict[int, float]]:
    """``unit_weights`` by indicator key: unit index → weight, for the generated units."""
    out: dict[str, dict[int, float]] = {}
    for uid, weights in plan.unit_weights.items():
        i = _unit_index(uid, org.unit_ids)
        if i is not None:
            for key, w in weights.items():
                out.setdefault(key, {})[i] = w
    return out


def _carriers(
    org: _Org, category: int, ind: Indicator, overrides: dict[str, dict[int, float]]
) -> Ints:
    """The units of ``category`` that carry ``ind`` (a unit weight of 0 drops it, §2)."""
    units = np.flatnonzero(org.unit_category == category)
    keep = np.ones(len(units), dtype=bool)
    for i, w in overrides.get(ind.key, {}).items():
        if w <= 0:
            keep &= units != i
    return units[keep].astype(np.int64)


def _indicator_months(cal: _Calendar, ind: Indicator) -> Ints:
    if ind.frequency == "quarterly":
        return np.array([3 * q for q in cal.quarters()], dtype=np.int64)
    return np.arange(1, cal.months + 1, dtype=np.int64)


def _grid(units: Ints, months: Ints) -> tuple[Ints, Ints]:
    return np.repeat(units, len(months)), np.tile(months, len(units))


def _indicators(plan: Plan, org: _Org) -> list[tuple[int, int, Indicator]]:
    """(category index, order within the category, indicator) for every indicator."""
    return [
        (c, order, ind)
        for c, cat in enumerate(org.categories)
        for order, (_, ind) in enumerate(plan.categories[cat].indicators())
    ]


def _economic(
    plan: Plan,
    org: _Org,
    cal: _Calendar,
    rng: np.random.Generator,
    overrides: dict[str, dict[int, float]],
) -> pl.DataFrame:
    """Year-to-date volumes and growth of every volume_growth indicator a unit carries (§3).

    Most units track their targets; about one in ten is strong (bonus) and one in eight drags
    (r < 0.9). Growth targets are mostly 6–10 %, a few ≤ 0 (a unit in decline).
    """
    n_units = len(org.unit_ids)
    kind = rng.random(n_units)
    effect = np.where(
        kind < 0.1,
        rng.uniform(1.06, 1.15, n_units),
        np.where(kind < 0.22, rng.uniform(0.8, 0.88, n_units), rng.normal(1.0, 0.025, n_units)),
    )
    size = rng.lognormal(0.0, 0.5, n_units)
    cumulative = np.cumsum(MONTH_SHARES) / sum(MONTH_SHARES)
    parts: list[pl.DataFrame] = []
    for c, order, ind in _indicators(plan, org):
        if ind.method != "volume_growth":
            continue
        carriers, months = _carriers(org, c, ind, overrides), _indicator_months(cal, ind)
        n_u, n_m = len(carriers), len(months)
        if n_u == 0 or n_m == 0:
            continue
        annual = ECONOMIC_SCALE.get(ind.key, 25.0) * size[carriers] * rng.lognormal(0, 0.2, n_u)
        level = effect[carriers] + rng.normal(0.0, 0.03, n_u)
        growth_target = np.round(rng.uniform(6.0, 10.0, n_u), 1)
        decline = rng.random(n_u) < 0.05
        growth_target[decline] = np.round(rng.uniform(-3.0, 0.0, int(decline.sum())), 1)
        u, m = _grid(carriers, months)
        n = len(u)
        ratio = np.repeat(level, n_m) + rng.standard_normal(n) * (0.05 / np.sqrt(m) + 0.01)
        tv = np.maximum(np.round(np.repeat(annual, n_m) * cumulative[m - 1], 2), 0.01)
        tg = np.repeat(growth_target, n_m)
        ag = np.where(tg > 0, tg * (1 + 2.5 * (ratio - 1)), tg + 30 * (ratio - 1))
        explicit = rng.random(n) < 0.03  # the bureau's own word on a handful of rows
        parts.append(
            pl.DataFrame(
                {
                    "_u": u,
                    "_o": np.full(n, order),
                    s.UNIT_ID: _take(org.unit_ids, u),
                    s.INDICATOR: pl.repeat(ind.key, n, eager=True),
                    s.MONTH: m,
                    s.TARGET_VOLUME: tv,
                    s.ACTUAL_VOLUME: np.round(tv * ratio, 2),
                    s.TARGET_GROWTH: tg,
                    s.ACTUAL_GROWTH: np.round(ag + rng.normal(0.0, 0.3, n), 1),
                    s.DRAGS: _null_where(pl.Series(ratio < 0.95), ~explicit),
                }
            )
        )
    return _combine(s.ECONOMIC, parts, ("_u", "_o", s.MONTH))


def _combine(name: str, parts: list[pl.DataFrame], by: Sequence[str]) -> pl.DataFrame:
    """Concatenate parts, sort by helper keys, drop the helpers and give the table its schema."""
    schema = table_schema(name)
    if not parts:
        return pl.DataFrame(schema=schema)
    frame = pl.concat(parts, how="diagonal_relaxed").sort(list(by), maintain_order=True)
    return _finish(name, {c: frame[c] for c in frame.columns if c in schema})


def _np(values: pl.Series | npt.NDArray[Any]) -> npt.NDArray[Any]:
    return values.to_numpy() if isinstance(values, pl.Series) else values


@dataclass(frozen=True)
class _Rows:
    """The rows of one indicator or task: each row's subject quality and yearly size, and month."""

    quality: Floats
    size: Floats  # the same on all rows of a subject
    months: Ints


def _method_columns(
    method: str,
    direction: str,
    rows: _Rows,
    rng: np.random.Generator,
    *,
    levels: tuple[list[str], Floats],
    percent: bool = False,
) -> dict[str, pl.Series | npt.NDArray[Any]]:
    """Result columns valid for ``method`` (docs/rules.md §2), one value per row.

    Completion targets are year-to-date (the yearly size × m/12); lower-is-better counts are
    small, often 0, against an allowance of 1–6; milestones are 0–3 due with done ≤ due.
    """
    quality, n = rows.quality, len(rows.quality)
    if method in ("completion", "formula") and direction == "lower_is_better":
        return {
            s.ACTUAL: rng.poisson(0.5, n).astype(np.float64),
            s.TARGET: np.clip(np.round(rows.size / 12), 1, 6),
        }
    if method in ("completion", "formula"):
        perf = np.clip(rng.normal(0.95 + 0.04 * quality, 0.07), 0.4, 1.3)
        if percent:
            target = np.full(n, 90.0)
            return {s.ACTUAL: np.round(np.minimum(target * perf, 100.0), 1), s.TARGET: target}
        target = np.round(rows.size * rows.months / 12, 1) + 0.1
        return {s.ACTUAL: np.round(target * perf, 1), s.TARGET: target}
    if method == "rating":
        return {s.LEVEL: _levels(*levels, 0.6 * quality + rng.normal(0.0, 0.8, n))}
    if method == "deduction":
        return {s.OCCURRENCES: rng.poisson(0.35 * np.exp(-0.3 * quality)).astype(np.float64)}
    if method == "milestones":
        due = _choice(rng, n, (0.12, 0.3, 0.38, 0.2))
        done = rng.binomial(due, np.clip(0.85 + 0.05 * quality, 0.3, 1.0)).astype(np.int64)
        return {s.MILESTONES_DUE: due, s.MILESTONES_DONE: done}
    # rank: a score, higher is better (a count when lower is better)
    if direction == "lower_is_better":
        return {s.ACTUAL: rng.poisson(1.5, n).astype(np.float64)}
    return {s.ACTUAL: np.round(np.clip(80 + 6 * quality + rng.normal(0.0, 4.0, n), 40, 100), 1)}


def _unit_results(
    plan: Plan,
    org: _Org,
    cal: _Calendar,
    rng: np.random.Generator,
    overrides: dict[str, dict[int, float]],
) -> tuple[list[pl.DataFrame], list[pl.DataFrame]]:
    """Results and formula inputs of every non-economic indicator a unit carries, every month."""
    levels = _level_shares(plan)
    owners = sorted({i.owner for _, _, i in _indicators(plan, org) if i.owner is not None})
    results: list[pl.DataFrame] = []
    inputs: list[pl.DataFrame] = []
    for c, order, ind in _indicators(plan, org):
        if ind.method == "volume_growth":
            continue
        carriers, months = _carriers(org, c, ind, overrides), _indicator_months(cal, ind)
        u, m = _grid(carriers, months)  # unit by unit, months inside
        n, n_u, n_m = len(u), len(carriers), len(months)
        if n == 0:
            continue
        rows = _Rows(org.unit_quality[u], np.repeat(rng.lognormal(3.5, 0.5, n_u), n_m), m)
        percent = "满意" in ind.name  # satisfaction: a percentage against a target of 90
        cols = _method_columns(ind.method, ind.direction, rows, rng, levels=levels, percent=percent)
        if ind.method == "rating":
            cols[s.SCORER_ID] = pl.repeat(_department(ind.owner, owners), n, eager=True)
        key = {"_s": u, "_o": np.full(n, order), s.MONTH: m}
        subject = {
            s.SUBJECT_ID: _take(org.unit_ids, u),
            s.INDICATOR: pl.repeat(ind.key, n, eager=True),
        }
        results.append(pl.DataFrame({**key, **subject, **cols}))
        for j, name in enumerate(ind.inputs):
            low, high = (30.0, 50.0) if name.endswith("_target") else (15.0, 60.0)
            base = np.repeat(rng.uniform(low, high, n_u), n_m)
            value = np.round(base * np.clip(rng.normal(1.0, 0.15, n), 0.3, 2.0), 2)
            inputs.append(
                pl.DataFrame(
                    {
                        **key,
                        "_i": np.full(n, j),
                        **subject,
                        s.INPUT_NAME: pl.repeat(name, n, eager=True),
                        s.VALUE: np.maximum(value, 0.01),
                    }
                )
            )
    return results, inputs


def _tasks(
    plan: Plan, org: _Org, cal: _Calendar, rng: np.random.Generator
) -> tuple[pl.DataFrame, list[pl.DataFrame]]:
    """Section tasks (2–4 a section) and their monthly results (§6).

    A few section-months have no row at all (the section decomposed nothing: ``no_tasks``) and a
    few single task-months are missing (that task is left out that month).
    """
    n_sections = len(org.section_ids)
    per = rng.integers(2, 5, n_sections)
    section = np.repeat(np.arange(n_sections), per)
    n = len(section)
    method = _choice(rng, n, [TASK_METHOD_SHARES.get(mt, 0.2) for mt in TASK_METHODS])
    ordinal = np.arange(n) - _offsets(per)[section]
    names = _task_names(method, rng.integers(0, 6, n_sections)[section] + ordinal)
    lower = (method == TASK_METHODS.index("completion")) & (rng.random(n) < 0.15)
    direction = np.where(method == TASK_METHODS.index("completion"), np.where(lower, 1, 0), NO_POST)
    deduction = method == TASK_METHODS.index("deduction")
    ppo = np.where(deduction, rng.choice([1.0, 2.0, 5.0], n), np.nan)
    # link about half the tasks to an indicator of the unit's category
    category = org.unit_category[org.section_unit[section]]
    indicator = pl.repeat(None, n, dtype=pl.String, eager=True)
    link = rng.random(n) < 0.5
    for c, cat in enumerate(org.categories):
        keys = [i.key for _, i in plan.categories[cat].indicators()]
        linked = np.flatnonzero((category == c) & link)
        picked = _words(keys, rng.integers(0, len(keys), len(linked)))
        indicator = indicator.scatter(linked, picked)
    tags = _tags(plan)
    if tags:
        t1 = _null_where(_words(tags, rng.integers(0, len(tags), n)), rng.random(n) < 0.2)
        t2 = _null_where(_words(tags, rng.integers(0, len(tags), n)), rng.random(n) < 0.7)
        tag_list = pl.select(
            pl.concat_list(t1, t2).list.drop_nulls().list.unique(maintain_order=True)
        ).to_series()
        tag_list = _null_where(tag_list, tag_list.list.len().to_numpy() == 0)
    else:
        tag_list = pl.repeat(None, n, dtype=pl.List(pl.String), eager=True)
    task_ids = _ids("T", n, 6)
    tasks = _finish(
        s.TASKS,
        {
            s.TASK_ID: task_ids,
            s.SECTION_ID: _take(org.section_ids, section),
            s.INDICATOR: indicator,
            s.NAME: names,
            s.WEIGHT: rng.choice([10.0, 15.0, 20.0, 25.0, 30.0, 40.0], n),
            s.METHOD: _words(TASK_METHODS, method),
            s.DIRECTION: _words(("higher_is_better", "lower_is_better"), direction),
            s.POINTS_PER_OCCURRENCE: ppo,
            s.TAGS: tag_list,
        },
    )

    skip = rng.random((n_sections, cal.months)) < SECTION_SKIP_RATE
    quality = org.unit_quality[org.section_unit] + rng.normal(0.0, 0.5, n_sections)
    levels = _level_shares(plan)
    principal = org.principal[org.section_unit[section]]
    size = rng.lognormal(2.5, 0.5, n)
    results: list[pl.DataFrame] = []
    months = np.arange(1, cal.months + 1, dtype=np.int64)
    for k, mt in enumerate(TASK_METHODS):
        chosen = np.flatnonzero(method == k)
        t, m = _grid(chosen, months)
        keep = ~skip[section[t], m - 1] & (rng.random(len(t)) >= TASK_GAP_RATE)
        t, m = t[keep], m[keep]
        if len(t) == 0:
            continue
        rows = _Rows(quality[section[t]], size[t], m)
        cols = _method_columns(mt, "higher_is_better", rows, rng, levels=levels)
        if mt == "completion":  # some tasks count what should not happen (lower is better)
            low = _method_columns(mt, "lower_is_better", rows, rng, levels=levels)
            for col in (s.ACTUAL, s.TARGET):
                cols[col] = np.where(lower[t], _np(low[col]), _np(cols[col]))
        if mt == "milestones":  # a task's milestone is rarely without anything due
            due = _np(cols[s.MILESTONES_DUE])
            due = np.where((due == 0) & (rng.random(len(t)) < 0.7), 1, due)
            cols[s.MILESTONES_DUE] = due
            cols[s.MILESTONES_DONE] = np.minimum(_np(cols[s.MILESTONES_DONE]), due)
        if mt == "rating":
            cols[s.SCORER_ID] = _gather(org.cadre_ids, principal[t])
        sec = section[t]
        results.append(
            pl.DataFrame(
                {
                    "_s": len(org.unit_ids) + sec,
                    "_o": t,
                    s.MONTH: m,
                    s.SUBJECT_ID: _take(org.section_ids, sec),
                    s.INDICATOR: _take(task_ids, t),
                    **cols,
                }
            )
        )
    return tasks, results


def _task_names(method: Ints, idx: Ints) -> pl.Series:
    out = pl.repeat(None, len(method), dtype=pl.String, eager=True)
    for k, mt in enumerate(TASK_METHODS):
        rows = np.flatnonzero(method == k)
        words = TASK_NAMES.get(mt, ("专项任务",))
        out = out.scatter(rows, _words(words, idx[rows] % len(words)))
    return out


# ---- people: records, events, evaluations, evidence, pay, reviews ------------------------------


@dataclass(frozen=True)
class _Months:
    """Every cadre-month with a post on the month's last day (the rows of the records table)."""

    cadre: Ints
    month: Ints  # 1…M
    on_leave: Bools
    rater: Ints  # cadre index, or BY_LEADERSHIP


def _cadre_months(org: _Org) -> _Months:
    cadre, m0 = np.nonzero(org.held >= 0)
    rater = org.post_rater[org.held[cadre, m0]]
    return _Months(cadre.astype(np.int64), m0 + 1, org.on_leave[cadre, m0], rater)


def _rater_ids(org: _Org, rater: Ints) -> pl.Series:
    """Rater ids: a cadre's id, LEADERSHIP for BY_LEADERSHIP, null for NO_RATER."""
    n = len(org.cadre_ids)
    padded = pl.concat(
        [org.cadre_ids, pl.Series([LEADERSHIP, None], dtype=pl.String)], rechunk=True
    )
    return _take(padded, np.where(rater >= 0, rater, np.where(rater == BY_LEADERSHIP, n, n + 1)))


def _records(plan: Plan, org: _Org, cm: _Months, rng: np.random.Generator) -> pl.DataFrame:
    """Monthly records (§6): attendance, weekly goals, the month's level and its rater."""
    n = len(cm.cadre)
    z = org.cadre_quality[cm.cadre]
    goals = rng.integers(3, 7, n)
    goals[rng.random(n) < 0.03] = 0
    met = rng.binomial(goals, np.clip(0.85 + 0.06 * z, 0.4, 1.0))
    absences = np.where(rng.random(n) < 0.05, rng.choice([0.5, 1.0, 2.0], n), 0.0)
    levels, cuts = _level_shares(plan)
    level = _level_index(cuts, 0.7 * z + rng.normal(0.0, 0.7, n))
    away = cm.on_leave
    return _finish(
        s.RECORDS,
        {
            s.CADRE_ID: _take(org.cadre_ids, cm.cadre),
            s.MONTH: cm.month,
            s.LATES: _null_where(pl.Series(rng.poisson(0.25, n)), away),
            s.ABSENCES: np.where(away, np.nan, absences),
            s.GOALS_SET: _null_where(pl.Series(goals), away),
            s.GOALS_MET: _null_where(pl.Series(met), away),
            s.LEVEL: _words(levels, np.where(away, -1, level)),
            s.ON_LEAVE: away,
            s.RATER_ID: _rater_ids(org, np.where(away, NO_RATER, cm.rater)),
        },
    )


Columns = dict[str, pl.Series | npt.NDArray[Any]]
_Where = tuple[Ints, pl.Series, Ints]  # sort key, subject id, month


def _events(
    plan: Plan, org: _Org, cal: _Calendar, cm: _Months, rng: np.random.Generator
) -> tuple[pl.DataFrame, Bools]:
    """Events (§5): unit bonuses (kinds normal, special, frontline) and penalties, one or two unit
    vetoes per 60 units, section events, cadre bonuses, sanctions and cadre vetoes. Returns the
    table (ids in date order) and the cadres barred from the top grade."""
    n_units, n_cadres, n_sections = len(org.unit_ids), len(org.cadre_ids), len(org.section_ids)
    caps = plan.events.caps
    kinds: list[str] = [k for k in ("normal", "special", "frontline") if k in caps] or [*caps]
    kind_shares = (0.6, 0.25, 0.15)[: len(kinds)]
    parts: list[pl.DataFrame] = []

    def add(where: _Where, points: Floats, reason: pl.Series, by: str, extra: Columns) -> None:
        key, subject, month = where
        columns: Columns = {s.SUBJECT_ID: subject, s.MONTH: month, s.POINTS: points}
        columns |= {s.REASON: reason, s.RECORDED_BY: pl.repeat(by, len(key), eager=True)}
        parts.append(pl.DataFrame({"_k": key, **columns, **extra}))

    def pick(words: Sequence[str], n: int) -> pl.Series:
        return _words(words, rng.integers(0, len(words), n))

    def units(n: int) -> _Where:
        u = rng.integers(0, n_units, n)
        return u, _take(org.unit_ids, u), rng.integers(1, cal.months + 1, n)

    n = max(2, round(n_units * 0.35))
    kind = _choice(rng, n, kind_shares)
    kind = np.where((kind == 0) & (rng.random(n) < 0.3), NO_POST, kind)  # empty kind: normal
    number = pl.Series(rng.integers(1, 200, n)).cast(pl.String)
    document = pl.select(pl.concat_str(pl.lit(f"新区考核办〔{cal.year}〕"), number, pl.lit("号")))
    points = rng.choice([0.5, 1.0, 1.5, 2.0, 3.0, 5.0], n)
    extra: Columns = {s.KIND: _words(kinds, kind), s.EVIDENCE: document.to_series()}
    add(units(n), points, pick(UNIT_BONUS_REASONS, n), OFFICE_ID, extra)
    n = max(1, round(n_units * 0.15))
    points = rng.choice([-0.5, -1.0, -2.0, -3.0], n)
    extra = {s.KIND: _words(kinds, np.zeros(n, dtype=np.int64))}
    add(units(n), points, pick(UNIT_PENALTY_REASONS, n), OFFICE_ID, extra)
    types = plan.events.unit_veto_types
    if types:
        n = max(1, round(n_units / 40))
        which = rng.integers(0, len(types), n)
        reason = _words([f"发生{x}责任事件" for x in types], which)
        extra = {s.VETO: np.ones(n, dtype=bool), s.VETO_TYPE: _words(types, which)}
        add(units(n), np.full(n, -5.0), reason, OFFICE_ID, extra)
    n = max(1, round(n_sections * 0.03))
    sec = rng.integers(0, n_sections, n)
    where = (
        n_units + n_cadres + sec,
        _take(org.section_ids, sec),
        rng.integers(1, cal.months + 1, n),
    )
    points = rng.choice([-1.0, -0.5, 0.5, 1.0, 2.0], n)
    add(where, points, pick(SECTION_REASONS, n), OFFICE_ID, {})

    marked = np.zeros(n_cadres, dtype=bool)
    present = np.flatnonzero(~cm.on_leave)  # cadre events fall in months the cadre works
    sanctions: list[str] = [x for x in plan.events.sanctions if x in ("警告", "诫勉", "记过")]
    sanctions = sanctions or list(plan.events.sanctions)[:3]
    for what, rate in (("bonus", 0.006), ("sanction", 0.002), ("veto", 0.0015)):
        n = max(2 if what == "bonus" else 1, round(n_cadres * rate)) if len(present) else 0
        row = present[rng.integers(0, max(len(present), 1), n)]
        c = cm.cadre[row]
        where = (n_units + c, _take(org.cadre_ids, c), cm.month[row])
        if what == "bonus":
            extra = {s.KIND: _words(kinds, _choice(rng, n, kind_shares))}
            add(where, rng.choice([1.0, 2.0, 3.0], n), pick(CADRE_BONUS_REASONS, n), "D-ORG", extra)
        elif what == "sanction" and sanctions:
            extra = {s.SANCTION: pick(sanctions, n)}
            add(where, np.full(n, -2.0), pick(SANCTION_REASONS, n), "D-JW", extra)
            marked[c] = True
        elif what == "veto":
            extra = {s.VETO: np.ones(n, dtype=bool)}
            add(where, np.full(n, -3.0), pick(CADRE_VETO_REASONS, n), "D-JW", extra)
            marked[c] = True

    frame = pl.concat(parts, how="diagonal_relaxed").sort(
        [s.MONTH, "_k", s.POINTS], maintain_order=True
    )
    frame = frame.with_columns(_ids("E", frame.height, 6).alias(s.EVENT_ID))
    return _finish(s.EVENTS, {c: frame[c] for c in frame.columns if c != "_k"}), marked


def _scores(latent: Floats, rng: np.random.Generator) -> Floats:
    """Evaluation scores on the 0–100 scale, 60–100, one decimal."""
    raw = 84.0 + 5.0 * latent + rng.normal(0.0, 3.0, len(latent))
    return np.clip(np.round(raw, 1), 60.0, 100.0)


def _evaluations(
    plan: Plan,
    org: _Org,
    cal: _Calendar,
    cm: _Months,
    rng: np.random.Generator,
    *,
    compact: bool,
) -> pl.DataFrame:
    """Ratings for complete periods (§6, §7): quarterly and half-year ratings of cadres; for the
    year, reviews, political items and democratic ballots per rater group, of cadres and teams.

    Every subject has the same template of rows (slots: the quarters, the half-years, then the
    year's kinds); a cadre keeps the slots of the periods in which it held a post at a month-end.
    Rows come out grouped by subject without sorting, and codes become text once at the end, so
    a province stays within memory. About 30 % of the quarterly rows name their rater.
    """
    n_cadres, n_units = len(org.cadre_ids), len(org.unit_ids)
    year = str(cal.year)
    kinds = list(s.EVALUATION_KINDS)
    rated = (*plan.political.items, *plan.annual.team_items, *plan.annual.cadre_items)
    items = list(dict.fromkeys(i.name for i in rated))
    groups = list(plan.annual.rater_groups)
    # windows of months: each quarter, half-year and the year complete within the run
    windows = [(f"{year}-Q{q}", 3 * q - 2, 3 * q) for q in cal.quarters()]
    windows += [(f"{year}-H{h}", 6 * h - 5, 6 * h) for h in (1, 2) if 6 * h <= cal.months]
    windows += [(year, 1, 12)] if cal.months == 12 else []
    # slots: (window, kind, item, rater group), cadres' first, then the teams'
    slots: list[tuple[int, int, int, int]] = []
    for w, (period, _, _) in enumerate(windows):
        if period != year:
            kind = s.EVAL_QUARTERLY if "Q" in period else s.EVAL_HALF_YEAR
            slots.append((w, kinds.index(kind), -1, -1))
    n_team_slots = 0
    if cal.months == 12:
        w = len(windows) - 1
        for subject_items in (plan.annual.cadre_items, plan.annual.team_items):
            block = [(w, kinds.index(s.EVAL_REVIEW), -1, -1)]
            for item in plan.political.items:
                block.append((w, kinds.index(s.EVAL_POLITICAL), items.index(item.name), -1))
            codes = [-1] if compact else [items.index(i.name) for i in subject_items]
            for g in range(len(groups)):
                block += [(w, kinds.index(s.EVAL_DEMOCRATIC), code, g) for code in codes]
            slots += block
            n_team_slots = len(block)
    if not slots:
        return pl.DataFrame(schema=table_schema(s.EVALUATIONS))
    table = np.array(slots, dtype=np.int16)  # small codes keep 13M-row columns small
    n_cadre_slots = len(slots) - n_team_slots

    # which cadres were in post in each window, and who rated their latest month there
    present = np.stack([(org.held[:, a - 1 : b] >= 0).any(axis=1) for _, a, b in windows], 1)
    rater_month = np.full(org.held.shape, NO_RATER, dtype=np.int64)
    rater_month[cm.cadre, cm.month - 1] = cm.rater
    raters = np.full((n_cadres, len(windows)), NO_RATER, dtype=np.int64)
    for w, (_, a, b) in enumerate(windows):
        for m in range(a, b + 1):  # later months overwrite: the latest month's rater
            raters[:, w] = np.where(org.held[:, m - 1] >= 0, rater_month[:, m - 1], raters[:, w])
    shown = rng.random(raters.shape) < 0.3
    raters = np.where(shown, raters, NO_RATER)

    cadre, slot = np.nonzero(present[:, table[:n_cadre_slots, 0]])
    team = np.repeat(np.arange(n_units, dtype=np.int64), n_team_slots)
    team_slot = np.tile(np.arange(n_cadre_slots, len(slots), dtype=np.int64), n_units)
    key = np.concatenate((cadre, n_cadres + team))
    slot = np.concatenate((slot, team_slot))
    del cadre, team, team_slot
    window, kind, item, group = (table[slot, j] for j in range(4))

    latent = np.concatenate((org.cadre_quality, org.unit_quality))
    ballots = np.zeros((n_cadres + n_units, len(groups)), dtype=np.int64)
    for g, name in enumerate(groups):
        low, high = (5, 12) if name == "leaders" else (5, 41)
        ballots[:, g] = rng.integers(low, high, n_cadres + n_units)
    ballots[rng.random(ballots.shape) < 0.02] = 0  # nobody of the group voted
    rater = np.full(len(key), NO_RATER, dtype=np.int64)
    quarterly = np.flatnonzero(kind == kinds.index(s.EVAL_QUARTERLY))  # cadres' rows only
    rater[quarterly] = raters[key[quarterly], window[quarterly]]
    row_ballots = np.where(group >= 0, ballots[key, np.maximum(group, 0)], -1)
    return _finish(
        s.EVALUATIONS,
        {
            s.SUBJECT_ID: _take(pl.concat([org.cadre_ids, org.unit_ids], rechunk=True), key),
            s.PERIOD: _words([p for p, _, _ in windows], window),
            s.KIND: _words(kinds, kind),
            s.ITEM: _words(items, item),
            s.RATER_GROUP: _words(groups, group),
            s.SCORE: _scores(latent[key], rng),
            s.BALLOTS: _null_where(pl.Series(row_ballots), row_ballots < 0),
            s.RATER_ID: _rater_ids(org, rater),
        },
    )


def _evidence(
    plan: Plan, org: _Org, cal: _Calendar, cm: _Months, rng: np.random.Generator
) -> pl.DataFrame:
    """Political-quality evidence (§7, §11): mostly positive, from the plan's sources."""
    n_cadres = len(org.cadre_ids)
    sources = list(plan.political.evidence.sources)
    source_shares = [SOURCE_SHARES.get(x, 0.1) for x in sources]
    n_c = round(n_cadres * 0.18) if len(cm.cadre) else 0
    n_t = max(1, round(len(org.unit_ids) * 0.5))
    row = rng.integers(0, max(len(cm.cadre), 1), n_c)
    month = np.concatenate((cm.month[row], rng.integers(1, cal.months + 1, n_t)))
    key = np.concatenate((cm.cadre[row], n_cadres + rng.integers(0, len(org.unit_ids), n_t)))
    n = len(key)
    day = cal.starts[month - 1] + (rng.random(n) * (cal.ends - cal.starts + 1)[month - 1]).astype(
        np.int64
    )
    source = _choice(rng, n, source_shares)
    discipline = np.array([x == "discipline" for x in sources])[source]
    negative = np.where(discipline, rng.random(n) < 0.9, rng.random(n) < 0.08)
    order = np.lexsort((key, day))
    day, key, source, negative = day[order], key[order], source[order], negative[order]
    directions = (s.DIRECTION_POSITIVE, s.DIRECTION_NEGATIVE)
    items = [i.name for i in plan.political.items]
    item = np.where(rng.random(n) < 0.3, NO_POST, rng.integers(0, len(items), n))
    notes_pos = _words(EVIDENCE_NOTES[s.DIRECTION_POSITIVE], rng.integers(0, 5, n))
    notes_neg = _words(EVIDENCE_NOTES[s.DIRECTION_NEGATIVE], rng.integers(0, 4, n))
    recorders = [SOURCE_RECORDERS.get(x, "D-ORG") for x in sources]
    return _finish(
        s.EVIDENCE_TABLE,
        {
            s.EVIDENCE_ID: _ids("V", n, 6),
            s.SUBJECT_ID: _take(pl.concat([org.cadre_ids, org.unit_ids], rechunk=True), key),
            s.DATE: _dates(day),
            s.SOURCE: _words(sources, source),
            s.DIRECTION: _words(directions, negative.astype(np.int64)),
            s.ITEM: _words(items, item),
            s.RECORDED_BY: _words(recorders, source),
            s.NOTE: pl.select(
                pl.when(pl.Series(negative)).then(notes_neg).otherwise(notes_pos)
            ).to_series(),
        },
    )


def _pools(org: _Org, cal: _Calendar, rng: np.random.Generator) -> pl.DataFrame:
    """Monthly pay pools in cents: 800–3000 yuan a head, December's with the year-end bonus."""
    n_units = len(org.unit_ids)
    per_head = rng.integers(80, 301, n_units) * 10 * 100  # cents
    heads = np.stack(
        [np.bincount(org.post_unit[held[held >= 0]], minlength=n_units) for held in org.held.T],
        axis=1,
    )
    bonus = np.where(np.arange(1, cal.months + 1) == 12, 3, 2)  # in halves: December × 1.5
    cents = heads * per_head[:, None] * bonus[None, :] // 2
    keep = (cents > 0) & (rng.random(cents.shape) >= POOL_GAP_RATE)
    unit, m0 = np.nonzero(keep)
    return _finish(
        s.POOLS,
        {
            s.UNIT_ID: _take(org.unit_ids, unit),
            s.MONTH: m0 + 1,
            s.POOL_CENTS: cents[unit, m0].astype(np.int64),
        },
    )


def _reviews(
    org: _Org, cal: _Calendar, cm: _Months, marked: Bools, rng: np.random.Generator
) -> pl.DataFrame:
    """Evidence reviews (§8) of a handful of likely top-grade cadres; most stay unreviewed."""
    n_cadres = len(org.cadre_ids)
    if cal.months < 12 or n_cadres == 0:
        return pl.DataFrame(schema=table_schema(s.REVIEWS))
    months_present = np.bincount(cm.cadre[~cm.on_leave], minlength=n_cadres)
    eligible = np.flatnonzero((months_present == 12) & ~marked & ~org.blocked)
    best = eligible[np.argsort(-org.cadre_quality[eligible], kind="stable")]
    best = best[: max(10, len(eligible) // 10)]
    n = min(len(best), max(3, round(n_cadres * 0.004)))
    chosen = np.sort(rng.choice(best, n, replace=False)) if n else best[:0]
    reject = np.zeros(n, dtype=bool)
    reject[rng.permutation(n)[: max(1, round(n * 0.25)) if n >= 2 else 0]] = True
    outcome = (s.OUTCOME_CONFIRM, s.OUTCOME_REJECT)
    notes = ("证据核实无异议", "群众反映问题经核实属实")
    day = _days(dt.date(cal.year, 12, 10)) + rng.integers(0, 19, n)
    return _finish(
        s.REVIEWS,
        {
            s.SUBJECT_ID: _take(org.cadre_ids, chosen),
            s.YEAR: np.full(n, cal.year),
            s.OUTCOME: _words(outcome, reject.astype(np.int64)),
            s.REVIEWER: pl.repeat("D-ORG", n, eager=True),
            s.DATE: _dates(day),
            s.NOTE: _words(notes, reject.astype(np.int64)),
        },
    )


# ---- the entry point ----------------------------------------------------------------------------

# One random stream per table group: changing how one table is drawn leaves the others as they are.
_STREAMS: Final = (
    "org",
    "district",
    "economic",
    "results",
    "tasks",
    "records",
    "events",
    "evaluations",
    "evidence",
    "pools",
    "reviews",
)


def generate(
    plan: Plan,
    *,
    units: int = 60,
    cadres: int = 1500,
    seed: int = 1,
    months: int = 12,
    compact: bool | None = None,
) -> dict[str, pl.DataFrame]:
    """Every input table of a realistic district for ``plan``'s year, months 1…``months``.

    ``units`` and ``cadres`` are the exact sizes of the units and cadres tables. Deterministic:
    the same arguments give identical frames. ``compact`` (default: more than 100,000 cadres)
    writes one democratic row per rater group instead of one per group and item.
    """
    if units < 1:
        raise ValueError("at least one unit is needed")
    if cadres < 0:
        raise ValueError("cadres cannot be negative")
    if not 1 <= months <= 12:
        raise ValueError("months must be within 1–12")
    streams = dict(zip(_STREAMS, np.random.default_rng(seed).spawn(len(_STREAMS)), strict=True))
    cal = _Calendar.of(plan.year, months)
    org, tables = _organisation(plan, cal, units, cadres, streams["org"])
    overrides = _overrides(plan, org)
    tables[s.DISTRICT] = _district(cal, streams["district"])
    tables[s.ECONOMIC] = _economic(plan, org, cal, streams["economic"], overrides)
    results, inputs = _unit_results(plan, org, cal, streams["results"], overrides)
    tables[s.TASKS], task_results = _tasks(plan, org, cal, streams["tasks"])
    tables[s.RESULTS] = _combine(s.RESULTS, results + task_results, ("_s", "_o", s.MONTH))
    tables[s.INPUTS] = _combine(s.INPUTS, inputs, ("_s", "_o", s.MONTH, "_i"))
    del results, task_results, inputs  # parts of a province are large: free them early
    cm = _cadre_months(org)
    tables[s.RECORDS] = _records(plan, org, cm, streams["records"])
    tables[s.EVENTS], marked = _events(plan, org, cal, cm, streams["events"])
    big = cadres > COMPACT_ABOVE if compact is None else compact
    tables[s.EVALUATIONS] = _evaluations(plan, org, cal, cm, streams["evaluations"], compact=big)
    tables[s.EVIDENCE_TABLE] = _evidence(plan, org, cal, cm, streams["evidence"])
    tables[s.POOLS] = _pools(org, cal, streams["pools"])
    tables[s.REVIEWS] = _reviews(org, cal, cm, marked, streams["reviews"])
    return {name: tables[name] for name in s.TABLES}
