"""FBA Inventory API ``getInventorySummaries`` (``GET /fba/inventory/v1/summaries``)
of the simulator's FBA stock, shaped as ``InventorySummary`` of Amazon's
``fbaInventory.json`` model.

The figures of a SKU in a marketplace (its country's centres,
``fba_inventory``), consistent with the ledger at every moment:

- ``fulfillableQuantity``: the SELLABLE units of the ledger less the reserved;
- ``reservedQuantity.pendingCustomerOrderQuantity``: units of the marketplace's
  FBA orders not shipped yet (pending, unshipped, partially shipped), so that
  fulfillable + reserved is the ledger's SELLABLE sum;
- ``inboundWorking/Shipped/ReceivingQuantity``: units of the open inbound
  shipments not received yet, by the shipment's status;
- ``researchingQuantity``: units lost (reason M) not found yet (the ledger's
  unreconciled quantity), in ``researchingQuantityInShortTerm``;
- ``unfulfillableQuantity``: the unsellable dispositions' units, each in its
  figure.

``totalQuantity`` is the sum of all of them. Without ``details=true`` a summary
has no ``inventoryDetails``.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from .fba_inventory import FbaInventory
from .fba_ledger import SELLABLE, UNSELLABLE, fnsku_of
from .marketplaces import BY_ID
from .timeutil import iso

#: Summaries per page, Amazon's page size.
PAGE_SIZE = 50
#: Order statuses whose unshipped units Amazon reserves.
RESERVING_STATUSES = frozenset({"PENDING", "UNSHIPPED", "PARTIALLY_SHIPPED"})


def reserved_units(orders, marketplace_id: str) -> Counter:
    """sku -> units of the marketplace's FBA orders waiting to be shipped."""
    reserved: Counter = Counter()
    for order in orders:
        fulfillment = order.get("fulfillment", {})
        if fulfillment.get("fulfilledBy") != "AMAZON":
            continue
        if order["salesChannel"].get("marketplaceId") != marketplace_id:
            continue
        if fulfillment.get("fulfillmentStatus") not in RESERVING_STATUSES:
            continue
        for item in order["orderItems"]:
            done = item.get("fulfillment", {}).get("quantityFulfilled", 0)
            left = item.get("fulfillment", {}).get(
                "quantityUnfulfilled", item["quantityOrdered"] - done
            )
            if left > 0:
                reserved[item["product"]["sellerSku"]] += left
    return reserved


def summary(
    fba: FbaInventory,
    sku: str,
    marketplace_id: str,
    reserved: int,
    stock: dict[str, int],
    *,
    details: bool,
    now: datetime,
) -> dict:
    """The ``InventorySummary`` of one SKU in one marketplace, ``stock`` its
    units per disposition there."""
    country = BY_ID[marketplace_id].country
    inbound = fba.inbound_of(country, sku)
    researching = fba.researching(country, sku)
    figures = inventory_details(stock, reserved, inbound, researching)
    asin, title = fba.product_info(sku)
    result = {
        "asin": asin,
        "fnSku": fnsku_of(sku),
        "sellerSku": sku,
        "condition": "NewItem",
        "lastUpdatedTime": iso(fba.changed.get((country, sku), now)),
        "productName": title,
        "totalQuantity": figures["fulfillableQuantity"]
        + reserved
        + researching
        + figures["unfulfillableQuantity"]["totalUnfulfillableQuantity"]
        + sum(inbound.values()),
        "stores": [],
    }
    if details:
        result["inventoryDetails"] = figures
    return result


def inventory_details(
    stock: dict[str, int], reserved: int, inbound: Counter, researching: int
) -> dict:
    """``InventoryDetails`` of units per disposition, reserved, inbound (per
    shipment status) and researching."""
    unfulfillable = {
        figure: stock.get(disposition, 0) for disposition, figure in UNSELLABLE.items()
    }
    return {
        "fulfillableQuantity": stock.get(SELLABLE, 0) - reserved,
        "inboundWorkingQuantity": inbound["WORKING"],
        "inboundShippedQuantity": inbound["SHIPPED"],
        "inboundReceivingQuantity": inbound["RECEIVING"],
        "reservedQuantity": {
            "totalReservedQuantity": reserved,
            "pendingCustomerOrderQuantity": reserved,
            "pendingTransshipmentQuantity": 0,
            "fcProcessingQuantity": 0,
        },
        "researchingQuantity": {
            "totalResearchingQuantity": researching,
            "researchingQuantityBreakdown": [
                {"name": "researchingQuantityInShortTerm", "quantity": researching}
            ]
            if researching
            else [],
        },
        "unfulfillableQuantity": {
            "totalUnfulfillableQuantity": sum(unfulfillable.values()),
            **unfulfillable,
        },
    }


def chosen_skus(
    fba: FbaInventory,
    reserved: Counter,
    marketplace_id: str,
    *,
    skus: list[str],
    since: datetime | None,
) -> list[str]:
    """The SKUs a request asks the summaries of, sorted: with ``since``, those
    changed after it (``skus`` ignored, as Amazon does); else ``skus``, or every
    SKU the marketplace's pool has had anything of."""
    country = BY_ID[marketplace_id].country
    known = fba.skus(country) | set(reserved)
    if since is not None:
        return sorted(
            sku
            for sku in known
            if (country, sku) in fba.changed and fba.changed[(country, sku)] > since
        )
    if skus:
        return sorted(sku for sku in set(skus) if sku in known)
    return sorted(known)
