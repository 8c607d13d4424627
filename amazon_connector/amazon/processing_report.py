"""The XML processing report of the order feeds, read message by message.

Amazon answers an XML feed with ``AmazonEnvelope/Message/ProcessingReport
{DocumentTransactionID, StatusCode, ProcessingSummary, Result*}``; a message without
an ``Error`` result was applied. The connector marks deliveries and cancellations
done from this report, so a report that does not say clearly what happened to each
message raises :class:`UnclearReport` rather than being guessed at.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
_SUMMARY_FIELDS = (
    "MessagesProcessed",
    "MessagesSuccessful",
    "MessagesWithError",
    "MessagesWithWarning",
)


class UnclearReport(ValueError):
    """The report does not say, message by message, what happened."""


@dataclass(frozen=True)
class MessageResult:
    """What Amazon did with one message: ``ok`` unless it has an error. Each error and
    warning reads ``"Amazon <ResultMessageCode>: <ResultDescription>"``."""

    message_id: int
    ok: bool
    errors: tuple[str, ...]
    warnings: tuple[str, ...]
    amazon_order_id: str | None = None


def _child(element: etree._Element, name: str) -> etree._Element | None:
    return element.find(f"{{*}}{name}")


def _text(element: etree._Element, name: str) -> str | None:
    found = _child(element, name)
    if found is None or found.text is None:
        return None
    return found.text.strip() or None


def _integer(element: etree._Element, name: str, where: str) -> int:
    text = _text(element, name)
    try:
        return int(text or "")
    except ValueError:
        raise UnclearReport(f"{where}: {name} is {text!r}, not a number") from None


def _report_element(content: bytes) -> etree._Element:
    try:
        root = etree.fromstring(content, parser=_PARSER)
    except (etree.XMLSyntaxError, ValueError) as error:
        raise UnclearReport(f"the processing report is not XML: {error}") from None
    if etree.QName(root).localname == "ProcessingReport":
        return root
    reports = list(root.iter("{*}ProcessingReport"))
    if len(reports) != 1:
        raise UnclearReport(
            f"the document holds {len(reports)} ProcessingReport elements, not one"
        )
    return reports[0]


def parse_processing_report(
    content: bytes, sent_message_ids: Iterable[int]
) -> dict[int, MessageResult]:
    """One :class:`MessageResult` per message sent, by MessageID.

    Raises :class:`UnclearReport` when the document is not a complete processing
    report, carries a document-level error (MessageID 0), names a message that was
    not sent, or has a summary that does not add up with the messages sent and the
    errors listed.
    """
    sent = sorted(set(sent_message_ids))
    report = _report_element(content)
    status = _text(report, "StatusCode")
    if status != "Complete":
        raise UnclearReport(f"the processing report's StatusCode is {status!r}")
    summary = _child(report, "ProcessingSummary")
    if summary is None:
        raise UnclearReport("the processing report has no ProcessingSummary")
    counts = {
        name: _integer(summary, name, "ProcessingSummary") for name in _SUMMARY_FIELDS
    }
    errors, warnings, order_ids = _sort_results(report, sent)
    if counts["MessagesProcessed"] != len(sent):
        raise UnclearReport(
            f"Amazon processed {counts['MessagesProcessed']} messages of the "
            f"{len(sent)} sent"
        )
    failed = sum(1 for texts in errors.values() if texts)
    if counts["MessagesWithError"] != failed:
        raise UnclearReport(
            f"the summary counts {counts['MessagesWithError']} messages with an "
            f"error, the results {failed}"
        )
    return {
        message_id: MessageResult(
            message_id=message_id,
            ok=not errors[message_id],
            errors=tuple(errors[message_id]),
            warnings=tuple(warnings[message_id]),
            amazon_order_id=order_ids.get(message_id),
        )
        for message_id in sent
    }


def _sort_results(
    report: etree._Element, sent: list[int]
) -> tuple[dict[int, list[str]], dict[int, list[str]], dict[int, str]]:
    """The texts of the errors and of the warnings about each message sent, by
    MessageID, and the Amazon order id a result names for its message (the first)."""
    errors: dict[int, list[str]] = {message_id: [] for message_id in sent}
    warnings: dict[int, list[str]] = {message_id: [] for message_id in sent}
    order_ids: dict[int, str] = {}
    for result in report.iterfind("{*}Result"):
        message_id = _integer(result, "MessageID", "Result")
        kind = _text(result, "ResultCode")
        text = (
            f"Amazon {_text(result, 'ResultMessageCode') or '?'}: "
            f"{_text(result, 'ResultDescription') or '(no description)'}"
        )
        if kind not in ("Error", "Warning"):
            raise UnclearReport(f"message {message_id}: ResultCode {kind!r}")
        if message_id == 0:
            if kind == "Error":
                raise UnclearReport(f"the whole feed was refused: {text}")
            continue  # a document-level warning says nothing about the messages
        if message_id not in errors:
            raise UnclearReport(f"the report names message {message_id}, never sent")
        (errors if kind == "Error" else warnings)[message_id].append(text)
        info = _child(result, "AdditionalInfo")
        order_id = _text(info, "AmazonOrderID") if info is not None else None
        if order_id:
            order_ids.setdefault(message_id, order_id)
    return errors, warnings, order_ids


def report_excerpt(content: bytes, limit: int = 500) -> str:
    """A short, readable excerpt of a report (Amazon explains a FATAL feed there):
    the descriptions of an XML processing report, else the text itself."""
    try:
        root = etree.fromstring(content, parser=_PARSER)
    except (etree.XMLSyntaxError, ValueError):
        root = None
    if root is not None:
        texts = [
            (element.text or "").strip()
            for element in root.iter("{*}ResultDescription")
        ]
        if any(texts):
            return " ".join(t for t in texts if t)[:limit]
    return " ".join(content.decode("utf-8", "replace").split())[:limit]
