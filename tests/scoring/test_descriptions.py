"""Item descriptions (考核内容) and standards (评价标准): the seeds' own words, read strictly,
merged key by key by ``extends``, and never part of a score."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from jifen.scoring import RulebookError, builtin_ids, load_rulebook, load_rulebook_text
from jifen.scoring.model import Allowance, Rulebook

# Copies of shared/seeds/*.txt, the documents the built-in rulebooks were written from.
SEEDS = Path(__file__).resolve().parent / "seeds"


def _seed_text(rulebook: Rulebook) -> str:
    """The seed file the rulebook's ``source`` names, with every blank removed: the seeds come
    from PDFs whose line breaks left spaces inside sentences."""
    return re.sub(r"\s+", "", (SEEDS / rulebook.source).read_text(encoding="utf-8"))


def _texts(rulebook: Rulebook) -> list[tuple[str, str]]:
    found = []
    for category in rulebook.categories:
        found += [(category.code, category.description), (category.code, category.standard)]
        for item in category.items:
            found += [(item.code, item.description), (item.code, item.standard)]
    return [(code, text) for code, text in found if text]


@pytest.mark.parametrize("rid", builtin_ids())
def test_every_built_in_text_is_the_seeds_own_words(rid: str) -> None:
    """Each line of every description and standard is found, word for word, in the seed."""
    rulebook = load_rulebook(rid)
    seed = _seed_text(rulebook)
    texts = _texts(rulebook)
    assert texts, f"{rid} carries none of its seed's wording"
    for code, text in texts:
        for line in text.splitlines():
            assert re.sub(r"\s+", "", line) in seed, f"{rid} {code}: {line!r} is not in the seed"


def test_a_few_items_carry_exactly_the_seeds_sentence() -> None:
    seed003 = load_rulebook("seed003")
    assert seed003.item("xxqg_login")[1].standard == "每次未登录,扣 0.5 分"  # type: ignore[index]
    assert seed003.item("dues")[1].standard == "延期缴纳党费本季度每月扣 5 分"  # type: ignore[index]
    assert seed003.item("four_consciousness")[1].standard == ""  # type: ignore[index]
    seed004 = load_rulebook("seed004")
    _, item = seed004.item("ledger_complete")  # type: ignore[misc]
    assert (item.description, item.standard) == (
        "按要求健全基层党组织基础党务台账",
        "材料不全年末考核视情况扣分",
    )
    assert seed004.categories[0].description == "要求:还欠账,补短板、抓规范"
    general = load_rulebook("seed000-general")
    assert general.item("funding")[1].standard == (  # type: ignore[index]
        "执行好得 5 分；较好 3 分，一般 1 分，没执行不得分。"
    )
    branch = load_rulebook("seed000-branch")
    lines = branch.item("three_one")[1].description.splitlines()  # type: ignore[index]
    assert len(lines) == 3
    assert lines[2].startswith("3. 党课。每年不少于四次")


def test_seed001_gives_no_item_wording_so_none_is_invented() -> None:
    seed001 = load_rulebook("seed001")
    assert all(not i.description and not i.standard for c in seed001.categories for i in c.items)
    assert seed001.categories[0].description.startswith("主要是按照党章党规")


def test_extends_overrides_one_items_words_and_keeps_the_rest() -> None:
    mine = load_rulebook_text(
        "id: mine\nextends: seed003\ncategories:\n  base:\n    items:\n"
        "      xxqg_login:\n        standard: 每月未登录超过 3 天，每天扣 0.5 分\n"
        "        description: |\n          每天登录学习强国\n          不少于 30 分钟\n"
    )
    _, item = mine.item("xxqg_login")  # type: ignore[misc]
    assert item.standard == "每月未登录超过 3 天，每天扣 0.5 分"
    assert item.description == "每天登录学习强国\n不少于 30 分钟"  # YAML's last newline dropped
    assert mine.item("dues")[1].standard == "延期缴纳党费本季度每月扣 5 分"  # type: ignore[index]
    assert isinstance(item, Allowance)
    assert item.points == 10
    assert item.title == "登录学习强国"


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("5", "categories.base.items.dues.standard: 应为文字"),
        ("[a, b]", "categories.base.items.dues.standard: 应为文字"),
        ("{a: b}", "categories.base.items.dues.standard: 应为文字"),
    ],
)
def test_words_must_be_text(value: str, words: str) -> None:
    text = (
        "id: mine\nkind: member\ntotal: 100\ncategories:\n  base:\n    max: 70\n    items:\n"
        f"      dues: {{rule: allowance, points: 5, deduct: 5, standard: {value}}}\n"
    )
    with pytest.raises(RulebookError) as caught:
        load_rulebook_text(text)
    assert words in "\n".join(str(i) for i in caught.value.issues)


def test_a_misspelt_key_is_still_an_error_and_the_hint_names_both_fields() -> None:
    text = (
        "id: mine\nkind: organization\ncategories:\n  team:\n    max: 10\n    descripton: x\n"
        "    items:\n      a: {rule: score, max: 10, standrad: y}\n"
    )
    with pytest.raises(RulebookError) as caught:
        load_rulebook_text(text)
    issues = [str(i) for i in caught.value.issues]
    assert any("categories.team.descripton: 未知的键" in i for i in issues)
    assert any("items.a.standrad: 未知的键" in i and "description, standard" in i for i in issues)


def test_words_never_change_a_score() -> None:
    """The same rulebook with and without every description scores the same facts alike."""
    from jifen.scoring import score
    from tests.scoring.helpers import fact

    plain = load_rulebook_text(
        "id: plain\nextends: seed003\ncategories:\n  base:\n    items:\n"
        "      xxqg_login: {standard: 随便写的说明, description: 另一段说明}\n"
    )
    facts = [fact("a", "2026-03-05", "xxqg_login", 2), fact("a", "2026-03-05", "dues", 1)]
    ours = score(plain, facts, year=2026)
    theirs = score(load_rulebook("seed003"), facts, year=2026)
    mine, seeds = ours.result("a"), theirs.result("a")
    assert mine.total == seeds.total < 100
    assert [c.score for c in mine.categories] == [c.score for c in seeds.categories]


def test_rulebook_show_prints_the_words_only_when_asked(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from jifen.simulation.cli import rulebook_main

    monkeypatch.setenv("COLUMNS", "400")  # a wide terminal: no cell is folded

    assert rulebook_main(["show", "seed003"]) == 0
    assert "每次未登录" not in capsys.readouterr().out
    assert rulebook_main(["show", "seed003", "--words"]) == 0
    out = capsys.readouterr().out
    assert "每次未登录,扣 0.5 分" in out
    assert "延期缴纳党费本季度每月扣 5 分" in out
