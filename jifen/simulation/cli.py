"""``jifen simulate`` and ``jifen rulebook``: the engine on spreadsheets, without a server.

Both entry points return an exit status and never raise: bad input prints a message in Chinese
naming the file, row, column and what was expected to stderr and returns 2. No Django is
imported on this path, so the command starts fast.
"""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any, NoReturn

from jifen.scoring import (
    FactsError,
    Rulebook,
    RulebookError,
    Scoresheet,
    builtin_ids,
    fmt,
    load_rulebook,
    score,
)
from jifen.scoring.model import Allowance, Band, Deduct, Earn, Grade, Graded, Rollup, ScoreItem
from jifen.simulation.readers import Facts, InputError, read_facts, read_prior, read_roster

EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors in the same way as bad files: message, status 2."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        raise _UsageError(f"{self.prog}: 参数错误：{message}")


class _UsageError(Exception):
    pass


class _BadInputError(Exception):
    """Input that reads but cannot be used (no year, facts the rulebook refuses …): the message
    is printed as it is."""


def _fail(message: str) -> int:
    sys.stderr.write(f"错误：{message}\n")
    return EXIT_BAD_INPUT


def _parse(parser: _Parser, argv: list[str]) -> argparse.Namespace | int:
    """The parsed arguments, or the exit status when there is nothing more to do (a usage
    error, or --help)."""
    try:
        return parser.parse_args(argv)
    except _UsageError as exc:
        return _fail(str(exc))
    except SystemExit as exc:  # --help
        return int(exc.code or 0)


def _report(exc: Exception) -> int:
    """The exit status for an exception out of a command, its message written to stderr."""
    if isinstance(exc, RulebookError):
        return _fail("规则无法使用：\n" + "\n".join(f"  {issue}" for issue in exc.issues))
    if isinstance(exc, InputError | _BadInputError):
        return _fail(str(exc))
    if isinstance(exc, OSError):
        return _fail(f"{exc.filename or ''} 无法读写：{exc.strerror}")
    # A bug, not bad input: still a message, never a traceback.
    sys.stderr.write(f"错误：程序内部错误，请报告：{type(exc).__name__}: {exc}\n")
    return 1


def _simulate_parser() -> _Parser:
    parser = _Parser(
        prog="jifen simulate",
        description="用一份积分办法（规则）给一年的记录打分，不需要服务器和数据库。",
        epilog="RULEBOOK 可以是内置规则 " + "、".join(builtin_ids()) + "，或 YAML 文件路径。",
    )
    parser.add_argument("rulebook", metavar="RULEBOOK", help="内置规则 id 或规则 YAML 文件")
    parser.add_argument(
        "facts",
        metavar="FACTS",
        help="记录表 .csv 或 .xlsx：subject,date,item,value[,source][,note]",
    )
    parser.add_argument(
        "--roster",
        metavar="ROSTER",
        help="名单 .csv 或 .xlsx：subject,name,org,kind,parent,category,joined,left",
    )
    parser.add_argument("--year", metavar="YYYY", type=int, help="考核年度（默认取记录的年度）")
    parser.add_argument(
        "--format", choices=("json", "table", "xlsx"), default="json", help="输出格式（默认 json）"
    )
    parser.add_argument("--output", metavar="FILE", help="写入文件（xlsx 必须指定）")
    parser.add_argument(
        "--prior",
        metavar="PRIOR",
        help="往年总分（用于“连续两年”预警）：subject,year,total 的 .csv/.xlsx，"
        "或往年 simulate 的 JSON 输出",
    )
    return parser


def _scoring_year(facts_dates: Sequence[tuple[int, int]], start: int) -> set[int]:
    return {year if month >= start else year - 1 for year, month in facts_dates}


def simulate_main(argv: list[str]) -> int:
    """``jifen simulate RULEBOOK FACTS [--roster ROSTER] [--year YYYY] [--format json|table|xlsx]
    [--output FILE] [--prior PRIOR]``; returns the exit status (0 ok, 2 bad input)."""
    args = _parse(_simulate_parser(), argv)
    if isinstance(args, int):
        return args
    # A year of facts is many small objects that never form cycles: the cyclic garbage
    # collector would only rescan them again and again (a third of the run time at 100,000 facts).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _simulate(args)
    except Exception as exc:  # every failure becomes a message and an exit status
        return _report(exc)
    finally:
        if collecting:
            gc.enable()


