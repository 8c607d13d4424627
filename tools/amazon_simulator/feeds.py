"""Feed processing: JSON_LISTINGS_FEED (JSON report) and POST_ORDER_FULFILLMENT_DATA
(XML ProcessingReport). XML is parsed and built with lxml only."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

from lxml import etree

from . import listings
from .errors import SpApiError
from .models import try_load_model
from .schemas import schema_errors as _schema_errors
from .timeutil import parse_iso

LISTINGS_FEED = "JSON_LISTINGS_FEED"
FULFILLMENT_FEED = "POST_ORDER_FULFILLMENT_DATA"
#: Listings feed types Amazon removed on 2025-07-31: they now end FATAL.
REMOVED_FEED_TYPES = frozenset(
    {
        "POST_PRODUCT_DATA",
        "POST_INVENTORY_AVAILABILITY_DATA",
        "POST_PRODUCT_PRICING_DATA",
        "POST_PRODUCT_OVERRIDES_DATA",
        "POST_PRODUCT_IMAGE_DATA",
        "POST_PRODUCT_RELATIONSHIP_DATA",
        "POST_FLAT_FILE_INVLOADER_DATA",
        "POST_FLAT_FILE_LISTINGS_DATA",
        "POST_FLAT_FILE_PRICEANDQUANTITYONLY_UPDATE_DATA",
    }
)

_SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


@dataclass
class FeedOutcome:
    """What processing a feed produced."""

    status: str  # DONE or FATAL
    parsed: object = None
    report: bytes = b""
    report_content_type: str = "application/json"
    report_data: object = None
    issues: list = field(default_factory=list)


def fatal_outcome(message: str) -> FeedOutcome:
    body = {"errors": [{"code": "FATAL", "message": message}]}
    return FeedOutcome(
        status="FATAL",
        report=json.dumps(body).encode(),
        report_data=body,
    )


# -- JSON_LISTINGS_FEED


def process_listings_feed(
    content: bytes, feed_id: str, seller_id: str, listing_state: dict
) -> FeedOutcome:
    """Validate each message, apply the valid ones to ``listing_state`` and build the
    processing report (listings-feed-processing-report-schema-v2)."""
    issues: list[dict] = []
    processed = accepted = 0
    parsed = None
    try:
        parsed = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        issues.append(
            {
                "code": listings.CODE_SCHEMA,
                "severity": "ERROR",
                "message": "The feed document is not valid UTF-8 JSON.",
            }
        )
    if parsed is not None:
        header_errors = _schema_errors(
            try_load_model("listings-feed-schema-v2.json"),
            {"header": parsed.get("header"), "messages": [{}]}
            if isinstance(parsed, dict)
            else parsed,
        )
        header_errors = [e for e in header_errors if not e.startswith("messages")]
        header = parsed.get("header", {}) if isinstance(parsed, dict) else {}
        if not header_errors and header.get("sellerId") != seller_id:
            header_errors.append("header/sellerId: does not match the selling partner")
        messages = parsed.get("messages") if isinstance(parsed, dict) else None
        if not isinstance(messages, list) or not messages:
            header_errors.append("messages: at least one message is required")
        for error in header_errors:
            issues.append(
                {"code": listings.CODE_SCHEMA, "severity": "ERROR", "message": error}
            )
        if not header_errors:
            message_schema = try_load_model("listings-feed-message-schema-v2.json")
            for message in messages:
                processed += 1
                message_issues = _check_message(message, message_schema)
                if message_issues:
                    issues.extend(message_issues)
                    continue
                accepted += 1
                listings.apply_change(
                    listing_state,
                    message["sku"],
                    message["operationType"],
                    message.get("attributes"),
                    message.get("patches"),
                )
    invalid = processed - accepted
    report = {
        "header": {"sellerId": seller_id, "version": "2.0", "feedId": feed_id},
        "issues": issues,
        "summary": {
            "errors": sum(1 for i in issues if i["severity"] == "ERROR"),
            "warnings": sum(1 for i in issues if i["severity"] == "WARNING"),
            "messagesProcessed": processed,
            "messagesAccepted": accepted,
            "messagesInvalid": invalid,
        },
    }
    return FeedOutcome(
        status="DONE",
        parsed=parsed,
        report=json.dumps(report, ensure_ascii=False).encode("utf-8"),
        report_data=report,
        issues=issues,
    )


#: What the message schema requires of each operation, beyond messageId, sku and
#: operationType: checked by hand when the official schema is not available.
_REQUIRED_BY_OPERATION = {
    "UPDATE": ("productType", "attributes"),
    "PARTIAL_UPDATE": ("productType", "attributes"),
    "PATCH": ("productType", "patches"),
    "DELETE": (),
}


def _basic_message_errors(message) -> list[str]:
    """The message schema's main rules, for when the schema is not available."""
    if not isinstance(message, dict):
        return ["(root): a message must be an object"]
    missing = [k for k in ("messageId", "sku", "operationType") if not message.get(k)]
    if missing:
        return [f"(root): '{key}' is a required property" for key in missing]
    operation = message["operationType"]
    if not isinstance(operation, str) or operation not in _REQUIRED_BY_OPERATION:
        return [f"operationType: {operation!r} is not a valid operation"]
    return [
        f"(root): '{key}' is a required property of {operation} messages"
        for key in _REQUIRED_BY_OPERATION[operation]
        if key not in message
    ]


