"""The organization kinds every seed uses; an installation can add others (机关党委 …)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_noop

# Stored in Chinese; pages show the built-in names in the reader's language.
BUILT_IN_KINDS = [
    ("committee", gettext_noop("党委"), 10),
    ("general_branch", gettext_noop("党总支"), 20),
    ("branch", gettext_noop("党支部"), 30),
    ("group", gettext_noop("党小组"), 40),
]


def kinds_ensure(kind_model: Any) -> None:
    """Create the built-in kinds that are missing (the migration passes its historical model)."""
    for code, name, level in BUILT_IN_KINDS:
        kind_model.objects.get_or_create(code=code, defaults={"name": name, "level": level})
