"""GET_MERCHANT_LISTINGS_ALL_DATA, Amazon's "All Listings Report", built from the
listings the simulator holds (``SimulatorState.add_listing``, then the stock and
prices feeds and patches changed).

Tab-separated, a header row with Amazon's column names in Amazon's order, then one
row per listing of each marketplace asked, sorted by SKU. Values are written as
Amazon writes them: no quoting (a quote in a title stays a bare quote), prices with a
point and the currency's decimals ("19.99", "1980" in yen), an empty quantity for the
listings fulfilled by Amazon, ``Inactive`` for a merchant-fulfilled listing with no
stock. Japan's file is encoded in cp932 (``charset=Shift_JIS``), the others in UTF-8,
with a byte order mark when asked. Extra column names (a test's way of making Amazon
add columns) are appended with empty values.

Amazon does not write one layout: besides the documented one (``documented``), the
simulator writes the variants sellers publish, chosen per marketplace
(``SimulatorState.listings_report_layouts``) or by the request (``reportOptions``
``custom=true``): see :data:`LAYOUTS`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from .listings import decimal_of, is_listed
from .marketplaces import BY_ID, Marketplace
from .money import quantize
from .timeutil import parse_iso

REPORT_TYPE = "GET_MERCHANT_LISTINGS_ALL_DATA"

COLUMNS = (
    "item-name",
    "item-description",
    "listing-id",
    "seller-sku",
    "price",
    "quantity",
    "open-date",
    "image-url",
    "item-is-marketplace",
    "product-id-type",
    "zshop-shipping-fee",
    "item-note",
    "item-condition",
    "zshop-category1",
    "zshop-browse-path",
    "zshop-storefront-feature",
    "asin1",
    "asin2",
    "asin3",
    "will-ship-internationally",
    "expedited-shipping",
    "zshop-boldface",
    "product-id",
    "bid-for-featured-placement",
    "add-delete",
    "pending-quantity",
    "fulfillment-channel",
    "merchant-shipping-group",
    "status",
)
#: The header of each layout: (name written, documented column whose value goes
#: there, or None for a column written empty).
LAYOUTS: dict[str, tuple[tuple[str, str | None], ...]] = {
    # Amazon's report documentation (developer-docs.amazon.com, "Inventory
    # reports", All Listings Report), as quoted in amzn/selling-partner-api-models
    # #4557 and #5216.
    "documented": tuple((name, name) for name in COLUMNS),
    # Amazon.de accounts, #4140 (2024-08-30; #3999 the same without the middle
    # column): British fulfilment-channel, nine "Deprecated column" placeholders
    # (one per retired documented column, keeping the others' positions),
    # optional-payment-type-exclusion in the middle, two columns at the end.
    "de-4140": (
        ("item-name", "item-name"),
        ("item-description", "item-description"),
        ("listing-id", "listing-id"),
        ("seller-sku", "seller-sku"),
        ("price", "price"),
        ("quantity", "quantity"),
        ("open-date", "open-date"),
        ("Deprecated column", None),
        ("item-is-marketplace", "item-is-marketplace"),
        ("product-id-type", "product-id-type"),
        ("Deprecated column", None),
        ("item-note", "item-note"),
        ("item-condition", "item-condition"),
        ("Deprecated column", None),
        ("Deprecated column", None),
        ("Deprecated column", None),
        ("asin1", "asin1"),
        ("Deprecated column", None),
        ("Deprecated column", None),
        ("will-ship-internationally", "will-ship-internationally"),
        ("expedited-shipping", "expedited-shipping"),
        ("Deprecated column", None),
        ("product-id", "product-id"),
        ("Deprecated column", None),
        ("add-delete", "add-delete"),
        ("pending-quantity", "pending-quantity"),
        ("fulfilment-channel", "fulfillment-channel"),
        ("optional-payment-type-exclusion", None),
        ("merchant-shipping-group", "merchant-shipping-group"),
        ("status", "status"),
        ("Minimum order quantity", None),
        ("Sell remainder", None),
    ),
    # A Japanese seller's report (cp932): the names of the published Japanese
    # layout (出品者SKU, ASIN 1, フルフィルメント・チャンネル...; the sources are
    # listed in amazon_connector/amazon/listings_columns.py).
    "ja": (
        ("商品名", "item-name"),
        ("出品ID", "listing-id"),
        ("出品者SKU", "seller-sku"),
        ("価格", "price"),
        ("数量", "quantity"),
        ("出品日", "open-date"),
        ("商品IDタイプ", "product-id-type"),
        ("コンディション説明", "item-note"),
        ("コンディション", "item-condition"),
        ("ASIN 1", "asin1"),
        ("国外へ配送可", "will-ship-internationally"),
        ("迅速な配送", "expedited-shipping"),
        ("商品ID", "product-id"),
        ("フルフィルメント・チャンネル", "fulfillment-channel"),
        ("merchant-shipping-group", "merchant-shipping-group"),
        ("ステータス", "status"),
    ),
    # reportOptions custom=true, #4864 (2025-07-07), its "previous columns":
    # seller-sku first, business and quantity prices in the middle.
    "custom": (
        ("seller-sku", "seller-sku"),
        ("asin1", "asin1"),
        ("item-name", "item-name"),
        ("item-description", "item-description"),
        ("listing-id", "listing-id"),
        ("price", "price"),
        ("quantity", "quantity"),
        ("open-date", "open-date"),
        ("product-id-type", "product-id-type"),
        ("item-note", "item-note"),
        ("item-condition", "item-condition"),
        ("will-ship-internationally", "will-ship-internationally"),
        ("expedited-shipping", "expedited-shipping"),
        ("product-id", "product-id"),
        ("pending-quantity", "pending-quantity"),
        ("fulfillment-channel", "fulfillment-channel"),
        ("Business Price", None),
        ("Quantity Price Type", None),
        ("Quantity Lower Bound 1", None),
        ("Quantity Price 1", None),
        ("optional-payment-type-exclusion", None),
        ("scheduled-delivery-sku-set", None),
        ("merchant-shipping-group", "merchant-shipping-group"),
        ("standard-price-point", None),
        ("ProductTaxCode", None),
        ("status", "status"),
        ("minimum-seller-allowed-price", None),
        ("maximum-seller-allowed-price", None),
    ),
    # #5216 (2026-05-01): the documented columns without status.
    "no-status": tuple((name, name) for name in COLUMNS if name != "status"),
}
#: Layouts whose header is Japanese: the file is cp932 wherever it is asked.
_CP932_LAYOUTS = frozenset({"ja"})

#: product-id-type of an ASIN, item-condition of a new item.
_ASIN_ID_TYPE = "1"
_CONDITION_NEW = "11"
_SHIPPING_TEMPLATE = "Migrated Template"
UTF8_CONTENT_TYPE = "text/plain;charset=UTF-8"
JP_CONTENT_TYPE = "text/plain;charset=Shift_JIS"


@dataclass
class ListingsReport:
    content: bytes
    content_type: str
    rows: list[dict]


def listing_id(sku: str, opened: datetime) -> str:
    """A stable listing id shaped like Amazon's ("1120Z4F9A2B")."""
    digest = hashlib.sha256(sku.encode("utf-8")).hexdigest().upper()
    return f"{opened:%m%d}Z{digest[:6]}"


