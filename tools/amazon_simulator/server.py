"""The HTTP side: routing SP-API paths to the state, auth, faults and rate limits.

Control endpoints (not SP-API, not recorded as calls): ``GET /_sim/state`` (a summary,
the listings compactly), ``POST /_sim/advance`` (``{orderId, status}``),
``POST /_sim/generate`` (``{count}``), ``POST /_sim/settlement`` (options of
``add_settlement_report``: ``marketplace``, ``order_ids``, ``settlement_id``,
``reserve``, ``advertising``, ``unknown_amount_type``, ``negative``, ``unbalanced``,
``refund_share``, ``refund_shapes``, ``decimal_comma``, ``compress``; without
``marketplace`` and ``order_ids``, one report per marketplace), ``POST
/_sim/listings`` (a JSON list of ``add_listing`` keyword objects, ``sku``
included), ``POST /_sim/refund``
(``{orderId}`` and ``refund``'s options: ``shape``, ``items``, ``amount``,
``restocking_fee``; the next settlement of the order's marketplace writes it).
``POST /_sim/generate`` takes ``fbaStock`` too (``generate_orders``' ``fba_stock``).
FBA stock (``fba_state``; ``at`` an ISO date-time, ``fulfillmentCenter`` or
``marketplace`` where the units are): ``POST /_sim/fba/inbound`` (``{shipmentId,
items: {sku: units}, received, shipped, close}`` or ``{seed: {sku: units}}``),
``POST /_sim/fba/adjust`` (``{sku, quantity, reason, disposition}``), ``POST
/_sim/fba/removal`` (``{orderId, items, disposition, disposal}``), ``POST
/_sim/fba/transfer`` (``{sku, units, from, to}``); each answers the ledger rows
it wrote and the SKUs' stock.
"""

from __future__ import annotations

import json
import logging
import random
import re
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

from .auth import TokenIssuer, invalid_grant_body
from .errors import QUOTA_EXCEEDED_MESSAGE, UNAUTHORIZED, SpApiError, invalid_input
from .faults import RESPONSE_FAULT_KINDS, Fault
from .ratelimit import RateLimiter, rate_header
from .state import SimulatorState
from .timeutil import parse_iso

_logger = logging.getLogger(__name__)

