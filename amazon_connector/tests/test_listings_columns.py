"""The All Listings Report as sellers get it (pure Python, no database): the header
table, the real layouts and languages, encodings, and the files refused whole."""

import codecs

import pytest

from ..amazon import listings_columns as col
from ..amazon.listings_report import (
    AMAZON,
    MERCHANT,
    ListingsFileError,
    channel_of_listings_item,
    parse_merchant_listings,
)

DE = "A1PA6795UKMFR9"
JP = "A1VC38T7YXB528"

#: Amazon.de, amzn/selling-partner-api-models #4140 (2024-08-30), header as quoted:
#: British spelling, ten placeholders, an extra column in the middle and two at the
#: end.
HEADER_4140 = (
    "item-name\titem-description\tlisting-id\tseller-sku\tprice\tquantity\t"
    "open-date\tDeprecated column\titem-is-marketplace\tproduct-id-type\t"
    "Deprecated column\titem-note\titem-condition\tDeprecated column\t"
    "Deprecated column\tDeprecated column\tasin1\tDeprecated column\t"
    "Deprecated column\twill-ship-internationally\texpedited-shipping\t"
    "Deprecated column\tproduct-id\tDeprecated column\tadd-delete\t"
    "pending-quantity\tfulfilment-channel\toptional-payment-type-exclusion\t"
    "merchant-shipping-group\tstatus\tMinimum order quantity\tSell remainder"
).split("\t")
#: reportOptions custom=true, #4864 (2025-07-07), the "previous columns" layout.
HEADER_CUSTOM = (
    "seller-sku\tasin1\titem-name\titem-description\tlisting-id\tprice\tquantity\t"
    "open-date\tproduct-id-type\titem-note\titem-condition\t"
    "will-ship-internationally\texpedited-shipping\tproduct-id\tpending-quantity\t"
    "fulfillment-channel\tBusiness Price\tQuantity Price Type\t"
    "Quantity Lower Bound 1\tQuantity Price 1\toptional-payment-type-exclusion\t"
    "scheduled-delivery-sku-set\tmerchant-shipping-group\tstandard-price-point\t"
    "ProductTaxCode\tstatus\tminimum-seller-allowed-price\t"
    "maximum-seller-allowed-price"
).split("\t")
#: #5216 (2026-05-01): the documented columns, ``status`` missing.
HEADER_NO_STATUS = (
    "item-name\titem-description\tlisting-id\tseller-sku\tprice\tquantity\t"
    "open-date\timage-url\titem-is-marketplace\tproduct-id-type\t"
    "zshop-shipping-fee\titem-note\titem-condition\tasin1\tproduct-id\t"
    "pending-quantity\tfulfillment-channel\tmerchant-shipping-group"
).split("\t")
#: A Japanese seller's report (cp932), the names of the published Japanese layout
#: (see amazon/listings_columns.py, sources [PHP] and [GO]).
HEADER_JA = [
    "商品名",
    "出品ID",
    "出品者SKU",
    "価格",
    "数量",
    "出品日",
    "商品IDタイプ",
    "コンディション説明",
    "コンディション",
    "ASIN 1",
    "商品ID",
    "フルフィルメント・チャンネル",
    "ステータス",
]
#: German report language (sources [PHP] in amazon/listings_columns.py).
HEADER_DE = [
    "Artikelbezeichnung",
    "Händler-SKU",
    "Preis",
    "Menge",
    "Erstellungsdatum",
    "Produkt-ID-Typ",
    "Produkt-ID",
    "Versender",
    "Status",
]


def report(header, rows, separator="\n"):
    """A report: ``rows`` as {column name: cell} on ``header``."""
    lines = ["\t".join(header)]
    lines += ["\t".join(row.get(name, "") for name in header) for row in rows]
    return separator.join(lines) + separator


# -- the table -----------------------------------------------------------------


def test_no_name_means_two_columns():
    seen = {}
    for column, names in col.COLUMN_NAMES.items():
        for name in names:
            key = col.normalise(name)
            assert seen.setdefault(key, column) == column, (name, seen[key], column)


def test_every_column_the_connector_reads_has_its_languages():
    """The columns read have their American name, and the SKU and channel (without
    which a file is refused) a name in every language of the table."""
    for column in (col.SKU, col.CHANNEL, col.TITLE, col.PRICE, col.QUANTITY):
        assert col.COLUMN_NAMES[column][0] == column
        assert len(col.COLUMN_NAMES[column]) >= 10, column
    for column in col.REQUIRED:
        assert len(col.COLUMN_NAMES[column]) >= 11  # 11 languages (+ British)
    assert "fulfilment-channel" in col.COLUMN_NAMES[col.CHANNEL]


