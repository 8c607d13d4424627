"""``GET_MERCHANT_LISTINGS_ALL_DATA``: every offer of the seller in one marketplace,
read to link existing Amazon offers to products.

The report is a tab-separated file with a header row, written without quoting, in an
encoding that depends on the marketplace and is not always declared (Japanese files
are Shift_JIS/cp932), with the marketplace's decimal mark. It is read by column name, never by
position: Amazon adds columns and orders them differently. Ungzipping is done before
(the adapter does it).
"""

import codecs
import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

REPORT_TYPE = "GET_MERCHANT_LISTINGS_ALL_DATA"

JAPAN = "A1VC38T7YXB528"
#: The encoding of files that are not UTF-8, by marketplace id (default cp1252).
LEGACY_ENCODINGS: dict[str, str] = {JAPAN: "cp932"}
DEFAULT_LEGACY_ENCODING = "cp1252"

MERCHANT = "merchant"
AMAZON = "amazon"

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
#: Amazon announces Japanese files as Shift_JIS or Windows-31J: cp932 is their
#: superset (NEC and IBM extensions such as circled numbers, Windows' wave dash).
_CP932_NAMES = frozenset({"shift_jis", "cp932", "windows-31j", "windows_31j", "x-sjis"})
_ASIN_PRODUCT_ID_TYPE = "1"
_SPACES = re.compile(r"[\s\u00a0\u202f]")
_GROUPED = {
    ",": re.compile(r"^\d{1,3}(,\d{3})+$"),
    ".": re.compile(r"^\d{1,3}(\.\d{3})+$"),
}
_PLAIN = re.compile(r"^\d+([.,]\d+)?$")


def _codec(charset: str | None) -> str | None:
    """The Python codec of a declared charset; None when unknown."""
    if not charset:
        return None
    name = charset.strip().strip("\"'").lower()
    if name in _CP932_NAMES:
        return "cp932"
    try:
        found = codecs.lookup(name).name
    except LookupError:
        return None
    return "cp932" if found in _CP932_NAMES else found


def _decoded(content: bytes, codec: str) -> str | None:
    """``content`` in ``codec``, or None when it is not valid in it."""
    try:
        return content.decode(codec)
    except UnicodeDecodeError:
        return None


def decode_report(
    content: bytes, *, charset: str | None = None, marketplace_id: str | None = None
) -> str:
    """The text of a report: by its byte order mark, else the ``charset`` Amazon
    declared (an unknown name is ignored), else UTF-8, else the marketplace's legacy
    encoding (:data:`LEGACY_ENCODINGS`). Never fails: after a byte order mark or in
    the legacy encoding, a byte that is not valid becomes U+FFFD rather than
    failing the whole file."""
    content = bytes(content)
    for bom, codec in _BOMS:
        if content.startswith(bom):
            return content.decode(codec, "replace")
    for codec in (_codec(charset), "utf-8"):
        text = _decoded(content, codec) if codec else None
        if text is not None:
            return text
    legacy = LEGACY_ENCODINGS.get(marketplace_id or "", DEFAULT_LEGACY_ENCODING)
    return content.decode(legacy, "replace")


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


def parse_price(text: str) -> Decimal:
    """A price written with a decimal point or comma, thousands grouped or not:
    ``1980``, ``19,99``, ``1,234.56``, ``1.234,56``, ``1 234,56``.

    With both marks, the last one is the decimal mark. With one comma alone, three
    digits after it are thousands (``1,980`` yen), fewer a decimal comma: no Amazon
    currency has three decimals. One point alone is a decimal point. Raises
    ValueError when it is not such a number.
    """
    compact = _SPACES.sub("", text)
    if "," in compact and "." in compact:
        decimal_mark = "," if compact.rindex(",") > compact.rindex(".") else "."
        grouping = "." if decimal_mark == "," else ","
        whole, _, fraction = compact.rpartition(decimal_mark)
        if not _GROUPED[grouping].match(whole) or not fraction.isdigit():
            raise ValueError(text)
        compact = whole.replace(grouping, "") + "." + fraction
    elif _GROUPED[","].match(compact):  # 1,980 or 1,234,567
        compact = compact.replace(",", "")
    elif _GROUPED["."].match(compact) and compact.count(".") > 1:  # 1.234.567
        compact = compact.replace(".", "")
    if not _PLAIN.match(compact):
        raise ValueError(text)
    return Decimal(compact.replace(",", "."))


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


class _Columns:
    """The header row: the index of each column by its lower-cased name."""

    def __init__(self, header: list[str]):
        self.names = [name.strip().lstrip("\ufeff").strip() for name in header]
        self.index: dict[str, int] = {}
        for position, name in enumerate(self.names):
            self.index.setdefault(name.lower(), position)

    def has(self, name: str) -> bool:
        return name in self.index

    def get(self, row: list[str], name: str) -> str:
        """The stripped cell of ``name`` ("" when the column or the cell is absent)."""
        position = self.index.get(name)
        if position is None or position >= len(row):
            return ""
        return row[position].strip()


def _asin(columns: _Columns, row: list[str]) -> str | None:
    asin = columns.get(row, "asin1") or columns.get(row, "asin")
    if not asin and columns.get(row, "product-id-type") == _ASIN_PRODUCT_ID_TYPE:
        asin = columns.get(row, "product-id")
    return asin or None


def _row(columns: _Columns, row: list[str], line: int, problems: list[str]):
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
                columns = _Columns(row)
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
