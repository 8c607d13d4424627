"""Shipment confirmation, the wire side: Orders API v0 ``confirmShipment`` bodies.

The models hand plain values (a delivery's tracking reference, its carrier, the Amazon
order item ids and quantities); this module checks them and builds Amazon's
``ConfirmShipmentRequest``. What cannot be confirmed as it is raises
:class:`ShipmentError`, whose message says what to fix and can be shown to the staff.

confirmShipment needs a tracking number: a delivery without one is confirmed through
the ``POST_ORDER_FULFILLMENT_DATA`` feed instead (:mod:`.order_feeds`).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone

from . import carrier_codes


class ShipmentError(ValueError):
    """A shipment that cannot be confirmed as it is; the message is for the staff."""


def normalize_tracking_number(text: str) -> str:
    """``text`` without any whitespace, in upper case."""
    return re.sub(r"\s+", "", text).upper()


def split_tracking_numbers(ref: str | None) -> list[str]:
    """The tracking numbers of an Odoo ``carrier_tracking_ref``, in order.

    Odoo's carrier integrations write several numbers separated by ``,``; ``+`` is
    accepted too. Empty parts are dropped.
    """
    if not ref:
        return []
    numbers = (normalize_tracking_number(part) for part in re.split(r"[,+]", ref))
    return [number for number in numbers if number]


@dataclass(frozen=True)
class ShippedItem:
    order_item_id: str
    quantity: int


def _clean(text: str | None) -> str | None:
    text = (text or "").strip()
    return text or None


@dataclass(frozen=True)
class Carrier:
    """The carrier as Amazon wants it: a code of :mod:`.carrier_codes`, and for
    :data:`~.carrier_codes.OTHER` the carrier's name."""

    code: str
    name: str | None
    shipping_method: str | None

    @classmethod
    def of(cls, code: str | None, name: str | None, service: str | None) -> "Carrier":
        """The carrier of a delivery: its Amazon carrier ``code`` (may be unset), its
        carrier's ``name`` and the shipping ``service``.

        A code Amazon does not know goes as ``Other`` with the name (or, without a
        name, the code itself) as the carrier name.
        """
        code, name, service = _clean(code), _clean(name), _clean(service)
        known = carrier_codes.canonical(code)
        if known and known != carrier_codes.OTHER:
            return cls(code=known, name=name, shipping_method=service or name)
        carrier_name = name or (code if known is None else None)
        if not carrier_name:
            raise ShipmentError(
                "the delivery has no carrier name: set a carrier on the delivery, "
                "or give its carrier an Amazon carrier code, before confirming the "
                "shipment to Amazon"
            )
        return cls(
            code=carrier_codes.OTHER,
            name=carrier_name,
            shipping_method=service or name,
        )

    @property
    def is_other(self) -> bool:
        return self.code == carrier_codes.OTHER


@dataclass(frozen=True)
class Package:
    """One package of a delivery. ``reference`` is the ``packageReferenceId``: a
    positive number, unique within the order, stable across re-confirmations."""

    reference: int
    items: tuple[ShippedItem, ...]
    tracking_number: str | None


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def assign_tracking_numbers(
    package_count: int, tracking_ref: str | None
) -> list[str | None]:
    """The tracking number of each package, in order, read from ``tracking_ref``.

    No number at all leaves every package untracked (``None``: confirmed by feed);
    otherwise there must be exactly one number per package.
    """
    if package_count < 1:
        raise ValueError("a delivery has at least one package")
    numbers = split_tracking_numbers(tracking_ref)
    if not numbers:
        return [None] * package_count
    if len(numbers) != package_count:
        raise ShipmentError(
            f"{_count(len(numbers), 'tracking number')} for "
            f"{_count(package_count, 'package')}: give one per package, separated "
            "by commas"
        )
    return list(numbers)


def utc_timestamp(moment: datetime) -> str:
    """``moment`` as ``2026-11-02T10:00:00Z``; a naive datetime is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def merged_items(items: Iterable[ShippedItem]) -> list[ShippedItem]:
    """``items`` with one line per order item (quantities added up), in order of
    first appearance; raises :class:`ShipmentError` for a non-positive quantity."""
    quantities: dict[str, int] = {}
    for item in items:
        if not item.order_item_id:
            raise ShipmentError("a shipped line has no Amazon order item id")
        if isinstance(item.quantity, bool) or item.quantity < 1:
            raise ShipmentError(
                f"item {item.order_item_id}: the quantity shipped must be positive, "
                f"not {item.quantity}"
            )
        quantities[item.order_item_id] = (
            quantities.get(item.order_item_id, 0) + item.quantity
        )
    return [ShippedItem(item_id, qty) for item_id, qty in quantities.items()]


def confirm_shipment_body(
    marketplace_id: str, package: Package, carrier: Carrier, ship_date: datetime
) -> dict:
    """The ``ConfirmShipmentRequest`` confirming ``package``."""
    if not marketplace_id:
        raise ShipmentError("the Amazon order has no marketplace")
    if isinstance(package.reference, bool) or package.reference < 1:
        raise ShipmentError(
            f"package reference {package.reference} is not a positive number"
        )
    if not package.tracking_number:
        raise ShipmentError(
            f"package {package.reference} has no tracking number: confirmShipment "
            "needs one (an untracked delivery is confirmed through the fulfillment "
            "feed)"
        )
    items = merged_items(package.items)
    if not items:
        raise ShipmentError(f"package {package.reference} holds no Amazon order item")
    detail: dict = {
        "packageReferenceId": str(package.reference),
        "carrierCode": carrier.code,
    }
    if carrier.is_other:
        detail["carrierName"] = carrier.name
    if carrier.shipping_method:
        detail["shippingMethod"] = carrier.shipping_method
    detail["trackingNumber"] = package.tracking_number
    detail["shipDate"] = utc_timestamp(ship_date)
    detail["orderItems"] = [
        {"orderItemId": item.order_item_id, "quantity": item.quantity} for item in items
    ]
    return {"marketplaceId": marketplace_id, "packageDetail": detail}


def check_quantities(
    shipping: dict[str, int], ordered: dict[str, int], already: dict[str, int]
) -> None:
    """Raise :class:`ShipmentError` unless every item of ``shipping`` (order item id
    → quantity) belongs to the order and, with what was ``already`` shipped, stays
    within what was ``ordered``. The message names each offending item."""
    problems = []
    for item_id, quantity in shipping.items():
        if item_id not in ordered:
            problems.append(f"item {item_id} is not part of the Amazon order")
            continue
        shipped = already.get(item_id, 0)
        if quantity < 0:
            problems.append(f"item {item_id}: cannot ship {quantity} units")
        elif quantity + shipped > ordered[item_id]:
            problems.append(
                f"item {item_id}: {quantity} to ship and {shipped} already shipped "
                f"exceed the {ordered[item_id]} ordered"
            )
    if problems:
        raise ShipmentError("; ".join(problems))
