"""The public list (公示) as a page shows it: each cell knows its column, so a phone can show a
card a member (name and total first, each score under its column's title), and a branch's own
notice says 所在支部 once above the list instead of on every row."""

from __future__ import annotations

from dataclasses import dataclass

# notice_rows' first three columns are the list's own (序号, 姓名, 所在支部), its last the total.
INDEX, NAME, BRANCH = 0, 1, 2


@dataclass(frozen=True)
class Cell:
    text: str
    title: str  # its column's title
    own: bool  # the list's own title (translated on the page), not the rulebook's
    kind: str  # index, name, branch, score or total


@dataclass(frozen=True)
class Shown:
    headers: list[tuple[str, bool]]  # title, the list's own
    rows: list[list[Cell]]
    branch: str  # the one branch every member is in, said once; "" when there are several


def _kind(column: int, last: int) -> str:
    return {INDEX: "index", NAME: "name", BRANCH: "branch", last: "total"}.get(column, "score")


def notice_shown(headers: list[str], rows: list[list[str]], *, branch_once: bool) -> Shown:
    """With ``branch_once``, a list whose members are all in one branch drops the column and
    names the branch once (the printed form keeps the paper's columns)."""
    branches = {row[BRANCH] for row in rows}
    one = branch_once and len(branches) == 1
    keep = [i for i in range(len(headers)) if not (one and i == BRANCH)]
    last = len(headers) - 1
    return Shown(
        headers=[(headers[i], i <= BRANCH or i == last) for i in keep],
        rows=[
            [Cell(row[i], headers[i], i <= BRANCH or i == last, _kind(i, last)) for i in keep]
            for row in rows
        ],
        branch=next(iter(branches)) if one else "",
    )
