"""Amazon's Inventory Ledger, detail view (``GET_LEDGER_DETAIL_VIEW_DATA``): one
row per movement of an FBA unit (a customer shipment, a receipt, a customer
return, a removal, a transfer between fulfilment centres, an adjustment with
Amazon's reason code), as Amazon recorded it.

Columns: ``Date``, ``FNSKU``, ``ASIN``, ``MSKU``, ``Title``, ``Event Type``,
``Reference ID``, ``Quantity``, ``Fulfillment Center``, ``Disposition``,
``Reason``, ``Country``, ``Reconciled Quantity``, ``Unreconciled Quantity``,
``Date and Time``, ``Store``. The report the API gives is tab-separated; the
file a seller downloads from Seller Central is comma-separated with every cell
quoted. ``Date`` is ``MM/DD/YYYY`` in both, ``Date and Time`` ISO 8601 with an
offset (``2026-07-06T00:00:00-0700``).

Amazon gives a ledger row no id: three customer shipments of one unit from one
centre on one day are three identical rows. :func:`ledger_key` therefore counts
identical rows (``occurrence``); as a day's rows always come in one report, a
day read twice gives the same keys.

Plain Python: no Odoo here.
"""

from __future__ import annotations

import codecs
import csv
import functools
import io
import re
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, datetime

from . import ledger_vocabulary as vocabulary
from .listings_columns import normalise
from .local_format import parse_amazon_datetime
from .report_header import ReportHeader, decode_by_header
from .report_text import _codec

REPORT_TYPE = "GET_LEDGER_DETAIL_VIEW_DATA"

DATE = "date"
FNSKU = "fnsku"
ASIN = "asin"
MSKU = "msku"
TITLE = "title"
EVENT_TYPE = "event-type"
REFERENCE_ID = "reference-id"
QUANTITY = "quantity"
FULFILLMENT_CENTER = "fulfillment-center"
DISPOSITION = "disposition"
REASON = "reason"
COUNTRY = "country"
RECONCILED = "reconciled-quantity"
UNRECONCILED = "unreconciled-quantity"
DATE_AND_TIME = "date-and-time"
STORE = "store"

#: Known names of each column, compared as :func:`.listings_columns.normalise`
#: does (no case, spaces, hyphens or underscores): ``Event Type``, ``event-type``
#: and ``EVENT_TYPE`` are one name. Sources (data/ledger/README.md says more):
#: English: SP-API.md and the headers of published files (a US seller's Seller
#: Central download, a Spanish seller's tab-separated download); German, French
#: and Japanese: Seller Central's labels as we read them, not seen in a published
#: file (unverified; a real file can confirm or correct them).
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    DATE: ("Date", "Datum", "日付"),
    FNSKU: ("FNSKU",),  # Latin letters in every language
    ASIN: ("ASIN",),
    MSKU: ("MSKU", "Merchant SKU", "Händler-SKU", "SKU vendeur", "出品者SKU"),
    TITLE: ("Title", "Titel", "Titre", "商品名"),
    EVENT_TYPE: (
        "Event Type",
        "Ereignistyp",
        "Type d'événement",
        "Type d\u2019événement",
        "イベントタイプ",
    ),
    REFERENCE_ID: ("Reference ID", "Referenz-ID", "ID de référence", "参照ID"),
    QUANTITY: ("Quantity", "Menge", "Quantité", "数量"),
    FULFILLMENT_CENTER: (
        "Fulfillment Center",
        "Fulfilment Centre",
        "Logistikzentrum",
        "Versandzentrum",
        "Centre de distribution",
        "フルフィルメントセンター",
    ),
    DISPOSITION: ("Disposition", "Zustand", "État", "在庫状態"),
    REASON: ("Reason", "Grund", "Motif", "理由"),
    COUNTRY: ("Country", "Land", "Pays", "国"),
    RECONCILED: (
        "Reconciled Quantity",
        "Abgeglichene Menge",
        "Quantité rapprochée",
        "調整済み数量",
    ),
    UNRECONCILED: (
        "Unreconciled Quantity",
        "Nicht abgeglichene Menge",
        "Quantité non rapprochée",
        "未調整数量",
    ),
    DATE_AND_TIME: ("Date and Time", "Datum und Uhrzeit", "Date et heure", "日時"),
    STORE: ("Store", "Shop", "Boutique", "ストア"),
}

