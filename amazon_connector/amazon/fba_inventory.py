"""Amazon's FBA inventory summaries (FBA Inventory API ``getInventorySummaries``
with ``details=true``): per SKU, the units Amazon holds and in what state.

Plain Python: no Odoo here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: The countries of Pan-European FBA: one stock, and each of their marketplaces
#: answers getInventorySummaries with the same EU-wide figures
#: (amzn/selling-partner-api-models#452, "a sum of inventory quantities from all
#: the EU marketplaces (except the UK…)").
PAN_EU_COUNTRIES = frozenset({"DE", "FR", "IT", "ES", "NL", "PL", "SE", "BE"})


def inventory_pool(country_code: str) -> str:
    """The stock a marketplace of ``country_code`` (ISO) answers for: ``EU``
    for Pan-European FBA, else its own country's. Ask one marketplace per pool:
    asking two of one pool counts its units twice."""
    code = (country_code or "").upper()
    return "EU" if code in PAN_EU_COUNTRIES else code


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
    ``sellerSku`` is left out; a missing figure reads 0.

    A page may also be the whole response (``{"payload": {...}}``) or the list of
    summaries :meth:`.adapter.SpApiAdapter.get_inventory_summaries` yields. A SKU
    given twice keeps its last summary, in the place of its first. A negative
    figure is kept as Amazon gives it; a figure that is not a whole number raises
    ValueError naming the SKU and the figure."""
    by_sku: dict[str, FbaSummary] = {}
    for page in pages:
        for item in _summaries_of(page):
            summary = _summary(item)
            if summary is not None:
                by_sku[summary.sku] = summary
    return list(by_sku.values())


def _summaries_of(page) -> list:
    if isinstance(page, dict):
        if "inventorySummaries" not in page and isinstance(page.get("payload"), dict):
            page = page["payload"]
        page = page.get("inventorySummaries") or []
    if not isinstance(page, list):
        raise ValueError(
            "getInventorySummaries: a page is not a list of inventory summaries "
            f"({type(page).__name__})"
        )
    return page


def _summary(item) -> FbaSummary | None:
    if not isinstance(item, dict):
        raise ValueError(
            "getInventorySummaries: an inventory summary is not an object "
            f"({type(item).__name__})"
        )
    sku = item.get("sellerSku")
    if not isinstance(sku, str) or not sku.strip():
        return None
    details = _object(item.get("inventoryDetails"))
    reserved = _object(details.get("reservedQuantity"))
    researching = _object(details.get("researchingQuantity"))
    unfulfillable = _object(details.get("unfulfillableQuantity"))

    def figure(source: dict, name: str) -> int:
        return _whole(source.get(name), sku, name)

    return FbaSummary(
        sku=sku,
        fnsku=item.get("fnSku") or None,
        asin=item.get("asin") or None,
        fulfillable=figure(details, "fulfillableQuantity"),
        reserved=figure(reserved, "totalReservedQuantity"),
        reserved_customer_orders=figure(reserved, "pendingCustomerOrderQuantity"),
        inbound_working=figure(details, "inboundWorkingQuantity"),
        inbound_shipped=figure(details, "inboundShippedQuantity"),
        inbound_receiving=figure(details, "inboundReceivingQuantity"),
        researching=figure(researching, "totalResearchingQuantity"),
        unfulfillable=figure(unfulfillable, "totalUnfulfillableQuantity"),
        total=figure(item, "totalQuantity"),
    )


def _object(value) -> dict:
    return value if isinstance(value, dict) else {}


def _whole(value, sku: str, name: str) -> int:
    """A figure: an integer (a whole float or digits too), 0 when missing."""
    if value is None:
        return 0
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d+\s*", value):
        return int(value)
    raise ValueError(
        f"getInventorySummaries: {name} of SKU {sku!r} is {value!r}, not a whole number"
    )
