"""Errors a party worker can act on: where (file, line, field) and what was expected."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem in a rulebook: ``file:line: field: message``."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class RulebookError(Exception):
    """A rulebook that cannot be used. ``issues`` lists every problem found, in file order."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = sorted(issues, key=lambda i: (i.file, i.line))
        super().__init__("\n".join(str(issue) for issue in self.issues))


@dataclass(frozen=True, slots=True)
class FactIssue:
    """One fact the rulebook refuses: which fact, which field, what was expected."""

    fact: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"事实 {self.fact} [{self.field}]: {self.message}"


class FactsError(Exception):
    """Facts that cannot be scored with the rulebook (unknown code, value out of range …)."""

    def __init__(self, issues: list[FactIssue]) -> None:
        self.issues = issues
        super().__init__("\n".join(str(issue) for issue in issues))
