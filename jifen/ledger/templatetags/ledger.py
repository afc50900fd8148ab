from collections.abc import Mapping
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
