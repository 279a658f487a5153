"""The house rules, checked by tools with every run of the suite (so CI runs them too):

- ruff: pyflakes, pycodestyle's errors, and no Django imported in rules/ and pipeline/ (TID251);
- import-linter: rules/ imports nothing else of Lindung, pipeline/ only rules/, no app imports another
  app's views, selectors do not import services (the contracts are in pyproject.toml);
- mypy (with django-stubs) on all of src/lindung but its migrations: strict on rules/ and pipeline/, the Django
  apps at mypy's default level (the settings are in pyproject.toml);
- no test module imports another (shared builders are in tests/factories.py, tests/walk.py and the conftests).

Each failure shows the tool's own report. To run one by hand: `uv run ruff check`, `uv run lint-imports`,
`uv run mypy`."""

import ast
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent  # the project's virtualenv: ruff, lint-imports and mypy are dev dependencies
PACKAGE = ROOT / "src" / "lindung"


def run(tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    executable = shutil.which(tool, path=str(BIN)) or shutil.which(tool)
    assert executable, f"{tool} is not installed: run `uv sync` (it is a dev dependency)"
    return subprocess.run([executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)


def test_ruff_is_clean_and_rules_and_pipeline_import_no_django():
    done = run("ruff", "check", "--output-format", "concise")
    assert done.returncode == 0, f"ruff check found problems:\n{done.stdout}{done.stderr}"


def test_the_import_contracts_are_kept():
    done = run("lint-imports", "--no-logo")
    assert done.returncode == 0, f"lint-imports found a broken contract:\n{done.stdout}{done.stderr}"


def test_the_code_type_checks_and_rules_and_pipeline_strictly():
    done = run("mypy")
    assert done.returncode == 0, (f"mypy (all of src/lindung, strict on rules/ and pipeline/) found problems:\n"
                                  f"{done.stdout}{done.stderr}")


def _contract(contract_id: str) -> dict:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return next(c for c in config["tool"]["importlinter"]["contracts"] if c["id"] == contract_id)


def _modules_named(suffix: str) -> set[str]:
    """`lindung.*.views`, `lindung.*.printing_views`, `lindung.*.*.views` (an app's sub-unit) …: the
    import-linter expressions of every module whose name ends in ``suffix``."""
    found = set()
    for depth in (1, 2):
        stars = ".".join(["*"] * depth)
        found |= {f"lindung.{stars}.{p.stem}" for p in PACKAGE.glob("*/" * depth + f"*{suffix}.py")}
    return found


@pytest.mark.parametrize(("contract_id", "field", "suffix"), [
    ("views", "forbidden_modules", "views"),
    ("selectors", "source_modules", "selectors"),
    ("selectors", "forbidden_modules", "services"),
])
def test_every_views_selectors_and_services_module_is_under_its_contract(contract_id, field, suffix):
    # import-linter's wildcards replace whole module names only, so each name is listed in pyproject.toml.
    listed = set(_contract(contract_id)[field])
    missing = sorted(_modules_named(suffix) - listed)
    assert not missing, (f"list {', '.join(missing)} in the {field} of the "
                         f"{contract_id!r} import-linter contract (pyproject.toml)")


def test_no_test_module_imports_another():
    """Shared builders live in tests/factories.py, tests/walk.py or a conftest: a test module imported by another
    runs its tests' module-level code twice and ties the two files' failures together."""
    tests = ROOT / "tests"
    found = []
    for path in sorted(tests.rglob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [f"{node.module}.{a.name}" for a in node.names] if isinstance(node, ast.ImportFrom)
                     and node.module else [])
            found += [f"{path.relative_to(ROOT)}: {name}" for name in names
                      if name.startswith("tests.") and any(part.startswith("test_") for part in name.split("."))]
    assert not found, "test modules importing test modules:\n" + "\n".join(found)
