"""The differences between two rulebooks, in words: one Chinese sentence per changed thing,
under the rulebooks' own titles, never their codes ("主题党日(每月两次)：每月 10 分 → 8 分").

Things are matched by code (an item, a deduction, a band keeps its code when its title
changes), and each sentence compares what a party worker reads on the rulebook's table:
points, caps, deductions, categories' maxima, stars and quotas, bands and their actions.
Identical rulebooks give no sentence at all; the id and version are not differences of rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from jifen.scoring.model import (
    Allowance,
    Band,
    Category,
    Consecutive,
    Deduct,
    Deduction,
    Earn,
    Grade,
    Graded,
    Item,
    Rollup,
    Rulebook,
    ScoreItem,
    Stars,
)

ARROW = " → "
PER = {"month": "每月", "quarter": "每季度", "half": "每半年", "year": "每年"}
RULES = {
    "allowance": "基本分（满分保留，有记录才扣）",
    "earn": "加分（有记录才得分）",
    "grade": "评定等次",
    "score": "打分",
    "graded": "评定等次",
    "deduct": "从满分扣分",
    "rollup": "下级得分汇总",
}
LEVELS = {"info": "提示", "yellow": "黄色预警", "red": "红色预警"}
COMBINE = {"mean": "平均", "sum": "合计", "last": "取最后一轮"}
ROUNDS = {"half": "每半年一轮", "year": "全年一轮"}
KINDS = {"member": "党员积分", "organization": "组织考核"}
MEMBER_KINDS = {
    "full": "正式党员",
    "probationary": "预备党员",
    "activist": "入党积极分子",
    "development_target": "发展对象",
}
STAR_NAMES = {5: "五星级", 4: "四星级", 3: "三星级", 2: "二星级", 1: "一星级", 0: "零星级"}


def number(value: Decimal) -> str:
    """A number as written in the rulebook: ``Decimal('10.0')`` → ``10``, ``0.50`` → ``0.5``."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def _points(value: Any) -> str:
    return "不限" if value is None else f"{number(value)} 分"


def _plain(value: Any) -> str:
    return "无" if value is None else number(value)


def _text(value: Any) -> str:
    return str(value) if value else "无"


def _yes(value: Any) -> str:
    return "是" if value else "否"


def _percent(value: Any) -> str:
    return "不限" if value is None else f"{number(value * 100)}%"


def _month(value: Any) -> str:
    return f"{value} 月"


def _listed(value: Any) -> str:
    return "、".join(str(v) for v in value) if value else "无"


def _stars_listed(value: Any) -> str:
    return "、".join(f"{v} 星" for v in value) if value else "不限"


def kinds_said(value: Any) -> str:
    """Member categories as people call them: 正式党员、预备党员 (none: 全部)."""
    return "、".join(MEMBER_KINDS.get(v, v) for v in value) if value else "全部"


def _named(names: dict[str, str]) -> Callable[[Any], str]:
    return lambda value: names.get(value, str(value)) if value else "无"


@dataclass(frozen=True)
class Field:
    """One attribute compared: its label in the sentence and how its value reads."""

    attr: str
    label: str
    show: Callable[[Any], str]
    in_summary: bool = True  # what a new thing's sentence says (its period is in its points)


def _parts(a: object, b: object, fields: Sequence[Field]) -> list[str]:
    """``label old → new`` for every field that differs."""
    return [
        f"{f.label}{f.show(getattr(a, f.attr))}{ARROW}{f.show(getattr(b, f.attr))}"
        for f in fields
        if getattr(a, f.attr) != getattr(b, f.attr)
    ]


def _summary(thing: object, fields: Sequence[Field]) -> str:
    """What a new thing says: every field that is set, in the fields' words."""
    shown = []
    for f in fields:
        if not f.in_summary:
            continue
        value = getattr(thing, f.attr)
        if value not in (None, "", (), False) and not (isinstance(value, Decimal) and not value):
            shown.append(f"{f.label}{f.show(value)}")
    return "，".join(shown)


def _sentence(subject: str, parts: Sequence[str]) -> list[str]:
    return [f"{subject}：{'，'.join(parts)}"] if parts else []


# --- items --------------------------------------------------------------------------------------


def _item_fields(item: Item) -> list[Field]:
    if isinstance(item, Allowance):
        unit = item.unit or "个单位"
        return [
            Field("points", f"{PER[item.period]} ", _points),
            Field("period", "计分周期 ", _named(PER), in_summary=False),
            Field("deduct", f"每差 1 {unit}扣 ", _points),
            Field("target", "目标 ", _plain),
            Field("absent", "无故缺席扣 ", _points),
            Field("excused", "请假扣 ", _points),
            Field("spread", "一次缺席本季度每月都扣 ", _yes),
            Field("per_occasion", "按当期次数平分 ", _yes),
        ]
    if isinstance(item, Earn):
        return [
            Field("per", "每次 ", _points),
            Field("min", "每条至少 ", _points),
            Field("max", "每条最多 ", _points),
            Field("cap_month", "每月最多 ", _points),
            Field("cap_quarter", "每季度最多 ", _points),
            Field("cap_year", "每年最多 ", _points),
        ]
    if isinstance(item, (ScoreItem, Deduct)):
        return [Field("max", "满分 ", _points)]
    if isinstance(item, Rollup):
        return [Field("factor", "下级平均分 × ", _plain)]
    return []