_BY_NAME = {
    normalise(name): column for column, names in COLUMN_NAMES.items() for name in names
}
_DELIMITERS = ("\t", ",", ";")
_WHOLE = re.compile(r"^(?P<number>[+-]?\d+)(?:\.0*)?$")
_EVENT_TYPES = {normalise(name): name for name in vocabulary.EVENT_TYPES}


@dataclass(frozen=True)
class LedgerEvent:
    """One row of the ledger."""

    day: date
    fnsku: str
    asin: str | None
    sku: str | None  # the MSKU column: the seller's SKU
    title: str | None
    event_type: str  # Shipments, Receipts, CustomerReturns, VendorReturns…
    reference_id: str | None  # shipment, inbound shipment, removal order id…
    quantity: int  # signed: units in (+) or out (-) of this disposition
    fulfillment_center: str | None
    disposition: str | None  # SELLABLE, DEFECTIVE, CUSTOMER_DAMAGED…
    reason: str | None  # an adjustment's reason code (M, F, E, D, Q…)
    country: str | None
    reconciled_quantity: int | None = None
    unreconciled_quantity: int | None = None
    moment: datetime | None = None  # Date and Time, when given
    occurrence: int = 1  # 2 for the second identical row of the report…
    line: int = 0  # its line in the file (the header is 1)
    store: str | None = None  # the Store column, when the file has one


@dataclass(frozen=True)
class LedgerReading:
    """The rows read, and what could not be: a row left out, or a value of a row
    read all the same left empty (the message says which)."""

    events: tuple[LedgerEvent, ...]
    problems: tuple[tuple[int, str], ...] = ()  # (line, what is wrong)


def ledger_key(event: LedgerEvent) -> str:
    """What makes a ledger row one movement, the same in every report that
    holds its day: date, FNSKU, event type, reference id, fulfilment centre,
    disposition, reason, quantity, and which of identical rows it is."""
    return "|".join((*_identity(event), str(event.occurrence)))


def _identity(event: LedgerEvent) -> tuple[str, ...]:
    """The parts of the key that identical rows share (a row without FNSKU, which
    Amazon does not write, is told by its MSKU)."""
    return (
        event.day.isoformat(),
        event.fnsku or f"msku:{event.sku or ''}",
        event.event_type,
        event.reference_id or "",
        event.fulfillment_center or "",
        event.disposition or "",
        event.reason or "",
        str(event.quantity),
    )


def read_inventory_ledger(
    content: bytes, charset: str | None = None, *, day_first: bool = False
) -> LedgerReading:
    """Read a ledger detail report (API or Seller Central download, UTF-8,
    cp1252 or cp932, English or localized headers). Rows that cannot be read are
    named in ``problems``; the others are read all the same. ``day_first``:
    read an ambiguous ``Date`` as DD/MM/YYYY (localized downloads).

    Raises ValueError when the document is empty, is not text, or its header
    lacks the date, event type, quantity or FNSKU/MSKU column in a language the
    connector knows."""
    text = _decode(bytes(content), charset)
    rows = _rows(text)
    header = None
    events: list[LedgerEvent] = []
    problems: list[tuple[int, str]] = []
    for line, cells in rows:
        if header is None:
            header = _checked_header(cells)
            continue
        event = _event(header, cells, line, day_first, problems)
        if event is not None:
            events.append(event)
    if header is None:
        raise ValueError("the inventory ledger report is empty: no header row")
    return LedgerReading(events=_numbered(events), problems=tuple(problems))


# -- the text, its delimiter and its header ------------------------------------