_ID = r"([^/]+)"
#: (method, path pattern, operation, handler name)
ROUTES = [
    ("POST", r"/auth/o2/token", "token", "_token"),
    (
        "GET",
        r"/sellers/v1/marketplaceParticipations",
        "getMarketplaceParticipations",
        "_participations",
    ),
    ("GET", r"/orders/2026-01-01/orders", "searchOrders", "_search_orders"),
    ("GET", rf"/orders/2026-01-01/orders/{_ID}", "getOrder", "_get_order"),
    (
        "POST",
        rf"/orders/v0/orders/{_ID}/shipmentConfirmation",
        "confirmShipment",
        "_confirm_shipment",
    ),
    (
        "POST",
        r"/feeds/2021-06-30/documents",
        "createFeedDocument",
        "_create_feed_document",
    ),
    ("PUT", rf"/_sim/upload/{_ID}", "uploadFeedDocument", "_upload"),
    ("POST", r"/feeds/2021-06-30/feeds", "createFeed", "_create_feed"),
    ("GET", rf"/feeds/2021-06-30/feeds/{_ID}", "getFeed", "_get_feed"),
    (
        "GET",
        rf"/feeds/2021-06-30/documents/{_ID}",
        "getFeedDocument",
        "_get_feed_document",
    ),
    ("GET", rf"/_sim/download/{_ID}", "downloadDocument", "_download"),
    ("GET", r"/reports/2021-06-30/reports", "getReports", "_get_reports"),
    ("POST", r"/reports/2021-06-30/reports", "createReport", "_create_report"),
    ("GET", rf"/reports/2021-06-30/reports/{_ID}", "getReport", "_get_report"),
    (
        "GET",
        rf"/reports/2021-06-30/documents/{_ID}",
        "getReportDocument",
        "_get_report_document",
    ),
    (
        "PATCH",
        rf"/listings/2021-08-01/items/{_ID}/{_ID}",
        "patchListingsItem",
        "_patch_listings_item",
    ),
    (
        "GET",
        rf"/listings/2021-08-01/items/{_ID}/{_ID}",
        "getListingsItem",
        "_get_listings_item",
    ),
    ("GET", r"/_sim/state", None, "_control_state"),
    ("POST", r"/_sim/advance", None, "_control_advance"),
    ("POST", r"/_sim/generate", None, "_control_generate"),
    ("POST", r"/_sim/settlement", None, "_control_settlement"),
    ("POST", r"/_sim/listings", None, "_control_listings"),
    ("POST", r"/_sim/refund", None, "_control_refund"),
    ("POST", r"/_sim/returns", None, "_control_returns"),
    (
        "GET",
        r"/fba/inventory/v1/summaries",
        "getInventorySummaries",
        "_get_inventory_summaries",
    ),
    ("POST", r"/_sim/fba/inbound", None, "_control_fba_inbound"),
    ("POST", r"/_sim/fba/adjust", None, "_control_fba_adjust"),
    ("POST", r"/_sim/fba/removal", None, "_control_fba_removal"),
    ("POST", r"/_sim/fba/transfer", None, "_control_fba_transfer"),
]
_COMPILED = [(m, re.compile(p + r"/?$"), op, h) for m, p, op, h in ROUTES]
#: Operations that do not need an access token (LWA itself and presigned URLs).
_NO_AUTH = {"token", "uploadFeedDocument", "downloadDocument"}


class Response:
    def __init__(
        self,
        status: int,
        body: bytes = b"",
        content_type: str = "application/json",
        headers: dict | None = None,
    ):
        self.status = status
        self.body = body
        self.content_type = content_type
        self.headers = headers or {}

    @classmethod
    def json(cls, status: int, data, headers: dict | None = None) -> Response:
        return cls(
            status,
            json.dumps(data, ensure_ascii=False).encode("utf-8"),
            "application/json",
            headers,
        )


class SimulatorServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self,
        address,
        state: SimulatorState,
        issuer: TokenIssuer,
        limiter: RateLimiter,
        stopping: threading.Event,
    ):
        super().__init__(address, SimulatorHandler)
        self.state = state
        self.issuer = issuer
        # Amazon's usage plans: enforced (unless the simulator serves without
        # quota) and advertised in x-amzn-RateLimit-Limit.
        self.limiter = limiter
        self.stopping = stopping


class SimulatorHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body are written separately: without this, Nagle's algorithm and
    # delayed ACKs add ~40 ms to every keep-alive request.
    disable_nagle_algorithm = True
    server: SimulatorServer

    def log_message(self, format, *args):
        _logger.debug("%s %s", self.address_string(), format % args)

    # -- dispatch
    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def do_PUT(self):
        self._dispatch("PUT")

    def do_PATCH(self):
        self._dispatch("PATCH")

    def do_DELETE(self):
        self._dispatch("DELETE")

    def _dispatch(self, method: str) -> None:
        split = urlsplit(self.path)
        path = split.path
        self.query = parse_qs(split.query, keep_blank_values=True)
        length = int(self.headers.get("Content-Length") or 0)
        self.body = self.rfile.read(length) if length else b""
        operation, handler, args = None, None, ()
        path_known = False
        for route_method, pattern, op, name in _COMPILED:
            match = pattern.match(path)
            if match:
                path_known = True
                if route_method == method:
                    operation, handler = op, getattr(self, name)
                    args = tuple(unquote(g) for g in match.groups())
                    break
        if handler is None:
            error = SpApiError(
                405 if path_known else 404,
                "MethodNotAllowed" if path_known else "NotFound",
                "The requested resource is not available.",
            )
            self._send(Response.json(error.status, error.body()), None)
            return
        if operation is None:  # control endpoints are not recorded as calls
            self._send(self._guard(handler, args), None)
            return
        response = self._serve(operation, handler, args)
        if response is None:  # a timeout fault: hang up without answering
            self.server.state.record_call(operation, method, path, 0)
            self.close_connection = True
            return
        self.server.state.record_call(operation, method, path, response.status)
        self._send(response, operation)

    def _serve(self, operation, handler, args) -> Response | None:
        state = self.server.state
        # Feed faults are the state's (createFeed succeeds, the feed ends badly).
        fault = state.take_fault(operation, lambda f: f.kind in RESPONSE_FAULT_KINDS)
        if fault is not None:
            return self._fault_response(fault, operation)
        if operation not in _NO_AUTH and not self.server.issuer.is_valid(
            self.headers.get("x-amz-access-token")
        ):
            return Response.json(403, UNAUTHORIZED.body())
        if not self.server.limiter.allow(operation):
            return Response.json(
                429,
                SpApiError(429, "QuotaExceeded", QUOTA_EXCEEDED_MESSAGE).body(),
            )
        return self._guard(handler, args)

    def _guard(self, handler, args) -> Response:
        try:
            return handler(*args)
        except SpApiError as error:
            return Response.json(error.status, error.body())
        except Exception:
            _logger.exception("Simulator handler failed")
            error = SpApiError(
                500, "InternalFailure", "We encountered an internal error."
            )
            return Response.json(500, error.body())

    def _fault_response(self, fault: Fault, operation: str) -> Response | None:
        kind, opts = fault.kind, fault.opts
        if kind == "429":
            headers = {"Retry-After": str(opts.get("retry_after", 1))}
            return Response.json(
                429,
                SpApiError(429, "QuotaExceeded", QUOTA_EXCEEDED_MESSAGE).body(),
                headers,
            )
        if kind == "500":
            error = SpApiError(
                500, "InternalFailure", "We encountered an internal error."
            )
            return Response.json(500, error.body())
        if kind == "non_json_5xx":
            html = (
                "<html><head><title>503 Service Unavailable</title></head>"
                "<body><h1>Service Unavailable</h1></body></html>"
            )
            return Response(int(opts.get("status", 503)), html.encode(), "text/html")
        if kind == "timeout":
            # Longer than the client's timeout ``seconds``; ends early when stopping.
            self.server.stopping.wait(float(opts.get("seconds", 10)) + 0.5)
            return None
        if kind == "malformed_json":
            return Response(200, b'{"orders": [{"orderId": "902-', "application/json")
        if kind == "expired_pagination_token":
            error = invalid_input(
                "Invalid paginationToken: the token is expired or unknown."
            )
            return Response.json(400, error.body())
        if kind == "invalid_grant":
            if operation == "token":
                return Response.json(400, invalid_grant_body())
            return Response.json(403, UNAUTHORIZED.body())
        raise AssertionError(kind)

    def _send(self, response: Response, operation: str | None) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        # Only on the answers Amazon's model lists the header for (not 403, 429, 5xx).
        rate = self.server.limiter.advertised_rate(operation, response.status)
        if rate is not None:
            self.send_header("x-amzn-RateLimit-Limit", rate_header(rate))
        for key, value in response.headers.items():
            self.send_header(key, value)
        self.end_headers()
        if response.body:
            self.wfile.write(response.body)

    # -- request helpers
    def _json_body(self):
        if not self.body:
            return {}
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise invalid_input("The request body is not valid JSON.") from None

    # -- handlers
    def _token(self) -> Response:
        form = {
            k: v[-1] for k, v in parse_qs(self.body.decode("utf-8", "replace")).items()
        }
        status, body = self.server.issuer.token_response(form)
        return Response.json(status, body)

    def _participations(self) -> Response:
        return Response.json(200, self.server.state.marketplace_participations())

    def _search_orders(self) -> Response:
        return Response.json(200, self.server.state.search_orders(self.query))

    def _get_order(self, order_id) -> Response:
        return Response.json(200, self.server.state.get_order(order_id, self.query))

    def _confirm_shipment(self, order_id) -> Response:
        self.server.state.confirm_shipment(order_id, self._json_body())
        return Response(204)

    def _create_feed_document(self) -> Response:
        return Response.json(
            201, self.server.state.create_feed_document(self._json_body())
        )

    def _upload(self, doc_id) -> Response:
        self.server.state.upload_document(
            doc_id, self.body, self.headers.get("Content-Type")
        )
        return Response(200, b"", "text/plain")

    def _create_feed(self) -> Response:
        return Response.json(202, self.server.state.create_feed(self._json_body()))

    def _get_feed(self, feed_id) -> Response:
        return Response.json(200, self.server.state.get_feed(feed_id))

    def _get_feed_document(self, doc_id) -> Response:
        return Response.json(200, self.server.state.get_feed_document(doc_id))

    def _download(self, doc_id) -> Response:
        content, content_type = self.server.state.download(doc_id)
        return Response(200, content, content_type)

    def _get_reports(self) -> Response:
        return Response.json(200, self.server.state.get_reports(self.query))

    def _create_report(self) -> Response:
        return Response.json(202, self.server.state.create_report(self._json_body()))

    def _get_report(self, report_id) -> Response:
        return Response.json(200, self.server.state.get_report(report_id))

    def _get_report_document(self, doc_id) -> Response:
        return Response.json(200, self.server.state.get_report_document(doc_id))

    def _get_inventory_summaries(self) -> Response:
        return Response.json(200, self.server.state.get_inventory_summaries(self.query))

    def _get_listings_item(self, seller_id, sku) -> Response:
        return Response.json(
            200, self.server.state.get_listings_item(seller_id, sku, self.query)
        )

    def _patch_listings_item(self, seller_id, sku) -> Response:
        result = self.server.state.patch_listings_item(
            seller_id, sku, self.query, self._json_body()
        )
        return Response.json(200, result)

    # -- control endpoints (CLI and demo)
    def _control_state(self) -> Response:
        return Response.json(200, self.server.state.summary())

    def _control_advance(self) -> Response:
        body = self._json_body()
        try:
            order = self.server.state.advance(body.get("orderId"), body.get("status"))
        except (KeyError, ValueError) as error:
            raise invalid_input(str(error)) from None
        return Response.json(
            200,
            {
                "orderId": order["orderId"],
                "status": order["fulfillment"]["fulfillmentStatus"],
            },
        )

    def _control_generate(self) -> Response:
        body = self._json_body()
        stock = body.get("fbaStock")
        if stock is not None and (
            not isinstance(stock, int) or isinstance(stock, bool) or stock < 0
        ):
            raise invalid_input("fbaStock must be a whole number of units >= 0.")
        ids = self.server.state.generate_orders(
            int(body.get("count", 1)), fba_stock=stock
        )
        return Response.json(200, {"orderIds": ids})

    def _control_settlement(self) -> Response:
        state = self.server.state
        options = _settlement_options(self._json_body())
        try:
            if "marketplace" in options or "order_ids" in options:
                ids = [state.add_settlement_report(**options)]
            else:
                ids = state.generate_settlement_reports(**options)
        except ValueError as error:
            raise invalid_input(str(error)) from None
        return Response.json(
            200,
            {
                "reportIds": ids,
                "settlementIds": [
                    state.reports[i]["settlement"].settlement_id for i in ids
                ],
            },
        )

    def _control_listings(self) -> Response:
        body = self._json_body()
        try:
            skus = self.server.state.add_listings(body)
        except ValueError as error:
            raise invalid_input(str(error)) from None
        return Response.json(200, {"skus": skus})

    def _control_refund(self) -> Response:
        body = self._json_body()
        options = dict(body) if isinstance(body, dict) else {}
        order_id = options.pop("orderId", None)
        unknown = sorted(set(options) - set(_REFUND_FIELDS))
        if not isinstance(order_id, str) or unknown:
            raise invalid_input(
                "A refund is {orderId, shape, items, amount, restocking_fee}"
                + (f"; unknown: {', '.join(unknown)}" if unknown else "")
            )
        for name, value in options.items():
            if not isinstance(value, _REFUND_FIELDS[name]) or isinstance(value, bool):
                raise invalid_input(f"The refund option {name} has a wrong type.")
        try:
            refund = self.server.state.refund(order_id, **options)
        except ValueError as error:
            raise invalid_input(str(error)) from None
        return Response.json(
            200,
            {
                "orderId": refund.order_id,
                "shape": refund.shape,
                "adjustmentId": refund.adjustment_id,
                "refunded": str(refund.refunded),
                "units": refund.units,
            },
        )

    def _control_returns(self) -> Response:
        """``{"orderId": ..., "items": {orderItemId: units}, "reasonCode": ...,
        "returnless": false, "at": ISO date-time, "disposition": ..., "options":
        {...}}`` records one return (``SimulatorState.add_return``);
        ``{"share": 0.1, "seed": 1}`` generates returns of that share of the
        returnable orders. Answers the records made."""
        body = self._json_body()
        state = self.server.state
        try:
            at = parse_iso(body["at"]) if body.get("at") else None
            if "orderId" in body:
                made = [
                    state.add_return(
                        body["orderId"],
                        items=body.get("items"),
                        reason_code=body.get("reasonCode", "DEFECTIVE"),
                        returnless=bool(body.get("returnless", False)),
                        at=at,
                        disposition=body.get("disposition", "SELLABLE"),
                        **body.get("options", {}),
                    )
                ]
            else:
                seed = body.get("seed")
                made = state.generate_returns(
                    float(body.get("share", 0.1)),
                    random.Random(seed) if seed is not None else None,
                    at=at,
                )
        except (TypeError, ValueError) as error:
            raise invalid_input(str(error)) from None
        return Response.json(200, {"returns": made})

    # -- FBA stock (fba_state)
    def _fba_control(self, action) -> Response:
        """Run ``action(state, body, at)`` on the JSON body; answer the ledger rows
        it wrote and the stock of their SKUs."""
        body = self._json_body()
        state = self.server.state
        if not isinstance(body, dict):
            raise invalid_input("The body must be a JSON object.")
        with state.lock:
            try:
                at = parse_iso(body["at"]) if body.get("at") else None
                before = len(state.fba.ledger)
                action(state, body, at)
            except (KeyError, TypeError, ValueError) as error:
                raise invalid_input(f"{type(error).__name__}: {error}") from None
            rows = state.fba.ledger[before:]
            stock = state.fba_stock
        return Response.json(
            200,
            {
                "rows": [_row_view(row) for row in rows],
                "stock": {row.sku: stock.get(row.sku, {}) for row in rows},
            },
        )

    def _control_fba_inbound(self) -> Response:
        def action(state, body, at):
            if "seed" in body:
                marketplace = body.get("marketplace")
                state.fba_seed(body["seed"], at=at, marketplace=marketplace)
                return
            state.fba_inbound_shipment(
                body["shipmentId"],
                body["items"],
                received=body.get("received"),
                shipped=bool(body.get("shipped", True)),
                at=at,
                **_centre(body),
            )
            if body.get("close"):
                state.close_inbound_shipment(body["shipmentId"], at=at)

        return self._fba_control(action)

    def _control_fba_adjust(self) -> Response:
        def action(state, body, at):
            state.fba_adjust(
                body["sku"],
                body["quantity"],
                body["reason"],
                body.get("disposition", "SELLABLE"),
                at=at,
                reference_id=body.get("referenceId"),
                **_centre(body),
            )

        return self._fba_control(action)

    def _control_fba_removal(self) -> Response:
        def action(state, body, at):
            state.fba_removal(
                body["orderId"],
                body["items"],
                body.get("disposition", "SELLABLE"),
                disposal=bool(body.get("disposal", False)),
                at=at,
                **_centre(body),
            )

        return self._fba_control(action)

    def _control_fba_transfer(self) -> Response:
        def action(state, body, at):
            state.fba_transfer(
                body["sku"], body["units"], body["from"], body["to"], at=at
            )

        return self._fba_control(action)


