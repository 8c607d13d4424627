"""Orders API v2026-01-01 answers: includedData projection and search filters."""

from __future__ import annotations

import copy
from datetime import datetime

from .timeutil import parse_iso

INCLUDED_DATA = (
    "BUYER",
    "RECIPIENT",
    "PROCEEDS",
    "EXPENSE",
    "PROMOTION",
    "CANCELLATION",
    "FULFILLMENT",
    "PACKAGES",
    "TAX",
    "PAYMENT",
    "FULFILLMENT_ORDERS",
)
FULFILLMENT_STATUSES = (
    "PENDING_AVAILABILITY",
    "PENDING",
    "UNSHIPPED",
    "PARTIALLY_SHIPPED",
    "SHIPPED",
    "CANCELLED",
    "UNFULFILLABLE",
)
FULFILLED_BY = ("MERCHANT", "AMAZON")

#: includedData value -> (order keys, order item keys) it brings.
_BLOCKS = {
    "BUYER": (("buyer",), ()),
    "RECIPIENT": (("recipient",), ()),
    "PROCEEDS": (("proceeds",), ("proceeds",)),
    "EXPENSE": ((), ("expense",)),
    "PROMOTION": ((), ("promotion",)),
    "CANCELLATION": ((), ("cancellation",)),
    "FULFILLMENT": (("fulfillment",), ("fulfillment",)),
    "PACKAGES": (("packages",), ()),
    "TAX": (("tax",), ("tax",)),
    "PAYMENT": (("payment",), ()),
    "FULFILLMENT_ORDERS": (("fulfillmentOrders",), ()),
}
_OPTIONAL_ORDER_KEYS = {key for keys, _i in _BLOCKS.values() for key in keys}
_OPTIONAL_ITEM_KEYS = {key for _o, keys in _BLOCKS.values() for key in keys}


def project(order: dict, included: set[str]) -> dict:
    """A deep copy of ``order`` keeping only the blocks listed in ``included``."""
    order_keys = {k for name in included for k in _BLOCKS[name][0]}
    item_keys = {k for name in included for k in _BLOCKS[name][1]}
    result = {
        key: copy.deepcopy(value)
        for key, value in order.items()
        if key not in _OPTIONAL_ORDER_KEYS or key in order_keys
    }
    result["orderItems"] = [
        {
            key: copy.deepcopy(value)
            for key, value in item.items()
            if key not in _OPTIONAL_ITEM_KEYS or key in item_keys
        }
        for item in order["orderItems"]
    ]
    if "packages" in result and not result["packages"]:
        del result["packages"]
    return result


class SearchFilter:
    """The filters of one searchOrders query (kept with its pagination token)."""

    def __init__(
        self,
        *,
        marketplace_ids: list[str],
        created_after: datetime | None = None,
        created_before: datetime | None = None,
        updated_after: datetime | None = None,
        updated_before: datetime | None = None,
        statuses: list[str] | None = None,
        fulfilled_by: list[str] | None = None,
    ):
        self.marketplace_ids = set(marketplace_ids)
        self.created_after = created_after
        self.created_before = created_before
        self.updated_after = updated_after
        self.updated_before = updated_before
        self.statuses = set(statuses or ())
        self.fulfilled_by = set(fulfilled_by or ())

    @property
    def by_creation(self) -> bool:
        return self.created_after is not None

    def matches(self, order: dict) -> bool:
        if order["salesChannel"].get("marketplaceId") not in self.marketplace_ids:
            return False
        fulfillment = order.get("fulfillment", {})
        if self.statuses and fulfillment.get("fulfillmentStatus") not in self.statuses:
            return False
        if (
            self.fulfilled_by
            and fulfillment.get("fulfilledBy") not in self.fulfilled_by
        ):
            return False
        if self.by_creation:
            return _within(
                parse_iso(order["createdTime"]), self.created_after, self.created_before
            )
        return _within(
            parse_iso(order["lastUpdatedTime"]), self.updated_after, self.updated_before
        )

    def sort_key(self, order: dict):
        field = "createdTime" if self.by_creation else "lastUpdatedTime"
        return (parse_iso(order[field]), order["orderId"])


def _within(value: datetime, after: datetime | None, before: datetime | None) -> bool:
    if after is not None and value < after:
        return False
    return not (before is not None and value > before)
