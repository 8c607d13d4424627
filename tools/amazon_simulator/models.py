"""Where the official SP-API models live, and the JSON schemas the simulator uses."""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path

MODELS_SUBDIR = Path("shared") / "sp-api-models"


class SharedModelsNotFound(RuntimeError):
    """The official models directory (shared/sp-api-models) cannot be found."""


def shared_models_dir(start: Path | str | None = None) -> Path:
    """Path of ``shared/sp-api-models``.

    ``AMAZON_SHARED_DIR`` (the ``shared`` directory) wins; otherwise walk up from
    ``start`` (default: this file) looking for a ``shared/sp-api-models`` beside one of
    the parents (the repository clone has ``shared/`` next to it).
    """
    env = os.environ.get("AMAZON_SHARED_DIR")
    if env:
        candidate = Path(env) / "sp-api-models"
        if candidate.is_dir():
            return candidate
        if Path(env).name == "sp-api-models" and Path(env).is_dir():
            return Path(env)
        raise SharedModelsNotFound(
            f"AMAZON_SHARED_DIR={env} has no sp-api-models directory"
        )
    here = Path(start or __file__).resolve()
    for parent in (here, *here.parents):
        candidate = parent / MODELS_SUBDIR
        if candidate.is_dir():
            return candidate
    raise SharedModelsNotFound(
        "Cannot find shared/sp-api-models: "
        "set AMAZON_SHARED_DIR to the shared directory"
    )


@functools.cache
def load_model(name: str) -> dict:
    """One model file (``orders_2026-01-01.json``, a listings feed schema...)."""
    with open(shared_models_dir() / name, encoding="utf-8") as handle:
        return json.load(handle)


def try_load_model(name: str) -> dict | None:
    """The model, or ``None`` when the shared directory is not available."""
    try:
        return load_model(name)
    except (SharedModelsNotFound, OSError):
        return None
