"""Fixes for python-amazon-sp-api 2.1.35 pitfalls, kept in one place.

What the library does and what is changed here:

* The LWA token URL is fixed to api.amazon.com and tokens are cached per refresh
  token only, for a fixed TTL, with no timeout on the token request.
  :class:`LwaTokenClient` takes the token URL, uses the adapter's HTTP client (and
  its timeout), caches per (token URL, client id, client secret, refresh token) for
  the token's own lifetime, and reports LWA errors as :class:`LwaFailure`.
* The ``Host`` header is ``endpoint[8:]`` (wrong for ``http://``), the marketplace
  can be replaced by the ``SP_API_DEFAULT_MARKETPLACE`` environment variable and the
  credentials may be read from the environment or config files: :class:`CompatClient`
  sets the endpoint back, computes the host properly and only accepts credentials
  given in code.
* A non-JSON error body raises nothing and malformed JSON in a 2xx becomes an empty
  payload: :meth:`CompatClient._check_response` checks the status itself and raises
  :class:`HttpFailure` / :class:`MalformedResponse`.
* ``create_feed_document``/``create_feed`` leak ``path`` and ``marketplaceIds`` into
  the JSON body, ``get_reports`` filters on the client's marketplace, ``get_report``
  adds four marketplace query parameters and ``create_report`` the client's
  marketplace when none is given: clean replacements are defined on the client
  classes below.
* The library logs request headers (the access token) and whole responses (buyer
  data) at DEBUG, and httpx logs presigned document URLs (temporary AWS
  credentials) at INFO: :func:`install_log_guard` drops or trims those records.

Every library internal used here (private methods, constructor keywords, attributes,
logger names) is checked by ``tests/test_sp_api_internals.py``, which names the one that
changed; requirements.txt pins the library to the range those tests passed on. Add a
check there when this module starts relying on another internal.
"""

import json
import logging
import ssl
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
from sp_api.api import (
    FeedsV20210630,
    Inventories,
    ListingsItemsV20210801,
    OrdersV0,
    OrdersV20260101,
    Reports,
    Sellers,
)
from sp_api.auth import AccessTokenClient, AccessTokenResponse
from sp_api.base.credential_provider import FromCodeCredentialProvider

_logger = logging.getLogger(__name__)

# Access tokens by credentials fingerprint: (token, monotonic expiry).
_TOKEN_CACHE: dict[str, tuple[str, float]] = {}
_TOKEN_CACHE_LOCK = threading.Lock()
# Refresh a token this many seconds before Amazon says it expires.
_TOKEN_EXPIRY_MARGIN = 60.0


class HttpFailure(Exception):
    """A non-2xx SP-API answer (with or without a JSON body)."""

    def __init__(self, status: int, headers, errors: list | None):
        super().__init__(f"HTTP {status}")
        self.status = status
        self.headers = headers
        self.errors = errors or []


class MalformedResponse(Exception):
    """A 2xx answer whose body is not valid JSON."""

    def __init__(self, status: int, headers):
        super().__init__(f"HTTP {status} with a body that is not JSON")
        self.status = status
        self.headers = headers


class LwaFailure(Exception):
    """The LWA token endpoint refused or failed to issue an access token."""

    def __init__(self, status: int, error_code: str | None):
        super().__init__(f"LWA token request failed: HTTP {status} {error_code or ''}")
        self.status = status
        self.error_code = error_code


class SpApiResponse:
    """The parsed answer of one SP-API call (attributes stay assignable: some
    library methods set extra ones on what ``_request`` returns)."""

    def __init__(self, status: int, headers, payload: Any):
        self.status = status
        self.headers = headers
        self.payload = payload


@dataclass(frozen=True)
class ApiEndpoint:
    """What python-amazon-sp-api expects as ``marketplace=``."""

    endpoint: str
    marketplace_id: str
    region: str


_SSL_CONTEXT: ssl.SSLContext | None = None


def shared_ssl_context() -> ssl.SSLContext:
    """One verifying SSL context for the process (building one costs ~10 ms)."""
    global _SSL_CONTEXT
    if _SSL_CONTEXT is None:
        _SSL_CONTEXT = ssl.create_default_context()
    return _SSL_CONTEXT


def new_http_client(timeout: float) -> httpx.Client:
    """The HTTP client of one adapter: every request has ``timeout`` (connect, read,
    write and pool), redirects are not followed."""
    return httpx.Client(
        timeout=httpx.Timeout(timeout),
        verify=shared_ssl_context(),
        follow_redirects=False,
        trust_env=False,
    )


def clear_token_cache() -> None:
    """Forget every cached access token (tests, credential changes)."""
    with _TOKEN_CACHE_LOCK:
        _TOKEN_CACHE.clear()


def forget_token(cache_key: str) -> None:
    with _TOKEN_CACHE_LOCK:
        _TOKEN_CACHE.pop(cache_key, None)


