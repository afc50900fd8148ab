"""Recomputing the audit chain: the first event altered, removed or inserted."""

from __future__ import annotations

from dataclasses import dataclass

from jifen.audit.chain import event_hash
from jifen.audit.models import GENESIS, AuditEvent, AuditHead


@dataclass(frozen=True)
class AuditBreak:
    seq: int
    kind: str  # altered | removed | inserted
    message: str

    def __str__(self) -> str:
        return f"[审计日志] {self.message}"


def _walk() -> tuple[AuditBreak | None, int, str]:
    """The first break among the events, or None; and the last number and hash reached."""
    expected_seq, prev = 1, GENESIS
    events = AuditEvent.objects.order_by("seq", "id")
    for event in events.iterator(chunk_size=2000):
        seq = event.seq
        if seq < expected_seq:
            return AuditBreak(seq, "inserted", f"第 {seq} 条审计记录重复出现：有记录被插入"), 0, ""
        if seq > expected_seq:
            message = f"第 {expected_seq} 条审计记录不见了：有记录被删除"
            return AuditBreak(expected_seq, "removed", message), 0, ""
        if event.prev_hash != prev:
            message = f"第 {seq} 条审计记录与前一条接不上：有记录被插入或替换"
            return AuditBreak(seq, "inserted", message), 0, ""
        if event_hash(event, prev) != event.hash:
            when = f"{event.at:%Y-%m-%d %H:%M}"
            message = f"第 {seq} 条审计记录的内容被改动过（{when} {event.action}）"
            return AuditBreak(seq, "altered", message), 0, ""
        prev = event.hash
        expected_seq += 1
    return None, expected_seq - 1, prev


def _head_break(head: AuditHead | None, last: int, prev: str) -> AuditBreak | None:
    """Where the head and the last event disagree: rows cut off the end, or added after it."""
    if head is None:
        if not last:
            return None
        return AuditBreak(last, "inserted", "审计日志的链头不见了：链头被删除或记录另外写入")
    if head.seq == last and head.head == prev:
        return None
    if head.seq > last:
        message = (
            f"第 {last + 1} 条至第 {head.seq} 条审计记录被删除"
            if last
            else f"审计记录全部不见了：链头记着 {head.seq} 条"
        )
        return AuditBreak(last + 1, "removed", message)
    if head.seq < last:
        message = f"第 {head.seq} 条之后多出了未经登记的审计记录"
        return AuditBreak(head.seq + 1, "inserted", message)
    return AuditBreak(last, "altered", f"第 {last} 条审计记录与链头不符：记录被改写过")


def audit_verify() -> list[AuditBreak]:
    """Every break found in the audit chain (the first one along it, or the head's disagreement
    with the last event): empty when every event is as recorded."""
    problem, last, prev = _walk()
    if problem is None:
        problem = _head_break(AuditHead.objects.filter(id=1).first(), last, prev)
    return [problem] if problem is not None else []
