"""The one lookup of Amazon's official SP-API models (amazon_simulator/models.py):
``$AMAZON_SHARED_DIR``, ``shared/sp-api-models`` beside the clone, the download cache,
a download of the pinned commit; and the simulator without any of them."""

import json
import logging
import os
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from amazon_simulator import feeds, listings, models
from amazon_simulator.models import (
    MARKER,
    UPSTREAM_COMMIT,
    UPSTREAM_PATHS,
    UPSTREAM_REPOSITORY,
    SharedModelsMisconfigured,
    SharedModelsNotFound,
    shared_models_dir,
)

REAL_SHARED = [c for c in models.beside_candidates() if c.is_dir()]


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    """No AMAZON_SHARED_DIR, an empty cache, no download failure remembered, and no
    network: a clone in ``tmp_path / "work" / "clone"``."""
    monkeypatch.delenv(models.ENV_VAR, raising=False)
    monkeypatch.setenv("AMAZON_CONNECTOR_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(models, "_download_errors", {})
    monkeypatch.setattr(models, "RAW_URL", "http://127.0.0.1:9/{path}")  # discard
    clone = tmp_path / "work" / "clone"
    clone.mkdir(parents=True)
    return clone


def _models_copy(directory: Path) -> Path:
    directory.mkdir(parents=True)
    for name in UPSTREAM_PATHS:
        (directory / name).write_text(json.dumps({"name": name}), encoding="utf-8")
    return directory


def _never_download(target=None):
    raise AssertionError("the models are there: nothing is downloaded")


def _snapshot(directory: Path):
    return sorted(
        (str(p.relative_to(directory)), p.stat().st_mtime_ns)
        for p in directory.rglob("*")
    )


def test_shared_beside_the_clone_is_found_and_left_alone(isolated, monkeypatch):
    shared = _models_copy(isolated.parent / "shared" / "sp-api-models")
    before = _snapshot(shared.parent)
    shared.chmod(0o555)
    monkeypatch.setattr(models, "download", _never_download)
    try:
        assert shared_models_dir(start=isolated) == shared
        assert shared_models_dir(start=isolated / "tools") == shared
    finally:
        shared.chmod(0o755)
    assert _snapshot(shared.parent) == before, "the shared directory is never written"


def test_installed_outside_a_clone_looks_beside_the_current_directory(
    isolated, monkeypatch
):
    """A simulator installed from its package (no clone around its files) looks for
    ``shared/`` from the current directory up, not from site-packages."""
    shared = _models_copy(isolated.parent / "shared" / "sp-api-models")
    monkeypatch.setattr(models, "REPO", None)
    monkeypatch.setattr(models, "download", _never_download)
    monkeypatch.chdir(isolated)
    assert models.beside_candidates()[0] == isolated / models.MODELS_SUBDIR
    assert shared_models_dir() == shared
    assert models._clone() == Path(models.__file__).parents[2]  # run from a clone


@pytest.mark.parametrize("level", ["shared", "sp-api-models"])
def test_amazon_shared_dir_wins(isolated, monkeypatch, tmp_path, level):
    _models_copy(isolated.parent / "shared" / "sp-api-models")
    elsewhere = _models_copy(tmp_path / "elsewhere" / "shared" / "sp-api-models")
    given = elsewhere if level == "sp-api-models" else elsewhere.parent
    monkeypatch.setenv(models.ENV_VAR, str(given))
    monkeypatch.setattr(models, "download", _never_download)
    assert shared_models_dir(start=isolated) == elsewhere


def test_a_wrong_amazon_shared_dir_is_an_error_not_a_skip(isolated, monkeypatch):
    _models_copy(isolated.parent / "shared" / "sp-api-models")
    monkeypatch.setenv(models.ENV_VAR, str(isolated / "nowhere"))
    with pytest.raises(SharedModelsMisconfigured, match="AMAZON_SHARED_DIR="):
        shared_models_dir(start=isolated)
    assert not issubclass(SharedModelsMisconfigured, SharedModelsNotFound)


@pytest.mark.skipif(not REAL_SHARED, reason="no shared/sp-api-models beside the clone")
def test_the_real_shared_directory_is_found():
    """When the models are beside the clone, the suite uses them: nothing skips."""
    if os.environ.get(models.ENV_VAR):
        pytest.skip(f"{models.ENV_VAR} is set: it wins over {REAL_SHARED[0]}")
    found = shared_models_dir(fetch=False)
    assert found == REAL_SHARED[0]
    names = {p.name for p in found.glob("*.json")}
    assert names == set(UPSTREAM_PATHS), "UPSTREAM_PATHS lists every model file"
    assert models.load_model(MARKER)["paths"]


def test_the_download_cache_is_used(isolated, monkeypatch):
    cached = _models_copy(models.cache_dir())
    monkeypatch.setattr(models, "download", _never_download)
    assert shared_models_dir(start=isolated) == cached


class _Upstream(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def upstream(tmp_path, monkeypatch):
    """A loopback stand-in for raw.githubusercontent.com serving fake models at their
    upstream paths; yields the list of requested paths."""
    root = tmp_path / "upstream"
    base = root / UPSTREAM_REPOSITORY / UPSTREAM_COMMIT
    for path in UPSTREAM_PATHS.values():
        (base / path).parent.mkdir(parents=True, exist_ok=True)
        (base / path).write_text(json.dumps({"upstream": path}), encoding="utf-8")
    requested = []

    class Handler(_Upstream):
        def do_GET(self):
            requested.append(self.path)
            super().do_GET()

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=root))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setattr(
        models,
        "RAW_URL",
        f"http://127.0.0.1:{server.server_port}/{{repository}}/{{commit}}/{{path}}",
    )
    try:
        yield base, requested
    finally:
        server.shutdown()
        server.server_close()


