"""Chinese resident ID numbers (GB 11643-1999) and phone numbers: checking and masking."""

from __future__ import annotations

import datetime as dt
import re

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CODES = "10X98765432"
_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")
_PHONE_SHAPE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


def id_number_problem(value: str) -> str | None:
    """Why ``value`` is not a valid 18-digit ID number, in Chinese, or None when it is."""
    number = value.strip().upper()
    if not _ID_SHAPE.match(number):
        return "身份证号应为 18 位：17 位数字加 1 位数字或 X"
    try:
        dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return f"身份证号中的出生日期 {number[6:14]} 不是有效日期"
    expected = _CHECK_CODES[sum(int(d) * w for d, w in zip(number, _WEIGHTS, strict=False)) % 11]
    if number[17] != expected:
        return f"身份证号校验位错误：最后一位应为 {expected}"
    return None


def normalize_id_number(value: str) -> str:
    return value.strip().upper()


def phone_problem(value: str) -> str | None:
    if not value.strip():
        return None
    if not _PHONE_SHAPE.match(value.strip()):
        return "手机号应为 11 位手机号码，或带区号的固定电话（如 0519-12345678）"
    return None


def mask_id_number(value: str) -> str:
    """3201**********1234: the region and the last four stay, the birth date is hidden."""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str) -> str:
    """138****5678."""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
