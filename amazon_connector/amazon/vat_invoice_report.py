"""Amazon's VAT invoice data report (``GET_FLAT_FILE_VAT_INVOICE_DATA_REPORT``,
"VIDR"): per shipment, return or refund of the seller's European orders, the
VAT invoice or credit note Amazon expects and its verdict on the one uploaded.

Where each fact comes from:

- The layout: a tab-separated flat file with a header row (SP-API "Report Type
  Values: Invoice Data Reports"); one row per order item of a transaction. The
  columns, by name ("Invoice Data reports attributes"): ``marketplace-id``,
  ``order-id``, ``order-item-id``, ``shipping-id``, ``transaction-id``,
  ``transaction-type``, ``invoice-number``, ``invoice-status``,
  ``invoice-status-description``, ``is-amazon-invoiced``, ``order-date``,
  ``shipment-date``, ``buyer-vat-number``, ``seller-vat-number``, ``asin``,
  ``sku``, amounts (``item-vat-incl-amount``...), ``is-business-order``,
  ``purchase-order-number``, the ship-to address... Columns are found by name:
  others Amazon adds or moves are ignored.
- The statuses (SP-API "VAT Calculation Service, Option 2"): ``InvoicePending``
  (shipped: the seller must upload an invoice), ``CreditNotePending`` (a refund
  or return: a credit note is due), ``InvoiceProcessing`` (uploaded, Amazon
  checks it). A refused upload is no status of its own ("VCS Error Handling"):
  the shipment stays pending and ``invoice-status-description`` holds Amazon's
  error, so a pending status with a description is a refusal. Amazon names the
  accepted ones ``...Uploaded`` (``InvoiceUploaded``, ``CreditNoteUploaded``);
  a status ending in ``Rejected``/``Failed`` is read as a refusal too. A status
  the connector does not know is left as it is: never taken for accepted.
- The options (reportOptions): ``pendingInvoices`` (only what is still due, the
  last 90 days) or ``all`` (every status, orders of the date range, 30 days at
  most); the connector asks ``all`` so that accepted uploads are reported too.
- Transaction types: ``Shipment`` and ``Refund`` (Amazon's correction guide
  writes ``REFUND``: read without case); ``is-business-order`` is ``true`` /
  ``false`` (also 1/0, Y/N read).

Plain Python: no Odoo here.
"""

from __future__ import annotations

import csv
import enum
import io
from dataclasses import dataclass

from .report_text import decode_report

REPORT_TYPE = "GET_FLAT_FILE_VAT_INVOICE_DATA_REPORT"
#: reportOptions of the daily report: every status, of the report's date range.
REPORT_OPTIONS = {"ReportOption=all": "true"}
#: Amazon's longest date range for ``all``.
MAX_REPORT_DAYS = 30

ORDER_ID = "order-id"
ORDER_ITEM_ID = "order-item-id"
SHIPPING_ID = "shipping-id"
TRANSACTION_ID = "transaction-id"
TRANSACTION_TYPE = "transaction-type"
INVOICE_NUMBER = "invoice-number"
INVOICE_STATUS = "invoice-status"
INVOICE_STATUS_DESCRIPTION = "invoice-status-description"
MARKETPLACE_ID = "marketplace-id"
ORDER_DATE = "order-date"
SHIPMENT_DATE = "shipment-date"
IS_BUSINESS_ORDER = "is-business-order"
BUYER_VAT_NUMBER = "buyer-vat-number"
#: The columns without which a row means nothing.
REQUIRED_COLUMNS = (ORDER_ID, TRANSACTION_TYPE, INVOICE_STATUS)

SHIPMENT = "shipment"
REFUND = "refund"
_TRUE = frozenset({"true", "yes", "y", "1"})


class Verdict(enum.Enum):
    """What a row says of the document Amazon expects."""

    ACCEPTED = "accepted"  # uploaded, Amazon took it
    REFUSED = "refused"  # uploaded, Amazon refused it (the description says why)
    DUE = "due"  # nothing uploaded yet: the seller owes the document
    PROCESSING = "processing"  # uploaded, Amazon has not said yet
    UNKNOWN = "unknown"  # a status the connector does not know: left as it is


def verdict_of(status: str, description: str | None) -> Verdict:
    """The verdict of an ``invoice-status`` (and its description)."""
    name = (status or "").strip().lower()
    if name.endswith(("uploaded", "accepted", "success", "successful")):
        return Verdict.ACCEPTED
    if name.endswith(("rejected", "failed", "failure", "error")):
        return Verdict.REFUSED
    if name.endswith("pending"):
        return Verdict.REFUSED if description else Verdict.DUE
    if name.endswith("processing"):
        return Verdict.PROCESSING
    return Verdict.UNKNOWN


