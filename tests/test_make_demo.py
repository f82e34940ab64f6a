"""`make demo`'s absolute links name the host and port it serves on, unless
FACTCHECK_SITE_URL says otherwise (read from `make -n`, which prints the commands)."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from tests.paths import REPO

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def _demo_commands(*args: str, **env: str) -> list[str]:
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("FACTCHECK_", "DJANGO_"))
    }
    result = subprocess.run(
        # -o: the venv counts as installed, so nothing is set up to print the commands.
        ["make", "-n", "-o", ".venv/.installed", "demo", *args],
        cwd=REPO,
        env={**environment, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return [line for line in result.stdout.splitlines() if "manage.py" in line]


def test_the_demo_links_name_the_port_and_host_it_serves_on() -> None:
    commands = _demo_commands("PORT=8123", "HOST=127.0.0.2")

    assert len(commands) == 3 and commands[-1].endswith("runserver 127.0.0.2:8123")
    for command in commands:
        assert "FACTCHECK_SITE_URL=http://127.0.0.2:8123 " in command
        # The demo's newsroom is the demo site: ClaimReview's author, the feeds, "view site".
        assert "FACTCHECK_ORGANIZATION_URL=http://127.0.0.2:8123/ " in command


def test_a_demo_served_on_every_interface_links_to_localhost_and_answers_any_name() -> None:
    runserver = _demo_commands("HOST=0.0.0.0", "PORT=8080")[-1]

    assert "FACTCHECK_SITE_URL=http://localhost:8080 " in runserver
    assert "'DJANGO_ALLOWED_HOSTS=*'" in runserver


def test_a_site_url_given_explicitly_is_kept() -> None:
    from_env = _demo_commands("PORT=8123", FACTCHECK_SITE_URL="https://checks.example.org")
    on_line = _demo_commands("PORT=8123", "FACTCHECK_SITE_URL=https://desk.example.org")

    assert all("FACTCHECK_SITE_URL=https://checks.example.org " in c for c in from_env)
    assert all("FACTCHECK_SITE_URL=https://desk.example.org " in c for c in on_line)


def test_the_demo_on_this_machine_keeps_the_default_allowed_hosts() -> None:
    assert "DJANGO_ALLOWED_HOSTS" not in _demo_commands()[-1]


def test_an_organization_url_given_explicitly_is_kept() -> None:
    commands = _demo_commands(FACTCHECK_ORGANIZATION_URL="https://news.example.org/")

    assert all("FACTCHECK_ORGANIZATION_URL=https://news.example.org/ " in c for c in commands)


def test_only_the_server_banner_follows_what_the_demo_prints_last() -> None:
    # The demo command ends with the addresses, accounts and token; make echoing the
    # server's long command line would come between them and the banner.
    makefile = (REPO / "Makefile").read_text()
    recipe = makefile.split("\ndemo: setup\n", 1)[1].split("\n\n", 1)[0].splitlines()

    assert "manage.py demo" in recipe[-2]
    assert recipe[-1].startswith("\t@") and "manage.py runserver" in recipe[-1]
