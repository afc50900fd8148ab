"""Whose row is it, in 学习强国's own export: by 学习强国号 when Jifen knows it, else by name
and phone; and remembering the 学习强国号 of whoever was matched by name and phone.

学习强国 knows its users by their 学习强国号 (user ID), phone and real name, not by ID-card
number, so Jifen's namesake rule (身份证号) cannot apply. The first export matches a row by its
name, narrowed by the phone number when two members share the name or when the roster has a
number to compare (exports often mask the middle digits: 138****5678 matches on the visible
ones). Applying the file then records each matched member's 学习强国号 (XuexiAccount): later
exports find them by it first.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db.models import Q

from jifen.audit.services import audit_record
from jifen.orgs.models import Organization, Person
from jifen.recording.models import XuexiAccount

CHUNK = 5000


def _digits(phone: str) -> str:
    """Digits, and "*" for each masked one; "+86" and separators dropped."""
    kept = "".join(ch if ch.isdigit() else "*" for ch in phone if ch.isdigit() or ch in "*＊")
    return kept[2:] if len(kept) == 13 and kept.startswith("86") else kept


def same_phone(written: str, known: str) -> bool:
    written, known = _digits(written), _digits(known)
    if len(written) != len(known) or not written:
        return False
    return all(a in ("*", b) for a, b in zip(written, known, strict=True))


def by_name_and_phone(candidates: list[Person], name: str, phone: str, where: str) -> Person | str:
    """The one member a row means, or why it cannot be told."""
    if not candidates:
        return f"{where} 没有名叫 {name} 的党员"
    if phone:
        matching = [p for p in candidates if not p.phone or same_phone(phone, p.phone)]
        if not matching:
            return f"{where} 名叫 {name} 的党员手机号与表中的 {phone} 不符，请核对"
        with_phone = [p for p in matching if p.phone]
        candidates = with_phone if len(with_phone) == 1 else matching
    if len(candidates) > 1:
        return (
            f"有 {len(candidates)} 名党员叫 {name}，手机号也不能区分。"
            "请在花名册中补上他们的手机号，或改用本系统的模板并填写身份证号"
        )
    return candidates[0]


def known_accounts(ids: Iterable[str]) -> dict[str, int]:
    """学习强国号 → person id, for the ones Jifen knows."""
    wanted = sorted({xid for xid in ids if xid})
    known: dict[str, int] = {}
    for at in range(0, len(wanted), CHUNK):  # up to 20,000 rows: below SQLite's parameter limit
        rows = XuexiAccount.objects.filter(xuexi_id__in=wanted[at : at + CHUNK])
        known.update(rows.values_list("xuexi_id", "person_id"))
    return known


def accounts_learn(
    *, learned: dict[int, str], organization: Organization, filename: str, actor: User
) -> int:
    """Record (or change) the 学习强国号 of the members an export matched by name and phone;
    how many were new or changed. Audited as one event listing them."""
    if not learned:
        return 0
    people = sorted(learned)
    standing: dict[int, str] = {}
    for at in range(0, len(people), CHUNK):
        rows = XuexiAccount.objects.filter(person_id__in=people[at : at + CHUNK])
        standing.update(rows.values_list("person_id", "xuexi_id"))
    changes = {pk: xid for pk, xid in learned.items() if standing.get(pk) != xid}
    if not changes:
        return 0
    # An ID now someone else's was theirs by mistake (a name + phone match settles it anew):
    # the old rows of these people and of these IDs go before the new ones come, so two
    # members swapping IDs never meet the unique constraint.
    released: dict[str, str] = {}
    items = sorted(changes.items())
    for at in range(0, len(items), CHUNK // 2):
        some = dict(items[at : at + CHUNK // 2])
        old = XuexiAccount.objects.filter(Q(person_id__in=some) | Q(xuexi_id__in=some.values()))
        for pk, xid in old.values_list("person_id", "xuexi_id"):
            if pk not in changes:
                released[str(pk)] = xid
        old.delete()
        XuexiAccount.objects.bulk_create(
            XuexiAccount(person_id=pk, xuexi_id=xid, learned_from=filename[:255])
            for pk, xid in some.items()
        )
    audit_record(
        action="xuexi.learn",
        actor=actor,
        target=organization,
        summary=f"从 {filename} 记下 {len(changes)} 名党员的学习强国号",
        detail={
            "accounts": {str(pk): xid for pk, xid in changes.items()},
            "released": released,
        },
    )
    return len(changes)
