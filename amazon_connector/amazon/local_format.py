"""Numbers and dates as Amazon writes them in its flat files, in the marketplace's
local conventions: ``1.234,56`` or ``1,234.56``, ``02.11.2026 10:00:00 UTC`` or
``2026/11/02 10:00:00 JST``.

What is accepted is listed here, and nothing else is guessed: a value that could be
read two ways (``02/11/2026``: the 2nd of November or February the 11th) is refused
unless the caller says which order the marketplace uses.
"""

import re
from datetime import datetime, timedelta, timezone
from decimal import Decimal

_SPACES = re.compile(r"[\s\u00a0\u202f]")
_GROUPED = {
    ",": re.compile(r"^\d{1,3}(,\d{3})+$"),
    ".": re.compile(r"^\d{1,3}(\.\d{3})+$"),
}
_PLAIN = re.compile(r"^\d+([.,]\d+)?$")


def _unsigned_decimal(compact: str, text: str) -> Decimal:
    """The number ``compact`` (no sign, no spaces) written as ``text``."""
    refused = ValueError(
        f"{text!r} is not a number (written like 1234.56, 1,234.56, 1.234,56 or "
        "1 234,56)"
    )
    if "," in compact and "." in compact:
        decimal_mark = "," if compact.rindex(",") > compact.rindex(".") else "."
        grouping = "." if decimal_mark == "," else ","
        whole, _, fraction = compact.rpartition(decimal_mark)
        if not _GROUPED[grouping].match(whole) or not fraction.isdigit():
            raise refused
        compact = whole.replace(grouping, "") + "." + fraction
    elif _GROUPED[","].match(compact):  # 1,980 or 1,234,567
        compact = compact.replace(",", "")
    elif _GROUPED["."].match(compact) and compact.count(".") > 1:  # 1.234.567
        compact = compact.replace(".", "")
    if not _PLAIN.match(compact):
        raise refused
    return Decimal(compact.replace(",", "."))


def parse_decimal(text: str) -> Decimal:
    """A number written with a decimal point or comma, thousands grouped or not, and
    an optional leading minus: ``1980``, ``19,99``, ``-12.50``, ``1,234.56``,
    ``-1.234,56``, ``1 234,56``.

    With both marks, the last one is the decimal mark. With one comma alone, three
    digits after it are thousands (``1,980`` yen), fewer a decimal comma: no Amazon
    currency has three decimals. One point alone is a decimal point (``1.234`` is
    1.234). Raises ValueError, naming the text, when it is not such a number
    (``abc``, ``1e3``, ``NaN``, ``12,34.56``, ``€5``, ``5-``).
    """
    compact = _SPACES.sub("", text)
    negative = compact.startswith("-")
    number = _unsigned_decimal(compact[1:] if negative else compact, text)
    return -number if negative else number


def parse_price(text: str) -> Decimal:
    """:func:`parse_decimal` for a price, which is never negative: ``-5`` is
    refused (ValueError)."""
    if _SPACES.sub("", text).startswith("-"):
        raise ValueError(f"{text!r} is not a price: it is negative")
    return parse_decimal(text)


#: The time zones Amazon names after a date-time, by abbreviation (upper case), as
#: offsets from UTC. Abbreviations with several meanings are left out (IST: India,
#: Ireland or Israel) and refused; CST/CDT are the US Central ones.
TIME_ZONES: dict[str, timedelta] = {
    "UTC": timedelta(0),
    "GMT": timedelta(0),
    "Z": timedelta(0),
    "WET": timedelta(0),
    "WEST": timedelta(hours=1),
    "BST": timedelta(hours=1),
    "CET": timedelta(hours=1),
    "MEZ": timedelta(hours=1),
    "CEST": timedelta(hours=2),
    "MESZ": timedelta(hours=2),
    "EET": timedelta(hours=2),
    "EEST": timedelta(hours=3),
    "TRT": timedelta(hours=3),
    "JST": timedelta(hours=9),
    "SGT": timedelta(hours=8),
    "AWST": timedelta(hours=8),
    "AEST": timedelta(hours=10),
    "AEDT": timedelta(hours=11),
    "BRT": timedelta(hours=-3),
    "EST": timedelta(hours=-5),
    "EDT": timedelta(hours=-4),
    "CST": timedelta(hours=-6),
    "CDT": timedelta(hours=-5),
    "MST": timedelta(hours=-7),
    "MDT": timedelta(hours=-6),
    "PST": timedelta(hours=-8),
    "PDT": timedelta(hours=-7),
}

