"""``jifen scores verify [--org CODE] [--year Y]``: every stored result whose tags are current,
compared with a recompute from the ledger; exit 1 and the first difference on a mismatch."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jifen.core import clock
from jifen.ledger.derived import DERIVED
from jifen.ledger.stored_check import scores_verify
from jifen.orgs.models import Organization


def scope_options(options: dict[str, Any]) -> tuple[list[Organization], int]:
    """The organizations (--org, else every top-level one) and the year (--year, else this
    year) a scores command works on; exit 2 with the reason when either is wrong."""
    raw = options.get("year") or str(clock.today().year)
    if not (raw.isdigit() and 2000 <= int(raw) <= 2100):
        raise CommandError(f"年度 {raw} 不对，应是 2000 到 2100 之间的四位数字", returncode=2)
    if options.get("org"):
        found = Organization.objects.filter(code=options["org"]).first()
        if found is None:
            raise CommandError(f"没有组织代码为 {options['org']} 的组织", returncode=2)
        return [found], int(raw)
    return list(Organization.objects.filter(parent__isnull=True).order_by("path")), int(raw)


class Command(BaseCommand):
    help = (
        "由台账重新计算，与存储的年度积分逐条比对；不一致时指出第一处并以 1 退出。"
        " Compare the stored results with a recompute from the ledger."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--org", help="只核对这个组织代码及其下级 (one organization's subtree)")
        parser.add_argument("--year", help="年度，默认今年 (year, this year by default)")

    def handle(self, *args: Any, **options: Any) -> None:
        roots, year = scope_options(options)
        compared = outdated = 0
        for root in roots:
            found = scores_verify(root, year)
            compared += found.compared
            outdated += found.outdated
            if found.difference is not None:
                self.stderr.write(found.difference)
                raise CommandError("存储的积分与台账重新计算的结果不一致", returncode=1)
        self.stdout.write(
            self.style.SUCCESS(
                f"存储的 {year} 年积分与台账重新计算一致：核对 {compared} 条"
                f"（另有 {outdated} 条已过时，读取时会先重新计算）。"
            )
        )
        for derived in DERIVED:
            compared = outdated = 0
            for root in roots:
                found = derived.verify(root, year)
                compared += found.compared
                outdated += found.outdated
                if found.difference is not None:
                    self.stderr.write(found.difference)
                    raise CommandError(
                        f"存储的{derived.name}与台账重新计算的结果不一致", returncode=1
                    )
            self.stdout.write(
                self.style.SUCCESS(
                    f"存储的{derived.name}与台账重新计算一致：核对 {compared} 条"
                    f"（另有 {outdated} 条已过时，读取时会先重新计算）。"
                )
            )
