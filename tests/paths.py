"""Where the shared, read-only data lives (beside the project's root, never inside it)."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FACTCHECK_SHARED_DIR", REPO.parent / "shared"))
SAMPLE_ARTICLES = SHARED / "samples" / "articles"
CORPUS = SHARED / "corpus"
