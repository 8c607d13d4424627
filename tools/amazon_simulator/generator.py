"""Seeded generation of realistic Orders API v2026-01-01 orders.

Every order is internally consistent: each item's ``proceedsTotal`` is the sum of its
breakdowns, the order's ``grandTotal`` the sum of its items' totals. ``DISCOUNT``
breakdowns are negative, ``TAX`` is added on top of the taxed amounts (as in the
official sandbox examples).

On the marketplaces whose prices include the tax (all but the US) Amazon sends three
shapes, and the generator takes them in turn per marketplace (see
:meth:`OrderGenerator.tax_shape`, :data:`TAX_SHAPES`):

- ``TAX_ADDED``: ``ITEM`` + ``TAX``, the tax on top of the amounts (Amazon calculates
  the VAT; the official sandbox examples add up this way);
- ``ITEM_ONLY``: no ``TAX`` breakdown, the amounts being what the buyer paid (sellers
  who calculate their VAT themselves; the official Amazon.co.uk and Amazon.co.jp
  examples);
- ``TAX_INCLUDED``: ``ITEM`` (and ``SHIPPING``, ``GIFT_WRAP``, ``DISCOUNT``) hold what
  the buyer paid, VAT included, and ``TAX`` gives the VAT part of them, which
  ``proceedsTotal`` does not add again. This is v0's ``ItemPrice`` / ``ItemTax``
  carried over: Amazon's Orders API migration guide (developer-docs.amazon.com/sp-api/
  docs/orders-api-migration-guide) maps ``ItemPrice`` to the ``ITEM`` breakdown and
  ``ItemTax`` to ``TAX`` (``ShippingTax``, ``GiftWrapTax``, ``PromotionDiscountTax``
  to its ``detailedBreakdowns`` ``SHIPPING``, ``GIFT_WRAP``, ``DISCOUNT``), and on
  the EU and UK marketplaces v0's ``ItemPrice`` is the price the buyer paid, VAT
  included, ``ItemTax`` the VAT in it (``ordersV0.json``: "ItemTax: The tax on the
  item price"; ``orders_2026-01-01.json``: ``ItemProceedsBreakdown`` types,
  ``ItemProceedsDetailedBreakdown`` "only available for TAX and DISCOUNT").

US orders always carry their ``TAX`` on top.
"""

from __future__ import annotations

import random
import string
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from .marketplaces import MARKETPLACES, Marketplace
from .money import amount_of, money, quantize
from .timeutil import iso
from .vat_registrations import VAT_COUNTRIES, buyer_registration, vat_number

CATALOGUE_SIZE = 200

#: Amazon's tax shapes (module docstring), in the order the generator takes them.
TAX_ADDED = "tax_added"
ITEM_ONLY = "item_only"
TAX_INCLUDED = "tax_included"
TAX_SHAPES = (TAX_ADDED, ITEM_ONLY, TAX_INCLUDED)

_ADJECTIVES = ("Classic", "Compact", "Deluxe", "Eco", "Premium", "Smart", "Travel")
_NOUNS = (
    ("Coffee Mug", "マグカップ"),
    ("Desk Lamp", "デスクライト"),
    ("Phone Case", "スマホケース"),
    ("Water Bottle", "水筒"),
    ("Backpack", "リュック"),
    ("Notebook", "ノート"),
    ("Headphones", "ヘッドホン"),
    ("Yoga Mat", "ヨガマット"),
    ("Tea Set", "ティーセット"),
    ("Umbrella", "傘"),
)
_COLOURS = ("Black", "Blue", "Green", "Grey", "Red", "White")

