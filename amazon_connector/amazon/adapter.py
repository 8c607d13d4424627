"""The one door to Amazon: every SP-API call of the connector goes through
:class:`SpApiAdapter`.

The adapter talks to Amazon through python-amazon-sp-api (with the fixes of
:mod:`.sp_api_compat`) and adds what the library lacks: client-side throttling,
bounded retries with backoff, a strict status/JSON check, typed errors
(:mod:`.errors`) and one :class:`ApiCall` record per SP-API operation for the API log.
"""

import functools
import gzip
import logging
import random
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import httpx

from . import sp_api_compat as compat
from .credentials import AmazonCredentials
from .errors import (
    AmazonAuthError,
    AmazonError,
    AmazonPaginationExpired,
    AmazonPermanentError,
    AmazonRetryableError,
)
from .found_report import FoundReport
from .processing import Processing
from .regions import PRODUCTION_TOKEN_URL, get_region
from .throttle import DEFAULT_REGISTRY, ThrottleRegistry

_logger = logging.getLogger(__name__)

#: Seconds added to a wait for a token: Amazon's bucket refills from the moment a
#: call reaches it, a few milliseconds after the local bucket booked it, so a call
#: sent at the very instant the local bucket allows is now and then answered 429.
THROTTLE_MARGIN = 0.025

DEFAULT_INCLUDED_DATA = (
    "BUYER",
    "RECIPIENT",
    "PROCEEDS",
    "EXPENSE",
    "PROMOTION",
    "CANCELLATION",
    "FULFILLMENT",
    "PACKAGES",
    # The facilitator marker (tax.taxCollections) and the reporting scheme.
    "TAX",
)

# Local error codes (Amazon's own codes are passed through untouched).
TIMEOUT = "Timeout"
NETWORK_ERROR = "NetworkError"
MALFORMED_RESPONSE = "MalformedResponse"
LOCAL_THROTTLE = "LocalThrottle"

_AUTH_HINT = "Reconnect the Amazon account (its authorization was refused)."
_MESSAGE_LIMIT = 300


@dataclass
class ApiCall:
    """One SP-API operation as the API log stores it: no bodies, no secrets, no
    personal data. ``retries`` counts the attempts after the first one."""

    operation: str
    method: str
    status: int | None
    duration_ms: float
    rate_limit: float | None
    retries: int
    error_code: str | None
    request_id: str | None
    started_at: datetime


@dataclass(frozen=True)
class ReportDocument:
    """A downloaded document, ungzipped, with the charset its Content-Type header
    declared (None when it declared none): Amazon's reports are not all UTF-8."""

    content: bytes
    charset: str | None


@dataclass(frozen=True)
class OrdersPage:
    """One page of searchOrders: its orders and the token of the next page (None
    on the last page)."""

    orders: list[dict]
    next_token: str | None


class _Attempt:
    """What one call learnt so far (for the ApiCall record and the messages)."""

    __slots__ = ("error_code", "rate_limit", "request_id", "retries", "status")

    def __init__(self):
        self.status = None
        self.rate_limit = None
        self.request_id = None
        self.error_code = None
        self.retries = 0

    def read_headers(self, headers) -> None:
        if headers is None:
            return
        self.request_id = headers.get("x-amzn-RequestId") or self.request_id
        raw_rate = headers.get("x-amzn-RateLimit-Limit")
        if raw_rate:
            try:
                self.rate_limit = float(raw_rate)
            except ValueError:
                # Keep the documented rate: a garbled header must not break a call.
                _logger.debug("Ignoring a malformed x-amzn-RateLimit-Limit header")


class _Retry(Exception):
    """Internal: the attempt failed in a way worth retrying."""

    def __init__(self, error: AmazonRetryableError, min_delay: float = 0.0):
        super().__init__(error.message)
        self.error = error
        self.min_delay = min_delay


