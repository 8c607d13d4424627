"""The simulator's in-memory Amazon: orders, feeds, reports, listings, faults, calls.

Every public method takes the one lock, so the HTTP threads and the test thread can
use the state at the same time.

Listings: ``add_listing`` puts the seller's listings on Amazon's side (SKU, ASIN,
title, price, quantity, channel, product type, status per marketplace);
JSON_LISTINGS_FEED messages and patchListingsItem change their stock and prices
(``listings``), ``reject_sku`` makes Amazon refuse every change of a SKU,
getListingsItem answers what Amazon holds of one (who fulfils it included), and
createReport/getReport serve the All Listings Report (``listings_report``) of what
Amazon holds at the time the report is created, in the layout sellers get.
"""

from __future__ import annotations

import copy
import gzip
import itertools
import json
import random
import secrets
import threading
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from . import feeds as feed_processing
from . import ledger_report, listings, listings_report, returns, vat_invoice_report
from .business_orders import business_order
from .errors import SpApiError, invalid_input, not_found
from .faults import FEED_FAULT_KINDS, REPORT_FAULT_KINDS, Fault, FaultBook
from .fba_inventory import FbaInventory, catalogue_info
from .fba_state import FbaStateMixin
from .generator import CATALOGUE, OrderGenerator, apply_generated_status, ship_lines
from .marketplaces import BY_ID, DEFAULT_CODES, MARKETPLACES, by_code
from .orders import (
    FULFILLED_BY,
    FULFILLMENT_STATUSES,
    INCLUDED_DATA,
    SearchFilter,
    project,
)
from .refunds import Given, Refund, plan_refund
from .refunds import record as record_refund
from .schemas import (
    ORDER_REQUIRED,
    InvalidOrderPayload,
    check_confirm_shipment,
    check_order,
)
from .settlement import AUTO as SETTLEMENT_AUTO
from .settlement import REPORT_TYPE as SETTLEMENT_REPORT_TYPE
from .settlement import build_settlement, paid_items
from .timeutil import iso, parse_iso, utcnow

Params = dict[str, list[str]]

ADVANCE_STATUSES = ("UNSHIPPED", "PARTIALLY_SHIPPED", "SHIPPED", "CANCELLED")
CONFIRMABLE_STATUSES = ("UNSHIPPED", "PARTIALLY_SHIPPED")
#: The report types createReport serves.
REQUESTABLE_REPORT_TYPES = frozenset(
    {listings_report.REPORT_TYPE, *returns.REPORT_TYPES, ledger_report.REPORT_TYPE}
    | {vat_invoice_report.REPORT_TYPE}
)
#: Amazon produces these on its own schedule: createReport refuses them.
SETTLEMENT_REPORT_TYPES = frozenset(
    {
        SETTLEMENT_REPORT_TYPE,
        "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE",
        "GET_V2_SETTLEMENT_REPORT_DATA_XML",
    }
)
CREATE_REPORT_FIELDS = frozenset(
    {"reportType", "marketplaceIds", "dataStartTime", "dataEndTime", "reportOptions"}
)
#: The fields of Amazon's ``Report`` (getReport, getReports).
REPORT_KEYS = (
    "reportId",
    "reportType",
    "marketplaceIds",
    "dataStartTime",
    "dataEndTime",
    "createdTime",
    "processingStatus",
    "processingStartTime",
    "processingEndTime",
    "reportDocumentId",
)


def _values(params: Params, name: str) -> list[str]:
    """All values of a list parameter, sent comma-separated or repeated."""
    return [v for raw in params.get(name, []) for v in raw.split(",") if v]


#: searchOrders' answer to a next page asked with other criteria than the first
#: page's, in Amazon's words (amzn/selling-partner-api-sdk issue #717).
PAGE_CRITERIA_MESSAGE = (
    "The paginationToken you have submitted is not valid. All parameters must match "
    "the original request except maxResultsPerPage."
)
#: The parameters a next page of searchOrders need not repeat.
_PAGING_PARAMETERS = ("paginationToken", "maxResultsPerPage")


def _page_criteria(params: Params) -> dict[str, list[str]]:
    """searchOrders' criteria a next page must repeat: every parameter but the
    paging ones, each as its sorted values (comma-separated or repeated alike)."""
    return {
        name: sorted(_values(params, name))
        for name in params
        if name not in _PAGING_PARAMETERS and _values(params, name)
    }


def _one(params: Params, name: str) -> str | None:
    values = params.get(name)
    return values[-1] if values else None


def _date(params: Params, name: str) -> datetime | None:
    value = _one(params, name)
    if value is None:
        return None
    try:
        return parse_iso(value)
    except ValueError:
        raise invalid_input(
            f"Invalid {name}: '{value}' is not an ISO 8601 date."
        ) from None


def _enum_values(params: Params, name: str, allowed) -> list[str]:
    values = _values(params, name)
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise invalid_input(f"Invalid {name}: {', '.join(unknown)}")
    return values


