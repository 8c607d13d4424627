"""Numbers and dates in the local formats of Amazon's flat files (pure Python, no
database)."""

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from ..amazon import listings_report
from ..amazon.local_format import (
    TIME_ZONES,
    parse_amazon_datetime,
    parse_decimal,
    parse_price,
)

# -- numbers -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,amount",
    [
        ("19.99", "19.99"),
        ("19,99", "19.99"),
        ("95,00", "95.00"),
        ("1980", "1980"),
        ("1,980", "1980"),  # yen: a comma and three digits are thousands
        ("12,800", "12800"),
        ("1,234.56", "1234.56"),
        ("1.234,56", "1234.56"),
        ("1.234.567,89", "1234567.89"),
        ("1,234,567.89", "1234567.89"),
        ("1.234.567", "1234567"),
        ("1 234,56", "1234.56"),
        ("1\u00a0234,56", "1234.56"),
        ("1\u202f234,56", "1234.56"),
        ("1.234", "1.234"),  # a point alone is a decimal point
        ("0", "0"),
        ("-12.50", "-12.50"),
        ("-12,50", "-12.50"),
        ("-1.234,56", "-1234.56"),
        ("-1,234.56", "-1234.56"),
        ("-4,900", "-4900"),
        ("-0,01", "-0.01"),
        (" -39.99 ", "-39.99"),
    ],
)
def test_parse_decimal(text, amount):
    parsed = parse_decimal(text)
    assert parsed == Decimal(amount)
    assert str(parsed) == amount  # exact: no float, the decimals kept


@pytest.mark.parametrize(
    "text",
    [
        "",
        "-",
        "abc",
        "--5",
        "5-",
        "+5",
        "1e3",
        "NaN",
        "-Infinity",
        "€5",
        "5 EUR",
        "1,2,3",
        "12,34.56",
        "1.234,56,7",
        "1,23.4",
        ",5",
        "1.234,",
    ],
)
def test_parse_decimal_refuses_with_the_text_named(text):
    with pytest.raises(ValueError) as caught:
        parse_decimal(text)
    assert repr(text) in str(caught.value)
    assert "not a number" in str(caught.value)


def test_a_price_is_never_negative():
    assert parse_price("1.234,56") == Decimal("1234.56")
    with pytest.raises(ValueError, match="negative"):
        parse_price("-5")
    with pytest.raises(ValueError):
        parse_price("abc")


def test_the_listings_report_reads_prices_with_it():
    assert listings_report.parse_price is parse_price


# -- dates ---------------------------------------------------------------------


def utc(*args):
    return datetime(*args, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("2026-11-02 10:00:00 UTC", utc(2026, 11, 2, 10)),
        ("2026-11-02 10:00:00 GMT", utc(2026, 11, 2, 10)),
        ("2026-11-02 10:00:00 utc", utc(2026, 11, 2, 10)),
        ("2026-11-02 10:00 UTC", utc(2026, 11, 2, 10)),
        ("2026-11-02 10:00:00.250 UTC", utc(2026, 11, 2, 10, 0, 0, 250000)),
        ("2026-11-02T10:00:00+00:00", utc(2026, 11, 2, 10)),
        ("2026-11-02T10:00:00Z", utc(2026, 11, 2, 10)),
        ("2026-11-02T19:00:00+09:00", utc(2026, 11, 2, 10)),
        ("2026-11-02T05:00:00-0500", utc(2026, 11, 2, 10)),
        ("2026-11-02 19:00:00 +0900", utc(2026, 11, 2, 10)),
        ("02.11.2026 10:00:00 UTC", utc(2026, 11, 2, 10)),
        ("2.11.2026 11:00:00 CET", utc(2026, 11, 2, 10)),
        ("02.11.2026 11:00:00 MEZ", utc(2026, 11, 2, 10)),
        ("02.07.2026 12:00:00 MESZ", utc(2026, 7, 2, 10)),
        ("02.07.2026 12:00:00 CEST", utc(2026, 7, 2, 10)),
        ("2026/11/02 19:00:00 JST", utc(2026, 11, 2, 10)),
        ("2026/11/03 04:00:00 JST", utc(2026, 11, 2, 19)),  # the day before in UTC
        ("2026-11-02 02:00:00 PST", utc(2026, 11, 2, 10)),
        ("2026-07-02 03:00:00 PDT", utc(2026, 7, 2, 10)),
        ("2026-07-02 11:00:00 BST", utc(2026, 7, 2, 10)),
        # A date alone (posted-date): midnight UTC, or in the zone named.
        ("2026-11-02", utc(2026, 11, 2)),
        ("02.11.2026", utc(2026, 11, 2)),
        ("2026/11/02", utc(2026, 11, 2)),
        ("2026/11/02 JST", utc(2026, 11, 1, 15)),
    ],
)
def test_parse_amazon_datetime(text, expected):
    parsed = parse_amazon_datetime(text)
    assert parsed == expected
    assert parsed.tzinfo == timezone.utc and parsed.utcoffset() == timedelta(0)


def test_slashed_day_month_dates_need_the_marketplace_order():
    text = "02/11/2026 10:00:00 GMT"
    with pytest.raises(ValueError, match="day_first"):
        parse_amazon_datetime(text)
    assert parse_amazon_datetime(text, day_first=True) == utc(2026, 11, 2, 10)
    assert parse_amazon_datetime(text, day_first=False) == utc(2026, 2, 11, 10)
    # day_first changes nothing for the formats that are not ambiguous
    assert parse_amazon_datetime("2026/11/02 19:00:00 JST", day_first=True) == utc(
        2026, 11, 2, 10
    )
    with pytest.raises(ValueError, match="not a valid date"):
        parse_amazon_datetime("25/11/2026 10:00:00 GMT", day_first=False)


@pytest.mark.parametrize(
    "text,why",
    [
        ("", "not a date-time"),
        ("yesterday", "not a date-time"),
        ("2026-11-02 10:00:00", "no time zone"),  # never guessed
        ("2026-11-02T10:00:00", "no time zone"),
        ("2026-11-02 10:00:00 IST", "unknown time zone"),  # India? Ireland? Israel?
        ("2026-11-02 10:00:00 XYZ", "unknown time zone"),
        ("2026-13-02 10:00:00 UTC", "not a valid date-time"),
        ("31.02.2026 10:00:00 UTC", "not a valid date-time"),
        ("2026-11-02 25:00:00 UTC", "not a valid date-time"),
        ("02-11-2026 10:00:00 UTC", "not a date"),
        ("2026.11.02 10:00:00 UTC", "not a date"),
        ("20261102 10:00:00 UTC", "not a date"),
        ("2026-11-02 10:00:00 UTC extra", "not a date-time"),
    ],
)
def test_parse_amazon_datetime_refuses(text, why):
    with pytest.raises(ValueError, match=why):
        parse_amazon_datetime(text)


def test_time_zones_in_one_table():
    assert TIME_ZONES["JST"] == timedelta(hours=9)
    assert TIME_ZONES["PST"] == timedelta(hours=-8)
    assert TIME_ZONES["PDT"] == timedelta(hours=-7)
    assert TIME_ZONES["CET"] == TIME_ZONES["MEZ"] == timedelta(hours=1)
    assert TIME_ZONES["CEST"] == TIME_ZONES["MESZ"] == timedelta(hours=2)
    assert TIME_ZONES["UTC"] == TIME_ZONES["GMT"] == timedelta(0)
    assert all(name == name.upper() for name in TIME_ZONES)
    assert "IST" not in TIME_ZONES
