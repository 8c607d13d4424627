"""Amazon's All Listings Report, GET_MERCHANT_LISTINGS_ALL_DATA (pure Python, no
database): encodings, columns read by name, local decimal marks, FBA rows."""

import codecs
import gzip
from decimal import Decimal

import pytest

from ..amazon.listings_report import (
    AMAZON,
    MERCHANT,
    REPORT_TYPE,
    ListingRow,
    ListingsFileError,
    parse_merchant_listings,
    parse_price,
)
from ..amazon.report_text import decode_report

DE = "A1PA6795UKMFR9"
JP = "A1VC38T7YXB528"
#: The columns of a real report, in Amazon's order.
COLUMNS = (
    "item-name",
    "item-description",
    "listing-id",
    "seller-sku",
    "price",
    "quantity",
    "open-date",
    "image-url",
    "item-is-marketplace",
    "product-id-type",
    "zshop-shipping-fee",
    "item-note",
    "item-condition",
    "zshop-category1",
    "zshop-browse-path",
    "zshop-storefront-feature",
    "asin1",
    "asin2",
    "asin3",
    "will-ship-internationally",
    "expedited-shipping",
    "zshop-boldface",
    "product-id",
    "bid-for-featured-placement",
    "add-delete",
    "pending-quantity",
    "fulfillment-channel",
    "merchant-shipping-group",
    "status",
)


def tsv(rows, columns=COLUMNS) -> str:
    """A report: the header, then each row given as {column: value}."""
    lines = ["\t".join(columns)]
    lines += ["\t".join(row.get(c, "") for c in columns) for row in rows]
    return "\r\n".join(lines) + "\r\n"


def offer(sku, **values):
    row = {
        "item-name": f"Title of {sku}",
        "seller-sku": sku,
        "price": "19.99",
        "quantity": "5",
        "product-id-type": "1",
        "asin1": "B000000001",
        "product-id": "B000000001",
        "fulfillment-channel": "DEFAULT",
        "status": "Active",
    }
    row.update(values)
    return row


def test_report_type():
    assert REPORT_TYPE == "GET_MERCHANT_LISTINGS_ALL_DATA"


def test_a_real_shaped_report():
    content = tsv(
        [
            offer("SKU-1"),
            offer(
                "FBA-1",
                quantity="",
                **{"fulfillment-channel": "AMAZON_EU", "asin1": "B000000002"},
            ),
        ]
    ).encode("utf-8")
    result = parse_merchant_listings(content, charset="UTF-8", marketplace_id=DE)
    assert result.problems == []
    assert result.rows == [
        ListingRow(
            line=2,
            sku="SKU-1",
            asin="B000000001",
            title="Title of SKU-1",
            price=Decimal("19.99"),
            quantity=5,
            fulfillment_channel=MERCHANT,
            status="Active",
            product_type=None,  # a real report has no product-type column
            channel_text="DEFAULT",
        ),
        ListingRow(
            line=3,
            sku="FBA-1",
            asin="B000000002",
            title="Title of FBA-1",
            price=Decimal("19.99"),
            quantity=None,  # Amazon leaves the quantity of FBA rows empty
            fulfillment_channel=AMAZON,
            status="Active",
            product_type=None,
            channel_text="AMAZON_EU",
        ),
    ]


@pytest.mark.parametrize(
    "channel,expected",
    [
        ("DEFAULT", MERCHANT),
        ("default", MERCHANT),
        # Not given, or not a code Amazon uses: unknown, never merchant by default.
        ("", None),
        ("AMAZON", None),
        ("MFN", None),
        ("AMAZON_NA", AMAZON),
        ("AMAZON_EU", AMAZON),
        ("AMAZON_FE", AMAZON),
        ("AMAZON_JP", AMAZON),
        ("amazon_eu", AMAZON),
    ],
)
def test_fulfillment_channel(channel, expected):
    content = tsv([offer("S", **{"fulfillment-channel": channel})]).encode()
    (row,) = parse_merchant_listings(content).rows
    assert row.fulfillment_channel == expected


def test_an_unknown_fulfillment_channel_is_kept_unknown_and_named():
    content = tsv([offer("S1", **{"fulfillment-channel": "SOMEONE"}), offer("S2")])
    result = parse_merchant_listings(content.encode())
    assert [(r.sku, r.fulfillment_channel) for r in result.rows] == [
        ("S1", None),
        ("S2", MERCHANT),
    ]
    assert result.problems == [
        "line 2: SKU S1: fulfilment channel 'SOMEONE' unknown, asked of Amazon "
        "before anything is sent"
    ]


