"""Checking the database against every valid anchor (``jifen verify``).

Chains only grow, so each (seq, head) an anchor signed must still be in its chain: a chain now
shorter than anchored lost entries or had its head rolled back; a different hash at an anchored
position was rewritten; a chain anchored but now absent was truncated or deleted. Tables only
grow too: the rows up to an anchored id must still count and digest as anchored. Every anchor is
checked, not only the latest, so a rollback that a later anchor recorded is still caught by the
earlier one. An anchor whose signature fails, or that another key signed, is named as well.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

from jifen.core import anchor_keys
from jifen.core.anchor_tables import TableMark, marks_now
from jifen.core.anchors import SOURCES, Anchor, anchor_files, anchor_read, chains_now


@dataclass(frozen=True)
class Problem:
    kind: str  # key | anchor | removed | rewritten | deleted | table
    message: str

    def __str__(self) -> str:
        return self.message


def anchors_valid() -> tuple[list[Anchor], list[Problem]]:
    """Every anchor the configured public key signed, oldest first, and a problem per other file."""
    try:
        key = anchor_keys.public_key()
    except anchor_keys.AnchorKeyError as error:
        return [], [Problem("key", str(error))]
    valid: list[Anchor] = []
    problems: list[Problem] = []
    for path in anchor_files():
        read = anchor_read(path, key)
        if isinstance(read, Anchor):
            valid.append(read)
        else:
            problems.append(Problem("anchor", read))
    return valid, problems


def _label(name: str) -> str:
    source_name, _sep, key = name.partition(":")
    source = SOURCES.get(source_name)
    return source.label(key) if source is not None else name


def _length_problem(
    label: str, anchored: dict[tuple[int, str], str], now: tuple[int, str] | None
) -> Problem | None:
    """The chain is gone, or shorter than an anchor saw it."""
    (top_seq, _top_head), top_anchor = max(anchored.items(), key=lambda item: item[0][0])
    if now is None and top_seq > 0:
        return Problem(
            "deleted",
            f"{label}：锚点 {top_anchor} 记录了 {top_seq} 条，"
            "现在整条链不见了（记录和链头被清空或删除）",
        )
    if now is not None and top_seq > now[0]:
        return Problem(
            "removed",
            f"{label}：锚点 {top_anchor} 记录到第 {top_seq} 条，现在只有 {now[0]} 条"
            "（记录被删除或链头被回滚）",
        )
    return None


def _rewrite_problem(
    name: str, label: str, anchored: dict[tuple[int, str], str], now: tuple[int, str]
) -> Problem | None:
    """A position an anchor signed holds another hash now."""
    seq, head = now
    earlier: list[tuple[int, str, str]] = []
    for (at_seq, at_head), anchor in sorted(anchored.items()):
        if at_seq == seq and at_head != head:
            return Problem(
                "rewritten", f"{label}：第 {seq} 条的链头与锚点 {anchor} 签的不同（台账被改写）"
            )
        if 0 < at_seq < seq:
            earlier.append((at_seq, at_head, anchor))
    source_name, _sep, key = name.partition(":")
    source = SOURCES.get(source_name)
    if not earlier or source is None or source.hashes_at is None:
        return None
    found = source.hashes_at(key, {at_seq for at_seq, _h, _a in earlier})
    for at_seq, at_head, anchor in earlier:
        if found.get(at_seq) != at_head:
            return Problem(
                "rewritten",
                f"{label}：第 {at_seq} 条与锚点 {anchor} 签的不同（之前的记录被改写或删除）",
            )
    return None


def _chain_problem(
    name: str, anchored: dict[tuple[int, str], str], now: tuple[int, str] | None
) -> Problem | None:
    """The first way ``name``'s chain departs from what the anchors signed (each (seq, head)
    with the last anchor that holds it), or None."""
    label = _label(name)
    problem = _length_problem(label, anchored, now)
    if problem is None and now is not None:
        problem = _rewrite_problem(name, label, anchored, now)
    return problem


def chains_check(anchors: list[Anchor]) -> list[Problem]:
    anchored: dict[str, dict[tuple[int, str], str]] = {}
    for anchor in anchors:
        for name, pair in anchor.chains.items():
            if name.partition(":")[0] in SOURCES:  # a source no longer registered is not judged
                anchored.setdefault(name, {})[pair] = anchor.name
    now = chains_now()
    found = (_chain_problem(name, pairs, now.get(name)) for name, pairs in sorted(anchored.items()))
    return [problem for problem in found if problem is not None]


def tables_check(anchors: list[Anchor]) -> list[Problem]:
    anchored: dict[str, dict[TableMark, str]] = {}
    for anchor in anchors:
        for table, mark in anchor.tables.items():
            anchored.setdefault(table, {})[mark] = anchor.name
    existing = set(connection.introspection.table_names())
    problems = []
    for table, marks in sorted(anchored.items()):
        if table not in existing:
            problems.append(Problem("table", f"表 {table} 不见了（锚点中有它）"))
            continue
        now = marks_now(table, marks)
        for mark, anchor_name in sorted(marks.items(), key=lambda item: item[0].top):
            count, digest = now[mark]
            if count < mark.count:
                problems.append(
                    Problem(
                        "table",
                        f"表 {table}：锚点 {anchor_name} 时编号不超过 {mark.top} 的有"
                        f" {mark.count} 行，现在只有 {count} 行（记录被删除）",
                    )
                )
                break
            if (count, digest) != (mark.count, mark.digest):
                problems.append(
                    Problem(
                        "table",
                        f"表 {table}：编号不超过 {mark.top} 的记录与锚点 {anchor_name} 签的不同"
                        "（记录被改动、替换或插入）",
                    )
                )
                break
    return problems


def anchors_check() -> tuple[list[Problem], Anchor | None]:
    """Every problem the anchors reveal, and the latest valid anchor (None: there is none yet)."""
    anchors, problems = anchors_valid()
    if anchors:
        problems += chains_check(anchors)
        problems += tables_check(anchors)
    return problems, (anchors[-1] if anchors else None)
