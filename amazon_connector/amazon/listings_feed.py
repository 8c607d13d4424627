"""``JSON_LISTINGS_FEED``: stock and price of many offers in one feed document, and
the processing report Amazon answers it with.

The document is ``{"header": {...}, "messages": [...]}`` (listings-feed-schema-v2),
each message a ``PATCH`` of one SKU. The patches use ``merge``: it changes the values
given and keeps the others of the same attribute (restock date and handling time of
``fulfillment_availability``, the other audiences of ``purchasable_offer``).

The report (listings-feed-processing-report-schema-v2) lists issues, each with the
``messageId`` it is about; a message without an ``ERROR`` issue was accepted. A report
that does not say clearly what happened to each message sent raises
:class:`~.processing_report.UnclearReport`.
"""

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .processing_report import UnclearReport

FEED_TYPE = "JSON_LISTINGS_FEED"
CONTENT_TYPE = "application/json; charset=UTF-8"
#: Messages per feed document (the schema's ``maxItems``).
MAX_MESSAGES = 25_000
#: The schema's ``messageId`` range.
MAX_MESSAGE_ID = 2_147_483_647
#: The attributes the connector patches: the quantity (and handling time) of a
#: merchant-fulfilled offer, and its price.
STOCK_PATH = "/attributes/fulfillment_availability"
PRICE_PATH = "/attributes/purchasable_offer"

_SEVERITIES = ("ERROR", "WARNING", "INFO")
_EXCERPT = 300


