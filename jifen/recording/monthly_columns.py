"""Which column of a monthly figures file is what: Jifen's own template, or 学习强国's export.

Jifen's template has 姓名 (身份证号 for namesakes) and one column per rulebook item, by its title
or code. 学习强国's organization export (学习管理 / 组织管理 → 导出) comes as it is: its columns
are matched by name through ``XUEXI_COLUMNS`` below (aliases, because the export's wording
varies with the version and with what the administrator ticked), its other columns are left
aside and listed, and its figures become the items ``xxqg_login`` and ``xxqg_quiz`` (seed003
and the rulebooks built on it). docs/recording.md shows the table and a worked file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

NAME, ID_NUMBER = "姓名", "身份证号"

# Meaning → the header names 学习强国's exports use for it (compared without spaces and without a
# trailing unit such as "（天）"). The first of each is how the docs name it.
XUEXI_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "学员姓名", "用户姓名", "真实姓名", "成员姓名", "用户名称"),
    "xuexi_id": ("学习强国号", "强国号", "用户ID", "学员ID", "用户编号", "学员编号", "UID"),
    "phone": ("手机号", "手机号码", "电话号码", "联系电话", "手机"),
    # 学习强国 gives 1 point a day for logging in: a month's 登录积分 is its days logged in.
    "login_days": ("登录天数", "本月登录天数", "月登录天数", "登录积分", "本月登录积分"),
    "absent_days": ("未登录天数", "本月未登录天数"),
    "quiz": (
        "每日答题积分",
        "每日答题",
        "每日一题",
        "每日一题积分",
        "本月每日答题积分",
        "答题积分",
    ),
}
# Whatever else an export has (序号, 所属组织, 总积分, 本月积分, 最后学习时间 …: nothing a seed
# scores) is read past and listed on the page, not refused: the export is taken as it comes.
# The rulebook items 学习强国's figures feed (seed003's codes; a rulebook extending it keeps them).
XUEXI_ITEMS = {"login_days": "xxqg_login", "absent_days": "xxqg_login", "quiz": "xxqg_quiz"}
_UNIT = re.compile(r"[(（][^()（）]*[)）]$")


def plain(header: str) -> str:
    """A header as compared: no spaces, no trailing "(天)" / "（分）", latin letters upper."""
    return _UNIT.sub("", re.sub(r"\s+", "", header)).upper()


_MEANING = {plain(alias): kind for kind, aliases in XUEXI_COLUMNS.items() for alias in aliases}


@dataclass(frozen=True)
class Column:
    index: int
    header: str  # as the file has it, for the messages
    code: str  # the rulebook item
    login_days: bool = False  # the file counts days logged in; the item wants days not


@dataclass
class Layout:
    header_at: int
    name: int
    source: str  # "jifen" (our template) or "xuexi" (学习强国's export)
    items: list[Column]
    id_number: int | None = None
    phone: int | None = None
    xuexi_id: int | None = None
    ignored: list[str] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)

    def header_of(self, index: int | None) -> str:
        return self.headers[index] if index is not None and index < len(self.headers) else ""


def layout_of(rows: list[list[str]], known: dict[str, str]) -> Layout | str:
    """Where the header is and what each column holds, or why the file cannot be read.
    ``known`` maps Jifen's headers (item titles and codes) to item codes."""
    at = next(
        (i for i, row in enumerate(rows) if any(_MEANING.get(plain(h)) == "name" for h in row)),
        None,
    )
    if at is None:
        return f"找不到表头：第一行应有“{NAME}”和积分项目的列"
    headers = rows[at]
    meanings = [_MEANING.get(plain(h)) for h in headers]
    xuexi = any(
        m in ("xuexi_id", "login_days", "absent_days", "quiz") and h not in known
        for h, m in zip(headers, meanings, strict=True)
    )
    return _xuexi(at, headers, meanings, known) if xuexi else _jifen(at, headers, known)


def _jifen(at: int, headers: list[str], known: dict[str, str]) -> Layout | str:
    unknown = [h for h in headers if h and h not in known and h not in (NAME, ID_NUMBER)]
    if unknown or not any(h in known for h in headers):
        allowed = "、".join(sorted({h for h in known if not h.isascii()}))
        listed = "、".join(unknown) or "（没有积分项目列）"
        return f"不认识的列：{listed}。可用的列：{allowed}"
    items = [Column(i, h, known[h]) for i, h in enumerate(headers) if h in known]
    id_number = headers.index(ID_NUMBER) if ID_NUMBER in headers else None
    return Layout(at, headers.index(NAME), "jifen", items, id_number=id_number, headers=headers)


def _xuexi(
    at: int, headers: list[str], meanings: list[str | None], known: dict[str, str]
) -> Layout | str:
    found: dict[str, int] = {}
    items: list[Column] = []
    ignored: list[str] = []
    for index, (header, meaning) in enumerate(zip(headers, meanings, strict=True)):
        if not header:
            continue
        if header in known:  # a Jifen item column beside the export's own
            items.append(Column(index, header, known[header]))
        elif meaning in XUEXI_ITEMS and XUEXI_ITEMS[meaning] in known.values():
            code = XUEXI_ITEMS[meaning]
            items.append(Column(index, header, code, login_days=meaning == "login_days"))
        elif meaning in ("name", "xuexi_id", "phone") and meaning not in found:
            found[meaning] = index
        else:
            ignored.append(header)
    codes = [column.code for column in items]
    twice = sorted({c.header for c in items if codes.count(c.code) > 1})
    if twice:
        return f"这几列是同一个积分项目，只能留一列：{'、'.join(twice)}"
    if not items:
        return (
            "这是学习强国导出的表格，但本组织采用的积分办法中没有学习强国的项目"
            "（登录学习强国、完成每日一题），没有可导入的列"
        )
    return Layout(
        at,
        found["name"],
        "xuexi",
        items,
        phone=found.get("phone"),
        xuexi_id=found.get("xuexi_id"),
        ignored=ignored,
        headers=headers,
    )
