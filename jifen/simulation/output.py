"""Writing a scoresheet as JSON (RULEBOOKS.md §6), a rich table, or an xlsx workbook."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from jifen.scoring import Line, Rulebook, Scoresheet, SubjectResult, fmt, round2
from jifen.scoring.facts import Calendar, period_label

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def result_json(result: SubjectResult, rulebook: Rulebook) -> dict[str, Any]:
    """One result exactly as RULEBOOKS.md §6 prints it."""
    out: dict[str, Any] = {
        "subject": result.subject,
        "total": fmt(result.total),
        "categories": {c.code: fmt(c.score) for c in result.categories},
        "vetoed": result.vetoed,
        "incomplete": result.incomplete,
        "stars": result.stars,
        "bands": [b.label for b in result.bands],
        "warnings": list(result.warnings),
        "rank": result.rank,
    }
    if result.kind == "organization":
        out["index"] = None if result.index is None else fmt(result.index)
        out["rounds"] = {key: fmt(value) for key, value in result.rounds.items()}
        # The self sheet is always shown beside the committee sheet (RULEBOOKS.md §4).
        if result.self_total is not None and result.committee_total is not None:
            out["self"] = fmt(result.self_total)
            out["committee"] = fmt(result.committee_total)
        if result.rulebook != rulebook.id:
            out["rulebook"] = result.rulebook
    return out


def sheet_json(sheet: Scoresheet, rulebook: Rulebook) -> dict[str, Any]:
    return {
        "rulebook": sheet.rulebook,
        "year": sheet.year,
        "results": [result_json(r, rulebook) for r in sheet.results],
        "tied": [
            {
                "group": tie.group,
                "stars": tie.stars,
                "held_at": tie.held_at,
                "total": fmt(tie.rated),
                "quota": tie.quota,
                "subjects": list(tie.subjects),
            }
            for tie in sheet.ties
        ],
    }


def write_json(sheet: Scoresheet, rulebook: Rulebook, stream: IO[str]) -> None:
    json.dump(sheet_json(sheet, rulebook), stream, ensure_ascii=False, indent=2)
    stream.write("\n")


def _stars(result: SubjectResult) -> str:
    if result.stars is None:
        return ""
    return "★" * result.stars + ("（并列待定）" if result.tied else "") if result.stars else "0"


def books_in(rulebook: Rulebook) -> dict[str, Rulebook]:
    """The rulebook and every rulebook its rollups score children with, by id."""
    found = {rulebook.id: rulebook}
    for child in rulebook.children.values():
        found.update(books_in(child))
    return found


def grouped(sheet: Scoresheet, rulebook: Rulebook) -> list[tuple[Rulebook, list[SubjectResult]]]:
    """Results grouped by the rulebook that scored them, the run's own rulebook first (a
    general branch's file also holds its branches, scored with another sheet)."""
    books = books_in(rulebook)
    groups: dict[str, list[SubjectResult]] = {rid: [] for rid in books}
    for result in sheet.results:
        groups.setdefault(result.rulebook, []).append(result)
    return [
        (books[rid], results) for rid, results in groups.items() if results or rid == rulebook.id
    ]


def write_table(sheet: Scoresheet, rulebook: Rulebook, stream: IO[str]) -> None:
    from rich.console import Console
    from rich.markup import escape

    console = Console(file=stream, width=200 if not stream.isatty() else None)
    for book, results in grouped(sheet, rulebook):
        console.print(_table(book, results, sheet.year))
    for tie in sheet.ties:
        console.print(
            f"[yellow]并列：{escape(tie.group) or '（全体）'} {tie.stars} 星名额 {tie.quota} 名，"
            f"{escape('、'.join(tie.subjects))} 以 {fmt(tie.rated)} 分并列于名额线，"
            f"暂评 {tie.held_at} 星，由支部研究决定[/]"
        )


