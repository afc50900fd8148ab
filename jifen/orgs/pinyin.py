"""Pinyin keys for searching people: 张三 is found by "zhangsan" or "zs"."""

from __future__ import annotations

from pypinyin import Style, lazy_pinyin

# The columns' lengths (Person.name_pinyin, name_initials): a 50-character name of long
# syllables (长 is "chang") spells past 200 letters, which PostgreSQL refuses; a search key cut
# there still finds the person by the start of their name.
FULL_MAX, INITIALS_MAX = 200, 50


def pinyin_keys(name: str) -> tuple[str, str]:
    """(full pinyin, initials), lower case, without tones or spaces, cut to their columns."""
    syllables = [s.lower() for s in lazy_pinyin(name.strip(), style=Style.NORMAL, errors="default")]
    full = "".join(syllables).replace(" ", "")
    initials = "".join(s[0] for s in syllables if s and s[0].isalnum())
    return full[:FULL_MAX], initials[:INITIALS_MAX]
