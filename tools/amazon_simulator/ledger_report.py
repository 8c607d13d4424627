"""``GET_LEDGER_DETAIL_VIEW_DATA``, Amazon's Inventory Ledger (detailed view), of
the simulator's FBA ledger (``fba_inventory``).

The 16 columns of SP-API.md's "FBA inventory" bullet, in that order: ``Date``,
``FNSKU``, ``ASIN``, ``MSKU``, ``Title``, ``Event Type``, ``Reference ID``,
``Quantity``, ``Fulfillment Center``, ``Disposition``, ``Reason``, ``Country``,
``Reconciled Quantity``, ``Unreconciled Quantity``, ``Date and Time``, ``Store``.
``Date`` is the row's day in the country's time, ``MM/DD/YYYY``; ``Date and
Time`` that day's midnight with the country's offset
(``2026-07-06T00:00:00-0700``): both as a seller's Seller Central export shows
them (a published regression fixture of a seller's report tool); the times of a
day are therefore not told apart, and identical rows are common. ``Reconciled
Quantity`` / ``Unreconciled Quantity`` are written for losses (reason M) only:
units found since, units not found yet. ``Store`` is empty.

A report holds the rows whose day lies between the days of dataStartTime and
dataEndTime (UTC dates, both included), in the countries of the marketplaces
asked, in the order they happened. No limit on the window is enforced: Amazon
documents none for this report.

Variants (:data:`STYLES`, ``SimulatorState.ledger_report_style``):

- ``api`` (default): tab-separated, UTF-8, as the Reports API gives it;
- ``seller_central``: the file a seller downloads, comma-separated, every cell
  in double quotes, UTF-8;
- ``cp1252``: ``api`` encoded in Windows-1252 (the charset announced);
- ``uk``: a Seller Central download of Amazon.co.uk, ``Date`` as ``DD/MM/YYYY``;
- ``de``: a Seller Central download of Amazon.de: German column names (this
  module's guess of Seller Central's labels, unverified against a real file),
  ``Date`` as ``DD.MM.YYYY``, Windows-1252.

``ledger_shipment_ids`` off writes the Shipments rows with an empty Reference
ID, as the same seller's fixture shows: three single-unit shipments of one SKU
from one centre on one day are then three identical rows.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from .fba_ledger import SHIPMENTS, LedgerRow
from .marketplaces import BY_ID

REPORT_TYPE = "GET_LEDGER_DETAIL_VIEW_DATA"
STYLES = ("api", "seller_central", "cp1252", "uk", "de")

#: (English column, German column).
COLUMNS = (
    ("Date", "Datum"),
    ("FNSKU", "FNSKU"),
    ("ASIN", "ASIN"),
    ("MSKU", "MSKU"),
    ("Title", "Titel"),
    ("Event Type", "Ereignistyp"),
    ("Reference ID", "Referenz-ID"),
    ("Quantity", "Menge"),
    ("Fulfillment Center", "Versandzentrum"),
    ("Disposition", "Disposition"),
    ("Reason", "Grund"),
    ("Country", "Land"),
    ("Reconciled Quantity", "Abgeglichene Menge"),
    ("Unreconciled Quantity", "Nicht abgeglichene Menge"),
    ("Date and Time", "Datum und Uhrzeit"),
    ("Store", "Shop"),
)
#: style -> (separator, quoted, date format, encoding, charset, German names)
_LAYOUTS = {
    "api": ("\t", False, "%m/%d/%Y", "utf-8", "UTF-8", False),
    "seller_central": (",", True, "%m/%d/%Y", "utf-8", "UTF-8", False),
    "cp1252": ("\t", False, "%m/%d/%Y", "cp1252", "windows-1252", False),
    "uk": (",", True, "%d/%m/%Y", "utf-8", "UTF-8", False),
    "de": (",", True, "%d.%m.%Y", "cp1252", "windows-1252", True),
}


@dataclass(frozen=True)
class LedgerReport:
    content: bytes
    content_type: str
    rows: int


def _cells(row: LedgerRow, date_format: str, *, shipment_ids: bool) -> tuple[str, ...]:
    local = row.local_moment
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    reference = row.reference_id
    if row.event_type == SHIPMENTS and not shipment_ids:
        reference = ""
    return (
        local.strftime(date_format),
        row.fnsku,
        row.asin,
        row.sku,
        " ".join(row.title.replace("\t", " ").split()),
        row.event_type,
        reference,
        str(row.quantity),
        row.centre,
        row.disposition,
        row.reason,
        row.country,
        "" if row.reconciled is None else str(row.reconciled),
        "" if row.unreconciled is None else str(row.unreconciled),
        midnight.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "",
    )


def rows_in(
    ledger: list[LedgerRow], marketplace_ids: list[str], start: datetime, end: datetime
) -> list[LedgerRow]:
    """The rows of the countries of ``marketplace_ids`` whose day lies between
    the (UTC) days of ``start`` and ``end``."""
    countries = {BY_ID[m].country for m in marketplace_ids}
    first, last = start.date(), end.date()
    return sorted(
        (
            row
            for row in ledger
            if row.country in countries and first <= row.local_moment.date() <= last
        ),
        key=lambda row: row.moment,
    )


def build_ledger_report(
    ledger: list[LedgerRow],
    marketplace_ids: list[str],
    start: datetime,
    end: datetime,
    style: str | None = None,
    *,
    shipment_ids: bool = True,
) -> LedgerReport:
    """The ledger report of the rows of :func:`rows_in`, in ``style``."""
    style = style or "api"
    if style not in _LAYOUTS:
        raise ValueError(f"ledger report style must be one of {', '.join(STYLES)}")
    separator, quoted, date_format, encoding, charset, german = _LAYOUTS[style]
    chosen = rows_in(ledger, marketplace_ids, start, end)
    header = [c[1] if german else c[0] for c in COLUMNS]
    cells = [_cells(row, date_format, shipment_ids=shipment_ids) for row in chosen]
    if quoted:
        buffer = io.StringIO()
        writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        writer.writerows([header, *cells])
        text = buffer.getvalue()
    else:  # Amazon's flat files: no quoting, a quote in a title stays bare
        text = "".join(separator.join(line) + "\r\n" for line in [header, *cells])
    content = text.encode(encoding, errors="replace")
    return LedgerReport(content, f"text/plain; charset={charset}", len(chosen))