def _simulate(args: argparse.Namespace) -> int:
    rulebook = load_rulebook(args.rulebook)
    loaded = read_facts(args.facts)
    ids = set(builtin_ids()) | {rulebook.id} | _all_children(rulebook)
    subjects = read_roster(args.roster, ids) if args.roster else None
    prior = read_prior(args.prior) if args.prior else {}
    year = _year(args, loaded, rulebook)
    try:
        sheet = score(
            rulebook,
            loaded.facts,
            year=year,
            subjects=subjects,
            prior_totals=prior,
            explain=args.format == "xlsx",  # only the xlsx output carries the explanations
        )
    except FactsError as exc:
        raise _BadInputError(_refused(exc, loaded, rulebook)) from None

    from jifen.simulation import output

    if args.format == "xlsx":
        if not args.output:
            raise _BadInputError("--format xlsx 需要用 --output 指定 .xlsx 文件")
        output.write_xlsx(sheet, rulebook, Path(args.output))
        return 0
    if args.output:
        with open(args.output, "w", encoding="utf-8") as stream:
            _write(args.format, sheet, rulebook, stream)
    else:
        _write(args.format, sheet, rulebook, sys.stdout)
    return 0


def _year(args: argparse.Namespace, loaded: Facts, rulebook: Rulebook) -> int:
    """--year, or the one scoring year the facts fall in."""
    year: int | None = args.year
    if year is not None:
        if not 1900 <= year <= 9999:
            raise _BadInputError(f"--year {year} 不是有效的年份")
        return year
    years = _scoring_year([(f.date.year, f.date.month) for f in loaded.facts], rulebook.year_start)
    if not years:
        raise _BadInputError(f"{args.facts}: 没有任何记录，无法确定年度，请用 --year 指定")
    if len(years) > 1:
        shown = "、".join(str(y) for y in sorted(years))
        raise _BadInputError(
            f"{args.facts}: 记录跨越多个年度（{shown}），请用 --year 指定要计算的年度"
        )
    return years.pop()


def _refused(exc: FactsError, loaded: Facts, rulebook: Rulebook) -> str:
    """The facts the rulebook refuses (the first 50), by file, row and column."""
    lines = []
    for issue in exc.issues[:50]:
        row = loaded.rows.get(issue.fact)
        column = issue.field if issue.field in loaded.table.header else None
        where = loaded.table.file
        if row is not None:
            where += f" 第 {row} 行"
        if column is not None:
            where += f" {loaded.table.column(column)} 列"
        lines.append(f"  {where}: {issue.message}")
    more = f"\n  …另有 {len(exc.issues) - 50} 处问题" if len(exc.issues) > 50 else ""
    return f"记录与规则 {rulebook.id} 不符：\n" + "\n".join(lines) + more


def _write(fmt_name: str, sheet: Scoresheet, rulebook: Rulebook, stream: IO[str]) -> None:
    from jifen.simulation import output

    if fmt_name == "json":
        output.write_json(sheet, rulebook, stream)
    else:
        output.write_table(sheet, rulebook, stream)


def _all_children(rulebook: Rulebook) -> set[str]:
    found: set[str] = set()
    for rid, child in rulebook.children.items():
        found.add(rid)
        found |= _all_children(child)
    return found


# --- jifen rulebook -----------------------------------------------------------------------------


def _rulebook_parser() -> _Parser:
    parser = _Parser(prog="jifen rulebook", description="检查或查看积分办法（规则）。")
    sub = parser.add_subparsers(
        dest="command", metavar="{check,show,list,compare}", parser_class=_Parser
    )
    check = sub.add_parser("check", help="检查一个规则 YAML 文件，列出所有问题")
    check.add_argument("file", metavar="FILE")
    show = sub.add_parser("show", help="以表格显示一个规则")
    show.add_argument("id", metavar="ID", help="内置规则 id 或 YAML 文件")
    show.add_argument(
        "--words", action="store_true", help="在每个项目下显示原文的考核内容与评价标准"
    )
    sub.add_parser("list", help="列出内置规则")
    # Parsed by jifen.simulation.compare; listed here for --help.
    sub.add_parser("compare", help="用两份规则给同一批记录打分，列出不同（见 compare --help）")
    return parser


