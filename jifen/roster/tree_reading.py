"""Reading an organization tree from a spreadsheet (xlsx or CSV): its five columns, the other
names other systems give them, and the header row wherever it sits in the first rows.

The file itself is read by ``jifen.documents.reading`` like the roster; everything a user can
upload ends in a ``TreeTable`` or a ``TreeFileError`` whose message, in Chinese, says what to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jifen.documents.reading import Limits, SpreadsheetError, cell_text, read_rows


@dataclass(frozen=True)
class TreeColumn:
    key: str
    header: str  # the file's own header: Chinese in every language, like the file
    hint: Any  # a lazy translation
    width: int = 16


TREE_COLUMNS: tuple[TreeColumn, ...] = (
    TreeColumn(
        "code",
        "组织代码",
        gettext_lazy("必填：字母、数字和 . _ -，不超过 32 个字符，不能与已有组织重复"),
    ),
    TreeColumn(
        "name", "名称", gettext_lazy("必填：不超过 100 字，如 中共某某学院计算机系总支部委员会"), 36
    ),
    TreeColumn(
        "kind", "类别", gettext_lazy("必填：党委、党总支、党支部、党小组（或本系统另设的类别）"), 10
    ),
    TreeColumn(
        "parent",
        "上级组织代码",
        gettext_lazy("空着：导入到的组织；或本文件中另一行（前后均可）、或已有下级组织的代码"),
    ),
    TreeColumn("active_from", "成立日期", gettext_lazy("必填：如 2020-07-01，不晚于今天"), 12),
)
TREE_HEADERS: tuple[str, ...] = tuple(column.header for column in TREE_COLUMNS)
TREE_BY_KEY: dict[str, TreeColumn] = {column.key: column for column in TREE_COLUMNS}
TREE_EXAMPLE: tuple[str, ...] = (
    "C0101",
    "中共某某学院计算机系总支部委员会",
    "党总支",
    "",
    "2020-07-01",
)

# Headers other systems and hand-made sheets use for the same columns (as for the roster).
TREE_ALIASES: dict[str, str] = {
    "代码": "组织代码",
    "组织编码": "组织代码",
    "编码": "组织代码",
    "组织名称": "名称",
    "党组织名称": "名称",
    "组织类别": "类别",
    "类型": "类别",
    "组织类型": "类别",
    "上级代码": "上级组织代码",
    "上级组织": "上级组织代码",
    "上级组织编码": "上级组织代码",
    "上级编码": "上级组织代码",
    "成立时间": "成立日期",
}
MAX_TREE_ROWS = 2_000
LIMITS = Limits(rows=MAX_TREE_ROWS, columns=20, header_search=10, what="组织表")


class TreeFileError(Exception):
    """The file as a whole cannot be read; the message is for the user."""


@dataclass
class TreeTable:
    """The data rows under the header, each with its row number as Excel shows it, the cells
    in the order of ``TREE_COLUMNS``."""

    rows: list[tuple[int, list[str]]]
    file_format: str
    encoding: str = ""


def _header_text(cell: object) -> str:
    text = "".join(cell_text(cell).split())  # 名　称 → 名称
    return TREE_ALIASES.get(text, text)


def _header(raw: list[list[object]]) -> tuple[int, list[str]]:
    for index, row in enumerate(raw[: LIMITS.header_search]):
        headers = [_header_text(cell) for cell in row]
        if "组织代码" in headers and "名称" in headers:
            missing = [header for header in TREE_HEADERS if header not in headers]
            if missing:
                raise TreeFileError(
                    _("表头缺少以下列：%(missing)s。表头应为：%(headers)s。")
                    % {"missing": "、".join(missing), "headers": "、".join(TREE_HEADERS)}
                )
            repeated = sorted({h for h in headers if h in TREE_HEADERS and headers.count(h) > 1})
            if repeated:
                raise TreeFileError(
                    _("表头中以下列出现了不止一次：%(repeated)s。")
                    % {"repeated": "、".join(repeated)}
                )
            return index, headers
    raise TreeFileError(
        _("找不到表头。第一行应为：%(headers)s。请下载模板，按模板的表头填写。")
        % {"headers": "、".join(TREE_HEADERS)}
    )


def tree_table_read(data: bytes) -> TreeTable:
    """The organizations in ``data``; raises TreeFileError with a message for the user."""
    if not data.strip():
        raise TreeFileError(_("文件是空的。请下载模板，填写组织后再上传。"))
    try:
        raw, file_format, encoding = read_rows(data, LIMITS, prefer_sheet="组织")
    except SpreadsheetError as error:
        raise TreeFileError(str(error)) from None
    header_index, headers = _header(raw)
    positions = [headers.index(header) for header in TREE_HEADERS]
    table = TreeTable(rows=[], file_format=file_format, encoding=encoding)
    for number, row in enumerate(raw[header_index + 1 :], start=header_index + 2):
        cells = [cell_text(row[i]) if i < len(row) else "" for i in positions]
        if any(cells):
            table.rows.append((number, cells))
    if not table.rows:
        raise TreeFileError(_("文件中只有表头，没有组织。"))
    return table