def _centre(body: dict) -> dict:
    """The ``fulfillment_center`` / ``marketplace`` keywords a body gives."""
    place = {}
    if body.get("fulfillmentCenter"):
        place["fulfillment_center"] = body["fulfillmentCenter"]
    if body.get("marketplace"):
        place["marketplace"] = body["marketplace"]
    return place


def _row_view(row) -> dict:
    return {
        "date": row.moment.isoformat(),
        "sku": row.sku,
        "fnsku": row.fnsku,
        "eventType": row.event_type,
        "referenceId": row.reference_id,
        "quantity": row.quantity,
        "fulfillmentCenter": row.centre,
        "disposition": row.disposition,
        "reason": row.reason,
        "country": row.country,
    }


#: The JSON fields of ``POST /_sim/refund`` (besides orderId) and their types:
#: ``restocking_fee`` a number below 1 is a share, a string an amount.
_REFUND_FIELDS = {
    "shape": str,
    "items": dict,
    "amount": (str, int),
    "restocking_fee": (float, str, int),
}
#: The JSON fields of ``POST /_sim/settlement`` and their types.
_SETTLEMENT_FIELDS = {
    "marketplace": str,
    "order_ids": list,
    "settlement_id": str,
    "compress": bool,
    "refund_share": (int, float),
    "decimal_comma": bool,
    "reserve": bool,
    "advertising": (int, float, str),
    "unknown_amount_type": bool,
    "negative": bool,
    "unbalanced": bool,
    "refund_shapes": bool,
}


