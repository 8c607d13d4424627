"""Feed processing: JSON_LISTINGS_FEED (JSON report), POST_ORDER_FULFILLMENT_DATA and
POST_ORDER_ACKNOWLEDGEMENT_DATA (XML ProcessingReport, one Result per refused message,
by MessageID). XML is parsed and built with lxml only.

A JSON_LISTINGS_FEED document is validated against ``listings-feed-schema-v2.json``,
each message against ``listings-feed-message-schema-v2.json``, then checked and
applied by ``listings`` (known, rejected and listed SKUs, product types, values): an
invalid message has its issues in the report and changes nothing, the others are
applied in order."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from lxml import etree

from . import listings
from .errors import SpApiError
from .models import REPO, try_load_model
from .schemas import schema_errors as _schema_errors
from .timeutil import parse_iso

LISTINGS_FEED = "JSON_LISTINGS_FEED"
FULFILLMENT_FEED = "POST_ORDER_FULFILLMENT_DATA"
ACKNOWLEDGEMENT_FEED = "POST_ORDER_ACKNOWLEDGEMENT_DATA"
VAT_INVOICE_FEED = "UPLOAD_VAT_INVOICE"
XML_FEEDS = frozenset({FULFILLMENT_FEED, ACKNOWLEDGEMENT_FEED})
XML_REPORT_CONTENT_TYPE = "text/xml; charset=UTF-8"
#: The order acknowledgement's CancelReason values.
CANCEL_REASONS = frozenset(
    {
        "NoInventory",
        "ShippingAddressUndeliverable",
        "CustomerExchange",
        "BuyerCanceled",
        "GeneralAdjustment",
        "CarrierCreditDecision",
        "RiskAssessmentInformationNotValid",
        "CarrierCoverageFailure",
        "CustomerReturn",
        "MerchandiseNotReceived",
    }
)
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


#: The connector's module the XML order feeds are checked with, in an addons folder.
FEED_SCHEMA = Path("amazon_connector") / "amazon" / "feed_schema.py"


def feed_schema_candidates() -> list[Path]:
    """Where the connector's ``amazon/feed_schema.py`` may be, in this order: the
    addons folders Odoo loads from (``odoo.addons``' path, once Odoo is imported),
    the addon installed from its wheel (``odoo/addons/`` in a ``sys.path`` entry),
    and the clone the simulator sits in. Odoo itself is never imported here."""
    addons = sys.modules.get("odoo.addons")
    roots = [Path(entry) for entry in getattr(addons, "__path__", ())]
    roots += [Path(entry or ".") / "odoo" / "addons" for entry in sys.path]
    if REPO is not None:
        roots.append(REPO)
    return [root / FEED_SCHEMA for root in roots]


def _load_feed_schema():
    """The connector's ``amazon/feed_schema.py`` (plain Python, no Odoo), loaded from
    its file: the XML order feeds are checked against the same schema as in the
    connector's tests."""
    candidates = feed_schema_candidates()
    path = next((path for path in candidates if path.is_file()), None)
    if path is None:
        raise ImportError(
            "the Amazon simulator checks order feeds with the amazon_connector addon's "
            "amazon/feed_schema.py, and the addon is nowhere to be found: install it "
            "(pip install odoo-addon-amazon_connector, or its clone's wheel) or run "
            "from a clone. Looked in: " + ", ".join(str(c.parent) for c in candidates)
        )
    spec = importlib.util.spec_from_file_location("amazon_order_feed_schema", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


feed_schema = _load_feed_schema()


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
    content: bytes,
    feed_id: str,
    seller_id: str,
    listing_state: dict,
    *,
    knowledge: listings.Knowledge | None = None,
    marketplace_ids: list[str] | tuple[str, ...] = (),
) -> FeedOutcome:
    """Validate each message, apply the valid ones to ``listing_state`` and build the
    processing report (listings-feed-processing-report-schema-v2).

    ``knowledge`` is what Amazon knows of the listings (default: ``listing_state``
    only); ``marketplace_ids`` the feed's, the first one being that of an offer
    without ``marketplace_id``."""
    knowledge = knowledge or listings.Knowledge(listing_state)
    marketplace_id = marketplace_ids[0] if marketplace_ids else None
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
                message_issues = _check_message(
                    message, message_schema, knowledge, marketplace_id
                )
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
                    marketplace_id=marketplace_id,
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


def _check_message(
    message, schema: dict | None, knowledge: listings.Knowledge, marketplace_id
) -> list[dict]:
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
            product_type=message.get("productType"),
            knowledge=knowledge,
            marketplace_id=marketplace_id,
        )
    ]