@pytest.mark.parametrize(
    "name,column",
    [
        ("Seller SKU", col.SKU),
        ("SELLER_SKU", col.SKU),
        (" seller-sku ", col.SKU),
        ("\ufeffseller-sku", col.SKU),
        ("Fulfillment Channel", col.CHANNEL),
        ("FULFILMENT_CHANNEL", col.CHANNEL),
        ("ASIN 1", col.ASIN),
        ("händler-sku", col.SKU),
        ("\uff33\uff2b\uff35 del vendedor", col.SKU),  # full-width letters
        ("フルフィルメント・チャンネル", col.CHANNEL),
        ("卖家SKU", col.SKU),
    ],
)
def test_names_match_without_case_spaces_or_underscores(name, column):
    header = col.read_header(["x", name])
    assert header.index == {column: 1}


# -- real layouts --------------------------------------------------------------


def test_the_german_4140_layout():
    rows = [
        {"seller-sku": "FBA-1", "fulfilment-channel": "AMAZON_EU", "asin1": "B0F"},
        {
            "seller-sku": "MFN-1",
            "fulfilment-channel": "DEFAULT",
            "price": "12,50",
            "quantity": "4",
            "status": "Active",
            "Minimum order quantity": "1",
        },
    ]
    result = parse_merchant_listings(
        report(HEADER_4140, rows).encode("utf-8"), marketplace_id=DE, region="eu"
    )
    assert result.problems == []
    fba, mfn = result.rows
    assert (fba.sku, fba.fulfillment_channel, fba.asin) == ("FBA-1", AMAZON, "B0F")
    assert (mfn.fulfillment_channel, str(mfn.price), mfn.quantity, mfn.status) == (
        MERCHANT,
        "12.50",
        4,
        "Active",
    )


def test_deprecated_placeholders_anywhere_and_in_spanish():
    header = [
        "Deprecated column",
        "Columna en desuso",
        "seller-sku",
        "Deprecated column",
        "something new",
        "fulfillment-channel",
        "Deprecated column",
    ]
    row = dict(zip(header, ["x", "y", "S", "z", "?", "AMAZON_NA", "w"], strict=True))
    (parsed,) = parse_merchant_listings(report(header, [row]).encode()).rows
    assert (parsed.sku, parsed.fulfillment_channel) == ("S", AMAZON)


def test_the_custom_true_layout():
    row = {
        "seller-sku": "C-1",
        "asin1": "B0C",
        "price": "9.99",
        "quantity": "2",
        "fulfillment-channel": "DEFAULT",
        "Business Price": "8.99",
        "status": "Active",
    }
    (parsed,) = parse_merchant_listings(report(HEADER_CUSTOM, [row]).encode()).rows
    assert (parsed.sku, parsed.asin, str(parsed.price), parsed.quantity) == (
        "C-1",
        "B0C",
        "9.99",
        2,
    )


def test_a_report_without_status():
    row = {"seller-sku": "N-1", "fulfillment-channel": "DEFAULT", "quantity": "3"}
    (parsed,) = parse_merchant_listings(report(HEADER_NO_STATUS, [row]).encode()).rows
    assert (parsed.sku, parsed.status, parsed.quantity) == ("N-1", None, 3)


@pytest.mark.parametrize("charset", [None, "Shift_JIS", "Windows-31J"])
def test_japanese_headers_in_cp932(charset):
    row = {
        "商品名": "ステンレス製マグカップ ①",
        "出品者SKU": "JP-1",
        "価格": "1,980",
        "数量": "5",
        "ASIN 1": "B0JP",
        "フルフィルメント・チャンネル": "DEFAULT",
        "ステータス": "アクティブ",
    }
    fba = {"出品者SKU": "JP-2", "フルフィルメント・チャンネル": "AMAZON_JP"}
    content = report(HEADER_JA, [row, fba], "\r\n").encode("cp932")
    result = parse_merchant_listings(
        content, charset=charset, marketplace_id=JP, region="fe"
    )
    assert result.problems == []
    mug, other = result.rows
    assert (mug.sku, mug.title, str(mug.price), mug.quantity, mug.asin) == (
        "JP-1",
        "ステンレス製マグカップ ①",
        "1980",
        5,
        "B0JP",
    )
    assert (mug.fulfillment_channel, other.fulfillment_channel) == (MERCHANT, AMAZON)


def test_japanese_headers_without_charset_outside_japan():
    """The encoding is told by the header: a cp932 file is read even when the
    marketplace is not Japan's and nothing is declared."""
    content = report(
        HEADER_JA, [{"出品者SKU": "J", "フルフィルメント・チャンネル": "DEFAULT"}]
    )
    (parsed,) = parse_merchant_listings(content.encode("cp932")).rows
    assert parsed.sku == "J"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_german_headers_in_each_encoding(encoding):
    row = {
        "Artikelbezeichnung": "Gießkanne \u2013 5 l",
        "Händler-SKU": "DE-1",
        "Preis": "1.234,50",
        "Menge": "",
        "Versender": "AMAZON_EU",
        "Status": "Aktiv",
    }
    content = report(HEADER_DE, [row]).encode(encoding)
    (parsed,) = parse_merchant_listings(content, marketplace_id=DE).rows
    assert (parsed.sku, parsed.title, str(parsed.price)) == (
        "DE-1",
        "Gießkanne \u2013 5 l",
        "1234.50",
    )
    assert parsed.fulfillment_channel == AMAZON