class SpApiAdapter:
    """SP-API operations of one seller account in one region.

    ``endpoint_url``/``token_url`` point the adapter elsewhere than production (the
    simulator, the sandbox). ``sleep``, ``clock`` and ``rng`` are injectable so that
    tests run without real waits. The adapter owns an HTTP client: call
    :meth:`close` (or use it as a context manager) when done.
    """

    def __init__(
        self,
        credentials: AmazonCredentials,
        region: str,
        *,
        seller_id: str | None = None,
        endpoint_url: str | None = None,
        token_url: str | None = None,
        timeout: float = 30.0,
        max_attempts: int = 5,
        backoff_base: float = 1.0,
        backoff_max: float = 64.0,
        max_wait: float = 120.0,
        sleep: Callable[[float], Any] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: Callable[[], float] = random.random,
        throttle: ThrottleRegistry | None = None,
        account_key: str | None = None,
        on_call: Callable[[ApiCall], None] | None = None,
    ):
        if not isinstance(credentials, AmazonCredentials):
            raise TypeError("credentials must be an AmazonCredentials")
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        region_info = get_region(region)
        self.region = region_info.code
        self.seller_id = seller_id
        self.endpoint_url = (endpoint_url or region_info.endpoint).rstrip("/")
        self.token_url = token_url or PRODUCTION_TOKEN_URL
        self.max_attempts = max_attempts
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.max_wait = max_wait
        self._credentials = credentials
        self._sleep = sleep
        self._clock = clock
        self._rng = rng
        self._throttle = throttle if throttle is not None else DEFAULT_REGISTRY
        self.account_key = (
            account_key or credentials.fingerprint(self.endpoint_url)[:24]
        )
        self._on_call = on_call
        self._secrets = tuple(s for s in credentials.secrets() if s)
        self._token_cache_key = credentials.fingerprint(self.token_url)
        self._http = compat.new_http_client(timeout)
        self._endpoint = compat.ApiEndpoint(
            self.endpoint_url,
            region_info.default_marketplace_id,
            region_info.aws_region,
        )
        self._clients: dict[type, Any] = {}

    # -- lifecycle -------------------------------------------------------------

    def close(self) -> None:
        self._http.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def __repr__(self) -> str:
        return f"<SpApiAdapter region={self.region} endpoint={self.endpoint_url}>"

    def _client(self, client_class: type, version: str | None = None):
        client = self._clients.get(client_class)
        if client is None:
            token_client = functools.partial(
                compat.LwaTokenClient,
                token_url=self.token_url,
                http_client=self._http,
                cache_key=self._token_cache_key,
            )
            client = client_class(
                endpoint=self._endpoint,
                http_client=self._http,
                version=version,
                credentials={
                    "lwa_app_id": self._credentials.client_id,
                    "lwa_client_secret": self._credentials.client_secret,
                    "refresh_token": self._credentials.refresh_token,
                },
                refresh_token=self._credentials.refresh_token,
                auth_token_client_class=token_client,
            )
            self._clients[client_class] = client
        return client

    # -- operations ------------------------------------------------------------

    def get_marketplace_participations(self) -> list[dict]:
        """The marketplaces the seller participates in (a cheap authenticated call,
        used by "Test connection")."""
        client = self._client(compat.SellersClient)
        payload = self._call(
            "getMarketplaceParticipations",
            "GET",
            client.get_marketplace_participation,
        )
        if isinstance(payload, dict):
            payload = payload.get("payload")
        return self._expect(payload, list, "getMarketplaceParticipations")

    def search_orders(self, **criteria) -> Iterator[list[dict]]:
        """Yield the pages of searchOrders (each a list of order dicts), following
        ``pagination.nextToken``; ``criteria`` are those of
        :meth:`search_orders_page`, checked before any call."""
        _search_orders_params(**criteria)
        return self._order_pages(criteria)

    def _order_pages(self, criteria: dict) -> Iterator[list[dict]]:
        token = None
        while True:
            page = self.search_orders_page(**criteria, pagination_token=token)
            yield page.orders
            if not page.next_token:
                return
            token = page.next_token

    def search_orders_page(
        self, *, pagination_token: str | None = None, **criteria
    ) -> "OrdersPage":
        """One page of searchOrders; ``criteria`` are :func:`_search_orders_params`'
        (marketplace ids, created or last-updated bounds, statuses...). With
        ``pagination_token`` (Amazon's ``nextToken`` of the previous page, valid 24
        hours) the same criteria are resent with it; a token Amazon no longer
        accepts raises :class:`AmazonPaginationExpired`."""
        params = _search_orders_params(**criteria, pagination_token=pagination_token)
        client = self._client(compat.OrdersClient, "2026-01-01")
        try:
            payload = self._call(
                "searchOrders", "GET", lambda: client.search_orders(**params)
            )
        except AmazonPermanentError as error:
            if pagination_token and error.status == 400:
                raise _token_refused(
                    error,
                    "it is valid 24 hours and only once): the list must be read "
                    "again from its first page.",
                ) from error
            raise
        payload = self._expect(payload, dict, "searchOrders")
        orders = self._expect(payload.get("orders", []), list, "searchOrders")
        pagination = payload.get("pagination") or {}
        next_token = (
            pagination.get("nextToken") if isinstance(pagination, dict) else None
        )
        return OrdersPage(orders=orders, next_token=next_token or None)

    def next_call_delay(self, operation: str) -> float:
        """Seconds until ``operation`` may be called again within the quota (from
        the documented rate, corrected by ``x-amzn-RateLimit-Limit``): when to
        schedule the job that makes the next call, instead of sleeping for it."""
        return self._throttle.peek_wait(self.account_key, operation)

    def get_order(
        self, order_id: str, *, included_data: Iterable[str] = DEFAULT_INCLUDED_DATA
    ) -> dict:
        """One order (Orders API 2026-01-01), with the ``included_data`` datasets."""
        order_id = _required(order_id, "order_id")
        client = self._client(compat.OrdersClient, "2026-01-01")
        params = _drop_none({"includedData": _csv(included_data)})
        payload = self._call(
            "getOrder", "GET", lambda: client.get_order(order_id, **params)
        )
        order = self._expect(payload, dict, "getOrder").get("order")
        return self._expect(order, dict, "getOrder")

    def confirm_shipment(
        self,
        order_id: str,
        *,
        marketplace_id: str,
        package_detail: dict,
        cod_collection_method: str | None = None,
    ) -> None:
        """Confirm the shipment of one package (Orders API v0; 204 on success)."""
        order_id = _required(order_id, "order_id")
        client = self._client(compat.OrdersV0Client, "v0")
        body = _drop_none(
            {
                "marketplaceId": _required(marketplace_id, "marketplace_id"),
                "packageDetail": package_detail,
                "codCollectionMethod": cod_collection_method,
            }
        )
        self._call(
            "confirmShipment",
            "POST",
            lambda: client.confirm_shipment(order_id, **body),
        )

    def submit_feed(
        self,
        feed_type: str,
        *,
        marketplace_ids: Iterable[str],
        content: bytes,
        content_type: str,
        feed_options: dict | None = None,
    ) -> str:
        """Create a feed document, upload ``content`` (sent as is: encode text as
        UTF-8 and say so in ``content_type``), create the feed; return its feedId.
        ``feed_options``: Amazon's ``feedOptions`` of the feed type (strings)."""
        if isinstance(content, str):
            content = content.encode("utf-8")
        if not isinstance(content, (bytes, bytearray)):
            raise TypeError("content must be bytes")
        if not content_type:
            raise ValueError("content_type is required")
        marketplaces = _list(marketplace_ids, required="marketplace_ids")
        client = self._client(compat.FeedsClient, "2021-06-30")
        document = self._expect(
            self._call(
                "createFeedDocument",
                "POST",
                lambda: client.create_feed_document_clean(content_type),
            ),
            dict,
            "createFeedDocument",
        )
        document_id = document.get("feedDocumentId")
        url = document.get("url")
        if not document_id or not url:
            raise AmazonPermanentError(
                "Amazon createFeedDocument answered without feedDocumentId or url.",
                operation="createFeedDocument",
            )
        self._transfer(
            "uploadFeedDocument",
            "PUT",
            url,
            content=bytes(content),
            headers={"Content-Type": content_type},
        )
        feed = self._expect(
            self._call(
                "createFeed",
                "POST",
                lambda: client.create_feed_clean(
                    feed_type, document_id, marketplaces, feed_options
                ),
            ),
            dict,
            "createFeed",
        )
        feed_id = feed.get("feedId")
        if not feed_id:
            raise AmazonPermanentError(
                "Amazon createFeed answered without feedId.", operation="createFeed"
            )
        return str(feed_id)

    def get_feed(self, feed_id: str) -> dict:
        """The feed's status (``processingStatus``, ``resultFeedDocumentId``...)."""
        feed_id = _required(feed_id, "feed_id")
        client = self._client(compat.FeedsClient, "2021-06-30")
        payload = self._call("getFeed", "GET", lambda: client.get_feed(feed_id))
        return self._expect(payload, dict, "getFeed")

    def feed_processing(self, feed_id: str) -> Processing:
        """Where Amazon is with the feed (:meth:`get_feed`, typed)."""
        return Processing.from_feed(self.get_feed(feed_id))

    def get_feed_document(self, feed_document_id: str) -> bytes:
        """Download a feed document (the processing report), gunzipped if needed."""
        feed_document_id = _required(feed_document_id, "feed_document_id")
        client = self._client(compat.FeedsClient, "2021-06-30")
        info = self._call(
            "getFeedDocument",
            "GET",
            lambda: client.get_feed_document_info(feed_document_id),
        )
        document = self._download_document(self._expect(info, dict, "getFeedDocument"))
        return document.content

    def get_reports(
        self,
        *,
        report_types: Iterable[str],
        processing_statuses: Iterable[str] | None = ("DONE",),
        created_since: datetime | None = None,
        marketplace_ids: Iterable[str] | None = None,
    ) -> Iterator[dict]:
        """Yield the reports matching the filters, across pages (a ``nextToken``
        is sent alone, as Amazon requires). No marketplace filter unless given."""
        params = _drop_none(
            {
                "reportTypes": _csv(report_types, required="report_types"),
                "processingStatuses": _csv(processing_statuses),
                "createdSince": _iso(created_since),
                "marketplaceIds": _csv(marketplace_ids),
            }
        )
        return self._report_pages(params)

    def find_reports(
        self,
        *,
        report_types: Iterable[str],
        processing_statuses: Iterable[str] | None = ("DONE",),
        created_since: datetime | None = None,
        marketplace_ids: Iterable[str] | None = None,
    ) -> Iterator[FoundReport]:
        """:meth:`get_reports`, each report typed; one without reportId (which
        nothing could follow) is skipped."""
        for payload in self.get_reports(
            report_types=report_types,
            processing_statuses=processing_statuses,
            created_since=created_since,
            marketplace_ids=marketplace_ids,
        ):
            found = FoundReport.from_payload(payload)
            if found.report_id:
                yield found

    def _report_pages(self, params: dict) -> Iterator[dict]:
        client = self._client(compat.ReportsClient)
        while True:
            page_params = params
            payload = self._call(
                "getReports", "GET", lambda p=page_params: client.get_reports_page(p)
            )
            payload = self._expect(payload, dict, "getReports")
            reports = self._expect(payload.get("reports", []), list, "getReports")
            yield from reports
            next_token = payload.get("nextToken")
            if not next_token:
                return
            params = {"nextToken": next_token}

    def get_inventory_summaries(
        self,
        marketplace_id: str,
        *,
        seller_skus: Iterable[str] | None = None,
        start_datetime: datetime | None = None,
    ) -> Iterator[list[dict]]:
        """Yield the pages of getInventorySummaries with details (each a list of
        ``InventorySummary`` dicts) for one marketplace, following
        ``pagination.nextToken`` (valid 30 seconds: read the pages one after the
        other; the criteria are resent with it, as Amazon requires with
        ``startDateTime``). ``seller_skus``: only those SKUs, asked 50 at a time
        (Amazon's limit); ``start_datetime``: only the SKUs changed since then
        (Amazon then ignores ``seller_skus``). A token Amazon no longer accepts
        raises :class:`AmazonPaginationExpired`."""
        marketplace_id = _required(marketplace_id, "marketplace_id")
        skus = _list(seller_skus)
        params = _drop_none(
            {
                "details": True,
                "granularityType": "Marketplace",
                "granularityId": marketplace_id,
                "marketplaceIds": marketplace_id,
                "startDateTime": _iso(start_datetime),
            }
        )
        if not skus or start_datetime is not None:
            return self._inventory_pages(params)
        batches = [skus[i : i + 50] for i in range(0, len(skus), 50)]
        return (
            page
            for batch in batches
            for page in self._inventory_pages(dict(params, sellerSkus=",".join(batch)))
        )

    def _inventory_pages(self, params: dict) -> Iterator[list[dict]]:
        client = self._client(compat.InventoriesClient)
        token = None
        while True:
            page_params = dict(params, nextToken=token) if token else dict(params)
            try:
                payload = self._call(
                    "getInventorySummaries",
                    "GET",
                    lambda p=page_params: client.get_inventory_summary_marketplace(**p),
                )
            except AmazonPermanentError as error:
                if token and error.status == 400:
                    raise _token_refused(
                        error,
                        "it is valid 30 seconds): the summaries must be read again "
                        "from their first page.",
                    ) from error
                raise
            payload = self._expect(payload, dict, "getInventorySummaries")
            result = self._expect(
                payload.get("payload") or {}, dict, "getInventorySummaries"
            )
            yield self._expect(
                result.get("inventorySummaries") or [], list, "getInventorySummaries"
            )
            pagination = payload.get("pagination")
            token = (
                pagination.get("nextToken") if isinstance(pagination, dict) else None
            )
            if not token:
                return

    def create_report(
        self,
        report_type: str,
        *,
        marketplace_ids: Iterable[str],
        data_start_time: datetime | None = None,
        data_end_time: datetime | None = None,
        report_options: dict[str, str] | None = None,
    ) -> str:
        """Ask Amazon for a report; return its reportId (poll :meth:`get_report`).
        Without ``data_end_time`` Amazon reports up to the moment it is asked;
        ``report_options``: the report type's reportOptions (names to strings)."""
        report_type = _required(report_type, "report_type")
        marketplaces = _list(marketplace_ids, required="marketplace_ids")
        start = _iso(data_start_time)
        end = _iso(data_end_time)
        client = self._client(compat.ReportsClient)
        payload = self._call(
            "createReport",
            "POST",
            lambda: client.create_report_clean(
                report_type, marketplaces, start, end, report_options
            ),
        )
        report_id = self._expect(payload, dict, "createReport").get("reportId")
        if not report_id:
            raise AmazonPermanentError(
                "Amazon createReport answered without reportId.",
                operation="createReport",
            )
        return str(report_id)

    def get_report(self, report_id: str) -> dict:
        """The report's status (``processingStatus``, ``reportDocumentId``...)."""
        report_id = _required(report_id, "report_id")
        client = self._client(compat.ReportsClient)
        payload = self._call(
            "getReport", "GET", lambda: client.get_report_clean(report_id)
        )
        return self._expect(payload, dict, "getReport")

    def report_processing(self, report_id: str) -> Processing:
        """Where Amazon is with the report (:meth:`get_report`, typed)."""
        return Processing.from_report(self.get_report(report_id))

    def download_report(self, report_document_id: str) -> ReportDocument:
        """Download a report document, gunzipped if needed, with the charset of the
        download; decoding is the caller's job (encodings vary by marketplace)."""
        report_document_id = _required(report_document_id, "report_document_id")
        client = self._client(compat.ReportsClient)
        info = self._call(
            "getReportDocument",
            "GET",
            lambda: client.get_report_document(report_document_id),
        )
        return self._download_document(self._expect(info, dict, "getReportDocument"))

    def get_report_document(self, report_document_id: str) -> bytes:
        """Download a report document (e.g. a settlement report), gunzipped if
        needed. Decoding is the caller's job (encodings vary by marketplace)."""
        return self.download_report(report_document_id).content

    def patch_listings_item(
        self,
        sku: str,
        *,
        marketplace_ids: Iterable[str],
        product_type: str,
        patches: list[dict],
        mode: str | None = None,
    ) -> dict:
        """Patch one listing (``mode="VALIDATION_PREVIEW"`` only validates); return
        Amazon's answer (``status``, ``submissionId``, ``issues``)."""
        sku = _required(sku, "sku")
        if not self.seller_id:
            raise ValueError("patch_listings_item needs the adapter's seller_id")
        client = self._client(compat.ListingsItemsClient, "2021-08-01")
        query = _drop_none(
            {
                "marketplaceIds": _csv(marketplace_ids, required="marketplace_ids"),
                "mode": mode,
            }
        )
        body = {"productType": product_type, "patches": list(patches)}
        payload = self._call(
            "patchListingsItem",
            "PATCH",
            lambda: client.patch_listings_item(self.seller_id, sku, body=body, **query),
        )
        return self._expect(payload, dict, "patchListingsItem")

    def get_listings_item(
        self,
        sku: str,
        *,
        marketplace_ids: Iterable[str],
        included_data: Iterable[str] = ("summaries", "fulfillmentAvailability"),
    ) -> dict:
        """One listing as Amazon holds it (Listings Items API 2021-08-01
        ``getListingsItem``): by default its ``summaries`` and its
        ``fulfillmentAvailability``, which say who fulfils it. A SKU Amazon does
        not know raises :class:`AmazonPermanentError` with status 404."""
        sku = _required(sku, "sku")
        if not self.seller_id:
            raise ValueError("get_listings_item needs the adapter's seller_id")
        client = self._client(compat.ListingsItemsClient, "2021-08-01")
        query = {
            "marketplaceIds": _csv(marketplace_ids, required="marketplace_ids"),
            "includedData": _csv(included_data, required="included_data"),
        }
        payload = self._call(
            "getListingsItem",
            "GET",
            lambda: client.get_listings_item(self.seller_id, sku, **query),
        )
        return self._expect(payload, dict, "getListingsItem")

    # -- documents -------------------------------------------------------------

    def _download_document(self, info: dict) -> ReportDocument:
        url = info.get("url")
        if not url:
            raise AmazonPermanentError(
                "Amazon answered a document without url.", operation="downloadDocument"
            )
        response = self._transfer("downloadDocument", "GET", url)
        content = response.content
        algorithm = (info.get("compressionAlgorithm") or "").upper()
        if algorithm == "GZIP":
            try:
                content = gzip.decompress(content)
            except (OSError, EOFError, zlib.error):
                raise AmazonPermanentError(
                    "The document Amazon sent is not valid GZIP.",
                    operation="downloadDocument",
                    code=MALFORMED_RESPONSE,
                ) from None
        elif algorithm:
            raise AmazonPermanentError(
                f"Unsupported document compression {algorithm[:40]!r}.",
                operation="downloadDocument",
            )
        charset = _charset(response.headers.get("Content-Type"))
        return ReportDocument(content=content, charset=charset)

    def _transfer(
        self, operation: str, method: str, url: str, **kwargs
    ) -> httpx.Response:
        """Upload/download a document at a presigned URL (no SP-API token)."""

        def send():
            response = self._http.request(method, url, **kwargs)
            if not 200 <= response.status_code < 300:
                raise compat.HttpFailure(response.status_code, response.headers, None)
            return compat.SpApiResponse(
                response.status_code, response.headers, response
            )

        return self._call(operation, method, send)

    # -- the retry loop ----------------------------------------------------------

    def _call(self, operation: str, method: str, send: Callable[[], Any]):
        """Run ``send`` with throttling and retries; return the response payload
        (the parsed JSON, or the bytes of a document transfer)."""
        started_at = datetime.now(timezone.utc)
        started = self._clock()
        attempt = _Attempt()
        try:
            return self._attempt_loop(operation, send, attempt)
        except AmazonError as error:
            attempt.error_code = attempt.error_code or error.code
            raise
        finally:
            self._record(
                ApiCall(
                    operation=operation,
                    method=method,
                    status=attempt.status,
                    duration_ms=max(0.0, (self._clock() - started) * 1000.0),
                    rate_limit=attempt.rate_limit,
                    retries=attempt.retries,
                    error_code=attempt.error_code,
                    request_id=attempt.request_id,
                    started_at=started_at,
                )
            )

    def _attempt_loop(self, operation, send, attempt: _Attempt):
        min_delay = 0.0
        for number in range(1, self.max_attempts + 1):
            attempt.retries = number - 1
            self._wait_turn(operation, number, min_delay)
            try:
                response = self._send_once(operation, send, attempt)
            except _Retry as retry:
                if number >= self.max_attempts:
                    error = retry.error
                    error.retry_after = max(
                        error.retry_after, self._retry_after(operation, number)
                    )
                    raise error from None
                min_delay = retry.min_delay
                _logger.info(
                    "SP-API %s: %s (attempt %d/%d), retrying",
                    operation,
                    attempt.error_code,
                    number,
                    self.max_attempts,
                )
                continue
            attempt.error_code = None
            return response.payload
        raise AssertionError("unreachable")  # pragma: no cover

    def _wait_turn(self, operation: str, number: int, min_delay: float) -> None:
        """Sleep for the token bucket and, on retries, the jittered backoff."""
        delay = min_delay
        if number > 1:
            ceiling = min(self.backoff_max, self.backoff_base * 2 ** (number - 2))
            # Full jitter, with a small floor so a retry never follows at once.
            backoff = max(ceiling * self._rng(), self.backoff_base * 0.1)
            delay = max(delay, backoff)
        if delay > self.max_wait:
            raise self._too_long(operation, delay)
        bucket_wait = self._throttle.wait_time(
            self.account_key, operation, max_wait=self.max_wait
        )
        if bucket_wait > self.max_wait:
            raise self._too_long(operation, bucket_wait)
        if bucket_wait > 0:
            bucket_wait += THROTTLE_MARGIN
        delay = max(delay, bucket_wait)
        if delay > 0:
            self._sleep(delay)

    def _too_long(self, operation: str, wait: float) -> AmazonRetryableError:
        return AmazonRetryableError(
            f"Amazon {operation}: the rate limit requires waiting {wait:.0f} s, "
            f"more than the {self.max_wait:.0f} s allowed in one call; try later.",
            retry_after=wait,
            operation=operation,
            code=LOCAL_THROTTLE,
        )

    def _retry_after(self, operation: str, attempts: int) -> float:
        ceiling = min(self.backoff_max, self.backoff_base * 2 ** (attempts - 1))
        return max(ceiling, self._throttle.peek_wait(self.account_key, operation))

    def _send_once(self, operation: str, send, attempt: _Attempt):
        """One HTTP exchange; returns the response or raises _Retry/AmazonError."""
        try:
            response = send()
        except compat.HttpFailure as failure:
            attempt.status = failure.status
            attempt.read_headers(failure.headers)
            self._apply_rate(operation, attempt)
            raise self._http_error(operation, failure, attempt) from None
        except compat.MalformedResponse as failure:
            attempt.status = failure.status
            attempt.read_headers(failure.headers)
            attempt.error_code = MALFORMED_RESPONSE
            raise AmazonPermanentError(
                f"Amazon {operation} answered HTTP {failure.status} with a body that "
                f"is not valid JSON (request id {attempt.request_id}).",
                operation=operation,
                status=failure.status,
                code=MALFORMED_RESPONSE,
                request_id=attempt.request_id,
            ) from None
        except compat.LwaFailure as failure:
            raise self._lwa_error(operation, failure, attempt) from None
        except httpx.TimeoutException:
            attempt.status = None
            attempt.error_code = TIMEOUT
            raise _Retry(
                AmazonRetryableError(
                    f"Amazon {operation} timed out.",
                    retry_after=self.backoff_base,
                    operation=operation,
                    code=TIMEOUT,
                )
            ) from None
        except httpx.TransportError as error:
            attempt.status = None
            attempt.error_code = NETWORK_ERROR
            raise _Retry(
                AmazonRetryableError(
                    f"Amazon {operation}: network error ({type(error).__name__}).",
                    retry_after=self.backoff_base,
                    operation=operation,
                    code=NETWORK_ERROR,
                )
            ) from None
        attempt.status = response.status
        attempt.read_headers(response.headers)
        self._apply_rate(operation, attempt)
        return response

    def _apply_rate(self, operation: str, attempt: _Attempt) -> None:
        if attempt.rate_limit:
            self._throttle.update_rate(self.account_key, operation, attempt.rate_limit)

    def _http_error(self, operation, failure: "compat.HttpFailure", attempt: _Attempt):
        status = failure.status
        first = failure.errors[0] if failure.errors else {}
        code = _text(first.get("code")) or None
        amazon_message = self._scrub(_text(first.get("message")))
        attempt.error_code = code or f"HTTP{status}"
        message = (
            f"Amazon {operation} failed: HTTP {status}"
            + (f" {code}" if code else "")
            + (f": {amazon_message}" if amazon_message else "")
            + f" (request id {attempt.request_id})."
        )
        kwargs = {
            "operation": operation,
            "status": status,
            "code": code,
            "request_id": attempt.request_id,
        }
        if status == 429 or status >= 500:
            if status == 429:
                self._throttle.drain(self.account_key, operation)
            retry_after = _retry_after_header(failure.headers)
            error = AmazonRetryableError(
                message, retry_after=max(retry_after, self.backoff_base), **kwargs
            )
            return _Retry(error, min_delay=retry_after)
        if status in (401, 403):
            compat.forget_token(self._token_cache_key)
            return AmazonAuthError(f"{message} {_AUTH_HINT}", **kwargs)
        return AmazonPermanentError(message, **kwargs)

    def _lwa_error(self, operation, failure: "compat.LwaFailure", attempt: _Attempt):
        attempt.error_code = failure.error_code or f"LWA{failure.status}"
        kwargs = {
            "operation": operation,
            "status": failure.status,
            "code": failure.error_code,
        }
        if failure.status == 429 or failure.status >= 500:
            return _Retry(
                AmazonRetryableError(
                    f"Amazon's token service (LWA) failed with HTTP {failure.status}.",
                    retry_after=self.backoff_base,
                    **kwargs,
                )
            )
        if failure.status >= 400:
            return AmazonAuthError(
                f"Amazon refused the account's credentials "
                f"({failure.error_code or f'HTTP {failure.status}'}) "
                f"while calling {operation}. {_AUTH_HINT}",
                **kwargs,
            )
        return AmazonPermanentError(
            f"Amazon's token service (LWA) answered an unusable token response "
            f"(HTTP {failure.status}) while calling {operation}.",
            **kwargs,
        )

    def _scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text[:_MESSAGE_LIMIT]

    def _record(self, call: ApiCall) -> None:
        _logger.debug(
            "SP-API %s %s -> %s in %.0f ms (%d retries, error %s, request id %s)",
            call.method,
            call.operation,
            call.status,
            call.duration_ms,
            call.retries,
            call.error_code,
            call.request_id,
        )
        if self._on_call is None:
            return
        try:
            self._on_call(call)
        except Exception:
            _logger.exception("on_call callback failed for %s", call.operation)

    @staticmethod
    def _expect(value, expected_type: type, operation: str):
        if not isinstance(value, expected_type):
            raise AmazonPermanentError(
                f"Amazon {operation} answered an unexpected structure "
                f"({type(value).__name__} instead of {expected_type.__name__}).",
                operation=operation,
                code=MALFORMED_RESPONSE,
            )
        return value


