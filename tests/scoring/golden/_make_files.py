"""Writes the facts files of the golden cases whose assessment sheets are long.

Run once by hand (`python tests/scoring/golden/_make_files.py`); the generated files are committed
and are the cases' input. The expected values are NOT computed here: they are worked by hand in
each case.yaml. This script only spells out "every item at its full points except …", which each
case.yaml states in words.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping
from pathlib import Path

HERE = Path(__file__).resolve().parent
HEADER = ["subject", "date", "item", "value", "source", "note"]

# RULEBOOKS.md §5 — seed000-branch (附件2), items and their points.
# innovation (special_project, key_tasks) is the bonus category, written as `extra` facts.
SEED000_BRANCH: dict[str, float] = {
    "political_lead": 3,
    "serve_unite": 3,
    "center_work": 4,
    "secretary": 2,
    "election": 2,
    "basics": 2,
    "three_one": 3,
    "party_day_28": 3,
    "heart_talks": 3,
    "org_life_meeting": 3,
    "democratic_review": 3,
    "dual_org_life": 3,
    "member_points": 3,
    "membership_records": 3,
    "education": 3,
    "dues": 3,
    "recruitment": 3,
    "community_service": 3,
    "online_platform": 5,
    "venue": 3,
    "uf_mechanism": 2,
    "ethnic_religion": 8,
    "theory_study": 10,
    "ideology_risk": 20,
}
# RULEBOOKS.md §5 — seed002, items and their (interpreted) points.
SEED002: dict[str, float] = {
    "committee": 4,
    "unity": 4,
    "planning": 4,
    "mass_contact": 4,
    "two_studies": 4,
    "attend_meetings": 4,
    "info_reports": 4,
    "heart_talks": 4,
    "three_one": 4,
    "democratic_life": 4,
    "democratic_review": 4,
    "party_day": 4,
    "daily": 3,
    "dues": 3,
    "transfers": 3,
    "outgoing": 3,
    "cultivation": 5,
    "procedure": 5,
    "cohesion": 2.5,
    "cooperation": 2.5,
    "style": 2.5,
    "coordination": 2.5,
    "activities": 2.5,
    "care": 2.5,
    "conduct": 3.75,
    "dedication": 3.75,
    "bridge": 3.75,
    "social": 3.75,
}
VANGUARD = ("conduct", "dedication", "bridge", "social")

assert sum(SEED000_BRANCH.values()) == 100
assert sum(SEED002.values()) == 100


def fmt(value: float | str) -> str:
    if isinstance(value, str):
        return value
    return f"{value:g}"


Row = list[str]


def sheet(
    subject: str,
    date: str,
    items: dict[str, float],
    source: str = "",
    *,
    changes: Mapping[str, float] | None = None,
    omit: tuple[str, ...] = (),
    extra: Mapping[str, float] | None = None,
) -> list[Row]:
    """One full sheet: every item at its points except `changes`; `omit` items get no fact."""
    changes = changes or {}
    rows: list[Row] = []
    for item, points in items.items():
        if item in omit:
            continue
        rows.append([subject, date, item, fmt(changes.get(item, points)), source, ""])
    for item, value in (extra or {}).items():
        rows.append([subject, date, item, fmt(value), source, ""])
    return rows


def write_csv(path: Path, rows: list[Row], encoding: str = "utf-8") -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding=encoding, newline="")


def seed000_branch_rounds_bonus() -> None:
    h1, h2 = "2024-06-20", "2024-12-20"
    b = SEED000_BRANCH
    rows: list[Row] = []
    # B1: committee source written out.
    rows += sheet(
        "B1",
        h1,
        b,
        "committee",
        changes={"center_work": 3, "ideology_risk": 18},
        extra={"special_project": 2},
    )
    rows += sheet(
        "B1",
        h2,
        b,
        "committee",
        changes={"heart_talks": 2.5},
        extra={"special_project": 6, "key_tasks": 5},
    )
    # B2 and B3: source left empty (defaults to committee).
    rows += sheet("B2", h1, b, "", omit=("venue",), extra={"special_project": 10})
    rows += sheet(
        "B2",
        h2,
        b,
        "",
        changes={
            "ideology_risk": 5,
            "theory_study": 5,
            "ethnic_religion": 4,
            "uf_mechanism": 0,
            "venue": 2,
        },
    )
    rows += sheet("B3", h1, b, "", changes={"ideology_risk": 0})
    rows += sheet("B3", h2, b, "", changes={"ideology_risk": 0, "heart_talks": 2.5})
    write_csv(HERE / "seed000-branch-rounds-bonus" / "facts.csv", rows)


def seed000_general_rollup() -> None:
    h1, h2 = "2024-06-25", "2024-12-25"
    b = SEED000_BRANCH
    rows: list[Row] = []
    rows += [
        ["G1", h1, "meeting_system", "好", "", "党政联席会议记录齐全"],
        ["G1", h1, "dual_leader", "较好", "", ""],
        ["G1", h1, "staffing", "一般", "", "组织员仅1名"],
        ["G1", h1, "funding", "没执行", "", "活动经费未列支"],
    ]
    rows += [
        ["G1", h2, item, "好", "", ""]
        for item in ("meeting_system", "dual_leader", "staffing", "funding")
    ]
    rows += [
        ["G2", h1, item, "好", "", ""] for item in ("meeting_system", "dual_leader", "staffing")
    ]
    rows += [
        ["G2", h2, item, "较好", "", ""]
        for item in ("meeting_system", "dual_leader", "staffing", "funding")
    ]
    rows += sheet("B11", h1, b, "", changes={"ideology_risk": 15}, extra={"special_project": 8})
    rows += sheet("B11", h2, b, "")
    rows += sheet("B12", h1, b, "", changes={"theory_study": 5, "ideology_risk": 10})
    rows += sheet("B12", h2, b, "", extra={"special_project": 4})
    rows += sheet("B21", h1, b, "", changes={"ideology_risk": 0})
    rows += sheet("B21", h2, b, "", changes={"ideology_risk": 0, "heart_talks": 2.5})
    write_csv(HERE / "seed000-general-rollup" / "facts.csv", rows, encoding="utf-8-sig")


def seed002_weights_xlsx() -> None:
    from openpyxl import Workbook

    june, dec_self, dec_committee = "2024-06-28", "2024-12-15", "2024-12-25"
    s = SEED002
    v35 = dict.fromkeys(VANGUARD, 3.5)
    rows: list[Row] = []
    rows += sheet("Q1", june, s, "self", changes={**v35})
    rows += sheet("Q1", dec_self, s, "self", changes={**v35, "dues": 2, "party_day": 3})
    rows += sheet(
        "Q1", dec_committee, s, "committee", changes={**v35, "info_reports": 2, "cohesion": 1.5}
    )
    rows += sheet(
        "Q2", june, s, "self", changes={**v35, "two_studies": 2, "heart_talks": 1.5, "daily": 1}
    )
    rows += sheet(
        "Q2",
        dec_self,
        s,
        "self",
        changes={
            **v35,
            "three_one": 2,
            "democratic_life": 2,
            "procedure": 3,
            "care": 0.5,
            "activities": 0.5,
        },
    )
    rows += sheet(
        "Q2",
        dec_committee,
        s,
        "committee",
        changes={**v35, "planning": 2, "mass_contact": 3, "cultivation": 3},
    )
    wb = Workbook()
    ws = wb.active
    ws.title = "facts"
    ws.append(HEADER)
    for subject, day, item, value, source, note in rows:
        # Real date cells and numbers, as in a spreadsheet typed by hand.
        number = float(value)
        ws.append(
            [
                subject,
                dt.date.fromisoformat(day),
                item,
                int(number) if number == int(number) else number,
                source,
                note or None,
            ]
        )
        ws.cell(row=ws.max_row, column=2).number_format = "yyyy-mm-dd"
    path = HERE / "seed002-weights-xlsx" / "facts.xlsx"
    wb.save(path)


def seed002_full_marks() -> None:
    s = SEED002
    rows: list[Row] = []
    rows += sheet("Q9", "2024-06-28", s, "self")
    rows += sheet("Q9", "2024-12-15", s, "self")
    rows += sheet("Q9", "2024-12-25", s, "committee")
    write_csv(HERE / "seed002-full-marks" / "facts.csv", rows)


def seed002_missing_self_item() -> None:
    s = SEED002
    rows: list[Row] = []
    rows += [["Q8", "2023-12-25", "unity", "0", "committee", "2023年度考评，不计入2024年度"]]
    rows += sheet("Q8", "2024-06-28", s, "self")
    rows += sheet("Q8", "2024-12-15", s, "self", omit=("care",))
    rows += sheet("Q8", "2024-12-25", s, "committee")
    write_csv(HERE / "seed002-missing-self-item" / "facts.csv", rows)


def seed002_weighted_rounding() -> None:
    s = SEED002
    rows: list[Row] = []
    rows += sheet("Q7", "2024-06-28", s, "self")
    rows += sheet("Q7", "2024-12-15", s, "self", changes={"committee": 3.5, "two_studies": 3.5})
    rows += sheet("Q7", "2024-12-25", s, "committee")
    write_csv(HERE / "seed002-weighted-rounding" / "facts.csv", rows)


def seed004_deduct_reasons() -> None:
    d = "2024-12-28"
    ds = "2024-12-10"
    rows = [
        # C1 committee
        ["C1", d, "own_system", "2", "committee", "有本部门党建工作制度汇编"],
        ["C1", d, "first_class_committee", "8", "committee", "七好标准达成六项"],
        ["C1", d, "first_class_branch", "9.5", "committee", ""],
        ["C1", d, "ledger_complete", "1", "committee", "缺两次支委会记录"],
        ["C1", d, "ledger_complete", "1.5", "committee", "党务台账未按月归档"],
        ["C1", d, "lost_contact", "6", "committee", "失联党员找到率低于99%，材料不全"],
        ["C1", d, "poverty", "0.5", "committee", "帮扶工作记录不全"],
        ["C1", d, "integrity_talk", "0.5", "committee", "未提供廉政谈话记录"],
        # C1 self
        ["C1", ds, "own_system", "2", "self", "自评"],
        ["C1", ds, "first_class_committee", "10", "self", "自评"],
        ["C1", ds, "first_class_branch", "10", "self", "自评"],
        # C2 committee
        ["C2", d, "own_system", "1.5", "committee", "制度尚在完善"],
        ["C2", d, "first_class_committee", "10", "committee", ""],
        ["C2", d, "first_class_branch", "10", "committee", ""],
        ["C2", d, "dues_day", "1", "committee", "党费日台账不全"],
        ["C2", d, "brand", "2", "committee", "未建成学院党建走廊"],
        ["C2", d, "research", "1", "committee", "本学期研究党建工作不足4次"],
        # C2 self
        ["C2", ds, "own_system", "2", "self", "自评"],
        ["C2", ds, "first_class_committee", "10", "self", "自评"],
        ["C2", ds, "first_class_branch", "9", "self", "自评"],
        # C3 committee: own_system not scored
        ["C3", d, "first_class_committee", "10", "committee", ""],
        ["C3", d, "first_class_branch", "10", "committee", ""],
        ["C3", d, "cadre_team", "5", "committee", "干部培训台账缺失"],
        ["C3", d, "level", "4", "committee", "基层党建工作责任书未落实"],
        # C3 self
        ["C3", ds, "own_system", "2", "self", "自评"],
        ["C3", ds, "first_class_committee", "9", "self", "自评"],
        ["C3", ds, "first_class_branch", "9", "self", "自评"],
        ["C3", ds, "brand", "1", "self", "党建品牌尚未形成（自查）"],
    ]
    write_csv(HERE / "seed004-deduct-reasons" / "facts.csv", rows, encoding="gb18030")


def seed000_branch_stars() -> None:
    h1, h2 = "2024-06-20", "2024-12-20"
    b = SEED000_BRANCH
    low = {"ideology_risk": 0, "theory_study": 0}
    rows: list[Row] = []
    rows += sheet("B4", h1, b, changes={"ideology_risk": 5})
    rows += sheet("B4", h2, b, changes={"theory_study": 0, "uf_mechanism": 0, "venue": 0})
    rows += sheet("B7", h1, b, changes={"ideology_risk": 0})
    rows += sheet("B7", h2, b, changes={"theory_study": 0})
    rows += sheet("B5", h1, b, changes={**low, "heart_talks": 2.5})
    rows += sheet("B5", h2, b, changes={**low, "theory_study": 1, "dues": 2.5})
    rows += sheet("B8", h1, b, changes={**low, "ethnic_religion": 0, "venue": 1.5})
    rows += sheet("B8", h2, b, changes={**low, "ethnic_religion": 0, "venue": 0.5})
    rows += sheet("B6", h1, b, changes={**low, "ethnic_religion": 0, "venue": 1})
    rows += sheet(
        "B6", h2, b, changes={**low, "ethnic_religion": 0, "venue": 1, "online_platform": 4}
    )
    write_csv(HERE / "seed000-branch-stars" / "facts.csv", rows)


if __name__ == "__main__":
    seed000_branch_rounds_bonus()
    seed000_general_rollup()
    seed000_branch_stars()
    seed002_weights_xlsx()
    seed002_full_marks()
    seed002_missing_self_item()
    seed002_weighted_rounding()
    seed004_deduct_reasons()
