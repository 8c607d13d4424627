"""The python-amazon-sp-api internals that amazon/sp_api_compat.py relies on.

The compat layer subclasses the library's clients and token client, overrides private
methods and replaces private attributes. A release that changes any of them fails here,
with a message naming the internal and the library version, instead of breaking a call
to Amazon. The last tests check that every installed requirement is inside the tested
range that requirements.txt / tools/requirements-dev.txt declare.

Plain pytest functions: no database needed.
"""

import functools
import importlib
import importlib.metadata
import inspect
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
from packaging.requirements import InvalidRequirement, Requirement

LIBRARY = "python-amazon-sp-api"
LIBRARY_VERSION = importlib.metadata.version(LIBRARY)
COMPAT = "amazon/sp_api_compat.py"
CLIENT = "sp_api.base.client:Client"
TOKEN_CLIENT = "sp_api.auth:AccessTokenClient"
REPO = Path(__file__).resolve().parents[2]
REQUIREMENT_FILES = ("requirements.txt", "tools/requirements-dev.txt")

ENDPOINT = "https://sellingpartnerapi-eu.internals.test"
LWA_URL = "https://lwa.internals.test/auth/o2/token"
TOKEN = "Atza|internals-test-token"
DE = "A1PA6795UKMFR9"
CODE_CREDENTIALS = {
    "lwa_app_id": "code-client-id",
    "lwa_client_secret": "code-client-secret",
    "refresh_token": "Atzr|code-refresh-token",
}
# What the library would read from the environment without credential_providers=.
ENV_CREDENTIALS = {
    "LWA_APP_ID": "env-client-id",
    "LWA_CLIENT_SECRET": "env-client-secret",
    "SP_API_REFRESH_TOKEN": "Atzr|env-refresh-token",
}


def changed(internal: str, problem: str, why: str = "") -> str:
    """The message of a failing check: library version, internal, what changed."""
    because = f" ({why})" if why else ""
    return (
        f"{LIBRARY} {LIBRARY_VERSION}: {internal} {problem}; "
        f"{COMPAT} relies on it{because}"
    )


def display(path: str) -> str:
    return path.replace(":", ".")


# --------------------------------------------------------------------------- shapes


@dataclass(frozen=True)
class Internal:
    """One library internal: ``path`` is ``module:qualified.name``.

    ``kind`` is "class", "callable", "property", "value" or "logger"; ``positional``
    the leading positional parameters, in order; ``params`` parameters that must be
    passable by keyword ("**" for arbitrary keywords); ``base`` a class it must
    subclass; ``why`` what the compat layer does with it.
    """

    path: str
    kind: str
    why: str
    positional: tuple[str, ...] = ()
    params: tuple[str, ...] = ()
    base: str | None = None

    @property
    def name(self) -> str:
        return display(self.path)


_MISSING = object()


def resolve(path: str):
    """The object at ``module:qualified.name``, or ``_MISSING``."""
    module_name, _, qualname = path.partition(":")
    try:
        obj = importlib.import_module(module_name)
    except ImportError:
        return _MISSING
    for part in qualname.split(".") if qualname else ():
        if inspect.isclass(obj):
            # Static lookup: a property is seen as a property, not its value.
            obj = inspect.getattr_static(obj, part, _MISSING)
        else:
            obj = getattr(obj, part, _MISSING)
        if obj is _MISSING:
            return _MISSING
    return obj


def problems(internal: Internal) -> list[str]:
    """What no longer matches ``internal`` in the installed library (empty: all)."""
    obj = resolve(internal.path)
    if obj is _MISSING:
        return [changed(internal.name, "no longer exists", internal.why)]
    found = []
    if internal.kind == "class":
        if not inspect.isclass(obj):
            return [changed(internal.name, "is no longer a class", internal.why)]
        if internal.base:
            base = resolve(internal.base)
            if base is _MISSING or not issubclass(obj, base):
                found.append(
                    changed(
                        internal.name,
                        f"is no longer a subclass of {display(internal.base)}",
                        internal.why,
                    )
                )
    elif internal.kind == "property":
        if not isinstance(obj, property):
            return [changed(internal.name, "is no longer a property", internal.why)]
    elif internal.kind == "logger":
        module_name = internal.path.partition(":")[0]
        if not isinstance(obj, logging.Logger) or obj.name != module_name:
            return [
                changed(
                    internal.name,
                    f"is no longer the logger named {module_name!r}",
                    internal.why,
                )
            ]
    elif internal.kind == "callable":
        if isinstance(obj, (staticmethod, classmethod)):
            obj = obj.__func__
        if not callable(obj):
            return [changed(internal.name, "is no longer callable", internal.why)]
        found += _signature_problems(internal, obj)
    return found


