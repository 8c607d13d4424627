"""Faults injected by tests: the next calls of an operation fail in a chosen way.

Two families: the HTTP answer itself (``RESPONSE_FAULT_KINDS``, served by the server
instead of the operation) and the outcome of what a call creates
(``OUTCOME_FAULT_KINDS``: the call succeeds, the feed or report it creates ends
badly). For ``createFeed`` (``FEED_FAULT_KINDS``):

- ``fatal``: the feed ends ``FATAL``, nothing of it applied, with a processing report
  saying why (XML for the XML feeds);
- ``unclear_report``: the feed is processed, but its report's summary does not add up
  (``MessagesProcessed`` 0).

For ``createReport`` (``REPORT_FAULT_KINDS``):

- ``fatal``: the report ends ``FATAL``, its document a JSON ``{"errorDetails": ...}``
  instead of the report;
- ``cancelled``: the report ends ``CANCELLED``, without a document.

``feed_type="POST_ORDER_FULFILLMENT_DATA"`` (an option of ``inject_fault``) keeps a
feed fault for the next feed of that type, ``report_type=...`` a report fault for the
next report of that type.
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
REPORT_FAULT_KINDS = ("fatal", "cancelled")
#: operation -> the outcome faults it takes.
OUTCOME_FAULT_KINDS = {
    "createFeed": FEED_FAULT_KINDS,
    "createReport": REPORT_FAULT_KINDS,
}
FAULT_KINDS = RESPONSE_FAULT_KINDS + tuple(
    dict.fromkeys(kind for kinds in OUTCOME_FAULT_KINDS.values() for kind in kinds)
)


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
        if kind not in RESPONSE_FAULT_KINDS and kind not in OUTCOME_FAULT_KINDS.get(
            operation, ()
        ):
            operations = [op for op, k in OUTCOME_FAULT_KINDS.items() if kind in k]
            raise ValueError(
                f"fault kind {kind!r} is for {' and '.join(operations)} only"
            )
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
