"""No module over 500 lines and no function over 80 (issue 12), measured on the source's AST.

A module or function past the limit is split, not excused. The offenders that were there when
the limits came in are listed in EXCEPTIONS while they are being split; an entry that is no
longer needed fails the test too, so the list only ever shrinks.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 80

# "path" for a module, "path::Qualified.name" for a function (methods and nested functions
# are named through their class or enclosing function), with the reason. Empty since issue 12
# split the last offenders: keep it that way.
EXCEPTIONS: dict[str, str] = {}


def _functions(tree: ast.Module) -> list[tuple[str, int]]:
    """(qualified name, lines from ``def`` to the last line) of every function in ``tree``."""
    found: list[tuple[str, int]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = f"{prefix}{child.name}"
                assert child.end_lineno is not None
                found.append((name, child.end_lineno - child.lineno + 1))
                visit(child, f"{name}.")
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")
            else:
                visit(child, prefix)

    visit(tree, "")
    return found


def offenders(source: str, path: str) -> dict[str, int]:
    """What in one module is over the limits, with its length in lines."""
    found: dict[str, int] = {}
    lines = len(source.splitlines())
    if lines > MAX_MODULE_LINES:
        found[path] = lines
    for name, length in _functions(ast.parse(source, filename=path)):
        if length > MAX_FUNCTION_LINES:
            found[f"{path}::{name}"] = length
    return found


def _all_offenders() -> dict[str, int]:
    found: dict[str, int] = {}
    for file in sorted((ROOT / "jifen").rglob("*.py")):
        if "migrations" in file.parts:
            continue
        path = file.relative_to(ROOT).as_posix()
        found.update(offenders(file.read_text(encoding="utf-8"), path))
    return found


def test_no_module_or_function_is_over_the_limits() -> None:
    new = {key: n for key, n in _all_offenders().items() if key not in EXCEPTIONS}
    assert not new, (
        f"over {MAX_MODULE_LINES} lines a module, or {MAX_FUNCTION_LINES} a function; "
        f"split it: {new}"
    )


def test_every_exception_is_still_needed() -> None:
    found = _all_offenders()
    stale = sorted(key for key in EXCEPTIONS if key not in found)
    assert not stale, f"within the limits now (or gone): remove from EXCEPTIONS: {stale}"


def test_the_measure_counts_functions_methods_and_nested_functions() -> None:
    def function(name: str, body_lines: int, indent: str = "") -> str:
        body = "".join(f"{indent}    x = {i}\n" for i in range(body_lines))
        return f"{indent}def {name}():\n{body}"

    source = (
        function("fits", MAX_FUNCTION_LINES - 1)
        + function("too_long", MAX_FUNCTION_LINES)
        + "class Thing:\n"
        + function("method", MAX_FUNCTION_LINES, indent="    ")
        + "def outer():\n"
        + function("inner", MAX_FUNCTION_LINES, indent="    ")
    )
    found = offenders(source, "m.py")
    assert found == {
        "m.py::too_long": MAX_FUNCTION_LINES + 1,
        "m.py::Thing.method": MAX_FUNCTION_LINES + 1,
        "m.py::outer": MAX_FUNCTION_LINES + 2,
        "m.py::outer.inner": MAX_FUNCTION_LINES + 1,
    }
    assert offenders("x = 1\n" * MAX_MODULE_LINES, "ok.py") == {}
    too_long = MAX_MODULE_LINES + 1
    assert offenders("x = 1\n" * too_long, "big.py") == {"big.py": too_long}
