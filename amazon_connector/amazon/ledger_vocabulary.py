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


#: Amazon's reason codes of an adjustment: code → (kind, Amazon's words).
#:
#: Sources: Seller Central help, "Inventory Adjustments report" (help pages 200453260
#: and 200372710, the table "Adjustment reason codes": code, +/- type, description),
#: the same table as sellers' tools republish it; the ledger detail report writes
#: the same codes in its ``Reason`` column. Amazon's help says of E, H, K, U, 6 and 7
#: that each is "always followed by a P code increase" to the warehouse-damaged
#: disposition: the pair moves units between dispositions; what becomes of the
#: damaged unit (reimbursed, removed) comes later in rows of its own.
#:
#: Our choices where sources disagree or are silent:
#:
#: * ``Q``: "Damaged - miscellaneous" in some of Amazon's lists, "sellable
#:   disposition change" in others; both are a change of disposition inside Amazon's
#:   stock (Amazon's summary still counts a damaged unit as unfulfillable until it is
#:   removed), so DISPOSITION: the unit moves between FBA and FBA Unsellable and
#:   Odoo's figures stay equal to Amazon's whichever reading is right.
#: * ``5`` "Unrecoverable inventory" is a loss (LOST), ``D`` a disposal (DISPOSED).
#: * ``O`` and ``X``, named in sellers' lists only (not in the help tables we read),
#:   are corrections of Amazon's count (CORRECTION), as ``1``, ``2``, ``J`` and
#:   ``N`` (a unit transferred to the seller's account from Amazon's holding).
#: * ``3``/``4`` (a unit redefined to or from another FNSKU) move units between two
#:   SKUs: DISPOSITION, each row in its own SKU.
#: * ``G`` is a code that appears in ledger files without any documentation
#:   (amzn/selling-partner-api-models issue #2525): it is deliberately absent,
#:   the case of "a reason code nobody documents" (kind None).
REASON_CODES: dict[str, tuple[str, str]] = {
    "M": (LOST, "Inventory misplaced"),
    "5": (LOST, "Unrecoverable inventory"),
    "F": (FOUND, "Inventory found"),
    "E": (DAMAGED, "Damaged at Amazon fulfillment center"),
    "H": (DAMAGED, "Damaged - customer return"),
    "K": (DAMAGED, "Damaged as result of item defect"),
    "U": (DAMAGED, "Damaged - merchant"),
    "6": (DAMAGED, "Damaged by inbound carrier"),
    "7": (DAMAGED, "Damage to expired unit"),
    "D": (DISPOSED, "Inventory disposed of"),
    "P": (DISPOSITION, "Unsellable disposition change"),
    "Q": (DISPOSITION, "Sellable disposition change (Damaged - miscellaneous)"),
    "3": (
        DISPOSITION,
        "Product redefinition and transfer in from original inventory item",
    ),
    "4": (
        DISPOSITION,
        "Product redefinition and transfer out to new inventory item",
    ),
    "O": (CORRECTION, "Inventory correction"),
    "N": (CORRECTION, "Transferred from holding"),
    "1": (CORRECTION, "Software correction of inventory discrepancies"),
    "2": (CORRECTION, "Software correction of inventory discrepancies"),
    "J": (CORRECTION, "Software correction of inventory discrepancies"),
    "X": (CORRECTION, "Inventory quantity adjustment"),
}

# Dispositions of the ledger's Disposition column (and of returns): only SELLABLE
# units can be sold; the others are Amazon's unfulfillable stock (Seller Central
# help "Inventory disposition"; the summaries' unfulfillableQuantity breakdown).
SELLABLE = "SELLABLE"
DEFECTIVE = "DEFECTIVE"
WAREHOUSE_DAMAGED = "WAREHOUSE_DAMAGED"
CUSTOMER_DAMAGED = "CUSTOMER_DAMAGED"
CARRIER_DAMAGED = "CARRIER_DAMAGED"
DISTRIBUTOR_DAMAGED = "DISTRIBUTOR_DAMAGED"
EXPIRED = "EXPIRED"
UNSELLABLE_DISPOSITIONS = (
    DEFECTIVE,
    WAREHOUSE_DAMAGED,
    CUSTOMER_DAMAGED,
    CARRIER_DAMAGED,
    DISTRIBUTOR_DAMAGED,
    EXPIRED,
)


def _code(reason: str | None) -> str:
    return (reason or "").strip().upper()


def adjustment_kind(reason: str | None) -> str | None:
    """The kind of an adjustment's reason code, None for a code nobody
    documents."""
    known = REASON_CODES.get(_code(reason))
    return known[0] if known else None


def reason_label(reason: str | None) -> str:
    """Amazon's words for a reason code (``M`` → "Inventory misplaced"), the
    code itself when unknown."""
    known = REASON_CODES.get(_code(reason))
    return known[1] if known else (reason or "").strip()


def is_sellable_disposition(disposition: str | None) -> bool:
    """Whether units of this disposition are in Amazon's sellable stock."""
    return (disposition or "SELLABLE").strip().upper() == "SELLABLE"
