"""requirements.lock, which `make` installs from, pins every dependency pyproject.toml names,
at a version its specifier allows, with hashes."""

from __future__ import annotations

import re
import tomllib

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from tests.paths import REPO

LOCKED_EXTRAS = ("dev", "semantic")


def _locked() -> dict[str, tuple[Version, int]]:
    text = (REPO / "requirements.lock").read_text()
    pins = {}
    for block in re.split(r"\n(?=\S)", text):
        pin = re.match(r"([A-Za-z0-9._-]+)==(\S+)", block)
        if pin:
            pins[canonicalize_name(pin.group(1))] = (
                Version(pin.group(2)),
                block.count("--hash=sha256:"),
            )
    return pins


def _declared() -> list[Requirement]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    names = project["dependencies"] + [
        requirement
        for extra in LOCKED_EXTRAS
        for requirement in project["optional-dependencies"][extra]
    ]
    return [Requirement(name) for name in names]


@pytest.mark.parametrize("requirement", _declared(), ids=str)
def test_every_declared_dependency_is_locked_within_its_bounds(requirement: Requirement) -> None:
    locked = _locked()
    name = canonicalize_name(requirement.name)

    assert name in locked, f"{name} is not in requirements.lock: run `make lock`"
    version, hashes = locked[name]
    assert requirement.specifier.contains(version, prereleases=True), (
        f"requirements.lock has {name}=={version}, outside {requirement.specifier}: `make lock`"
    )
    assert hashes >= 1


def test_torch_is_the_cpu_build_and_nothing_of_cuda_is_locked() -> None:
    locked = _locked()

    assert locked["torch"][0].local == "cpu"
    assert not [name for name in locked if name.startswith(("nvidia-", "triton"))]
