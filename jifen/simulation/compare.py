"""``jifen rulebook compare A B FACTS``: the same facts scored under two rulebooks, side by side.

A what-if before adopting a rulebook: nothing is written, no server and no Django. Each side is
scored exactly as ``jifen simulate`` scores it (the same readers, the same year, the same JSON),
so ``"a"`` and ``"b"`` are what ``jifen simulate A FACTS`` and ``jifen simulate B FACTS`` print;
``"changes"`` lists every subject whose total or stars differ.
"""

from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, NamedTuple

from jifen.scoring import (
    FactsError,
    Rulebook,
    Scoresheet,
    Subject,
    builtin_ids,
    fmt,
    load_rulebook,
    round2,
    score,
)
from jifen.simulation.cli import (
    _all_children,
    _BadInputError,
    _parse,
    _Parser,
    _refused,
    _report,
    _year,
)
from jifen.simulation.readers import Facts, read_facts, read_roster

__all__ = ["changes", "compare_main"]


def _compare_parser() -> _Parser:
    parser = _Parser(
        prog="jifen rulebook compare",
        description="用两份积分办法（规则）给同一批记录打分，列出总分或星级不同的对象；不写入任何东西。",
        epilog="A、B 可以是内置规则 "
        + "、".join(builtin_ids())
        + "，或 YAML 文件（可以 extends 内置规则）。",
    )
    parser.add_argument("a", metavar="A", help="现行规则：内置规则 id 或 YAML 文件")
    parser.add_argument("b", metavar="B", help="拟用规则：内置规则 id 或 YAML 文件")
    parser.add_argument(
        "facts", metavar="FACTS", help="记录表 .csv 或 .xlsx（与 jifen simulate 相同）"
    )
    parser.add_argument("--roster", metavar="ROSTER", help="名单 .csv 或 .xlsx")
    parser.add_argument("--year", metavar="YYYY", type=int, help="考核年度（默认取记录的年度）")
    parser.add_argument(
        "--format", choices=("json", "table", "xlsx"), default="json", help="输出格式（默认 json）"
    )
    parser.add_argument("--output", metavar="FILE", help="写入文件（xlsx 必须指定）")
    return parser


def compare_main(argv: list[str]) -> int:
    """``jifen rulebook compare A B FACTS [--roster R] [--year Y] [--format json|table|xlsx]
    [--output FILE]``; returns the exit status (0 ok, 2 bad input). Never raises."""
    args = _parse(_compare_parser(), argv)
    if isinstance(args, int):
        return args
    try:
        return _compare(args)
    except Exception as exc:  # every failure becomes a message and an exit status
        return _report(exc)


def _compare(args: argparse.Namespace) -> int:
    if args.format == "xlsx" and not args.output:
        raise _BadInputError("--format xlsx 需要用 --output 指定 .xlsx 文件")
    book_a = load_rulebook(args.a)
    book_b = load_rulebook(args.b)
    loaded = read_facts(args.facts)
    ids = set(builtin_ids()) | _all_children(book_a) | _all_children(book_b)
    ids |= {book_a.id, book_b.id}
    subjects = read_roster(args.roster, ids) if args.roster else None
    year = _year(args, loaded, book_a)
    if _year(args, loaded, book_b) != year:
        raise _BadInputError(
            f"{args.facts}: 两份规则的考核年度起始月份不同，记录落在不同的年度，请用 --year 指定"
        )
    sheet_a = _score(book_a, loaded, year, subjects)
    sheets = _Pair(book_a, sheet_a, book_b, _score(book_b, loaded, year, subjects))
    if args.format == "xlsx":
        write_xlsx(sheets, Path(args.output))
    elif args.output:
        with open(args.output, "w", encoding="utf-8") as stream:
            _write(args.format, sheets, stream)
    else:
        _write(args.format, sheets, sys.stdout)
    return 0


class _Pair(NamedTuple):
    book_a: Rulebook
    sheet_a: Scoresheet
    book_b: Rulebook
    sheet_b: Scoresheet


def _write(fmt_name: str, pair: _Pair, stream: IO[str]) -> None:
    if fmt_name == "table":
        write_table(pair.sheet_a, pair.sheet_b, stream)
        return
    from jifen.simulation.output import sheet_json

    doc = {
        "a": sheet_json(pair.sheet_a, pair.book_a),
        "b": sheet_json(pair.sheet_b, pair.book_b),
        "changes": changes(pair.sheet_a, pair.sheet_b),
    }
    json.dump(doc, stream, ensure_ascii=False, indent=2)
    stream.write("\n")


