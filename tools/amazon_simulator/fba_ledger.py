"""The words and rows of the simulator's FBA Inventory Ledger: the event types,
dispositions and reason codes it writes, Amazon's fulfilment centres per country
and the time each country's rows are written in, the FNSKU of a SKU, and
:class:`LedgerRow`, one row (the columns of ``GET_LEDGER_DETAIL_VIEW_DATA``,
SP-API.md "FBA inventory"). ``fba_inventory`` writes the rows, ``ledger_report``
the report of them.
"""

from __future__ import annotations

import hashlib
import string
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from .marketplaces import BY_ID, MARKETPLACES

SHIPMENTS = "Shipments"
RECEIPTS = "Receipts"
CUSTOMER_RETURNS = "CustomerReturns"
VENDOR_RETURNS = "VendorReturns"
WHSE_TRANSFERS = "WhseTransfers"
ADJUSTMENTS = "Adjustments"

SELLABLE = "SELLABLE"
#: The unsellable dispositions and the unfulfillableQuantity figure of each.
UNSELLABLE = {
    "CUSTOMER_DAMAGED": "customerDamagedQuantity",
    "WAREHOUSE_DAMAGED": "warehouseDamagedQuantity",
    "DISTRIBUTOR_DAMAGED": "distributorDamagedQuantity",
    "CARRIER_DAMAGED": "carrierDamagedQuantity",
    "DEFECTIVE": "defectiveQuantity",
    "EXPIRED": "expiredQuantity",
}
DISPOSITIONS = (SELLABLE, *UNSELLABLE)

#: Amazon's adjustment reason codes the simulator writes, and the sign their
#: quantity must have (Seller Central's Inventory Ledger help); any other code is
#: written as given.
REASONS = {"M": -1, "F": +1, "E": -1, "D": -1}

#: The fulfilment centres of each marketplace's country, the first one the
#: default (the returns report's centres first: returns.py).
CENTRES = {
    "US": ("LEX1", "PHX7"),
    "UK": ("LTN4", "BHX4"),
    "DE": ("LEJ1", "DTM2"),
    "FR": ("ORY1", "LIL1"),
    "IT": ("MXP5", "FCO1"),
    "ES": ("MAD4", "BCN1"),
    "JP": ("NRT5", "KIX2"),
}
#: Fulfilment centre -> country (GB, not UK: the ledger's Country column).
CENTRE_COUNTRY = {
    centre: MARKETPLACES[code].country
    for code, centres in CENTRES.items()
    for centre in centres
}
#: The fixed offset the ledger writes a country's times in (no daylight saving).
UTC_OFFSETS = {"US": -7, "GB": 0, "JP": 9}
DEFAULT_UTC_OFFSET = 1

ALPHANUMERIC = string.ascii_uppercase + string.digits


def fnsku_of(sku: str) -> str:
    """Amazon's fulfilment network SKU of a seller SKU: ``X00`` and 7 letters or
    digits, the same for a SKU in every run."""
    digest = int.from_bytes(hashlib.sha256(sku.encode()).digest()[:8], "big")
    chars = []
    for _ in range(7):
        digest, index = divmod(digest, len(ALPHANUMERIC))
        chars.append(ALPHANUMERIC[index])
    return "X00" + "".join(chars)


def country_of(marketplace_id: str) -> str:
    return BY_ID[marketplace_id].country


def default_centre(marketplace_id: str) -> str:
    return CENTRES[BY_ID[marketplace_id].code][0]


def local_time(moment: datetime, country: str) -> datetime:
    """``moment`` in the country's ledger time (:data:`UTC_OFFSETS`)."""
    offset = UTC_OFFSETS.get(country, DEFAULT_UTC_OFFSET)
    return moment.astimezone(timezone(timedelta(hours=offset)))


@dataclass
class LedgerRow:
    """One row of the ledger (one movement of units of one SKU)."""

    moment: datetime  # when it happened (UTC)
    fnsku: str
    asin: str
    sku: str
    title: str
    event_type: str
    reference_id: str
    quantity: int
    centre: str
    disposition: str
    reason: str = ""
    reconciled: int | None = None  # of a loss: units found since
    unreconciled: int | None = None  # of a loss: units not found yet

    @property
    def country(self) -> str:
        return CENTRE_COUNTRY.get(self.centre, "")

    @property
    def local_moment(self) -> datetime:
        return local_time(self.moment, self.country)