def _grades(a: Item, b: Item) -> list[str]:
    """The grades of a ``grade``/``graded`` item: changed, added and removed ones."""
    if not isinstance(a, (Grade, Graded)) or not isinstance(b, (Grade, Graded)):
        return []
    parts = [
        f"等次“{g}” {_points(a.grades[g])}{ARROW}{_points(b.grades[g])}"
        for g in b.grades
        if g in a.grades and a.grades[g] != b.grades[g]
    ]
    parts += [f"新增等次“{g}” {_points(b.grades[g])}" for g in b.grades if g not in a.grades]
    parts += [f"删除等次“{g}”" for g in a.grades if g not in b.grades]
    return parts


def _item_summary(item: Item) -> str:
    if isinstance(item, (Grade, Graded)):
        return "等次 " + "、".join(f"{g} {_points(p)}" for g, p in item.grades.items())
    said = _summary(item, _item_fields(item))
    return said or RULES[item.rule]


def _item_changed(a: Item, b: Item) -> list[str]:
    parts = [f"改名为“{b.title}”"] if a.title != b.title else []
    if a.rule != b.rule:
        parts.append(f"计分方式 {RULES[a.rule]}{ARROW}{RULES[b.rule]}：{_item_summary(b)}")
        return _sentence(f"项目“{a.title}”", parts)
    if isinstance(a, Allowance) and isinstance(b, Allowance) and a.period != b.period:
        parts.append(
            f"{PER[a.period]} {_points(a.points)}{ARROW}{PER[b.period]} {_points(b.points)}"
        )
        fields = [f for f in _item_fields(a) if f.attr not in ("points", "period")]
    else:
        fields = _item_fields(b)
    parts += _parts(a, b, fields) + _grades(a, b)
    return _sentence(a.title if a.title == b.title else f"项目“{a.title}”", parts)


def _items(a: Rulebook, b: Rulebook) -> list[str]:
    old = {i.code: (c, i) for c in a.categories for i in c.items}
    new = {i.code: (c, i) for c in b.categories for i in c.items}
    said: list[str] = []
    for code, (category, item) in new.items():
        if code not in old:
            said.append(f"新增{category.title}项目“{item.title}”：{_item_summary(item)}")
            continue
        was_in, was = old[code]
        if was_in.code != category.code:
            said.append(f"项目“{item.title}”从{was_in.title}移到{category.title}")
        said += _item_changed(was, item)
    said += [f"删除项目“{i.title}”（{c.title}）" for code, (c, i) in old.items() if code not in new]
    return said


# --- categories and their deductions ------------------------------------------------------------

CATEGORY_FIELDS = [
    Field("max", "最多 ", _points),
    Field("period", "计分周期 ", _named(PER)),
    Field("period_max", "每期最多 ", _points),
    Field("combine", "各期合成全年 ", _named(COMBINE)),
    Field("bonus", "加分项 ", _yes),
    Field("committee_approval", "申报须经党委审批 ", _yes),
]
DEDUCTION_FIELDS = [Field("points", "每次扣 ", _points)]


def _categories(a: Rulebook, b: Rulebook) -> list[str]:
    old = {c.code: c for c in a.categories}
    new = {c.code: c for c in b.categories}
    said: list[str] = []
    for code, category in new.items():
        if code not in old:
            said.append(f"新增类别“{category.title}”：最多 {_points(category.max)}")
            continue
        was = old[code]
        parts = [f"改名为“{category.title}”"] if was.title != category.title else []
        said += _sentence(f"类别“{was.title}”", parts + _parts(was, category, CATEGORY_FIELDS))
    said += [f"删除类别“{c.title}”" for code, c in old.items() if code not in new]
    return said


def _deductions(a: Rulebook, b: Rulebook) -> list[str]:
    def table(book: Rulebook) -> dict[str, tuple[Category, Deduction]]:
        return {d.code: (c, d) for c in book.categories for d in c.deductions}

    old, new = table(a), table(b)
    said: list[str] = []
    for code, (category, deduction) in new.items():
        if code not in old:
            said.append(
                f"新增{category.title}扣分“{deduction.title}”：每次扣 {_points(deduction.points)}"
            )
            continue
        was = old[code][1]
        parts = [f"改名为“{deduction.title}”"] if was.title != deduction.title else []
        parts += _parts(was, deduction, DEDUCTION_FIELDS)
        said += _sentence(f"扣分“{was.title}”", parts)
    said += [f"删除扣分“{d.title}”（{c.title}）" for code, (c, d) in old.items() if code not in new]
    return said


def _vetoes(a: Rulebook, b: Rulebook) -> list[str]:
    old = {v.code: v.title for v in a.vetoes}
    new = {v.code: v.title for v in b.vetoes}
    said = [f"负面清单新增“{t}”" for code, t in new.items() if code not in old]
    said += [f"负面清单“{old[code]}”改为“{t}”" for code, t in new.items() if old.get(code, t) != t]
    said += [f"负面清单删除“{t}”" for code, t in old.items() if code not in new]
    return said


