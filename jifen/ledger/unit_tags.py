"""The tags of stored branch summaries (:class:`~jifen.ledger.models.StoredUnit`), read in a
few queries whatever the size of the committee: what a summary was computed from, cheap enough
to compare on every read of a committee page.

A branch's figures depend on its people's facts and records — and, through stars with quotas,
on the whole branch (the quota's group) of anyone who moved in or out during the year. So the
organizations in the adoption's scope are gathered into *cells* (each branch with everything
below it; an organization above every branch on its own), cells that share a person who moved
are joined, and a branch's tag covers every cell joined with its own: for each, the number of
memberships in the year and the sums of their people's ``ScoreHead.n`` (their facts of the year)
and ``PersonHead.v`` (their person row, memberships, exemptions). The sums are computed by the
database, grouped by organization (one row per organization, not per member).

Every fact appended or corrected raises ``n``; every other change raises ``v`` to a value higher
than any summed before (``jifen.ledger.touch``), so every change raises a sum — and a person who
left, lowering a sum, is counted in ``rows`` too. A tag also names the adoption (pinning the
rulebook), the nested adoptions that cut the scope, the cut-off, whether stars and bands were
run, and ``VERSION``, raised whenever what a summary holds or how it is computed changes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count

from jifen.ledger.models import PersonHead, ScoreHead
from jifen.ledger.scores import _within
from jifen.orgs.models import Membership, Organization
from jifen.orgs.selectors import memberships_overlapping
from jifen.rulebooks.models import Adoption

# Raise when a StoredUnit's data or its computation changes: every stored summary is then
# recomputed on its next read.
VERSION = "3"

Sums = tuple[int, int, int]  # memberships in the year, sum of ScoreHead.n, sum of PersonHead.v


def _org_sums(root: Organization, year: int) -> dict[int, Sums]:
    """Per organization under ``root``: its memberships overlapping ``year`` and the sums of
    their people's heads. One grouped query."""
    q = connection.ops.quote_name
    membership, person_head, score_head = (
        Membership._meta.db_table,
        PersonHead._meta.db_table,
        ScoreHead._meta.db_table,
    )
    org = Organization._meta.db_table
    # Table names from the models, quoted; every value is a parameter.
    sql = (
        f"SELECT m.organization_id, COUNT(*), COALESCE(SUM(h.n), 0), COALESCE(SUM(p.v), 0) "  # noqa: S608
        f"FROM {q(membership)} m JOIN {q(org)} o ON o.id = m.organization_id "
        f"LEFT JOIN {q(score_head)} h ON h.person_id = m.person_id AND h.year = %s "
        f"LEFT JOIN {q(person_head)} p ON p.person_id = m.person_id "
        f"WHERE SUBSTR(o.path, 1, %s) = %s AND m.start <= %s "
        f"AND (m.{q('end')} IS NULL OR m.{q('end')} > %s) "
        f"GROUP BY m.organization_id"
    )
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    with connection.cursor() as cursor:
        cursor.execute(sql, [year, len(root.path), root.path, last, first])
        return {int(o): (int(r), int(n), int(v)) for o, r, n, v in cursor.fetchall()}


def _movers(root: Organization, year: int, in_scope: set[int]) -> list[set[int]]:
    """The organizations of each person who belonged to more than one in ``year`` (few)."""
    spans = memberships_overlapping(
        first=dt.date(year, 1, 1), last=dt.date(year, 12, 31), organization=root, subtree=True
    )
    moved = (
        spans.values("person_id")
        .order_by()
        .annotate(n=Count("organization_id", distinct=True))
        .filter(n__gt=1)
    )
    orgs: dict[int, set[int]] = {}
    rows = spans.filter(person_id__in=moved.values("person_id")).values_list(
        "person_id", "organization_id"
    )
    for person_id, org_id in rows:
        if org_id in in_scope:
            orgs.setdefault(person_id, set()).add(org_id)
    return [found for found in orgs.values() if len(found) > 1]


def _ids(path: str) -> list[int]:
    """The pks on a path ("/1/5/9/"), from the top."""
    return [int(part) for part in path.strip("/").split("/") if part]


@dataclass(frozen=True)
class Cells:
    """The scope's organizations gathered into cells and the cells joined by movers."""

    cell_of: Mapping[int, int]  # organization pk → its cell (a unit's pk, or its own)
    sums: Mapping[int, Sums]  # cell → its sums
    joined: Mapping[int, frozenset[int]]  # cell → every cell joined with it (itself included)

    def orgs_of(self, cells: Iterable[int]) -> list[int]:
        wanted = set(cells)
        return sorted(org for org, cell in self.cell_of.items() if cell in wanted)


def cells_of(adoption: Adoption, units: Sequence[Organization], year: int) -> Cells:
    """The cells of ``adoption``'s scope for ``year`` and their sums, read now."""
    root = adoption.organization
    scoped = dict(Organization.objects.filter(_within(adoption)).values_list("pk", "path"))
    unit_of = {u.pk: u.pk for u in units}
    # Each organization's nearest unit on its path (itself or above), else its own cell.
    cell_of = {
        pk: next(
            (unit_of[a] for a in reversed([*_ids(path)]) if a in unit_of),
            pk,
        )
        for pk, path in scoped.items()
    }
    sums: dict[int, list[int]] = {}
    for org, found in _org_sums(root, year).items():
        if org in cell_of:
            total = sums.setdefault(cell_of[org], [0, 0, 0])
            for i, value in enumerate(found):
                total[i] += value
    parent = {cell: cell for cell in set(cell_of.values())}

    def find(cell: int) -> int:
        while parent[cell] != cell:
            parent[cell] = parent[parent[cell]]
            cell = parent[cell]
        return cell

    for orgs in _movers(root, year, set(scoped)):
        first, *others = sorted({cell_of[org] for org in orgs})
        for other in others:
            parent[find(other)] = find(first)
    groups: dict[int, set[int]] = {}
    for cell in parent:
        groups.setdefault(find(cell), set()).add(cell)
    joined = {cell: frozenset(groups[find(cell)]) for cell in parent}
    return Cells(cell_of, {c: (s[0], s[1], s[2]) for c, s in sums.items()}, joined)


def unit_tag(
    cells: Cells, adoption: Adoption, nested: str, unit: int, *, reached: int, rated: bool
) -> str:
    """The tag a summary of ``unit`` must carry to be used now."""
    covered = sorted((cell, cells.sums.get(cell, (0, 0, 0))) for cell in cells.joined[unit])
    told = repr((VERSION, adoption.pk, nested, reached, rated, covered))
    return hashlib.sha256(told.encode()).hexdigest()
