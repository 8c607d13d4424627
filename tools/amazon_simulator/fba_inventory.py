"""The units the simulated seller keeps in Amazon's fulfilment centres (FBA), and
the Inventory Ledger of every movement of them.

Stock is kept per fulfilment centre, SKU and disposition (``SELLABLE`` or one of
the unsellable dispositions of ``fba_ledger.UNSELLABLE``); each fulfilment centre
is in one country (``fba_ledger.CENTRES``), and a country's centres are one pool:
the ledger report and the inventory summaries of a marketplace are those of its
country (the simulator has no Pan-European pooling).

Every change of the stock is a ledger row (``fba_ledger.LedgerRow``), the columns of
Amazon's ``GET_LEDGER_DETAIL_VIEW_DATA`` (SP-API.md, "FBA inventory"); nothing
changes the stock but a row, so the ledger's sum per SKU and disposition is the
stock. The events and their rows:

- an FBA order shipped: one ``Shipments`` row per order item shipped, its units
  negative, ``SELLABLE``, Reference ID a shipment id of 9 letters and digits
  (the ledger gives no order id for a shipment: amzn/selling-partner-api-docs
  issue #2484);
- an FBA customer return: one ``CustomerReturns`` row per SKU of the return,
  units positive, the return's disposition, Reference ID the order id (the
  license plate numbers are in the returns report only; which id a real ledger
  shows there is not documented);
- an inbound shipment received: ``Receipts`` rows, Reference ID the shipment id
  (``FBA15…``); units not received stay inbound until the shipment is closed;
- adjustments with Amazon's reason codes (``fba_ledger.REASONS``): ``M`` lost (the
  units are *researching* until found), ``F`` found, ``E`` damaged in a centre
  (two rows: ``SELLABLE`` -n, ``WAREHOUSE_DAMAGED`` +n), ``D`` disposed; any
  other code (``G``, which nobody documents) is written as given;
- a removal order: ``VendorReturns`` rows (units sent back to the seller), or
  for a disposal ``Adjustments`` rows with reason ``D``; Reference ID the removal
  order id;
- a transfer between centres: a ``WhseTransfers`` pair (-n, +n) that nets to
  zero.

An FBA order shipped is written whatever the stock: a SKU never given stock
goes below zero (no real Amazon would ship it). Give stock first
(``SimulatorState.fba_seed``, ``generate_orders(fba_stock=...)``); the other
events refuse to take away units a centre does not hold.

Plain Python, no HTTP: ``SimulatorState`` holds one and takes its lock.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone

from .fba_ledger import (
    ADJUSTMENTS,
    ALPHANUMERIC,
    CENTRE_COUNTRY,
    CUSTOMER_RETURNS,
    DISPOSITIONS,
    REASONS,
    RECEIPTS,
    SELLABLE,
    SHIPMENTS,
    VENDOR_RETURNS,
    WHSE_TRANSFERS,
    LedgerRow,
    country_of,
    default_centre,
    fnsku_of,
)
from .generator import CATALOGUE


@dataclass
class InboundShipment:
    """A shipment the seller sends to a fulfilment centre."""

    shipment_id: str
    centre: str
    expected: dict[str, int]
    status: str  # WORKING, SHIPPED, RECEIVING, CLOSED
    received: Counter = field(default_factory=Counter)

    def missing(self) -> dict[str, int]:
        return {
            sku: units - self.received[sku]
            for sku, units in self.expected.items()
            if units > self.received[sku]
        }


class FbaInventory:
    """The FBA stock and its ledger (see the module's documentation)."""

    def __init__(self, product_info):
        #: sku -> (asin, title): what the ledger writes of a SKU.
        self.product_info = product_info
        #: (centre, sku) -> Counter of units per disposition.
        self.stock: dict[tuple[str, str], Counter] = {}
        self.ledger: list[LedgerRow] = []
        self.inbound: dict[str, InboundShipment] = {}
        #: (order id, order item id) -> units whose Shipments rows are written.
        self.shipped: Counter = Counter()
        #: (country, sku) -> when its stock or inbound last changed.
        self.changed: dict[tuple[str, str], datetime] = {}
        #: (country, sku) -> its loss rows (reason M), oldest first.
        self.losses: dict[tuple[str, str], list[LedgerRow]] = {}
        self._references = 0

    # -- what Amazon holds
    def fba_stock(self, country: str | None = None) -> dict[str, dict[str, int]]:
        """sku -> disposition -> units, over every centre (of ``country``)."""
        result: dict[str, Counter] = {}
        for (centre, sku), units in self.stock.items():
            if country and CENTRE_COUNTRY.get(centre) != country:
                continue
            result.setdefault(sku, Counter()).update(units)
        return {
            sku: {d: n for d, n in sorted(units.items()) if n}
            for sku, units in sorted(result.items())
            if any(units.values())
        }

    def researching(self, country: str, sku: str) -> int:
        """Units of ``sku`` lost in ``country`` and not found yet."""
        return sum(row.unreconciled or 0 for row in self.losses.get((country, sku), ()))

    def inbound_of(self, country: str, sku: str) -> dict[str, int]:
        """Units of ``sku`` on their way to ``country``'s centres, by the status of
        their shipment: WORKING, SHIPPED, RECEIVING."""
        figures = Counter()
        for shipment in self.inbound.values():
            if shipment.status == "CLOSED":
                continue
            if CENTRE_COUNTRY.get(shipment.centre) != country:
                continue
            figures[shipment.status] += shipment.missing().get(sku, 0)
        return figures

    def skus(self, country: str) -> set[str]:
        """The SKUs ``country``'s pool has had anything of."""
        return {sku for (c, sku) in self.changed if c == country}

    # -- the rows
    def new_reference(self, prefix: str = "", size: int = 0) -> str:
        self._references += 1
        seed = hashlib.sha256(f"{prefix}{self._references}".encode()).digest()
        if size:
            return prefix + "".join(
                ALPHANUMERIC[b % len(ALPHANUMERIC)] for b in seed[:size]
            )
        return prefix + str(int.from_bytes(seed[:5], "big") % 10**10).zfill(10)

    def record(
        self,
        at: datetime,
        sku: str,
        event_type: str,
        reference_id: str,
        quantity: int,
        centre: str,
        disposition: str = SELLABLE,
        reason: str = "",
        *,
        asin: str | None = None,
        title: str | None = None,
    ) -> LedgerRow:
        """Write one row and move its units."""
        if centre not in CENTRE_COUNTRY:
            raise ValueError(
                f"Unknown fulfilment centre {centre!r}: one of "
                f"{', '.join(sorted(CENTRE_COUNTRY))}."
            )
        if disposition not in DISPOSITIONS:
            raise ValueError(f"disposition must be one of {', '.join(DISPOSITIONS)}.")
        known_asin, known_title = self.product_info(sku)
        row = LedgerRow(
            moment=at.astimezone(timezone.utc),
            fnsku=fnsku_of(sku),
            asin=asin or known_asin,
            sku=sku,
            title=title or known_title,
            event_type=event_type,
            reference_id=reference_id,
            quantity=quantity,
            centre=centre,
            disposition=disposition,
            reason=reason,
        )
        self.ledger.append(row)
        self.stock.setdefault((centre, sku), Counter())[disposition] += quantity
        self.changed[(row.country, sku)] = row.moment
        return row

    # -- orders and returns
    def sync_order(self, order: dict, at: datetime) -> list[LedgerRow]:
        """The Shipments rows of the units of an FBA order shipped since the last
        call (none for a merchant order)."""
        if order.get("fulfillment", {}).get("fulfilledBy") != "AMAZON":
            return []
        marketplace_id = order["salesChannel"]["marketplaceId"]
        centre = default_centre(marketplace_id)
        reference = None
        rows = []
        for item in order["orderItems"]:
            key = (order["orderId"], item["orderItemId"])
            done = item.get("fulfillment", {}).get("quantityFulfilled", 0)
            units = done - self.shipped[key]
            if units <= 0:
                continue
            self.shipped[key] = done
            reference = reference or self.new_reference(size=9)
            product = item.get("product", {})
            rows.append(
                self.record(
                    at,
                    product["sellerSku"],
                    SHIPMENTS,
                    reference,
                    -units,
                    centre,
                    asin=product.get("asin"),
                    title=product.get("title"),
                )
            )
        self.touch_reserved(order, at)
        return rows

    def touch_reserved(self, order: dict, at: datetime) -> None:
        """An FBA order's SKUs changed (their reserved units), for startDateTime."""
        if order.get("fulfillment", {}).get("fulfilledBy") != "AMAZON":
            return
        country = country_of(order["salesChannel"]["marketplaceId"])
        for item in order["orderItems"]:
            sku = item.get("product", {}).get("sellerSku")
            if sku:
                self.changed[(country, sku)] = at.astimezone(timezone.utc)

    def customer_return(self, entry: dict) -> list[LedgerRow]:
        """The CustomerReturns rows of an FBA return (``returns.new_return``)."""
        if entry.get("channel") != "AMAZON":
            return []
        at = datetime.fromisoformat(entry["date"].replace("Z", "+00:00"))
        centre = entry["fulfillment_center"]
        if centre not in CENTRE_COUNTRY:
            centre = default_centre(entry["marketplace_id"])
        units: Counter = Counter()
        products = {}
        for item in entry["items"]:
            units[item["sku"]] += item["quantity"]
            products[item["sku"]] = item
        return [
            self.record(
                at,
                sku,
                CUSTOMER_RETURNS,
                entry["order_id"],
                quantity,
                centre,
                entry["disposition"],
                asin=products[sku].get("asin"),
                title=products[sku].get("title"),
            )
            for sku, quantity in units.items()
        ]

    # -- inbound shipments
    def inbound_shipment(
        self,
        shipment_id: str,
        items: dict[str, int],
        at: datetime,
        centre: str,
        *,
        shipped: bool = True,
    ) -> InboundShipment:
        if shipment_id in self.inbound:
            raise ValueError(f"Inbound shipment {shipment_id} exists already.")
        check_units(items)
        if centre not in CENTRE_COUNTRY:
            raise ValueError(f"Unknown fulfilment centre {centre!r}.")
        shipment = InboundShipment(
            shipment_id, centre, dict(items), "SHIPPED" if shipped else "WORKING"
        )
        self.inbound[shipment_id] = shipment
        country = CENTRE_COUNTRY[centre]
        for sku in items:
            self.changed[(country, sku)] = at.astimezone(timezone.utc)
        return shipment

    def receive(
        self, shipment_id: str, items: dict[str, int], at: datetime
    ) -> list[LedgerRow]:
        """Receipts rows of units of an open inbound shipment."""
        shipment = self._open_shipment(shipment_id)
        check_units(items)
        missing = shipment.missing()
        for sku, units in items.items():
            if units > missing.get(sku, 0):
                raise ValueError(
                    f"Inbound shipment {shipment_id}: {units} unit(s) of {sku} "
                    f"received, {missing.get(sku, 0)} expected."
                )
        rows = []
        for sku, units in items.items():
            shipment.received[sku] += units
            rows.append(
                self.record(at, sku, RECEIPTS, shipment_id, units, shipment.centre)
            )
        shipment.status = "RECEIVING"
        return rows

    def close_inbound_shipment(self, shipment_id: str, at: datetime) -> dict[str, int]:
        """Close a shipment: the units never received leave the inbound figures
        (the seller may claim them); they are answered."""
        shipment = self._open_shipment(shipment_id)
        shipment.status = "CLOSED"
        country = CENTRE_COUNTRY[shipment.centre]
        for sku in shipment.expected:
            self.changed[(country, sku)] = at.astimezone(timezone.utc)
        return shipment.missing()

    def _open_shipment(self, shipment_id: str) -> InboundShipment:
        shipment = self.inbound.get(shipment_id)
        if shipment is None:
            raise ValueError(f"Inbound shipment {shipment_id} not found.")
        if shipment.status == "CLOSED":
            raise ValueError(f"Inbound shipment {shipment_id} is closed.")
        return shipment

    # -- adjustments, removals, transfers
    def adjust(
        self,
        sku: str,
        quantity: int,
        reason: str,
        disposition: str,
        at: datetime,
        centre: str,
        reference_id: str | None = None,
    ) -> list[LedgerRow]:
        """Adjustments rows of one adjustment (see the module's documentation);
        ``quantity`` signed as the ledger writes it."""
        if not isinstance(quantity, int) or isinstance(quantity, bool) or not quantity:
            raise ValueError("quantity must be a whole number other than 0.")
        if not reason or not isinstance(reason, str):
            raise ValueError("reason is required.")
        sign = REASONS.get(reason)
        if sign is not None and quantity * sign < 0:
            raise ValueError(
                f"An adjustment of reason {reason} "
                f"{'adds' if sign > 0 else 'takes away'} units: quantity must be "
                f"{'positive' if sign > 0 else 'negative'}."
            )
        if reason == "E" and disposition != SELLABLE:
            raise ValueError("Reason E damages SELLABLE units.")
        if quantity < 0:
            self._check_available(centre, sku, disposition, -quantity)
        reference = reference_id or self.new_reference()
        rows = [
            self.record(
                at, sku, ADJUSTMENTS, reference, quantity, centre, disposition, reason
            )
        ]
        if reason == "E":
            rows.append(
                self.record(
                    at,
                    sku,
                    ADJUSTMENTS,
                    reference,
                    -quantity,
                    centre,
                    "WAREHOUSE_DAMAGED",
                    reason,
                )
            )
        if reason == "M":
            rows[0].reconciled, rows[0].unreconciled = 0, -quantity
            self.losses.setdefault((rows[0].country, sku), []).append(rows[0])
        if reason == "F":
            self._reconcile_losses(rows[0].country, sku, quantity)
        return rows

    def _reconcile_losses(self, country: str, sku: str, found: int) -> None:
        """Units found reconcile the oldest losses of the SKU first."""
        for row in self.losses.get((country, sku), ()):
            if found <= 0:
                return
            taken = min(found, row.unreconciled or 0)
            row.unreconciled -= taken
            row.reconciled += taken
            found -= taken

    def removal(
        self,
        order_id: str,
        items: dict[str, int],
        disposition: str,
        at: datetime,
        centre: str,
        *,
        disposal: bool = False,
    ) -> list[LedgerRow]:
        """A removal order: units sent back to the seller (VendorReturns) or, for
        a disposal, destroyed (Adjustments, reason D)."""
        check_units(items)
        for sku, units in items.items():
            self._check_available(centre, sku, disposition, units)
        rows = []
        for sku, units in items.items():
            if disposal:
                rows += self.adjust(
                    sku, -units, "D", disposition, at, centre, reference_id=order_id
                )
            else:
                rows.append(
                    self.record(
                        at, sku, VENDOR_RETURNS, order_id, -units, centre, disposition
                    )
                )
        return rows

    def transfer(
        self, sku: str, units: int, from_centre: str, to_centre: str, at: datetime
    ) -> list[LedgerRow]:
        """A transfer of sellable units between two centres: a pair that nets to
        zero."""
        check_units({sku: units})
        if from_centre == to_centre:
            raise ValueError("A transfer goes from one centre to another.")
        if to_centre not in CENTRE_COUNTRY:
            raise ValueError(f"Unknown fulfilment centre {to_centre!r}.")
        self._check_available(from_centre, sku, SELLABLE, units)
        reference = self.new_reference()
        return [
            self.record(at, sku, WHSE_TRANSFERS, reference, -units, from_centre),
            self.record(at, sku, WHSE_TRANSFERS, reference, units, to_centre),
        ]

    def _check_available(
        self, centre: str, sku: str, disposition: str, units: int
    ) -> None:
        held = self.stock.get((centre, sku), Counter())[disposition]
        if units > held:
            raise ValueError(
                f"{centre} holds {held} {disposition} unit(s) of {sku}: "
                f"{units} cannot leave."
            )


def check_units(items: dict[str, int]) -> None:
    if not isinstance(items, dict) or not items:
        raise ValueError("items must map SKUs to units.")
    for sku, units in items.items():
        if not isinstance(units, int) or isinstance(units, bool) or units < 1:
            raise ValueError(f"Units of {sku} must be a whole number >= 1.")


def catalogue_info(listings_of):
    """The ``product_info`` of :class:`FbaInventory`: a SKU's ASIN and title from
    the seller's listings (``listings_of()``), else the generator's catalogue,
    else made up."""

    def product_info(sku: str) -> tuple[str, str]:
        listing = listings_of().get(sku) or {}
        product = CATALOGUE.get(sku)
        asin = listing.get("asin") or (product.asin if product else "")
        title = listing.get("title") or (product.title if product else sku)
        if not asin:
            asin = "B0" + fnsku_of(sku)[3:] + "0"
        return asin, title

    return product_info
