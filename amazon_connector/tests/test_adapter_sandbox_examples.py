"""Amazon's own static sandbox examples (``x-amzn-api-sandbox``) replayed through the
adapter.

A tiny loopback HTTP stub answers each example's response; the adapter is called with
the example's request parameters; the test checks what reached the stub (query and
JSON body as the model's example states them) and that the adapter returns the
example's data, or raises the right error for the error examples.
"""

import json
import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from amazon_simulator import SharedModelsNotFound, shared_models_dir

from ..amazon.adapter import SpApiAdapter
from ..amazon.credentials import AmazonCredentials
from ..amazon.errors import AmazonPermanentError
from ..amazon.throttle import ThrottleRegistry

OPERATIONS = {
    "orders_2026-01-01.json": ("searchOrders", "getOrder"),
    "ordersV0.json": ("confirmShipment",),
    "feeds_2021-06-30.json": (
        "createFeedDocument",
        "createFeed",
        "getFeed",
        "getFeedDocument",
    ),
    "reports_2021-06-30.json": ("getReports", "getReportDocument"),
    "listingsItems_2021-08-01.json": ("patchListingsItem",),
}
SELLER_ID = "A2SELLERSTUB"
DOCUMENT = "sku\tquantity\nSKU-1\t3\nMüller-Ä\t1\n".encode()


def _examples():
    """The examples as test parameters, or one skipped parameter naming what is
    missing and how to provide it when the official models cannot be had."""
    try:
        models = shared_models_dir()
    except SharedModelsNotFound as error:
        return [
            pytest.param(
                *(None, None, None),
                id="models-missing",
                marks=pytest.mark.skip(reason=str(error)),
            )
        ]
    cases = []
    for filename, operations in OPERATIONS.items():
        path = models / filename
        if not path.exists():
            continue
        spec = json.loads(path.read_text(encoding="utf-8"))
        for item in spec["paths"].values():
            for operation in item.values():
                if not isinstance(operation, dict):
                    continue
                if operation.get("operationId") not in operations:
                    continue
                for status, response in operation["responses"].items():
                    statics = response.get("x-amzn-api-sandbox", {}).get("static", [])
                    for index, example in enumerate(statics):
                        cases.append(
                            pytest.param(
                                operation["operationId"],
                                int(status),
                                example,
                                id=f"{operation['operationId']}-{status}-{index}",
                            )
                        )
    return cases


EXAMPLES = _examples()


