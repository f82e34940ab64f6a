"""How check-worthiness models are stored: arrays in an `.npz`, a description in JSON beside it.

Pickle is avoided on purpose: unpickling runs code, and breaks across library versions. Writing
is deterministic (sorted members, a fixed zip timestamp), so training twice on the same data
writes the same bytes, and a model's version is named by a digest of its arrays: a claim
records exactly which weights scored it.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from claims.pipeline.checkworthiness.scorer import ModelLoadError

MODELS_DIR = Path(__file__).with_name("models")
# zip entries carry a timestamp; a fixed one makes two trainings write identical bytes.
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def metadata_path(model_path: Path) -> Path:
    return model_path.with_suffix(".json")


def model_files_read(
    path: Path, *, what: str, model_format: str
) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """A saved model's description (the `.json` beside it) and arrays (the `.npz`), checked
    to be of `model_format`; a ModelLoadError that names `what` otherwise."""
    meta_file = metadata_path(path)
    try:
        metadata = json.loads(meta_file.read_text(encoding="utf-8"))
        with np.load(path, allow_pickle=False) as stored:
            arrays = {key: stored[key] for key in stored.files}
    except FileNotFoundError as exc:
        raise ModelLoadError(f"{what} file missing: {exc.filename}") from exc
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        raise ModelLoadError(f"{what} at {path} is unreadable: {exc}") from exc
    if not isinstance(metadata, dict) or metadata.get("format") != model_format:
        raise ModelLoadError(f"{meta_file} is not a {model_format} model description")
    return metadata, arrays


def model_format(path: Path) -> str:
    """The `format` named in the JSON beside `path`, "" when there is none to read."""
    try:
        metadata = json.loads(metadata_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    return str(metadata.get("format", "")) if isinstance(metadata, dict) else ""


def model_files_write(
    path: Path,
    arrays: Mapping[str, np.ndarray],
    metadata: Mapping[str, Any],
    *,
    version_prefix: str,
    compress: bool = True,
) -> dict[str, Any]:
    """Write `arrays` to `path` (.npz) and `metadata` with its version to the JSON beside it;
    returns the metadata written. The same arrays give the same bytes and the same version."""
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    digest = hashlib.sha256()
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(buffer, "w", compression=method) as archive:
        for name in sorted(arrays):
            member = io.BytesIO()
            np.lib.format.write_array(member, arrays[name], allow_pickle=False)
            digest.update(name.encode() + member.getvalue())
            info = zipfile.ZipInfo(f"{name}.npy", date_time=_ZIP_DATE)
            info.compress_type = method
            archive.writestr(info, member.getvalue())
    path.write_bytes(buffer.getvalue())
    written = {**metadata, "version": f"{version_prefix}-{digest.hexdigest()[:12]}"}
    metadata_path(path).write_text(
        json.dumps(written, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    return written


def file_description(path: Path) -> dict[str, str]:
    """A data file's name and digest, as a model's metadata records what it was trained on."""
    return {"file": path.name, "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