def _signature_problems(internal: Internal, func) -> list[str]:
    try:
        parameters = inspect.signature(func).parameters
    except (TypeError, ValueError):
        return [changed(internal.name, "has no readable signature", internal.why)]
    found = []
    if internal.positional:
        leading = [
            p.name
            for p in parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ][: len(internal.positional)]
        if tuple(leading) != internal.positional:
            found.append(
                changed(
                    internal.name,
                    f"now takes ({', '.join(leading)}) first, "
                    f"not ({', '.join(internal.positional)})",
                    internal.why,
                )
            )
    for name in internal.params:
        if name == "**":
            if not any(p.kind == p.VAR_KEYWORD for p in parameters.values()):
                found.append(
                    changed(
                        internal.name,
                        "no longer takes arbitrary keyword arguments (**kwargs)",
                        internal.why,
                    )
                )
            continue
        parameter = parameters.get(name)
        if parameter is None or parameter.kind not in (
            parameter.POSITIONAL_OR_KEYWORD,
            parameter.KEYWORD_ONLY,
        ):
            found.append(
                changed(internal.name, f"no longer takes {name!r}", internal.why)
            )
    return found


def _api_class(name: str, why: str) -> Internal:
    return Internal(f"sp_api.api:{name}", "class", why, base=CLIENT)


def _api_method(path: str, positional: tuple[str, ...], why: str) -> Internal:
    return Internal(
        f"sp_api.api:{path}", "callable", why, positional=positional, params=("**",)
    )


INTERNALS = (
    # The API classes the compat clients subclass.
    _api_class("OrdersV20260101", "OrdersClient subclasses it"),
    _api_class("OrdersV0", "OrdersV0Client subclasses it"),
    _api_class("Sellers", "SellersClient subclasses it"),
    _api_class("ListingsItemsV20210801", "ListingsItemsClient subclasses it"),
    _api_class("FeedsV20210630", "FeedsClient subclasses it"),
    _api_class("Reports", "ReportsClient subclasses it"),
    # Their public methods the adapter calls through the compat clients.
    _api_method("OrdersV20260101.search_orders", ("self",), "searchOrders"),
    _api_method("OrdersV20260101.get_order", ("self", "order_id"), "getOrder"),
    _api_method("OrdersV0.confirm_shipment", ("self", "order_id"), "confirmShipment"),
    _api_method("Sellers.get_marketplace_participation", ("self",), "Test connection"),
    _api_method(
        "ListingsItemsV20210801.patch_listings_item",
        ("self", "sellerId", "sku"),
        "patchListingsItem, with the JSON body as body=",
    ),
    _api_method("FeedsV20210630.get_feed", ("self", "feedId"), "getFeed"),
    _api_method(
        "Reports.get_report_document",
        ("self", "reportDocumentId", "download"),
        "getReportDocument without the library's download",
    ),
    # The base client.
    Internal(CLIENT, "class", "every API class derives from it"),
    Internal(
        f"{CLIENT}.__init__",
        "callable",
        "CompatClient.__init__ and the adapter pass these keywords",
        params=(
            "marketplace",
            "refresh_token",
            "credentials",
            "version",
            "verify",
            "credential_providers",
            "auth_token_client_class",
        ),
    ),
    Internal(
        f"{CLIENT}._request",
        "callable",
        "the clean feed/report methods call it with these arguments",
        positional=("self", "path"),
        params=("data", "params", "add_marketplace"),
    ),
    Internal(
        f"{CLIENT}._check_response",
        "callable",
        "CompatClient overrides it with this signature; _request calls it positionally",
        positional=("self", "res", "res_no_data", "bulk", "wrap_list"),
    ),
    Internal(f"{CLIENT}.headers", "property", "CompatClient overrides it"),
    Internal(
        f"{CLIENT}.auth",
        "property",
        "CompatClient.headers reads self.auth.access_token",
    ),
    Internal(f"{CLIENT}.user_agent", "value", "CompatClient.headers sends it"),
    Internal(
        "sp_api.base.client:log",
        "logger",
        "install_log_guard filters the library's DEBUG records by logger name",
    ),
    Internal(
        "sp_api.asyncio.base.client:log",
        "logger",
        "install_log_guard filters the async client's DEBUG records by logger name",
    ),
    # The LWA token client.
    Internal(TOKEN_CLIENT, "class", "LwaTokenClient subclasses it"),
    Internal(
        f"{TOKEN_CLIENT}.__init__",
        "callable",
        "LwaTokenClient keeps this signature and skips super().__init__",
        positional=("self", "refresh_token", "credentials", "proxies", "verify"),
    ),
    Internal(
        f"{TOKEN_CLIENT}.get_auth",
        "callable",
        "LwaTokenClient overrides it",
        positional=("self",),
    ),
    Internal(
        f"{TOKEN_CLIENT}.get_grantless_auth",
        "callable",
        "LwaTokenClient overrides it",
        positional=("self", "scope"),
    ),
    Internal(
        f"{TOKEN_CLIENT}.data",
        "property",
        "LwaTokenClient posts it (built from self.cred and grant_type)",
    ),
    Internal(
        f"{TOKEN_CLIENT}.headers",
        "property",
        "LwaTokenClient sends it (built from user_agent and content_type)",
    ),
    Internal(f"{TOKEN_CLIENT}.grant_type", "value", "the data property sends it"),
    Internal(
        "sp_api.auth:AccessTokenResponse.__init__",
        "callable",
        "LwaTokenClient.get_auth builds one with access_token= and token_type=",
        params=("**",),
    ),
    # Credentials from code only.
    Internal(
        "sp_api.base.credential_provider:FromCodeCredentialProvider",
        "class",
        "CompatClient passes credential_providers=(FromCodeCredentialProvider,)",
    ),
    Internal(
        "sp_api.base.credential_provider:MissingCredentials",
        "class",
        "what the library raises when the code gives no credentials",
    ),
)


