"""Which check-worthiness model scores: the shipped one, or a newsroom's promoted retrain.

Retrained models are written as candidates under FACTCHECK_MODEL_DIR and never used until
promoted; promotion swaps the active files atomically, and every process picks the new model
up on its next extraction (the file's modification time is checked, not cached forever).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from django.conf import settings

from claims.pipeline.scoring import (
    DEFAULT_MODEL_PATH,
    LinearCheckworthinessModel,
    metadata_path,
    read_model,
)

MODEL_FILE = "checkworthiness.npz"
_loaded: dict[tuple[Path, int], LinearCheckworthinessModel] = {}


def model_dir() -> Path:
    return Path(settings.FACTCHECK_MODEL_DIR)


def active_path() -> Path:
    return model_dir() / "active" / MODEL_FILE


def candidate_path(version: str) -> Path:
    return model_dir() / "candidates" / version / MODEL_FILE


def scorer_get() -> LinearCheckworthinessModel:
    """The promoted model if there is one, else the model the package ships."""
    path = active_path()
    try:
        stamp = path.stat().st_mtime_ns
    except FileNotFoundError:
        path, stamp = DEFAULT_MODEL_PATH, 0
    key = (path, stamp)
    if key not in _loaded:
        _loaded.clear()
        _loaded[key] = read_model(path)
    return _loaded[key]


def candidate_save(model: LinearCheckworthinessModel) -> Path:
    """Store a trained model as a candidate named by its version; returns its .npz path."""
    from claims.pipeline.training import save_model

    staging = Path(tempfile.mkdtemp(dir=_ensure(model_dir())))
    try:
        saved = save_model(model, staging / MODEL_FILE)
        version = read_model(saved).version
        target = candidate_path(version)
        if target.parent.exists():
            shutil.rmtree(target.parent)
        _ensure(target.parent.parent)
        staging.rename(target.parent)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def candidate_promote(version: str) -> Path:
    """Make a candidate the active model (atomic rename of its files)."""
    source = candidate_path(version)
    if not source.exists():
        raise FileNotFoundError(f"no candidate model {version!r} in {source.parent.parent}")
    read_model(source)  # refuse to promote a file that does not load
    target = active_path()
    _ensure(target.parent)
    for src, dst in ((metadata_path(source), metadata_path(target)), (source, target)):
        temporary = dst.with_name(dst.name + ".tmp")
        shutil.copyfile(src, temporary)
        os.replace(temporary, dst)  # the .npz last: its mtime tells processes to reload
    return target


def active_reset() -> None:
    """Go back to the shipped model."""
    for path in (active_path(), metadata_path(active_path())):
        path.unlink(missing_ok=True)


def _ensure(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path
