"""The columns of the 党员花名册, shared by the template, the import and the export, and how the
template and the export lay them out (``jifen.documents.tables`` writes them)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from jifen.orgs.models import Category, Gender


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool
    hint: str
    width: int = 14


COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", True, "必填，不超过 50 字", 10),
    Column("gender", "性别", True, "必填：男 或 女", 6),
    Column("id_number", "身份证号", True, "必填：18 位，校验位正确；Excel 中请设为文本格式", 22),
    Column("phone", "手机号", False, "选填：11 位手机号，或带区号的固定电话", 14),
    Column("category", "类别", True, "必填：正式党员、预备党员、发展对象、入党积极分子", 12),
    Column("joined_party", "入党日期", False, "正式党员、预备党员必填；日期如 2020-07-01", 12),
    Column("probation_ends", "预备期满日期", False, "预备党员必填", 14),
    Column("org_code", "所在组织代码", True, "必填：本组织或其下级组织的代码", 14),
    Column("start", "加入日期", True, "必填：加入该组织（组织关系开始）的日期", 12),
)
HEADERS: tuple[str, ...] = tuple(column.header for column in COLUMNS)
BY_KEY: dict[str, Column] = {column.key: column for column in COLUMNS}
BY_HEADER: dict[str, Column] = {column.header: column for column in COLUMNS}
DATE_KEYS = frozenset({"joined_party", "probation_ends", "start"})

# The export adds the organization's name after the columns above; the import ignores it, so an
# exported file (with full numbers) can be edited and imported again.
EXPORT_EXTRA_HEADERS: tuple[str, ...] = ("所在组织名称",)
TEMPLATE_HEADERS: tuple[str, ...] = HEADERS
EXPORT_HEADERS: tuple[str, ...] = (*HEADERS, *EXPORT_EXTRA_HEADERS)

# How the template and the export lay the columns out.
WIDTHS: dict[str, int] = {column.header: column.width for column in COLUMNS}
TEXT_COLUMNS = frozenset({"身份证号", "手机号", "所在组织代码"})
CHOICES: dict[str, str] = {  # the template's drop-down lists
    "性别": "男,女",
    "类别": "正式党员,预备党员,发展对象,入党积极分子",
}

GENDER_BY_LABEL: dict[str, str] = {str(label): value for value, label in Gender.choices}
CATEGORY_BY_LABEL: dict[str, str] = {str(label): value for value, label in Category.choices}
GENDER_LABEL: dict[str, str] = {value: label for label, value in GENDER_BY_LABEL.items()}
CATEGORY_LABEL: dict[str, str] = {value: label for label, value in CATEGORY_BY_LABEL.items()}

# Limits on one upload: beyond them the file is refused with a message, never half-read.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# The page takes as many rows as the command: a file larger than JOB_CHECK_BYTES is read and
# checked by `jifen worker`, and one longer than JOB_ROWS is applied by it, while the page shows
# a progress bar (jifen/roster/jobs.py). 50,000 rows take about 25 s to check and apply
# (bench/bench_roster_import.py); beyond that, split the file.
COMMAND_MAX_ROWS = 50_000
MAX_ROWS = COMMAND_MAX_ROWS


def template_notes(organizations: Iterable[tuple[str, str]]) -> list[list[str]]:
    """The 填写说明 sheet: one line per column, then the organization codes that may be used."""
    lines: list[list[str]] = [["列", "填写要求"]]
    lines += [[column.header, column.hint] for column in COLUMNS]
    lines += [
        ["日期", "可写成 2020-07-01、2020/7/1、2020年7月1日，或使用 Excel 的日期格式"],
        ["身份证号", "同一文件中不能重复；已登记的人员按身份证号更新，不会重复新增"],
        [],
        ["组织代码", "组织名称"],
    ]
    lines += [[code, name] for code, name in organizations]
    return lines