@pytest.mark.parametrize("internal", INTERNALS, ids=lambda i: i.name)
def test_internal_has_the_expected_shape(internal):
    found = problems(internal)
    assert not found, "\n".join(found)


# --------------------------------------------------------------------------- checks can fail


def _by_name(name: str) -> Internal:
    (internal,) = [i for i in INTERNALS if i.name == name]
    return internal


def test_check_names_a_removed_method(monkeypatch):
    client = resolve(CLIENT)
    monkeypatch.delattr(client, "_request")
    found = problems(_by_name("sp_api.base.client.Client._request"))
    assert found == [
        f"{LIBRARY} {LIBRARY_VERSION}: sp_api.base.client.Client._request no longer "
        f"exists; {COMPAT} relies on it (the clean feed/report methods call it with "
        "these arguments)"
    ]


def test_check_names_a_removed_parameter(monkeypatch):
    def _request(self, path, *, data=None, add_marketplace=True):
        """A release where _request lost params=."""

    monkeypatch.setattr(resolve(CLIENT), "_request", _request)
    (message,) = problems(_by_name("sp_api.base.client.Client._request"))
    assert f"{LIBRARY} {LIBRARY_VERSION}: " in message
    assert "sp_api.base.client.Client._request no longer takes 'params'" in message
    assert COMPAT in message


def test_check_names_a_moved_module_a_lost_property_and_a_reordered_signature(
    monkeypatch,
):
    moved = Internal("sp_api.no_such_module:Client", "class", "test")
    assert "sp_api.no_such_module.Client no longer exists" in problems(moved)[0]
    monkeypatch.setattr(resolve(CLIENT), "headers", {"host": "x"})
    (message,) = problems(_by_name("sp_api.base.client.Client.headers"))
    assert "sp_api.base.client.Client.headers is no longer a property" in message

    def _check_response(self, res, bulk=False, res_no_data=False, wrap_list=False):
        """A release that reordered the positional parameters."""

    monkeypatch.setattr(resolve(CLIENT), "_check_response", _check_response)
    (message,) = problems(_by_name("sp_api.base.client.Client._check_response"))
    assert "_check_response now takes (self, res, bulk, res_no_data, wrap_list)" in (
        message
    )


# --------------------------------------------------------------------------- behaviour


@pytest.fixture
def compat():
    try:
        return importlib.import_module("..amazon.sp_api_compat", __package__)
    except Exception as exc:  # the shape tests above say which internal moved
        pytest.fail(changed(COMPAT, f"no longer imports: {exc!r}"))