# -- XML order feeds: POST_ORDER_FULFILLMENT_DATA and POST_ORDER_ACKNOWLEDGEMENT_DATA
#: ship(order_id, [{orderItemId, quantity}], package, at); raises SpApiError.
ShipFunction = Callable[[str, list, dict, datetime], None]
#: acknowledge(order_id, status_code, items); raises SpApiError.
AcknowledgeFunction = Callable[[str, str, list], None]
#: One result of a message: (ResultCode Error|Warning, ResultMessageCode, text).
Problem = tuple[str, str, str]


@dataclass(frozen=True)
class ReportResult:
    """One ``Result`` of an XML processing report (MessageID "0": the document)."""

    message_id: str
    severity: str  # Error or Warning
    code: str
    description: str
    order_id: str | None = None


def _text(element, path: str) -> str | None:
    if element is None:
        return None
    found = element.find(path)
    return found.text.strip() if found is not None and found.text else None


def _envelope_messages(content: bytes, message_type: str):
    """(merchant identifier, Message elements) of an envelope of ``message_type``;
    ``ValueError`` when the document is not such an envelope."""
    try:
        root = etree.fromstring(content, parser=_SAFE_PARSER)
    except etree.XMLSyntaxError as error:
        raise ValueError(f"XML parsing error: {error}") from None
    if etree.QName(root).localname != "AmazonEnvelope":
        raise ValueError("The root element must be AmazonEnvelope.")
    if _text(root, "MessageType") != message_type:
        raise ValueError(f"MessageType must be {message_type}.")
    return _text(root, "Header/MerchantIdentifier"), root.findall("Message")


