"""Amazon orders (Orders API v2026-01-01) read into typed, validated dataclasses.

:func:`parse_order` takes one ``Order`` object of a ``searchOrders`` or ``getOrder``
answer (a whole ``getOrder`` answer ``{"order": {...}}`` is accepted too) and returns an
:class:`AmazonOrder`. Anything the connector cannot map (no order id, no items, a
negative quantity, malformed money, an unknown currency or country code, a malformed
date...) raises :class:`~.errors.AmazonDataError` naming the order id and the field,
never buyer data.

What depends on ``includedData`` is optional: pending orders legitimately come without
buyer, address and often prices. ``fulfillment`` (status and fulfilled-by) is required:
the connector cannot decide anything about an order without it.

Item amounts come from ``orderItems[].proceeds.breakdowns`` (types ``ITEM``,
``SHIPPING``, ``GIFT_WRAP``, ``COD_FEE``, ``OTHER``, ``TAX``, ``DISCOUNT``; ``TAX`` and
``DISCOUNT`` split further by ``detailedBreakdowns[].subtype``). They are stored as
Amazon gives them, except that discounts are stored as the positive amount taken off.
In the sandbox examples the breakdowns add up to ``proceedsTotal`` (``ITEM`` 39.99 +
``TAX`` 10.00 = 49.99 for the US order); if they only add up once ``TAX`` is left out,
the principal already includes its tax and :attr:`OrderItem.amounts_include_tax` says
so (v0's ``ItemPrice`` / ``ItemTax`` on EU and UK marketplaces, which Amazon's Orders
API migration guide maps to ``ITEM`` and ``TAX``). A ``TAX`` that cannot be the item's
in either shape (negative, or larger than what it taxes) is refused.
:mod:`.order_totals` turns these amounts into sale-order lines.
"""

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal

from .errors import AmazonDataError
from .fulfillment import AMAZON
from .money import Money, data_error, parse_money

_logger = logging.getLogger(__name__)

# ISO 3166-1 alpha-2, plus XK (Kosovo), which Amazon and Odoo both use.
COUNTRY_CODES: frozenset[str] = frozenset(
    """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM
    BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX
    CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG
    GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR
    IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV
    LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE
    NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO
    RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF
    TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF
    WS XK YE YT ZA ZM ZW
    """.split()
)

# The vocabulary of Amazon's order statuses, named once and imported everywhere
# (models, the overview's figures; the views' filters are checked against it).
# fulfillment.fulfillmentStatus, lower-cased; Amazon's CANCELLED becomes "canceled"
# (Odoo's spelling). An unknown new status is kept lower-cased.
ORDER_STATUSES = (
    "pending_availability",
    "pending",
    "unshipped",
    "partially_shipped",
    "shipped",
    "canceled",
    "unfulfillable",
)
#: Not confirmed by Amazon yet (payment pending): no buyer, often no prices.
PENDING_ORDER_STATUSES = ("pending", "pending_availability")
#: Confirmed, with items still to ship.
TO_SHIP_ORDER_STATUSES = ("unshipped", "partially_shipped")
SHIPPED_ORDER_STATUS = "shipped"
#: Confirmed by Amazon: to ship or shipped (neither pending nor ended).
CONFIRMED_ORDER_STATUSES = (*TO_SHIP_ORDER_STATUSES, SHIPPED_ORDER_STATUS)
CANCELED_ORDER_STATUS = "canceled"
#: Will never ship: canceled, or Amazon could not fulfil it.
ENDED_ORDER_STATUSES = (CANCELED_ORDER_STATUS, "unfulfillable")
_STATUS_RENAMES = {"cancelled": CANCELED_ORDER_STATUS}


def amazon_status_codes(statuses) -> list[str]:
    """``statuses`` of :data:`ORDER_STATUSES` as Amazon spells them (searchOrders'
    ``fulfillmentStatuses``)."""
    codes = {status: code for code, status in _STATUS_RENAMES.items()}
    return [codes.get(status, status).upper() for status in statuses]


# Proceeds categories summed over the items; any other order-level category
# (DELIVERY_TIP, or one Amazon adds later) is not in the items and is kept apart.
ITEM_PROCEEDS_TYPES = frozenset(
    {"ITEM", "SHIPPING", "GIFT_WRAP", "COD_FEE", "OTHER", "TAX", "DISCOUNT"}
)
_CHARGE_TYPES = ("ITEM", "SHIPPING", "GIFT_WRAP", "COD_FEE", "OTHER")
MARKETPLACE_FACILITATOR = "MARKETPLACE_FACILITATOR"

_DATETIME = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})[Tt ](?P<time>\d{2}:\d{2}(?::\d{2})?)"
    r"(?:[.,](?P<fraction>\d+))?"
    r"(?P<tz>[Zz]|[+-]\d{2}(?::?\d{2})?)?$"
)


