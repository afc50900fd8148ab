from django import template

from jifen.orgs.idcard import mask_id_number, mask_phone

register = template.Library()


@register.filter
def phone_for(phone: str, sensitive: bool) -> str:
    """``{{ person.phone|phone_for:sensitive }}``: in full only where the reader may see it."""
    return phone if sensitive else mask_phone(phone)


@register.filter
def id_number_for(id_number: str, sensitive: bool) -> str:
    return id_number if sensitive else mask_id_number(id_number)
