"""The quantity offered on Amazon: what is free to sell, less a reserve held back.

Stock is free when it is on hand and neither committed to other orders nor reserved;
Amazon takes whole units, so the free quantity is rounded down. A reserve rule,
written ``Value:Calculation_ID`` (``5:FIXED`` holds back 5 units, ``10:PERCENT`` a
tenth of the free units), is rounded up, so the quantity sent never exceeds what is
there.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, InvalidOperation

FIXED = "FIXED"
PERCENT = "PERCENT"
KINDS = (FIXED, PERCENT)

#: Quantities come from the ORM as floats: within a millionth, 2.9999999 units are 3.
_NOISE = Decimal("0.000001")
_NUMBER = re.compile(r"^(\d+(\.\d*)?|\.\d+)$")
_FORMAT_HINT = "the format is Value:FIXED or Value:PERCENT, e.g. 5:FIXED"


class InvalidReserveRule(ValueError):
    """A reserve rule that cannot be read; the message is meant for the user."""


def _decimal(value) -> Decimal:
    """``value`` (int, float, Decimal) as an exact Decimal of what it prints as."""
    if isinstance(value, bool):
        raise TypeError("a quantity must be a number, not a bool")
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"quantity {value!r} is not a number") from None
    if not number.is_finite():
        raise ValueError(f"quantity {value!r} is not a finite number")
    return number


def _whole(value: Decimal) -> int:
    """``value`` rounded down to a whole number, once rid of float noise."""
    if value.adjusted() < 20:  # quantize needs the digits within the context
        value = value.quantize(_NOISE)
    return int(value.to_integral_value(rounding=ROUND_FLOOR))


def _ceil(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_CEILING))


@dataclass(frozen=True)
class ReserveRule:
    """Units held back from Amazon: ``value`` units (FIXED) or ``value`` percent of
    the free quantity (PERCENT), rounded up."""

    value: Decimal
    kind: str

    def __post_init__(self):
        if not isinstance(self.value, Decimal):
            object.__setattr__(self, "value", Decimal(str(self.value)))
        if self.kind not in KINDS:
            raise InvalidReserveRule(
                f"unknown reserve kind {self.kind!r}: use FIXED or PERCENT"
            )
        if not self.value.is_finite():
            raise InvalidReserveRule(f"the reserve value {self.value} is not a number")
        if self.value < 0:
            raise InvalidReserveRule(
                f"the reserve value {self.value} must not be negative"
            )
        if self.kind == PERCENT and self.value > 100:
            raise InvalidReserveRule(
                f"a PERCENT reserve cannot exceed 100 (got {self})"
            )

    def held_back(self, base: int) -> int:
        """Units held back out of ``base`` free units (never more than ``base``)."""
        base = max(0, int(base))
        if self.kind == FIXED:
            wanted = _ceil(self.value)
        else:
            wanted = _ceil(Decimal(base) * self.value / 100)
        return min(base, wanted)

    def __str__(self) -> str:
        return f"{self.value.normalize():f}:{self.kind}"


def parse_reserve_rule(text: str | None) -> ReserveRule | None:
    """Read ``Value:FIXED`` or ``Value:PERCENT`` (spaces and the case of the kind do
    not matter); nothing written means no reserve (None).

    Raises :class:`InvalidReserveRule` with a message for the user.
    """
    if text is None or not text.strip():
        return None
    raw = text.strip()
    value_text, colon, kind_text = raw.partition(":")
    value_text, kind_text = value_text.strip(), kind_text.strip()
    if not colon:
        raise InvalidReserveRule(f"{raw!r} is not a reserve rule: {_FORMAT_HINT}")
    if not value_text:
        raise InvalidReserveRule(f"the reserve value is missing: {_FORMAT_HINT}")
    if not kind_text:
        raise InvalidReserveRule(
            f"the reserve kind is missing: write {value_text}:FIXED or "
            f"{value_text}:PERCENT"
        )
    kind = kind_text.upper()
    if kind not in KINDS:
        raise InvalidReserveRule(
            f"unknown reserve kind {kind_text!r}: use FIXED or PERCENT"
        )
    if value_text.startswith("-") and _NUMBER.match(value_text[1:]):
        raise InvalidReserveRule(f"the reserve value {value_text} must not be negative")
    if not _NUMBER.match(value_text):
        raise InvalidReserveRule(
            f"the reserve value {value_text!r} is not a number (write it with a "
            f"decimal point: {_FORMAT_HINT})"
        )
    return ReserveRule(value=Decimal(value_text), kind=kind)


@dataclass(frozen=True)
class Availability:
    """How the quantity sent to Amazon (``quantity``) was reached."""

    on_hand: Decimal
    committed: Decimal
    reserved: Decimal
    held_back: int
    quantity: int
    unlimited: bool = False


def available_to_sell(
    on_hand, committed, reserved, rule: ReserveRule | None
) -> Availability:
    """Whole units free to sell (on hand less committed and reserved, never below
    zero: negative stock offers nothing), less what ``rule`` holds back."""
    on_hand, committed, reserved = (
        _decimal(on_hand),
        _decimal(committed),
        _decimal(reserved),
    )
    base = max(0, _whole(on_hand - committed - reserved))
    held_back = rule.held_back(base) if rule is not None else 0
    return Availability(
        on_hand=on_hand,
        committed=committed,
        reserved=reserved,
        held_back=held_back,
        quantity=base - held_back,
    )


def unlimited(quantity: int, rule: ReserveRule | None = None) -> Availability:
    """A product that is not tracked in stock, or may be backordered: ``quantity``
    (the account's backorder quantity) is offered as it is.

    ``rule`` is accepted for a uniform call but not applied: that quantity is a
    ceiling the seller chose, not stock, so there is nothing to hold back from it.
    """
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0:
        raise ValueError(
            f"the backorder quantity must be a whole number >= 0: {quantity!r}"
        )
    zero = Decimal(0)
    return Availability(
        on_hand=zero,
        committed=zero,
        reserved=zero,
        held_back=0,
        quantity=quantity,
        unlimited=True,
    )


def complete_kits(components: Iterable[tuple[float, float]]) -> int:
    """How many complete kits the free components make: for each ``(free quantity,
    quantity per kit)``, the whole kits it allows; the smallest of them wins.

    Components needed ``<= 0`` per kit are ignored; no component makes no kit.
    """
    kits = None
    for free, per_kit in components:
        per_kit = _decimal(per_kit)
        if per_kit <= 0:
            continue
        allowed = max(0, _whole(_decimal(free) / per_kit))
        kits = allowed if kits is None else min(kits, allowed)
    return kits or 0