@pytest.mark.parametrize(
    "header",
    [
        ["sku-vendeur", "canal-traitement", "nom-produit", "état"],  # French
        ["SKU venditore", "Canale di gestione", "Nome dell'articolo", "stato"],
        ["SKU del vendedor", "Canal de gestión logística", "Título del producto"],
        ["sku-sprzedawcy", "kanał-realizacji"],  # Polish
        ["卖家 SKU", "配送渠道", "商品名称", "状态"],  # Chinese
        ["SKU van verkoper", "Afhandelingskanaal"],  # Dutch (unverified)
        ["Säljar-SKU", "Distributionskanal"],  # Swedish (unverified)
        ["Sat\u0131c\u0131 SKU", "Gönderim kanal\u0131"],  # Turkish (unverified)
    ],
)
def test_other_languages(header):
    row = {header[0]: "L-1", header[1]: "DEFAULT"}
    (parsed,) = parse_merchant_listings(report(header, [row]).encode()).rows
    assert (parsed.sku, parsed.fulfillment_channel) == ("L-1", MERCHANT)


# -- refused whole -------------------------------------------------------------


def test_a_header_in_an_unknown_language_names_the_columns_found():
    header = ["Tuotteen nimi", "Myyjän SKU", "Hinta", "Toimituskanava"]  # Finnish
    content = report(header, [dict(zip(header, "ABCD", strict=True))]).encode()
    with pytest.raises(ListingsFileError) as caught:
        parse_merchant_listings(content)
    message = str(caught.value)
    assert "has no seller-sku and no fulfillment-channel column" in message
    assert "nothing was imported" in message
    assert "Tuotteen nimi, Myyjän SKU, Hinta, Toimituskanava" in message


def test_the_sku_column_twice_is_refused():
    header = ["seller-sku", "item-name", "Händler-SKU", "fulfillment-channel"]
    row = {"seller-sku": "A", "Händler-SKU": "B", "fulfillment-channel": "DEFAULT"}
    with pytest.raises(ListingsFileError, match=r"seller-sku column twice"):
        parse_merchant_listings(report(header, [row]).encode())
    same = ["seller-sku", "fulfillment-channel", "seller-sku"]
    with pytest.raises(ListingsFileError, match=r"'seller-sku' and 'seller-sku'"):
        parse_merchant_listings(report(same, []).encode())


def test_placeholders_are_not_named_as_found_columns():
    header = ["Deprecated column", "item-name", "Deprecated column", "price"]
    with pytest.raises(ListingsFileError, match=r"found are: item-name, price\)"):
        parse_merchant_listings(report(header, []).encode())


def test_binary_content_is_refused():
    with pytest.raises(ListingsFileError, match="not text in UTF-8, cp1252"):
        parse_merchant_listings(b"\x00\x01seller-sku\tfulfillment-channel\n")


def test_names_are_compared_in_their_compatible_form():
    assert col.normalise("\uff33\uff2b\uff35") == "sku"  # full-width SKU
    assert col.normalise("Seller_SKU") == col.normalise("seller - sku") == "sellersku"


def test_a_declared_charset_that_is_not_one_of_amazons_is_ignored():
    content = report(HEADER_DE, [{"Händler-SKU": "Ü", "Versender": "DEFAULT"}])
    (parsed,) = parse_merchant_listings(
        content.encode("utf-8"), charset="x-unknown"
    ).rows
    assert parsed.sku == "Ü"
    (parsed,) = parse_merchant_listings(
        codecs.BOM_UTF8 + content.encode("utf-8"), charset="cp1252"
    ).rows
    assert parsed.sku == "Ü"  # the byte order mark wins


# -- getListingsItem -----------------------------------------------------------


@pytest.mark.parametrize(
    "availability,channel",
    [
        ([{"fulfillmentChannelCode": "DEFAULT", "quantity": 4}], MERCHANT),
        ([{"fulfillmentChannelCode": "AMAZON_EU"}], AMAZON),
        # Both: Amazon fulfils it somewhere, never sent a merchant quantity.
        (
            [
                {"fulfillmentChannelCode": "DEFAULT", "quantity": 0},
                {"fulfillmentChannelCode": "AMAZON_NA", "quantity": 3},
            ],
            AMAZON,
        ),
        ([], None),
        (None, None),
        ([{"fulfillmentChannelCode": "SOMETHING_NEW"}], None),
        # A code not known beside DEFAULT: unknown, never merchant.
        (
            [
                {"fulfillmentChannelCode": "DEFAULT", "quantity": 0},
                {"fulfillmentChannelCode": "SOMETHING_NEW"},
            ],
            None,
        ),
    ],
)
def test_channel_of_a_listings_item(availability, channel):
    """The answer's shape: Listings Items API 2021-08-01 ``Item`` (official model,
    ``fulfillmentAvailability[].fulfillmentChannelCode``)."""
    item = {"sku": "S", "summaries": []}
    if availability is not None:
        item["fulfillmentAvailability"] = availability
    assert channel_of_listings_item(item) == channel