def _check_message(message, schema: dict | None) -> list[dict]:
    message_id = message.get("messageId") if isinstance(message, dict) else None
    base = {"severity": "ERROR"}
    if isinstance(message_id, int) and message_id >= 1:
        base["messageId"] = message_id
    sku = message.get("sku") if isinstance(message, dict) else None
    if isinstance(sku, str) and sku:
        base["sku"] = sku
    if schema is None:
        errors = _basic_message_errors(message)
    else:
        errors = _schema_errors(schema, message)
    if errors:
        return [{**base, "code": listings.CODE_SCHEMA, "message": e} for e in errors]
    return [
        {**base, **issue}
        for issue in listings.check_change(
            sku,
            message["operationType"],
            message.get("attributes"),
            message.get("patches"),
        )
    ]


# -- POST_ORDER_FULFILLMENT_DATA
ShipFunction = Callable[[str, list, dict, object], None]


def _text(element, path: str) -> str | None:
    found = element.find(path)
    return found.text.strip() if found is not None and found.text else None


def parse_fulfillment_feed(content: bytes) -> tuple[str | None, list[dict]]:
    """(merchant identifier, messages) of an OrderFulfillment envelope.

    Raises ``ValueError`` when the document is not such an envelope.
    """
    try:
        root = etree.fromstring(content, parser=_SAFE_PARSER)
    except etree.XMLSyntaxError as error:
        raise ValueError(f"XML parsing error: {error}") from None
    if etree.QName(root).localname != "AmazonEnvelope":
        raise ValueError("The root element must be AmazonEnvelope.")
    if _text(root, "MessageType") != "OrderFulfillment":
        raise ValueError("MessageType must be OrderFulfillment.")
    messages = []
    for message in root.findall("Message"):
        fulfillment = message.find("OrderFulfillment")
        data = fulfillment.find("FulfillmentData") if fulfillment is not None else None
        messages.append(
            {
                "message_id": _text(message, "MessageID"),
                "amazon_order_id": _text(fulfillment, "AmazonOrderID")
                if fulfillment is not None
                else None,
                "merchant_fulfillment_id": _text(fulfillment, "MerchantFulfillmentID")
                if fulfillment is not None
                else None,
                "fulfillment_date": _text(fulfillment, "FulfillmentDate")
                if fulfillment is not None
                else None,
                "carrier_code": _text(data, "CarrierCode")
                if data is not None
                else None,
                "carrier_name": _text(data, "CarrierName")
                if data is not None
                else None,
                "shipping_method": _text(data, "ShippingMethod")
                if data is not None
                else None,
                "tracking_number": _text(data, "ShipperTrackingNumber")
                if data is not None
                else None,
                "items": [
                    {
                        "order_item_id": _text(item, "AmazonOrderItemCode"),
                        "quantity": _text(item, "Quantity"),
                    }
                    for item in (
                        fulfillment.findall("Item") if fulfillment is not None else []
                    )
                ],
            }
        )
    return _text(root, "Header/MerchantIdentifier"), messages


