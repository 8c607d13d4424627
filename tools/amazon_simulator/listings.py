"""Listing changes (stock, price) shared by patchListingsItem and the listings feed."""

from __future__ import annotations

from .generator import is_known_sku

CODE_UNKNOWN_SKU = "18027"
CODE_INVALID_VALUE = "90244"
CODE_SCHEMA = "4000001"


def _attribute_values(operation: str, attributes: dict | None, patches: list | None):
    """``(attribute name, values)`` written by a message or a patch request."""
    if operation in ("UPDATE", "PARTIAL_UPDATE"):
        return [(name, value) for name, value in (attributes or {}).items()]
    values = []
    for patch in patches or []:
        path = patch.get("path", "")
        if patch.get("op") in ("add", "replace", "merge") and path.startswith(
            "/attributes/"
        ):
            values.append((path.split("/")[2], patch.get("value") or []))
    return values


def check_change(
    sku: str, operation: str, attributes: dict | None, patches: list | None
) -> list[dict]:
    """Issues (code, message, attributeName) that make a listing change invalid."""
    if not is_known_sku(sku):
        return [
            {
                "code": CODE_UNKNOWN_SKU,
                "message": f"SKU '{sku}' does not match any listing of this seller.",
            }
        ]
    issues = []
    for name, values in _attribute_values(operation, attributes, patches):
        for value in values if isinstance(values, list) else []:
            if name == "fulfillment_availability":
                quantity = value.get("quantity")
                if quantity is not None and (
                    not isinstance(quantity, int)
                    or isinstance(quantity, bool)
                    or quantity < 0
                ):
                    issues.append(_bad_value(name, f"quantity {quantity!r}"))
            elif name == "purchasable_offer":
                for price in value.get("our_price", []):
                    for entry in price.get("schedule", []):
                        amount = entry.get("value_with_tax")
                        if not isinstance(amount, (int, float)) or amount < 0:
                            issues.append(_bad_value(name, f"price {amount!r}"))
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
) -> None:
    """Record the stock and price a valid change sets in ``listings[sku]``."""
    if operation == "DELETE":
        listings[sku] = {"deleted": True}
        return
    listing = listings.setdefault(sku, {})
    listing.pop("deleted", None)
    for name, values in _attribute_values(operation, attributes, patches):
        for value in values if isinstance(values, list) else []:
            if name == "fulfillment_availability" and "quantity" in value:
                listing["quantity"] = value["quantity"]
            elif name == "purchasable_offer":
                for price in value.get("our_price", []):
                    for entry in price.get("schedule", []):
                        listing.setdefault("prices", {})[
                            value.get("marketplace_id", "")
                        ] = {
                            "currency": value.get("currency"),
                            "value_with_tax": entry.get("value_with_tax"),
                        }
