"""Finding Chinese left on an English page: the rendered text, without the names of people and
organizations (which stay as they are written) and the language switch's own 简体中文."""

from __future__ import annotations

import re
from collections.abc import Iterable
from html.parser import HTMLParser

# CJK ideographs, CJK punctuation (、。「」) and the full-width forms (：，（）).
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]+")

# The product's name in the footer, the same in every language (base.html).
PRODUCT = "Jifen 积分"

_SKIPPED = {"script", "style", "title"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        language_switch = tag == "form" and ("class", "language") in attrs
        void = tag in {"input", "br", "img", "meta", "link"}
        if (tag in _SKIPPED or language_switch or self._skipping) and not void:
            self._skipping.append(tag)
        # What a reader sees of a form's fields besides the text: placeholders and values.
        for name, value in attrs:
            if name in {"placeholder", "aria-label", "alt"} and value and not self._skipping:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if self._skipping and self._skipping[-1] == tag:
            self._skipping.pop()

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def chinese_left(html: str, names: Iterable[str] = ()) -> list[str]:
    """The runs of CJK characters (full-width punctuation included) on the page outside
    ``names`` (people's and organizations' names, stored in Chinese)."""
    text = visible_text(html).replace(PRODUCT, " ")
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, " ")
    return CJK.findall(text)
