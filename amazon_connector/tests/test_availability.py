"""The quantity offered on Amazon (pure Python, no database)."""

from decimal import Decimal

import pytest

from ..amazon.availability import (
    Availability,
    InvalidReserveRule,
    ReserveRule,
    available_to_sell,
    complete_kits,
    parse_reserve_rule,
    unlimited,
)

# -- reserve rules -------------------------------------------------------------


@pytest.mark.parametrize(
    "text,value,kind",
    [
        ("5:FIXED", "5", "FIXED"),
        ("10:PERCENT", "10", "PERCENT"),
        (" 2.5 : percent ", "2.5", "PERCENT"),
        ("0:fixed", "0", "FIXED"),
        ("100:Percent", "100", "PERCENT"),
        (".5:FIXED", "0.5", "FIXED"),
    ],
)
def test_parse_reserve_rule(text, value, kind):
    rule = parse_reserve_rule(text)
    assert rule == ReserveRule(Decimal(value), kind)


@pytest.mark.parametrize("text", [None, "", "   ", "\t"])
def test_no_reserve_rule(text):
    assert parse_reserve_rule(text) is None


@pytest.mark.parametrize(
    "text,expected",
    [
        ("5:FIXED", "5:FIXED"),
        (" 10 : percent", "10:PERCENT"),
        ("2.50:PERCENT", "2.5:PERCENT"),
        ("100:PERCENT", "100:PERCENT"),
        ("5.0:fixed", "5:FIXED"),
    ],
)
def test_reserve_rule_canonical_text(text, expected):
    rule = parse_reserve_rule(text)
    assert str(rule) == expected
    assert parse_reserve_rule(str(rule)) == rule


@pytest.mark.parametrize(
    "text,message",
    [
        ("abc", "Value:FIXED or Value:PERCENT, e.g. 5:FIXED"),
        ("-5:FIXED", "must not be negative"),
        ("150:PERCENT", "cannot exceed 100"),
        ("5:WHAT", "'WHAT': use FIXED or PERCENT"),
        ("5:", "kind is missing"),
        (":FIXED", "value is missing"),
        ("nan:FIXED", "'nan' is not a number"),
        ("inf:PERCENT", "'inf' is not a number"),
        ("2,5:PERCENT", "decimal point"),
        ("1e3:FIXED", "not a number"),
    ],
)
def test_invalid_reserve_rules_say_why(text, message):
    with pytest.raises(InvalidReserveRule, match=message) as caught:
        parse_reserve_rule(text)
    assert isinstance(caught.value, ValueError)  # callers may catch ValueError


def test_reserve_rule_checks_itself():
    with pytest.raises(InvalidReserveRule):
        ReserveRule(Decimal(101), "PERCENT")
    with pytest.raises(InvalidReserveRule):
        ReserveRule(Decimal(1), "SOME")
    assert ReserveRule(Decimal(150), "FIXED").held_back(200) == 150


@pytest.mark.parametrize(
    "rule,base,held",
    [
        ("5:FIXED", 12, 5),
        ("5:FIXED", 3, 3),  # never more than there is
        ("2.1:FIXED", 10, 3),  # a fraction of a unit holds a whole unit back
        ("10:PERCENT", 10, 1),
        ("10:PERCENT", 15, 2),  # 1.5 rounded up: the quantity sent is never more
        ("10:PERCENT", 1, 1),
        ("2.5:PERCENT", 40, 1),
        ("2.5:PERCENT", 41, 2),
        ("100:PERCENT", 7, 7),
        ("0:PERCENT", 7, 0),
        ("0:FIXED", 7, 0),
        ("5:FIXED", 0, 0),
        ("50:PERCENT", 0, 0),
    ],
)
def test_held_back(rule, base, held):
    assert parse_reserve_rule(rule).held_back(base) == held


# -- available to sell ---------------------------------------------------------


def test_available_to_sell_without_rule():
    result = available_to_sell(10, 3, 2, None)
    assert result == Availability(
        on_hand=Decimal(10),
        committed=Decimal(3),
        reserved=Decimal(2),
        held_back=0,
        quantity=5,
    )
    assert result.unlimited is False


def test_available_to_sell_with_rule():
    result = available_to_sell(Decimal("20"), 0, 0, parse_reserve_rule("10:PERCENT"))
    assert (result.held_back, result.quantity) == (2, 18)
    result = available_to_sell(4, 0, 0, parse_reserve_rule("5:FIXED"))
    assert (result.held_back, result.quantity) == (4, 0)


@pytest.mark.parametrize(
    "on_hand,committed,reserved,quantity",
    [
        (7.9, 0, 0, 7),  # whole units only, rounded down
        (-4, 0, 0, 0),  # negative quants offer nothing
        (3, 5, 0, 0),  # more committed than on hand
        (3, 0, 4.5, 0),
        (0.1 + 0.2, 0.3, 0, 0),
        (2.9999999, 0, 0, 3),  # float noise from the ORM
        (2.99, 0, 0, 2),  # not noise
        (Decimal("12.000"), Decimal("1.5"), 0, 10),
    ],
)
def test_available_to_sell_rounds_down_and_never_below_zero(
    on_hand, committed, reserved, quantity
):
    result = available_to_sell(on_hand, committed, reserved, None)
    assert result.quantity == quantity
    assert isinstance(result.quantity, int)


def test_available_to_sell_keeps_the_figures():
    result = available_to_sell(1.1, 0.1, 0, None)
    assert result.on_hand == Decimal("1.1")  # Decimal(str(x)), not the binary float
    assert result.committed == Decimal("0.1")


def test_percent_reserve_applies_to_the_free_quantity():
    result = available_to_sell(30, 10, 0, parse_reserve_rule("50:PERCENT"))
    assert (result.held_back, result.quantity) == (10, 10)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), "abc", None])
def test_available_to_sell_refuses_what_is_not_a_number(bad):
    with pytest.raises(ValueError):
        available_to_sell(bad, 0, 0, None)


def test_unlimited_ignores_the_reserve():
    result = unlimited(1000, parse_reserve_rule("50:PERCENT"))
    assert result == Availability(
        on_hand=Decimal(0),
        committed=Decimal(0),
        reserved=Decimal(0),
        held_back=0,
        quantity=1000,
        unlimited=True,
    )
    assert unlimited(0, None).quantity == 0


@pytest.mark.parametrize("bad", [-1, 2.5, True, "10"])
def test_unlimited_needs_a_whole_quantity(bad):
    with pytest.raises(ValueError):
        unlimited(bad, None)


# -- kits ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "components,kits",
    [
        ([(10, 2), (9, 3)], 3),
        ([(10, 2)], 5),
        ([(1, 2)], 0),
        ([], 0),
        ([(5, 0), (4, 1)], 4),  # a component needed 0 times does not limit
        ([(5, 0)], 0),
        ([(5, -1), (6, 2)], 3),
        ([(-3, 1), (10, 1)], 0),  # negative stock of a component: no kit
        ([(2.9999999, 1)], 3),  # float noise
        ([(0.3, 0.1)], 3),  # 0.3 / 0.1 is 2.9999999999999996 in binary floats
        ([(2.99, 1)], 2),
        ([(7.5, 2.5), (100, 1)], 3),
    ],
)
def test_complete_kits(components, kits):
    assert complete_kits(components) == kits


def test_complete_kits_takes_any_iterable():
    assert complete_kits((free, 1) for free in (4, 6, 5)) == 4
