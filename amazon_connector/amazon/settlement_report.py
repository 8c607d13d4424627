"""``GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2``: what Amazon paid out (or
charged) for a period, amount by amount.

A tab-separated file without quoting, a header row, one summary row (settlement-id,
settlement-start-date, settlement-end-date, deposit-date, total-amount, currency;
the other cells empty), then one row per amount. It is read by column name, never by
position, in the marketplace's encoding (cp932 in Japan), decimal mark and date
format (:mod:`.local_format`). Ungzipping is done before (the adapter does it).

The amounts must sum to total-amount, the deposit: :attr:`Settlement.difference`
says by how much they do not, and a settlement that is not
:attr:`~Settlement.balanced` must not be booked. Transaction and amount types are
kept as Amazon writes them, known or not: deciding what they mean is the caller's
business.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from .local_format import parse_amazon_datetime, parse_decimal
from .money import CURRENCY_DECIMALS
from .report_text import Columns, decode_report

REPORT_TYPE = "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2"

#: Without these columns the file is not a V2 settlement flat file.
REQUIRED_COLUMNS = (
    "settlement-id",
    "total-amount",
    "currency",
    "transaction-type",
    "amount-type",
    "amount",
)
#: The marketplaces whose ``dd/mm/yyyy`` dates are read day first (the United
#: Kingdom). Elsewhere a date written so is refused as ambiguous.
DAY_FIRST_MARKETPLACES = frozenset({"A1F83G8C2ARO7P"})
#: The currencies whose files write amounts with a decimal point (``1,234.56``,
#: yen ``1,980``), as Amazon's American, British, Japanese, Canadian, Mexican,
#: Australian, Indian, Singaporean and Gulf files do: ``1.234,56`` in one of
#: them is not read as a number (it would be a thousand times too small or too
#: big), the file is refused. Files in other currencies (EUR, PLN, SEK, TRY, BRL)
#: are read with either mark, as :func:`.local_format.parse_decimal` does.
DECIMAL_POINT_CURRENCIES = frozenset(
    {"USD", "GBP", "JPY", "CAD", "MXN", "AUD", "INR", "SGD", "AED", "SAR"}
)
_DECIMAL_POINT = re.compile(r"^-?(\d+|\d{1,3}(,\d{3})+)(\.\d+)?$")
_SPACES = re.compile(r"[\s\u00a0\u202f]")


class InvalidSettlement(ValueError):
    """The file cannot be read as one settlement: nothing of it may be booked."""


@dataclass(frozen=True)
class SettlementLine:
    """One amount of the settlement; ``line`` is its line in the file (the header is
    1). The ``*_ref`` fields are Amazon's ids (order-id, adjustment-id…), None when
    the cell is empty."""

    line: int
    transaction_type: str
    order_ref: str | None
    merchant_order_ref: str | None
    adjustment_ref: str | None
    shipment_ref: str | None
    marketplace_name: str | None
    amount_type: str
    amount_description: str | None
    amount: Decimal
    fulfillment_id: str | None
    posted_at: datetime | None
    order_item_code: str | None
    merchant_order_item_ref: str | None
    merchant_adjustment_item_ref: str | None
    sku: str | None
    quantity: int | None
    promotion_ref: str | None


@dataclass(frozen=True)
class Settlement:
    """The summary row and the lines read. ``problems`` names what could not be read
    (``"line 7: no amount"``): such a line is left out of ``lines``, so the
    ``difference`` shows it. ``marketplace_name`` is the first one the lines name
    (None if none; every one in :attr:`marketplace_names`); ``difference`` is
    ``total_amount`` minus the sum of the lines."""

    settlement_ref: str
    start: datetime
    end: datetime
    deposit_date: datetime
    total_amount: Decimal
    currency: str
    lines: tuple[SettlementLine, ...]
    problems: tuple[str, ...] = ()
    marketplace_name: str | None = field(init=False)
    difference: Decimal = field(init=False)

    def __post_init__(self):
        names = self.marketplace_names
        object.__setattr__(self, "marketplace_name", names[0] if names else None)
        total = sum((line.amount for line in self.lines), Decimal(0))
        object.__setattr__(self, "difference", self.total_amount - total)

    @property
    def marketplace_names(self) -> tuple[str, ...]:
        """The marketplaces the lines name, in the order of the file."""
        return tuple(
            dict.fromkeys(
                li.marketplace_name for li in self.lines if li.marketplace_name
            )
        )

    @property
    def balanced(self) -> bool:
        """The lines sum exactly to the total amount."""
        return self.difference == 0


@dataclass(frozen=True)
class _Summary:
    settlement_ref: str
    start: str
    end: str
    deposit_date: str
    total_amount: str
    currency: str


class _Reader:
    """The rows of one file, read into a :class:`Settlement`."""

    def __init__(self, columns: Columns, rows: list[tuple[int, list[str]]], day_first):
        self.columns = columns
        self.rows = rows
        self.day_first = day_first
        self.problems: list[str] = []

    def cell(self, row: list[str], name: str) -> str | None:
        return self.columns.get(row, name) or None

    def summary(self) -> tuple[_Summary, int]:
        """The summary row (the one with a total-amount) and its line."""
        found: dict[_Summary, int] = {}
        for line, row in self.rows:
            if self.columns.get(row, "total-amount"):
                summary = _Summary(
                    *(
                        self.columns.get(row, name)
                        for name in (
                            "settlement-id",
                            "settlement-start-date",
                            "settlement-end-date",
                            "deposit-date",
                            "total-amount",
                            "currency",
                        )
                    )
                )
                found.setdefault(summary, []).append(line)
        if not found:
            raise InvalidSettlement(
                "the settlement has no summary row (no row has a total-amount)"
            )
        if len(found) > 1:
            raise InvalidSettlement(
                "the settlement has summary rows that disagree, on lines "
                + ", ".join(str(line) for lines in found.values() for line in lines)
            )
        ((summary, lines),) = found.items()
        if len(lines) > 1:
            # Amazon writes one: a second is a file put together by hand or
            # two downloads joined, whose amounts may be there twice.
            raise InvalidSettlement(
                "the settlement has more than one summary row, on lines "
                + ", ".join(str(line) for line in lines)
                + ": Amazon writes one"
            )
        line = lines[0]
        if not summary.settlement_ref:
            raise InvalidSettlement(
                f"line {line}: the summary row has no settlement-id"
            )
        if not summary.currency:
            raise InvalidSettlement(f"line {line}: the summary row has no currency")
        return summary, line

    def summary_date(self, summary_line: int, name: str, text: str) -> datetime:
        if not text:
            raise InvalidSettlement(
                f"line {summary_line}: the summary row has no {name}"
            )
        try:
            return parse_amazon_datetime(text, day_first=self.day_first)
        except ValueError as error:
            raise InvalidSettlement(f"line {summary_line}: {name}: {error}") from None

    def check_decimal_mark(self, line: int, name: str, text: str, currency: str):
        """Refuse an amount written with a decimal comma in a file of a currency
        written with a decimal point (:data:`DECIMAL_POINT_CURRENCIES`)."""
        if currency not in DECIMAL_POINT_CURRENCIES or _DECIMAL_POINT.match(
            _SPACES.sub("", text)
        ):
            return
        try:
            parse_decimal(text)
        except ValueError:
            return  # not a number at all: the caller says so
        raise InvalidSettlement(
            f"line {line}: {name} {text!r} is not written as {currency} amounts "
            "are (with a decimal point, like 1,234.56): the file is not "
            f"read, nothing of it is imported"
        )

    def check_decimals(self, line: int, name: str, amount: Decimal, currency: str):
        decimals = CURRENCY_DECIMALS.get(currency)
        if decimals is not None and amount.as_tuple().exponent < -decimals:
            self.problems.append(
                f"line {line}: {name} {amount} has more decimals than {currency} "
                f"allows ({decimals})"
            )

    def posted_at(self, line: int, row: list[str]) -> datetime | None:
        for name in ("posted-date-time", "posted-date"):
            text = self.columns.get(row, name)
            if not text:
                continue
            try:
                return parse_amazon_datetime(text, day_first=self.day_first)
            except ValueError as error:
                self.problems.append(f"line {line}: {name}: {error}")
                return None
        return None

    def quantity(self, line: int, row: list[str]) -> int | None:
        text = self.columns.get(row, "quantity-purchased")
        if not text:
            return None
        try:
            number = parse_decimal(text)
        except ValueError:
            number = None
        if number is None or number != number.to_integral_value():
            self.problems.append(
                f"line {line}: quantity-purchased {text!r} is not a whole number"
            )
            return None
        return int(number)

    def line(self, line: int, row: list[str], summary: _Summary):
        """The SettlementLine of one row, or None (the problem is recorded)."""
        get = self.columns.get
        settlement_ref = get(row, "settlement-id")
        if settlement_ref != summary.settlement_ref:
            raise InvalidSettlement(
                f"line {line}: settlement-id {settlement_ref!r} is not the summary "
                f"row's {summary.settlement_ref!r}: the file mixes settlements"
            )
        currency = get(row, "currency")
        if currency and currency.upper() != summary.currency.upper():
            self.problems.append(
                f"line {line}: currency {currency} is not the settlement's "
                f"{summary.currency}"
            )
        text = get(row, "amount")
        described = self.described(row)
        if not text:
            self.problems.append(
                f"line {line}: no amount{described}, left out of the lines"
            )
            return None
        self.check_decimal_mark(line, "amount", text, summary.currency.upper())
        try:
            amount = parse_decimal(text)
        except ValueError as error:
            self.problems.append(
                f"line {line}: amount: {error}{described}, left out of the lines"
            )
            return None
        self.check_decimals(line, "amount", amount, summary.currency.upper())
        return SettlementLine(
            line=line,
            transaction_type=get(row, "transaction-type"),
            order_ref=self.cell(row, "order-id"),
            merchant_order_ref=self.cell(row, "merchant-order-id"),
            adjustment_ref=self.cell(row, "adjustment-id"),
            shipment_ref=self.cell(row, "shipment-id"),
            marketplace_name=self.cell(row, "marketplace-name"),
            amount_type=get(row, "amount-type"),
            amount_description=self.cell(row, "amount-description"),
            amount=amount,
            fulfillment_id=self.cell(row, "fulfillment-id"),
            posted_at=self.posted_at(line, row),
            order_item_code=self.cell(row, "order-item-code"),
            merchant_order_item_ref=self.cell(row, "merchant-order-item-id"),
            merchant_adjustment_item_ref=self.cell(row, "merchant-adjustment-item-id"),
            sku=self.cell(row, "sku"),
            quantity=self.quantity(line, row),
            promotion_ref=self.cell(row, "promotion-id"),
        )

    def described(self, row: list[str]) -> str:
        """`` (transaction type, amount type, description, order id)`` of a row, to
        say which line a problem is about; empty when the row has none of them."""
        get = self.columns.get
        described = " ".join(
            part
            for part in (
                get(row, "transaction-type"),
                get(row, "amount-type"),
                get(row, "amount-description"),
                get(row, "order-id"),
            )
            if part
        )
        return f" ({described})" if described else ""

    def settlement(self) -> Settlement:
        summary, summary_line = self.summary()
        currency = summary.currency.upper()
        if currency not in CURRENCY_DECIMALS:
            self.problems.append(
                f"line {summary_line}: unknown currency code {summary.currency!r}"
            )
        self.check_decimal_mark(
            summary_line, "total-amount", summary.total_amount, currency
        )
        try:
            total = parse_decimal(summary.total_amount)
        except ValueError as error:
            raise InvalidSettlement(
                f"line {summary_line}: total-amount: {error}"
            ) from None
        self.check_decimals(summary_line, "total-amount", total, currency)
        start = self.summary_date(summary_line, "settlement-start-date", summary.start)
        end = self.summary_date(summary_line, "settlement-end-date", summary.end)
        deposit_date = self.summary_date(
            summary_line, "deposit-date", summary.deposit_date
        )
        lines = []
        for line, row in self.rows:
            if self.columns.get(row, "total-amount"):
                if self.columns.get(row, "amount"):
                    self.problems.append(
                        f"line {line}: the summary row also has an amount "
                        f"({self.columns.get(row, 'amount')}): it is not counted"
                    )
                continue
            read = self.line(line, row, summary)
            if read is not None:
                lines.append(read)
        return Settlement(
            settlement_ref=summary.settlement_ref,
            start=start,
            end=end,
            deposit_date=deposit_date,
            total_amount=total,
            currency=currency,
            lines=tuple(lines),
            problems=tuple(self.problems),
        )


def parse_settlement(
    content: bytes, *, charset: str | None = None, marketplace_id: str | None = None
) -> Settlement:
    """Read a settlement report (ungzipped bytes; ``charset`` as the download
    declared it, ``marketplace_id`` for the legacy encoding and date order).

    Raises :class:`InvalidSettlement` when the file is not a V2 settlement flat
    file (a required column missing), has no summary row or more than one, a
    summary value that cannot be read, a row with more cells than the header, an
    amount with a decimal comma in a currency written with a decimal point, or a
    line of another settlement. Rows with fewer cells than the header (23 cells,
    no trailing promotion-id), empty order-id or marketplace-name, zero amounts
    are read.
    A line without a readable amount is left out and named in ``problems``; lines
    that do not sum to the total are not an error here: see
    :attr:`Settlement.difference`.
    """
    text = decode_report(content, charset=charset, marketplace_id=marketplace_id)
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter="\t", quoting=csv.QUOTE_NONE
    )
    columns = None
    rows: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if columns is None:
                columns = Columns(row)
                if columns.missing(REQUIRED_COLUMNS):
                    break
                continue
            if len(row) > len(columns.names):
                # A cell too many shifts every cell after it: which column each
                # value belongs to is lost.
                raise InvalidSettlement(
                    f"line {reader.line_num} has {len(row)} cells but the header "
                    f"has {len(columns.names)} columns: the file is not read, "
                    "nothing of it is imported"
                )
            rows.append((reader.line_num, row))
    except csv.Error as error:
        raise InvalidSettlement(
            "the file cannot be read as a V2 settlement flat file (line "
            f"{reader.line_num}: {error})"
        ) from None
    if columns is None:
        raise InvalidSettlement(
            "this is not a V2 settlement flat file: the file is empty"
        )
    missing = columns.missing(REQUIRED_COLUMNS)
    if missing:
        found = ", ".join(name for name in columns.names if name)[:200]
        raise InvalidSettlement(
            "this is not a V2 settlement flat file: it has no "
            + ", ".join(missing)
            + f" column (its columns are: {found})"
        )
    day_first = True if marketplace_id in DAY_FIRST_MARKETPLACES else None
    return _Reader(columns, rows, day_first).settlement()