def asin_for(sku: str) -> str:
    """A stable ASIN for a SKU that is not in the catalogue ("B0" + 8 characters)."""
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    number = int.from_bytes(hashlib.sha256(f"asin:{sku}".encode()).digest()[:8], "big")
    chars = []
    for _ in range(8):
        number, rest = divmod(number, len(alphabet))
        chars.append(alphabet[rest])
    return "B0" + "".join(chars)


def _price(listing: dict, market: Marketplace) -> str:
    entry = listing.get("prices", {}).get(market.marketplace_id, {})
    amount = decimal_of(entry.get("value_with_tax"))
    if amount is None:
        return ""
    return str(quantize(amount, entry.get("currency") or market.currency))


def _clean(value) -> str:
    """A value as one TSV field: Amazon's files are not quoted, a tab or a line
    break in a title would break the row."""
    text = "" if value is None else str(value)
    return text.replace("\t", " ").replace("\r", " ").replace("\n", " ")


def _row(sku: str, listing: dict, market: Marketplace) -> dict:
    fba = listing.get("fulfillment_channel", "DEFAULT") != "DEFAULT"
    quantity = listing.get("quantity")
    status = listing.get("status", "Active")
    if not fba and quantity == 0 and status == "Active":
        status = "Inactive"
    opened = parse_iso(listing["open_date"])
    row = dict.fromkeys(COLUMNS, "")
    row.update(
        {
            "item-name": listing.get("titles", {}).get(market.marketplace_id)
            or listing.get("title")
            or "",
            "listing-id": listing.get("listing_id") or listing_id(sku, opened),
            "seller-sku": sku,
            "price": _price(listing, market),
            "quantity": "" if fba or quantity is None else str(quantity),
            "open-date": opened.strftime("%Y-%m-%d %H:%M:%S UTC"),
            "item-is-marketplace": "y",
            "product-id-type": _ASIN_ID_TYPE,
            "item-condition": _CONDITION_NEW,
            "asin1": listing["asin"],
            "product-id": listing["asin"],
            "pending-quantity": "" if fba else "0",
            "fulfillment-channel": listing.get("fulfillment_channel", "DEFAULT"),
            "merchant-shipping-group": "" if fba else _SHIPPING_TEMPLATE,
            "status": status,
        }
    )
    return row


def build_listings_report(
    listings: dict[str, dict],
    marketplace_ids: list[str],
    *,
    bom: bool = False,
    extra_columns: tuple[str, ...] = (),
    layout: str = "documented",
) -> ListingsReport:
    """The All Listings Report of ``marketplace_ids`` (known ids) from ``listings``
    (the state's: only those added with ``add_listing`` and not deleted count), in
    ``layout`` (a key of :data:`LAYOUTS`)."""
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {', '.join(LAYOUTS)}")
    markets = [BY_ID[m] for m in marketplace_ids]
    rows = [
        _row(sku, listing, market)
        for market in markets
        for sku, listing in sorted(listings.items())
        if is_listed(listing)
        and not listing.get("deleted")
        and market.marketplace_id in listing.get("marketplace_ids", ())
    ]
    header = LAYOUTS[layout]
    names = [name for name, _key in header]
    header += tuple((c, None) for c in extra_columns if c not in names)
    lines = ["\t".join(name for name, _key in header)]
    lines += [
        "\t".join(_clean(row.get(key, "")) if key else "" for _name, key in header)
        for row in rows
    ]
    text = "\n".join(lines) + "\n"
    if layout in _CP932_LAYOUTS or any(m.code == "JP" for m in markets):
        return ListingsReport(
            text.encode("cp932", errors="replace"), JP_CONTENT_TYPE, rows
        )
    content = text.encode("utf-8")
    if bom:
        content = b"\xef\xbb\xbf" + content
    return ListingsReport(content, UTF8_CONTENT_TYPE, rows)