@pytest.fixture
def no_env_credentials(monkeypatch):
    for name in ENV_CREDENTIALS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("SP_API_DEFAULT_MARKETPLACE", raising=False)


def _library_client(compat, token_client_class, **changes):
    """A plain library client (no compat mixin), built the way CompatClient does."""
    sellers = resolve("sp_api.api:Sellers")
    provider = resolve("sp_api.base.credential_provider:FromCodeCredentialProvider")
    kwargs = {
        "marketplace": compat.ApiEndpoint(ENDPOINT, DE, "eu-west-1"),
        "version": None,
        "verify": True,
        "credential_providers": (provider,),
        "credentials": dict(CODE_CREDENTIALS),
        "refresh_token": CODE_CREDENTIALS["refresh_token"],
        "auth_token_client_class": token_client_class,
        **changes,
    }
    return sellers(**kwargs)


class _RecordingTokenClient:
    """Stands for LwaTokenClient: records how the library builds it."""

    built: list

    def __init__(self, **kwargs):
        self.built.append(kwargs)

    def get_auth(self):
        return resolve("sp_api.auth:AccessTokenResponse")(access_token=TOKEN)


@pytest.fixture
def recording_token_client(monkeypatch):
    monkeypatch.setattr(_RecordingTokenClient, "built", [], raising=False)
    return _RecordingTokenClient


@pytest.mark.parametrize(
    "attribute",
    ["endpoint", "marketplace_id", "region", "restricted_data_token", "_transport"],
)
def test_client_init_sets_the_attributes_compat_replaces(
    compat, no_env_credentials, recording_token_client, attribute
):
    client = _library_client(compat, recording_token_client)
    try:
        value = getattr(client, attribute, _MISSING)
        assert value is not _MISSING, changed(
            f"sp_api.base.client.Client.__init__ (self.{attribute})",
            f"no longer sets self.{attribute}",
            "CompatClient reads or replaces it after super().__init__",
        )
        if attribute == "_transport":
            assert callable(getattr(value, "close", None)), changed(
                "sp_api.base.client.Client._transport",
                "has no close() any more",
                "CompatClient closes it before putting its shared transport in",
            )
        # CompatClient assigns it: it must stay a plain attribute.
        setattr(client, attribute, value)
    finally:
        client.close()


def test_client_builds_the_token_client_with_these_keywords(
    compat, no_env_credentials, recording_token_client, monkeypatch
):
    for name, value in ENV_CREDENTIALS.items():  # must be ignored
        monkeypatch.setenv(name, value)
    client = _library_client(compat, recording_token_client)
    try:
        (kwargs,) = recording_token_client.built
        assert set(kwargs) == {"refresh_token", "credentials", "proxies", "verify"}, (
            changed(
                "sp_api.base.client.Client.__init__ (auth_token_client_class)",
                f"now builds the token client with {sorted(kwargs)}",
                "LwaTokenClient takes refresh_token, credentials, proxies, verify",
            )
        )
        token_client = functools.partial(
            compat.LwaTokenClient,
            token_url=LWA_URL,
            http_client=None,
            cache_key="unused",
        )
        try:
            inspect.signature(token_client).bind(**kwargs)
        except TypeError as exc:
            pytest.fail(
                changed(
                    f"{TOKEN_CLIENT.replace(':', '.')}.__init__",
                    f"is now called in a way LwaTokenClient does not accept: {exc}",
                    "LwaTokenClient mirrors the library's token client",
                )
            )
        credentials = kwargs["credentials"]
        seen = {name: getattr(credentials, name, _MISSING) for name in CODE_CREDENTIALS}
        assert seen == CODE_CREDENTIALS, changed(
            "sp_api.base.credential_provider.CredentialProvider.Config",
            f"now hands the token client {seen!r}, not the credentials given in code",
            "_LwaCredentials reads lwa_app_id, lwa_client_secret, refresh_token",
        )
        auth = client.auth
        assert getattr(auth, "access_token", None) == TOKEN, changed(
            "sp_api.base.client.Client.auth",
            "no longer returns the token client's get_auth()",
            "CompatClient.headers sends self.auth.access_token",
        )
    finally:
        client.close()