def rulebook_main(argv: list[str]) -> int:
    """``jifen rulebook check FILE`` | ``show ID`` | ``list`` | ``compare A B FACTS …``;
    returns the exit status."""
    if argv[:1] == ["compare"]:
        from jifen.simulation.compare import compare_main

        return compare_main(argv[1:])
    return _rulebook(argv)


def _rulebook(argv: list[str]) -> int:
    parser = _rulebook_parser()
    args = _parse(parser, argv)
    if isinstance(args, int):
        return args
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_BAD_INPUT
    if args.command == "list":
        for rid in builtin_ids():
            rb = load_rulebook(rid)
            sys.stdout.write(f"{rid}\t{rb.kind}\t{rb.title}\n")
        return 0
    ref = args.file if args.command == "check" else args.id
    try:
        rulebook = load_rulebook(ref)
    except RulebookError as exc:
        count = len(exc.issues)
        return _fail(f"规则有 {count} 处问题：\n" + "\n".join(f"  {issue}" for issue in exc.issues))
    if args.command == "check":
        items = sum(len(c.items) for c in rulebook.categories)
        parent = f"，继承 {rulebook.extends}" if rulebook.extends else ""
        sys.stdout.write(
            f"规则 {rulebook.id} 第 {rulebook.version} 版{parent}："
            f"{len(rulebook.categories)} 个类别、"
            f"{items} 个项目，检查通过。\n"
        )
        return 0
    show_rulebook(rulebook, sys.stdout, words=args.words)
    return 0


RULE_NAMES = {
    "allowance": "基本分（扣减）",
    "earn": "加分",
    "grade": "等次",
    "score": "打分",
    "graded": "等次",
    "deduct": "扣分",
    "rollup": "下级汇总",
}
PERIODS = {"month": "每月", "quarter": "每季度", "year": "全年"}


def _describe_allowance(item: Allowance) -> str:
    parts = [f"{PERIODS[item.period]} {fmt(item.points)} 分"]
    if item.target is not None and item.deduct is not None:
        parts.append(f"目标 {item.target}{item.unit}，每差 1 扣 {item.deduct}")
    elif item.deduct is not None:
        parts.append(f"每{item.unit or '次'}扣 {item.deduct}")
    if item.absent is not None and item.per_occasion:
        parts.append(f"{PERIODS[item.period]}按次数平分，每缺席一次扣一份")
    elif item.absent is not None:
        parts.append(f"缺席扣 {item.absent}")
        if item.excused:
            parts.append(f"请假扣 {item.excused}")
    if item.spread:
        parts.append("季度内每月扣")
    return "；".join(parts)


def _describe_earn(item: Earn) -> str:
    parts = []
    if item.per is not None:
        parts.append(f"每次 {item.per} 分")
    if item.max is not None:
        parts.append(f"单次最多 {item.max}")
    for name, cap in (
        ("月", item.cap_month),
        ("季度", item.cap_quarter),
        ("年", item.cap_year),
    ):
        if cap is not None:
            parts.append(f"每{name}最多 {cap}")
    return "；".join(parts) or "不设上限"


# One line describing an item's rule, by the item's type.
DESCRIBE: dict[type, Callable[[Any], str]] = {
    Allowance: _describe_allowance,
    Earn: _describe_earn,
    Grade: lambda item: "、".join(f"{k} {v}" for k, v in item.grades.items()),
    Graded: lambda item: "、".join(f"{k} {v}" for k, v in item.grades.items()),
    ScoreItem: lambda item: f"0–{item.max} 分，0.5 分为单位",
    Deduct: lambda item: f"满分 {item.max}，扣分须写明原因",
    Rollup: lambda item: f"{item.factor} × 下级组织（{item.of}）平均分",
}


def _describe(item: object) -> str:
    describe = DESCRIBE.get(type(item))
    return describe(item) if describe is not None else ""


