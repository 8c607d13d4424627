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

from dataclasses import dataclass
from datetime import date, datetime

REPORT_TYPE = "GET_LEDGER_DETAIL_VIEW_DATA"


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


@dataclass(frozen=True)
class LedgerReading:
    events: tuple[LedgerEvent, ...]
    problems: tuple[tuple[int, str], ...] = ()  # (line, what is wrong)


def ledger_key(event: LedgerEvent) -> str:
    """What makes a ledger row one movement, the same in every report that
    holds its day: date, FNSKU, event type, reference id, fulfilment centre,
    disposition, reason, quantity, and which of identical rows it is."""
    parts = (
        event.day.isoformat(),
        event.fnsku,
        event.event_type,
        event.reference_id or "",
        event.fulfillment_center or "",
        event.disposition or "",
        event.reason or "",
        str(event.quantity),
        str(event.occurrence),
    )
    return "|".join(parts)


def read_inventory_ledger(
    content: bytes, charset: str | None = None, *, day_first: bool = False
) -> LedgerReading:
    """Read a ledger detail report (API or Seller Central download, UTF-8,
    cp1252 or cp932, English or localized headers). Rows that cannot be read are
    named in ``problems``; the others are read all the same. ``day_first``:
    read an ambiguous ``Date`` as DD/MM/YYYY (localized downloads)."""
    raise NotImplementedError("issue 22: the ledger reader")
