"""The two XML order feeds: ``POST_ORDER_FULFILLMENT_DATA`` (shipments, also those
without a tracking number) and ``POST_ORDER_ACKNOWLEDGEMENT_DATA`` (cancellations by
the seller).

Both are an ``AmazonEnvelope`` of numbered messages; Amazon's processing report
(:mod:`.processing_report`) answers message by message, by ``MessageID``. Children
are written in the order of Amazon's XSD, which refuses any other; the tests check
every document against it (:mod:`.feed_schema`). A carrier without an Amazon
``CarrierCode`` goes as ``CarrierName``; an acknowledgement ``Item`` cancels all the
units of its Amazon item (Amazon's schema gives it no quantity).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from lxml import etree

from .shipment import Carrier, ShippedItem, merged_items

FULFILLMENT_FEED_TYPE = "POST_ORDER_FULFILLMENT_DATA"
ACKNOWLEDGEMENT_FEED_TYPE = "POST_ORDER_ACKNOWLEDGEMENT_DATA"
XML_CONTENT_TYPE = "text/xml; charset=UTF-8"

_XSI = "http://www.w3.org/2001/XMLSchema-instance"

#: (code, label) of the order acknowledgement's CancelReason.
CANCEL_REASONS: tuple[tuple[str, str], ...] = (
    ("NoInventory", "No inventory"),
    ("ShippingAddressUndeliverable", "Undeliverable shipping address"),
    ("CustomerExchange", "Customer exchange"),
    ("BuyerCanceled", "Buyer canceled"),
    ("GeneralAdjustment", "General adjustment"),
    ("CarrierCreditDecision", "Carrier credit decision"),
    ("RiskAssessmentInformationNotValid", "Risk assessment information not valid"),
    ("CarrierCoverageFailure", "Carrier coverage failure"),
    ("CustomerReturn", "Customer return"),
    ("MerchandiseNotReceived", "Merchandise not received"),
)
_CANCEL_CODES = frozenset(code for code, _label in CANCEL_REASONS)


@dataclass(frozen=True)
class FulfillmentMessage:
    """One shipment of an order; no ``items`` ships the whole order."""

    message_id: int
    amazon_order_id: str
    merchant_fulfillment_id: str | None
    fulfillment_date: datetime
    carrier: Carrier
    tracking_number: str | None
    items: tuple[ShippedItem, ...]


@dataclass(frozen=True)
class CancelledItem:
    """An order item to cancel, all its units: Amazon's ``OrderAcknowledgement``
    gives an ``Item`` no quantity, a cancellation by feed cancels whole items."""

    order_item_id: str


@dataclass(frozen=True)
class AcknowledgementMessage:
    """A cancellation. ``whole_order`` cancels the order (``StatusCode`` Failure);
    otherwise only ``items`` are canceled and the order goes on (Success).

    Amazon takes the reason per item: list every item, also for a whole-order
    cancellation (without items, it is sent without a reason).
    """

    message_id: int
    amazon_order_id: str
    merchant_order_id: str | None
    cancel_reason: str
    items: tuple[CancelledItem, ...] = ()
    whole_order: bool = True


def xsd_datetime(moment: datetime) -> str:
    """``moment`` as ``2026-11-02T10:00:00+00:00`` (xsd:dateTime in UTC); a naive
    datetime is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).replace(microsecond=0).isoformat()


def _sub(parent: etree._Element, tag: str, text: str | int) -> etree._Element:
    element = etree.SubElement(parent, tag)
    element.text = str(text)
    return element


