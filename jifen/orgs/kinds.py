"""The organization kinds every seed uses; an installation can add others (机关党委 …)."""

from __future__ import annotations

from typing import Any

BUILT_IN_KINDS = [
    ("committee", "党委", 10),
    ("general_branch", "党总支", 20),
    ("branch", "党支部", 30),
    ("group", "党小组", 40),
]


def kinds_ensure(kind_model: Any) -> None:
    """Create the built-in kinds that are missing (the migration passes its historical model)."""
    for code, name, level in BUILT_IN_KINDS:
        kind_model.objects.get_or_create(code=code, defaults={"name": name, "level": level})