@dataclass(frozen=True)
class VatInvoiceRow:
    """One row of the report (one order item of a transaction)."""

    order_ref: str
    transaction_type: str  # SHIPMENT or REFUND
    status: str
    verdict: Verdict
    description: str | None = None
    transaction_ref: str | None = None
    shipping_ref: str | None = None
    order_item_ref: str | None = None
    invoice_number: str | None = None
    marketplace_id: str | None = None
    order_date: str | None = None
    shipment_date: str | None = None
    is_business: bool = False
    buyer_vat_number: str | None = None
    line: int = 0  # its line in the file (the header is 1)

    @property
    def is_refund(self) -> bool:
        return self.transaction_type == REFUND

    @property
    def key(self) -> tuple[str, str, str]:
        """The transaction: order, type and Amazon's transaction (or shipping)
        id; the rows of its items share it."""
        return (
            self.order_ref,
            self.transaction_type,
            self.transaction_ref or self.shipping_ref or "",
        )


@dataclass(frozen=True)
class VatInvoiceReading:
    rows: tuple[VatInvoiceRow, ...]
    problems: tuple[tuple[int, str], ...] = ()

    def transactions(self) -> dict[tuple[str, str, str], VatInvoiceRow]:
        """One row per transaction (its first), in the file's order."""
        found: dict[tuple[str, str, str], VatInvoiceRow] = {}
        for row in self.rows:
            found.setdefault(row.key, row)
        return found


def _header(cells: list[str]) -> dict[str, int]:
    return {
        cell.strip().strip('"').lower(): index
        for index, cell in enumerate(cells)
        if cell.strip()
    }


def _transaction_type(text: str) -> str | None:
    name = text.strip().lower()
    if name in ("shipment", "ship", "invoice"):
        return SHIPMENT
    if name in ("refund", "return", "creditnote", "credit note"):
        return REFUND
    return None


def _row(columns: dict[str, int], cells: list[str], line: int, problems: list):
    def text(column: str) -> str | None:
        index = columns.get(column)
        if index is None or index >= len(cells):
            return None
        return cells[index].strip() or None

    order = text(ORDER_ID)
    if not order:
        problems.append((line, "no order-id, the row is left out"))
        return None
    kind_text = text(TRANSACTION_TYPE) or ""
    kind = _transaction_type(kind_text)
    if kind is None:
        problems.append(
            (line, f"transaction-type {kind_text!r} is unknown, the row is left out")
        )
        return None
    status = text(INVOICE_STATUS) or ""
    description = text(INVOICE_STATUS_DESCRIPTION)
    verdict = verdict_of(status, description)
    if verdict is Verdict.UNKNOWN:
        problems.append((line, f"invoice-status {status!r} is unknown, left as is"))
    return VatInvoiceRow(
        order_ref=order,
        transaction_type=kind,
        status=status,
        verdict=verdict,
        description=description,
        transaction_ref=text(TRANSACTION_ID),
        shipping_ref=text(SHIPPING_ID),
        order_item_ref=text(ORDER_ITEM_ID),
        invoice_number=text(INVOICE_NUMBER),
        marketplace_id=text(MARKETPLACE_ID),
        order_date=text(ORDER_DATE),
        shipment_date=text(SHIPMENT_DATE),
        is_business=(text(IS_BUSINESS_ORDER) or "").lower() in _TRUE,
        buyer_vat_number=text(BUYER_VAT_NUMBER),
        line=line,
    )


def read_vat_invoice_report(
    content: bytes, charset: str | None = None
) -> VatInvoiceReading:
    """Read a VAT invoice data report (``charset`` as the download declared
    it; a byte order mark, CRLF line ends and extra columns are fine). Raises
    ValueError when the document has no header or its header lacks a column
    the rows need (named). A row that cannot be read is left out and named in
    ``problems`` with its line; the others are read all the same."""
    text = decode_report(bytes(content), charset=charset)
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter="\t", quoting=csv.QUOTE_NONE
    )
    columns = None
    rows: list[VatInvoiceRow] = []
    problems: list[tuple[int, str]] = []
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        if columns is None:
            columns = _header(cells)
            missing = [c for c in REQUIRED_COLUMNS if c not in columns]
            if missing:
                raise ValueError(
                    "this is not a VAT invoice data report: its header has no "
                    f"{' and no '.join(missing)} column (the columns are: "
                    f"{', '.join(columns) or 'none'})"
                )
            continue
        row = _row(columns, cells, reader.line_num, problems)
        if row is not None:
            rows.append(row)
    if columns is None:
        raise ValueError("the VAT invoice data report is empty: no header row")
    return VatInvoiceReading(rows=tuple(rows), problems=tuple(problems))
