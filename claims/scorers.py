"""Which check-worthiness model scores: the shipped one, or a newsroom's promoted retrain.

Retrained models are written as candidates under FACTCHECK_MODEL_DIR and never used until
promoted; promotion swaps the active files atomically, and every process picks the new model
up on its next extraction (the file's modification time is checked, not cached forever).

FACTCHECK_CHECKWORTHINESS_MODEL picks the scorer: "auto" (the default) is the cascade
(`claims.pipeline.checkworthiness.cascade`) when the semantic extra loads, "cascade" and
"minilm" ask for it or for MiniLM on every sentence; when MiniLM cannot load (extra missing,
file corrupt) workers keep scoring with the linear model and log why, rather than failing
every article. The cascade and MiniLM read the shipped linear model, which they were
calibrated beside, not a promoted retrain: a newsroom that promotes one scores with it under
"linear".
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path

from django.conf import settings

from claims.pipeline.attribution import DEFAULT, Ranker
from claims.pipeline.attribution.ranker import load_ranker
from claims.pipeline.checkworthiness import cascade, minilm
from claims.pipeline.checkworthiness.artefacts import metadata_path
from claims.pipeline.checkworthiness.linear import (
    DEFAULT_MODEL_PATH,
    LinearCheckworthinessModel,
    load_scorer,
    read_model,
)
from claims.pipeline.checkworthiness.scorer import ModelLoadError, Scorer

logger = logging.getLogger(__name__)

MODEL_FILE = "checkworthiness.npz"
_loaded: dict[tuple[Path, int], LinearCheckworthinessModel] = {}
_minilm: dict[tuple[Path, int], minilm.MiniLMCheckworthinessModel | ModelLoadError] = {}
_cascade: dict[tuple[int, Path, int], cascade.CascadeCheckworthinessModel | ModelLoadError] = {}


def model_dir() -> Path:
    return Path(settings.FACTCHECK_MODEL_DIR)


def active_path() -> Path:
    return model_dir() / "active" / MODEL_FILE


def candidate_path(version: str) -> Path:
    return model_dir() / "candidates" / version / MODEL_FILE


def scorer_get() -> Scorer:
    """The model FACTCHECK_CHECKWORTHINESS_MODEL names; linear if MiniLM cannot load."""
    choice = settings.FACTCHECK_CHECKWORTHINESS_MODEL
    try:
        if choice in ("auto", "cascade"):
            return cascade_get()
        if choice == "minilm":
            return minilm_get()
    except ModelLoadError:
        pass  # logged once, when it first failed
    return linear_get()


def cascade_get(path: Path | None = None) -> cascade.CascadeCheckworthinessModel:
    """The cascade over the shipped linear model and the MiniLM model; ModelLoadError (logged
    once per file version) when MiniLM or the cascade's file cannot load."""
    strong = minilm_get()  # raises (logged there) when MiniLM cannot load
    path = Path(path or cascade.DEFAULT_MODEL_PATH).resolve()
    try:
        stamp = path.stat().st_mtime_ns
    except FileNotFoundError:
        stamp = 0
    key = (id(strong), path, stamp)
    if key not in _cascade:
        _cascade.clear()
        try:
            _cascade[key] = cascade.read_model(path, load_scorer(), strong)
        except ModelLoadError as exc:
            logger.warning("check-worthiness: scoring with the linear model instead: %s", exc)
            _cascade[key] = exc
    loaded = _cascade[key]
    if isinstance(loaded, ModelLoadError):
        raise loaded
    return loaded


def minilm_get(path: Path | None = None) -> minilm.MiniLMCheckworthinessModel:
    """The MiniLM model at `path` (default: the setting), loaded once per file version."""
    configured = settings.FACTCHECK_CHECKWORTHINESS_MINILM_PATH
    path = Path(path or configured or minilm.DEFAULT_MODEL_PATH).resolve()
    try:
        stamp = path.stat().st_mtime_ns
    except FileNotFoundError:
        stamp = 0
    key = (path, stamp)
    if key not in _minilm:
        _minilm.clear()
        try:
            # Its reasons come from the shipped linear model, whatever a newsroom promoted:
            # the MiniLM model was calibrated beside that one.
            _minilm[key] = minilm.read_model(
                path, load_scorer(), precision=settings.FACTCHECK_CHECKWORTHINESS_PRECISION
            )
        except ModelLoadError as exc:
            logger.warning("check-worthiness: scoring with the linear model instead: %s", exc)
            _minilm[key] = exc
    loaded = _minilm[key]
    if isinstance(loaded, ModelLoadError):
        raise loaded
    return loaded


def scorer_read(name_or_path: str) -> Scorer:
    """ "linear", "cascade", "minilm" or a model file of the linear or MiniLM kind;
    ModelLoadError when it cannot load."""
    if name_or_path == "linear":
        return linear_get()
    if name_or_path == "minilm":
        return minilm_get()
    if name_or_path == "cascade":
        return cascade_get()
    path = Path(name_or_path)
    if minilm.is_minilm_file(path):
        return minilm_get(path)
    return read_model(path)


def linear_get() -> LinearCheckworthinessModel:
    """The promoted linear model if there is one, else the one the package ships."""
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
    # Imported here: training's module imports sklearn, which serving never needs.
    from claims.pipeline.checkworthiness.linear_training import save_model

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


def attribution_ranker() -> Ranker:
    """The attribution ranker FACTCHECK_ATTRIBUTION_MODEL asks for: "linear" the linear one,
    "minilm" the MiniLM scorer when the extra loads (else the linear ranker)."""
    if settings.FACTCHECK_ATTRIBUTION_MODEL == "minilm":
        return DEFAULT
    return load_ranker()
