"""The layer contracts (import-linter, in pyproject.toml) hold, `make lint` checks them, and
adding a forbidden import breaks the check."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import REPO

LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    # lint-imports puts the working directory first on the path, so `root`'s packages are read.
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_tree_keeps_every_layer_contract() -> None:
    result = _lint_imports(REPO)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_make_lint_runs_the_contracts() -> None:
    makefile = (REPO / "Makefile").read_text()
    lint = re.search(r"^lint:.*?\n((?:\t.*\n)+)", makefile, re.MULTILINE)

    assert lint is not None and "lint-imports" in lint.group(1)


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("claims/models.py", "import reviews.models", "claims (intake) never imports reviews"),
        ("reviews/services/queue.py", "import reviews.api.views", "never import an API or admin"),
        ("claims/tasks.py", "import claims.admin", "never import an API or admin"),
        ("claims/pipeline/text.py", "import django.db", "claims.pipeline is plain Python"),
    ],
)
def test_a_forbidden_import_breaks_the_check(
    tmp_path: Path, module: str, line: str, contract: str
) -> None:
    for package in ("claims", "reviews", "factcheck"):
        shutil.copytree(
            REPO / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(REPO / "pyproject.toml", tmp_path)
    with (tmp_path / module).open("a") as source:
        source.write(f"\n{line}  # noqa\n")

    result = _lint_imports(tmp_path)

    assert result.returncode != 0
    assert f"{contract}" in result.stdout and "BROKEN" in result.stdout