def test_a_channel_of_another_region_is_amazon_and_a_problem():
    """AMAZON_JP on an EU account: Amazon fulfils it (never sent a quantity), and
    the seller is told the code is not the account's region."""
    content = tsv(
        [
            offer("JP", **{"fulfillment-channel": "AMAZON_JP"}),
            offer("EU", **{"fulfillment-channel": "AMAZON_EU"}),
        ]
    )
    result = parse_merchant_listings(content.encode(), region="eu")
    assert [r.fulfillment_channel for r in result.rows] == [AMAZON, AMAZON]
    assert result.problems == [
        "line 2: SKU JP: fulfilment channel AMAZON_JP is not the marketplace's "
        "region (AMAZON_EU); read as fulfilled by Amazon"
    ]
    # Without the region, nothing to compare with.
    assert parse_merchant_listings(content.encode()).problems == []


# -- columns -------------------------------------------------------------------


def test_columns_are_read_by_name_in_any_order_and_unknown_ones_ignored():
    columns = (
        "Status",
        " SELLER-SKU ",
        "new-column-2027",
        "quantity",
        "asin1",
        "price",
        "item-name",
        "fulfillment-channel",
        "product-type",
    )
    row = {
        "Status": "Inactive",
        " SELLER-SKU ": "SKU-9",
        "new-column-2027": "whatever it is",
        "quantity": "0",
        "asin1": "B00000000X",
        "price": "7.5",
        "item-name": "A title",
        "fulfillment-channel": "DEFAULT",
        "product-type": "SHOES",
    }
    (parsed,) = parse_merchant_listings(tsv([row], columns).encode()).rows
    assert (parsed.sku, parsed.status, parsed.quantity, parsed.price) == (
        "SKU-9",
        "Inactive",
        0,
        Decimal("7.5"),
    )
    assert (parsed.asin, parsed.title, parsed.product_type) == (
        "B00000000X",
        "A title",
        "SHOES",
    )


def test_a_minimal_report():
    content = b"seller-sku\tfulfillment-channel\nA\tDEFAULT\nB\tdefault\n"
    rows = parse_merchant_listings(content).rows
    assert [(r.sku, r.asin, r.title, r.price, r.quantity) for r in rows] == [
        ("A", None, None, None, None),
        ("B", None, None, None, None),
    ]
    assert {r.fulfillment_channel for r in rows} == {MERCHANT}


@pytest.mark.parametrize(
    "values,asin",
    [
        ({"asin1": "B01", "asin": "B02", "product-id": "B03"}, "B01"),
        ({"asin1": "", "asin": "B02", "product-id": "B03"}, "B02"),
        ({"asin1": "", "asin": "", "product-id": "B03", "product-id-type": "1"}, "B03"),
        # product-id-type 4 is a UPC, 3 an EAN...: not an ASIN
        ({"asin1": "", "asin": "", "product-id": "0123", "product-id-type": "4"}, None),
        ({"asin1": "", "asin": "", "product-id": ""}, None),
    ],
)
def test_asin_fallbacks(values, asin):
    columns = (
        "seller-sku",
        "asin1",
        "asin",
        "product-id",
        "product-id-type",
        "fulfillment-channel",
    )
    row = {
        "seller-sku": "S",
        "product-id-type": "1",
        "fulfillment-channel": "DEFAULT",
        **values,
    }
    (parsed,) = parse_merchant_listings(tsv([row], columns).encode()).rows
    assert parsed.asin == asin


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\n\n",
        b"item-name\tsku\tprice\nA\tB\t1\n",
        tsv([offer("S")], tuple(c for c in COLUMNS if c != "seller-sku")).encode(),
    ],
)
def test_no_seller_sku_column(content):
    with pytest.raises(ListingsFileError, match="has no seller-sku"):
        parse_merchant_listings(content)


def test_no_channel_column_is_refused():
    """Without the channel, who fulfils each offer is unknown: the file is
    refused rather than read as merchant-fulfilled."""
    columns = tuple(c for c in COLUMNS if c != "fulfillment-channel")
    with pytest.raises(
        ListingsFileError,
        match=r"has no fulfillment-channel column .*the columns found are: "
        r"item-name, item-description",
    ):
        parse_merchant_listings(tsv([offer("S")], columns).encode())