@dataclass(frozen=True)
class Address:
    """A delivery address. Its repr shows the country only (buyer personal data)."""

    name: str | None
    line1: str | None
    line2: str | None
    line3: str | None
    city: str | None
    district: str | None
    state_or_region: str | None
    postal_code: str | None
    country_code: str | None
    phone: str | None
    address_type: str | None
    company: str | None = None
    municipality: str | None = None

    def __repr__(self) -> str:
        return f"Address(country_code={self.country_code!r}, ...)"


@dataclass(frozen=True)
class TaxRegistration:
    """A tax registration of the buyer (``tax.taxRegistrations`` item of
    ``entityType`` ``BUYER``): ``type`` as Amazon spells it (``VAT``,
    ``BUSINESS``, ``CNPJ``...), the number as Amazon sent it without blanks. Its
    repr shows the type only."""

    type: str | None
    number: str | None
    legal_name: str | None
    address: Address | None

    def __repr__(self) -> str:
        return f"TaxRegistration(type={self.type!r}, ...)"


@dataclass(frozen=True)
class PackageItem:
    order_item_id: str
    quantity: int


@dataclass(frozen=True)
class Package:
    """A merchant-fulfilled package as Amazon knows it (ship-from address left in
    :attr:`AmazonOrder.raw`)."""

    package_reference_id: str
    status: str | None
    detailed_status: str | None
    carrier: str | None
    shipping_service: str | None
    tracking_number: str | None
    created_time: datetime | None
    ship_time: datetime | None
    items: tuple[PackageItem, ...]


@dataclass(frozen=True)
class OrderCharge:
    """An order-level proceeds category not attributed to an item (DELIVERY_TIP)."""

    type: str
    amount: Money
    status: str | None


@dataclass(frozen=True)
class OrderItem:
    """One order line. Amounts are totals for the whole quantity, as Amazon gives
    them; ``None`` means Amazon did not send that category. ``discount`` and
    ``shipping_discount`` are positive amounts taken off; ``discount_tax`` is the
    (positive) tax taken off by both."""

    order_item_id: str
    sku: str | None
    asin: str | None
    title: str | None
    condition: str | None
    condition_subtype: str | None
    quantity: int
    quantity_shipped: int
    quantity_unshipped: int
    unit_price: Money | None
    item: Money | None
    item_tax: Money | None
    shipping: Money | None
    shipping_tax: Money | None
    gift_wrap: Money | None
    gift_wrap_tax: Money | None
    cod_fee: Money | None
    cod_fee_tax: Money | None
    other: Money | None
    other_tax: Money | None
    discount: Money | None
    shipping_discount: Money | None
    discount_tax: Money | None
    proceeds_total: Money | None
    amounts_include_tax: bool
    tax_collected_by_marketplace: bool
    tax_responsible_party: str | None
    tax_reporting_scheme: str | None  # UOSS / IOSS (EU one-stop shops), from TAX
    points_value: Money | None
    gift_message: str | None = field(repr=False)
    gift_wrap_level: str | None
    promotion_ids: tuple[str, ...]
    programs: tuple[str, ...]
    serial_numbers: tuple[str, ...]
    cancel_requested_by: str | None
    cancel_request_reason: str | None
    cancelled_by: str | None
    cancellation_reason: str | None

    @property
    def is_cancelled(self) -> bool:
        """Amazon executed a cancellation of this item."""
        return bool(self.cancelled_by or self.cancellation_reason)

    @property
    def has_cancellation_request(self) -> bool:
        """The buyer asked to cancel and the seller has not yet done it."""
        return bool(self.cancel_requested_by or self.cancel_request_reason) and (
            not self.is_cancelled
        )

    @property
    def is_gift(self) -> bool:
        return bool(self.gift_message or self.gift_wrap_level)

    @property
    def tax_stated(self) -> bool:
        """Amazon sent a ``TAX`` breakdown for this item (possibly 0). Without one
        (the ITEM-only shape of sellers who do not use Amazon's VAT calculation)
        the amounts are what the buyer paid, and the tax is the seller's to
        compute."""
        return any(
            amount is not None
            for amount in (
                self.item_tax,
                self.shipping_tax,
                self.gift_wrap_tax,
                self.cod_fee_tax,
                self.other_tax,
                self.discount_tax,
            )
        )


