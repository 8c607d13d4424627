"""Faults injected by tests: the next calls of an operation fail in a chosen way.

Two families: the HTTP answer itself (``RESPONSE_FAULT_KINDS``, served by the server
instead of the operation) and the outcome of a feed (``FEED_FAULT_KINDS``, only for
``createFeed``: the call succeeds, the feed it creates ends badly):

- ``fatal``: the feed ends ``FATAL``, nothing of it applied, with a processing report
  saying why (XML for the XML feeds);
- ``unclear_report``: the feed is processed, but its report's summary does not add up
  (``MessagesProcessed`` 0).

``feed_type="POST_ORDER_FULFILLMENT_DATA"`` (an option of ``inject_fault``) keeps a
feed fault for the next feed of that type.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

RESPONSE_FAULT_KINDS = (
    "429",
    "500",
    "non_json_5xx",
    "timeout",
    "malformed_json",
    "expired_pagination_token",
    "invalid_grant",
)
FEED_FAULT_KINDS = ("fatal", "unclear_report")
FAULT_KINDS = RESPONSE_FAULT_KINDS + FEED_FAULT_KINDS


@dataclass
class Fault:
    operation: str
    kind: str
    remaining: int
    opts: dict = field(default_factory=dict)


class FaultBook:
    """Pending faults, consumed first in, first out per operation (not thread-safe:
    the simulator state guards it with its lock)."""

    def __init__(self):
        self._faults: list[Fault] = []

    def add(self, operation: str, kind: str, count: int = 1, **opts) -> Fault:
        if kind not in FAULT_KINDS:
            raise ValueError(
                f"Unknown fault kind {kind!r}, expected one of {FAULT_KINDS}"
            )
        if kind in FEED_FAULT_KINDS and operation != "createFeed":
            raise ValueError(f"fault kind {kind!r} is for createFeed only")
        if count < 1:
            raise ValueError("count must be at least 1")
        fault = Fault(operation, kind, count, opts)
        self._faults.append(fault)
        return fault

    def take(
        self, operation: str, accept: Callable[[Fault], bool] | None = None
    ) -> Fault | None:
        """The first pending fault of ``operation`` that ``accept`` (default: any)
        takes, one use of it consumed."""
        for fault in self._faults:
            if fault.operation == operation and (accept is None or accept(fault)):
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    def clear(self) -> None:
        self._faults.clear()

    def pending(self) -> list[dict]:
        return [
            {"operation": f.operation, "kind": f.kind, "remaining": f.remaining}
            for f in self._faults
        ]
