"""The README's first tour and first commands run as printed, after what `make demo` does, on
the embedded default with nothing else set (read from README.md, so the test follows it).

The project is copied to a temporary directory (the embedded default keeps its database and
key in the project's var/, which must not be the developer's), with ../shared beside it as in
a checkout. Two things differ from a person's terminal: `.venv/bin/python` is this test's
interpreter, and the server listens on a free port instead of 8000.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import free_port
from tests.paths import REPO, SHARED

pytestmark = pytest.mark.skipif(not SHARED.is_dir(), reason="needs ../shared")


def _blocks(section: str) -> list[str]:
    """The shell commands of the ```sh blocks under the README's `## section`."""
    readme = (REPO / "README.md").read_text()
    part = readme.split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", part, re.DOTALL):
        commands += [line for line in block.splitlines() if line and not line.startswith("#")]
    assert commands, f"no commands under ## {section}"
    return commands


def _demo_target() -> list[str]:
    """The commands of the Makefile's demo target before it serves."""
    makefile = (REPO / "Makefile").read_text()
    recipe = re.search(r"^demo:.*?\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert recipe is not None
    lines = [line.strip() for line in recipe.group(1).splitlines()]
    return [line for line in lines if "manage.py" in line and "runserver" not in line]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("readme")
    for name in ("claims", "reviews", "factcheck"):
        shutil.copytree(REPO / name, root / "repo" / name, ignore=shutil.ignore_patterns("var"))
    shutil.copy(REPO / "manage.py", root / "repo")
    (root / "shared").symlink_to(SHARED.resolve())
    return root / "repo"


def _env(**extra: str) -> dict[str, str]:
    # A terminal's environment: none of the suite's DATABASE_URL, REDIS_URL, DJANGO_* or
    # FACTCHECK_* settings.
    return {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/root"), **extra}


def _run(command: str, cwd: Path, env: dict[str, str]) -> str:
    command = command.replace(".venv/bin/python", sys.executable)
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, f"{command}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout


def test_the_first_tour_and_first_commands_run_as_printed(project: Path) -> None:
    for line in _demo_target():
        # `env -u DATABASE_URL -u REDIS_URL DJANGO_DEBUG=true $(BIN)/python manage.py ...`
        command = line.replace("$(BIN)/python", ".venv/bin/python")
        command = command.replace("$(if $(DEMO_PASSWORD),--password $(DEMO_PASSWORD))", "")
        command = command.replace(
            "$(DEMO_SITE_ENV)",
            "FACTCHECK_SITE_URL=http://127.0.0.1:8000 "
            "FACTCHECK_ORGANIZATION_URL=http://127.0.0.1:8000/",
        )
        _run(command, project, _env())
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=project,
        env=_env(DJANGO_DEBUG="true"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5)
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline
                time.sleep(0.5)
        for url in re.findall(
            r"<(http://127\.0\.0\.1:8000/[^>]*)>", (REPO / "README.md").read_text()
        ):
            with urllib.request.urlopen(url.replace(":8000", f":{port}"), timeout=30) as page:
                assert page.status == 200, url
        tour = " && ".join(_blocks("A first tour")).replace("127.0.0.1:8000", f"127.0.0.1:{port}")
        output = _run(tour, project, _env())
        assert '"results":[' in output and '"claimreview_url"' in output  # the fact-checks
        assert '"status_url"' in output  # the pushed article was accepted
        assert "jsonfeed.org/version/1.1" in output  # the JSON feed
    finally:
        server.terminate()
        server.wait(timeout=30)
    for command in _blocks("First commands"):
        _run(command, project, _env())