@dataclass(frozen=True)
class AmazonOrder:
    """An Amazon order. Buyer data is kept out of the repr."""

    order_id: str
    marketplace_id: str
    marketplace_name: str | None
    channel_name: str | None
    seller_order_id: str | None
    created_time: datetime
    last_updated_time: datetime
    status: str
    fulfilled_by: str
    service_level: str | None
    is_prime: bool
    is_business: bool
    programs: tuple[str, ...]
    buyer_name: str | None = field(repr=False)
    buyer_email: str | None = field(repr=False)
    buyer_company: str | None = field(repr=False)
    buyer_po_number: str | None
    shipping_address: Address | None
    grand_total: Money | None
    currency: str | None
    earliest_ship_date: datetime | None
    latest_ship_date: datetime | None
    earliest_delivery_date: datetime | None
    latest_delivery_date: datetime | None
    items: tuple[OrderItem, ...]
    packages: tuple[Package, ...]
    order_charges: tuple[OrderCharge, ...]
    associated_orders: tuple[tuple[str, str], ...]
    raw: dict = field(repr=False, compare=False, hash=False)
    buyer_tax_registrations: tuple[TaxRegistration, ...] = field(default=(), repr=False)

    @property
    def buyer_vat_registration(self) -> TaxRegistration | None:
        """The buyer's VAT registration (type ``VAT``) with a number, if any."""
        for registration in self.buyer_tax_registrations:
            if registration.type == "VAT" and registration.number:
                return registration
        return None

    @property
    def buyer_vat(self) -> str | None:
        """The buyer's VAT number (its ``VAT`` registration), if Amazon gives one."""
        registration = self.buyer_vat_registration
        return registration.number if registration else None

    @property
    def buyer_legal_name(self) -> str | None:
        """The legal name of the buyer's tax registrations (the VAT one first)."""
        registrations = sorted(
            self.buyer_tax_registrations, key=lambda r: r.type != "VAT"
        )
        for registration in registrations:
            if registration.legal_name:
                return registration.legal_name
        return None

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING_ORDER_STATUSES

    @property
    def is_confirmed(self) -> bool:
        """Amazon confirmed it: to ship or shipped."""
        return self.status in CONFIRMED_ORDER_STATUSES

    @property
    def is_shipped(self) -> bool:
        return self.status == SHIPPED_ORDER_STATUS

    @property
    def is_canceled(self) -> bool:
        return self.status == CANCELED_ORDER_STATUS

    @property
    def is_ended(self) -> bool:
        """It will never ship: canceled or unfulfillable."""
        return self.status in ENDED_ORDER_STATUSES

    @property
    def is_fulfilled_by_amazon(self) -> bool:
        return self.fulfilled_by == AMAZON

    @property
    def cancellation_reason(self) -> str | None:
        """The first cancellation reason Amazon gives on the items, if any."""
        for item in self.items:
            if item.cancellation_reason:
                return item.cancellation_reason
        for item in self.items:
            if item.cancel_request_reason:
                return item.cancel_request_reason
        return None

    @property
    def has_cancellation_request(self) -> bool:
        return any(item.has_cancellation_request for item in self.items)


def parse_order(payload: dict) -> AmazonOrder:
    """Parse one v2026-01-01 ``Order`` (or a ``getOrder`` answer holding one)."""
    if not isinstance(payload, dict):
        raise AmazonDataError("Amazon order payload is not an object")
    return _OrderParser(_unwrap(payload)).parse()


def _unwrap(payload: dict) -> dict:
    if "orderId" not in payload and isinstance(payload.get("order"), dict):
        return payload["order"]
    return payload


@dataclass(frozen=True)
class OrderReading:
    """One order of an Amazon answer as read: the order, or the error that makes
    it unreadable. ``order_ref`` is its order id (as Amazon sent it when the order
    could not be read), None when it has none."""

    order_ref: str | None
    order: AmazonOrder | None = None
    error: Exception | None = None


def read_orders(payloads) -> list[OrderReading]:
    """Read the ``Order`` objects of a searchOrders page or a getOrder answer;
    one that cannot be read is kept with its error, never stops the others."""
    readings = []
    for payload in payloads:
        raw = _unwrap(payload) if isinstance(payload, dict) else None
        ref = raw.get("orderId") if raw is not None else None
        try:
            order = parse_order(payload)
        except Exception as error:  # anything unreadable fails this order only
            readings.append(OrderReading(str(ref) if ref else None, error=error))
        else:
            readings.append(OrderReading(order.order_id, order=order))
    return readings