_PEOPLE = {
    "US": ("John Miller", "Emily Johnson", "Michael Brown", "Sarah Davis"),
    "GB": ("Oliver Smith", "Amelia Jones", "Harry Taylor", "Isla Wilson"),
    "DE": ("Max Müller", "Sophie Schmidt", "Lukas Weber", "Marie Schäfer"),
    "FR": ("Louis Martin", "Camille Bernard", "Hugo Dubois", "Léa Moreau"),
    "IT": ("Marco Rossi", "Giulia Russo", "Luca Ferrari", "Sofia Esposito"),
    "ES": ("Javier García", "Lucía Martínez", "Pablo López", "Carmen Sánchez"),
    "JP": ("山田 太郎", "佐藤 花子", "鈴木 一郎", "高橋 美咲"),
}
_ADDRESSES = {
    "US": (
        ("742 Evergreen Terrace", "Springfield", "OR", "97403"),
        ("1600 Pike Place", "Seattle", "WA", "98101"),
    ),
    "GB": (
        ("221B Baker Street", "London", "Greater London", "NW1 6XE"),
        ("12 Deansgate", "Manchester", "Greater Manchester", "M3 2BW"),
    ),
    "DE": (
        ("Hauptstraße 12", "Berlin", "Berlin", "10115"),
        ("Marienplatz 8", "München", "Bayern", "80331"),
    ),
    "FR": (
        ("12 rue de Rivoli", "Paris", "Île-de-France", "75001"),
        ("5 place Bellecour", "Lyon", "Auvergne-Rhône-Alpes", "69002"),
    ),
    "IT": (
        ("Via Roma 10", "Milano", "MI", "20121"),
        ("Via del Corso 45", "Roma", "RM", "00186"),
    ),
    "ES": (
        ("Calle Mayor 5", "Madrid", "Madrid", "28013"),
        ("Passeig de Gràcia 21", "Barcelona", "Barcelona", "08007"),
    ),
    "JP": (
        ("千代田1-1", "千代田区", "東京都", "100-0001"),
        ("梅田3-1-3", "大阪市北区", "大阪府", "530-0001"),
    ),
}
_CARRIERS = {"US": "UPS", "GB": "Royal Mail", "JP": "Yamato", "DE": "DHL"}
_GIFT_MESSAGES = (
    "Happy birthday! Enjoy.",
    "Merry Christmas from all of us",
    "Alles Gute zum Geburtstag!",
    "お誕生日おめでとう",
)

#: Fixed extra charges per currency.
_SHIPPING = {"JPY": Decimal("600"), "GBP": Decimal("3.99")}
_GIFT_WRAP = {"JPY": Decimal("500"), "GBP": Decimal("2.99")}


@dataclass(frozen=True)
class Product:
    sku: str
    asin: str
    title: str
    title_ja: str
    base_price_eur: Decimal
    product_type: str = "HOME"

    def price_in(self, marketplace: Marketplace) -> Decimal:
        return quantize(
            self.base_price_eur * Decimal(marketplace.eur_rate), marketplace.currency
        )


def _build_catalogue() -> dict[str, Product]:
    rng = random.Random(20260101)  # the catalogue never depends on the seed
    products = {}
    for number in range(1, CATALOGUE_SIZE + 1):
        noun, noun_ja = _NOUNS[number % len(_NOUNS)]
        colour = _COLOURS[number % len(_COLOURS)]
        adjective = _ADJECTIVES[number % len(_ADJECTIVES)]
        sku = f"SKU-{number:04d}"
        products[sku] = Product(
            sku=sku,
            asin="B0"
            + "".join(rng.choices(string.ascii_uppercase + string.digits, k=8)),
            title=f"{adjective} {noun}, {colour}",
            title_ja=f"{noun_ja} ({colour})",
            base_price_eur=Decimal(rng.randrange(499, 14999)) / 100,
        )
    return products


CATALOGUE: dict[str, Product] = _build_catalogue()


def is_known_sku(sku: str) -> bool:
    return sku in CATALOGUE


@dataclass
class GeneratedOrder:
    """An order as Amazon answers it now, and the data it still withholds."""

    order: dict
    withheld: dict = field(default_factory=dict)


