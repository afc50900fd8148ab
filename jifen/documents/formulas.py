"""No cell Jifen writes begins a formula (CSV/xlsx injection, OWASP's advice): a text value
starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is written with a leading
apostrophe, and reading an upload takes that apostrophe off again, so an export imports back
unchanged."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(value: str) -> str:
    """A cell value that no spreadsheet will run as a formula (CSV/xlsx injection)."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value