class _OrderParser:
    """Parses one order, remembering its id and currency for checks and messages.

    Values are read by dotted path (``self.text(raw, "product.sellerSku", prefix)``)
    so that every error names the full field, e.g.
    ``orderItems[123].product.price.unitPrice``.
    """

    def __init__(self, payload: dict):
        self.payload = payload
        self.order_id: str | None = None
        self.currency: str | None = None

    # -- reading values ------------------------------------------------------------

    def error(self, field_name: str, problem: str) -> AmazonDataError:
        return data_error(self.order_id, field_name, problem)

    @staticmethod
    def name(prefix: str, path: str) -> str:
        return f"{prefix}.{path}" if prefix else path

    def obj(self, value, field_name: str) -> dict:
        """An object; absent is an empty one."""
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.error(field_name, "is not an object")
        return value

    def get(self, obj: dict, path: str, prefix: str = ""):
        """The value at dotted ``path`` in ``obj`` (None when absent); what lies on
        the way must be objects."""
        value = obj
        walked = prefix
        for key in path.split("."):
            value = self.obj(value, walked or "order").get(key)
            walked = self.name(walked, key)
            if value is None:
                return None
        return value

    def obj_at(self, obj: dict, path: str, prefix: str = "") -> dict:
        return self.obj(self.get(obj, path, prefix), self.name(prefix, path))

    def array(self, obj: dict, path: str, prefix: str = "") -> list:
        """The array at ``path``, absent is empty."""
        value = self.get(obj, path, prefix)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.error(self.name(prefix, path), "is not an array")
        return value

    def text(
        self, obj: dict, path: str, prefix: str = "", required=False
    ) -> str | None:
        """A string, stripped; empty strings (the sandbox sends many) become None."""
        value = self.get(obj, path, prefix)
        if value is not None and not isinstance(value, str):
            raise self.error(self.name(prefix, path), "is not a string")
        value = value.strip() if value else None
        if required and not value:
            raise self.error(self.name(prefix, path), "is missing")
        return value or None

    def texts(self, obj: dict, path: str, prefix: str = "") -> tuple[str, ...]:
        field_name = self.name(prefix, path)
        values = self.array(obj, path, prefix)
        if not all(isinstance(value, str) for value in values):
            raise self.error(field_name, "holds something that is not a string")
        return tuple(value.strip() for value in values if value.strip())

    def count(self, obj: dict, path: str, prefix: str = "", default=None) -> int:
        """A non-negative integer."""
        value = self.get(obj, path, prefix)
        field_name = self.name(prefix, path)
        if value is None:
            if default is None:
                raise self.error(field_name, "is missing")
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(field_name, f"{str(value)[:20]!r} is not an integer")
        if value < 0:
            raise self.error(field_name, f"{value} is negative")
        return value

    def money(self, obj: dict, path: str, prefix: str = "") -> Money | None:
        """Money in the order currency; the first amount read fixes that currency
        (the grand total is read first)."""
        money = parse_money(
            self.get(obj, path, prefix),
            field=self.name(prefix, path),
            order_id=self.order_id,
            expected_currency=self.currency,
        )
        if money is not None and self.currency is None:
            self.currency = money.currency
        return money

    def timestamp(self, obj: dict, path: str, prefix: str = "", required=False):
        """An ISO 8601 date-time, returned aware in UTC (a value without offset is
        read as UTC)."""
        value = self.get(obj, path, prefix)
        field_name = self.name(prefix, path)
        if value is None or value == "":
            if required:
                raise self.error(field_name, "is missing")
            return None
        match = _DATETIME.match(value) if isinstance(value, str) else None
        if not match:
            raise self.error(
                field_name, f"{str(value)[:40]!r} is not an ISO 8601 date-time"
            )
        time = match["time"] if match["time"].count(":") == 2 else match["time"] + ":00"
        fraction = (match["fraction"] or "0")[:6].ljust(6, "0")
        tz = match["tz"] or "Z"
        if tz in "Zz":
            tz = "+00:00"
        elif len(tz) == 3:
            tz += ":00"
        elif ":" not in tz:
            tz = f"{tz[:3]}:{tz[3:]}"
        try:
            parsed = datetime.fromisoformat(f"{match['date']}T{time}.{fraction}{tz}")
        except ValueError:
            raise self.error(
                field_name, f"{value[:40]!r} is not a valid date-time"
            ) from None
        return parsed.astimezone(timezone.utc)

    # -- order -----------------------------------------------------------------

    def parse(self) -> AmazonOrder:
        payload = self.payload
        order_id = payload.get("orderId")
        if not isinstance(order_id, str) or not order_id.strip():
            raise data_error(None, "orderId", "is missing")
        self.order_id = order_id.strip()
        # The grand total fixes the order currency every other amount must share.
        grand_total = self.money(payload, "proceeds.grandTotal")

        status = self.status()
        programs = self.texts(payload, "programs")
        items, item_ids = self.items()

        return AmazonOrder(
            order_id=self.order_id,
            marketplace_id=self.text(
                payload, "salesChannel.marketplaceId", required=True
            ),
            marketplace_name=self.text(payload, "salesChannel.marketplaceName"),
            channel_name=self.text(payload, "salesChannel.channelName"),
            seller_order_id=self.seller_order_id(),
            created_time=self.timestamp(payload, "createdTime", required=True),
            last_updated_time=self.timestamp(payload, "lastUpdatedTime", required=True),
            status=status,
            fulfilled_by=self.text(
                payload, "fulfillment.fulfilledBy", required=True
            ).lower(),
            service_level=self.text(payload, "fulfillment.fulfillmentServiceLevel"),
            is_prime="PRIME" in programs,
            is_business="AMAZON_BUSINESS" in programs,
            programs=programs,
            buyer_name=self.text(payload, "buyer.buyerName"),
            buyer_email=self.text(payload, "buyer.buyerEmail"),
            buyer_company=self.text(payload, "buyer.buyerCompanyName"),
            buyer_po_number=self.text(payload, "buyer.buyerPurchaseOrderNumber"),
            shipping_address=self.address(payload, "recipient.deliveryAddress"),
            grand_total=grand_total,
            currency=self.currency,
            earliest_ship_date=self.timestamp(
                payload, "fulfillment.shipByWindow.earliestDateTime"
            ),
            latest_ship_date=self.timestamp(
                payload, "fulfillment.shipByWindow.latestDateTime"
            ),
            earliest_delivery_date=self.timestamp(
                payload, "fulfillment.deliverByWindow.earliestDateTime"
            ),
            latest_delivery_date=self.timestamp(
                payload, "fulfillment.deliverByWindow.latestDateTime"
            ),
            items=items,
            packages=self.packages(item_ids),
            order_charges=self.order_charges(),
            associated_orders=self.associated_orders(),
            raw=payload,
            buyer_tax_registrations=self.buyer_tax_registrations(),
        )

    def status(self) -> str:
        """The order's fulfillment status, lower case, old names renamed; an
        unknown one is kept (and logged)."""
        status = self.text(self.payload, "fulfillment.fulfillmentStatus", required=True)
        status = status.lower()
        status = _STATUS_RENAMES.get(status, status)
        if status not in ORDER_STATUSES:
            _logger.warning("Amazon order %s: unknown status %r", self.order_id, status)
        return status

    def items(self) -> tuple[tuple[OrderItem, ...], set[str]]:
        """The order's items, and their ids; an order without items, or with an
        item id twice, is refused."""
        raw_items = self.array(self.payload, "orderItems")
        if not raw_items:
            raise self.error("orderItems", "the order has no items")
        items = tuple(
            self.item(raw_item, f"orderItems[{index}]")
            for index, raw_item in enumerate(raw_items)
        )
        item_ids: set[str] = set()
        for item in items:
            if item.order_item_id in item_ids:
                raise self.error(
                    "orderItems", f"orderItemId {item.order_item_id} repeats"
                )
            item_ids.add(item.order_item_id)
        return items, item_ids

    def packages(self, item_ids: set[str]) -> tuple[Package, ...]:
        return tuple(
            self.package(raw, f"packages[{index}]", item_ids)
            for index, raw in enumerate(self.array(self.payload, "packages"))
        )

    def seller_order_id(self) -> str | None:
        for index, alias in enumerate(self.array(self.payload, "orderAliases")):
            prefix = f"orderAliases[{index}]"
            if self.text(alias, "aliasType", prefix) == "SELLER_ORDER_ID":
                return self.text(alias, "aliasId", prefix)
        return None

    def buyer_tax_registrations(self) -> tuple[TaxRegistration, ...]:
        """The ``tax.taxRegistrations`` of ``entityType`` ``BUYER`` (those of
        the marketplace and the merchant are not the buyer's)."""
        result = []
        for index, raw in enumerate(self.array(self.payload, "tax.taxRegistrations")):
            prefix = f"tax.taxRegistrations[{index}]"
            self.obj(raw, prefix)
            entity = self.text(raw, "entityType", prefix)
            if (entity or "").upper() != "BUYER":
                continue
            kind = self.text(raw, "taxRegistrationType", prefix)
            number = self.text(raw, "taxRegistrationNumber", prefix)
            result.append(
                TaxRegistration(
                    type=kind.upper() if kind else None,
                    number="".join(number.split()) if number else None,
                    legal_name=self.text(raw, "legalName", prefix),
                    address=self.address(raw, "taxRegistrationAddress", prefix),
                )
            )
        return tuple(result)

    def associated_orders(self) -> tuple[tuple[str, str], ...]:
        """(order id, association type) of replacement or exchange originals."""
        result = []
        for index, raw in enumerate(self.array(self.payload, "associatedOrders")):
            prefix = f"associatedOrders[{index}]"
            other_id = self.text(raw, "orderId", prefix)
            if other_id:
                kind = self.text(raw, "associationType", prefix) or ""
                result.append((other_id, kind))
        return tuple(result)

    def order_charges(self) -> tuple[OrderCharge, ...]:
        """Order-level proceeds not counted in the items (DELIVERY_TIP...)."""
        charges = []
        for index, raw in enumerate(self.array(self.payload, "proceeds.breakdowns")):
            prefix = f"proceeds.breakdowns[{index}]"
            kind = self.text(raw, "type", prefix, required=True).upper()
            amount = self.money(raw, "subtotal", prefix)
            if kind in ITEM_PROCEEDS_TYPES or amount is None:
                continue  # a sum over the items, already counted there
            charges.append(OrderCharge(kind, amount, self.text(raw, "status", prefix)))
        return tuple(charges)

    def address(self, obj: dict, path: str, prefix: str = "") -> Address | None:
        raw = self.obj_at(obj, path, prefix)
        if not raw:
            return None
        path = self.name(prefix, path)
        country = self.text(raw, "countryCode", path)
        if country is not None:
            country = country.upper()
            if country not in COUNTRY_CODES:
                raise self.error(
                    f"{path}.countryCode",
                    f"{country[:5]!r} is not an ISO 3166-1 alpha-2 country code",
                )
        return Address(
            name=self.text(raw, "name", path),
            line1=self.text(raw, "addressLine1", path),
            line2=self.text(raw, "addressLine2", path),
            line3=self.text(raw, "addressLine3", path),
            city=self.text(raw, "city", path),
            district=self.text(raw, "districtOrCounty", path),
            state_or_region=self.text(raw, "stateOrRegion", path),
            postal_code=self.text(raw, "postalCode", path),
            country_code=country,
            phone=self.text(raw, "phone", path),
            address_type=self.text(raw, "addressType", path),
            company=self.text(raw, "companyName", path),
            municipality=self.text(raw, "municipality", path),
        )

    def package(self, raw, prefix: str, item_ids: set[str]) -> Package:
        raw = self.obj(raw, prefix)
        items = []
        for index, raw_item in enumerate(self.array(raw, "packageItems", prefix)):
            item_prefix = f"{prefix}.packageItems[{index}]"
            order_item_id = self.text(
                raw_item, "orderItemId", item_prefix, required=True
            )
            if order_item_id not in item_ids:
                raise self.error(
                    f"{item_prefix}.orderItemId",
                    f"{order_item_id} is not an item of the order",
                )
            quantity = self.count(raw_item, "quantity", item_prefix)
            items.append(PackageItem(order_item_id, quantity))
        return Package(
            package_reference_id=self.text(
                raw, "packageReferenceId", prefix, required=True
            ),
            status=self.text(raw, "packageStatus.status", prefix),
            detailed_status=self.text(raw, "packageStatus.detailedStatus", prefix),
            carrier=self.text(raw, "carrier", prefix),
            shipping_service=self.text(raw, "shippingService", prefix),
            tracking_number=self.text(raw, "trackingNumber", prefix),
            created_time=self.timestamp(raw, "createdTime", prefix),
            ship_time=self.timestamp(raw, "shipTime", prefix),
            items=tuple(items),
        )

    # -- items -----------------------------------------------------------------

    def item(self, raw, prefix: str) -> OrderItem:
        raw = self.obj(raw, prefix)
        item_id = self.text(raw, "orderItemId", prefix, required=True)
        prefix = f"orderItems[{item_id}]"
        quantity = self.count(raw, "quantityOrdered", prefix)
        shipped = self.count(raw, "fulfillment.quantityFulfilled", prefix, default=0)
        unshipped = self.count(
            raw,
            "fulfillment.quantityUnfulfilled",
            prefix,
            default=max(quantity - shipped, 0),
        )
        amounts = self.item_amounts(raw, prefix, item_id)
        tax_collected, responsible_party = self.tax_collection(raw, prefix)
        gift = "fulfillment.packing.giftOption"
        promotion_ids = self.promotion_ids(raw, prefix)
        return OrderItem(
            order_item_id=item_id,
            sku=self.text(raw, "product.sellerSku", prefix),
            asin=self.text(raw, "product.asin", prefix),
            title=self.text(raw, "product.title", prefix),
            condition=self.text(raw, "product.condition.conditionType", prefix),
            condition_subtype=self.text(
                raw, "product.condition.conditionSubtype", prefix
            ),
            quantity=quantity,
            quantity_shipped=shipped,
            quantity_unshipped=unshipped,
            unit_price=self.money(raw, "product.price.unitPrice", prefix),
            **amounts,
            tax_collected_by_marketplace=tax_collected,
            tax_responsible_party=responsible_party,
            tax_reporting_scheme=self.reporting_scheme(raw, prefix),
            points_value=self.money(
                raw, "expense.pointsCost.pointsGranted.pointsMonetaryValue", prefix
            ),
            gift_message=self.text(raw, f"{gift}.giftMessage", prefix),
            gift_wrap_level=self.text(raw, f"{gift}.giftWrapLevel", prefix),
            promotion_ids=promotion_ids,
            programs=self.texts(raw, "programs", prefix),
            serial_numbers=self.texts(raw, "product.serialNumbers", prefix),
            cancel_requested_by=self.text(
                raw, "cancellation.cancellationRequest.requester", prefix
            ),
            cancel_request_reason=self.text(
                raw, "cancellation.cancellationRequest.cancelReason", prefix
            ),
            cancelled_by=self.text(
                raw, "cancellation.cancellationExecution.cancelledBy", prefix
            ),
            cancellation_reason=self.text(
                raw, "cancellation.cancellationExecution.cancelReason", prefix
            ),
        )

    def promotion_ids(self, raw: dict, prefix: str) -> tuple[str, ...]:
        """The ids of the promotions applied to the item."""
        return tuple(
            promotion_id
            for index, promotion in enumerate(
                self.array(raw, "promotion.breakdowns", prefix)
            )
            if (
                promotion_id := self.text(
                    promotion, "promotionId", f"{prefix}.promotion.breakdowns[{index}]"
                )
            )
        )

    def tax_collection(self, raw: dict, prefix: str) -> tuple[bool, str | None]:
        """Whether Amazon collects and remits this item's tax (marketplace
        facilitator), and who is responsible for it."""
        collections = self.array(raw, "tax.taxCollections", prefix)
        for index, collection in enumerate(collections):
            collection_prefix = f"{prefix}.tax.taxCollections[{index}]"
            if (
                self.text(collection, "model", collection_prefix)
                == MARKETPLACE_FACILITATOR
            ):
                return True, self.text(
                    collection, "responsibleParty", collection_prefix
                )
        return False, None

    def reporting_scheme(self, raw: dict, prefix: str) -> str | None:
        """The item's tax reporting scheme (UOSS, IOSS), when Amazon gives one."""
        for index, breakdown in enumerate(
            self.array(raw, "tax.taxCalculationBreakdowns", prefix)
        ):
            scheme = self.text(
                breakdown,
                "reportingScheme",
                f"{prefix}.tax.taxCalculationBreakdowns[{index}]",
            )
            if scheme:
                return scheme
        return None

    def item_amounts(self, raw: dict, prefix: str, item_id: str) -> dict:
        """Read the item's proceeds breakdowns into OrderItem's amount fields."""
        proceeds = self.obj_at(raw, "proceeds", prefix)
        prefix = f"{prefix}.proceeds"
        total = self.money(proceeds, "proceedsTotal", prefix)
        charges: dict[str, Decimal | None] = dict.fromkeys(_CHARGE_TYPES)
        taxes: dict[str, Decimal | None] = dict.fromkeys((*_CHARGE_TYPES, "DISCOUNT"))
        discounts: dict[str, Decimal | None] = {"ITEM": None, "SHIPPING": None}
        tax_total = discount_total = Decimal(0)
        detailed: set[str] = set()  # what the TAX details name

        breakdowns = self.array(proceeds, "breakdowns", prefix)
        for index, raw_breakdown in enumerate(breakdowns):
            breakdown_prefix = f"{prefix}.breakdowns[{index}]"
            kind, subtotal, details = self.breakdown(raw_breakdown, breakdown_prefix)
            if kind == "TAX":
                tax_total += subtotal.amount
                _split_tax(taxes, subtotal.amount, details)
                detailed.update(subtype for subtype, _amount in details)
            elif kind == "DISCOUNT":
                discount_total += abs(subtotal.amount)
                _split_discount(discounts, abs(subtotal.amount), details)
            else:
                if kind not in charges:
                    _logger.info(
                        "Amazon order %s item %s: proceeds type %s counted as OTHER",
                        self.order_id,
                        item_id,
                        kind,
                    )
                    kind = "OTHER"
                _add(charges, kind, subtotal.amount)

        amounts_include_tax = self.amounts_include_tax(
            total, breakdowns, charges, discount_total, tax_total, item_id
        )
        self.check_taxes(prefix, charges, taxes, discount_total, tax_total, detailed)
        return {
            **self.amount_fields(charges, taxes, discounts),
            "proceeds_total": total,
            "amounts_include_tax": amounts_include_tax,
        }

    def breakdown(self, raw_breakdown, prefix: str) -> tuple[str, Money, list]:
        """(type, subtotal, [(subtype, amount)...] of its details) of one proceeds
        breakdown."""
        kind = self.text(raw_breakdown, "type", prefix, required=True)
        kind = kind.upper()
        subtotal = self.money(raw_breakdown, "subtotal", prefix)
        if subtotal is None:
            raise self.error(f"{prefix}.subtotal", "is missing")
        details = []
        for detail_index, detail in enumerate(
            self.array(raw_breakdown, "detailedBreakdowns", prefix)
        ):
            detail_prefix = f"{prefix}.detailedBreakdowns[{detail_index}]"
            subtype = (self.text(detail, "subtype", detail_prefix) or "").upper()
            value = self.money(detail, "value", detail_prefix)
            if value is not None:
                details.append((subtype, value.amount))
        return kind, subtotal, details

    def amounts_include_tax(
        self, total, breakdowns, charges, discount_total, tax_total, item_id
    ) -> bool:
        """Whether the item's charges already include its TAX: they add up to
        ``proceedsTotal`` without it (breakdowns that add up neither way are logged)."""
        amounts_include_tax = False
        if total is not None and breakdowns:
            untaxed = sum(v for v in charges.values() if v) - discount_total
            if untaxed + tax_total != total.amount:
                if tax_total and untaxed == total.amount:
                    amounts_include_tax = True
                else:
                    _logger.warning(
                        "Amazon order %s item %s: proceeds breakdowns (%s) do not add "
                        "up to proceedsTotal (%s)",
                        self.order_id,
                        item_id,
                        untaxed + tax_total,
                        total.amount,
                    )
        return amounts_include_tax

    def amount_fields(self, charges: dict, taxes: dict, discounts: dict) -> dict:
        """OrderItem's amount fields, as Money in the order currency."""

        def money(amount: Decimal | None) -> Money | None:
            if amount is None or self.currency is None:
                return None
            return Money(amount=amount, currency=self.currency)

        return {
            "item": money(charges["ITEM"]),
            "item_tax": money(taxes["ITEM"]),
            "shipping": money(charges["SHIPPING"]),
            "shipping_tax": money(taxes["SHIPPING"]),
            "gift_wrap": money(charges["GIFT_WRAP"]),
            "gift_wrap_tax": money(taxes["GIFT_WRAP"]),
            "cod_fee": money(charges["COD_FEE"]),
            "cod_fee_tax": money(taxes["COD_FEE"]),
            "other": money(charges["OTHER"]),
            "other_tax": money(taxes["OTHER"]),
            "discount": money(discounts["ITEM"]),
            "shipping_discount": money(discounts["SHIPPING"]),
            "discount_tax": money(taxes["DISCOUNT"]),
        }

    def check_taxes(self, prefix, charges, taxes, discount_total, tax_total, detailed):
        """Refuse a TAX that cannot be the tax of the item's amounts, whichever
        the shape (on top of them or the VAT part of them): negative, or larger
        than what it taxes (a part named by a detail: larger than that charge;
        the whole TAX: larger than the item's charges less its promotions)."""
        field_name = f"{prefix}.breakdowns"
        if tax_total < 0:
            raise self.error(field_name, f"TAX {tax_total} is negative")
        for kind, tax in taxes.items():
            if kind != "DISCOUNT" and tax is not None and tax < 0:
                raise self.error(field_name, f"TAX on {kind} ({tax}) is negative")
        for kind in detailed:
            tax = taxes.get(kind) if kind in taxes else None
            if kind == "DISCOUNT":
                amount = discount_total
            elif kind in charges:
                amount = charges[kind] or Decimal(0)
            else:
                continue  # counted as OTHER
            if tax and tax > amount:
                raise self.error(
                    field_name,
                    f"TAX on {kind} ({tax}) is larger than {kind} ({amount})",
                )
        charged = sum((v for v in charges.values() if v), Decimal(0)) - discount_total
        if tax_total > charged:
            raise self.error(
                field_name,
                f"TAX ({tax_total}) is larger than the amounts it taxes ({charged})",
            )


