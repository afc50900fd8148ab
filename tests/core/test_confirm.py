"""The confirmation step's small parts (the pages are tested where they are used:
tests/periods/test_confirm_first.py and the others that sign, publish, approve)."""

from __future__ import annotations

from django.test import RequestFactory

from jifen.core.confirm import confirmed, names_brief


def test_a_few_names_are_all_said_and_many_are_cut_with_the_count() -> None:
    assert names_brief(["张三", "李四"]) == "张三、李四"
    many = [f"党员{i}" for i in range(20)]
    assert names_brief(many, limit=3) == "党员0、党员1、党员2……等 20 人"


def test_only_the_confirmations_own_answer_on_a_post_counts() -> None:
    factory = RequestFactory()
    assert confirmed(factory.post("/", {"confirm": "yes"}))
    assert not confirmed(factory.post("/", {"confirm": "on"}))
    assert not confirmed(factory.post("/"))
    assert not confirmed(factory.get("/", {"confirm": "yes"}))
