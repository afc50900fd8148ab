"""Everything ``jifen verify`` checks, in one list of problems said in Chinese.

The hash chains recomputed (``verify.ledger_verify``), the chain heads' signatures
(``heads.heads_check``), the database against every anchor (``jifen.core.anchor_check``:
chains rolled back, rewritten or deleted, append-only tables changed, anchors forged), and the
append-only triggers present and enabled (``jifen.core.appendonly.missing_triggers``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection

from jifen.core.anchor_check import anchors_check
from jifen.core.anchors import Anchor
from jifen.core.appendonly import missing_triggers
from jifen.ledger.heads import heads_check
from jifen.ledger.verify import ledger_verify
from jifen.orgs.models import Organization


@dataclass
class Integrity:
    problems: list[str] = field(default_factory=list)
    latest: Anchor | None = None


def triggers_problems() -> list[str]:
    return [
        f"只追加的触发器 {name} 不在或被停用：这张表的记录可以被悄悄改写或删除"
        "（数据库被恢复时没带触发器，或有人拿掉了它）"
        for name in missing_triggers(connection)
    ]


def integrity_check(organizations: list[Organization] | None = None) -> Integrity:
    """Every problem found, chains first; ``organizations`` narrows only the chain recompute
    and head signatures — anchors and triggers are checked for the whole database."""
    found = Integrity()
    found.problems += [str(problem) for problem in ledger_verify(organizations)]
    found.problems += [str(problem) for problem in heads_check(organizations)]
    anchor_problems, found.latest = anchors_check()
    found.problems += [str(problem) for problem in anchor_problems]
    found.problems += triggers_problems()
    return found