def test_credentials_come_from_code_only(
    compat, no_env_credentials, recording_token_client, monkeypatch
):
    for name, value in ENV_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    missing = resolve("sp_api.base.credential_provider:MissingCredentials")
    try:
        client = _library_client(
            compat, recording_token_client, credentials=None, refresh_token=None
        )
    except missing:
        return
    client.close()
    pytest.fail(
        changed(
            "sp_api.base.client.Client.__init__ (credential_providers)",
            "read credentials from the environment although only "
            "FromCodeCredentialProvider was given",
            "CompatClient accepts credentials given in code only",
        )
    )


def test_token_client_data_and_headers(compat):
    token_client = compat.LwaTokenClient(
        refresh_token=None,
        credentials=SimpleNamespace(**CODE_CREDENTIALS),
        token_url=LWA_URL,
        http_client=None,
        cache_key="unused",
    )
    expected = {
        "grant_type": "refresh_token",
        "client_id": CODE_CREDENTIALS["lwa_app_id"],
        "refresh_token": CODE_CREDENTIALS["refresh_token"],
        "client_secret": CODE_CREDENTIALS["lwa_client_secret"],
    }
    assert token_client.data == expected, changed(
        "sp_api.auth.AccessTokenClient.data",
        f"now gives {sorted(token_client.data)}, not {sorted(expected)}",
        "LwaTokenClient posts it to the token URL",
    )
    content_type = {k.lower(): v for k, v in token_client.headers.items()}.get(
        "content-type", ""
    )
    assert content_type.startswith("application/x-www-form-urlencoded"), changed(
        "sp_api.auth.AccessTokenClient.headers",
        f"now sends content-type {content_type!r}",
        "LwaTokenClient posts the form with them",
    )


class Wire:
    """Compat clients over an in-memory HTTP transport, built as the adapter builds
    them; records the SP-API requests that reach it."""

    def __init__(self, compat):
        self.compat = compat
        self.requests: list[httpx.Request] = []
        self.http = httpx.Client(
            transport=httpx.MockTransport(self._answer),
            follow_redirects=False,
            trust_env=False,
        )
        self.cache_key = f"test_sp_api_internals-{id(self)}"

    def _answer(self, request: httpx.Request) -> httpx.Response:
        if str(request.url) == LWA_URL:
            return httpx.Response(
                200, json={"access_token": TOKEN, "token_type": "bearer"}
            )
        self.requests.append(request)
        if request.url.path.endswith("/shipmentConfirmation"):
            return httpx.Response(204)
        return httpx.Response(200, json={"payload": {"url": "https://doc.invalid/x"}})

    def client(self, class_name: str, version: str | None):
        token_client = functools.partial(
            self.compat.LwaTokenClient,
            token_url=LWA_URL,
            http_client=self.http,
            cache_key=self.cache_key,
        )
        return getattr(self.compat, class_name)(
            endpoint=self.compat.ApiEndpoint(ENDPOINT, DE, "eu-west-1"),
            http_client=self.http,
            version=version,
            credentials=dict(CODE_CREDENTIALS),
            refresh_token=CODE_CREDENTIALS["refresh_token"],
            auth_token_client_class=token_client,
        )

    def close(self):
        self.compat.forget_token(self.cache_key)
        self.http.close()


@pytest.fixture
def wire(compat, no_env_credentials, monkeypatch):
    # The library would replace the marketplace given: CompatClient sets it back.
    monkeypatch.setenv("SP_API_DEFAULT_MARKETPLACE", "US")
    wire = Wire(compat)
    yield wire
    wire.close()


@dataclass(frozen=True)
class Route:
    """One library or compat method and the request it must send."""

    name: str
    client: str
    version: str | None
    call: object
    method: str
    path: str
    query: dict
    body: dict | None = None


