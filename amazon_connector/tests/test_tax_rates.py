# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""The tax rate inferred from Amazon's tax amounts (plain Python)."""

from decimal import Decimal as D

from ..amazon.tax_rates import infer_rate, tax_for_rate


def rate(amount, tax, include=True, decimals=2, **kwargs):
    return infer_rate(
        D(amount), D(tax), price_include=include, decimals=decimals, **kwargs
    )


def test_ordinary_vat_rates():
    assert rate("23.80", "3.80") == D("19")
    assert rate("120.00", "20.00") == D("20")
    assert rate("1100", "100", decimals=0) == D("10")
    assert rate("107.70", "7.70") == D("7.7")
    assert rate("20.00", "3.80", include=False) == D("19")


def test_no_tax_no_rate():
    assert rate("10.00", "0") is None
    assert rate("0.00", "0.00") is None


def test_promotions_read_as_positive():
    assert rate("-5.00", "-0.80") == D("19")


def test_a_half_cent_rounded_the_other_way_keeps_the_standard_rate():
    # 20 % included in 10.05 is 1.675: Odoo rounds to 1.68, Amazon said 1.67.
    assert tax_for_rate(D("10.05"), D("20"), price_include=True, decimals=2) == D(
        "1.68"
    )
    assert rate("10.05", "1.67") == D("20")


def test_small_lines_take_the_rate_of_their_item():
    # 0.07 on 1.00 fits 7 %, 7.7 % and 8 %: the item's 7.7 % wins.
    assert rate("1.00", "0.07", preferred=[D("7.7")]) == D("7.7")
    assert rate("1.00", "0.07") == D("8")
    # A preferred rate that does not fit is not forced.
    assert rate("23.80", "3.80", preferred=[D("7")]) == D("19")


def test_known_rates_must_reproduce_exactly():
    assert rate("1.00", "0.07", known=[D("19"), D("7")]) == D("7")
    assert rate("23.80", "3.79", known=[D("7")]) == D("19")


def test_three_decimal_rates_when_nothing_simpler_fits():
    # Quebec: GST + QST = 14.975 % on top of the price.
    assert rate("1000.00", "149.75", include=False) == D("14.975")
