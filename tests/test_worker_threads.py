"""Pool processes share the cores instead of each starting a math thread per core."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from factcheck.celery import _worker_threads_share


def test_each_pool_process_gets_its_share_of_the_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    # Set first, so that monkeypatch puts back what was there before (maybe nothing).
    monkeypatch.setenv("OMP_NUM_THREADS", "0")
    monkeypatch.delenv("OMP_NUM_THREADS")
    monkeypatch.setattr("os.cpu_count", lambda: 8)

    _worker_threads_share(sender=SimpleNamespace(concurrency=2))

    import os

    assert os.environ["OMP_NUM_THREADS"] == "4"


def test_more_processes_than_cores_still_get_one_thread_and_an_explicit_setting_wins(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import os

    # Set first, so that monkeypatch puts back what was there before (maybe nothing).
    monkeypatch.setenv("OMP_NUM_THREADS", "0")
    monkeypatch.delenv("OMP_NUM_THREADS")
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    _worker_threads_share(sender=SimpleNamespace(concurrency=8))
    assert os.environ["OMP_NUM_THREADS"] == "1"

    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    _worker_threads_share(sender=SimpleNamespace(concurrency=8))
    assert os.environ["OMP_NUM_THREADS"] == "3"
