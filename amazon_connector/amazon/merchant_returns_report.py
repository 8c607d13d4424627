"""Amazon's returns report of merchant-fulfilled orders
(``GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE``, 60 days a report at most): one
row per returned item of a return authorisation (RMA).

The flat file is tab-separated with a header row in the account's report language
(:mod:`.returns_columns` finds each column by name), in UTF-8 (with or without a
byte order mark), cp1252 or, in Japan, cp932, with the marketplace's decimal mark
and dates such as ``10-Jul-2025`` (US file, 2025), ``2026-09-22``, ``22.09.2026``
or ``2026/09/22``. Its XML variant (``GET_XML_RETURNS_DATA_BY_RETURN_DATE``) has
one ``return_details`` element per RMA, its items in ``item_details`` elements and
the label in ``label_details``, dates in ISO 8601: it is recognised by its content
and read into the same values.

Rows of one RMA (same order id and Amazon RMA ID) are one :class:`MerchantReturn`
with one item per row. A row without order id or SKU, or whose quantity is not a
whole number of at least 1, is left out and named in ``problems`` with its line;
a cell that cannot be read (an amount, a date) is left empty and named too. The
other rows are read all the same.

Plain Python: no Odoo here.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from lxml import etree

from . import returns_columns as col
from .local_format import parse_amazon_datetime, parse_decimal
from .return_vocabulary import is_reason_code, is_returnless, reason_text

REPORT_TYPE = "GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE"
XML_REPORT_TYPE = "GET_XML_RETURNS_DATA_BY_RETURN_DATE"
#: Amazon gives 60 days of returns a report at most.
MAX_REPORT_DAYS = 60


@dataclass(frozen=True)
class MerchantReturnItem:
    """One row: an item of a return."""

    sku: str
    asin: str | None
    quantity: int
    order_item_id: str | None = None
    item_name: str | None = None
    reason_code: str | None = None  # Amazon's reason code (e.g. "DEFECTIVE")
    reason: str | None = None  # its text, in the report's words
    refunded_amount: Decimal | None = None
    in_policy: bool | None = None
    line: int = 0  # its line in the file (the header is 1), or in the XML


@dataclass(frozen=True)
class MerchantReturn:
    """A return authorisation: the rows of one Amazon RMA id together."""

    order_ref: str
    rma_ref: str  # "" when the report gives none
    status: str | None  # Return request status: Approved, Authorized, Closed…
    request_date: date | None
    delivered_date: date | None  # Return delivery date: the parcel reached you
    resolution: str | None  # e.g. "StandardRefund", "ReturnlessRefund"
    return_type: str | None
    label_type: str | None
    label_carrier: str | None
    label_tracking: str | None
    label_cost: Decimal | None
    label_payer: str | None  # as Amazon writes it ("Customer", "Seller", "Amazon")
    currency: str | None
    items: tuple[MerchantReturnItem, ...]
    returnless: bool = False  # Amazon refunds without the item coming back
    order_date: date | None = None
    merchant_rma_ref: str | None = None
    a_to_z_claim: bool = False
    is_prime: bool | None = None
    invoice_number: str | None = None
    order_amount: Decimal | None = None
    safet_claim_ref: str | None = None


@dataclass(frozen=True)
class MerchantReturnsReading:
    """What a report held: the returns, and the rows that could not be read (line
    number and why), so one bad row loses nothing else."""

    returns: tuple[MerchantReturn, ...]
    problems: tuple[tuple[int, str], ...] = ()


# -- cells

_MONTHS = {
    # English (US and UK files), then the German spellings that differ
    **{
        m: i
        for i, m in enumerate(
            "jan feb mar apr may jun jul aug sep oct nov dec".split(), 1
        )
    },
    "mär": 3,
    "mai": 5,
    "okt": 10,
    "dez": 12,
}
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})[-. ]([^\W\d_]{3})[a-zä]*\.?[-. ](\d{4})$")
_CURRENCY_MARKS = re.compile(r"^[^\d\-]*|[^\d]*$")
_TRUE = {"y", "yes", "true", "j", "ja", "oui", "o", "はい", "1"}
_FALSE = {"n", "no", "false", "nein", "non", "いいえ", "0"}


def _date(text: str, day_first: bool | None) -> date:
    """A date of the report: ``10-Jul-2025``, ISO, ``22.09.2026``, ``2026/09/22``
    (or a date-time: its UTC date). Raises ValueError."""
    found = _DAY_MONTH_YEAR.match(text.strip())
    if found:
        month = _MONTHS.get(found[2].lower())
        if month is None:
            raise ValueError(f"{text!r}: unknown month {found[2]!r}")
        return date(int(found[3]), month, int(found[1]))
    return parse_amazon_datetime(text, day_first=day_first).date()


def _amount(text: str) -> Decimal:
    """An amount, its currency sign or code around it dropped (``$7.25``,
    ``24,90 €``, ``EUR 24.90``). Raises ValueError."""
    return parse_decimal(_CURRENCY_MARKS.sub("", text.strip()) or text)


def _flag(text: str) -> bool | None:
    value = text.strip().lower()
    return True if value in _TRUE else False if value in _FALSE else None


class _Row:
    """The cells of one item (by column), its line, and what went wrong reading
    its optional cells."""

    def __init__(self, line: int, cells: dict[str, str], day_first: bool | None):
        self.line = line
        self.cells = cells
        self.day_first = day_first
        self.problems: list[str] = []

    def text(self, column: str) -> str | None:
        return self.cells.get(column, "").strip() or None

    def date(self, column: str) -> date | None:
        value = self.text(column)
        if value is None:
            return None
        try:
            return _date(value, self.day_first)
        except ValueError as error:
            self.problems.append(
                f"{column} {value!r} is not a date ({error}), left empty"
            )
            return None

    def amount(self, column: str) -> Decimal | None:
        value = self.text(column)
        if value is None:
            return None
        try:
            return _amount(value)
        except ValueError:
            self.problems.append(f"{column} {value!r} is not an amount, left empty")
            return None


def _item(row: _Row) -> MerchantReturnItem:
    reason = row.text(col.RETURN_REASON)
    code = reason if is_reason_code(reason) else None
    return MerchantReturnItem(
        sku=row.text(col.MERCHANT_SKU) or "",
        asin=row.text(col.ASIN),
        quantity=col.whole_quantity(row.text(col.RETURN_QUANTITY) or ""),
        order_item_id=row.text(col.ORDER_ITEM_ID),
        item_name=row.text(col.ITEM_NAME),
        reason_code=code,
        reason=reason_text(code) if code else reason,
        refunded_amount=row.amount(col.REFUNDED_AMOUNT),
        in_policy=_flag(row.text(col.IN_POLICY) or ""),
        line=row.line,
    )


def _header_values(row: _Row) -> dict:
    """The return-level values of a row (the first row of an RMA gives them, later
    rows fill what it left empty)."""
    return {
        "status": row.text(col.REQUEST_STATUS),
        "request_date": row.date(col.REQUEST_DATE),
        "delivered_date": row.date(col.DELIVERY_DATE),
        "resolution": row.text(col.RESOLUTION),
        "return_type": row.text(col.RETURN_TYPE),
        "label_type": row.text(col.LABEL_TYPE),
        "label_carrier": row.text(col.CARRIER),
        "label_tracking": row.text(col.TRACKING_ID),
        "label_cost": row.amount(col.LABEL_COST),
        "label_payer": row.text(col.LABEL_PAYER),
        "currency": row.text(col.CURRENCY),
        "order_date": row.date(col.ORDER_DATE),
        "merchant_rma_ref": row.text(col.MERCHANT_RMA_ID),
        "a_to_z_claim": bool(_flag(row.text(col.A_TO_Z_CLAIM) or "")),
        "is_prime": _flag(row.text(col.IS_PRIME) or ""),
        "invoice_number": row.text(col.INVOICE_NUMBER),
        "order_amount": row.amount(col.ORDER_AMOUNT),
        "safet_claim_ref": row.text(col.SAFET_CLAIM_ID),
    }


def _bad_row(row: _Row) -> str | None:
    """Why a row is left out, or None."""
    if not row.text(col.ORDER_ID):
        return "no order id, the row is left out"
    if not row.text(col.MERCHANT_SKU):
        return "no merchant SKU, the row is left out"
    quantity = row.text(col.RETURN_QUANTITY) or ""
    try:
        col.whole_quantity(quantity)
    except ValueError:
        return (
            f"return quantity {quantity!r} is not a whole number of at least 1, "
            "the row is left out"
        )
    return None


def _read_rows(rows: Iterable[_Row]) -> MerchantReturnsReading:
    """The returns of the rows, one per (order id, RMA id); an RMA-less row is
    grouped with the rows of its order and request date."""
    groups: dict[tuple, dict] = {}
    problems: list[tuple[int, str]] = []
    for row in rows:
        bad = _bad_row(row)
        if bad:
            problems.append((row.line, bad))
            continue
        order = row.text(col.ORDER_ID)
        rma = row.text(col.RMA_ID) or ""
        values = _header_values(row)
        item = _item(row)
        problems.extend((row.line, problem) for problem in row.problems)
        key = (order, rma) if rma else (order, "", values["request_date"])
        group = groups.get(key)
        if group is None:
            groups[key] = {
                "order_ref": order,
                "rma_ref": rma,
                **values,
                "items": [item],
            }
            continue
        group["items"].append(item)
        for name, value in values.items():
            if group[name] in (None, False) and value not in (None, False):
                group[name] = value
    returns = []
    for group in groups.values():
        group["items"] = tuple(group["items"])
        group["returnless"] = is_returnless(group["resolution"], group["label_type"])
        returns.append(MerchantReturn(**group))
    return MerchantReturnsReading(returns=tuple(returns), problems=tuple(problems))


# -- the flat file


def _flat_rows(text: str, day_first: bool | None) -> Iterable[_Row]:
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter="\t", quoting=csv.QUOTE_NONE
    )
    header = None
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        if header is None:
            header = col.merchant_header(cells)
            if not (header.has(col.ORDER_ID) or header.has(col.RMA_ID)):
                found = header.found()
                raise ValueError(
                    "this is not a returns report: its header has neither an order id "
                    "nor an Amazon RMA ID column in a language the connector knows"
                    + (f" (the columns are: {found})" if found else "")
                )
            continue
        values = {column: header.get(cells, column) for column in header.index}
        yield _Row(reader.line_num, values, day_first)
    if header is None:
        raise ValueError("the returns report is empty: it has no header row")


# -- the XML variant


def _children(element) -> dict[str, str]:
    """The known columns among an element's children (``label_details`` opened)."""
    cells: dict[str, str] = {}
    for child in element:
        if not isinstance(child.tag, str):
            continue  # a comment or a processing instruction
        if etree.QName(child).localname == "label_details":
            cells.update(_children(child))
            continue
        column = col.merchant_column(etree.QName(child).localname)
        if column is not None and len(child) == 0:
            cells.setdefault(column, (child.text or "").strip())
    return cells


