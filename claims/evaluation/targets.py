"""Evaluations other apps add to `manage.py evaluate`, which lives here with intake's own.

An app registers its targets in its AppConfig.ready; intake never imports them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.management.base import CommandParser


@dataclass(frozen=True)
class EvaluationTarget:
    name: str
    help: str
    add_arguments: Callable[[CommandParser], None]
    run: Callable[[dict[str, Any]], list[str]]  # the command's options -> lines to print


_targets: dict[str, EvaluationTarget] = {}


def evaluation_target_register(target: EvaluationTarget) -> None:
    _targets[target.name] = target


def evaluation_targets() -> list[EvaluationTarget]:
    return list(_targets.values())