def _score(
    rulebook: Rulebook, loaded: Facts, year: int, subjects: list[Subject] | None
) -> Scoresheet:
    """The sheet ``jifen simulate`` would print as JSON (no prior totals, no explanations)."""
    try:
        return score(
            rulebook, loaded.facts, year=year, subjects=subjects, prior_totals={}, explain=False
        )
    except FactsError as exc:
        raise _BadInputError(_refused(exc, loaded, rulebook)) from None


def _shown(total: Decimal | None) -> Decimal | None:
    # Compared as printed (two places), so a change is always one the reader can see.
    return None if total is None else round2(total)


def changes(sheet_a: Scoresheet, sheet_b: Scoresheet) -> list[dict[str, Any]]:
    """Every subject whose total or stars differ between the two sheets, in sheet A's order
    (then any subject only B scored). Totals and the delta (B − A) are two-place strings; a
    subject missing on one side has null there and a null delta."""
    by_a = {r.subject: r for r in sheet_a.results}
    by_b = {r.subject: r for r in sheet_b.results}
    found = []
    for subject in [*by_a, *(s for s in by_b if s not in by_a)]:
        ra, rb = by_a.get(subject), by_b.get(subject)
        total_a = _shown(ra.total if ra else None)
        total_b = _shown(rb.total if rb else None)
        stars_a = ra.stars if ra else None
        stars_b = rb.stars if rb else None
        if ra is not None and rb is not None and (total_a, stars_a) == (total_b, stars_b):
            continue
        delta = None if total_a is None or total_b is None else total_b - total_a
        found.append(
            {
                "subject": subject,
                "total_a": None if total_a is None else fmt(total_a),
                "total_b": None if total_b is None else fmt(total_b),
                "delta": None if delta is None else fmt(delta),
                "stars_a": stars_a,
                "stars_b": stars_b,
            }
        )
    return found


def _signed(delta: str | None) -> str:
    if delta is None:
        return ""
    return delta if delta.startswith("-") or delta == "0.00" else "+" + delta


def write_table(sheet_a: Scoresheet, sheet_b: Scoresheet, stream: IO[str]) -> None:
    """The changes as a rich table, or one line saying there are none."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(file=stream, width=200 if not stream.isatty() else None)
    found = changes(sheet_a, sheet_b)
    head = f"{sheet_a.rulebook} → {sheet_b.rulebook}，{sheet_a.year} 年度"
    if not found:
        console.print(escape(f"{head}：所有对象的总分和星级都相同。"))
        return
    names = {r.subject: r.name for r in [*sheet_a.results, *sheet_b.results] if r.name}
    table = Table(title=escape(f"{head}：{len(found)} 个对象的总分或星级不同"))
    table.add_column("对象")
    for name in ("原总分", "新总分", "差值", "原星级", "新星级"):
        table.add_column(name, justify="right")
    for change in found:
        subject = change["subject"]
        label = subject + (f" {names[subject]}" if subject in names else "")
        table.add_row(
            escape(label),
            change["total_a"] or "",
            change["total_b"] or "",
            _signed(change["delta"]),
            "" if change["stars_a"] is None else str(change["stars_a"]),
            "" if change["stars_b"] is None else str(change["stars_b"]),
        )
    console.print(table)


def write_xlsx(pair: _Pair, path: Path) -> None:
    """A “变化” sheet (one row per change, scores as numbers) and each side's results sheets as
    ``jifen simulate --format xlsx`` writes them (“A 结果”, “B 结果”); text is formula-safe."""
    from openpyxl import Workbook

    from jifen.simulation.output import grouped, results_sheet, safe_cell

    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet("变化")
    ws.append(["对象", "名称", "原总分", "新总分", "差值", "原星级", "新星级"])
    names = {r.subject: r.name for r in [*pair.sheet_a.results, *pair.sheet_b.results]}
    for change in changes(pair.sheet_a, pair.sheet_b):
        row = [change["subject"], names.get(change["subject"], "")]
        row += [_decimal(change[key]) for key in ("total_a", "total_b", "delta")]
        row += [change["stars_a"], change["stars_b"]]
        ws.append([safe_cell(value) for value in row])
    for side, book, sheet in (("A", pair.book_a, pair.sheet_a), ("B", pair.book_b, pair.sheet_b)):
        for shown, results in grouped(sheet, book):
            name = f"{side} 结果" if shown.id == book.id else f"{side} 结果-{shown.id}"
            results_sheet(workbook.create_sheet(name[:31]), shown, results, sheet.year)
    workbook.save(path)


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)
