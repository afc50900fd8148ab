from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import template

register = template.Library()


@register.filter
def get(mapping: Mapping[str, Any], key: str) -> Any:
    """``{{ periods|get:"M03" }}``: a value from a mapping by a computed key."""
    return mapping.get(key)


@register.filter
def entries_for(entries: Mapping[str, Any], ids: tuple[str, ...]) -> list[Any]:
    return [entries[i] for i in ids if i in entries]


@register.filter
def points(value: Decimal | None) -> str:
    """A score with two places, exactly (never through float): 9.5 → "9.50"."""
    if value is None:
        return ""
    return str(Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
