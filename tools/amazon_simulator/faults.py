"""Faults injected by tests: the next calls of an operation fail in a chosen way."""

from __future__ import annotations

from dataclasses import dataclass, field

FAULT_KINDS = (
    "429",
    "500",
    "non_json_5xx",
    "timeout",
    "malformed_json",
    "expired_pagination_token",
    "invalid_grant",
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
        if count < 1:
            raise ValueError("count must be at least 1")
        fault = Fault(operation, kind, count, opts)
        self._faults.append(fault)
        return fault

    def take(self, operation: str) -> Fault | None:
        for fault in self._faults:
            if fault.operation == operation:
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
