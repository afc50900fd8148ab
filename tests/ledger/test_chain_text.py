"""The bulk path's written-out canonical text hashes exactly as json.dumps of entry_content."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from jifen.ledger.chain import bulk_content_hash, content_hash

ids = st.none() | st.integers(min_value=1, max_value=2**62)
text = st.text()  # quotes, backslashes, control characters, CJK…


@given(
    organization=st.integers(min_value=1, max_value=2**62),
    seq=st.integers(min_value=1, max_value=2**62),
    person=ids,
    date=st.dates(min_value=dt.date(1900, 1, 1)),
    item=text,
    value=text,
    note=text,
    origin=text,
    origin_ref=text,
    recorded_by=ids,
)
def test_the_written_out_text_is_json_dumps(
    organization: int,
    seq: int,
    person: int | None,
    date: dt.date,
    item: str,
    value: str,
    note: str,
    origin: str,
    origin_ref: str,
    recorded_by: int | None,
) -> None:
    stamp = "2026-12-07T00:21:09.123456Z"
    content = {
        "organization": organization, "seq": seq, "person": person, "subject_org": None,
        "date": date.isoformat(), "item": item, "value": value, "source": "", "note": note,
        "evidence": [], "origin": origin, "origin_ref": origin_ref, "corrects": None,
        "correction": "", "reason": "", "recorded_by": recorded_by, "recorded_at": stamp,
    }  # fmt: skip
    prev = "0" * 64
    assert bulk_content_hash(
        prev, organization=organization, seq=seq, person=person, date=date, item=item,
        value=value, note=note, origin=origin, origin_ref=origin_ref, recorded_by=recorded_by,
        recorded_at=stamp,
    ) == content_hash(content, prev)  # fmt: skip
