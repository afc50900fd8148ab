"""The demo branch's closed quarters."""

from __future__ import annotations

import datetime as dt

import pytest

from jifen.demo.college import college_load
from jifen.demo.periods import periods_load
from jifen.demo.year import year_load
from jifen.periods.models import Notice, Objection, Signature
from jifen.periods.selectors import Status, status_of
from jifen.periods.sheet import quarter_sheet

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2026, 10, 12)


def test_the_demo_branch_has_three_quarters_signed_and_publicized() -> None:
    college_load(2026, today=AS_OF)
    year_load(AS_OF)
    lines = periods_load(AS_OF)
    assert len(lines) == 3
    signatures = list(Signature.objects.order_by("quarter"))
    assert [s.quarter for s in signatures] == [1, 2, 3]
    for signature in signatures:
        sheet = quarter_sheet(signature.organization, 2026, signature.quarter)
        assert sheet is not None
        assert status_of(sheet, signature) == Status.SIGNED
        assert len(sheet.rows) >= 20
    # Q1 closed on Wednesday 1 April: 4/1, 4/2, 4/3, [清明 4/4–4/6], 4/7, 4/8.
    first = Notice.objects.get(signature=signatures[0])
    assert (first.starts, first.ends) == (dt.date(2026, 4, 1), dt.date(2026, 4, 8))
    latest = Notice.objects.get(signature=signatures[2])
    assert latest.opened_on == AS_OF
    assert Objection.objects.get().notice == latest
    assert periods_load(AS_OF) == []
