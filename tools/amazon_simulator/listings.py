"""Listing changes (stock, price) shared by patchListingsItem and the listings feed.

``check_change`` says what makes a change invalid, ``apply_change`` records what a
valid one sets. Both read Amazon's side of the seller's listings through a
:class:`Knowledge` the state hands in (this module never imports the state):

- a SKU is known when it is in the generator's fixed ``CATALOGUE`` or was listed
  with ``SimulatorState.add_listing`` (``is_listed``); any other gets ``18027``;
- a SKU refused with ``SimulatorState.reject_sku`` gets that one issue, nothing else
  is checked or applied;
- a listed SKU's ``product_type`` must be the message's ``productType``
  (``CODE_PRODUCT_TYPE``, the simulator's code: Amazon documents none for it);
- values (``CODE_INVALID_VALUE``, Amazon's 90244): ``fulfillment_availability``
  ``quantity`` and ``lead_time_to_ship_max_days`` integers ≥ 0;
  ``purchasable_offer`` amounts (``our_price``, ``minimum_seller_allowed_price``,
  ``maximum_seller_allowed_price`` schedules) numbers ≥ 0 with minimum ≤ our price ≤
  maximum (a ``merge`` is checked against the bounds already held), the currency
  the marketplace's.

``listings[sku]`` holds ``quantity``, ``lead_time_to_ship_max_days`` and
``prices{marketplace_id: {currency, value_with_tax, minimum, maximum}}`` (the
numbers as sent); a listed SKU also ``asin``, ``title`` (and ``titles`` per
marketplace id), ``product_type``, ``status``, ``fulfillment_channel``,
``marketplace_ids``, ``listing_id``, ``open_date``. A ``replace`` (and ``UPDATE``/``PARTIAL_UPDATE`` attributes) sets
the whole value, a ``merge`` keeps what it does not carry (the handling time, the
price bounds). A ``DEFAULT`` quantity sent for a listing fulfilled by Amazon makes
it merchant-fulfilled, as Amazon does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from .generator import is_known_sku
from .marketplaces import BY_ID

CODE_UNKNOWN_SKU = "18027"
CODE_INVALID_VALUE = "90244"
CODE_SCHEMA = "4000001"
#: A message whose productType is not the listed SKU's (the simulator's own code).
CODE_PRODUCT_TYPE = "4000004"
#: ``reject_sku``'s default: Amazon's own example of a refused listing.
CODE_REJECTED = "90220"
REJECTED_MESSAGE = "'[batteries_required]' is required but not supplied."
REJECTED_ATTRIBUTE = "batteries_required"

FULFILLMENT_CHANNELS = ("DEFAULT", "AMAZON_NA", "AMAZON_EU", "AMAZON_FE", "AMAZON_JP")
LISTING_STATUSES = ("Active", "Inactive", "Incomplete")
_PRICE_KEYS = {
    "our_price": "value_with_tax",
    "minimum_seller_allowed_price": "minimum",
    "maximum_seller_allowed_price": "maximum",
}


@dataclass(frozen=True)
class Knowledge:
    """What Amazon knows of the seller's listings when it checks a change:
    ``listings`` (the state's ``listings``) and ``rejected`` (sku -> (code,
    message) of ``reject_sku``)."""

    listings: Mapping[str, dict] = field(default_factory=dict)
    rejected: Mapping[str, tuple[str, str]] = field(default_factory=dict)

    def is_known(self, sku: str) -> bool:
        return is_known_sku(sku) or is_listed(self.listings.get(sku))


def is_listed(listing: dict | None) -> bool:
    """A listing added with ``add_listing`` (not only changed by a feed or patch)."""
    return bool(listing) and "asin" in listing


def _attribute_values(operation: str, attributes: dict | None, patches: list | None):
    """``(attribute name, op, values)`` written by a message or a patch request;
    the attributes of ``UPDATE``/``PARTIAL_UPDATE`` count as ``replace``."""
    if operation in ("UPDATE", "PARTIAL_UPDATE"):
        return [(name, "replace", value) for name, value in (attributes or {}).items()]
    values = []
    for patch in patches or []:
        path = patch.get("path", "")
        if patch.get("op") in ("add", "replace", "merge") and path.startswith(
            "/attributes/"
        ):
            op = "merge" if patch["op"] == "merge" else "replace"
            values.append((path.split("/")[2], op, patch.get("value") or []))
    return values


def _objects(values) -> list[dict]:
    return (
        [v for v in values if isinstance(v, dict)] if isinstance(values, list) else []
    )


def _is_count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_amount(value) -> bool:
    return (
        isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0
    )


def decimal_of(value) -> Decimal | None:
    """A stored amount (a JSON number, a ``Decimal`` or a string) as a ``Decimal``."""
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _schedule_amounts(entries) -> list:
    return [
        entry.get("value_with_tax")
        for price in _objects(entries)
        for entry in _objects(price.get("schedule", []))
    ]


def check_change(
    sku: str,
    operation: str,
    attributes: dict | None,
    patches: list | None,
    *,
    product_type: str | None = None,
    knowledge: Knowledge | None = None,
    marketplace_id: str | None = None,
) -> list[dict]:
    """Issues (code, message, attributeName) that make a listing change invalid.

    ``product_type`` is the message's ``productType``; ``marketplace_id`` the one a
    ``purchasable_offer`` without ``marketplace_id`` is for.
    """
    knowledge = knowledge or Knowledge()
    rejected = knowledge.rejected.get(sku)
    if rejected is not None:
        code, message = rejected
        issue = {"code": code, "message": message}
        if message == REJECTED_MESSAGE:
            issue["attributeName"] = REJECTED_ATTRIBUTE
        return [issue]
    if not knowledge.is_known(sku):
        return [
            {
                "code": CODE_UNKNOWN_SKU,
                "message": f"SKU '{sku}' does not match any listing of this seller.",
            }
        ]
    listing = knowledge.listings.get(sku) or {}
    issues = []
    listed_type = listing.get("product_type") if is_listed(listing) else None
    if listed_type and product_type and product_type != listed_type:
        issues.append(
            {
                "code": CODE_PRODUCT_TYPE,
                "message": f"The product type '{product_type}' does not match the "
                f"product type '{listed_type}' of SKU '{sku}'.",
            }
        )
    for name, op, values in _attribute_values(operation, attributes, patches):
        for value in _objects(values):
            if name == "fulfillment_availability":
                for key in ("quantity", "lead_time_to_ship_max_days"):
                    number = value.get(key)
                    if number is not None and not _is_count(number):
                        issues.append(_bad_value(name, f"{key} {number!r}"))
            elif name == "purchasable_offer":
                issues.extend(_check_offer(name, op, value, listing, marketplace_id))
    return issues


def _check_offer(name, op, value, listing, default_marketplace) -> list[dict]:
    issues = []
    marketplace_id = value.get("marketplace_id") or default_marketplace
    market = BY_ID.get(marketplace_id or "")
    currency = value.get("currency")
    if currency is not None and market is not None and currency != market.currency:
        issues.append(
            _bad_value(
                name,
                f"currency {currency!r} (marketplace {marketplace_id} sells in "
                f"{market.currency})",
            )
        )
    held = listing.get("prices", {}).get(marketplace_id, {}) if op == "merge" else {}
    amounts = {key: decimal_of(held.get(key)) for key in _PRICE_KEYS.values()}
    for attribute, key in _PRICE_KEYS.items():
        if attribute not in value:
            continue
        entries = _schedule_amounts(value[attribute])
        bad = [a for a in entries if not _is_amount(a)]
        for amount in bad:
            issues.append(_bad_value(name, f"{attribute} {amount!r}"))
        if entries and not bad:
            amounts[key] = decimal_of(entries[-1])
    price, low, high = (amounts[k] for k in ("value_with_tax", "minimum", "maximum"))
    if price is not None and low is not None and price < low:
        issues.append(_bad_value(name, f"our_price {price} (below the minimum {low})"))
    if price is not None and high is not None and price > high:
        issues.append(_bad_value(name, f"our_price {price} (above the maximum {high})"))
    if low is not None and high is not None and low > high:
        issues.append(
            _bad_value(
                name, f"minimum_seller_allowed_price {low} (above the maximum {high})"
            )
        )
    return issues


def _bad_value(attribute: str, what: str) -> dict:
    return {
        "code": CODE_INVALID_VALUE,
        "message": f"The value {what} of '{attribute}' is not valid.",
        "attributeName": attribute,
    }


def apply_change(
    listings: dict,
    sku: str,
    operation: str,
    attributes: dict | None,
    patches: list | None,
    *,
    marketplace_id: str | None = None,
) -> None:
    """Record the stock and price a valid change sets in ``listings[sku]``
    (``marketplace_id``: that of a ``purchasable_offer`` without one)."""
    if operation == "DELETE":
        if is_listed(listings.get(sku)):
            listings[sku]["deleted"] = True
        else:
            listings[sku] = {"deleted": True}
        return
    listing = listings.setdefault(sku, {})
    listing.pop("deleted", None)
    for name, op, values in _attribute_values(operation, attributes, patches):
        for value in _objects(values):
            if name == "fulfillment_availability":
                _apply_availability(listing, op, value)
            elif name == "purchasable_offer":
                _apply_offer(listing, op, value, marketplace_id)


def _apply_availability(listing: dict, op: str, value: dict) -> None:
    channel = value.get("fulfillment_channel_code")
    if "quantity" in value:
        listing["quantity"] = value["quantity"]
        if channel == "DEFAULT" and is_listed(listing):
            listing["fulfillment_channel"] = "DEFAULT"
    if "lead_time_to_ship_max_days" in value:
        listing["lead_time_to_ship_max_days"] = value["lead_time_to_ship_max_days"]
    elif op == "replace":
        listing.pop("lead_time_to_ship_max_days", None)


def _apply_offer(listing: dict, op: str, value: dict, default_marketplace) -> None:
    marketplace_id = value.get("marketplace_id") or default_marketplace or ""
    prices = listing.setdefault("prices", {})
    held = prices.get(marketplace_id, {})
    entry = dict(held) if op == "merge" else {}
    currency = value.get("currency") or held.get("currency")
    if currency is None and marketplace_id in BY_ID:
        currency = BY_ID[marketplace_id].currency
    entry["currency"] = currency
    for attribute, key in _PRICE_KEYS.items():
        amounts = _schedule_amounts(value.get(attribute, []))
        if amounts:
            entry[key] = amounts[-1]
    prices[marketplace_id] = entry


#: ``includedData`` values of getListingsItem (Listings Items API 2021-08-01 model).
INCLUDED_DATA = (
    "summaries",
    "attributes",
    "issues",
    "offers",
    "fulfillmentAvailability",
    "procurement",
    "relationships",
    "productTypes",
)
#: The report's status -> the summary's ``status`` (``BUYABLE``, ``DISCOVERABLE``).
_SUMMARY_STATUSES = {
    "Active": ["BUYABLE", "DISCOVERABLE"],
    "Inactive": ["DISCOVERABLE"],
    "Incomplete": [],
}


def listings_item(
    sku: str, listing: dict, marketplace_ids: list[str], included: list[str], now: str
) -> dict:
    """getListingsItem's ``Item`` of a listed SKU (official model
    listingsItems_2021-08-01.json): ``summaries`` per marketplace asked that it is
    listed in, ``fulfillmentAvailability`` with its channel code (``DEFAULT`` with
    the merchant quantity, Amazon's network code with no quantity: Amazon counts
    that stock itself)."""
    item: dict = {"sku": sku}
    if "summaries" in included:
        item["summaries"] = [
            {
                "marketplaceId": marketplace_id,
                "asin": listing["asin"],
                "productType": listing.get("product_type") or "PRODUCT",
                "conditionType": "new_new",
                "status": _SUMMARY_STATUSES.get(listing.get("status", "Active"), []),
                "itemName": listing.get("titles", {}).get(marketplace_id)
                or listing.get("title")
                or sku,
                "createdDate": listing.get("open_date") or now,
                "lastUpdatedDate": now,
            }
            for marketplace_id in marketplace_ids
            if marketplace_id in listing.get("marketplace_ids", ())
        ]
    if "fulfillmentAvailability" in included:
        code = listing.get("fulfillment_channel", "DEFAULT")
        entry: dict = {"fulfillmentChannelCode": code}
        if code == "DEFAULT" and isinstance(listing.get("quantity"), int):
            entry["quantity"] = listing["quantity"]
        item["fulfillmentAvailability"] = [entry]
    if "issues" in included:
        item["issues"] = []
    return item