def test_downloaded_at_the_pinned_commit_into_the_cache(isolated, upstream):
    _base, requested = upstream
    found = shared_models_dir(start=isolated)
    assert found == models.cache_dir()
    assert found.name == f"sp-api-models-{UPSTREAM_COMMIT}"
    for name, path in UPSTREAM_PATHS.items():
        assert json.loads((found / name).read_text()) == {"upstream": path}
    assert UPSTREAM_COMMIT in (found / "SOURCE").read_text()
    assert len(requested) == len(UPSTREAM_PATHS)
    assert [p.name for p in found.parent.iterdir()] == [found.name], "no partial copy"
    shared_models_dir(start=isolated)
    assert len(requested) == len(UPSTREAM_PATHS), "downloaded once"


def test_an_incomplete_download_leaves_nothing(isolated, upstream):
    base, _requested = upstream
    (base / UPSTREAM_PATHS["OrderChangeNotification.json"]).unlink()  # a 404
    with pytest.raises(SharedModelsNotFound, match="HTTP Error 404"):
        shared_models_dir(start=isolated)
    cache = models.cache_dir().parent
    assert not cache.exists() or not list(cache.iterdir()), "no partial copy"


def test_offline_fails_fast_once_and_names_how_to_provide(isolated, monkeypatch):
    calls = []
    real = models.download
    monkeypatch.setattr(models, "download", lambda t: calls.append(t) or real(t))
    started = time.monotonic()
    with pytest.raises(SharedModelsNotFound) as caught:
        shared_models_dir(start=isolated)
    with pytest.raises(SharedModelsNotFound):
        shared_models_dir(start=isolated)
    assert time.monotonic() - started < models.DOWNLOAD_TIMEOUT
    assert len(calls) == 1, "a failed download is not retried in the same process"
    message = str(caught.value)
    assert "set AMAZON_SHARED_DIR" in message
    assert str(isolated) in message and UPSTREAM_REPOSITORY in message
    assert not list(models.cache_dir().parent.iterdir()), "no partial copy"


def test_simulator_validates_without_the_models(isolated, monkeypatch, caplog):
    """The simulator (and so the demo) runs without the models: the listings feed is
    checked without its JSON schema, with one logged warning per schema."""
    monkeypatch.setattr(models, "_warned", set())
    models.load_model.cache_clear()
    monkeypatch.setattr(models, "REPO", isolated)
    feed = {
        "header": {"sellerId": "A1SELLER", "version": "2.0"},
        "messages": [
            {
                "messageId": 1,
                "sku": "SKU-0001",
                "operationType": "PATCH",
                "productType": "PRODUCT",
                "patches": [
                    {
                        "op": "replace",
                        "path": "/attributes/fulfillment_availability",
                        "value": [
                            {"fulfillment_channel_code": "DEFAULT", "quantity": 2}
                        ],
                    }
                ],
            },
            {"messageId": 2, "operationType": "PATCH"},
        ],
    }
    listings = {}
    with caplog.at_level(logging.WARNING, logger=models.__name__):
        for _ in range(2):
            outcome = feeds.process_listings_feed(
                json.dumps(feed).encode(), "F1", "A1SELLER", listings
            )
    models.load_model.cache_clear()
    assert outcome.status == "DONE"
    assert outcome.report_data["summary"]["messagesAccepted"] == 1
    assert outcome.report_data["summary"]["messagesInvalid"] == 1
    assert listings["SKU-0001"]["quantity"] == 2
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 2, warnings  # the feed schema and the message schema
    assert all("schema validation skipped" in w for w in warnings)


MESSAGES = [
    {
        "messageId": 1,
        "sku": "SKU-0001",
        "operationType": "PATCH",
        "productType": "PRODUCT",
        "patches": [
            {
                "op": "replace",
                "path": "/attributes/fulfillment_availability",
                "value": [{"fulfillment_channel_code": "DEFAULT", "quantity": 2}],
            }
        ],
    },
    {"messageId": 2, "sku": "SKU-0002", "operationType": "PATCH"},
    {"messageId": 3, "sku": "SKU-0003", "operationType": "UPDATE", "productType": "X"},
    {"messageId": 4, "sku": "SKU-0004", "operationType": "DELETE"},
    {"messageId": 5, "operationType": "DELETE"},
    {"messageId": 6, "sku": "SKU-0005", "operationType": "REPLACE"},
    {"messageId": 7, "sku": "SKU-0006", "operationType": ["DELETE"]},
]


def _invalid_messages(schema):
    return sorted(
        {
            issue.get("messageId")
            for message in MESSAGES
            for issue in feeds._check_message(
                message, schema, listings.Knowledge(), "A1PA6795UKMFR9"
            )
        }
    )


def test_without_the_schema_the_same_messages_are_refused():
    """The simulator's own checks refuse what the official message schema refuses
    (for these messages): its answers do not depend on the models being there."""
    try:
        schema = models.load_model("listings-feed-message-schema-v2.json")
    except SharedModelsNotFound as error:
        pytest.skip(str(error))
    assert _invalid_messages(schema) == [2, 3, 5, 6, 7]
    assert _invalid_messages(None) == [2, 3, 5, 6, 7]