def _count(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be a whole number >= 0, not {value!r}")
    return value


def _text(value, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} is required")
    return value


def stock_patch(quantity: int, handling_time: int | None) -> dict:
    """The patch setting the quantity offered (merchant fulfilled) and, when given,
    the handling time in days; without it Amazon keeps the one it has."""
    availability = {
        "fulfillment_channel_code": "DEFAULT",
        "quantity": _count(quantity, "quantity"),
    }
    if handling_time is not None:
        availability["lead_time_to_ship_max_days"] = _count(
            handling_time, "handling_time"
        )
    return {
        "op": "merge",
        "path": STOCK_PATH,
        "value": [availability],
    }


def _schedule(amount: Decimal, decimals: int, name: str) -> list[dict]:
    try:
        amount = amount if isinstance(amount, Decimal) else Decimal(str(amount))
    except InvalidOperation:
        raise ValueError(f"{name} {amount!r} is not a number") from None
    if not amount.is_finite():
        raise ValueError(f"{name} {amount} is not a finite number")
    if amount < 0:
        raise ValueError(f"{name} {amount} must not be negative")
    rounded = amount.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    number = int(rounded) if decimals == 0 else float(rounded)
    return [{"schedule": [{"value_with_tax": number}]}]


def price_patch(
    marketplace_id: str,
    currency: str,
    amount: Decimal,
    *,
    decimals: int = 2,
    minimum: Decimal | None = None,
    maximum: Decimal | None = None,
) -> dict:
    """The patch setting the price (tax included) for all buyers of one marketplace,
    and the seller's minimum and maximum allowed prices when given.

    Amounts are rounded half-up to ``decimals`` (0 for JPY, written as integers).
    """
    _text(marketplace_id, "marketplace_id")
    _text(currency, "currency")
    if isinstance(decimals, bool) or not isinstance(decimals, int) or decimals < 0:
        raise ValueError(f"decimals must be a whole number >= 0, not {decimals!r}")
    offer = {
        "marketplace_id": marketplace_id,
        "currency": currency,
        "audience": "ALL",
        "our_price": _schedule(amount, decimals, "price"),
    }
    bounds = {}
    for key, value, name in (
        ("minimum_seller_allowed_price", minimum, "minimum price"),
        ("maximum_seller_allowed_price", maximum, "maximum price"),
    ):
        if value is not None:
            offer[key] = _schedule(value, decimals, name)
            bounds[key] = offer[key][0]["schedule"][0]["value_with_tax"]
    if len(bounds) == 2 and (
        bounds["minimum_seller_allowed_price"] > bounds["maximum_seller_allowed_price"]
    ):
        raise ValueError(
            f"the minimum price {minimum} is above the maximum price {maximum}"
        )
    return {"op": "merge", "path": PRICE_PATH, "value": [offer]}


def listings_message(
    message_id: int, sku: str, product_type: str, patches: list[dict]
) -> dict:
    """One ``PATCH`` message of the feed."""
    if (
        isinstance(message_id, bool)
        or not isinstance(message_id, int)
        or not 1 <= message_id <= MAX_MESSAGE_ID
    ):
        raise ValueError(
            f"message_id must be a whole number from 1 to {MAX_MESSAGE_ID}, "
            f"not {message_id!r}"
        )
    _text(sku, "sku")
    _text(product_type, "product_type")
    if not patches:
        raise ValueError(f"SKU {sku}: a message needs at least one patch")
    return {
        "messageId": message_id,
        "sku": sku,
        "operationType": "PATCH",
        "productType": product_type,
        "patches": list(patches),
    }


def build_listings_feed(
    seller_id: str, messages: list[dict], *, issue_locale: str = "en_US"
) -> bytes:
    """The feed document, UTF-8 JSON. ``issue_locale`` is the language of the
    report's messages."""
    _text(seller_id, "seller_id")
    _text(issue_locale, "issue_locale")
    if not messages:
        raise ValueError("a listings feed needs at least one message")
    if len(messages) > MAX_MESSAGES:
        raise ValueError(
            f"a listings feed holds at most {MAX_MESSAGES} messages, not "
            f"{len(messages)}: send it in chunks"
        )
    ids = [message.get("messageId") for message in messages]
    if len(set(ids)) != len(ids):
        raise ValueError("the messageId of each message must be unique in the feed")
    document = {
        "header": {
            "sellerId": seller_id,
            "version": "2.0",
            "issueLocale": issue_locale,
        },
        "messages": list(messages),
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode(
        "utf-8"
    )


def chunked(items: Sequence, size: int = MAX_MESSAGES) -> Iterator[Sequence]:
    """``items`` in consecutive slices of at most ``size``."""
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise ValueError(f"size must be a whole number >= 1, not {size!r}")
    for start in range(0, len(items), size):
        yield items[start : start + size]


def sent_values(document: bytes) -> dict:
    """``{message id: (quantity, handling time, price)}`` of a feed document
    built here: what each message asked Amazon to set (None where it did not
    say); ``{}`` for a document that cannot be read back."""
    try:
        content = json.loads(document)
    except (ValueError, TypeError):
        return {}
    values = {}
    for message in content.get("messages", []):
        qty = handling_time = price = None
        for patch in message.get("patches", []):
            value = (patch.get("value") or [{}])[0]
            if patch.get("path") == STOCK_PATH:
                qty = value.get("quantity")
                handling_time = value.get("lead_time_to_ship_max_days")
            elif patch.get("path") == PRICE_PATH:
                schedule = (value.get("our_price") or [{}])[0].get("schedule") or [{}]
                price = schedule[0].get("value_with_tax")
        values[message.get("messageId")] = (qty, handling_time, price)
    return values


@dataclass(frozen=True)
class MessageVerdict:
    """What Amazon did with one message: ``accepted`` unless it has an error. Each
    issue reads ``"Amazon <code>: <message>"``."""

    message_id: int
    accepted: bool
    errors: tuple[str, ...]
    warnings: tuple[str, ...]


def _issue_text(issue: dict) -> str:
    text = (
        f"Amazon {issue.get('code') or '?'}: {issue.get('message') or '(no message)'}"
    )
    if issue.get("attributeName"):
        text += f" (attribute {issue['attributeName']})"
    return text


def _report_object(content: bytes) -> dict:
    try:
        report = json.loads(bytes(content).decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        excerpt = bytes(content[:_EXCERPT]).decode("utf-8", "replace")
        raise UnclearReport(
            f"the processing report is not JSON: {' '.join(excerpt.split())!r}"
        ) from None
    if not isinstance(report, dict):
        raise UnclearReport("the processing report is not a JSON object")
    return report


def _summary_count(summary: dict, name: str) -> int | None:
    value = summary.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise UnclearReport(f"the report's summary {name} is {value!r}, not a number")
    return value


def parse_listings_report(
    content: bytes, message_ids: Iterable[int]
) -> dict[int, MessageVerdict]:
    """One :class:`MessageVerdict` per message sent, by messageId.

    Raises :class:`UnclearReport` when the document is not a processing report, has
    no summary, says Amazon processed another number of messages than were sent
    (quoting the issues about the whole document, such as a refused header), carries
    an error about the whole document, names a message that was not sent, or counts
    invalid messages differently from its issues.
    """
    sent = sorted(set(message_ids))
    report = _report_object(content)
    summary = report.get("summary")
    if not isinstance(summary, dict):
        raise UnclearReport("the processing report has no summary")
    errors, warnings, document_issues = _sort_issues(_report_issues(report), sent)
    _check_summary(summary, sent, errors, document_issues)
    return {
        message_id: MessageVerdict(
            message_id=message_id,
            accepted=not errors[message_id],
            errors=tuple(errors[message_id]),
            warnings=tuple(warnings[message_id]),
        )
        for message_id in sent
    }


def _report_issues(report: dict) -> list[dict]:
    issues = report.get("issues")
    if issues is None:
        issues = []
    if not isinstance(issues, list) or not all(isinstance(i, dict) for i in issues):
        raise UnclearReport("the processing report's issues are not a list of objects")
    return issues


def _sort_issues(
    issues: list[dict], sent: list[int]
) -> tuple[dict[int, list[str]], dict[int, list[str]], list[dict]]:
    """The texts of the errors and of the warnings about each message sent, by
    messageId, and the issues about the whole document (no messageId)."""
    errors: dict[int, list[str]] = {message_id: [] for message_id in sent}
    warnings: dict[int, list[str]] = {message_id: [] for message_id in sent}
    document_issues: list[dict] = []
    for issue in issues:
        severity = issue.get("severity")
        if severity not in _SEVERITIES:
            raise UnclearReport(f"an issue has the severity {severity!r}")
        message_id = issue.get("messageId")
        if message_id is None:
            document_issues.append(issue)
            continue
        if (
            isinstance(message_id, bool)
            or not isinstance(message_id, int)
            or message_id not in errors
        ):
            raise UnclearReport(f"the report names message {message_id!r}, never sent")
        (errors if severity == "ERROR" else warnings)[message_id].append(
            _issue_text(issue)
        )
    return errors, warnings, document_issues


def _check_summary(
    summary: dict,
    sent: list[int],
    errors: dict[int, list[str]],
    document_issues: list[dict],
) -> None:
    """Refuse a report whose summary does not add up with the messages sent and
    the issues, or that has an error about the whole document."""
    processed = _summary_count(summary, "messagesProcessed")
    if processed is None:
        raise UnclearReport("the report's summary has no messagesProcessed")
    if processed != len(sent):
        about_feed = "; ".join(_issue_text(i) for i in document_issues)
        raise UnclearReport(
            f"Amazon processed {processed} messages of the {len(sent)} sent"
            + (f": {about_feed}" if about_feed else "")
        )
    refusals = [i for i in document_issues if i["severity"] == "ERROR"]
    if refusals:
        raise UnclearReport(
            "the report has an error about the whole feed: "
            + "; ".join(_issue_text(i) for i in refusals)
        )
    invalid = _summary_count(summary, "messagesInvalid")
    failed = sum(1 for texts in errors.values() if texts)
    if invalid is not None and invalid != failed:
        raise UnclearReport(
            f"the summary counts {invalid} invalid messages, the issues {failed}"
        )
