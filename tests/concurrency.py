"""Run the same action from several threads at the same moment, each on its own connection."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from django.db import connection


def at_once(action: Callable[[object], str], arguments: Sequence[object]) -> list[str]:
    """Call `action(argument)` for every argument simultaneously; return their outcomes."""
    barrier = threading.Barrier(len(arguments))
    outcomes: list[str] = []

    def run(argument: object) -> None:
        barrier.wait()
        try:
            outcomes.append(action(argument))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(argument,)) for argument in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes
