"""``SimulatorState``'s FBA side: the test API that moves FBA stock (inbound
shipments, adjustments, removals, transfers, seeding) and the FBA Inventory API's
``getInventorySummaries``. The stock and its ledger are ``fba_inventory``'s; FBA
orders shipped and FBA returns write their rows from ``state.py``.

Every method takes the state's lock; ``at`` defaults to the state's clock;
``marketplace`` (a code or id) chooses the country's default fulfilment centre
when no ``fulfillment_center`` is given (default: the state's first
marketplace). Bad arguments raise ValueError and change nothing.
"""

from __future__ import annotations

import secrets
from collections import Counter
from datetime import datetime, timedelta

from . import fba_summaries
from .errors import invalid_input
from .fba_inventory import check_units
from .fba_ledger import CENTRE_COUNTRY, SELLABLE, default_centre
from .marketplaces import BY_ID, MARKETPLACES, by_code
from .timeutil import parse_iso

#: How long a nextToken of getInventorySummaries lives (Amazon: 30 seconds).
SUMMARIES_TOKEN_TTL = timedelta(seconds=30)


class FbaStateMixin:
    """The FBA methods of ``SimulatorState`` (see the module's documentation)."""

    # -- helpers
    def _fba_centre(
        self, fulfillment_center: str | None, marketplace: str | None
    ) -> str:
        if fulfillment_center:
            if fulfillment_center not in CENTRE_COUNTRY:
                raise ValueError(
                    f"Unknown fulfilment centre {fulfillment_center!r}: one of "
                    f"{', '.join(sorted(CENTRE_COUNTRY))}."
                )
            return fulfillment_center
        market = marketplace or self.marketplaces[0]
        market = BY_ID[market] if market in BY_ID else by_code(market)
        return default_centre(market.marketplace_id)

    @property
    def fba_stock(self) -> dict[str, dict[str, int]]:
        """sku -> disposition -> units Amazon holds, over every centre."""
        with self.lock:
            return self.fba.fba_stock()

    def fba_ledger(self) -> list:
        """The ledger's rows (copies of ``fba_inventory.LedgerRow``), in order."""
        with self.lock:
            return [
                type(row)(**row.__dict__)
                for row in sorted(self.fba.ledger, key=lambda r: r.moment)
            ]

    # -- test API: FBA stock
    def fba_inbound_shipment(
        self,
        shipment_id: str,
        items: dict[str, int],
        *,
        received: dict[str, int] | None = None,
        shipped: bool = True,
        at: datetime | None = None,
        fulfillment_center: str | None = None,
        marketplace: str | None = None,
    ) -> dict:
        """An inbound shipment of ``items`` (sku -> units) on its way (``shipped``,
        else still being prepared: WORKING), ``received`` units of it received
        at once (Receipts rows). Answers what is still missing."""
        with self.lock:
            at = at or self.now()
            centre = self._fba_centre(fulfillment_center, marketplace)
            if received:
                _check_within(received, items)
            shipment = self.fba.inbound_shipment(
                shipment_id, items, at, centre, shipped=shipped or bool(received)
            )
            if received:
                self.fba.receive(shipment_id, received, at)
            return shipment.missing()

    def fba_receive(
        self, shipment_id: str, items: dict[str, int], *, at: datetime | None = None
    ) -> dict:
        """More units of an open inbound shipment received; what is missing."""
        with self.lock:
            self.fba.receive(shipment_id, items, at or self.now())
            return self.fba.inbound[shipment_id].missing()

    def close_inbound_shipment(
        self, shipment_id: str, *, at: datetime | None = None
    ) -> dict:
        """Close an inbound shipment: the units never received (sku -> units,
        answered) leave the inbound figures; no ledger row."""
        with self.lock:
            return self.fba.close_inbound_shipment(shipment_id, at or self.now())

    def fba_adjust(
        self,
        sku: str,
        quantity: int,
        reason: str,
        disposition: str = SELLABLE,
        *,
        at: datetime | None = None,
        fulfillment_center: str | None = None,
        marketplace: str | None = None,
        reference_id: str | None = None,
    ) -> list:
        """An adjustment of Amazon (``fba_inventory.REASONS``; ``quantity`` signed
        as the ledger writes it: M -1, F +1, E -n, D -n); its rows."""
        with self.lock:
            centre = self._fba_centre(fulfillment_center, marketplace)
            return self.fba.adjust(
                sku,
                quantity,
                reason,
                disposition,
                at or self.now(),
                centre,
                reference_id,
            )

    def fba_removal(
        self,
        order_id: str,
        items: dict[str, int],
        disposition: str = SELLABLE,
        *,
        disposal: bool = False,
        at: datetime | None = None,
        fulfillment_center: str | None = None,
        marketplace: str | None = None,
    ) -> list:
        """A removal order: units of ``disposition`` sent back to the seller
        (VendorReturns), or disposed of (``disposal``: Adjustments, reason D)."""
        with self.lock:
            centre = self._fba_centre(fulfillment_center, marketplace)
            return self.fba.removal(
                order_id,
                items,
                disposition,
                at or self.now(),
                centre,
                disposal=disposal,
            )

    def fba_transfer(
        self, sku: str, units: int, from_fc: str, to_fc: str, *, at=None
    ) -> list:
        """Sellable units moved between two fulfilment centres (a pair of rows)."""
        with self.lock:
            return self.fba.transfer(sku, units, from_fc, to_fc, at or self.now())

    def fba_seed(
        self,
        items: dict[str, int],
        *,
        at: datetime | None = None,
        marketplace: str | None = None,
        shipment_id: str | None = None,
    ) -> str:
        """Give SKUs FBA stock: an inbound shipment of ``items``, received in full
        and closed; its id."""
        with self.lock:
            shipment_id = shipment_id or self.fba.new_reference("FBA15", 7)
            self.fba_inbound_shipment(
                shipment_id, items, received=items, at=at, marketplace=marketplace
            )
            self.close_inbound_shipment(shipment_id, at=at)
            return shipment_id

    def _seed_for_orders(self, orders: list[dict], at: datetime, spare: int) -> None:
        """Stock for generated FBA orders: per country, what their items need
        beyond the stock there, plus ``spare`` units a SKU, received at ``at``."""
        needed: dict[str, Counter] = {}
        for order in orders:
            if order["fulfillment"]["fulfilledBy"] != "AMAZON":
                continue
            if order["fulfillment"]["fulfillmentStatus"] == "CANCELLED":
                continue
            code = BY_ID[order["salesChannel"]["marketplaceId"]].code
            for item in order["orderItems"]:
                needed.setdefault(code, Counter())[item["product"]["sellerSku"]] += (
                    item["quantityOrdered"]
                )
        for code, skus in sorted(needed.items()):
            stock = self.fba.fba_stock(MARKETPLACES[code].country)
            reserved = fba_summaries.reserved_units(
                self.orders.values(), MARKETPLACES[code].marketplace_id
            )
            items = {
                sku: spare
                + max(0, units + reserved[sku] - stock.get(sku, {}).get(SELLABLE, 0))
                for sku, units in sorted(skus.items())
            }
            items = {sku: units for sku, units in items.items() if units > 0}
            if items:
                self.fba_seed(items, at=at, marketplace=code)

    # -- FBA Inventory API
    def get_inventory_summaries(self, params) -> dict:
        """getInventorySummaries (see ``fba_summaries``): 50 summaries a page, a
        nextToken valid 30 seconds, for the same marketplace and startDateTime
        (Amazon: "use both startDateTime and nextToken to get the next page")."""
        with self.lock:
            now = self.now()
            criteria = _summaries_criteria(params)
            marketplace_id = criteria["marketplaceId"]
            reserved = fba_summaries.reserved_units(
                self.orders.values(), marketplace_id
            )
            token = _single(params, "nextToken")
            if token:
                page = self._pages.pop(token, None)
                if (
                    page is None
                    or page["kind"] != "inventorySummaries"
                    or page["expires"] <= now
                    or page["criteria"] != _page_key(criteria)
                ):
                    raise invalid_input(
                        "Invalid nextToken: the token is expired or unknown."
                    )
                skus, offset = page["skus"], page["offset"]
            else:
                skus = fba_summaries.chosen_skus(
                    self.fba,
                    reserved,
                    marketplace_id,
                    skus=criteria["sellerSkus"],
                    since=criteria["since"],
                )
                offset = 0
            size = fba_summaries.PAGE_SIZE
            result = self._summaries_page(
                skus[offset : offset + size], reserved, criteria, now
            )
            if offset + size < len(skus):
                token = secrets.token_urlsafe(24)
                self._pages[token] = {
                    "kind": "inventorySummaries",
                    "skus": skus,
                    "offset": offset + size,
                    "criteria": _page_key(criteria),
                    "expires": now + SUMMARIES_TOKEN_TTL,
                }
                result["pagination"] = {"nextToken": token}
            return result

    def _summaries_page(self, skus, reserved, criteria, now) -> dict:
        marketplace_id = criteria["marketplaceId"]
        stock: dict[str, Counter] = {}
        for country in fba_summaries.pool_countries(marketplace_id):
            for sku, units in self.fba.fba_stock(country).items():
                stock.setdefault(sku, Counter()).update(units)
        return {
            "payload": {
                "granularity": {
                    "granularityType": "Marketplace",
                    "granularityId": marketplace_id,
                },
                "inventorySummaries": [
                    fba_summaries.summary(
                        self.fba,
                        sku,
                        marketplace_id,
                        reserved[sku],
                        stock.get(sku, {}),
                        details=criteria["details"],
                        now=now,
                    )
                    for sku in skus
                ],
            }
        }


def _single(params, name: str) -> str | None:
    values = params.get(name)
    return values[-1] if values else None


def _page_key(criteria: dict) -> tuple:
    """What a next page must be asked with as its first page was."""
    return criteria["marketplaceId"], criteria["since"]


def _summaries_criteria(params) -> dict:
    """The parameters of a getInventorySummaries request, checked as Amazon does
    (400 InvalidInput naming the parameter)."""
    if _single(params, "granularityType") != "Marketplace":
        raise invalid_input("granularityType is required and must be Marketplace.")
    granularity_id = _single(params, "granularityId")
    marketplaces = [
        m for raw in params.get("marketplaceIds", []) for m in raw.split(",") if m
    ]
    if len(marketplaces) != 1 or marketplaces[0] not in BY_ID:
        raise invalid_input("marketplaceIds must be one known marketplace id.")
    if granularity_id != marketplaces[0]:
        raise invalid_input("granularityId must be the marketplace id asked.")
    skus = [s for raw in params.get("sellerSkus", []) for s in raw.split(",") if s]
    if len(skus) > 50:
        raise invalid_input("sellerSkus may list 50 SKUs at most.")
    single = _single(params, "sellerSku")
    if single and not skus:
        skus = [single]
    details = (_single(params, "details") or "false").lower()
    if details not in ("true", "false"):
        raise invalid_input("details must be true or false.")
    since = _single(params, "startDateTime")
    try:
        since = parse_iso(since) if since else None
    except ValueError:
        raise invalid_input(
            f"Invalid startDateTime: '{since}' is not an ISO 8601 date."
        ) from None
    return {
        "marketplaceId": marketplaces[0],
        "sellerSkus": sorted(skus),
        "details": details == "true",
        "since": since,
    }


def _check_within(received: dict[str, int], items: dict[str, int]) -> None:
    check_units(items)
    check_units(received)
    for sku, units in received.items():
        if sku not in items or units > items[sku]:
            raise ValueError(
                f"{units} unit(s) of {sku} received, {items.get(sku, 0)} shipped."
            )