class StubServer(ThreadingHTTPServer):
    """Answers the LWA token request itself, every other request from a queue of
    canned (status, JSON or bytes) answers, and records what it received."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), StubHandler)
        self.answers = []
        self.requests = []
        self.url = f"http://127.0.0.1:{self.server_address[1]}"


class StubHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output quiet
        pass

    def _handle(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        split = urlsplit(self.path)
        if split.path == "/auth/o2/token":
            self._send(200, {"access_token": "Atza|stub", "expires_in": 3600})
            return
        self.server.requests.append(
            {
                "method": self.command,
                "path": split.path,
                "query": {k: v[0] for k, v in parse_qs(split.query).items()},
                "body": body,
                "content_type": self.headers.get("Content-Type"),
                "host": self.headers.get("Host"),
            }
        )
        status, payload = self.server.answers.pop(0)
        self._send(status, payload)

    def _send(self, status, payload):
        if isinstance(payload, bytes):
            data, content_type = payload, "application/octet-stream"
        else:
            data, content_type = json.dumps(payload).encode(), "application/json"
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", "stub-request-id")
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_PATCH = _handle


@pytest.fixture(scope="module")
def stub():
    server = StubServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def adapter(stub):
    stub.answers.clear()
    stub.requests.clear()
    adapter = SpApiAdapter(
        AmazonCredentials("amzn1.application-oa2-client.stub", "stub-secret", "Atzr|x"),
        "na",
        seller_id=SELLER_ID,
        endpoint_url=stub.url,
        token_url=f"{stub.url}/auth/o2/token",
        timeout=5,
        max_attempts=1,
        sleep=lambda s: None,
        throttle=ThrottleRegistry(rate_limits={}),
    )
    yield adapter
    adapter.close()


def _value(params, name, default=None):
    return params[name]["value"] if name in params else default


def _aware(text):
    """The example's timestamp as an aware datetime (strings that are not one,
    like "TEST_CASE_400", are passed as they are)."""
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text


def _csv(values):
    return ",".join(values) if values else None


def test_every_model_has_examples():
    try:
        shared_models_dir()
    except SharedModelsNotFound as error:
        pytest.skip(str(error))
    operations = {param.values[0] for param in EXAMPLES}
    assert operations == {op for ops in OPERATIONS.values() for op in ops}


@pytest.mark.parametrize("operation,status,example", EXAMPLES)
def test_sandbox_example_replays(stub, adapter, operation, status, example):
    params = example["request"]["parameters"]
    response = example["response"]
    replay = REPLAYS[operation]
    if status >= 400:
        with pytest.raises(AmazonPermanentError) as caught:
            replay(stub, adapter, params, (status, response))
        error = response["errors"][0]
        assert caught.value.status == status
        assert caught.value.code == error["code"]
        assert error["message"] in str(caught.value)
        assert caught.value.operation == operation
        assert "stub-request-id" in str(caught.value)
    else:
        replay(stub, adapter, params, (status, response))
    # python-amazon-sp-api would send "27.0.0.1:port" (endpoint[8:]) for http://.
    assert {r["host"] for r in stub.requests} == {urlsplit(stub.url).netloc}


def replay_search_orders(stub, adapter, params, answer):
    token = _value(params, "paginationToken")
    if token:  # reach the example's page through a first page that points to it
        stub.answers.append((200, {"orders": [], "pagination": {"nextToken": token}}))
    stub.answers.append(answer)
    pages = adapter.search_orders(
        marketplace_ids=_value(params, "marketplaceIds", ["ATVPDKIKX0DER"]),
        created_after=_aware(_value(params, "createdAfter")),
        included_data=_value(params, "includedData"),
    )
    if token:
        assert next(pages) == []
    page = next(pages)
    pages.close()
    assert page == answer[1]["orders"]
    sent = stub.requests[-1]["query"]
    assert sent["createdAfter"] == _value(params, "createdAfter")
    for name in ("marketplaceIds", "includedData"):
        assert sent.get(name) == _csv(_value(params, name))
    assert sent.get("paginationToken") == token


def replay_get_order(stub, adapter, params, answer):
    stub.answers.append(answer)
    included = _value(params, "includedData")
    call = lambda: adapter.get_order(  # noqa: E731
        _value(params, "orderId"), included_data=included or ()
    )
    body = answer[1]
    if answer[0] < 400 and "order" not in body:
        # A few getOrder examples of the 2026-01-01 model still carry the v0 shape
        # ({"payload": {"AmazonOrderId": ...}}): the adapter refuses them.
        with pytest.raises(AmazonPermanentError, match="unexpected structure"):
            call()
        return
    order = call()
    assert order == body["order"]
    sent = stub.requests[-1]
    assert sent["path"] == f"/orders/2026-01-01/orders/{_value(params, 'orderId')}"
    assert sent["query"].get("includedData") == _csv(included)


def replay_confirm_shipment(stub, adapter, params, answer):
    stub.answers.append(answer)
    body = _value(params, "body")
    result = adapter.confirm_shipment(
        _value(params, "orderId"),
        marketplace_id=body["marketplaceId"],
        package_detail=body["packageDetail"],
    )
    assert result is None
    sent = stub.requests[-1]
    assert sent["path"].endswith(f"/{_value(params, 'orderId')}/shipmentConfirmation")
    assert json.loads(sent["body"]) == body  # exactly the model's body, nothing more


def replay_create_feed_document(stub, adapter, params, answer):
    body = _value(params, "body")
    content_type = body.get("contentType") or "text/xml; charset=UTF-8"
    status, response = answer
    if status < 400:
        response = dict(response, url=f"{stub.url}/upload/doc-1")
        stub.answers += [(status, response), (200, b""), (202, {"feedId": "F1"})]
    else:
        stub.answers.append(answer)
    feed_id = adapter.submit_feed(
        "POST_PRODUCT_DATA",
        marketplace_ids=["ATVPDKIKX0DER"],
        content=DOCUMENT,
        content_type=content_type,
    )
    assert feed_id == "F1"
    create_document, upload, create_feed = stub.requests
    assert json.loads(create_document["body"]) == {"contentType": content_type}
    assert upload["path"] == "/upload/doc-1"
    assert upload["body"] == DOCUMENT
    assert upload["content_type"] == content_type
    assert (
        json.loads(create_feed["body"])["inputFeedDocumentId"]
        == (response["feedDocumentId"])
    )


def replay_create_feed(stub, adapter, params, answer):
    body = _value(params, "body")
    stub.answers += [
        (201, {"feedDocumentId": body["inputFeedDocumentId"], "url": f"{stub.url}/up"}),
        (200, b""),
        answer,
    ]
    feed_id = adapter.submit_feed(
        body.get("feedType", "POST_PRODUCT_DATA"),
        marketplace_ids=body["marketplaceIds"],
        content=DOCUMENT,
        content_type="text/tab-separated-values; charset=UTF-8",
    )
    assert feed_id == answer[1]["feedId"]
    sent = json.loads(stub.requests[-1]["body"])
    assert sent == {"feedType": "POST_PRODUCT_DATA", **body}  # no leaked keys


def replay_get_feed(stub, adapter, params, answer):
    stub.answers.append(answer)
    assert adapter.get_feed(_value(params, "feedId")) == answer[1]
    assert (
        stub.requests[-1]["path"]
        == f"/feeds/2021-06-30/feeds/{_value(params, 'feedId')}"
    )


def _replay_document(stub, params, answer, id_name):
    status, response = answer
    if status < 400:
        response = dict(response, url=f"{stub.url}/documents/{response[id_name]}")
        stub.answers += [(status, response), (200, DOCUMENT)]
    else:
        stub.answers.append(answer)
    return _value(params, id_name)


def replay_get_feed_document(stub, adapter, params, answer):
    document_id = _replay_document(stub, params, answer, "feedDocumentId")
    assert adapter.get_feed_document(document_id) == DOCUMENT
    assert stub.requests[0]["path"] == f"/feeds/2021-06-30/documents/{document_id}"
    assert stub.requests[1]["path"] == f"/documents/{document_id}"


def replay_get_report_document(stub, adapter, params, answer):
    document_id = _replay_document(stub, params, answer, "reportDocumentId")
    assert adapter.get_report_document(document_id) == DOCUMENT
    assert stub.requests[0]["path"] == f"/reports/2021-06-30/documents/{document_id}"


def replay_get_reports(stub, adapter, params, answer):
    stub.answers.append(answer)
    if answer[0] < 400 and answer[1].get("nextToken"):
        stub.answers.append((200, {"reports": [{"reportId": "LastPage"}]}))
    reports = list(
        adapter.get_reports(
            report_types=_value(params, "reportTypes"),
            processing_statuses=_value(params, "processingStatuses"),
        )
    )
    assert reports == [*answer[1]["reports"], {"reportId": "LastPage"}]
    first, second = stub.requests
    assert first["query"] == {
        "reportTypes": _csv(_value(params, "reportTypes")),
        "processingStatuses": _csv(_value(params, "processingStatuses")),
    }  # no implicit marketplace filter
    assert second["query"] == {"nextToken": answer[1]["nextToken"]}  # sent alone


def replay_patch_listings_item(stub, adapter, params, answer):
    stub.answers.append(answer)
    sku = _value(params, "sku", "GM-ZDPI-9B4E")
    patches = [{"op": "replace", "path": "/attributes/item_name", "value": []}]
    result = adapter.patch_listings_item(
        sku,
        marketplace_ids=_value(params, "marketplaceIds", ["ATVPDKIKX0DER"]),
        product_type="PRODUCT",
        patches=patches,
        mode=_value(params, "mode"),
    )
    assert result == answer[1]
    sent = stub.requests[-1]
    assert sent["method"] == "PATCH"
    assert sent["path"] == f"/listings/2021-08-01/items/{SELLER_ID}/{sku}"
    assert sent["query"].get("mode") == _value(params, "mode")
    assert json.loads(sent["body"]) == {"productType": "PRODUCT", "patches": patches}


REPLAYS = {
    "searchOrders": replay_search_orders,
    "getOrder": replay_get_order,
    "confirmShipment": replay_confirm_shipment,
    "createFeedDocument": replay_create_feed_document,
    "createFeed": replay_create_feed,
    "getFeed": replay_get_feed,
    "getFeedDocument": replay_get_feed_document,
    "getReports": replay_get_reports,
    "getReportDocument": replay_get_report_document,
    "patchListingsItem": replay_patch_listings_item,
}