def _table(rulebook: Rulebook, results: list[SubjectResult], year: int) -> object:
    from rich.markup import escape
    from rich.table import Table

    table = Table(
        title=escape(f"{rulebook.title}（{rulebook.id} 第 {rulebook.version} 版）{year} 年度"),
        show_lines=False,
    )
    table.add_column("对象")
    codes = [c.code for c in rulebook.categories]
    for category in rulebook.categories:
        table.add_column(escape(category.title), justify="right")
    orgs = rulebook.kind == "organization"
    rounds = list(results[0].rounds) if orgs and results else []
    for key in rounds:
        table.add_column(period_label(key, Calendar(year)), justify="right")
    if orgs:
        table.add_column("自评", justify="right")
        table.add_column("考评", justify="right")
    table.add_column("总分", justify="right", style="bold")
    if orgs:
        table.add_column("指数", justify="right")
    table.add_column("星级")
    table.add_column("等次/预警")
    table.add_column("排名", justify="right")
    table.add_column("备注")
    colour = {"red": "red", "yellow": "yellow"}
    for result in results:
        scores = {c.code: fmt(c.score) for c in result.categories}
        row = [escape(result.subject + (f" {result.name}" if result.name else ""))]
        row += [scores.get(code, "") for code in codes]
        row += [fmt(result.rounds[key]) if key in result.rounds else "" for key in rounds]
        if orgs:
            row += [fmt(result.self_total or Decimal(0)), fmt(result.committee_total or Decimal(0))]
        row.append(fmt(result.total))
        if orgs:
            row.append("" if result.index is None else fmt(result.index))
        row.append(_stars(result))
        bands = "；".join(
            f"[{colour[b.level]}]{escape(b.label)}[/]" if b.level in colour else escape(b.label)
            for b in result.bands
        )
        row.append(bands)
        row.append("" if result.rank is None else str(result.rank))
        notes = []
        if result.vetoed:
            notes.append("[red]负面清单，积分为零[/]")
        if result.incomplete:
            notes.append("未完成")
        row.append("；".join(notes))
        table.add_row(*row)
    return table


def safe_cell(value: object) -> object:
    """Text that a spreadsheet would run as a formula (= + - @ at the start) gets a leading
    apostrophe ``'`` so it is shown as text, never evaluated."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def write_xlsx(sheet: Scoresheet, rulebook: Rulebook, path: Path) -> None:
    """A “结果” sheet per rulebook (one row per subject, scores as numbers) and a “说明” sheet
    with every line of explanation. Text is made formula-safe by :func:`safe_cell`."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for book, results in grouped(sheet, rulebook):
        name = "结果" if book.id == rulebook.id else f"结果-{book.id}"[:31]
        results_sheet(workbook.create_sheet(name), book, results, sheet.year)
    explain = workbook.create_sheet("说明")
    explain.append(["对象", "类别", "项目", "来源", "期间", "说明", "依据的记录", "规则"])
    for r in sheet.results:
        for line in r.lines:
            explain.append(_explained(r.subject, "", "", "", line))
        for c in r.categories:
            for line in c.lines:
                explain.append(_explained(r.subject, c.title, "", "", line))
            for item in c.items:
                for line in item.lines:
                    explain.append(_explained(r.subject, c.title, item.title, item.source, line))
    workbook.save(path)


def _explained(subject: str, category: str, item: str, source: str, line: Line) -> list[object]:
    cells = (
        subject,
        category,
        item,
        source,
        line.period,
        line.text,
        " ".join(line.facts),
        line.rule,
    )
    return [safe_cell(v) for v in cells]


def results_sheet(ws: Any, rulebook: Rulebook, results: list[SubjectResult], year: int) -> None:
    codes = [c.code for c in rulebook.categories]
    orgs = rulebook.kind == "organization"
    rounds = list(results[0].rounds) if orgs and results else []
    header = ["对象", "名称", *[c.title for c in rulebook.categories]]
    header += [period_label(k, Calendar(year)) for k in rounds]
    if orgs:
        header += ["自评", "考评"]
    header += ["总分"] + (["指数"] if orgs else [])
    header += ["星级", "并列待定", "等次", "预警", "排名", "负面清单", "未完成", "规则"]
    ws.append([safe_cell(h) for h in header])
    for r in results:
        scores = {c.code: c.score for c in r.categories}
        row: list[object] = [r.subject, r.name, *[scores.get(code) for code in codes]]
        row += [r.rounds.get(k) for k in rounds]
        if orgs:
            row += [r.self_total, r.committee_total]
        row.append(r.total)
        if orgs:
            row.append(r.index)
        row += [
            r.stars,
            "是" if r.tied else "",
            "；".join(b.label for b in r.bands),
            "；".join(r.warnings),
            r.rank,
            "是" if r.vetoed else "",
            "是" if r.incomplete else "",
            r.rulebook,
        ]
        ws.append([safe_cell(_number(v)) for v in row])


def _number(value: object) -> object:
    # Scores go into cells as numbers with two places, so a spreadsheet can sum them.
    if isinstance(value, Decimal):
        return round2(value)
    return value
