"""Signed chain heads, and the ledger as a source of anchored chains.

The head row is where an attacker who can write to the database would finish a forgery: append
an entry with a correct hash, or delete the last ones, and move the head to match. So every
append signs the new head with the anchor key (jifen.core.anchor_keys), kept outside the
database, and ``jifen verify`` checks that signature with the public key from the settings.
What a signature cannot stop is putting back an older head row *with* its older signature
(a rollback): the anchors written on every signature, notice and day catch that once an anchor
has seen the later head (docs/decisions.md, "锚点").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from jifen.core import anchor_keys, anchors
from jifen.core.anchors import Anchor
from jifen.ledger.models import Entry, LedgerHead
from jifen.ledger.verify import Break
from jifen.orgs.models import Organization

SOURCE = "ledger"


def head_message(organization_id: int, seq: int, head: str) -> bytes:
    return f"jifen-ledger-head\n{organization_id}\n{seq}\n{head}".encode()


def head_sign(organization_id: int, seq: int, head: str) -> str:
    """The signature to store beside ``(seq, head)`` of ``organization_id``'s chain (hex)."""
    return anchor_keys.sign(head_message(organization_id, seq, head)).hex()


def heads_check(organizations: list[Organization] | None = None) -> list[Break]:
    """A break per chain head (of the given organizations, or all) whose signature is missing or
    is not the anchor key's signature of that head. An empty chain (seq 0) needs none."""
    try:
        key = anchor_keys.public_key()
    except anchor_keys.AnchorKeyError as error:
        return [Break("—", 0, "key", str(error))]
    heads = LedgerHead.objects.filter(seq__gt=0).select_related("organization")
    if organizations is not None:
        heads = heads.filter(organization__in=organizations)
    found = []
    for head in heads.order_by("organization__path"):
        code = head.organization.code
        try:
            signature = bytes.fromhex(head.signature)
        except ValueError:
            signature = b""
        if not head.signature:
            found.append(
                Break(code, head.seq, "head", "链头没有签名：链头被改动过，或升级后尚未签名")
            )
        elif not anchor_keys.signed_by(key, signature, head_message(head.pk, head.seq, head.head)):
            found.append(
                Break(
                    code,
                    head.seq,
                    "head",
                    f"链头（第 {head.seq} 条）的签名不对：链头被改动过"
                    "（接上伪造的记录、或删去记录后移回了链头）",
                ),
            )
    return found


def heads_sign_unsigned() -> int:
    """Sign the heads that have no signature yet, once, on upgrading to signed heads: only heads
    whose chain verifies (the caller checked), so nothing broken gets a signature."""
    count = 0
    for head in LedgerHead.objects.filter(seq__gt=0, signature=""):
        signature = head_sign(head.pk, head.seq, head.head)
        LedgerHead.objects.filter(pk=head.pk, seq=head.seq, head=head.head).update(
            signature=signature
        )
        count += 1
    return count


def _anchored_heads() -> anchors.Heads:
    return {
        str(pk): (seq, head)
        for pk, seq, head in LedgerHead.objects.values_list("pk", "seq", "head")
    }


def _hashes_at(key: str, seqs: set[int]) -> dict[int, str]:
    wanted, found = sorted(seqs), dict[int, str]()
    for start in range(0, len(wanted), 500):  # SQLite's limit on parameters
        rows = Entry.objects.filter(organization_id=int(key), seq__in=wanted[start : start + 500])
        found.update(rows.values_list("seq", "hash"))
    return found


def _label(key: str) -> str:
    found = Organization.objects.filter(pk=int(key)).values_list("code", "name").first()
    return f"[{found[0]}] {found[1]}的台账" if found else f"组织 #{key} 的台账（组织已不存在）"


def ledger_anchors_register() -> None:
    """Anchor every organization's chain as ``ledger:<organization id>`` (LedgerConfig.ready)."""
    anchors.chain_register(SOURCE, heads=_anchored_heads, label=_label, hashes_at=_hashes_at)


@dataclass(frozen=True)
class HeadOnPaper:
    """What a signed sheet or a notice prints so that paper holds the chain head too: the head
    the secretary signed and the first anchor written after it (None: none yet)."""

    seq: int
    head: str  # the first 16 hex digits: enough to compare by eye with `jifen verify`'s output
    anchor: Anchor | None
    anchor_seq: int
    anchor_head: str


def head_on_paper(*, organization_id: int, seq: int, head: str, since: dt.datetime) -> HeadOnPaper:
    anchor = anchors.anchor_for(f"{SOURCE}:{organization_id}", since)
    at_seq, at_head = anchor.chains[f"{SOURCE}:{organization_id}"] if anchor else (0, "")
    return HeadOnPaper(seq, head[:16], anchor, at_seq, at_head[:16])