# -- parameter helpers -------------------------------------------------------------


def _search_orders_params(
    *,
    marketplace_ids: Iterable[str],
    created_after: datetime | None = None,
    created_before: datetime | None = None,
    last_updated_after: datetime | None = None,
    last_updated_before: datetime | None = None,
    fulfillment_statuses: Iterable[str] | None = None,
    fulfilled_by: Iterable[str] | None = None,
    included_data: Iterable[str] = DEFAULT_INCLUDED_DATA,
    max_results_per_page: int = 100,
    pagination_token: str | None = None,
) -> dict:
    """searchOrders' query parameters (raises ValueError on bad criteria)."""
    if (created_after is None) == (last_updated_after is None):
        raise ValueError("give exactly one of created_after or last_updated_after")
    return _drop_none(
        {
            "marketplaceIds": _csv(marketplace_ids, required="marketplace_ids"),
            "createdAfter": _iso(created_after),
            "createdBefore": _iso(created_before),
            "lastUpdatedAfter": _iso(last_updated_after),
            "lastUpdatedBefore": _iso(last_updated_before),
            "fulfillmentStatuses": _csv(fulfillment_statuses),
            "fulfilledBy": _csv(fulfilled_by),
            "includedData": _csv(included_data),
            "maxResultsPerPage": int(max_results_per_page),
            "paginationToken": pagination_token or None,
        }
    )