def test_the_missing_column_message_names_the_columns_found():
    with pytest.raises(
        ListingsFileError, match=r"the columns found are: item-name, sku, price\)"
    ):
        parse_merchant_listings(b"item-name\tsku\tprice\nA\tB\t1\n")
    with pytest.raises(ListingsFileError, match="the file is empty"):
        parse_merchant_listings(b"")


def test_a_gzipped_report_is_not_read_here():
    """Ungzipping is the adapter's job: compressed bytes are refused, not read as
    garbage rows."""
    content = gzip.compress(tsv([offer("S")]).encode())
    with pytest.raises(ListingsFileError, match="nothing was imported"):
        parse_merchant_listings(content)


# -- rows ----------------------------------------------------------------------


def test_duplicate_sku_keeps_the_first():
    content = tsv([offer("S", price="1.00"), offer("T"), offer("S", price="2.00")])
    result = parse_merchant_listings(content.encode())
    assert [(r.sku, r.price) for r in result.rows] == [
        ("S", Decimal("1.00")),
        ("T", Decimal("19.99")),
    ]
    assert result.problems == ["line 4: SKU S already on line 2, this line is left out"]


def test_blank_lines_are_skipped_and_lines_counted():
    content = (
        b"seller-sku\tprice\tfulfillment-channel\n\nA\t1.00\tDEFAULT\n\t\n   \n"
        b"B\t2.00\tDEFAULT\n\n"
    )
    result = parse_merchant_listings(content)
    assert [(r.sku, r.line) for r in result.rows] == [("A", 3), ("B", 6)]
    assert result.problems == []


def test_rows_without_sku_and_unreadable_values_are_problems():
    content = tsv(
        [
            offer("A"),
            offer("", **{"item-name": "no sku here"}),
            offer("B", price="abc"),
            offer("C", quantity="-2"),
            offer("D", quantity="1.5"),
            offer("E", price="", quantity=""),
        ]
    )
    result = parse_merchant_listings(content.encode())
    assert result.problems == [
        "line 3: no seller-sku",
        "line 4: price 'abc' is not a number",
        "line 5: quantity '-2' is not a whole number >= 0",
        "line 6: quantity '1.5' is not a whole number >= 0",
    ]
    by_sku = {r.sku: r for r in result.rows}
    assert list(by_sku) == ["A", "B", "C", "D", "E"]  # a bad value keeps the offer
    assert by_sku["B"].price is None and by_sku["B"].quantity == 5
    assert by_sku["C"].quantity is None and by_sku["C"].price == Decimal("19.99")
    assert (by_sku["E"].price, by_sku["E"].quantity) == (None, None)


def test_short_rows_and_quotes_are_read_as_amazon_writes_them():
    content = (
        b"item-name\tseller-sku\tprice\tquantity\tfulfillment-channel\n"
        b'12" vinyl "Live"\tQ-1\n'
        b'Say "hi\tQ-2\t3.00\t1\tDEFAULT\textra\tcells\n'
    )
    rows = parse_merchant_listings(content).rows
    assert [
        (r.title, r.sku, r.price, r.quantity, r.fulfillment_channel) for r in rows
    ] == [
        ('12" vinyl "Live"', "Q-1", None, None, None),
        ('Say "hi', "Q-2", Decimal("3.00"), 1, MERCHANT),
    ]


def test_whole_number_quantities_written_with_decimals():
    content = tsv([offer("S", quantity="3.0")]).encode()
    assert parse_merchant_listings(content).rows[0].quantity == 3


# -- prices --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,amount",
    [
        ("19.99", "19.99"),
        ("19,99", "19.99"),
        ("1980", "1980"),
        ("1,980", "1980"),
        ("1,234.56", "1234.56"),
        ("1.234,56", "1234.56"),
        ("1.234.567,8", "1234567.8"),
        ("1,234,567", "1234567"),
        ("1.234.567", "1234567"),
        ("1 234,56", "1234.56"),
        ("1\u00a0234,56", "1234.56"),
        ("0,5", "0.5"),
        ("7", "7"),
        ("1.234", "1.234"),  # a point alone is a decimal point
    ],
)
def test_parse_price(text, amount):
    assert parse_price(text) == Decimal(amount)


@pytest.mark.parametrize(
    "text",
    ["abc", "", "-5", "1,2,3", "12,34.56", "1.234,56,7", "1e3", "NaN", "€5", "1,23.4"],
)
def test_parse_price_refuses(text):
    with pytest.raises(ValueError):
        parse_price(text)