def _add(bucket: dict, key: str, amount: Decimal) -> None:
    bucket[key] = (bucket[key] or Decimal(0)) + amount


def _split_tax(taxes: dict, subtotal: Decimal, details: list) -> None:
    """Spread a TAX subtotal over what it taxes. Tax on discounts is kept as the
    positive amount taken off; what the details leave unexplained (all of it when
    there are none) is tax on the item."""
    explained = Decimal(0)
    for subtype, amount in details:
        if subtype == "DISCOUNT":
            _add(taxes, "DISCOUNT", abs(amount))
            explained -= abs(amount)
        else:
            _add(taxes, subtype if subtype in taxes else "OTHER", amount)
            explained += amount
    if subtotal != explained or not details:
        _add(taxes, "ITEM", subtotal - explained)


def _split_discount(discounts: dict, subtotal: Decimal, details: list) -> None:
    """Spread a DISCOUNT subtotal (positive) into item and shipping discounts;
    discounts on gift wrap or other charges count as item discounts."""
    explained = Decimal(0)
    for subtype, amount in details:
        _add(discounts, "SHIPPING" if subtype == "SHIPPING" else "ITEM", abs(amount))
        explained += abs(amount)
    if subtotal != explained or not details:
        _add(discounts, "ITEM", subtotal - explained)