def parse_fulfillment_feed(content: bytes) -> tuple[str | None, list[dict]]:
    """(merchant identifier, messages) of an OrderFulfillment envelope.

    Raises ``ValueError`` when the document is not such an envelope.
    """
    merchant, elements = _envelope_messages(content, "OrderFulfillment")
    messages = []
    for message in elements:
        fulfillment = message.find("OrderFulfillment")
        data = fulfillment.find("FulfillmentData") if fulfillment is not None else None
        messages.append(
            {
                "message_id": _text(message, "MessageID"),
                "amazon_order_id": _text(fulfillment, "AmazonOrderID"),
                "merchant_fulfillment_id": _text(fulfillment, "MerchantFulfillmentID"),
                "fulfillment_date": _text(fulfillment, "FulfillmentDate"),
                "carrier_code": _text(data, "CarrierCode"),
                "carrier_name": _text(data, "CarrierName"),
                "shipping_method": _text(data, "ShippingMethod"),
                "tracking_number": _text(data, "ShipperTrackingNumber"),
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
    return merchant, messages


def parse_acknowledgement_feed(content: bytes) -> tuple[str | None, list[dict]]:
    """(merchant identifier, messages) of an OrderAcknowledgement envelope.

    Raises ``ValueError`` when the document is not such an envelope.
    """
    merchant, elements = _envelope_messages(content, "OrderAcknowledgement")
    messages = []
    for message in elements:
        acknowledgement = message.find("OrderAcknowledgement")
        messages.append(
            {
                "message_id": _text(message, "MessageID"),
                "amazon_order_id": _text(acknowledgement, "AmazonOrderID"),
                "merchant_order_id": _text(acknowledgement, "MerchantOrderID"),
                "status_code": _text(acknowledgement, "StatusCode"),
                "items": [
                    {
                        "order_item_id": _text(item, "AmazonOrderItemCode"),
                        "merchant_order_item_id": _text(item, "MerchantOrderItemID"),
                        "cancel_reason": _text(item, "CancelReason"),
                    }
                    for item in (
                        acknowledgement.findall("Item")
                        if acknowledgement is not None
                        else []
                    )
                ],
            }
        )
    return merchant, messages


def _process_order_feed(
    content: bytes,
    feed_id: str,
    seller_id: str,
    parse: Callable[[bytes], tuple[str | None, list[dict]]],
    apply: Callable[[dict], list[Problem]],
) -> FeedOutcome:
    """Parse an XML order feed, ``apply`` each message (its problems; an error
    refuses the message) and build the XML processing report."""
    results: list[ReportResult] = []
    try:
        merchant, messages = parse(content)
    except ValueError as error:
        merchant, messages = None, None
        results.append(ReportResult("0", "Error", "5001", str(error)[:300]))
    validation = feed_schema.validate(content)
    if messages is not None and validation.document:
        # The envelope or the header is not Amazon's: nothing is processed.
        results.append(
            ReportResult("0", "Error", "5001", "; ".join(validation.document)[:300])
        )
        messages = []
    if messages is not None and merchant != seller_id:
        results.append(
            ReportResult("0", "Error", "5000", "MerchantIdentifier does not match.")
        )
        messages = []
    for position, message in enumerate(messages or [], start=1):
        errors = validation.messages.get(position)
        if errors:
            # Amazon refuses a message that does not validate, and only it.
            results.append(
                ReportResult(
                    message["message_id"] or "0",
                    "Error",
                    "5001",
                    "; ".join(errors)[:1000],
                    message["amazon_order_id"],
                )
            )
            continue
        for severity, code, description in apply(message):
            results.append(
                ReportResult(
                    message["message_id"] or "0",
                    severity,
                    code,
                    description,
                    message["amazon_order_id"],
                )
            )
    return _report_outcome(feed_id, seller_id, len(messages or []), results, messages)


def _report_outcome(
    feed_id: str,
    seller_id: str,
    processed: int,
    results: list[ReportResult],
    parsed=None,
    *,
    status: str = "DONE",
    reported_processed: int | None = None,
) -> FeedOutcome:
    with_error = len({r.message_id for r in results if r.severity == "Error"} - {"0"})
    with_warning = len(
        {r.message_id for r in results if r.severity == "Warning"} - {"0"}
    )
    summary = {
        "processed": processed if reported_processed is None else reported_processed,
        "successful": processed - with_error,
        "with_error": with_error,
        "with_warning": with_warning,
    }
    return FeedOutcome(
        status=status,
        parsed=parsed,
        report=_processing_report_xml(feed_id, seller_id, summary, results),
        report_content_type=XML_REPORT_CONTENT_TYPE,
        report_data={
            **summary,
            "actually_processed": processed,
            "results": [asdict(r) for r in results],
        },
    )


def fatal_xml_outcome(feed_id: str, seller_id: str, message: str) -> FeedOutcome:
    """A FATAL XML feed: nothing applied, a report with one document-level error."""
    return _report_outcome(
        feed_id,
        seller_id,
        0,
        [ReportResult("0", "Error", "5001", message[:300])],
        status="FATAL",
    )


def misreported(outcome: FeedOutcome, feed_id: str, seller_id: str) -> FeedOutcome:
    """``outcome`` with a report whose summary does not add up (no message
    processed); what the feed did stays done."""
    data = outcome.report_data
    if outcome.report_content_type == XML_REPORT_CONTENT_TYPE:
        results = [ReportResult(**r) for r in data["results"]]
        return _report_outcome(
            feed_id,
            seller_id,
            data["actually_processed"],
            results,
            outcome.parsed,
            status=outcome.status,
            reported_processed=0,
        )
    report = json.loads(json.dumps(data))
    if isinstance(report.get("summary"), dict):
        report["summary"]["messagesProcessed"] = 0
    return FeedOutcome(
        status=outcome.status,
        parsed=outcome.parsed,
        report=json.dumps(report, ensure_ascii=False).encode("utf-8"),
        report_content_type=outcome.report_content_type,
        report_data=report,
        issues=outcome.issues,
    )


def process_fulfillment_feed(
    content: bytes, feed_id: str, seller_id: str, ship: ShipFunction
) -> FeedOutcome:
    """Apply each fulfillment message through ``ship(order_id, items, package, at)``
    and build the XML report.

    The package key is the MerchantFulfillmentID when given: a message re-sent for
    a package already shipped edits it (carrier, tracking, items).
    """
    return _process_order_feed(
        content,
        feed_id,
        seller_id,
        parse_fulfillment_feed,
        lambda message: _apply_fulfillment_message(message, ship),
    )


def _error(error: SpApiError) -> list[Problem]:
    return [("Error", "18028" if error.status == 404 else "25", error.message)]


def _apply_fulfillment_message(message: dict, ship: ShipFunction) -> list[Problem]:
    if not message["amazon_order_id"]:
        return [("Error", "25", "AmazonOrderID is required.")]
    code, name = message["carrier_code"], message["carrier_name"]
    if not (code or name):
        return [("Error", "25", "CarrierCode or CarrierName is required.")]
    if code == "Other" and not name:
        return [("Error", "25", "CarrierName is required when CarrierCode is Other.")]
    try:
        at = parse_iso(message["fulfillment_date"] or "")
    except ValueError:
        return [("Error", "25", "FulfillmentDate is not a valid xsd:dateTime.")]
    items = []
    for item in message["items"]:
        try:
            quantity = int(item["quantity"] or "")
        except ValueError:
            return [("Error", "25", "Item Quantity must be a positive integer.")]
        items.append({"orderItemId": item["order_item_id"], "quantity": quantity})
    package = {
        "carrier": code if code and code != "Other" else name,
        "trackingNumber": message["tracking_number"] or "",
        "shippingService": message["shipping_method"] or "Standard",
    }
    if message["merchant_fulfillment_id"]:
        package["packageReferenceId"] = message["merchant_fulfillment_id"]
    try:
        ship(message["amazon_order_id"], items, package, at)
    except SpApiError as error:
        return _error(error)
    return []


def process_acknowledgement_feed(
    content: bytes, feed_id: str, seller_id: str, acknowledge: AcknowledgeFunction
) -> FeedOutcome:
    """Apply each acknowledgement message through ``acknowledge(order_id,
    status_code, items)`` (items ``[{orderItemId, cancelReason}]``: an item is
    canceled whole) and build the XML report."""
    return _process_order_feed(
        content,
        feed_id,
        seller_id,
        parse_acknowledgement_feed,
        lambda message: _apply_acknowledgement_message(message, acknowledge),
    )


def _apply_acknowledgement_message(
    message: dict, acknowledge: AcknowledgeFunction
) -> list[Problem]:
    if not message["amazon_order_id"]:
        return [("Error", "25", "AmazonOrderID is required.")]
    if message["status_code"] not in ("Success", "Failure"):
        return [("Error", "25", "StatusCode must be Success or Failure.")]
    items = []
    for item in message["items"]:
        if not item["order_item_id"]:
            return [("Error", "25", "Item AmazonOrderItemCode is required.")]
        reason = item["cancel_reason"]
        if reason is not None and reason not in CANCEL_REASONS:
            return [("Error", "25", f"CancelReason {reason!r} is not valid.")]
        items.append({"orderItemId": item["order_item_id"], "cancelReason": reason})
    try:
        acknowledge(message["amazon_order_id"], message["status_code"], items)
    except SpApiError as error:
        return _error(error)
    return []


def _processing_report_xml(
    feed_id: str, seller_id: str, summary: dict, results: list[ReportResult]
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
    element = etree.SubElement(report, "ProcessingSummary")
    etree.SubElement(element, "MessagesProcessed").text = str(summary["processed"])
    etree.SubElement(element, "MessagesSuccessful").text = str(summary["successful"])
    etree.SubElement(element, "MessagesWithError").text = str(summary["with_error"])
    etree.SubElement(element, "MessagesWithWarning").text = str(summary["with_warning"])
    for item in results:
        result = etree.SubElement(report, "Result")
        etree.SubElement(result, "MessageID").text = item.message_id
        etree.SubElement(result, "ResultCode").text = item.severity
        etree.SubElement(result, "ResultMessageCode").text = item.code
        etree.SubElement(result, "ResultDescription").text = item.description
        if item.order_id:
            info = etree.SubElement(result, "AdditionalInfo")
            etree.SubElement(info, "AmazonOrderID").text = item.order_id
    return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")


# -- UPLOAD_VAT_INVOICE
#
# One PDF per feed, its metadata in the feed's feedOptions; the refusals and their
# codes are those of Amazon's invoice uploader documentation, as its SP-API pages
# "Manually upload invoices" and "VCS error handling" list them. Amazon says to read
# the verdict from the VAT invoice data report, not the feed's report: a feed taken
# ends DONE with a short summary, the invoice "Pending" in ``state.vat_invoices``.

#: metadata:documenttype's values.
VAT_DOCUMENT_TYPES = ("Invoice", "CreditNote")


def _vat_refusal(code: str, number: int, message: str) -> FeedOutcome:
    return fatal_outcome(f"{code} ({number}): {message}")


def process_vat_invoice_feed(
    content: bytes,
    feed_id: str,
    seller_id: str,
    options,
    marketplace_ids: list[str],
) -> FeedOutcome:
    """Check one uploaded VAT invoice (its PDF and ``options``, the feed's
    feedOptions); ``parsed`` is the document as ``state.vat_invoices`` records it
    (without its status), or None when the feed ends FATAL."""
    # Amazon reads the keys whatever their case (its own examples mix them).
    meta = {
        str(key).lower().removeprefix("metadata:"): str(value).strip()
        for key, value in (options or {}).items()
    }
    if len(marketplace_ids) != 1:
        return _vat_refusal(
            "MarketplaceIDInputError",
            79523,
            "Please provide only one valid marketplace while uploading an invoice.",
        )
    missing = [
        key
        for key, present in (
            ("OrderId or ShippingId", meta.get("orderid") or meta.get("shippingid")),
            ("InvoiceNumber", meta.get("invoicenumber")),
            ("DocumentType", meta.get("documenttype")),
        )
        if not present
    ]
    if missing:
        return _vat_refusal(
            "MissingRequestPreferences", 79513, f"Please provide {', '.join(missing)}"
        )
    document_type = meta["documenttype"]
    if document_type not in VAT_DOCUMENT_TYPES:
        return _vat_refusal(
            "InvalidDocumentType",
            79531,
            f"The document type {document_type} is not supported",
        )
    order_id = meta.get("orderid") or ""
    number = meta["invoicenumber"]
    if not content.startswith(b"%PDF"):
        return _vat_refusal(
            "InvoiceFileIsNotPDF",
            79503,
            f"Invoice uploaded is not pdf for shipmentId {meta.get('shippingid', '')},"
            f" orderId {order_id} and InvoiceNumber {number}",
        )
    document = {
        "feed_id": feed_id,
        "marketplace_id": marketplace_ids[0],
        "order_id": order_id or None,
        "shipping_id": meta.get("shippingid") or None,
        "invoice_number": number,
        "document_type": document_type,
        "total_amount": meta.get("totalamount"),
        "total_vat_amount": meta.get("totalvatamount"),
        "transaction_id": meta.get("transactionid") or None,
        "size": len(content),
    }
    report = {
        "header": {"sellerId": seller_id, "feedId": feed_id},
        "summary": {
            "messagesProcessed": 1,
            "messagesAccepted": 1,
            "messagesInvalid": 0,
        },
    }
    return FeedOutcome(
        status="DONE",
        parsed=document,
        report=json.dumps(report).encode("utf-8"),
        report_data=report,
    )
