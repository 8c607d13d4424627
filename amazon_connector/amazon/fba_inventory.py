"""Amazon's FBA inventory summaries (FBA Inventory API ``getInventorySummaries``
with ``details=true``): per SKU, the units Amazon holds and in what state.

Plain Python: no Odoo here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FbaSummary:
    """One SKU's units at Amazon, as ``inventoryDetails`` gives them."""

    sku: str
    fnsku: str | None
    asin: str | None
    fulfillable: int = 0
    reserved: int = 0  # totalReservedQuantity: customer orders, FC transfers…
    reserved_customer_orders: int = 0  # pendingCustomerOrderQuantity
    inbound_working: int = 0
    inbound_shipped: int = 0
    inbound_receiving: int = 0
    researching: int = 0  # totalResearchingQuantity
    unfulfillable: int = 0  # totalUnfulfillableQuantity
    total: int = 0  # totalQuantity, as Amazon sums it

    @property
    def sellable(self) -> int:
        """The units in Amazon's sellable stock that have not left it: what
        Odoo's FBA location should hold (an order Amazon has not shipped yet is
        still there; units being researched are not)."""
        return self.fulfillable + self.reserved

    @property
    def inbound(self) -> int:
        return self.inbound_working + self.inbound_shipped + self.inbound_receiving


def read_inventory_summaries(pages) -> list[FbaSummary]:
    """The summaries of the ``payload`` pages of getInventorySummaries (each
    a dict with ``inventorySummaries``), one per SKU. A summary without a
    ``sellerSku`` is left out; a missing figure reads 0."""
    raise NotImplementedError("issue 22: the summaries reader")