class LwaTokenClient(AccessTokenClient):
    """Exchanges the refresh token for an access token at ``token_url``.

    Built by the library as ``auth_token_client_class(refresh_token=...,
    credentials=..., proxies=..., verify=...)``: bind the keyword-only arguments
    with :func:`functools.partial`.
    """

    def __init__(
        self,
        refresh_token=None,
        credentials=None,
        proxies=None,
        verify=True,
        *,
        token_url: str,
        http_client: httpx.Client,
        cache_key: str,
    ):
        # Deliberately not calling super().__init__: it builds its own HTTP client
        # without a timeout.
        self.cred = _LwaCredentials(refresh_token, credentials)
        self.proxies = proxies
        self.verify = verify
        self.token_url = token_url
        self._http_client = http_client
        self._cache_key = cache_key

    def get_auth(self) -> AccessTokenResponse:
        now = time.monotonic()
        with _TOKEN_CACHE_LOCK:
            cached = _TOKEN_CACHE.get(self._cache_key)
        if cached and cached[1] > now:
            return AccessTokenResponse(access_token=cached[0], token_type="bearer")
        token, expires_in = self._fetch()
        lifetime = max(0.0, expires_in - _TOKEN_EXPIRY_MARGIN)
        with _TOKEN_CACHE_LOCK:
            _TOKEN_CACHE[self._cache_key] = (token, time.monotonic() + lifetime)
        return AccessTokenResponse(access_token=token, token_type="bearer")

    def get_grantless_auth(self, scope="sellingpartnerapi::notifications"):
        raise NotImplementedError("grantless operations are not used by the connector")

    def _fetch(self) -> tuple[str, float]:
        response = self._http_client.post(
            self.token_url, data=self.data, headers=self.headers
        )
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            body = None
        if response.status_code != 200 or body is None:
            error = body.get("error") if body else None
            raise LwaFailure(
                response.status_code, error if isinstance(error, str) else None
            )
        token = body.get("access_token")
        if not isinstance(token, str) or not token:
            raise LwaFailure(response.status_code, "missing_access_token")
        try:
            expires_in = float(body.get("expires_in") or 3600)
        except (TypeError, ValueError):
            expires_in = 3600.0
        return token, expires_in


class _LwaCredentials:
    def __init__(self, refresh_token, credentials):
        self.client_id = credentials.lwa_app_id
        self.client_secret = credentials.lwa_client_secret
        self.refresh_token = refresh_token or credentials.refresh_token


class CompatClient:
    """Mixin placed before a python-amazon-sp-api client class (see module doc)."""

    def __init__(
        self, *, endpoint: ApiEndpoint, http_client: httpx.Client, version, **kwargs
    ):
        super().__init__(
            marketplace=endpoint,
            version=version,
            verify=shared_ssl_context(),
            credential_providers=(FromCodeCredentialProvider,),
            **kwargs,
        )
        # SP_API_DEFAULT_MARKETPLACE may have replaced the marketplace given.
        self.endpoint = endpoint.endpoint
        self.marketplace_id = endpoint.marketplace_id
        self.region = endpoint.region
        self._host = urlsplit(endpoint.endpoint).netloc
        self._transport.close()
        self._transport = _SharedTransport(http_client)

    @property
    def headers(self):
        return {
            "host": self._host,
            "user-agent": self.user_agent,
            "x-amz-access-token": self.restricted_data_token or self.auth.access_token,
            "x-amz-date": time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()),
            "content-type": "application/json",
        }

    def _check_response(self, res, res_no_data=False, bulk=False, wrap_list=False):
        status = res.status_code
        body = res.content
        if 200 <= status < 300:
            if not body.strip():
                return SpApiResponse(status, res.headers, {})
            try:
                payload = json.loads(body)
            except ValueError:
                raise MalformedResponse(status, res.headers) from None
            return SpApiResponse(status, res.headers, payload)
        errors = None
        try:
            parsed = json.loads(body) if body.strip() else None
        except ValueError:
            parsed = None
        if isinstance(parsed, dict) and isinstance(parsed.get("errors"), list):
            errors = [e for e in parsed["errors"] if isinstance(e, dict)]
        raise HttpFailure(status, res.headers, errors)


class _SharedTransport:
    """The library's transport interface over the adapter's HTTP client (one
    connection pool and one timeout for every client of the adapter)."""

    def __init__(self, client: httpx.Client):
        self._client = client

    def request(
        self, method, url, *, params=None, data=None, content=None, headers=None
    ):
        return self._client.request(
            method, url, params=params, data=data, content=content, headers=headers
        )

    def close(self):
        """The adapter owns (and closes) the HTTP client."""


class OrdersClient(CompatClient, OrdersV20260101):
    """Orders API 2026-01-01 (searchOrders, getOrder)."""


class OrdersV0Client(CompatClient, OrdersV0):
    """Orders API v0, for confirmShipment only."""