def test_decimal_comma_prices_in_a_report():
    content = tsv(
        [offer("A", price="19,99"), offer("B", price="1.234,50"), offer("C", price="5")]
    )
    rows = parse_merchant_listings(content.encode("cp1252"), marketplace_id=DE).rows
    assert [r.price for r in rows] == [
        Decimal("19.99"),
        Decimal("1234.50"),
        Decimal("5"),
    ]


# -- encodings -----------------------------------------------------------------

JAPANESE = [
    offer(
        "JP-1",
        **{"item-name": "ソニー ワイヤレスヘッドホン \uff5e黒\uff5e", "price": "1980"},
    ),
    offer("JP-2", **{"item-name": "①番 表示テスト", "price": "12,800"}),
]


@pytest.mark.parametrize(
    "charset", [None, "Shift_JIS", "shift-jis", "Windows-31J", "x-sjis"]
)
def test_japanese_titles_in_cp932(charset):
    content = tsv(JAPANESE).encode("cp932")
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")  # the file really is not UTF-8
    # A declared charset is enough: no marketplace fallback to hide a wrong codec.
    marketplace_id = JP if charset is None else None
    rows = parse_merchant_listings(
        content, charset=charset, marketplace_id=marketplace_id
    ).rows
    assert [(r.title, r.price) for r in rows] == [
        ("ソニー ワイヤレスヘッドホン \uff5e黒\uff5e", Decimal("1980")),
        ("①番 表示テスト", Decimal("12800")),
    ]


def test_japanese_report_in_utf8_needs_no_charset():
    content = tsv(JAPANESE).encode("utf-8")
    rows = parse_merchant_listings(content, marketplace_id=JP).rows
    assert rows[0].title == "ソニー ワイヤレスヘッドホン \uff5e黒\uff5e"


def test_utf8_byte_order_mark():
    content = codecs.BOM_UTF8 + tsv([offer("Müller-1")]).encode("utf-8")
    (row,) = parse_merchant_listings(content, charset="cp1252").rows  # BOM wins
    assert row.sku == "Müller-1"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_text_in_another_encoding_is_refused(codec):
    """Amazon writes this report in UTF-8, cp1252 or Shift_JIS: anything else
    (UTF-16 here, with or without its byte order mark) is refused whole."""
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    for content in (
        tsv([offer("S")]).encode(codec),
        bom + tsv([offer("S")]).encode(codec),
    ):
        with pytest.raises(
            ListingsFileError, match=r"not text in UTF-8, cp1252 or Shift_JIS"
        ):
            parse_merchant_listings(content)


def test_a_byte_order_mark_on_invalid_utf8_is_refused():
    content = codecs.BOM_UTF8 + tsv([offer("S", **{"item-name": "é"})]).encode("cp1252")
    with pytest.raises(ListingsFileError, match="not valid UTF-8"):
        parse_merchant_listings(content)


def test_legacy_european_file_without_charset():
    content = tsv([offer("S", **{"item-name": "Crème brûlée \u2013 50 €"})]).encode(
        "cp1252"
    )
    (row,) = parse_merchant_listings(content, marketplace_id=DE).rows
    assert row.title == "Crème brûlée \u2013 50 €"


def test_decode_report_order_of_preference():
    text = "Gänsefüßchen"
    assert decode_report(text.encode("utf-8")) == text
    assert decode_report(text.encode("cp1252")) == text  # no marketplace: cp1252
    assert decode_report(text.encode("latin-1"), charset="ISO-8859-1") == text
    # An unknown charset name is ignored; a wrong one falls back to UTF-8.
    assert decode_report(text.encode("utf-8"), charset="x-no-such-codec") == text
    assert (
        decode_report(text.encode("cp1252"), charset="UTF-8", marketplace_id=DE) == text
    )
    # A declared charset wins over UTF-8 when it decodes.
    assert decode_report("é".encode(), charset="cp1252") == "Ã©"
    japanese = "ソニー"
    assert decode_report(japanese.encode("cp932"), marketplace_id=JP) == japanese
    assert decode_report(japanese.encode("cp932"), charset='"Shift_JIS"') == japanese


def test_decode_report_never_fails():
    # 0x81 is undefined in cp1252: the character is replaced, the file still read.
    assert decode_report(b"ab\x81c", marketplace_id=DE) == "ab\ufffdc"
    assert decode_report(codecs.BOM_UTF8 + b"ab\xffc") == "ab\ufffdc"
