"""The shape ARCHITECTURE.md asks for, checked."""

from __future__ import annotations

import ast
import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent
PURE_PACKAGES = ["jifen/scoring", "jifen/simulation"]


def _imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package", PURE_PACKAGES)
def test_the_engine_imports_nothing_from_django(package: str) -> None:
    files = sorted((ROOT / package).rglob("*.py"))
    if not files:
        pytest.skip(f"{package} does not exist yet")
    offenders = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in files
        for name in _imported_modules(path)
        if name == "django" or name.startswith("django.")
    }
    assert not offenders, f"{package} must stay free of Django: {sorted(offenders)}"


def test_simulate_does_not_load_django_at_run_time() -> None:
    if not (ROOT / "jifen/simulation/cli.py").exists():
        pytest.skip("the simulation command does not exist yet")
    code = (
        "import sys, jifen.scoring, jifen.simulation.cli; "
        "sys.exit(1 if any(m == 'django' or m.startswith('django.') for m in sys.modules) else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


@pytest.mark.django_db
def test_no_migration_is_pending() -> None:
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit:
        pytest.fail(f"models changed without a migration:\n{out.getvalue()}")


def test_the_engine_tests_start_no_django() -> None:
    """`make test-fast` runs tests/scoring and tests/simulation without pytest-django and without
    tests/conftest.py: importing every one of them must not import Django either."""
    modules = [
        ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for folder in ("tests/scoring", "tests/simulation")
        for path in sorted((ROOT / folder).glob("*.py"))
    ]
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "loaded = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(loaded[:5]); sys.exit(1 if loaded else 0)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, f"an engine test imports Django: {run.stdout}{run.stderr}"