# --- stars, bands, consecutive years ------------------------------------------------------------

LEVEL_FIELDS = [Field("min", "", _points), Field("quota", "名额 ", _percent)]


def _star_name(stars: int) -> str:
    return STAR_NAMES.get(stars, f"{stars} 星")


def _stars(a: Stars | None, b: Stars | None) -> list[str]:
    if a is None or b is None:
        if a is b:
            return []
        return ["取消星级评定"] if b is None else ["新增星级评定", *_stars(Stars(()), b)]
    old = {level.stars: level for level in a.levels}
    new = {level.stars: level for level in b.levels}
    said: list[str] = []
    for stars, level in new.items():
        name = _star_name(stars)
        if stars not in old:
            quota = f"，名额 {_percent(level.quota)}" if level.quota is not None else ""
            said.append(f"新增{name}：{_points(level.min)}以上{quota}")
            continue
        said += _sentence(name, _parts(old[stars], level, LEVEL_FIELDS))
    said += [f"删除{_star_name(s)}" for s in old if s not in new]
    if a.otherwise != b.otherwise and a.levels:
        said.append(
            f"未达任何星级门槛的：{_star_name(a.otherwise)}{ARROW}{_star_name(b.otherwise)}"
        )
    if a.quota_base != b.quota_base and a.levels:
        said.append(f"名额基数：{kinds_said(a.quota_base)}{ARROW}{kinds_said(b.quota_base)}")
    return said


BAND_FIELDS = [
    Field("level", "级别 ", _named(LEVELS)),
    Field("min", "不低于 ", _points),
    Field("below", "低于 ", _points),
    Field("stars", "星级 ", _stars_listed),
    Field("categories", "适用 ", kinds_said),
    Field("actions", "措施 ", _listed),
]
CONSECUTIVE_FIELDS = [
    Field("level", "级别 ", _named(LEVELS)),
    Field("below", "低于 ", _points),
    Field("years", "连续年数 ", str),
    Field("categories", "适用 ", kinds_said),
    Field("actions", "措施 ", _listed),
]


def _labelled(
    a: Iterable[Band | Consecutive],
    b: Iterable[Band | Consecutive],
    noun: str,
    fields: Sequence[Field],
) -> list[str]:
    """Bands (or consecutive-year flags), matched by code and named by their labels."""
    old = {x.code: x for x in a}
    new = {x.code: x for x in b}
    said: list[str] = []
    for code, thing in new.items():
        if code not in old:
            said.append(f"新增{noun}“{thing.label}”：{_summary(thing, fields)}")
            continue
        was = old[code]
        parts = [f"改名为“{thing.label}”"] if was.label != thing.label else []
        said += _sentence(f"{noun}“{was.label}”", parts + _parts(was, thing, fields))
    said += [f"删除{noun}“{x.label}”" for code, x in old.items() if code not in new]
    return said


# --- the whole rulebook -------------------------------------------------------------------------

TOP_FIELDS = [
    Field("title", "名称", _text),
    Field("kind", "种类", _named(KINDS)),
    Field("total", "总分", _points),
    Field("year_start", "积分年度起始月", _month),
    Field("rounds", "考核轮次", _named(ROUNDS)),
    Field("combine_rounds", "各轮合成全年", _named(COMBINE)),
    Field("index_cap", "堡垒指数封顶", _points),
    Field("notice_days", "公示期", lambda days: f"{days} 个工作日" if days else "未规定"),
]


def _weights(a: Rulebook, b: Rulebook) -> list[str]:
    def shown(weights: Any) -> str:
        if not weights:
            return "以考评为准"
        names = {"self": "自评", "committee": "考评"}
        return "、".join(f"{names.get(k, k)} {_percent(v)}" for k, v in weights.items())

    x, y = a.sources.weights, b.sources.weights
    return [] if x == y else [f"自评与考评权重：{shown(x)}{ARROW}{shown(y)}"]


def differences(a: Rulebook, b: Rulebook) -> list[str]:
    """What changes from rulebook ``a`` to rulebook ``b``, one sentence per changed thing, in
    the order of the rulebook's table: the whole, categories, items, deductions, the negative
    list, stars, bands, consecutive years. ``[]`` when they rule the same way."""
    return [
        *(
            f"{f.label}：{f.show(getattr(a, f.attr))}{ARROW}{f.show(getattr(b, f.attr))}"
            for f in TOP_FIELDS
            if getattr(a, f.attr) != getattr(b, f.attr)
        ),
        *_weights(a, b),
        *_categories(a, b),
        *_items(a, b),
        *_deductions(a, b),
        *_vetoes(a, b),
        *_stars(a.stars, b.stars),
        *_labelled(a.bands, b.bands, "等次", BAND_FIELDS),
        *_labelled(a.consecutive, b.consecutive, "连续预警", CONSECUTIVE_FIELDS),
    ]
