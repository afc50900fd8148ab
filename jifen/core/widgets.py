"""Form widgets every app shares."""

from __future__ import annotations

from typing import Any

from django import forms

ISO_DATE = "%Y-%m-%d"


class DateInput(forms.DateInput):
    """A browser's date picker. ``<input type="date">`` reads and sends only ``2026-12-07``
    whatever the page's language, while Django would write the value in the language's first
    input format (``2026/12/07`` in Chinese), which the browser cannot read and shows as a blank
    field. So the value is always written in ISO; dates shown as text keep the language's look."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format=ISO_DATE)