class OrderGenerator:
    """Makes orders from a random generator; same seed, same orders.

    ``shapes`` counts the orders made per marketplace (give the same ``Counter`` to
    the generators of one simulator so the tax shapes keep taking turns)."""

    def __init__(
        self, rng: random.Random, seller_id: str, shapes: Counter | None = None
    ):
        self.rng = rng
        self.seller_id = seller_id
        self.shapes = shapes if shapes is not None else Counter()

    def tax_shape(self, marketplace: Marketplace) -> str:
        """The tax shape of the next order of ``marketplace``: always
        ``TAX_ADDED`` on a marketplace whose prices exclude the tax; else the three
        :data:`TAX_SHAPES` in turn (the first order ``TAX_ADDED``), without drawing
        from the random generator."""
        count = self.shapes[marketplace.code]
        self.shapes[marketplace.code] += 1
        if not marketplace.prices_include_tax:
            return TAX_ADDED
        return TAX_SHAPES[count % len(TAX_SHAPES)]

    # -- identifiers
    def _order_id(self, marketplace: Marketplace) -> str:
        rng = self.rng
        prefix = rng.choice(marketplace.order_prefixes)
        return f"{prefix}-{rng.randrange(10**7):07d}-{rng.randrange(10**7):07d}"

    def _item_id(self) -> str:
        return f"{self.rng.randrange(10**13, 10**14)}"

    # -- building blocks
    def _buyer(self, marketplace: Marketplace, merchant: bool, business: bool) -> dict:
        rng = self.rng
        buyer = {"buyerName": rng.choice(_PEOPLE[marketplace.country])}
        if merchant:
            relay = "".join(rng.choices(string.ascii_lowercase + string.digits, k=14))
            buyer["buyerEmail"] = f"{relay}@marketplace.{marketplace.domain}"
        if business:
            buyer["buyerCompanyName"] = rng.choice(
                ("Acme Trading", "Northwind Supplies", "Globex Services")
            )
            buyer["buyerPurchaseOrderNumber"] = f"PO-{rng.randrange(10000, 99999)}"
        return buyer

    def _recipient(self, marketplace: Marketplace, buyer: dict, business: bool) -> dict:
        rng = self.rng
        street, city, region, postal = rng.choice(_ADDRESSES[marketplace.country])
        address = {
            "name": buyer["buyerName"],
            "addressLine1": street,
            "city": city,
            "stateOrRegion": region,
            "postalCode": postal,
            "countryCode": marketplace.country,
            "phone": f"+{rng.randrange(10**9, 10**10)}",
            "addressType": "COMMERCIAL" if business else "RESIDENTIAL",
        }
        if business:
            address["companyName"] = buyer["buyerCompanyName"]
        if rng.random() < 0.3:
            address["addressLine2"] = f"Apt {rng.randrange(1, 90)}"
        return {"deliveryAddress": address}

    def _pick_sku(self) -> str:
        if self.rng.random() < 0.05:
            return f"UNKNOWN-{self.rng.randrange(1000):03d}"
        return f"SKU-{self.rng.randrange(1, CATALOGUE_SIZE + 1):04d}"

    def _product(self, sku: str, marketplace: Marketplace, business: bool) -> dict:
        rng = self.rng
        known = CATALOGUE.get(sku)
        if known:
            asin, price = known.asin, known.price_in(marketplace)
            title = known.title_ja if marketplace.code == "JP" else known.title
        else:
            asin = "B0" + "".join(
                rng.choices(string.ascii_uppercase + string.digits, k=8)
            )
            title = f"Unlisted item {sku}"
            price = quantize(
                Decimal(rng.randrange(500, 5000)) / 100 * Decimal(marketplace.eur_rate),
                marketplace.currency,
            )
        product = {
            "asin": asin,
            "title": title,
            "sellerSku": sku,
            "condition": {"conditionType": "NEW", "conditionSubtype": "NEW"},
            "price": {"unitPrice": money(price, marketplace.currency)},
        }
        if business:
            product["price"]["priceDesignation"] = "BUSINESS_PRICE"
        return product

    @staticmethod
    def _item_proceeds(
        marketplace: Marketplace,
        unit_price: Decimal,
        quantity: int,
        shipping: Decimal,
        gift_wrap: Decimal,
        discount: Decimal,
        shape: str = TAX_ADDED,
    ) -> dict:
        """Breakdowns of one item in ``shape`` (module docstring); ``discount`` is a
        positive amount taken off."""
        cur = marketplace.currency
        item = quantize(unit_price * quantity, cur)
        breakdowns = [{"type": "ITEM", "subtotal": money(item, cur)}]
        if shipping:
            breakdowns.append({"type": "SHIPPING", "subtotal": money(shipping, cur)})
        if gift_wrap:
            breakdowns.append({"type": "GIFT_WRAP", "subtotal": money(gift_wrap, cur)})
        if discount:
            breakdowns.append(
                {
                    "type": "DISCOUNT",
                    "subtotal": money(-discount, cur),
                    "detailedBreakdowns": [
                        {"subtype": "ITEM", "value": money(-discount, cur)}
                    ],
                }
            )
        total = sum(amount_of(b["subtotal"]) for b in breakdowns)
        rate = Decimal(marketplace.tax_rate)
        if rate and shape == TAX_ADDED:
            parts = [
                ("ITEM", quantize((item - discount) * rate, cur)),
                ("SHIPPING", quantize(shipping * rate, cur)),
                ("GIFT_WRAP", quantize(gift_wrap * rate, cur)),
            ]
        elif rate and shape == TAX_INCLUDED:
            # The VAT part of each amount the buyer paid; the promotion's (v0's
            # PromotionDiscountTax) taken off as a negative DISCOUNT detail.
            parts = [
                (subtype, vat_part(value, rate, cur))
                for subtype, value in (
                    ("ITEM", item),
                    ("SHIPPING", shipping),
                    ("GIFT_WRAP", gift_wrap),
                    ("DISCOUNT", -discount),
                )
            ]
        else:
            parts = []
        parts = [(subtype, value) for subtype, value in parts if value]
        if parts:
            tax = sum(v for _s, v in parts)
            breakdowns.append(
                {
                    "type": "TAX",
                    "subtotal": money(tax, cur),
                    "detailedBreakdowns": [
                        {"subtype": subtype, "value": money(value, cur)}
                        for subtype, value in parts
                    ],
                }
            )
            if shape == TAX_ADDED:
                total += tax
        return {"proceedsTotal": money(total, cur), "breakdowns": breakdowns}

    # -- the order
    def order(
        self, marketplace: Marketplace, now: datetime, tax_shape: str | None = None
    ) -> GeneratedOrder:
        """A new order of ``marketplace``; ``tax_shape`` (one of
        :data:`TAX_SHAPES`) chooses its shape instead of the turn
        (:meth:`tax_shape`), without changing the turn."""
        if tax_shape is not None and tax_shape not in TAX_SHAPES:
            raise ValueError(f"unknown tax shape {tax_shape!r}")
        if tax_shape not in (None, TAX_ADDED) and not marketplace.prices_include_tax:
            raise ValueError(
                f"{marketplace.name} prices exclude the tax: only {TAX_ADDED}"
            )
        rng = self.rng
        cur = marketplace.currency
        afn = rng.random() < 0.3
        business = rng.random() < 0.1
        prime = rng.random() < 0.4
        promoted = rng.random() < 0.2
        gift = not afn and rng.random() < 0.12
        shape = tax_shape or self.tax_shape(marketplace)
        if afn:
            status = rng.choices(("SHIPPED", "PENDING", "CANCELLED"), (70, 15, 15))[0]
        else:
            status = rng.choices(
                ("PENDING", "UNSHIPPED", "PARTIALLY_SHIPPED", "SHIPPED", "CANCELLED"),
                (15, 35, 5, 35, 10),
            )[0]
        created = now - timedelta(minutes=rng.randrange(10, 7 * 24 * 60))
        updated = created + (now - created) * rng.random() * 0.5
        if status == "PENDING":
            updated = created
        order_id = self._order_id(marketplace)

        item_count = rng.choices((1, 2, 3), (60, 25, 15))[0]
        items = []
        for index in range(item_count):
            sku = self._pick_sku()
            quantity = rng.choices((1, 2, 3), (75, 18, 7))[0]
            if status == "PARTIALLY_SHIPPED" and index == 0 and item_count == 1:
                quantity = max(quantity, 2)
            product = self._product(sku, marketplace, business)
            unit = amount_of(product["price"]["unitPrice"])
            shipping = (
                _SHIPPING.get(cur, Decimal("4.99"))
                if not afn and not prime and index == 0 and rng.random() < 0.6
                else Decimal(0)
            )
            wrap = _GIFT_WRAP.get(cur, Decimal("3.49")) if gift and index == 0 else 0
            discount = (
                quantize(unit * quantity * Decimal("0.10"), cur)
                if promoted and index == 0
                else Decimal(0)
            )
            item = {
                "orderItemId": self._item_id(),
                "quantityOrdered": quantity,
                "measurement": {"unit": "COUNT", "value": quantity},
                "product": product,
                "proceeds": self._item_proceeds(
                    marketplace,
                    unit,
                    quantity,
                    shipping,
                    Decimal(wrap),
                    discount,
                    shape,
                ),
                "fulfillment": {
                    "quantityFulfilled": 0,
                    "quantityUnfulfilled": quantity,
                },
            }
            if promoted and index == 0:
                item["promotion"] = {
                    "breakdowns": [
                        {
                            "promotionId": f"PROMO-{marketplace.code}-"
                            f"{rng.randrange(100, 999)}"
                        }
                    ]
                }
            if wrap:
                item["fulfillment"]["packing"] = {
                    "giftOption": {
                        "giftMessage": rng.choice(_GIFT_MESSAGES),
                        "giftWrapLevel": rng.choice(("STANDARD", "CLASSIC")),
                    }
                }
            if marketplace.code == "US":
                item["tax"] = {
                    "taxCollections": [
                        {
                            "model": "MARKETPLACE_FACILITATOR",
                            "responsibleParty": "Amazon Services LLC",
                        }
                    ]
                }
            if marketplace.code == "JP" and rng.random() < 0.5:
                points = int(unit * quantity / 100)
                item["expense"] = {
                    "pointsCost": {
                        "pointsGranted": {
                            "pointsNumber": points,
                            "pointsMonetaryValue": money(Decimal(points), cur),
                        }
                    }
                }
            items.append(item)

        programs = []
        if prime:
            programs.append("PRIME")
        if business:
            programs.append("AMAZON_BUSINESS")
        buyer = self._buyer(marketplace, not afn, business)
        order = {
            "orderId": order_id,
            "createdTime": iso(created),
            "lastUpdatedTime": iso(updated),
            "programs": programs,
            "salesChannel": {
                "channelName": "AMAZON",
                "marketplaceId": marketplace.marketplace_id,
                "marketplaceName": marketplace.name,
            },
            "buyer": buyer,
            "recipient": self._recipient(marketplace, buyer, business),
            "fulfillment": {
                "fulfillmentStatus": status,
                "fulfilledBy": "AMAZON" if afn else "MERCHANT",
                "fulfillmentServiceLevel": "NEXT_DAY" if prime else "STANDARD",
                "shipByWindow": {
                    "earliestDateTime": iso(created),
                    "latestDateTime": iso(created + timedelta(days=2)),
                },
                "deliverByWindow": {
                    "earliestDateTime": iso(created + timedelta(days=2)),
                    "latestDateTime": iso(created + timedelta(days=5)),
                },
            },
            "orderItems": items,
        }
        if business:
            digits = rng.randrange(10**8, 10**9)
            if marketplace.country in VAT_COUNTRIES:
                # EU and UK: the buyer's VAT registration (vat_registrations.py).
                order["tax"] = buyer_registration(
                    buyer,
                    order["recipient"]["deliveryAddress"],
                    vat_number(marketplace.country, digits),
                )
            else:
                order["tax"] = {
                    "taxRegistrations": [
                        {
                            "entityType": "BUYER",
                            "taxRegistrationType": "BUSINESS",
                            "taxRegistrationNumber": f"{marketplace.country}{digits}",
                            "legalName": buyer["buyerCompanyName"],
                        }
                    ],
                    "taxInvoicing": {"buyerInvoicePreference": "BUSINESS"},
                }
        recompute_order_proceeds(order)
        if not afn:
            order["packages"] = []
        apply_generated_status(order, status, updated, rng)
        return self._withhold_if_pending(order, status)

    def _withhold_if_pending(self, order: dict, status: str) -> GeneratedOrder:
        if status != "PENDING":
            return GeneratedOrder(order)
        withheld = {
            "buyer": order.pop("buyer"),
            "recipient": order.pop("recipient"),
        }
        if self.rng.random() < 0.6:
            withheld["proceeds"] = order.pop("proceeds")
            withheld["items"] = {}
            for item in order["orderItems"]:
                withheld["items"][item["orderItemId"]] = {
                    "price": item["product"].pop("price"),
                    "proceeds": item.pop("proceeds"),
                }
        return GeneratedOrder(order, withheld)


def vat_part(gross: Decimal, rate: Decimal, currency: str) -> Decimal:
    """The VAT in ``gross`` (VAT included) at ``rate`` (0.19), rounded half up to
    the currency: the amount Odoo's price-included tax computes for the line."""
    return quantize(gross - gross / (1 + rate), currency)


def recompute_order_proceeds(order: dict) -> None:
    """Set the order's proceeds from its items (grand total and per-type subtotals)."""
    items = [i for i in order["orderItems"] if "proceeds" in i]
    if not items:
        return
    currency = items[0]["proceeds"]["proceedsTotal"]["currencyCode"]
    by_type: dict[str, Decimal] = {}
    for item in items:
        for breakdown in item["proceeds"]["breakdowns"]:
            by_type[breakdown["type"]] = by_type.get(breakdown["type"], Decimal(0)) + (
                amount_of(breakdown["subtotal"])
            )
    total = sum(amount_of(i["proceeds"]["proceedsTotal"]) for i in items)
    order["proceeds"] = {
        "grandTotal": money(total, currency),
        "breakdowns": [
            {"type": kind, "subtotal": money(value, currency)}
            for kind, value in by_type.items()
        ],
    }


def apply_generated_status(
    order: dict, status: str, at: datetime, rng: random.Random | None = None
) -> None:
    """Put items, packages and cancellations in line with ``status``."""
    rng = rng or random.Random(order["orderId"])
    items = order["orderItems"]
    merchant = order["fulfillment"]["fulfilledBy"] == "MERCHANT"
    order["fulfillment"]["fulfillmentStatus"] = status
    if status == "CANCELLED":
        for item in items:
            item.setdefault("fulfillment", {})
            item["fulfillment"]["quantityUnfulfilled"] = 0
            item["cancellation"] = {
                "cancellationRequest": {
                    "requester": "BUYER",
                    "cancelReason": "BUYER_CANCELED",
                },
                "cancellationExecution": {
                    "cancelledBy": "SELLER" if merchant else "AMAZON",
                    "cancelReason": "BUYER_CANCELED",
                },
            }
        return
    if status in ("SHIPPED", "PARTIALLY_SHIPPED"):
        lines = []
        for index, item in enumerate(items):
            ship = item["fulfillment"]["quantityUnfulfilled"]
            if status == "PARTIALLY_SHIPPED":
                ship = 1 if index == 0 else 0
            if ship:
                lines.append((item, ship))
        ship_lines(
            order, lines, at, _generated_package(order, rng) if merchant else None
        )


