"""``GET_MERCHANT_LISTINGS_ALL_DATA``: every offer of the seller in one marketplace,
read to link existing Amazon offers to products.

The report is a tab-separated file with a header row, written without quoting, in an
encoding that depends on the marketplace and is not always declared (Japanese files
are Shift_JIS/cp932), with the marketplace's decimal mark. It is read by column name, never by
position: Amazon adds columns and orders them differently. Ungzipping is done before
(the adapter does it).
"""

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from .local_format import parse_price
from .report_text import Columns, decode_report

REPORT_TYPE = "GET_MERCHANT_LISTINGS_ALL_DATA"

MERCHANT = "merchant"
AMAZON = "amazon"

_ASIN_PRODUCT_ID_TYPE = "1"


@dataclass(frozen=True)
class ListingRow:
    """One offer of the report; ``line`` is its line in the file (the header is 1)."""

    line: int
    sku: str
    asin: str | None
    title: str | None
    price: Decimal | None
    quantity: int | None
    fulfillment_channel: str  # MERCHANT or AMAZON
    status: str | None
    product_type: str | None


@dataclass
class ListingsFile:
    """The offers read, and what could not be read (``"line 7: no seller-sku"``)."""

    rows: list[ListingRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _quantity(text: str) -> int:
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(text) from None
    if not number.is_finite() or number < 0 or number != number.to_integral_value():
        raise ValueError(text)
    return int(number)


def _fulfillment_channel(text: str) -> str | None:
    code = text.upper()
    if code in ("", "DEFAULT"):
        return MERCHANT
    if code.startswith("AMAZON"):
        return AMAZON
    return None


def _asin(columns: Columns, row: list[str]) -> str | None:
    asin = columns.get(row, "asin1") or columns.get(row, "asin")
    if not asin and columns.get(row, "product-id-type") == _ASIN_PRODUCT_ID_TYPE:
        asin = columns.get(row, "product-id")
    return asin or None


def _row(columns: Columns, row: list[str], line: int, problems: list[str]):
    """The ListingRow of one line, or None (the problem is recorded)."""
    sku = columns.get(row, "seller-sku")
    if not sku:
        problems.append(f"line {line}: no seller-sku")
        return None
    channel_text = columns.get(row, "fulfillment-channel")
    channel = _fulfillment_channel(channel_text)
    if channel is None:
        problems.append(
            f"line {line}: SKU {sku}: unknown fulfillment-channel {channel_text!r}"
        )
        return None
    price = quantity = None
    price_text = columns.get(row, "price")
    if price_text:
        try:
            price = parse_price(price_text)
        except ValueError:
            problems.append(f"line {line}: price {price_text!r} is not a number")
    quantity_text = columns.get(row, "quantity")
    if quantity_text:
        try:
            quantity = _quantity(quantity_text)
        except ValueError:
            problems.append(
                f"line {line}: quantity {quantity_text!r} is not a whole number >= 0"
            )
    return ListingRow(
        line=line,
        sku=sku,
        asin=_asin(columns, row),
        title=columns.get(row, "item-name") or None,
        price=price,
        quantity=quantity,
        fulfillment_channel=channel,
        status=columns.get(row, "status") or None,
        product_type=columns.get(row, "product-type") or None,
    )


def parse_merchant_listings(
    content: bytes, *, charset: str | None = None, marketplace_id: str | None = None
) -> ListingsFile:
    """Read the report (ungzipped bytes; ``charset`` as the download declared it).

    A line without seller-sku, with an unknown fulfillment channel or with a SKU
    already seen is left out; a price or quantity that cannot be read is None. Each
    is named in ``problems``. Raises ValueError when the file has no seller-sku
    column (an empty file, another report).
    """
    text = decode_report(content, charset=charset, marketplace_id=marketplace_id)
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter="\t", quoting=csv.QUOTE_NONE
    )
    result = ListingsFile()
    columns = None
    seen: dict[str, int] = {}
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if columns is None:
                columns = Columns(row)
                if not columns.has("seller-sku"):
                    break
                continue
            listing = _row(columns, row, reader.line_num, result.problems)
            if listing is None:
                continue
            if listing.sku in seen:
                result.problems.append(
                    f"line {listing.line}: SKU {listing.sku} already on line "
                    f"{seen[listing.sku]}, this line is left out"
                )
                continue
            seen[listing.sku] = listing.line
            result.rows.append(listing)
    except csv.Error as error:
        raise ValueError(
            f"the listings report cannot be read at line {reader.line_num}: {error}"
        ) from None
    if columns is None or not columns.has("seller-sku"):
        found = ", ".join(n for n in columns.names if n)[:200] if columns else ""
        raise ValueError(
            "the listings report has no seller-sku column ("
            + (f"its columns are: {found}" if found else "the file is empty")
            + ")"
        )
    return result