PACKAGE = {"packageReferenceId": "1", "carrierCode": "DHL", "trackingNumber": "T1"}
PATCHES = [{"op": "replace", "path": "/attributes/purchasable_offer", "value": []}]
ROUTES = (
    Route(
        "OrdersV20260101.search_orders",
        "OrdersClient",
        "2026-01-01",
        lambda c: c.search_orders(marketplaceIds=DE, createdAfter="2026-01-01"),
        "GET",
        "/orders/2026-01-01/orders",
        {"marketplaceIds": DE, "createdAfter": "2026-01-01"},
    ),
    Route(
        "OrdersV20260101.get_order",
        "OrdersClient",
        "2026-01-01",
        lambda c: c.get_order("028-1", includedData="BUYER"),
        "GET",
        "/orders/2026-01-01/orders/028-1",
        {"includedData": "BUYER"},
    ),
    Route(
        "OrdersV0.confirm_shipment",
        "OrdersV0Client",
        "v0",
        lambda c: c.confirm_shipment("028-1", marketplaceId=DE, packageDetail=PACKAGE),
        "POST",
        "/orders/v0/orders/028-1/shipmentConfirmation",
        {},
        {"marketplaceId": DE, "packageDetail": PACKAGE},
    ),
    Route(
        "Sellers.get_marketplace_participation",
        "SellersClient",
        None,
        lambda c: c.get_marketplace_participation(),
        "GET",
        "/sellers/v1/marketplaceParticipations",
        {},
    ),
    Route(
        "ListingsItemsV20210801.patch_listings_item",
        "ListingsItemsClient",
        "2021-08-01",
        lambda c: c.patch_listings_item(
            "SELLER1",
            "SKU-1",
            body={"productType": "PRODUCT", "patches": PATCHES},
            marketplaceIds=DE,
        ),
        "PATCH",
        "/listings/2021-08-01/items/SELLER1/SKU-1",
        {"marketplaceIds": DE},
        {"productType": "PRODUCT", "patches": PATCHES},
    ),
    Route(
        "FeedsV20210630.get_feed",
        "FeedsClient",
        "2021-06-30",
        lambda c: c.get_feed("F1"),
        "GET",
        "/feeds/2021-06-30/feeds/F1",
        {},
    ),
    Route(
        "Reports.get_report_document",
        "ReportsClient",
        None,
        lambda c: c.get_report_document("D1"),
        "GET",
        "/reports/2021-06-30/documents/D1",
        {},
    ),
    Route(
        "Client._request (data['method'], via FeedsClient.create_feed_document_clean)",
        "FeedsClient",
        "2021-06-30",
        lambda c: c.create_feed_document_clean("text/xml; charset=UTF-8"),
        "POST",
        "/feeds/2021-06-30/documents",
        {},
        {"contentType": "text/xml; charset=UTF-8"},
    ),
    Route(
        "Client._request (data=, via FeedsClient.create_feed_clean)",
        "FeedsClient",
        "2021-06-30",
        lambda c: c.create_feed_clean("POST_PRODUCT_DATA", "D1", [DE]),
        "POST",
        "/feeds/2021-06-30/feeds",
        {},
        {
            "feedType": "POST_PRODUCT_DATA",
            "marketplaceIds": [DE],
            "inputFeedDocumentId": "D1",
        },
    ),
    Route(
        "Client._request (via FeedsClient.get_feed_document_info)",
        "FeedsClient",
        "2021-06-30",
        lambda c: c.get_feed_document_info("D1"),
        "GET",
        "/feeds/2021-06-30/documents/D1",
        {},
    ),
    Route(
        "Client._request (params=, add_marketplace=False, via get_reports_page)",
        "ReportsClient",
        None,
        lambda c: c.get_reports_page({"reportTypes": "X"}),
        "GET",
        "/reports/2021-06-30/reports",
        {"reportTypes": "X"},
    ),
)


def _sent(request: httpx.Request) -> dict:
    return {
        "method": request.method,
        "path": request.url.path,
        "query": dict(request.url.params),
        "body": json.loads(request.content) if request.content else None,
    }


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_call_goes_through_the_compat_request_path(wire, route):
    why = "the compat client must send it with its headers, transport and checks"
    try:
        client = wire.client(route.client, route.version)
    except Exception as exc:
        pytest.fail(changed("sp_api.base.client.Client.__init__", f"fails: {exc!r}"))
    try:
        result = route.call(client)
    except Exception as exc:
        pytest.fail(
            changed(route.name, f"fails through the compat client: {exc!r}", why)
        )
    expected = {
        "method": route.method,
        "path": route.path,
        "query": route.query,
        "body": route.body,
    }
    sent = [_sent(r) for r in wire.requests]
    assert sent == [expected], changed(route.name, f"now sends {sent}", why)
    (request,) = wire.requests
    assert request.url.host == httpx.URL(ENDPOINT).host, changed(
        "sp_api.base.client.Client.endpoint", f"now sends to {request.url}", why
    )
    assert request.headers.get("x-amz-access-token") == TOKEN, changed(
        "sp_api.base.client.Client.headers",
        "no longer puts CompatClient.headers on the request",
        why,
    )
    assert request.headers.get("host") == httpx.URL(ENDPOINT).host
    assert isinstance(result, wire.compat.SpApiResponse), changed(
        "sp_api.base.client.Client._check_response",
        f"is no longer how _request answers (got {type(result).__name__})",
        "CompatClient overrides it to check the status and the JSON",
    )


