"""``GET_MERCHANT_LISTINGS_ALL_DATA``: every offer of the seller in one marketplace,
read to link existing Amazon offers to products.

The report is a tab-separated file with a header row, written without quoting, in an
encoding that depends on the marketplace and is not always declared (Japanese files
are Shift_JIS/cp932), with the marketplace's decimal mark. Its columns are found by
what they mean, in any language and spelling Amazon uses (:mod:`.listings_columns`),
never by position: Amazon adds, renames and orders them differently. Ungzipping is
done before (the adapter does it).

Who fulfils an offer is never guessed: a row whose channel is empty or not a code
Amazon uses has ``fulfillment_channel`` None ("unknown"), to be asked of Amazon
(Listings Items API) before anything is sent for it.
"""

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from . import listings_columns as col
from .fulfillment import AMAZON, MERCHANT
from .listings_columns import ListingsFileError, ListingsHeader
from .local_format import parse_price

REPORT_TYPE = "GET_MERCHANT_LISTINGS_ALL_DATA"

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
    fulfillment_channel: str | None  # MERCHANT, AMAZON or None (unknown)
    status: str | None
    product_type: str | None
    #: The channel cell as written, and what is wrong with it (another region's
    #: network, say), for the offer.
    channel_text: str = ""
    channel_problem: str | None = None


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


def fulfillment_channel_of(code: str) -> str | None:
    """MERCHANT for ``DEFAULT``, AMAZON for one of Amazon's networks
    (``AMAZON_EU``, ``AMAZON_NA``, ``AMAZON_JP``...), None for anything else (an
    empty cell included): unknown, never merchant by default."""
    code = col.channel_code(code)
    if code == "DEFAULT":
        return MERCHANT
    if code.startswith("AMAZON_") and len(code) > len("AMAZON_"):
        return AMAZON
    return None


def _asin(columns: ListingsHeader, row: list[str]) -> str | None:
    asin = columns.get(row, col.ASIN) or columns.get(row, col.ASIN_OTHER)
    if not asin and columns.get(row, col.PRODUCT_ID_TYPE) == _ASIN_PRODUCT_ID_TYPE:
        asin = columns.get(row, col.PRODUCT_ID)
    return asin or None


def _row(
    columns: ListingsHeader,
    row: list[str],
    line: int,
    problems: list[str],
    region_code: str | None,
):
    """The ListingRow of one line, or None (the problem is recorded)."""
    sku = columns.get(row, col.SKU)
    if not sku:
        problems.append(f"line {line}: no seller-sku")
        return None
    channel_text = columns.get(row, col.CHANNEL)
    channel = fulfillment_channel_of(channel_text)
    code = col.channel_code(channel_text)
    channel_problem = None
    if channel is None:
        problems.append(
            f"line {line}: SKU {sku}: fulfilment channel "
            f"{channel_text!r} unknown, asked of Amazon before anything is sent"
        )
    elif (
        channel == AMAZON
        and region_code
        and code != region_code
        and code in col.REGION_CHANNEL_CODES.values()
    ):
        channel_problem = (
            f"fulfilment channel {code} is not the marketplace's region "
            f"({region_code}); read as fulfilled by Amazon"
        )
        problems.append(f"line {line}: SKU {sku}: {channel_problem}")
    price = quantity = None
    price_text = columns.get(row, col.PRICE)
    if price_text:
        try:
            price = parse_price(price_text)
        except ValueError:
            problems.append(f"line {line}: price {price_text!r} is not a number")
    quantity_text = columns.get(row, col.QUANTITY)
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
        title=columns.get(row, col.TITLE) or None,
        price=price,
        quantity=quantity,
        fulfillment_channel=channel,
        status=columns.get(row, col.STATUS) or None,
        product_type=columns.get(row, col.PRODUCT_TYPE) or None,
        channel_text=channel_text,
        channel_problem=channel_problem,
    )


def parse_merchant_listings(
    content: bytes,
    *,
    charset: str | None = None,
    marketplace_id: str | None = None,
    region: str | None = None,
) -> ListingsFile:
    """Read the report (ungzipped bytes; ``charset`` as the download declared it;
    ``region`` the account's, "na", "eu" or "fe", to name a channel of another
    region).

    A line without seller-sku or with a SKU already seen is left out; a price or
    quantity that cannot be read is None; an unknown channel is None. Each is named
    in ``problems``. Raises :class:`ListingsFileError` (a ValueError), and nothing
    is to be applied, when the file is not text in a known encoding, has no SKU or
    no fulfilment channel column (the message names the columns found) or names
    one of them twice.
    """
    text = col.decode_listings(content, charset=charset, marketplace_id=marketplace_id)
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter="\t", quoting=csv.QUOTE_NONE
    )
    region_code = col.REGION_CHANNEL_CODES.get((region or "").lower())
    result = ListingsFile()
    columns = None
    seen: dict[str, int] = {}
    try:
        for row in reader:
            if columns is None:
                if not any(cell.strip() for cell in row):
                    continue
                columns = col.read_header(row)
                col.check_required(columns)
                continue
            if not any(cell.strip() for cell in row):
                continue
            listing = _row(columns, row, reader.line_num, result.problems, region_code)
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
        raise ListingsFileError(
            f"the listings report cannot be read at line {reader.line_num}: {error}"
        ) from None
    if columns is None:
        col.check_required(col.read_header([]))
    return result


def channel_of_listings_item(item: dict) -> str | None:
    """Who fulfils a listing, from Amazon's ``getListingsItem`` answer (Listings
    Items API 2021-08-01, ``includedData`` ``fulfillmentAvailability``): AMAZON
    when any of its ``fulfillmentAvailability`` entries is one of Amazon's networks
    (an offer Amazon fulfils anywhere is never sent a merchant quantity), MERCHANT
    when its entries are ``DEFAULT`` only, None when Amazon gives none or a code
    the connector does not know beside ``DEFAULT`` ones (unknown, never merchant)."""
    channels = {
        fulfillment_channel_of(str(entry.get("fulfillmentChannelCode") or ""))
        for entry in (item or {}).get("fulfillmentAvailability") or []
        if isinstance(entry, dict)
    }
    if AMAZON in channels:
        return AMAZON
    if channels == {MERCHANT}:
        return MERCHANT
    return None
