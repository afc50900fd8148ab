"""Whether a year is frozen for an organization's subtree: a quarter already signed there.

The signatures live in ``periods``, a layer above this one, so this module cannot ask them
itself. ``periods`` registers its answer when Django starts (``PeriodsConfig.ready``): a
function giving, for an organization and a year, every signed quarter in its subtree as
``(organization, "2026年第一季度")``. Adopting asks every registered function."""

from __future__ import annotations

from collections.abc import Callable

from jifen.orgs.models import Organization

SignedQuarters = Callable[[Organization, int], list[tuple[Organization, str]]]

_checks: list[SignedQuarters] = []


def register(check: SignedQuarters) -> None:
    if check not in _checks:
        _checks.append(check)


def signed_quarters(organization: Organization, year: int) -> list[tuple[Organization, str]]:
    """Every signed quarter of ``year`` in ``organization``'s subtree, by every registered
    check, in tree order."""
    found = [hit for check in _checks for hit in check(organization, year)]
    return sorted(found, key=lambda hit: (hit[0].path, hit[1]))