class SellersClient(CompatClient, Sellers):
    """Sellers API v1 (getMarketplaceParticipations)."""


class ListingsItemsClient(CompatClient, ListingsItemsV20210801):
    """Listings Items API 2021-08-01 (patchListingsItem, getListingsItem)."""


class FeedsClient(CompatClient, FeedsV20210630):
    """Feeds API 2021-06-30, with request bodies that carry only model fields."""

    def create_feed_document_clean(self, content_type: str) -> SpApiResponse:
        return self._request(
            "/feeds/2021-06-30/documents",
            data={"method": "POST", "contentType": content_type},
            add_marketplace=False,
        )

    def create_feed_clean(
        self,
        feed_type: str,
        input_feed_document_id: str,
        marketplace_ids: list[str],
        feed_options: dict[str, str] | None = None,
    ) -> SpApiResponse:
        """createFeed; ``feed_options``: Amazon's ``feedOptions`` (a map of
        strings, feeds_2021-06-30 ``FeedOptions``), sent only when given."""
        data = {
            "method": "POST",
            "feedType": feed_type,
            "marketplaceIds": list(marketplace_ids),
            "inputFeedDocumentId": input_feed_document_id,
        }
        if feed_options:
            data["feedOptions"] = {str(k): str(v) for k, v in feed_options.items()}
        return self._request(
            "/feeds/2021-06-30/feeds", data=data, add_marketplace=False
        )

    def get_feed_document_info(self, feed_document_id: str) -> SpApiResponse:
        """getFeedDocument without the library's untimed download."""
        return self._request(
            f"/feeds/2021-06-30/documents/{_quote(feed_document_id)}",
            add_marketplace=False,
        )


class InventoriesClient(CompatClient, Inventories):
    """FBA Inventory API v1 (getInventorySummaries)."""


class ReportsClient(CompatClient, Reports):
    """Reports API 2021-06-30, without the implicit marketplace filter."""

    def get_reports_page(self, params: dict) -> SpApiResponse:
        return self._request(
            "/reports/2021-06-30/reports", params=dict(params), add_marketplace=False
        )

    def create_report_clean(
        self,
        report_type: str,
        marketplace_ids: list[str],
        data_start_time: str | None = None,
        data_end_time: str | None = None,
        report_options: dict[str, str] | None = None,
    ) -> SpApiResponse:
        data = {
            "method": "POST",
            "reportType": report_type,
            "marketplaceIds": list(marketplace_ids),
        }
        if data_start_time:
            data["dataStartTime"] = data_start_time
        if data_end_time:
            data["dataEndTime"] = data_end_time
        if report_options:
            data["reportOptions"] = dict(report_options)
        return self._request(
            "/reports/2021-06-30/reports", data=data, add_marketplace=False
        )

    def get_report_clean(self, report_id: str) -> SpApiResponse:
        return self._request(
            f"/reports/2021-06-30/reports/{_quote(report_id)}", add_marketplace=False
        )


def _quote(value: str) -> str:
    return quote(str(value), safe="")


class _LibraryLogGuard(logging.Filter):
    """Drops the library's DEBUG records that carry the access token (request
    headers), request bodies or whole responses (buyer data)."""

    _UNSAFE_PREFIXES = ("Request Headers", "Request Data", "Response")

    def filter(self, record: logging.LogRecord) -> bool:
        msg = record.msg if isinstance(record.msg, str) else ""
        return not msg.startswith(self._UNSAFE_PREFIXES)


class _PresignedUrlGuard(logging.Filter):
    """httpx logs every URL at INFO; the query of a presigned document URL holds
    temporary AWS credentials and a signature: log such URLs without it."""

    _MARKERS = ("x-amz-signature", "x-amz-credential", "x-amz-security-token")

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and any(
            self._is_presigned(arg) for arg in record.args
        ):
            record.args = tuple(
                self._strip(arg) if self._is_presigned(arg) else arg
                for arg in record.args
            )
        return True

    def _is_presigned(self, value) -> bool:
        if not isinstance(value, (str, httpx.URL)):
            return False
        text = str(value).lower()
        return "?" in text and any(marker in text for marker in self._MARKERS)

    @staticmethod
    def _strip(value) -> str:
        return str(value).split("?", 1)[0] + "?<presigned>"


_LOG_GUARD = _LibraryLogGuard()
_URL_GUARD = _PresignedUrlGuard()
_GUARDS = (
    ("sp_api.base.client", _LOG_GUARD),
    ("sp_api.asyncio.base.client", _LOG_GUARD),
    ("httpx", _URL_GUARD),
)


def install_log_guard() -> None:
    """Attach the guards to the library loggers (idempotent)."""
    for name, guard in _GUARDS:
        logger = logging.getLogger(name)
        if guard not in logger.filters:
            logger.addFilter(guard)


install_log_guard()