def process_fulfillment_feed(
    content: bytes, feed_id: str, seller_id: str, ship: ShipFunction
) -> FeedOutcome:
    """Apply each fulfillment message through ``ship(order_id, items, package, at)``
    (which raises ``SpApiError`` for a refused message) and build the XML report."""
    results: list[tuple[str, str, str, str | None]] = []
    try:
        merchant, messages = parse_fulfillment_feed(content)
    except ValueError as error:
        merchant, messages = None, None
        results.append(("0", "5001", str(error)[:300], None))
    if messages is not None and merchant != seller_id:
        results.append(("0", "5000", "MerchantIdentifier does not match.", None))
        messages = []
    processed = len(messages or [])
    for message in messages or []:
        problem = _apply_fulfillment_message(message, ship)
        if problem:
            code, description = problem
            results.append(
                (
                    message["message_id"] or "0",
                    code,
                    description,
                    message["amazon_order_id"],
                )
            )
    with_error = len({r[0] for r in results if r[0] != "0"})
    report = _processing_report_xml(
        feed_id, seller_id, processed, processed - with_error, with_error, results
    )
    return FeedOutcome(
        status="DONE",
        parsed=messages,
        report=report,
        report_content_type="text/xml; charset=UTF-8",
        report_data={
            "processed": processed,
            "successful": processed - with_error,
            "with_error": with_error,
            "results": results,
        },
    )


def _apply_fulfillment_message(message: dict, ship: ShipFunction):
    if not message["amazon_order_id"]:
        return "25", "AmazonOrderID is required."
    if not (message["carrier_code"] or message["carrier_name"]):
        return "25", "CarrierCode or CarrierName is required."
    try:
        at = parse_iso(message["fulfillment_date"] or "")
    except ValueError:
        return "25", "FulfillmentDate is not a valid xsd:dateTime."
    items = []
    for item in message["items"]:
        try:
            quantity = int(item["quantity"] or "")
        except ValueError:
            return "25", "Item Quantity must be a positive integer."
        items.append({"orderItemId": item["order_item_id"], "quantity": quantity})
    package = {
        "carrier": message["carrier_code"] or message["carrier_name"],
        "trackingNumber": message["tracking_number"] or "",
        "shippingService": message["shipping_method"] or "Standard",
    }
    try:
        ship(message["amazon_order_id"], items, package, at)
    except SpApiError as error:
        code = "18028" if error.status == 404 else "25"
        return code, error.message
    return None


def _processing_report_xml(
    feed_id: str,
    seller_id: str,
    processed: int,
    successful: int,
    with_error: int,
    results: list,
) -> bytes:
    envelope = etree.Element("AmazonEnvelope")
    header = etree.SubElement(envelope, "Header")
    etree.SubElement(header, "DocumentVersion").text = "1.02"
    etree.SubElement(header, "MerchantIdentifier").text = seller_id
    etree.SubElement(envelope, "MessageType").text = "ProcessingReport"
    message = etree.SubElement(envelope, "Message")
    etree.SubElement(message, "MessageID").text = "1"
    report = etree.SubElement(message, "ProcessingReport")
    etree.SubElement(report, "DocumentTransactionID").text = feed_id
    etree.SubElement(report, "StatusCode").text = "Complete"
    summary = etree.SubElement(report, "ProcessingSummary")
    etree.SubElement(summary, "MessagesProcessed").text = str(processed)
    etree.SubElement(summary, "MessagesSuccessful").text = str(successful)
    etree.SubElement(summary, "MessagesWithError").text = str(with_error)
    etree.SubElement(summary, "MessagesWithWarning").text = "0"
    for message_id, code, description, order_id in results:
        result = etree.SubElement(report, "Result")
        etree.SubElement(result, "MessageID").text = message_id
        etree.SubElement(result, "ResultCode").text = "Error"
        etree.SubElement(result, "ResultMessageCode").text = code
        etree.SubElement(result, "ResultDescription").text = description
        if order_id:
            info = etree.SubElement(result, "AdditionalInfo")
            etree.SubElement(info, "AmazonOrderID").text = order_id
    return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")