def _token_refused(error: AmazonPermanentError, why: str) -> AmazonPaginationExpired:
    """Amazon refused a next page's token (a 400): the list is to be read again
    from its first page; ``why`` ends the message (the token's lifetime)."""
    return AmazonPaginationExpired(
        f"{error.message} The pagination token was refused ({why}",
        operation=error.operation,
        status=error.status,
        code=error.code,
        request_id=error.request_id,
    )


def _iso(value: datetime | str | None) -> str | None:
    """ISO 8601 in UTC with a 'Z' (aware datetimes only; strings pass as is)."""
    if value is None or isinstance(value, str):
        return value
    if not isinstance(value, datetime):
        raise TypeError("expected a datetime")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("datetimes sent to Amazon must be timezone-aware")
    value = value.astimezone(timezone.utc)
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        text += f".{value.microsecond // 1000:03d}"
    return text + "Z"


def _list(values: Iterable[str] | None, *, required: str | None = None) -> list[str]:
    if isinstance(values, str):
        values = [values]
    items = [str(v) for v in (values or ()) if v]
    if required and not items:
        raise ValueError(f"{required} must not be empty")
    return items


def _csv(values: Iterable[str] | None, *, required: str | None = None) -> str | None:
    items = _list(values, required=required)
    return ",".join(items) if items else None


def _drop_none(params: dict) -> dict:
    return {key: value for key, value in params.items() if value is not None}


def _required(value: str, name: str) -> str:
    if value is None or not str(value).strip():
        raise ValueError(f"{name} is required")
    return str(value)


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def _charset(content_type: str | None) -> str | None:
    """The ``charset`` parameter of a Content-Type header (None when absent)."""
    for parameter in (content_type or "").split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip("\"'") or None
    return None


def _retry_after_header(headers) -> float:
    raw = headers.get("Retry-After") if headers is not None else None
    try:
        return max(0.0, float(raw)) if raw else 0.0
    except ValueError:
        return 0.0
