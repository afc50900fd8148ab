"""Jifen's scoring engine: rulebooks as data, facts in, explained scores out.

Pure Python: no Django, no database, no clock. The only I/O is reading YAML rulebooks.

Typical use::

    from jifen.scoring import Fact, Subject, load_rulebook, score

    rulebook = load_rulebook("seed003")            # a built-in id or a path to a YAML file
    sheet = score(rulebook, facts, year=2026, subjects=subjects)
    for result in sheet.results:
        print(result.subject, result.total, result.stars, result.warnings)
        for category in result.categories:
            for item in category.items:
                for line in item.lines:            # the reasons, with fact ids and the rule
                    print(line.text, line.facts, line.rule)

Semantics: RULEBOOKS.md and docs/rulebooks.md.
"""

from jifen.scoring.cutoffs import score_cutoffs, until
from jifen.scoring.engine import check_fact, effective_facts, score
from jifen.scoring.errors import FactIssue, FactsError, Issue, RulebookError
from jifen.scoring.facts import Calendar, Fact, Interval, Subject, fmt, round2
from jifen.scoring.loader import builtin_ids, load_rulebook, load_rulebook_text
from jifen.scoring.model import MEMBER_CATEGORIES, Category, Rulebook
from jifen.scoring.results import (
    BandHit,
    CategoryResult,
    ItemResult,
    Line,
    Scoresheet,
    SubjectResult,
    Tie,
)

__all__ = [
    "MEMBER_CATEGORIES",
    "BandHit",
    "Calendar",
    "Category",
    "CategoryResult",
    "Fact",
    "FactIssue",
    "FactsError",
    "Interval",
    "Issue",
    "ItemResult",
    "Line",
    "Rulebook",
    "RulebookError",
    "Scoresheet",
    "Subject",
    "SubjectResult",
    "Tie",
    "builtin_ids",
    "check_fact",
    "effective_facts",
    "fmt",
    "load_rulebook",
    "load_rulebook_text",
    "round2",
    "score",
    "score_cutoffs",
    "until",
]