def test_library_debug_records_with_token_or_body_are_dropped(wire):
    """The log guard drops records by message prefix: the library must still put
    the request headers and body behind those prefixes."""
    logger = logging.getLogger("sp_api.base.client")
    records = []
    handler = logging.Handler(logging.DEBUG)
    handler.emit = records.append
    saved = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    try:
        client = wire.client("OrdersV0Client", "v0")
        client.confirm_shipment(
            "028-1", marketplaceId=DE, packageDetail={"shipToName": "Erika Buyer"}
        )
    finally:
        logger.removeHandler(handler)
        logger.setLevel(saved)
    for record in records:
        message = record.getMessage()
        for secret in (TOKEN, "Erika Buyer"):
            assert secret not in message, changed(
                "sp_api.base.client (DEBUG log messages)",
                f"now logs {record.msg!r} with the access token or the request body",
                "the log guard drops the records starting with "
                f"{wire.compat._LibraryLogGuard._UNSAFE_PREFIXES}",
            )


# --------------------------------------------------------------------------- tested ranges


def range_problem(line: str, where: str, installed: str | None) -> str | None:
    """Why ``line`` of ``where`` does not cover ``installed`` as a tested range."""
    try:
        requirement = Requirement(line)
    except InvalidRequirement as exc:
        return f"{where}: cannot read {line!r} ({exc})"
    if requirement.marker and not requirement.marker.evaluate():
        return None
    name, spec = requirement.name, str(requirement.specifier) or "any version"
    if installed is None:
        return f"{name} is declared in {where} ({spec}) but is not installed"
    if not any(
        s.operator in ("<", "<=", "==", "~=", "===") for s in requirement.specifier
    ):
        return (
            f"{where} gives {name} no upper bound ({spec}): declare the range that "
            f"was tested ({name} {installed} is installed)"
        )
    if not requirement.specifier.contains(installed, prereleases=True):
        return (
            f"{name} {installed} is installed (and was tested) but {where} now "
            f"declares {spec}: rebuild the environment and re-run the tests"
        )
    return None


def _installed(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def _declared_requirements():
    params = []
    for where in REQUIREMENT_FILES:
        path = REPO / where
        if not path.is_file():  # an installed addon: no requirement files
            continue
        for raw in path.read_text().splitlines():
            line = raw.split("#", 1)[0].strip()
            if line and not line.startswith("-"):
                try:
                    name = Requirement(line).name
                except InvalidRequirement:
                    name = line  # the test reports it
                params.append(pytest.param(where, line, id=f"{where}:{name}"))
    return params


@pytest.mark.parametrize(("where", "line"), _declared_requirements())
def test_installed_version_is_inside_the_declared_range(where, line):
    problem = range_problem(line, where, _installed(Requirement(line).name))
    assert problem is None, problem


def test_library_pin_is_declared():
    path = REPO / "requirements.txt"
    if not path.is_file():
        pytest.skip("requirements.txt is not shipped with an installed addon")
    names = {
        Requirement(line).name
        for line in (s.split("#", 1)[0].strip() for s in path.read_text().splitlines())
        if line
    }
    assert LIBRARY in names


def test_range_check_names_what_is_out_of_range():
    assert range_problem("python-amazon-sp-api>=2.1.35,<2.2", "r.txt", "2.1.35") is None
    assert range_problem("python-amazon-sp-api>=2.2,<2.3", "r.txt", "2.1.35") == (
        "python-amazon-sp-api 2.1.35 is installed (and was tested) but r.txt now "
        "declares <2.3,>=2.2: rebuild the environment and re-run the tests"
    )
    assert "gives lxml no upper bound (any version)" in range_problem(
        "lxml", "r.txt", "4.9.3"
    )
    assert "gives build no upper bound (>=1.2)" in range_problem(
        "build>=1.2", "r.txt", "1.6.1"
    )
    assert "not installed" in range_problem("nothing-here<2", "r.txt", None)
    assert range_problem("lxml<5; python_version < '3'", "r.txt", None) is None