def _xml_rows(content: bytes, day_first: bool | None) -> Iterable[_Row]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        root = etree.fromstring(content, parser=parser)
    except etree.XMLSyntaxError as error:
        raise ValueError(f"the XML returns report cannot be read: {error}") from None
    details = [e for e in root.iter() if isinstance(e.tag, str)]
    details = [e for e in details if etree.QName(e).localname == "return_details"]
    if not details and etree.QName(root).localname != "AmazonEnvelope":
        raise ValueError(
            "this is not a returns report: the XML has no return_details element"
        )
    for detail in details:
        cells = _children(detail)
        items = [
            e
            for e in detail
            if isinstance(e.tag, str) and etree.QName(e).localname == "item_details"
        ]
        if not items:
            yield _Row(detail.sourceline or 0, cells, day_first)
        for item in items:
            yield _Row(item.sourceline or 0, {**cells, **_children(item)}, day_first)


def _is_xml(content: bytes) -> bool:
    return content.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


def read_merchant_returns(
    content: bytes, charset: str | None = None, *, day_first: bool | None = None
) -> MerchantReturnsReading:
    """Read a returns report (flat file, or XML when ``content`` is XML);
    ``charset`` as the download declared it, ``day_first`` the marketplace's date
    order for dates such as ``02/11/2026`` (refused, as a problem, without it).

    Raises ValueError when the document is empty, not XML that can be read, or a
    flat file whose header has neither an order id nor an RMA column."""
    content = bytes(content)
    if _is_xml(content):
        return _read_rows(_xml_rows(content.lstrip(b" \t\r\n"), day_first))
    text = col.decode_returns(content, charset, col.merchant_header, col.ORDER_ID)
    return _read_rows(_flat_rows(text, day_first))
