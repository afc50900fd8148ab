"""Small builders for engine tests: facts and subjects in one line each."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import count

from jifen.scoring import Fact

_ids = count(1)


def fact(
    subject: str,
    day: str,
    item: str,
    value: str | int | Decimal,
    *,
    source: str = "committee",
    note: str = "",
    voids: str | None = None,
    fid: str | None = None,
) -> Fact:
    """``fact("a", "2026-03-05", "xxqg_login", 2)``; numbers become Decimals, text stays a label."""
    if isinstance(value, int | Decimal):
        parsed: Decimal | str = Decimal(value)
    else:
        try:
            parsed = Decimal(value)
        except ArithmeticError:
            parsed = value
    return Fact(
        id=fid or f"f{next(_ids)}",
        subject=subject,
        date=date.fromisoformat(day),
        item=item,
        value=parsed,
        source=source,
        note=note,
        voids=voids,
    )


def D(text: str | int) -> Decimal:  # noqa: N802 - reads like the Decimal it builds
    return Decimal(str(text))
