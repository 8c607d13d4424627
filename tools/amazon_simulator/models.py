"""Where Amazon's official SP-API models are found: the one lookup the tests and the
simulator use.

The models are OpenAPI/JSON-Schema files of Amazon's public repository
``amzn/selling-partner-api-models`` (Apache-2.0), at one pinned commit. They are not
part of this repository; ``shared_models_dir()`` finds them, in this order:

1. ``$AMAZON_SHARED_DIR``: a directory holding ``sp-api-models/``, or that directory
   itself. When it is set, it must hold them (a wrong path is an error, never a skip).
2. ``shared/sp-api-models`` beside the clone or one of its parents
   (``../shared/sp-api-models`` seen from the repository); for a simulator installed
   from its package outside a clone, beside the current directory or its parents.
3. A copy downloaded earlier into the cache
   (``$AMAZON_CONNECTOR_CACHE``, default ``~/.cache/amazon_connector``,
   ``sp-api-models-<commit>``).
4. A download of the pinned commit's files into that cache, when the machine is
   online: tried once per process, with a short timeout, written atomically.

None of them is ever written into except the cache (a read-only ``shared`` works).
When none can be had, ``SharedModelsNotFound`` says what was tried and how to provide
the models: the tests that need them skip with that reason, the simulator skips its
schema validation with a logged warning.
"""

from __future__ import annotations

import functools
import http.client
import json
import logging
import os
import shutil
import tempfile
import threading
import urllib.request
from pathlib import Path

_logger = logging.getLogger(__name__)

ENV_VAR = "AMAZON_SHARED_DIR"
MODELS_DIRNAME = "sp-api-models"
MODELS_SUBDIR = Path("shared") / MODELS_DIRNAME
UPSTREAM_REPOSITORY = "amzn/selling-partner-api-models"
UPSTREAM_COMMIT = "34dc93fe45f37c9a0b2e56823c808f68b4f81754"
RAW_URL = "https://raw.githubusercontent.com/{repository}/{commit}/{path}"
#: Seconds for each downloaded file (connect and read).
DOWNLOAD_TIMEOUT = 10
#: Every model file the tests and the simulator use, and its path upstream.
UPSTREAM_PATHS = {
    "orders_2026-01-01.json": "models/orders-api-model/orders_2026-01-01.json",
    "ordersV0.json": "models/orders-api-model/ordersV0.json",
    "feeds_2021-06-30.json": "models/feeds-api-model/feeds_2021-06-30.json",
    "reports_2021-06-30.json": "models/reports-api-model/reports_2021-06-30.json",
    "listingsItems_2021-08-01.json": (
        "models/listings-items-api-model/listingsItems_2021-08-01.json"
    ),
    "listings-feed-schema-v2.json": "schemas/feeds/listings-feed-schema-v2.json",
    "listings-feed-schema-v2.example.json": (
        "schemas/feeds/listings-feed-schema-v2.example.json"
    ),
    "listings-feed-message-schema-v2.json": (
        "schemas/feeds/listings-feed-message-schema-v2.json"
    ),
    "listings-feed-processing-report-schema-v2.json": (
        "schemas/feeds/listings-feed-processing-report-schema-v2.json"
    ),
    "listings-feed-processing-report-schema-v2.example.json": (
        "schemas/feeds/listings-feed-processing-report-schema-v2.example.json"
    ),
    "OrderChangeNotification.json": (
        "schemas/notifications/OrderChangeNotification.json"
    ),
    "fbaInventory.json": "models/fba-inventory-api-model/fbaInventory.json",
    "notifications.json": "models/notifications-api-model/notifications.json",
}
#: A file whose presence tells a models directory from any other directory.
MARKER = "orders_2026-01-01.json"


class SharedModelsNotFound(RuntimeError):
    """The official models cannot be had: the message says what was tried and how to
    provide them."""


class SharedModelsMisconfigured(RuntimeError):
    """``$AMAZON_SHARED_DIR`` is set but holds no models: a mistake to fix, not a
    reason to skip."""


def cache_dir() -> Path:
    """Where the pinned commit's models are downloaded to."""
    root = os.environ.get("AMAZON_CONNECTOR_CACHE") or (
        Path.home() / ".cache" / "amazon_connector"
    )
    return Path(root) / f"{MODELS_DIRNAME}-{UPSTREAM_COMMIT}"


def _clone() -> Path | None:
    """The repository clone this file is part of (tools/amazon_simulator/models.py),
    or ``None`` when the simulator is installed from its package, outside a clone."""
    root = Path(__file__).absolute().parents[2]
    return root if (root / "amazon_connector" / "__manifest__.py").is_file() else None


#: The repository clone the simulator runs from, if any.
REPO = _clone()


def _default_start() -> Path:
    """Where ``shared/`` is looked for by default: the clone, else (an installed
    simulator) the current directory."""
    return REPO or Path.cwd()