def _envelope(
    seller_id: str, message_type: str, message_ids: Sequence[int]
) -> etree._Element:
    if not seller_id:
        raise ValueError("a feed needs the seller id (MerchantIdentifier)")
    if not message_ids:
        raise ValueError(f"an {message_type} feed needs at least one message")
    for message_id in message_ids:
        if isinstance(message_id, bool) or message_id < 1:
            raise ValueError(f"MessageID {message_id} is not a positive number")
    if len(set(message_ids)) != len(message_ids):
        raise ValueError("the MessageIDs of a feed must be unique")
    root = etree.Element("AmazonEnvelope", nsmap={"xsi": _XSI})
    root.set(f"{{{_XSI}}}noNamespaceSchemaLocation", "amzn-envelope.xsd")
    header = etree.SubElement(root, "Header")
    _sub(header, "DocumentVersion", "1.01")
    _sub(header, "MerchantIdentifier", seller_id)
    _sub(root, "MessageType", message_type)
    return root


def _document(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def fulfillment_feed(seller_id: str, messages: Sequence[FulfillmentMessage]) -> bytes:
    """The ``OrderFulfillment`` envelope of ``messages`` (UTF-8 XML)."""
    root = _envelope(seller_id, "OrderFulfillment", [m.message_id for m in messages])
    for message in messages:
        if not message.amazon_order_id:
            raise ValueError(f"message {message.message_id} has no Amazon order id")
        element = etree.SubElement(root, "Message")
        _sub(element, "MessageID", message.message_id)
        fulfillment = etree.SubElement(element, "OrderFulfillment")
        _sub(fulfillment, "AmazonOrderID", message.amazon_order_id)
        if message.merchant_fulfillment_id:
            _sub(fulfillment, "MerchantFulfillmentID", message.merchant_fulfillment_id)
        _sub(fulfillment, "FulfillmentDate", xsd_datetime(message.fulfillment_date))
        data = etree.SubElement(fulfillment, "FulfillmentData")
        carrier = message.carrier
        if carrier.is_other:
            _sub(data, "CarrierName", carrier.name)
        else:
            _sub(data, "CarrierCode", carrier.code)
        if carrier.shipping_method:
            _sub(data, "ShippingMethod", carrier.shipping_method)
        if message.tracking_number:
            _sub(data, "ShipperTrackingNumber", message.tracking_number)
        for item in merged_items(message.items):
            line = etree.SubElement(fulfillment, "Item")
            _sub(line, "AmazonOrderItemCode", item.order_item_id)
            _sub(line, "Quantity", item.quantity)
    return _document(root)


def acknowledgement_feed(
    seller_id: str, messages: Sequence[AcknowledgementMessage]
) -> bytes:
    """The ``OrderAcknowledgement`` envelope of ``messages`` (UTF-8 XML)."""
    root = _envelope(
        seller_id, "OrderAcknowledgement", [m.message_id for m in messages]
    )
    for message in messages:
        if not message.amazon_order_id:
            raise ValueError(f"message {message.message_id} has no Amazon order id")
        if message.cancel_reason not in _CANCEL_CODES:
            raise ValueError(
                f"message {message.message_id}: {message.cancel_reason!r} is not an "
                "Amazon cancel reason"
            )
        if not message.whole_order and not message.items:
            raise ValueError(
                f"message {message.message_id} cancels part of order "
                f"{message.amazon_order_id} but lists no item"
            )
        element = etree.SubElement(root, "Message")
        _sub(element, "MessageID", message.message_id)
        acknowledgement = etree.SubElement(element, "OrderAcknowledgement")
        _sub(acknowledgement, "AmazonOrderID", message.amazon_order_id)
        if message.merchant_order_id:
            _sub(acknowledgement, "MerchantOrderID", message.merchant_order_id)
        _sub(
            acknowledgement,
            "StatusCode",
            "Failure" if message.whole_order else "Success",
        )
        for item in message.items:
            if not item.order_item_id:
                raise ValueError(f"message {message.message_id}: an item has no id")
            line = etree.SubElement(acknowledgement, "Item")
            _sub(line, "AmazonOrderItemCode", item.order_item_id)
            _sub(line, "CancelReason", message.cancel_reason)
    return _document(root)
