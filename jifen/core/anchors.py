"""Anchors: signed checkpoints of every hash chain's head, written to files outside the database.

An anchor records ``{name: (seq, head)}`` for every chain gathered from the registered sources
(the ledger's organizations are one source; the audit log is another) and, for every append-only
table that is not itself a chain, its row count and a running digest of its rows up to its
highest id. It is signed with the Ed25519 key of :mod:`jifen.core.anchor_keys` and written as
one file in ``JIFEN_ANCHOR_DIR``, named so that names sort by time. Someone who can rewrite the
database can recompute a chain, but not the anchors already written: ``jifen verify`` checks the
chains and tables against every valid anchor (:mod:`jifen.core.anchor_check`).

Registering another chain is one call, in its app's ``AppConfig.ready``::

    anchors.chain_register("audit", heads=lambda: {"audit": audit_head()},
                           label=lambda key: "审计日志")

where ``heads`` returns ``{key: (seq, head hash)}`` and an optional ``hashes_at(key, seqs)``
returns ``{seq: hash}`` for earlier positions, so a chain that grew since an anchor is checked
for a rewrite before the anchored point too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from jifen.core import anchor_keys, appendonly, clock
from jifen.core.anchor_tables import TableMark, table_mark

logger = logging.getLogger(__name__)

# What an anchor's signature covers begins with this, so no other signed text (a ledger head)
# can be passed off as an anchor.
DOMAIN = b"jifen-anchor\n"
PREFIX = "anchor-"

Heads = dict[str, tuple[int, str]]


@dataclass(frozen=True)
class ChainSource:
    """Where the anchors learn the heads of a family of chains named ``name:key``."""

    name: str
    heads: Callable[[], Heads]
    label: Callable[[str], str]
    hashes_at: Callable[[str, set[int]], dict[int, str]] | None = None


SOURCES: dict[str, ChainSource] = {}
# Append-only tables that are chains themselves (anchored through their source) or too large to
# digest on every anchor: the ledger's entries and the audit log.
UNDIGESTED: set[str] = {"ledger_entry", "audit_auditevent"}


def chain_register(
    name: str,
    *,
    heads: Callable[[], Heads],
    label: Callable[[str], str] | None = None,
    hashes_at: Callable[[str, set[int]], dict[int, str]] | None = None,
) -> None:
    """Anchor the chains ``heads()`` names, as ``name:key``. Idempotent: ``ready`` may run twice."""
    SOURCES[name] = ChainSource(
        name=name, heads=heads, label=label or (lambda key: key), hashes_at=hashes_at
    )


def anchored_tables() -> list[str]:
    return [table for table in appendonly.APPEND_ONLY_TABLES if table not in UNDIGESTED]


@dataclass(frozen=True)
class Anchor:
    """One anchor file as read back: its name, the digest of its signed body, its contents."""

    name: str
    digest: str
    at: str
    reason: str
    key: str
    chains: Heads
    tables: dict[str, TableMark] = field(default_factory=dict)


def chains_now() -> Heads:
    found: Heads = {}
    for source in SOURCES.values():
        for key, (seq, head) in source.heads().items():
            found[f"{source.name}:{key}"] = (int(seq), head)
    return found


def anchor_dir() -> Path:
    return Path(settings.JIFEN_ANCHOR_DIR)


def anchor_write(reason: str) -> Anchor:
    """Sign the heads of every chain and the digests of the append-only tables as they stand
    now and write them as a new file in ``JIFEN_ANCHOR_DIR``."""
    chains = chains_now()
    # Tables after chains: a signature's row is anchored only with the head it signed (or later).
    marks = {table: table_mark(table) for table in anchored_tables()}
    moment = clock.now().astimezone(dt.UTC)
    body_fields = {
        "v": 1,
        "at": moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "reason": reason[:200],
        "key": anchor_keys.public_text(anchor_keys.private_key().public_key()),
        "chains": {name: [seq, head] for name, (seq, head) in sorted(chains.items())},
        "tables": {
            table: [m.count, m.top, m.digest, [list(g) for g in m.gaps]]
            for table, m in sorted(marks.items())
        },
    }
    body = json.dumps(body_fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(body.encode()).hexdigest()
    signature = anchor_keys.sign(DOMAIN + body.encode())
    name = f"{PREFIX}{moment.strftime('%Y%m%dT%H%M%S%fZ')}-{digest[:12]}.json"
    folder = anchor_dir()
    folder.mkdir(parents=True, exist_ok=True)
    staging = folder / f".{name}.{os.getpid()}.new"
    staging.write_text(
        json.dumps({"body": body, "signature": signature.hex()}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    os.replace(staging, folder / name)  # whole or absent: a reader never sees half an anchor
    return anchor_parse(name, body, digest)


def anchor_parse(name: str, body: str, digest: str) -> Anchor:
    fields = json.loads(body)
    return Anchor(
        name=name,
        digest=digest,
        at=fields["at"],
        reason=fields.get("reason", ""),
        key=fields["key"],
        chains={n: (int(s), str(h)) for n, (s, h) in fields["chains"].items()},
        tables={
            table: TableMark(int(c), int(m), str(d), tuple((int(a), int(b)) for a, b in gaps))
            for table, (c, m, d, gaps) in fields.get("tables", {}).items()
        },
    )


def anchor_after_commit(reason: str) -> None:
    """Write an anchor once the caller's transaction commits (a signature, a notice): an anchor
    written before the commit could record a head that a rollback then undoes. A failure to
    write is logged, never turned into an error for a change already committed."""

    def write() -> None:
        try:
            anchor_write(reason)
        except Exception:
            logger.exception("锚点没有写成：%s", reason)

    transaction.on_commit(write)


def anchor_files() -> list[Path]:
    folder = anchor_dir()
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.name.startswith(PREFIX) and p.suffix == ".json")


def anchor_for(chain: str, since: dt.datetime) -> Anchor | None:
    """The first valid anchor written at or after ``since`` that holds ``chain``: the one to
    print on a signed sheet or a notice, so the paper holds the head an anchor signed."""
    mark = f"{PREFIX}{since.astimezone(dt.UTC).strftime('%Y%m%dT%H%M%S%fZ')}"
    try:
        key = anchor_keys.public_key()
    except anchor_keys.AnchorKeyError:
        return None
    for path in anchor_files():
        if path.name < mark:
            continue
        anchor = anchor_read(path, key)
        if isinstance(anchor, Anchor) and chain in anchor.chains:
            return anchor
    return None


def anchor_read(path: Path, key: Any) -> Anchor | str:
    """The anchor in ``path`` if ``key`` signed it, else why not (in Chinese)."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        body, signature = document["body"], bytes.fromhex(document["signature"])
        fields = json.loads(body)
    except (OSError, ValueError, KeyError, TypeError) as error:
        return f"锚点 {path.name} 无法读取（{type(error).__name__}）：文件损坏或被改动"
    if fields.get("key") != anchor_keys.public_text(key):
        return f"锚点 {path.name} 不是用本系统的密钥签的（另一把密钥）：伪造的锚点或配置的公钥不对"
    if not anchor_keys.signed_by(key, signature, DOMAIN + body.encode()):
        return f"锚点 {path.name} 的签名不对：文件在签名之后被改动过"
    return anchor_parse(path.name, body, hashlib.sha256(body.encode()).hexdigest())