def _decode(content: bytes, charset: str | None) -> str:
    """After a UTF-8 byte order mark, UTF-8; else the first of the declared
    charset, UTF-8, cp1252 and cp932 (Japan) in which the header line names the
    ledger's columns; else the first in which the whole file is valid."""
    if content.startswith(codecs.BOM_UTF8):
        return content[len(codecs.BOM_UTF8) :].decode("utf-8", "replace")
    candidates = list(dict.fromkeys(c for c in (_codec(charset), "utf-8") if c))
    candidates += [c for c in ("cp1252", "cp932") if c not in candidates]
    text = decode_by_header(
        content, candidates, lambda cells: not _missing(_line_header("\t".join(cells)))
    )
    if text is None:
        raise ValueError(
            "the inventory ledger report is not text in UTF-8, cp1252 or "
            "Shift_JIS (cp932)"
        )
    return text


def _split(line: str, delimiter: str) -> list[str]:
    return next(csv.reader([line], delimiter=delimiter), [])


def _header_of(cells: list[str]) -> ReportHeader:
    """Where each known column of a header row is."""
    names = tuple(cell.strip().lstrip("\ufeff").strip() for cell in cells)
    index: dict[str, int] = {}
    for position, name in enumerate(names):
        column = _BY_NAME.get(normalise(name))
        if column is not None:
            index.setdefault(column, position)  # the first one counts
    return ReportHeader(index=index, names=names)


def _delimiter(line: str) -> str:
    """The delimiter under which a header line names the most known columns (tab
    in the API's report, comma in Seller Central's download)."""
    return max(
        _DELIMITERS, key=lambda d: len(_header_of(_split(line, d)).index)
    )  # max keeps the first of equals: tab


def _line_header(line: str) -> ReportHeader:
    return _header_of(_split(line, _delimiter(line)))


def _missing(header: ReportHeader) -> list[str]:
    """The columns without which no row can be read, as the header lacks them."""
    missing = []
    if not (header.has(DATE) or header.has(DATE_AND_TIME)):
        missing.append("Date")
    if not header.has(EVENT_TYPE):
        missing.append("Event Type")
    if not header.has(QUANTITY):
        missing.append("Quantity")
    if not (header.has(FNSKU) or header.has(MSKU)):
        missing.append("FNSKU or MSKU")
    return missing


def _rows(text: str):
    """(line, cells) of each non-blank row, split as the header line is."""
    first = next((line for line in text.splitlines() if line.strip()), None)
    if first is None:
        return
    delimiter = _delimiter(first)
    quoting = csv.QUOTE_MINIMAL
    if delimiter == "\t" and not first.lstrip("\ufeff ").startswith('"'):
        quoting = csv.QUOTE_NONE  # a quote in a title is a character
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=delimiter, quoting=quoting
    )
    line = 1
    for cells in reader:
        if any(cell.strip() for cell in cells):
            yield line, cells
        line = reader.line_num + 1


def _checked_header(cells: list[str]) -> ReportHeader:
    header = _header_of(cells)
    missing = _missing(header)
    if missing:
        names = ", ".join(name for name in header.names if name)[:600]
        raise ValueError(
            "this is not an Inventory Ledger detail report: its header has no "
            f"{' and no '.join(missing)} column in a language the connector knows"
            + (f" (the columns are: {names})" if names else "")
        )
    return header


# -- one row ------------------------------------------------------------------


