"""The Inventory Ledger's words: its event types, dispositions and the reason
codes of its adjustments, and what each means for Odoo's stock.

Plain Python: no Odoo here.
"""

from __future__ import annotations

SHIPMENTS = "Shipments"
RECEIPTS = "Receipts"
CUSTOMER_RETURNS = "CustomerReturns"
VENDOR_RETURNS = "VendorReturns"  # removals: returned to the seller or disposed
WHSE_TRANSFERS = "WhseTransfers"  # between Amazon's fulfilment centres
ADJUSTMENTS = "Adjustments"
EVENT_TYPES = (
    SHIPMENTS,
    RECEIPTS,
    CUSTOMER_RETURNS,
    VENDOR_RETURNS,
    WHSE_TRANSFERS,
    ADJUSTMENTS,
)

# What an adjustment's reason code means.
LOST = "lost"
FOUND = "found"
DAMAGED = "damaged"
DISPOSED = "disposed"
DISPOSITION = "disposition"  # units moved between dispositions or SKUs
CORRECTION = "correction"  # Amazon corrected its count
ADJUSTMENT_KINDS = (LOST, FOUND, DAMAGED, DISPOSED, DISPOSITION, CORRECTION)


def adjustment_kind(reason: str | None) -> str | None:
    """The kind of an adjustment's reason code, None for a code nobody
    documents."""
    raise NotImplementedError("issue 22: the reason codes")


def reason_label(reason: str | None) -> str:
    """Amazon's words for a reason code (``M`` → "Inventory misplaced"), the
    code itself when unknown."""
    raise NotImplementedError("issue 22: the reason codes")


def is_sellable_disposition(disposition: str | None) -> bool:
    """Whether units of this disposition are in Amazon's sellable stock."""
    return (disposition or "SELLABLE").strip().upper() == "SELLABLE"
