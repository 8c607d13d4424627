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

A marketplace answers for its pool: with Pan-European FBA every continental EU
marketplace answers the same EU-wide figures, the sum of the Pan-EU countries'
centres (amzn/selling-partner-api-models#452: "returns the same values for
each EU marketplace - a sum of inventory quantities from all the EU
marketplaces (except the UK…)"); every other marketplace its own country's.
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
#: The countries of Pan-European FBA: their marketplaces share one stock.
PAN_EU = frozenset({"DE", "FR", "IT", "ES", "NL", "PL", "SE", "BE"})
#: Order statuses whose unshipped units Amazon reserves.
RESERVING_STATUSES = frozenset({"PENDING", "UNSHIPPED", "PARTIALLY_SHIPPED"})


def pool_countries(marketplace_id: str) -> frozenset[str]:
    """The countries whose centres a marketplace's summaries add up."""
    country = BY_ID[marketplace_id].country
    return PAN_EU if country in PAN_EU else frozenset({country})


def reserved_units(orders, marketplace_id: str) -> Counter:
    """sku -> units of the FBA orders of the marketplace's pool waiting to be
    shipped."""
    countries = pool_countries(marketplace_id)
    reserved: Counter = Counter()
    for order in orders:
        fulfillment = order.get("fulfillment", {})
        if fulfillment.get("fulfilledBy") != "AMAZON":
            continue
        market = BY_ID.get(order["salesChannel"].get("marketplaceId"))
        if market is None or market.country not in countries:
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
    countries = sorted(pool_countries(marketplace_id))
    inbound = sum((fba.inbound_of(c, sku) for c in countries), Counter())
    for status in ("WORKING", "SHIPPED", "RECEIVING"):
        inbound.setdefault(status, 0)
    researching = sum(fba.researching(c, sku) for c in countries)
    changed = [fba.changed[(c, sku)] for c in countries if (c, sku) in fba.changed]
    figures = inventory_details(stock, reserved, inbound, researching)
    asin, title = fba.product_info(sku)
    result = {
        "asin": asin,
        "fnSku": fnsku_of(sku),
        "sellerSku": sku,
        "condition": "NewItem",
        "lastUpdatedTime": iso(max(changed, default=now)),
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
    countries = pool_countries(marketplace_id)
    known = set().union(*(fba.skus(c) for c in countries)) | set(reserved)
    if since is not None:
        return sorted(
            sku
            for sku in known
            if any(fba.changed.get((c, sku), since) > since for c in countries)
        )
    if skus:
        return sorted(sku for sku in set(skus) if sku in known)
    return sorted(known)