def beside_candidates(start: Path | str | None = None) -> list[Path]:
    """``shared/sp-api-models`` in ``start`` (default: the clone, or the current
    directory outside a clone) and each of its parents, as written and with symbolic
    links resolved."""
    here = Path(start or _default_start()).absolute()
    candidates = []
    for base in (here, here.resolve()):
        for parent in (base, *base.parents):
            candidate = parent / MODELS_SUBDIR
            if candidate not in candidates:
                candidates.append(candidate)
    return candidates


def _from_env(value: str) -> Path:
    shared = Path(value).expanduser()
    for candidate in (shared / MODELS_DIRNAME, shared):
        if (candidate / MARKER).is_file():
            return candidate
    raise SharedModelsMisconfigured(
        f"{ENV_VAR}={value} holds no official SP-API models: neither "
        f"{shared / MODELS_DIRNAME / MARKER} nor {shared / MARKER} exists. Point it at "
        f"the directory holding {MODELS_DIRNAME}/, or unset it."
    )


_download_lock = threading.Lock()
#: Download failures of this process, by target directory: tried once, then remembered.
_download_errors: dict[Path, str] = {}


def download(target: Path | None = None) -> Path:
    """Download the pinned commit's model files into ``target`` (default: the cache),
    atomically: the directory appears complete or not at all.

    Raises ``OSError`` (with what failed) when offline or when a file is missing.
    """
    target = Path(target or cache_dir())
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        for name, path in UPSTREAM_PATHS.items():
            url = RAW_URL.format(
                repository=UPSTREAM_REPOSITORY, commit=UPSTREAM_COMMIT, path=path
            )
            with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT) as response:
                content = response.read()
            try:
                json.loads(content)
            except ValueError as error:
                raise OSError(f"{url} is not JSON: {error}") from None
            (partial / name).write_bytes(content)
        (partial / "SOURCE").write_text(
            f"Downloaded unchanged from https://github.com/{UPSTREAM_REPOSITORY} at "
            f"commit {UPSTREAM_COMMIT} (Apache License 2.0).\n",
            encoding="utf-8",
        )
        try:
            partial.rename(target)
        except OSError:
            if not (target / MARKER).is_file():  # not another process's copy
                raise
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return target


def _download_once(target: Path) -> str | None:
    """Download into ``target`` unless this process already failed to; the error, or
    ``None`` once the models are there."""
    with _download_lock:
        if (target / MARKER).is_file():
            return None
        if target not in _download_errors:
            try:
                download(target)
            except (OSError, http.client.HTTPException, ValueError) as error:
                # offline, no such file upstream, a read-only cache...
                _download_errors[target] = f"{type(error).__name__}: {error}"
                _logger.debug("SP-API models download failed: %s", error)
            else:
                _logger.info("SP-API models downloaded into %s", target)
                return None
        return _download_errors[target]


def shared_models_dir(start: Path | str | None = None, *, fetch: bool = True) -> Path:
    """The directory of the official models (see the module's documentation).

    Raises ``SharedModelsMisconfigured`` when ``$AMAZON_SHARED_DIR`` is wrong, and
    ``SharedModelsNotFound`` when nothing holds the models and they cannot be
    downloaded (``fetch=False``: without trying).
    """
    env = os.environ.get(ENV_VAR)
    if env:
        return _from_env(env)
    candidates = beside_candidates(start)
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    cached = cache_dir()
    if (cached / MARKER).is_file():
        return cached
    source = f"{UPSTREAM_REPOSITORY}@{UPSTREAM_COMMIT[:12]}"
    if fetch:
        error = _download_once(cached)
        if error is None:
            return cached
        download_note = f"and downloading {source} failed: {error}"
    else:
        download_note = f"and no download of {source} was tried"
    raise SharedModelsNotFound(
        f"official SP-API models not found: set {ENV_VAR} to a directory holding "
        f"{MODELS_DIRNAME}/ ({ENV_VAR} is unset; no {MODELS_SUBDIR} in "
        f"{Path(start or _default_start())} or its parents; no download in {cached}, "
        f"{download_note})"
    )


@functools.cache
def load_model(name: str) -> dict:
    """One model file (``orders_2026-01-01.json``, a listings feed schema...)."""
    with open(shared_models_dir() / name, encoding="utf-8") as handle:
        return json.load(handle)


_warned: set[str] = set()


def try_load_model(name: str) -> dict | None:
    """The model, or ``None`` (with one logged warning per file) when the models
    cannot be had: what uses it then does without."""
    try:
        return load_model(name)
    except (SharedModelsNotFound, SharedModelsMisconfigured, OSError, ValueError) as e:
        if name not in _warned:
            _warned.add(name)
            _logger.warning("%s not available, schema validation skipped: %s", name, e)
        return None
