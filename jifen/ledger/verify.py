"""Recomputing the chains: per organization, the first entry altered, removed or inserted."""

from __future__ import annotations

from dataclasses import dataclass

from jifen.ledger.chain import entry_hash
from jifen.ledger.models import GENESIS, Entry, LedgerHead
from jifen.orgs.models import Organization


@dataclass(frozen=True)
class Break:
    organization: str
    seq: int
    kind: str  # altered | removed | inserted
    message: str

    def __str__(self) -> str:
        return f"[{self.organization}] {self.message}"


def chain_verify(organization: Organization) -> Break | None:  # noqa: PLR0911 (one return per kind of break)
    """The first break in ``organization``'s chain, or None when every entry is as recorded."""
    code = organization.code
    expected_seq = 1
    prev = GENESIS
    entries = Entry.objects.filter(organization=organization).order_by("seq", "id")
    for entry in entries.iterator(chunk_size=2000):
        if entry.seq < expected_seq:
            return Break(code, entry.seq, "inserted", f"第 {entry.seq} 条重复出现：有记录被插入")
        if entry.seq > expected_seq:
            return Break(code, expected_seq, "removed", f"第 {expected_seq} 条不见了：有记录被删除")
        if entry.prev_hash != prev:
            return Break(
                code, entry.seq, "inserted", f"第 {entry.seq} 条与前一条接不上：有记录被插入或替换"
            )
        if entry_hash(entry, prev) != entry.hash:
            return Break(code, entry.seq, "altered", f"第 {entry.seq} 条的内容被改动过")
        prev = entry.hash
        expected_seq += 1
    head = LedgerHead.objects.filter(organization=organization).first()
    last = expected_seq - 1
    if head is not None and (head.seq != last or head.head != prev):
        if head.seq > last:
            return Break(
                code, last + 1, "removed", f"第 {last + 1} 至 {head.seq} 条不见了：链尾的记录被删除"
            )
        return Break(
            code, last, "inserted", f"第 {head.seq} 条之后多出了 {last - head.seq} 条未经登记的记录"
        )
    return None


def ledger_verify(organizations: list[Organization] | None = None) -> list[Break]:
    """Every break, one per organization chain, over all chains (or the given ones)."""
    if organizations is None:
        ids = set(LedgerHead.objects.values_list("organization_id", flat=True))
        ids |= set(Entry.objects.values_list("organization_id", flat=True).distinct())
        organizations = list(Organization.objects.filter(pk__in=ids).order_by("path"))
    found = (chain_verify(organization) for organization in organizations)
    return [problem for problem in found if problem is not None]