def show_rulebook(rulebook: Rulebook, stream: IO[str], *, words: bool = False) -> None:
    """The rulebook as a readable table in the terminal; ``words`` adds each item's 考核内容
    and 评价标准 under its title (long for seed000, so only when asked)."""
    from rich.console import Console
    from rich.markup import escape

    console = Console(file=stream)
    kind = "党员积分" if rulebook.kind == "member" else "组织考核"
    console.print(
        f"[bold]{escape(rulebook.title)}[/]  {rulebook.id} 第 {rulebook.version} 版（{kind}）"
    )
    if rulebook.extends:
        console.print(f"继承自 {rulebook.extends}")
    console.print(_items_table(rulebook, words))
    for veto in rulebook.vetoes:
        console.print(f"[red]负面清单[/] {veto.code}: {escape(veto.title)} —— 年度积分为零")
    if rulebook.total is not None:
        console.print(f"总分上限 {fmt(rulebook.total)}")
    if rulebook.kind == "organization":
        for line in _organization_lines(rulebook):
            console.print(line)
    if rulebook.stars is not None:
        levels = "；".join(
            f"{lv.stars} 星 ≥ {lv.min}" + (f"（不超过 {lv.quota * 100:.0f}%）" if lv.quota else "")
            for lv in rulebook.stars.levels
        )
        console.print(f"星级：{levels}；其余 {rulebook.stars.otherwise} 星")
    for band in rulebook.bands:
        console.print(escape(_band_line(band)))
    for flag in rulebook.consecutive:
        console.print(escape(f"[{flag.level}] 连续 {flag.years} 年 < {flag.below}：{flag.label}"))


def _titled(title: str, *texts: str) -> str:
    return "\n".join([title, *(f"  {line}" for t in texts if t for line in t.splitlines())])


def _items_table(rulebook: Rulebook, words: bool = False) -> Any:
    """A rich Table: every category's items and deductions, with what each rule does."""
    from rich.markup import escape
    from rich.table import Table

    table = Table(show_lines=False)
    for name in ("类别", "代码", "项目", "规则", "说明"):
        table.add_column(name, overflow="fold")
    for category in rulebook.categories:
        head = f"{category.title}（{fmt(category.max)}）"
        if category.period != "year":
            how = "平均" if category.combine == "mean" else "合计"
            most = fmt(category.period_max or category.max)
            head += f"\n{PERIODS[category.period]}计分，每期最多 {most}，全年{how}"
        if category.bonus:
            head += "\n加分项"
        for i, item in enumerate(category.items):
            table.add_row(
                escape(head) if i == 0 else "",
                item.code,
                escape(
                    _titled(item.title, item.description, item.standard) if words else item.title
                ),
                RULE_NAMES[item.rule],
                escape(_describe(item)),
            )
        for deduction in category.deductions:
            table.add_row(
                "",
                deduction.code,
                escape(deduction.title),
                "类别扣分",
                f"每次扣 {deduction.points}",
            )
    return table


def _organization_lines(rulebook: Rulebook) -> list[str]:
    rounds = {"half": "上半年、下半年各一轮", "year": "每年一轮"}[rulebook.rounds]
    how = {"mean": "平均", "sum": "合计", "last": "取最后一轮"}[rulebook.combine_rounds]
    lines = [f"考核轮次：{rounds}，全年{how}"]
    if rulebook.sources.weights:
        w = rulebook.sources.weights
        lines.append(f"自评 × {w['self']} + 考评 × {w['committee']}")
    if rulebook.index_cap is not None:
        lines.append(f"堡垒指数上限 {fmt(rulebook.index_cap)}")
    return lines


def _band_line(band: Band) -> str:
    rng = []
    if band.min is not None:
        rng.append(f"≥ {band.min}")
    if band.below is not None:
        rng.append(f"< {band.below}")
    if band.stars is not None:
        rng.append("星级 " + "、".join(str(s) for s in band.stars))
    scope = f"（仅 {'、'.join(band.categories)}）" if band.categories else ""
    actions = f"：{'；'.join(band.actions)}" if band.actions else ""
    level = {"info": "信息", "yellow": "黄色预警", "red": "红色预警"}[band.level]
    return f"[{level}] {' '.join(rng)}{scope} {band.label}{actions}"
