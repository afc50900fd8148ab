"""``jifen facts export ORG_CODE YEAR --output FILE.csv [--roster ROSTER.csv]``.

The organization's facts of the year as the engine scores them (corrections applied: a voided
fact is left out, a correction's new value kept), and optionally its roster, in the CSV format
``jifen simulate`` reads (docs/rulebooks.md). People are named by their code ``p<pk>`` — the
key the ledger's scoring uses —, never by their ID-card number. The inputs come from
``jifen.ledger.scores.branch_inputs``, the same ones ``branch_year`` scores.
"""

from __future__ import annotations

import csv
import errno
import io
import os
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jifen.ledger.scores import BranchInputs, branch_inputs
from jifen.orgs.models import Organization
from jifen.scoring import FactsError, effective_facts

FACT_HEADER = ("subject", "date", "item", "value", "source", "note", "id")
ROSTER_HEADER = ("subject", "name", "org", "kind", "parent", "category", "joined", "left")


def _value(value: Decimal | str) -> str:
    return format(value, "f") if isinstance(value, Decimal) else value


def facts_csv(inputs: BranchInputs) -> str:
    """The effective facts, one row each, in ledger order."""
    try:
        kept, _voided = effective_facts(inputs.facts)
    except FactsError as error:
        raise CommandError(f"台账中的更正记录有误：{error}", returncode=2) from error
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(FACT_HEADER)
    for fact in kept:
        writer.writerow(
            (
                fact.subject,
                fact.date.isoformat(),
                fact.item,
                _value(fact.value),
                fact.source,
                fact.note,
                fact.id,
            )
        )
    return out.getvalue()


def roster_csv(inputs: BranchInputs) -> str:
    """One row per span a member counts in the year (joined/left inclusive). A member exempted
    for the whole year has no span and no row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(ROSTER_HEADER)
    for subject in inputs.subjects:
        for span in subject.active:
            writer.writerow(
                (
                    subject.id,
                    subject.name,
                    subject.org,
                    "",
                    "",
                    subject.category,
                    span.start.isoformat() if span.start else "",
                    span.end.isoformat() if span.end else "",
                )
            )
    return out.getvalue()


def write_all(files: list[tuple[str, str]]) -> None:
    """Write every file or none: each goes to a temporary file beside it, renamed into place
    only once all of them are written."""
    written: list[tuple[str, str]] = []
    try:
        for path, text in files:
            folder = os.path.dirname(os.path.abspath(path))
            handle, temporary = tempfile.mkstemp(dir=folder, prefix=".jifen-", suffix=".csv")
            written.append((temporary, path))
            with os.fdopen(handle, "w", encoding="utf-8-sig", newline="") as stream:
                stream.write(text)
        for _temporary, path in written:
            if Path(path).is_dir():
                raise IsADirectoryError(errno.EISDIR, "这是一个文件夹", path)
        for temporary, path in written:
            os.replace(temporary, path)
    except OSError as error:
        for temporary, _path in written:
            Path(temporary).unlink(missing_ok=True)
        where = error.filename or ""
        raise CommandError(f"无法写入 {where}：{error.strerror or error}", returncode=2) from None


class Command(BaseCommand):
    help = (
        "导出组织某一年度的有效积分事实（更正之后）和名册，格式与 jifen simulate 相同，"
        "人员以编号表示，不含身份证号。 Export an organization's effective facts (and roster) "
        "for a year in jifen simulate's CSV format."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("org", metavar="ORG_CODE", help="组织代码 (organization code)")
        parser.add_argument("year", metavar="YEAR", help="年度 (year), e.g. 2026")
        parser.add_argument("--output", required=True, help="事实 CSV 文件 (facts CSV to write)")
        parser.add_argument("--roster", help="名册 CSV 文件 (roster CSV to write)")

    def handle(self, *args: Any, **options: Any) -> None:
        year = options["year"]
        if not (year.isdigit() and 2000 <= int(year) <= 2100):
            raise CommandError(f"年度 {year} 不对，应是 2000 到 2100 之间的四位数字", returncode=2)
        organization = Organization.objects.filter(code=options["org"]).first()
        if organization is None:
            raise CommandError(f"没有组织代码为 {options['org']} 的组织", returncode=2)
        inputs = branch_inputs(organization, int(year))
        if inputs is None:
            raise CommandError(
                f"{organization.name} {year} 年还没有采用积分办法，没有可导出的积分", returncode=2
            )
        files = [(options["output"], facts_csv(inputs))]
        if options["roster"]:
            files.append((options["roster"], roster_csv(inputs)))
        write_all(files)
        roster = f" --roster {options['roster']}" if options["roster"] else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"已导出 {organization.name} {year} 年的积分事实到 {options['output']}。"
                f"试算：jifen simulate {inputs.adoption.rulebook_id} {options['output']}"
                f"{roster} --year {year}"
            )
        )