def _settlement_options(body) -> dict:
    """The keyword arguments of ``add_settlement_report`` a ``POST /_sim/settlement``
    body asks for. With ``marketplace`` or ``order_ids``, one settlement; without,
    one per marketplace (then ``settlement_id`` cannot be given). ``advertising``
    null: no advertising; left out: the simulator's amount."""
    if not isinstance(body, dict):
        raise invalid_input("The settlement options must be a JSON object.")
    unknown = sorted(set(body) - set(_SETTLEMENT_FIELDS))
    if unknown:
        raise invalid_input(
            f"Unknown settlement options: {', '.join(unknown)} (known: "
            f"{', '.join(_SETTLEMENT_FIELDS)})."
        )
    options = {}
    for name, value in body.items():
        nullable = name in ("advertising", "decimal_comma")
        if value is None and nullable:
            options[name] = None
            continue
        kind = _SETTLEMENT_FIELDS[name]
        if not isinstance(value, kind) or (
            isinstance(value, bool) and kind is not bool
        ):
            raise invalid_input(f"The settlement option {name} has a wrong type.")
        options[name] = value
    if "order_ids" in options and not all(
        isinstance(i, str) for i in options["order_ids"]
    ):
        raise invalid_input("order_ids must be a list of order ids.")
    if "advertising" in options and options["advertising"] is not None:
        options["advertising"] = str(options["advertising"])
    single = "marketplace" in options or "order_ids" in options
    if "settlement_id" in options and not single:
        raise invalid_input(
            "settlement_id needs a marketplace or order_ids: without them a "
            "settlement is made per marketplace."
        )
    return options
