"""Golden cases for the scoring engine, worked by hand from the seeds.

Each folder tests/scoring/golden/<case>/ holds `case.yaml` (rulebook, year, facts file, optional
roster, and the hand calculation under `working:`), the facts (.csv in UTF-8 / UTF-8 with BOM /
GB18030, or .xlsx), optionally `roster.csv`, and `expected.json`: per subject, the fields of the
`jifen simulate --format json` result (RULEBOOKS.md §6) that were worked out by hand. Every field
present there is compared; fields left out are not checked.

`rulebook:` is a built-in id, or a YAML file in the case folder (then `rulebook_id:` is its id).
A case with `prior:` passes the previous years' totals with `--prior` (the consecutive-year flag).
A case with `expect_exit: N` expects the run to be refused with that exit status.

The expected values are never edited to match the engine: a disagreement is reported and
reconciled by the lead.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

GOLDEN = Path(__file__).resolve().parent / "golden"
CASES = sorted(p for p in GOLDEN.iterdir() if p.is_dir() and (p / "case.yaml").is_file())

# RULEBOOKS.md §5: the built-in rulebooks.
BUILT_IN = {"seed001", "seed003", "seed000-branch", "seed000-general", "seed002", "seed004"}

# Scores: decimal strings with two places, compared exactly.
DECIMAL_FIELDS = ("total", "index", "self", "committee")
# Maps of code -> decimal string; only the codes listed in expected.json are compared.
MAP_FIELDS = ("categories", "rounds")
# Lists whose order carries no meaning: compared as sets.
SET_FIELDS = ("bands", "warnings")
# Compared with ==.
PLAIN_FIELDS = ("vetoed", "incomplete", "stars", "rank")
KNOWN_FIELDS = set(DECIMAL_FIELDS) | set(MAP_FIELDS) | set(SET_FIELDS) | set(PLAIN_FIELDS)


def load_case(folder: Path) -> dict[str, Any]:
    case: dict[str, Any] = yaml.safe_load((folder / "case.yaml").read_text(encoding="utf-8"))
    return case


def simulate_argv(folder: Path, case: dict[str, Any], output: Path) -> list[str]:
    rulebook = case["rulebook"]
    if rulebook.endswith((".yaml", ".yml")):  # a rulebook of the case's own, next to case.yaml
        rulebook = str(folder / rulebook)
    argv = [rulebook, str(folder / case["facts"])]
    if case.get("roster"):
        argv += ["--roster", str(folder / case["roster"])]
    if case.get("prior"):
        argv += ["--prior", str(folder / case["prior"])]
    return [*argv, "--year", str(case["year"]), "--format", "json", "--output", str(output)]


def run_simulate(argv: list[str]) -> int:
    from jifen.simulation.cli import simulate_main

    code: object
    try:
        code = simulate_main(argv)
    except SystemExit as exc:
        code = exc.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    return 1  # SystemExit("message")


def compare_subject(
    case_name: str, subject: str, want: dict[str, Any], got: dict[str, Any]
) -> list[str]:
    problems: list[str] = []

    def differ(field: str, expected: object, actual: object) -> None:
        problems.append(
            f"{case_name}: subject {subject}: {field}: "
            f"expected {expected!r}, engine gave {actual!r}"
        )

    for field, expected in want.items():
        assert field in KNOWN_FIELDS, f"{case_name}: expected.json names an unknown field {field!r}"
        if field not in got:
            differ(field, expected, "<missing>")
            continue
        actual = got[field]
        if field in DECIMAL_FIELDS:
            if actual != expected:
                differ(field, expected, actual)
        elif field in MAP_FIELDS:
            if not isinstance(actual, dict):
                differ(field, expected, actual)
                continue
            for code, value in expected.items():
                if actual.get(code, "<missing>") != value:
                    differ(f"{field}.{code}", value, actual.get(code, "<missing>"))
        elif field in SET_FIELDS:
            if not isinstance(actual, list) or set(actual) != set(expected):
                differ(
                    field, sorted(expected), sorted(actual) if isinstance(actual, list) else actual
                )
        elif actual != expected:
            differ(field, expected, actual)
    return problems


@pytest.mark.parametrize("folder", CASES, ids=[p.name for p in CASES])
def test_golden_case(folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("jifen.simulation.cli")
    case = load_case(folder)
    output = tmp_path / "out.json"
    code = run_simulate(simulate_argv(folder, case, output))
    captured = capsys.readouterr()

    if "expect_exit" in case:
        assert code == case["expect_exit"], (
            f"{folder.name}: expected exit status {case['expect_exit']}, got {code}\n{captured.err}"
        )
        message = captured.err + captured.out
        wanted = case.get("expect_message_any", [])
        assert not wanted or any(w in message for w in wanted), (
            f"{folder.name}: the error message should name one of {wanted}; it was: {message!r}"
        )
        return

    assert code == 0, f"{folder.name}: jifen simulate exited {code}\n{captured.err}"
    document = json.loads(output.read_text(encoding="utf-8"))
    assert document.get("rulebook") == case.get("rulebook_id", case["rulebook"]), (
        f"{folder.name}: rulebook {document.get('rulebook')!r}"
    )
    assert document.get("year") == case["year"], f"{folder.name}: year {document.get('year')!r}"
    results = {str(r["subject"]): r for r in document["results"]}

    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    problems: list[str] = []
    for subject, want in expected.items():
        if subject not in results:
            problems.append(
                f"{folder.name}: subject {subject}: no result (engine gave {sorted(results)})"
            )
            continue
        problems += compare_subject(folder.name, subject, want, results[subject])
    assert not problems, "\n".join(problems)


def test_every_built_in_rulebook_has_a_golden_case() -> None:
    covered = {load_case(p)["rulebook"] for p in CASES}
    assert covered >= BUILT_IN, (
        f"built-in rulebooks without a golden case: {sorted(BUILT_IN - covered)}"
    )


def test_golden_cases_are_well_formed() -> None:
    for folder in CASES:
        case = load_case(folder)
        for key in ("rulebook", "year", "title", "facts", "working"):
            assert case.get(key), f"{folder.name}: case.yaml lacks {key!r}"
        assert (folder / case["facts"]).is_file(), f"{folder.name}: no facts file {case['facts']}"
        for key in ("roster", "prior"):
            if case.get(key):
                assert (folder / case[key]).is_file(), f"{folder.name}: no {key} file {case[key]}"
        if "expect_exit" not in case:
            expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
            assert expected, f"{folder.name}: expected.json is empty"
            for subject, fields in expected.items():
                unknown = set(fields) - KNOWN_FIELDS
                assert not unknown, f"{folder.name}: {subject}: unknown fields {sorted(unknown)}"