_YEAR_FIRST = re.compile(
    r"^(?P<year>\d{4})(?P<sep>[-/])(?P<month>\d{1,2})(?P=sep)(?P<day>\d{1,2})$"
)
_DOTTED = re.compile(r"^(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})$")
_SLASHED = re.compile(r"^(?P<first>\d{1,2})/(?P<second>\d{1,2})/(?P<year>\d{4})$")
_DATE_TIME = re.compile(
    r"^(?P<date>[\d./-]+)"
    r"(?:(?:T|\s+)(?P<hour>\d{1,2}):(?P<minute>\d{2})"
    r"(?::(?P<second>\d{2})(?:\.(?P<fraction>\d{1,6}))?)?)?"
    r"\s*(?P<zone>[+-]\d{2}:?\d{2}|[A-Za-z]{1,5})?$"
)
_OFFSET = re.compile(r"^(?P<sign>[+-])(?P<hours>\d{2}):?(?P<minutes>\d{2})$")


def _date_parts(text: str, day_first: bool | None) -> tuple[int, int, int]:
    """(year, month, day) of the date part ``text``."""
    for pattern in (_YEAR_FIRST, _DOTTED):
        found = pattern.match(text)
        if found:
            return int(found["year"]), int(found["month"]), int(found["day"])
    found = _SLASHED.match(text)
    if found is None:
        raise ValueError(f"{text!r} is not a date")
    if day_first is None:
        raise ValueError(
            f"{text!r} can be read day first or month first: the marketplace's date "
            "order must be given (day_first)"
        )
    first, second = int(found["first"]), int(found["second"])
    day, month = (first, second) if day_first else (second, first)
    return int(found["year"]), month, day


def _zone(name: str | None, text: str) -> timezone | None:
    if name is None:
        return None
    offset = _OFFSET.match(name)
    if offset:
        delta = timedelta(hours=int(offset["hours"]), minutes=int(offset["minutes"]))
        return timezone(-delta if offset["sign"] == "-" else delta)
    try:
        return timezone(TIME_ZONES[name.upper()])
    except KeyError:
        raise ValueError(
            f"{text!r}: unknown time zone {name!r} (known: {', '.join(TIME_ZONES)}, "
            "or an offset such as +09:00)"
        ) from None


def parse_amazon_datetime(text: str, *, day_first: bool | None = None) -> datetime:
    """An aware UTC datetime from a date-time of Amazon's flat files.

    Accepted (seconds and a fraction of them optional, the time zone an abbreviation
    of :data:`TIME_ZONES` or an offset ``+09:00``/``+0900``):

    - ``2026-11-02 10:00:00 UTC`` and ISO ``2026-11-02T10:00:00+00:00``,
      ``2026-11-02T10:00:00Z``;
    - ``02.11.2026 10:00:00 UTC`` (day first, as in Germany);
    - ``2026/11/02 10:00:00 JST`` (Japan);
    - ``02/11/2026 10:00:00 GMT`` only with ``day_first`` given: True reads it day
      first (the United Kingdom), False month first; without it the value is
      refused, as it could be read both ways;
    - a date alone (``2026-11-02``, ``02.11.2026``, ``2026/11/02``, as in the
      posted-date column): midnight UTC, or midnight in the zone that follows it.

    A time without a time zone is refused: Amazon always names it. Raises ValueError
    with the reason.
    """
    value = text.strip()
    found = _DATE_TIME.match(value)
    if found is None:
        raise ValueError(f"{text!r} is not a date-time Amazon writes")
    year, month, day = _date_parts(found["date"], day_first)
    zone = _zone(found["zone"], text)
    has_time = found["hour"] is not None
    if has_time and zone is None:
        raise ValueError(f"{text!r} has no time zone")
    try:
        parsed = datetime(
            year,
            month,
            day,
            int(found["hour"] or 0),
            int(found["minute"] or 0),
            int(found["second"] or 0),
            int((found["fraction"] or "0").ljust(6, "0")),
            tzinfo=zone or timezone.utc,
        )
    except ValueError as error:
        raise ValueError(f"{text!r} is not a valid date-time: {error}") from None
    return parsed.astimezone(timezone.utc)