def _generated_package(order: dict, rng: random.Random) -> dict:
    country = order.get("recipient", {}).get("deliveryAddress", {}).get("countryCode")
    carrier = _CARRIERS.get(country, "DHL")
    return {
        "carrier": carrier,
        "trackingNumber": f"{rng.randrange(10**11, 10**12)}",
        "shippingService": "Standard",
    }


def ship_lines(
    order: dict, lines: list[tuple[dict, int]], at: datetime, package: dict | None
) -> None:
    """Ship ``quantity`` of each ``(item, quantity)``; record a package when given."""
    for item, quantity in lines:
        fulfillment = item.setdefault("fulfillment", {})
        fulfillment["quantityFulfilled"] = (
            fulfillment.get("quantityFulfilled", 0) + quantity
        )
        fulfillment["quantityUnfulfilled"] = (
            fulfillment.get("quantityUnfulfilled", item["quantityOrdered"]) - quantity
        )
    if package is not None:
        packages = order.setdefault("packages", [])
        entry = {
            "packageReferenceId": package.get(
                "packageReferenceId", str(len(packages) + 1)
            ),
            "createdTime": iso(at),
            "packageStatus": {"status": "SHIPPED"},
            "carrier": package["carrier"],
            "shipTime": package.get("shipTime", iso(at)),
            "shippingService": package.get("shippingService", "Standard"),
            "trackingNumber": package.get("trackingNumber", ""),
            "packageItems": [
                {"orderItemId": item["orderItemId"], "quantity": quantity}
                for item, quantity in lines
            ],
        }
        packages.append(entry)
    remaining = sum(
        i.get("fulfillment", {}).get("quantityUnfulfilled", 0)
        for i in order["orderItems"]
    )
    shipped = sum(
        i.get("fulfillment", {}).get("quantityFulfilled", 0)
        for i in order["orderItems"]
    )
    if shipped:
        order["fulfillment"]["fulfillmentStatus"] = (
            "SHIPPED" if remaining == 0 else "PARTIALLY_SHIPPED"
        )


def marketplaces_for(codes) -> list[Marketplace]:
    return [MARKETPLACES[c.upper()] for c in codes]
