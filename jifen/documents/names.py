"""Names that come from what people typed (a person's or an organization's name, a rulebook's
title) and end up where spreadsheets and browsers have rules of their own: a sheet's title and
a download's file name. A name with ``/`` in it must still give a workbook and a download."""

from __future__ import annotations

import re
from collections.abc import Collection

SHEET_TITLE_MAX = 31  # Excel's limit; openpyxl only warns, Excel refuses to open the file
# Excel refuses these in a sheet title (openpyxl raises ValueError on them); control characters
# are not allowed either.
_NOT_IN_TITLE = re.compile(r"[\\/?*\[\]:\x00-\x1f\x7f]")
# Path separators, the characters Windows forbids in a file name, and control characters.
_NOT_IN_FILE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')


def sheet_title(text: str, taken: Collection[str] = (), fallback: str = "Sheet") -> str:
    """``text`` as a sheet title Excel accepts: each forbidden character (``/ \\ ? * [ ] :``)
    becomes ``_``, no apostrophe at either end (Excel refuses that too), at most 31 characters,
    and not one of ``taken`` (compared as Excel does, ignoring case): a number is put at the end,
    within the 31 characters. "History" is Excel's own, so it gets a ``_``."""
    title = _NOT_IN_TITLE.sub("_", text).strip().strip("'").strip()
    title = title[:SHEET_TITLE_MAX] or fallback
    if title.casefold() == "history":  # Excel keeps this one for itself
        title += "_"
    used = {t.casefold() for t in taken}
    number = 1
    unique = title
    while unique.casefold() in used:
        number += 1
        tail = f"({number})"
        unique = title[: SHEET_TITLE_MAX - len(tail)] + tail
    return unique


def file_name(text: str) -> str:
    """``text`` as a download's file name: path separators and the characters a file system
    refuses become ``_``, so the name the browser saves is the one shown, in one folder."""
    return _NOT_IN_FILE_NAME.sub("_", text).strip().lstrip(".") or "download"