def _event(
    header: ReportHeader, cells: list[str], line: int, day_first: bool, problems
) -> LedgerEvent | None:
    """The LedgerEvent of one row, or None (the problem is recorded)."""

    def text(column: str) -> str | None:
        return header.get(cells, column) or None

    def left_out(what: str) -> None:
        problems.append((line, f"{what}, the row is left out"))

    fnsku, sku = text(FNSKU), text(MSKU)
    if not fnsku and not sku:
        return left_out("no FNSKU and no MSKU")
    event_type = _event_type(text(EVENT_TYPE))
    if event_type is None:
        return left_out(f"unknown event type {text(EVENT_TYPE) or ''!r}")
    try:
        day = _day(text(DATE), text(DATE_AND_TIME), day_first)
        quantity = signed_quantity(text(QUANTITY) or "")
    except ValueError as error:
        return left_out(str(error))
    return LedgerEvent(
        day=day,
        fnsku=fnsku or "",
        asin=text(ASIN),
        sku=sku,
        title=text(TITLE),
        event_type=event_type,
        reference_id=text(REFERENCE_ID),
        quantity=quantity,
        fulfillment_center=text(FULFILLMENT_CENTER),
        disposition=_disposition(text(DISPOSITION)),
        reason=text(REASON),
        country=text(COUNTRY),
        reconciled_quantity=_optional(text, RECONCILED, line, problems),
        unreconciled_quantity=_optional(text, UNRECONCILED, line, problems),
        moment=_moment(text(DATE_AND_TIME), line, problems),
        line=line,
        store=text(STORE),
    )


@functools.lru_cache(maxsize=64)
def _event_type(text: str | None) -> str | None:
    """The ledger's name of an event type (``Customer Returns`` and
    ``CUSTOMER_RETURNS`` are ``CustomerReturns``), None when unknown."""
    return _EVENT_TYPES.get(normalise(text or "")) if text else None


def _day(text: str | None, moment: str | None, day_first: bool) -> date:
    """The ledger day: the Date column; the calendar day of Date and Time (as
    written, in Amazon's local time) only when Date is empty."""
    value = text or moment
    if not value:
        raise ValueError("no date")
    day_part = value.strip().replace("T", " ").split()[0]
    try:
        return _calendar_day(day_part, day_first)
    except ValueError:
        raise ValueError(
            f"date {value!r} is not a date (MM/DD/YYYY, DD/MM/YYYY, DD.MM.YYYY, "
            "YYYY/MM/DD or YYYY-MM-DD)"
        ) from None


@functools.lru_cache(maxsize=1024)
def _calendar_day(text: str, day_first: bool) -> date:
    """A date alone (a ledger's days repeat: each is parsed once)."""
    return parse_amazon_datetime(text, day_first=day_first).date()


@functools.lru_cache(maxsize=1024)
def _aware(text: str) -> datetime:
    return parse_amazon_datetime(text)


def signed_quantity(text: str) -> int:
    """A signed whole number of units: ``-1``, ``+2``, ``3``, ``1.0``. Raises
    ValueError naming the text."""
    found = _WHOLE.match(text.strip().replace("\u2212", "-"))
    if found is None:
        raise ValueError(f"quantity {text!r} is not a whole number")
    return int(found["number"])


def _optional(text, column: str, line: int, problems) -> int | None:
    """A reconciled/unreconciled quantity: a whole number, or None when empty
    (or not a number: then said in ``problems``, the row kept)."""
    value = text(column)
    if value is None:
        return None
    try:
        return signed_quantity(value)
    except ValueError as error:
        problems.append((line, f"{column}: {error}, left empty"))
        return None


def _moment(text: str | None, line: int, problems) -> datetime | None:
    if not text:
        return None
    try:
        return _aware(text)
    except ValueError as error:
        problems.append((line, f"Date and Time: {error}, left empty"))
        return None


def _disposition(text: str | None) -> str | None:
    """``SELLABLE``, ``CUSTOMER_DAMAGED``…: upper case, words joined by ``_``
    (Seller Central's ``Customer Damaged`` is ``CUSTOMER_DAMAGED``)."""
    if not text:
        return None
    return "_".join(text.replace("-", " ").replace("_", " ").upper().split())


def _numbered(events: list[LedgerEvent]) -> tuple[LedgerEvent, ...]:
    """The events with ``occurrence`` set: 1, 2, 3… for identical rows, in file
    order."""
    seen: Counter = Counter()
    numbered = []
    for event in events:
        identity = _identity(event)
        seen[identity] += 1
        occurrence = seen[identity]
        numbered.append(
            event if occurrence == 1 else replace(event, occurrence=occurrence)
        )
    return tuple(numbered)