def _int(params: Params, name: str, default: int, low: int, high: int) -> int:
    value = _one(params, name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        number = low - 1
    if not low <= number <= high:
        raise invalid_input(f"{name} must be between {low} and {high}.")
    return number


class SimulatorState(FbaStateMixin):
    """All of the simulated seller's data. Attributes other code may read:

    ``orders`` (shipped packages in ``order["packages"]``), ``calls``,
    ``shipment_confirmations`` (the confirmShipment bodies accepted), ``feeds``,
    ``acknowledgements`` (each message of the order acknowledgement feeds, with its
    ``error`` or ``None``), ``listings_patches``, ``listings`` (sku -> what Amazon
    holds: ``quantity``, ``lead_time_to_ship_max_days``, ``prices{marketplace_id:
    {currency, value_with_tax, minimum, maximum}}`` as set by ``add_listing``, feeds
    and patches; a listed SKU also its ``asin``, ``title``, ``product_type``,
    ``status``, ``fulfillment_channel``, ``marketplace_ids``, ``listing_id``,
    ``open_date``), ``reports`` (settlement reports and those of createReport),
    ``returns`` (customer returns, ``add_return``: the returns reports hold them),
    ``fba`` (the FBA stock and its Inventory Ledger, ``fba_inventory``; FBA orders
    shipped and FBA returns write their rows, ``fba_state`` moves the rest;
    ``fba_stock`` sku -> disposition -> units).

    Listings: ``add_listing`` (a listed SKU is known to the feeds and patches, its
    product type checked), ``reject_sku(sku, code=..., message=...)`` (every later
    feed message and patch of the SKU gets that one ERROR issue and changes nothing;
    ``accept_sku`` or ``clear_faults`` lifts it).

    Settings: ``pagination_token_ttl``, ``feed_processing_polls`` (0 = done at once),
    ``report_processing_polls`` (getReport calls until a created report is done; 0 =
    done at once), ``result_compression`` ("alternate", "always", "never": feed
    results and created reports), ``listings_report_bom`` (a UTF-8 byte order mark
    before the listings report, but in Japan), ``listings_report_extra_columns``
    (column names Amazon appends, with empty values), ``listings_report_layouts``
    (the listings report's layout per marketplace code or id: "de-4140", "ja",
    "custom", "no-status"; reportOptions custom=true gives "custom"),
    ``visibility_delay``, ``ledger_report_style`` (the Inventory Ledger report's
    variant, ``ledger_report.STYLES``; None: "api"), ``ledger_shipment_ids``
    (False: Shipments rows without a Reference ID). ``listings_item_requests``
    records each getListingsItem.
    """

    def __init__(
        self,
        *,
        seed: int = 42,
        seller_id: str = "A1SIMSELLER0001",
        marketplaces: tuple[str, ...] = DEFAULT_CODES,
        clock: Callable[[], datetime] | None = None,
    ):
        self.lock = threading.RLock()
        self.seed = seed
        self.seller_id = seller_id
        self.marketplaces = tuple(by_code(c).code for c in marketplaces)
        self.clock = clock or utcnow
        self.base_url = ""
        self.orders: dict[str, dict] = {}
        self.calls: list[dict] = []
        self.shipment_confirmations: list[dict] = []
        self.feeds: dict[str, dict] = {}
        self.acknowledgements: list[dict] = []
        self.listings_patches: list[dict] = []
        #: getListingsItem requests: {sku, marketplaceIds, includedData}.
        self.listings_item_requests: list[dict] = []
        self.listings: dict[str, dict] = {}
        self.reports: dict[str, dict] = {}
        self.documents: dict[str, dict] = {}
        self.pagination_token_ttl = timedelta(hours=24)
        self.feed_processing_polls = 2
        self.report_processing_polls = 1
        self.result_compression = "alternate"
        self.listings_report_bom = False
        self.listings_report_extra_columns: tuple[str, ...] = ()
        #: The layout of the listings report by marketplace code or id
        #: (``listings_report.LAYOUTS``: "de-4140", "ja", "custom", "no-status");
        #: reportOptions custom=true asks for "custom" anywhere.
        self.listings_report_layouts: dict[str, str] = {}
        #: Customer returns (``add_return``), and the returns reports' variant:
        #: None (Japan "jp", elsewhere "en"), "en", "de" or "jp" (returns.STYLES).
        self.returns: list[dict] = []
        self.returns_report_style: str | None = None
        #: FBA stock and ledger; the ledger report's variant (ledger_report.STYLES,
        #: None: "api") and whether its Shipments rows carry a shipment id.
        self.fba = FbaInventory(catalogue_info(lambda: self.listings))
        self.ledger_report_style: str | None = None
        self.ledger_shipment_ids = True
        #: VAT invoices and credit notes uploaded by UPLOAD_VAT_INVOICE feeds, in
        #: order: {feed_id, order_id, shipping_id, invoice_number, document_type,
        #: total_amount, total_vat_amount, transaction_id, size, uploaded_at,
        #: status ("Pending"/"Accepted"/"Rejected"), status_description}; the VAT
        #: invoice data report is written from them and from the orders.
        self.vat_invoices: list[dict] = []
        #: The seller is enrolled in the VAT Calculation Service with "upload my
        #: own invoices": the VAT invoice data report holds every order of the
        #: European marketplaces, not only business orders.
        self.vat_invoice_upload_enrolled = False
        # Amazon refuses a createdBefore/lastUpdatedBefore later than 2 min ago.
        self.visibility_delay = timedelta(minutes=2)
        self._withheld: dict[str, dict] = {}
        #: The refunds recorded by ``refund``, in order; what each order item
        #: has been given back so far (order id -> order item id -> Given).
        self.refunds: list[Refund] = []
        self._given: dict[str, dict[str, Given]] = {}
        # (order id, packageReferenceId) of the replacement packages (reships)
        self._replacements: set[tuple[str, str]] = set()
        self._faults = FaultBook()
        # sku -> (code, message) of reject_sku
        self._rejected: dict[str, tuple[str, str]] = {}
        self._pages: dict[str, dict] = {}
        self._rng = random.Random(seed)
        self._generations = itertools.count(1)
        self._shapes: Counter = Counter()  # generated orders per marketplace
        self._ids = itertools.count(1)

    # -- helpers
    def now(self) -> datetime:
        return self.clock()

    def _new_id(self, prefix: str = "") -> str:
        return f"{prefix}{50000 + next(self._ids)}"

    def _order(self, order_id: str) -> dict:
        order = self.orders.get(order_id)
        if order is None:
            raise not_found(f"Order {order_id} not found.")
        return order

    # -- test API: data
    def generate_orders(
        self,
        count: int,
        *,
        now: datetime | None = None,
        marketplaces: tuple[str, ...] = DEFAULT_CODES,
        seed: int | None = None,
        fba_stock: int | None = None,
    ) -> list[str]:
        """Add ``count`` generated orders spread over the marketplaces; their ids.
        ``fba_stock``: the FBA orders' SKUs first receive the units they need and
        that many more (an inbound shipment a country, received 8 days before
        ``now``, before any generated order)."""
        with self.lock:
            if seed is None:
                seed = self.seed * 1000 + next(self._generations)
            rng = random.Random(seed)
            generator = OrderGenerator(rng, self.seller_id, shapes=self._shapes)
            codes = [by_code(c) for c in marketplaces]
            now = now or self.now()
            ids = []
            made = [generator.order(codes[i % len(codes)], now) for i in range(count)]
            if fba_stock is not None:
                self._seed_for_orders(
                    [g.order for g in made if g.order["orderId"] not in self.orders],
                    now - timedelta(days=8),
                    fba_stock,
                )
            for generated in made:
                order_id = generated.order["orderId"]
                if order_id in self.orders:
                    continue
                self.add_order(generated.order)  # the one way in, validated
                if generated.withheld:
                    self._withheld[order_id] = generated.withheld
                ids.append(order_id)
            return ids

    def add_order(self, order: dict, *, validate: bool = True) -> str:
        """Add an order (a full v2026 order dict), or replace the order of the same
        id: the one way orders enter the simulator, hand-made by a test or
        generated (``generate_orders``, the demo's).

        The order must be an ``Order`` of Amazon's official Orders API model
        (``schemas.check_order``): ``InvalidOrderPayload`` names each offending
        field. ``validate=False`` is for the tests that feed the connector what
        Amazon's model does not allow (a status Amazon may add one day); the fields
        the simulator itself needs are checked all the same.
        """
        if validate:
            check_order(order)
        else:
            missing = [key for key in ORDER_REQUIRED if key not in order]
            if missing:
                raise InvalidOrderPayload(f"order lacks {', '.join(missing)}")
        with self.lock:
            self.orders[order["orderId"]] = copy.deepcopy(order)
            self._replacements = {
                key for key in self._replacements if key[0] != order["orderId"]
            }
            stored = self.orders[order["orderId"]]
            self.fba.sync_order(stored, parse_iso(stored["lastUpdatedTime"]))
            return order["orderId"]

    def add_business_order(
        self,
        marketplace: str = "DE",
        *,
        buyer_country: str | None = None,
        vat: str | None = None,
        reverse_charge: bool = False,
        now: datetime | None = None,
    ) -> str:
        """Add an Unshipped Amazon Business order of ``marketplace`` (a code)
        from a buyer of ``buyer_country`` with VAT number ``vat`` (made up by
        default; ``vat_registrations.INVALID_VAT_NUMBER`` is none); with
        ``reverse_charge`` Amazon's ``TAX`` is 0. Its id."""
        with self.lock:
            rng = random.Random(f"{self.seed}-business-{len(self.orders)}")
            generator = OrderGenerator(rng, self.seller_id, shapes=self._shapes)
            order = business_order(
                generator,
                by_code(marketplace),
                now or self.now(),
                buyer_country=buyer_country,
                vat=vat,
                reverse_charge=reverse_charge,
            )
            return self.add_order(order)

    def advance(self, order_id: str, status: str, at: datetime | None = None) -> dict:
        """Move an order to ``status`` like Amazon would; a pending order leaving
        PENDING (except to CANCELLED) gets its buyer, address and prices."""
        if status not in ADVANCE_STATUSES:
            raise ValueError(f"status must be one of {ADVANCE_STATUSES}")
        with self.lock:
            order = self.orders[order_id]
            at = at or self.now()
            if status != "CANCELLED":
                self._reveal(order)
            if status == "UNSHIPPED":
                order["fulfillment"]["fulfillmentStatus"] = "UNSHIPPED"
                for item in order["orderItems"]:
                    fulfillment = item.setdefault("fulfillment", {})
                    fulfillment.setdefault("quantityFulfilled", 0)
                    fulfillment["quantityUnfulfilled"] = (
                        item["quantityOrdered"] - fulfillment["quantityFulfilled"]
                    )
            else:
                if status == "PARTIALLY_SHIPPED" and (
                    sum(i["quantityOrdered"] for i in order["orderItems"]) < 2
                ):
                    raise ValueError("a single-unit order cannot be partially shipped")
                apply_generated_status(order, status, at)
            order["lastUpdatedTime"] = iso(at)
            self.fba.sync_order(order, at)
            return copy.deepcopy(order)

    def _reveal(self, order: dict) -> None:
        withheld = self._withheld.pop(order["orderId"], None)
        if not withheld:
            return
        order["buyer"] = withheld["buyer"]
        order["recipient"] = withheld["recipient"]
        if "proceeds" in withheld:
            order["proceeds"] = withheld["proceeds"]
        for item in order["orderItems"]:
            hidden = withheld.get("items", {}).get(item["orderItemId"])
            if hidden:
                item["product"]["price"] = hidden["price"]
                item["proceeds"] = hidden["proceeds"]

    # -- test API: refunds
    def refund(
        self,
        order_id: str,
        *,
        shape: str = "full",
        items: dict[str, int] | None = None,
        amount=None,
        restocking_fee=None,
        at: datetime | None = None,
    ) -> Refund:
        """Record a refund of a shipped order, in ``shape`` (one of
        :data:`~.refunds.SHAPES`): the next settlement of its marketplace
        (``add_settlement_report``) writes it with its own adjustment-id, posted
        ``at`` (default now; at the latest the settlement's end).

        ``items`` ({orderItemId: units}): the units given back (``partial``:
        default one unit of the first item; ``restocking``, ``promotion``,
        ``chargeback``, ``guarantee_claim``: default every unit left;
        ``shipping``, ``goodwill``: {orderItemId: 0} names the item);
        ``amount``: the goodwill's; ``restocking_fee``: a share (a float between
        0 and 1, default 0.2) or an amount of the principal given back. Never
        more than was paid for an item, never units not shipped or already
        given back: a ValueError says what is wrong. Returns the
        :class:`~.refunds.Refund` (``adjustment_id``, ``rows``, ``refunded``).
        """
        with self.lock:
            order = self.orders.get(order_id)
            if order is None:
                raise ValueError(f"order {order_id!r} is not in the simulator")
            status = order["fulfillment"]["fulfillmentStatus"]
            if status != "SHIPPED":
                raise ValueError(
                    f"order {order_id} is {status}: Amazon refunds a shipped order"
                )
            at = at or self.now()
            if not isinstance(at, datetime) or at.tzinfo is None:
                raise ValueError(f"at {at!r} is not an aware datetime")
            if at < parse_iso(order["createdTime"]):
                raise ValueError(f"at {iso(at)} is before the order was made")
            market = BY_ID[order["salesChannel"]["marketplaceId"]]
            given = self._given.setdefault(order_id, {})
            refund = plan_refund(
                order_id,
                paid_items(order, market),
                given,
                shape=shape,
                currency=market.currency,
                adjustment_id=f"{self._rng.randrange(10**13, 10**14)}",
                posted=at,
                items=items,
                amount=amount,
                restocking_fee=restocking_fee,
            )
            record_refund(refund, given)
            self.refunds.append(refund)
            return refund

    # -- test API: the seller's listings on Amazon's side
    def add_listing(
        self,
        sku: str,
        *,
        marketplace: str = "DE",
        asin: str | None = None,
        title: str | None = None,
        price: Decimal | str | int | float | None = None,
        currency: str | None = None,
        quantity: int | None = None,
        fulfillment_channel: str = "DEFAULT",
        product_type: str | None = "PRODUCT",
        status: str = "Active",
    ) -> dict:
        """List ``sku`` on ``marketplace`` (a code or a marketplace id); a copy of
        ``listings[sku]``.

        The SKU becomes known to the feeds and patches; their ``productType`` must
        be ``product_type`` (``None``: not checked). ``asin`` defaults to the
        catalogue's for a catalogue SKU, a stable ``B0…`` otherwise; ``title`` to
        the catalogue's (Japanese in Japan); ``currency`` to the marketplace's.
        ``fulfillment_channel`` is ``DEFAULT`` (merchant) or ``AMAZON_EU``,
        ``AMAZON_NA``, ``AMAZON_FE``, ``AMAZON_JP`` (FBA: no quantity in the
        listings report). Listing a SKU again (another marketplace, say) keeps
        what is not given again: its quantity, ASIN, the other marketplaces'
        prices. Raises ``ValueError`` for a value Amazon would not hold.
        """
        market = _marketplace(marketplace)
        if not isinstance(sku, str) or not sku.strip():
            raise ValueError("sku must be a non-empty string")
        if fulfillment_channel not in listings.FULFILLMENT_CHANNELS:
            raise ValueError(
                f"fulfillment_channel must be one of {listings.FULFILLMENT_CHANNELS}"
            )
        if status not in listings.LISTING_STATUSES:
            raise ValueError(f"status must be one of {listings.LISTING_STATUSES}")
        if quantity is not None and (
            not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 0
        ):
            raise ValueError("quantity must be an integer of at least 0")
        amount = None
        if price is not None:
            try:
                amount = Decimal(str(price))
            except InvalidOperation:
                raise ValueError(f"price {price!r} is not a number") from None
            if not amount.is_finite() or amount < 0:
                raise ValueError("price must be a number of at least 0")
        with self.lock:
            now = self.now()
            product = CATALOGUE.get(sku)
            listing = self.listings.setdefault(sku, {})
            listing.pop("deleted", None)
            listing["asin"] = (
                asin
                or listing.get("asin")
                or (product.asin if product else listings_report.asin_for(sku))
            )
            if title is None:
                title = listing.get("titles", {}).get(market.marketplace_id)
            if title is None and product is not None:
                title = product.title_ja if market.code == "JP" else product.title
            if title is None:
                title = listing.get("title") or f"Simulated product {sku}"
            listing["title"] = title
            listing.setdefault("titles", {})[market.marketplace_id] = title
            listing["product_type"] = product_type
            listing["status"] = status
            listing["fulfillment_channel"] = fulfillment_channel
            marketplace_ids = listing.setdefault("marketplace_ids", [])
            if market.marketplace_id not in marketplace_ids:
                marketplace_ids.append(market.marketplace_id)
            listing.setdefault("open_date", iso(now))
            listing.setdefault("listing_id", listings_report.listing_id(sku, now))
            if quantity is not None:
                listing["quantity"] = quantity
            if amount is not None or currency is not None:
                entry = listing.setdefault("prices", {}).setdefault(
                    market.marketplace_id, {}
                )
                entry["currency"] = currency or entry.get("currency") or market.currency
                if amount is not None:
                    entry["value_with_tax"] = amount
            return copy.deepcopy(listing)

    def add_listings(self, entries: list[dict]) -> list[str]:
        """``add_listing`` of each ``{sku, marketplace, asin, ...}`` (the keyword
        names); the SKUs. ``ValueError`` for an entry that is not one."""
        if not isinstance(entries, list) or not all(
            isinstance(e, dict) for e in entries
        ):
            raise ValueError("expected a list of listings (objects)")
        with self.lock:
            skus = []
            for entry in entries:
                options = dict(entry)
                sku = options.pop("sku", None)
                try:
                    self.add_listing(sku, **options)
                except TypeError as error:
                    raise ValueError(str(error)) from None
                skus.append(sku)
            return skus

    def reject_sku(
        self,
        sku: str,
        *,
        code: str = listings.CODE_REJECTED,
        message: str | None = None,
    ) -> None:
        """Make Amazon refuse every later change of ``sku``: each feed message and
        patchListingsItem for it gets one ERROR issue of ``code`` and ``message``
        (default: Amazon's example, "'[batteries_required]' is required but not
        supplied.") and changes nothing. ``accept_sku`` or ``clear_faults`` lifts
        it."""
        with self.lock:
            self._rejected[sku] = (str(code), message or listings.REJECTED_MESSAGE)

    def accept_sku(self, sku: str) -> None:
        """Lift a ``reject_sku``."""
        with self.lock:
            self._rejected.pop(sku, None)

    def _knowledge(self) -> listings.Knowledge:
        return listings.Knowledge(self.listings, self._rejected)

    # -- test API: faults and calls
    def inject_fault(self, operation: str, kind: str, count: int = 1, **opts) -> None:
        """Make the next ``count`` calls of ``operation`` fail the ``kind`` way
        (``faults.FAULT_KINDS``; ``inject_fault("createFeed", "fatal")`` makes the
        next feed created end FATAL, ``"unclear_report"`` gives it a report that does
        not add up; ``feed_type=...`` keeps either for a feed of that type;
        ``inject_fault("createReport", "fatal")`` or ``"cancelled"`` makes the next
        report created end FATAL or CANCELLED, ``report_type=...`` the next one of
        that type)."""
        with self.lock:
            self._faults.add(operation, kind, count, **opts)

    def take_fault(
        self, operation: str, accept: Callable[[Fault], bool] | None = None
    ) -> Fault | None:
        with self.lock:
            return self._faults.take(operation, accept)

    def clear_faults(self) -> None:
        """Drop every pending fault and lift every ``reject_sku``."""
        with self.lock:
            self._faults.clear()
            self._rejected.clear()

    def record_call(self, operation: str, method: str, path: str, status: int) -> None:
        with self.lock:
            self.calls.append(
                {
                    "operation": operation,
                    "method": method,
                    "path": path,
                    "status": status,
                    "at": self.now(),
                }
            )

    def reset_calls(self) -> None:
        with self.lock:
            self.calls.clear()

    def count_calls(self, operation: str | None = None) -> int:
        with self.lock:
            return sum(1 for c in self.calls if operation in (None, c["operation"]))

    # -- sellers
    def marketplace_participations(self) -> dict:
        payload = []
        for code in self.marketplaces:
            m = MARKETPLACES[code]
            payload.append(
                {
                    "marketplace": {
                        "id": m.marketplace_id,
                        "name": m.name,
                        "countryCode": m.country,
                        "defaultCurrencyCode": m.currency,
                        "defaultLanguageCode": m.language,
                        "domainName": f"www.{m.domain}",
                    },
                    "participation": {
                        "isParticipating": True,
                        "hasSuspendedListings": False,
                    },
                    "storeName": "Simulated Store",
                }
            )
        return {"payload": payload}

    # -- orders v2026-01-01
    def _included(self, params: Params) -> set[str]:
        return set(_enum_values(params, "includedData", INCLUDED_DATA))

    def search_orders(self, params: Params) -> dict:
        with self.lock:
            now = self.now()
            included = self._included(params)
            token = _one(params, "paginationToken")
            if token:
                page = self._pages.get(token)
                if page is None or page["kind"] != "orders" or page["expires"] <= now:
                    self._pages.pop(token, None)
                    raise invalid_input(
                        "Invalid paginationToken: the token is expired or unknown."
                    )
                if _page_criteria(params) != page["criteria"]:
                    # Amazon's answer (amzn/selling-partner-api-sdk issue #717).
                    raise invalid_input(PAGE_CRITERIA_MESSAGE)
                del self._pages[token]
                return self._orders_page(
                    page["ids"],
                    page["offset"],
                    page["size"],
                    included,
                    page["bound"],
                    now,
                    page["criteria"],
                )
            search, bound = self._search_filter(params, now)
            size = _int(params, "maxResultsPerPage", 100, 1, 100)
            matching = sorted(
                (o for o in self.orders.values() if search.matches(o)),
                key=search.sort_key,
            )
            ids = [o["orderId"] for o in matching]
            return self._orders_page(
                ids, 0, size, included, bound, now, _page_criteria(params)
            )

    def _search_filter(self, params: Params, now: datetime):
        created_after = _date(params, "createdAfter")
        created_before = _date(params, "createdBefore")
        updated_after = _date(params, "lastUpdatedAfter")
        updated_before = _date(params, "lastUpdatedBefore")
        if (created_after is None) == (updated_after is None):
            raise invalid_input(
                "Exactly one of createdAfter and lastUpdatedAfter is required."
            )
        if (created_after and updated_before) or (updated_after and created_before):
            raise invalid_input(
                "createdBefore/After cannot be mixed with lastUpdatedBefore/After."
            )
        marketplace_ids = _values(params, "marketplaceIds")
        if not marketplace_ids:
            raise invalid_input("marketplaceIds is required.")
        after = created_after or updated_after
        before = created_before or updated_before
        latest = now - self.visibility_delay
        if before is not None and self.visibility_delay and before > latest:
            raise invalid_input(
                "The before date must be at least "
                f"{int(self.visibility_delay.total_seconds())} seconds before now."
            )
        if before is None:
            before = latest
        if before < after:
            raise invalid_input(
                "The before date must not be earlier than the after date."
            )
        search = SearchFilter(
            marketplace_ids=marketplace_ids,
            created_after=created_after,
            created_before=before if created_after else None,
            updated_after=updated_after,
            updated_before=before if updated_after else None,
            statuses=_enum_values(params, "fulfillmentStatuses", FULFILLMENT_STATUSES),
            fulfilled_by=_enum_values(params, "fulfilledBy", FULFILLED_BY),
        )
        key = "createdBefore" if created_after else "lastUpdatedBefore"
        return search, (key, iso(before))

    def _orders_page(self, ids, offset, size, included, bound, now, criteria) -> dict:
        chunk = ids[offset : offset + size]
        result = {
            "orders": [
                project(self.orders[order_id], included)
                for order_id in chunk
                if order_id in self.orders
            ]
        }
        if offset + size < len(ids):
            token = secrets.token_urlsafe(24)
            self._pages[token] = {
                "kind": "orders",
                "ids": ids,
                "offset": offset + size,
                "size": size,
                "included": included,
                "bound": bound,
                "criteria": criteria,
                "expires": now + self.pagination_token_ttl,
            }
            result["pagination"] = {"nextToken": token}
        result[bound[0]] = bound[1]
        return result

    def expire_pagination_tokens(self) -> None:
        """Make every pagination token issued so far invalid."""
        with self.lock:
            self._pages.clear()

    def get_order(self, order_id: str, params: Params) -> dict:
        with self.lock:
            included = self._included(params)
            return {"order": project(self._order(order_id), included)}

    # -- orders v0 confirmShipment
    def confirm_shipment(self, order_id: str, body) -> None:
        """confirmShipment: the body must be a ``ConfirmShipmentRequest`` of the
        official model (checked strictly); the package is shipped by :meth:`ship`.
        A confirmation that changes nothing of a package already confirmed is
        refused (400)."""
        with self.lock:
            order = self._order(order_id)
            check_confirm_shipment(body)
            if body.get("marketplaceId") != order["salesChannel"].get("marketplaceId"):
                raise invalid_input(
                    "marketplaceId is missing or does not match the order."
                )
            detail = body["packageDetail"]
            reference = detail["packageReferenceId"]
            if not (reference.isdigit() and int(reference) > 0):
                raise invalid_input(
                    "packageReferenceId must be a positive number as a string."
                )
            for key in ("carrierCode", "trackingNumber"):
                if not detail[key].strip():
                    raise invalid_input(f"packageDetail.{key} is required.")
            other = detail["carrierCode"] == "Other"
            if other and not (detail.get("carrierName") or "").strip():
                raise invalid_input(
                    "packageDetail.carrierName is required when carrierCode is Other."
                )
            try:
                ship_date = parse_iso(detail["shipDate"])
            except ValueError:
                raise invalid_input(
                    "packageDetail.shipDate must be an ISO 8601 date-time."
                ) from None
            lines = detail["orderItems"]
            if not lines:
                raise invalid_input(
                    "packageDetail.orderItems must list at least one item."
                )
            package = {
                "packageReferenceId": reference,
                "carrier": detail["carrierName"] if other else detail["carrierCode"],
                "trackingNumber": detail["trackingNumber"],
                "shippingService": detail.get("shippingMethod") or "Standard",
                "shipTime": iso(ship_date),
            }
            self.ship(order_id, lines, package, ship_date)
            self.shipment_confirmations.append(
                {"order_id": order_id, "body": copy.deepcopy(body)}
            )

    def ship(
        self,
        order_id: str,
        lines: list,
        package: dict,
        at: datetime,
        *,
        unchanged_ok: bool = True,
    ) -> None:
        """Ship ``lines`` ([{orderItemId, quantity}]) of a merchant-fulfilled order in
        ``package``; raises ``SpApiError`` when Amazon would refuse.

        - A ``packageReferenceId`` the order already has edits that package
          (carrier, tracking, items): only the difference in quantities is shipped
          (or un-shipped). No ``lines`` keeps its items. ``unchanged_ok=False``
          refuses an edit that changes nothing.
        - Otherwise a package is added (without a reference, the next free number):
          no ``lines`` ships everything left.
        - A new package for an order already SHIPPED is a replacement (a reship
          after a return): its quantities may not exceed what was ordered (less
          what was canceled), and nothing is shipped again.
        - A canceled order, or one not yet confirmable, is refused.
        """
        with self.lock:
            order = self._order(order_id)
            if order.get("fulfillment", {}).get("fulfilledBy") != "MERCHANT":
                raise invalid_input(
                    f"Order {order_id} is not fulfilled by the merchant."
                )
            status = order["fulfillment"]["fulfillmentStatus"]
            if status == "CANCELLED":
                raise invalid_input(
                    f"Order {order_id} is canceled: it cannot be shipped."
                )
            if status not in (*CONFIRMABLE_STATUSES, "SHIPPED"):
                raise invalid_input(
                    f"Order {order_id} cannot be shipped in status {status}."
                )
            packages = order.get("packages", [])
            reference = package.get("packageReferenceId")
            index = next(
                (
                    i
                    for i, p in enumerate(packages)
                    if reference and p.get("packageReferenceId") == reference
                ),
                None,
            )
            existing = packages[index] if index is not None else None
            if existing is not None:
                replacement = (order_id, reference) in self._replacements
            else:
                replacement = status == "SHIPPED"
                reference = reference or _next_reference(packages)
            items = {i["orderItemId"]: i for i in order["orderItems"]}
            if not lines:
                if existing is not None:
                    lines = copy.deepcopy(existing.get("packageItems", []))
                elif replacement:
                    raise invalid_input(
                        f"Order {order_id} is already shipped: a replacement "
                        "package must list its items."
                    )
                else:
                    lines = [
                        {"orderItemId": i["orderItemId"], "quantity": _unshipped(i)}
                        for i in order["orderItems"]
                        if _unshipped(i)
                    ]
            wanted = _wanted_quantities(lines, items)
            if replacement:
                deltas: dict[str, int] = {}
                for item_id, quantity in wanted.items():
                    limit = _kept(items[item_id])
                    if quantity > limit:
                        raise invalid_input(
                            f"quantity for orderItemId {item_id} exceeds the "
                            f"quantity ordered ({limit})."
                        )
            else:
                previous: Counter = Counter()
                for line in (existing or {}).get("packageItems", []):
                    previous[line["orderItemId"]] += line["quantity"]
                deltas = {
                    item_id: wanted.get(item_id, 0) - previous.get(item_id, 0)
                    for item_id in {*wanted, *previous}
                }
                for item_id, delta in deltas.items():
                    if delta > _unshipped(items[item_id]):
                        raise invalid_input(
                            f"quantity for orderItemId {item_id} exceeds the "
                            "unshipped quantity."
                        )
            entry = {
                "packageReferenceId": reference,
                "createdTime": existing["createdTime"] if existing else iso(at),
                "packageStatus": {"status": "SHIPPED"},
                "carrier": package["carrier"],
                "shipTime": package.get("shipTime", iso(at)),
                "shippingService": package.get("shippingService", "Standard"),
                "trackingNumber": package.get("trackingNumber", ""),
                "packageItems": [
                    {"orderItemId": item_id, "quantity": quantity}
                    for item_id, quantity in wanted.items()
                ],
            }
            if existing is not None and not unchanged_ok and _same(existing, entry):
                raise invalid_input(
                    f"Package {reference} of order {order_id} is already confirmed "
                    "with these details."
                )
            ship_lines(
                order,
                [(items[i], delta) for i, delta in sorted(deltas.items()) if delta],
                at,
                None,
            )
            if existing is not None:
                packages[index] = entry
            else:
                order.setdefault("packages", []).append(entry)
                if replacement:
                    self._replacements.add((order_id, reference))
            self._touch(order)

    def _touch(self, order: dict) -> None:
        order["lastUpdatedTime"] = iso(
            max(self.now(), parse_iso(order["lastUpdatedTime"]))
        )

    # -- order acknowledgement (cancellations by the seller)
    def acknowledge(self, order_id: str, status_code: str, lines: list) -> None:
        """Apply an OrderAcknowledgement: ``Failure`` cancels the whole order,
        ``Success`` cancels all the unshipped units of the listed items that carry
        a ``cancelReason`` (Amazon's acknowledgement gives an item no quantity).
        ``lines`` is ``[{orderItemId, cancelReason}]``; raises ``SpApiError`` for
        what Amazon refuses (unknown order or item, an order shipped, canceled,
        pending or fulfilled by Amazon, an item with nothing left to cancel)."""
        with self.lock:
            order = self._order(order_id)
            if order.get("fulfillment", {}).get("fulfilledBy") != "MERCHANT":
                raise invalid_input(
                    f"Order {order_id} is fulfilled by Amazon: it cannot be canceled."
                )
            status = order["fulfillment"]["fulfillmentStatus"]
            if status == "SHIPPED":
                raise invalid_input(
                    f"Order {order_id} is already shipped: it cannot be canceled."
                )
            if status == "CANCELLED":
                raise invalid_input(f"Order {order_id} is already canceled.")
            if status not in CONFIRMABLE_STATUSES:
                raise invalid_input(
                    f"Order {order_id} cannot be canceled in status {status}."
                )
            items = {i["orderItemId"]: i for i in order["orderItems"]}
            unknown = [
                line["orderItemId"]
                for line in lines
                if line["orderItemId"] not in items
            ]
            if unknown:
                raise invalid_input(
                    f"Order {order_id} has no item {', '.join(unknown)}."
                )
            cancels: dict[str, tuple[int, str]] = {}
            if status_code == "Failure":
                if any(
                    i.get("fulfillment", {}).get("quantityFulfilled", 0)
                    for i in order["orderItems"]
                ):
                    raise invalid_input(
                        f"Order {order_id} is partially shipped: cancel its "
                        "unshipped items instead."
                    )
                reasons = {
                    line["orderItemId"]: line["cancelReason"]
                    for line in lines
                    if line["cancelReason"]
                }
                default = next(iter(reasons.values()), "GeneralAdjustment")
                for item_id, item in items.items():
                    cancels[item_id] = (
                        _unshipped(item),
                        reasons.get(item_id, default),
                    )
            else:
                for line in lines:
                    if not line["cancelReason"]:
                        continue  # acknowledged, not canceled
                    item = items[line["orderItemId"]]
                    if _unshipped(item) < 1:
                        raise invalid_input(
                            f"orderItemId {item['orderItemId']} has no unshipped "
                            "unit left to cancel."
                        )
                    cancels[line["orderItemId"]] = (
                        _unshipped(item),
                        line["cancelReason"],
                    )
            for item_id, (quantity, reason) in cancels.items():
                item = items[item_id]
                item["fulfillment"]["quantityUnfulfilled"] -= quantity
                execution = {"cancelledBy": "MERCHANT", "cancelReason": reason}
                cancellation = {"cancellationExecution": execution}
                if reason == "BuyerCanceled":
                    cancellation["cancellationRequest"] = {
                        "requester": "BUYER",
                        "cancelReason": reason,
                    }
                item["cancellation"] = cancellation
            if cancels:
                _settle_status(order)
                self._touch(order)

    # -- feeds
    def _document_url(self, kind: str, doc_id: str) -> str:
        return f"{self.base_url}/_sim/{kind}/{doc_id}"

    def create_feed_document(self, body) -> dict:
        with self.lock:
            content_type = body.get("contentType") if isinstance(body, dict) else None
            if not content_type:
                raise invalid_input("contentType is required.")
            doc_id = f"amzn1.tortuga.4.eu.sim{next(self._ids):08d}"
            self.documents[doc_id] = {
                "kind": "feed_input",
                "content_type": content_type,
                "content": None,
                "compression": None,
            }
            return {
                "feedDocumentId": doc_id,
                "url": self._document_url("upload", doc_id),
            }

    def upload_document(self, doc_id: str, content: bytes, content_type: str) -> None:
        with self.lock:
            document = self.documents.get(doc_id)
            if document is None or document["kind"] != "feed_input":
                raise SpApiError(404, "NoSuchUpload", "The upload URL is not valid.")
            if _mime(content_type) != _mime(document["content_type"]):
                raise SpApiError(
                    403,
                    "SignatureDoesNotMatch",
                    "The Content-Type does not match the one the URL was created for.",
                )
            document["content"] = content
            document["uploaded_content_type"] = content_type

    def create_feed(self, body) -> dict:
        with self.lock:
            if not isinstance(body, dict):
                raise invalid_input("The request body must be a JSON object.")
            feed_type = body.get("feedType")
            marketplace_ids = body.get("marketplaceIds")
            doc_id = body.get("inputFeedDocumentId")
            if not isinstance(feed_type, str) or not feed_type:
                raise invalid_input("feedType is required.")
            if (
                not isinstance(marketplace_ids, list)
                or not 1 <= len(marketplace_ids) <= 25
            ):
                raise invalid_input("marketplaceIds must list 1 to 25 marketplaces.")
            document = self.documents.get(doc_id)
            if document is None or document["kind"] != "feed_input":
                raise invalid_input(f"Unknown inputFeedDocumentId {doc_id!r}.")
            options = body.get("feedOptions") or {}
            if not isinstance(options, dict) or not all(
                isinstance(v, str) for v in options.values()
            ):
                raise invalid_input("feedOptions must map names to strings.")
            feed_id = self._new_id()
            feed = {
                "feedId": feed_id,
                "feedType": feed_type,
                "marketplaceIds": list(marketplace_ids),
                "createdTime": iso(self.now()),
                "processingStatus": "IN_QUEUE",
                "inputFeedDocumentId": doc_id,
                "feedOptions": dict(options),
                "content_type": document["content_type"],
                "content": document["content"],
                "parsed": None,
                "report": None,
                "report_document": None,
                "polls": 0,
            }
            fault = self._faults.take(
                "createFeed",
                lambda f: (
                    f.kind in FEED_FAULT_KINDS
                    and f.opts.get("feed_type", feed_type) == feed_type
                ),
            )
            if fault is not None and fault.kind == "fatal":
                outcome = self._fatal_outcome(
                    feed, "The feed could not be processed (injected FATAL)."
                )
            else:
                outcome = self._process_feed(feed)
                if fault is not None:  # unclear_report
                    outcome = feed_processing.misreported(
                        outcome, feed_id, self.seller_id
                    )
            if feed_type == feed_processing.ACKNOWLEDGEMENT_FEED:
                self._record_acknowledgements(feed_id, outcome)
            if feed_type == feed_processing.VAT_INVOICE_FEED and outcome.parsed:
                self._record_vat_invoice(outcome.parsed)
            feed["parsed"] = outcome.parsed
            feed["report"] = outcome.report_data
            feed["report_document"] = outcome.report
            feed["final_status"] = outcome.status
            feed["result_content_type"] = outcome.report_content_type
            self.feeds[feed_id] = feed
            if self.feed_processing_polls <= 0:
                self._finish_feed(feed)
            return {"feedId": feed_id}

    def _fatal_outcome(self, feed: dict, message: str) -> feed_processing.FeedOutcome:
        if feed["feedType"] in feed_processing.XML_FEEDS:
            return feed_processing.fatal_xml_outcome(
                feed["feedId"], self.seller_id, message
            )
        return feed_processing.fatal_outcome(message)

    def _process_feed(self, feed: dict) -> feed_processing.FeedOutcome:
        if feed["content"] is None:
            return self._fatal_outcome(feed, "The feed document was never uploaded.")
        if feed["feedType"] in feed_processing.REMOVED_FEED_TYPES:
            return feed_processing.fatal_outcome(
                f"Feed type {feed['feedType']} is no longer supported."
            )
        if feed["feedType"] == feed_processing.LISTINGS_FEED:
            return feed_processing.process_listings_feed(
                feed["content"],
                feed["feedId"],
                self.seller_id,
                self.listings,
                knowledge=self._knowledge(),
                marketplace_ids=feed["marketplaceIds"],
            )
        if feed["feedType"] == feed_processing.FULFILLMENT_FEED:
            return feed_processing.process_fulfillment_feed(
                feed["content"],
                feed["feedId"],
                self.seller_id,
                self.ship,
            )
        if feed["feedType"] == feed_processing.ACKNOWLEDGEMENT_FEED:
            return feed_processing.process_acknowledgement_feed(
                feed["content"], feed["feedId"], self.seller_id, self.acknowledge
            )
        if feed["feedType"] == feed_processing.VAT_INVOICE_FEED:
            return feed_processing.process_vat_invoice_feed(
                feed["content"],
                feed["feedId"],
                self.seller_id,
                feed["feedOptions"],
                feed["marketplaceIds"],
            )
        return feed_processing.fatal_outcome(
            f"Feed type {feed['feedType']} is not supported by the simulator."
        )

    def _record_vat_invoice(self, document: dict) -> None:
        """An uploaded VAT invoice in ``vat_invoices`` (with the keys listed there,
        and its feed's ``marketplace_id``): "Pending" until Amazon's checks,
        "Rejected" at once when the order already has that invoice number."""
        duplicate = any(
            earlier["invoice_number"] == document["invoice_number"]
            and (earlier["order_id"], earlier["shipping_id"])
            == (document["order_id"], document["shipping_id"])
            and earlier["status"] != "Rejected"
            for earlier in self.vat_invoices
        )
        status, description = "Pending", ""
        if duplicate:
            status = "Rejected"
            description = (
                f"Invoice number {document['invoice_number']} was already uploaded "
                f"for order {document['order_id'] or document['shipping_id']}."
            )
        self.vat_invoices.append(
            {
                **document,
                "uploaded_at": self.now(),
                "status": status,
                "status_description": description,
            }
        )

    def _record_acknowledgements(
        self, feed_id: str, outcome: feed_processing.FeedOutcome
    ) -> None:
        errors: dict[str, str] = {}
        for result in (outcome.report_data or {}).get("results", []):
            if result["severity"] == "Error":
                errors.setdefault(result["message_id"], result["description"])
        for message in outcome.parsed or []:
            self.acknowledgements.append(
                {
                    "feed_id": feed_id,
                    "message_id": message["message_id"],
                    "order_id": message["amazon_order_id"],
                    "status_code": message["status_code"],
                    "items": copy.deepcopy(message["items"]),
                    "error": errors.get(message["message_id"] or "0"),
                    "at": self.now(),
                }
            )

    def _finish_feed(self, feed: dict) -> None:
        now = iso(self.now())
        feed.setdefault("processingStartTime", now)
        feed["processingEndTime"] = now
        feed["processingStatus"] = feed["final_status"]
        compress = self.result_compression == "always" or (
            self.result_compression == "alternate" and int(feed["feedId"]) % 2 == 0
        )
        content = feed["report_document"]
        doc_id = f"amzn1.tortuga.4.eu.result{next(self._ids):08d}"
        self.documents[doc_id] = {
            "kind": "feed_result",
            "content_type": feed["result_content_type"],
            "content": gzip.compress(content, mtime=0) if compress else content,
            "compression": "GZIP" if compress else None,
        }
        feed["resultFeedDocumentId"] = doc_id

    def get_feed(self, feed_id: str) -> dict:
        with self.lock:
            feed = self.feeds.get(feed_id)
            if feed is None:
                raise not_found(f"Feed {feed_id} not found.")
            if feed["processingStatus"] in ("IN_QUEUE", "IN_PROGRESS"):
                feed["polls"] += 1
                if feed["polls"] >= self.feed_processing_polls:
                    self._finish_feed(feed)
                elif feed["polls"] == self.feed_processing_polls - 1:
                    feed["processingStatus"] = "IN_PROGRESS"
                    feed["processingStartTime"] = iso(self.now())
            keys = (
                "feedId",
                "feedType",
                "marketplaceIds",
                "createdTime",
                "processingStatus",
                "processingStartTime",
                "processingEndTime",
                "resultFeedDocumentId",
            )
            return {k: copy.deepcopy(feed[k]) for k in keys if k in feed}

    def get_feed_document(self, doc_id: str) -> dict:
        with self.lock:
            document = self.documents.get(doc_id)
            if document is None or not document["kind"].startswith("feed"):
                raise not_found(f"Feed document {doc_id} not found.")
            result = {
                "feedDocumentId": doc_id,
                "url": self._document_url("download", doc_id),
            }
            if document["compression"]:
                result["compressionAlgorithm"] = document["compression"]
            return result

    def download(self, doc_id: str) -> tuple[bytes, str]:
        with self.lock:
            document = self.documents.get(doc_id)
            if document is None or document["content"] is None:
                raise SpApiError(404, "NoSuchKey", "The specified key does not exist.")
            return document["content"], document["content_type"]

    # -- reports
    def add_settlement_report(
        self,
        order_ids: list[str] | None = None,
        *,
        marketplace: str | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
        deposit_date: datetime | None = None,
        created: datetime | None = None,
        settlement_id: str | None = None,
        compress: bool = False,
        refund_share: float = 0.2,
        decimal_comma: bool | None = None,
        reserve: bool = True,
        advertising: Decimal | str | None = SETTLEMENT_AUTO,
        unknown_amount_type: bool = False,
        negative: bool = False,
        unbalanced: bool = False,
        vocabulary: bool = False,
        date_style: str | None = None,
        refund_shapes: bool = False,
    ) -> str:
        """Publish a V2 settlement report of ``order_ids`` (default: every shipped
        order of ``marketplace``); returns the report id. The refunds recorded by
        :meth:`refund` of these orders, posted by ``end`` and not settled yet,
        are written in it (then settled).

        ``marketplace`` is a code (default: the one of the first of ``order_ids``,
        else DE); ``settlement_id`` a string of digits (default: 11 random ones).
        The other options are :func:`~.settlement.build_settlement`'s: ``reserve``,
        ``advertising`` (the cost, AUTO or None), ``unknown_amount_type``,
        ``negative``, ``unbalanced``, ``refund_share``, ``decimal_comma``,
        ``vocabulary``, ``date_style``, ``refund_shapes``.
        """
        with self.lock:
            if order_ids is not None:
                orders = [self._order(i) for i in order_ids]
            if marketplace is None:
                first = orders[0] if order_ids else None
                market = (
                    BY_ID.get(first["salesChannel"].get("marketplaceId"))
                    if first
                    else None
                ) or by_code("DE")
            else:
                market = by_code(marketplace)
            if order_ids is None:
                orders = [
                    o
                    for o in self.orders.values()
                    if o["salesChannel"].get("marketplaceId") == market.marketplace_id
                ]
            orders = sorted(orders, key=lambda o: (o["lastUpdatedTime"], o["orderId"]))
            end = end or self.now()
            start = start or min(
                (parse_iso(o["createdTime"]) for o in orders),
                default=end - timedelta(days=14),
            )
            settlement_id = settlement_id or f"{self._rng.randrange(10**10, 10**11)}"
            in_scope = {o["orderId"] for o in orders}
            due = [
                r
                for r in self.refunds
                if r.settlement_id is None
                and r.order_id in in_scope
                and r.posted <= end
            ]
            settlement = build_settlement(
                orders,
                market,
                settlement_id=settlement_id,
                start=start,
                end=end,
                deposit_date=deposit_date or end + timedelta(days=1),
                rng=random.Random(f"{self.seed}-{settlement_id}"),
                refund_share=refund_share,
                decimal_comma=decimal_comma,
                reserve=reserve,
                advertising=advertising,
                unknown_amount_type=unknown_amount_type,
                negative=negative,
                unbalanced=unbalanced,
                vocabulary=vocabulary,
                date_style=date_style,
                refund_shapes=refund_shapes,
                refunds=due,
            )
            for refund in due:
                refund.settlement_id = settlement_id
            doc_id = f"amzn1.spdoc.1.4.eu.sim{next(self._ids):08d}"
            content = settlement.content
            self.documents[doc_id] = {
                "kind": "report",
                "content_type": f"text/plain; charset={market.charset}",
                "content": gzip.compress(content, mtime=0) if compress else content,
                "compression": "GZIP" if compress else None,
            }
            report_id = self._new_id()
            created = created or end
            self.reports[report_id] = {
                "reportId": report_id,
                "reportType": SETTLEMENT_REPORT_TYPE,
                "marketplaceIds": [market.marketplace_id],
                "dataStartTime": iso(start),
                "dataEndTime": iso(end),
                "createdTime": iso(created),
                "processingStatus": "DONE",
                "processingStartTime": iso(created),
                "processingEndTime": iso(created),
                "reportDocumentId": doc_id,
                "settlement": settlement,
            }
            return report_id

    def generate_settlement_reports(
        self, *, compress_every: int = 2, **options
    ) -> list[str]:
        """One settlement report per marketplace having shipped orders; ``options``
        go to :meth:`add_settlement_report` (``reserve``, ``advertising``...)."""
        with self.lock:
            ids = []
            for index, code in enumerate(self.marketplaces):
                market = MARKETPLACES[code]
                if any(
                    o["salesChannel"].get("marketplaceId") == market.marketplace_id
                    and o["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
                    for o in self.orders.values()
                ):
                    ids.append(
                        self.add_settlement_report(
                            marketplace=code,
                            compress=bool(compress_every)
                            and index % compress_every == 1,
                            **options,
                        )
                    )
            return ids

    def refuse_vat_invoice(
        self, invoice_number: str, message: str = vat_invoice_report.WRONG_TOTAL
    ) -> dict:
        """Amazon refuses the last uploaded VAT document numbered
        ``invoice_number`` with ``message`` (``vat_invoice_report.WRONG_TOTAL``,
        ``DUPLICATE_NUMBER``, ``WRONG_DOCUMENT_TYPE`` or any text): the VAT
        invoice data report shows it pending with that description."""
        with self.lock:
            for entry in reversed(self.vat_invoices):
                if entry.get("invoice_number") == invoice_number:
                    entry["status"] = "Rejected"
                    entry["status_description"] = message
                    return entry
            raise KeyError(f"no VAT document {invoice_number} was uploaded")

    def get_reports(self, params: Params) -> dict:
        with self.lock:
            now = self.now()
            token = _one(params, "nextToken")
            if token:
                if set(params) != {"nextToken"}:
                    raise invalid_input("nextToken must be the only parameter.")
                page = self._pages.pop(token, None)
                if page is None or page["kind"] != "reports" or page["expires"] <= now:
                    raise invalid_input(
                        "Invalid nextToken: the token is expired or unknown."
                    )
                return self._reports_page(
                    page["ids"], page["offset"], page["size"], now
                )
            types = _values(params, "reportTypes")
            if not types:
                raise invalid_input(
                    "reportTypes is required unless nextToken is given."
                )
            statuses = set(_values(params, "processingStatuses"))
            marketplaces = set(_values(params, "marketplaceIds"))
            size = _int(params, "pageSize", 10, 1, 100)
            since = _date(params, "createdSince") or now - timedelta(days=90)
            until = _date(params, "createdUntil") or now
            matching = [
                r
                for r in self.reports.values()
                if r["reportType"] in types
                and (not statuses or r["processingStatus"] in statuses)
                and (not marketplaces or marketplaces & set(r["marketplaceIds"]))
                and since <= parse_iso(r["createdTime"]) <= until
            ]
            matching.sort(key=lambda r: (r["createdTime"], r["reportId"]), reverse=True)
            return self._reports_page([r["reportId"] for r in matching], 0, size, now)

    def _reports_page(self, ids, offset, size, now) -> dict:
        result = {
            "reports": [
                _report_view(self.reports[i]) for i in ids[offset : offset + size]
            ]
        }
        if offset + size < len(ids):
            token = secrets.token_urlsafe(24)
            self._pages[token] = {
                "kind": "reports",
                "ids": ids,
                "offset": offset + size,
                "size": size,
                "expires": now + self.pagination_token_ttl,
            }
            result["nextToken"] = token
        return result

    def create_report(self, body) -> dict:
        """createReport: a ``CreateReportSpecification``; the report (of a type in
        ``REQUESTABLE_REPORT_TYPES``) is built at once from what Amazon holds now,
        then waits ``report_processing_polls`` getReport calls. A marketplace with
        no listing gives no data: the report ends CANCELLED, as Amazon cancels a
        report with nothing to return."""
        with self.lock:
            if not isinstance(body, dict):
                raise invalid_input("The request body must be a JSON object.")
            unknown = sorted(set(body) - CREATE_REPORT_FIELDS)
            if unknown:
                raise invalid_input(
                    f"Unknown field(s) in the request body: {', '.join(unknown)}."
                )
            report_type = body.get("reportType")
            if not isinstance(report_type, str) or not report_type:
                raise invalid_input("reportType is required.")
            marketplace_ids = body.get("marketplaceIds")
            if (
                not isinstance(marketplace_ids, list)
                or not 1 <= len(marketplace_ids) <= 25
                or not all(isinstance(m, str) for m in marketplace_ids)
            ):
                raise invalid_input("marketplaceIds must list 1 to 25 marketplaces.")
            unknown = [m for m in marketplace_ids if m not in BY_ID]
            if unknown:
                raise invalid_input(f"Invalid marketplaceIds: {', '.join(unknown)}")
            options = body.get("reportOptions", {})
            if not isinstance(options, dict) or not all(
                isinstance(v, str) for v in options.values()
            ):
                raise invalid_input("reportOptions must map names to strings.")
            now = self.now()
            start = _body_date(body, "dataStartTime") or now
            end = _body_date(body, "dataEndTime") or now
            if start > now or end > now:
                raise invalid_input(
                    "dataStartTime and dataEndTime must be prior to or equal to the "
                    "current date and time."
                )
            if start > end:
                raise invalid_input("dataStartTime must not be after dataEndTime.")
            if report_type in SETTLEMENT_REPORT_TYPES:
                # Amazon names the type by its internal number (1118 for the V2
                # flat file): settlement reports are only listed, never requested.
                number = _SETTLEMENT_TYPE_NUMBERS.get(report_type, report_type)
                raise invalid_input(
                    f"Request for report type {number} is not allowed at this time"
                )
            if report_type not in REQUESTABLE_REPORT_TYPES:
                raise invalid_input(
                    f"Invalid reportType {report_type}: the simulator serves "
                    f"{', '.join(sorted(REQUESTABLE_REPORT_TYPES))}."
                )
            refusal = returns.window_error(report_type, start, end)
            if report_type == vat_invoice_report.REPORT_TYPE:
                refusal = vat_invoice_report.window_error(options, start, end)
                built = vat_invoice_report.build_vat_invoice_report(
                    list(self.orders.values()),
                    self.refunds,
                    self.vat_invoices,
                    list(dict.fromkeys(marketplace_ids)),
                    start,
                    end,
                    now,
                    options=options,
                    enrolled=self.vat_invoice_upload_enrolled,
                )
            elif report_type == ledger_report.REPORT_TYPE:
                built = ledger_report.build_ledger_report(
                    self.fba.ledger,
                    list(dict.fromkeys(marketplace_ids)),
                    start,
                    end,
                    self.ledger_report_style,
                    shipment_ids=self.ledger_shipment_ids,
                )
            elif report_type in returns.REPORT_TYPES:
                built = returns.build_returns_report(
                    report_type,
                    self.returns,
                    list(dict.fromkeys(marketplace_ids)),
                    start,
                    end,
                    self.returns_report_style,
                )
            else:
                built = listings_report.build_listings_report(
                    self.listings,
                    list(dict.fromkeys(marketplace_ids)),
                    bom=self.listings_report_bom,
                    extra_columns=tuple(self.listings_report_extra_columns),
                    layout=self._listings_layout(marketplace_ids, options),
                )
            report_id = self._new_id()
            report = {
                "reportId": report_id,
                "reportType": report_type,
                "marketplaceIds": list(marketplace_ids),
                "dataStartTime": iso(start),
                "dataEndTime": iso(end),
                "createdTime": iso(now),
                "processingStatus": "IN_QUEUE",
                "reportOptions": dict(options),
                "polls": 0,
                "final_status": "FATAL"
                if refusal
                else ("DONE" if built.rows else "CANCELLED"),
                "error_details": refusal,
                "content": built.content,
                "content_type": built.content_type,
                "rows": built.rows,
            }
            fault = self._faults.take(
                "createReport",
                lambda f: (
                    f.kind in REPORT_FAULT_KINDS
                    and f.opts.get("report_type", report_type) == report_type
                ),
            )
            if fault is not None:
                report["final_status"] = fault.kind.upper()
            self.reports[report_id] = report
            if self.report_processing_polls <= 0:
                self._finish_report(report)
            return {"reportId": report_id}

    def _finish_report(self, report: dict) -> None:
        now = iso(self.now())
        status = report["final_status"]
        report["processingStatus"] = status
        report["processingEndTime"] = now
        if status == "CANCELLED":
            return
        report.setdefault("processingStartTime", now)
        if status == "FATAL":
            details = report.get("error_details") or (
                "The report could not be generated (injected FATAL)."
            )
            content = json.dumps({"errorDetails": details}).encode()
            content_type = "application/json"
        else:
            content, content_type = report["content"], report["content_type"]
        compress = self.result_compression == "always" or (
            self.result_compression == "alternate" and int(report["reportId"]) % 2 == 0
        )
        region = BY_ID[report["marketplaceIds"][0]].code
        region = {"US": "na", "JP": "fe"}.get(region, "eu")
        doc_id = f"amzn1.spdoc.1.4.{region}.sim{next(self._ids):08d}"
        self.documents[doc_id] = {
            "kind": "report",
            "content_type": content_type,
            "content": gzip.compress(content, mtime=0) if compress else content,
            "compression": "GZIP" if compress else None,
        }
        report["reportDocumentId"] = doc_id

    def get_report(self, report_id: str) -> dict:
        """getReport: each call of a created report not yet done counts one poll
        (IN_QUEUE, IN_PROGRESS on the poll before the last, then its final
        status)."""
        with self.lock:
            report = self.reports.get(report_id)
            if report is None:
                raise not_found(f"Report {report_id} not found.")
            if report["processingStatus"] in ("IN_QUEUE", "IN_PROGRESS"):
                report["polls"] += 1
                if report["polls"] >= self.report_processing_polls:
                    self._finish_report(report)
                elif report["polls"] == self.report_processing_polls - 1:
                    report["processingStatus"] = "IN_PROGRESS"
                    report["processingStartTime"] = iso(self.now())
            return _report_view(report)

    def get_report_document(self, doc_id: str) -> dict:
        with self.lock:
            document = self.documents.get(doc_id)
            if document is None or document["kind"] != "report":
                raise not_found(f"Report document {doc_id} not found.")
            result = {
                "reportDocumentId": doc_id,
                "url": self._document_url("download", doc_id),
            }
            if document["compression"]:
                result["compressionAlgorithm"] = document["compression"]
            return result

    # -- customer returns
    def add_return(
        self,
        order_id: str,
        *,
        items: dict[str, int] | None = None,
        reason_code: str = "DEFECTIVE",
        returnless: bool = False,
        at: datetime | None = None,
        disposition: str = "SELLABLE",
        **opts,
    ) -> dict:
        """Record a customer return of a shipped order; returns its record (a copy):
        ``rma`` (merchant orders) or ``units`` with a ``lpn`` each (FBA orders).

        ``items`` maps order item ids to units (default: every shipped unit not
        returned yet); ``at`` dates the return request (merchant) or the unit's
        arrival at the fulfilment centre (FBA), default now; ``returnless`` (merchant
        only): Amazon refunds without the item coming back, no label;
        ``disposition`` (FBA) one of ``returns.DISPOSITIONS``. ``opts``: ``status``,
        ``resolution``, ``carrier``, ``tracking``, ``label_cost``, ``label_payer``,
        ``delivered_at``, ``fulfillment_center``, ``customer_comments``, ``rma``.
        Raises ValueError for an unknown order, units never shipped or already
        returned, and any other return Amazon would not have."""
        with self.lock:
            order = self.orders.get(order_id)
            if order is None:
                raise ValueError(f"Order {order_id} not found.")
            entry = returns.new_return(
                order,
                self.returns,
                items=items,
                reason_code=reason_code,
                returnless=returnless,
                at=at or self.now(),
                disposition=disposition,
                rng=self._rng,
                **opts,
            )
            self.returns.append(entry)
            self.fba.customer_return(entry)
            return copy.deepcopy(entry)

    def generate_returns(
        self,
        share: float = 0.1,
        rng: random.Random | None = None,
        *,
        at: datetime | None = None,
    ) -> list[dict]:
        """Returns of ``share`` of the orders with shipped units not returned yet
        (``returns.pick_returns``), dated ``at`` (default now); their records."""
        with self.lock:
            rng = rng or random.Random(f"{self.seed}-returns-{len(self.returns)}")
            picks = returns.pick_returns(
                list(self.orders.values()), self.returns, share, rng
            )
            return [self.add_return(at=at, **pick) for pick in picks]

    def _listings_layout(self, marketplace_ids: list[str], options: dict) -> str:
        """The listings report's layout: custom=true's, else the one set for the
        (first) marketplace asked, else Amazon's documented one."""
        if str(options.get("custom", "")).lower() == "true":
            return "custom"
        for marketplace_id in marketplace_ids:
            market = BY_ID.get(marketplace_id)
            for key in (marketplace_id, market.code if market else None):
                if key in self.listings_report_layouts:
                    return self.listings_report_layouts[key]
        return "documented"

    # -- listings items
    def _listings_marketplaces(self, seller_id: str, params: Params) -> list[str]:
        """The ``marketplaceIds`` of a Listings Items request, as Amazon checks
        them: another seller's SKU is 403, a missing or unknown marketplace 400."""
        if seller_id != self.seller_id:
            raise SpApiError(
                403, "Unauthorized", "Access to requested resource is denied."
            )
        marketplace_ids = _values(params, "marketplaceIds")
        if not marketplace_ids:
            raise invalid_input("marketplaceIds is required.")
        unknown = [m for m in marketplace_ids if m not in BY_ID]
        if unknown:
            raise invalid_input(f"Invalid marketplaceIds: {', '.join(unknown)}")
        return marketplace_ids

    def get_listings_item(self, seller_id: str, sku: str, params: Params) -> dict:
        """getListingsItem: a listing added with ``add_listing`` (and not deleted)
        in one of the marketplaces asked; any other SKU is Amazon's 404."""
        with self.lock:
            marketplace_ids = self._listings_marketplaces(seller_id, params)
            included = _values(params, "includedData") or ["summaries"]
            wrong = [i for i in included if i not in listings.INCLUDED_DATA]
            if wrong:
                raise invalid_input(f"Invalid includedData: {', '.join(wrong)}")
            self.listings_item_requests.append(
                {
                    "sku": sku,
                    "marketplaceIds": marketplace_ids,
                    "includedData": included,
                }
            )
            listing = self.listings.get(sku)
            if (
                not listings.is_listed(listing)
                or listing.get("deleted")
                or not set(marketplace_ids) & set(listing.get("marketplace_ids", ()))
            ):
                # Amazon's code for it is NOT_FOUND (amzn/selling-partner-api-models
                # #4283 quotes the answer).
                raise SpApiError(
                    404,
                    "NOT_FOUND",
                    f"SKU '{sku}' not found in marketplace {marketplace_ids[0]}",
                )
            return listings.listings_item(
                sku, listing, marketplace_ids, included, iso(self.now())
            )

    def patch_listings_item(
        self, seller_id: str, sku: str, params: Params, body
    ) -> dict:
        with self.lock:
            marketplace_ids = self._listings_marketplaces(seller_id, params)
            mode = _one(params, "mode")
            if mode not in (None, "VALIDATION_PREVIEW"):
                raise invalid_input(f"Invalid mode {mode!r}.")
            if not isinstance(body, dict) or not body.get("productType"):
                raise invalid_input("productType is required.")
            patches = body.get("patches")
            if (
                not isinstance(patches, list)
                or not patches
                or not all(
                    isinstance(p, dict)
                    and p.get("op") in ("add", "replace", "merge", "delete")
                    and isinstance(p.get("path"), str)
                    for p in patches
                )
            ):
                raise invalid_input("patches must list valid JSON Patch operations.")
            self.listings_patches.append(
                {
                    "sku": sku,
                    "marketplaceIds": marketplace_ids,
                    "body": copy.deepcopy(body),
                    "mode": mode,
                }
            )
            issues = [
                {
                    "code": issue["code"],
                    "message": issue["message"],
                    "severity": "ERROR",
                    "categories": [],
                    **(
                        {"attributeNames": [issue["attributeName"]]}
                        if "attributeName" in issue
                        else {}
                    ),
                }
                for issue in listings.check_change(
                    sku,
                    "PATCH",
                    None,
                    patches,
                    product_type=body["productType"],
                    knowledge=self._knowledge(),
                    marketplace_id=marketplace_ids[0],
                )
            ]
            if issues:
                status = "INVALID"
            elif mode == "VALIDATION_PREVIEW":
                status = "VALID"
            else:
                status = "ACCEPTED"
                listings.apply_change(
                    self.listings,
                    sku,
                    "PATCH",
                    None,
                    patches,
                    marketplace_id=marketplace_ids[0],
                )
            return {
                "sku": sku,
                "status": status,
                "submissionId": secrets.token_hex(16),
                "issues": issues,
            }

    # -- control
    def summary(self) -> dict:
        with self.lock:
            statuses: dict[str, int] = {}
            for order in self.orders.values():
                status = order["fulfillment"]["fulfillmentStatus"]
                statuses[status] = statuses.get(status, 0) + 1
            return {
                "sellerId": self.seller_id,
                "orders": len(self.orders),
                "ordersByStatus": statuses,
                "feeds": len(self.feeds),
                "reports": len(self.reports),
                "returns": len(self.returns),
                "fbaLedgerRows": len(self.fba.ledger),
                "fbaStock": self.fba.fba_stock(),
                "shipmentConfirmations": len(self.shipment_confirmations),
                "listingsPatches": len(self.listings_patches),
                "listings": {
                    sku: _listing_view(listing)
                    for sku, listing in sorted(self.listings.items())
                },
                "rejectedSkus": {
                    sku: code
                    for sku, (code, _message) in sorted(self._rejected.items())
                },
                "calls": len(self.calls),
                "faults": self._faults.pending(),
            }


def _marketplace(marketplace: str):
    """A marketplace from its code ("DE") or its id; ``ValueError`` otherwise."""
    if marketplace in BY_ID:
        return BY_ID[marketplace]
    return by_code(marketplace)


def _body_date(body: dict, name: str) -> datetime | None:
    value = body.get(name)
    if value is None:
        return None
    try:
        if not isinstance(value, str):
            raise ValueError(value)
        return parse_iso(value)
    except ValueError:
        raise invalid_input(
            f"Invalid {name}: {value!r} is not an ISO 8601 date-time."
        ) from None


#: Amazon's internal numbers of the settlement report types, in its refusal.
_SETTLEMENT_TYPE_NUMBERS = {
    "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE": "1117",
    SETTLEMENT_REPORT_TYPE: "1118",
}


def _report_view(report: dict) -> dict:
    """A stored report as Amazon's ``Report``."""
    return {k: copy.deepcopy(report[k]) for k in REPORT_KEYS if k in report}


def _listing_view(listing: dict) -> dict:
    """A listing, compactly, for ``GET /_sim/state``: prices as "19.99 EUR"."""
    view = {}
    keys = (
        ("asin", "asin"),
        ("title", "title"),
        ("product_type", "productType"),
        ("status", "status"),
        ("fulfillment_channel", "fulfillmentChannel"),
        ("quantity", "quantity"),
        ("lead_time_to_ship_max_days", "leadTimeToShipMaxDays"),
        ("deleted", "deleted"),
    )
    for key, name in keys:
        if key in listing:
            view[name] = listing[key]
    if "marketplace_ids" in listing:
        view["marketplaces"] = [
            BY_ID[m].code if m in BY_ID else m for m in listing["marketplace_ids"]
        ]
    prices = {}
    for marketplace_id, entry in listing.get("prices", {}).items():
        code = BY_ID[marketplace_id].code if marketplace_id in BY_ID else marketplace_id
        text = " ".join(
            str(part)
            for part in (entry.get("value_with_tax"), entry.get("currency"))
            if part is not None
        )
        bounds = [
            f"{label} {entry[key]}"
            for key, label in (("minimum", "min"), ("maximum", "max"))
            if entry.get(key) is not None
        ]
        prices[code] = ", ".join([text, *bounds]) if bounds else text
    if prices:
        view["prices"] = prices
    return view


def _mime(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


def _next_reference(packages: list[dict]) -> str:
    """The first free package number of an order, from its package count."""
    taken = {p.get("packageReferenceId") for p in packages}
    number = len(packages) + 1
    while str(number) in taken:
        number += 1
    return str(number)


def _wanted_quantities(lines: list, items: dict[str, dict]) -> dict[str, int]:
    """Order item id -> quantity of ``lines``, checked like Amazon would."""
    wanted: dict[str, int] = {}
    for line in lines:
        if not isinstance(line, dict):
            raise invalid_input("Each order item must be an object.")
        item_id = line.get("orderItemId")
        quantity = line.get("quantity")
        if item_id not in items:
            raise invalid_input(f"Unknown orderItemId {item_id!r}.")
        if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
            raise invalid_input("quantity must be a positive integer.")
        wanted[item_id] = wanted.get(item_id, 0) + quantity
    return wanted


def _kept(item: dict) -> int:
    """The units of an item the buyer still has ordered (ordered less canceled)."""
    fulfillment = item.get("fulfillment", {})
    return fulfillment.get("quantityFulfilled", 0) + _unshipped(item)


def _same(package: dict, other: dict) -> bool:
    keys = ("carrier", "trackingNumber", "shippingService", "shipTime")

    def lines(p):
        return sorted((i["orderItemId"], i["quantity"]) for i in p["packageItems"])

    return all(package.get(k) == other.get(k) for k in keys) and lines(
        package
    ) == lines(other)


def _settle_status(order: dict) -> None:
    """After cancellations: nothing shipped nor left is CANCELLED, nothing left
    with something shipped is SHIPPED; otherwise the status stays."""
    shipped = sum(
        i.get("fulfillment", {}).get("quantityFulfilled", 0)
        for i in order["orderItems"]
    )
    left = sum(_unshipped(i) for i in order["orderItems"])
    if not left:
        order["fulfillment"]["fulfillmentStatus"] = (
            "SHIPPED" if shipped else "CANCELLED"
        )


def _unshipped(item: dict) -> int:
    fulfillment = item.setdefault("fulfillment", {})
    fulfillment.setdefault("quantityFulfilled", 0)
    fulfillment.setdefault(
        "quantityUnfulfilled",
        item["quantityOrdered"] - fulfillment["quantityFulfilled"],
    )
    return fulfillment["quantityUnfulfilled"]
