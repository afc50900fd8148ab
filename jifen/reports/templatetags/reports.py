from decimal import Decimal

from django import template

from jifen.ledger.pages import points_text

register = template.Library()


@register.filter
def cell(value: Decimal | int | str | None) -> str:
    """A form's cell as printed: points with two places, text as it is, nothing for None."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return points_text(value)
    return str(value)
