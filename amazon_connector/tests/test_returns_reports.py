"""Amazon's two returns reports read (pure Python, no database): the merchant returns
report (flat file and XML) and the FBA customer returns report, by column name in
the languages and encodings sellers get, bad rows named and the others kept, and the
reason codes in plain English. The fixtures in data/returns/ say where their shape
comes from (README.md there, a comment in the XML)."""

import codecs
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from ..amazon import returns_columns
from ..amazon.fba_returns_report import read_fba_returns
from ..amazon.merchant_returns_report import read_merchant_returns
from ..amazon.return_vocabulary import is_returnless, reason_text

DATA = Path(__file__).parent / "data" / "returns"


def fixture(name: str) -> bytes:
    return (DATA / name).read_bytes()


def by_rma(reading):
    return {r.rma_ref: r for r in reading.returns}


# -- the merchant returns report


def test_us_report_rows_of_one_rma_are_one_return():
    reading = read_merchant_returns(fixture("merchant_returns_us_2025.tsv"))
    returns = by_rma(reading)
    assert set(returns) == {"DfqRyqfBRRMA", "Dk2xTpQ7RRMA", "DnoLabelRRMA"}
    first = returns["DfqRyqfBRRMA"]
    assert first.order_ref == "113-1000001-0000001"
    assert first.order_date == date(2025, 7, 10)
    assert first.request_date == date(2025, 7, 14)
    assert first.status == "Approved"
    assert (first.label_type, first.label_carrier, first.label_payer) == (
        "AmazonPrePaidLabel",
        "USPS",
        "Seller",
    )
    assert first.label_tracking == "9202090339598363834190"
    assert first.label_cost == Decimal("4.14")
    assert first.currency == "USD"
    assert first.resolution == "StandardRefund"
    assert first.return_type == "C-Returns"
    assert first.merchant_rma_ref is None  # a space in the file
    assert first.invoice_number is None
    assert first.delivered_date is None
    assert not first.returnless
    (item,) = first.items
    assert (item.sku, item.asin, item.quantity) == ("NECK-925-IT", "B0DFN2HN9N", 2)
    assert item.reason_code == "AMZ-PG-WJ-TOO-SMALL"
    assert item.reason == "Too small"
    assert item.in_policy is True

    two = returns["Dk2xTpQ7RRMA"]
    assert [(i.sku, i.quantity, i.reason) for i in two.items] == [
        ("MUG-BLUE", 1, "Item defective"),
        ("MUG-RED", 1, "No longer wanted"),
    ]
    assert two.items[0].refunded_amount == Decimal("24.90")
    assert two.items[1].refunded_amount is None
    assert two.delivered_date == date(2025, 7, 21)
    assert two.is_prime is True
    assert two.label_payer == "Customer"


def test_returnless_refund_is_flagged():
    returns = by_rma(read_merchant_returns(fixture("merchant_returns_us_2025.tsv")))
    returnless = returns["DnoLabelRRMA"]
    assert returnless.returnless
    assert returnless.label_type is None
    assert returnless.items[0].refunded_amount == Decimal("7.99")
    assert is_returnless("ReturnlessRefund")
    assert is_returnless("StandardRefund", "NoLabel")
    assert not is_returnless("StandardRefund", "AmazonPrePaidLabel")
    assert not is_returnless(None, None)  # an empty label says nothing


def test_bad_rows_are_named_with_their_line_and_the_others_kept():
    reading = read_merchant_returns(fixture("merchant_returns_us_2025.tsv"))
    assert len(reading.returns) == 3
    lines = dict(reading.problems)
    assert set(lines) == {6, 7, 8}
    assert "no order id" in lines[6]
    assert "'1.5' is not a whole number" in lines[7]
    assert "no merchant SKU" in lines[8]


def test_german_cp1252_report_with_decimal_comma():
    reading = read_merchant_returns(fixture("merchant_returns_de_cp1252.tsv"))
    (found,) = reading.returns
    assert found.order_ref == "302-2000001-0000001"
    assert found.rma_ref == "DdeRma01RRMA"
    assert found.request_date == date(2026, 12, 3)
    assert found.delivered_date == date(2026, 12, 8)
    assert found.label_cost == Decimal("4.95")
    assert found.order_amount == Decimal("1234.50")
    (item,) = found.items
    assert item.sku == "TASSE-GRÜN"
    assert item.item_name == "Kaffeetasse grün, 300 ml"
    assert item.refunded_amount == Decimal("24.90")
    assert reading.problems == (
        (
            3,
            "return quantity 'zwei' is not a whole number of at least 1, "
            "the row is left out",
        ),
    )


def test_japanese_cp932_report_read_without_a_declared_charset():
    content = fixture("merchant_returns_ja_cp932.tsv")
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")
    for charset in (None, "Shift_JIS", "windows-31j"):
        (found,) = read_merchant_returns(content, charset).returns
        assert found.order_ref == "503-3000001-0000001"
        assert found.request_date == date(2026, 12, 2)
        assert found.label_carrier == "ヤマト運輸"
        assert found.currency == "JPY"
        (item,) = found.items
        assert item.item_name == "煎茶 ①缶 100g\uff5e"  # a wave dash only cp932 has
        assert item.refunded_amount == Decimal("1980")
        assert item.reason == "Quality not as expected"


def test_byte_order_mark_and_utf8_french_header():
    header = (
        "Numéro de commande\tID RMA Amazon\tSKU du vendeur\tQuantité retournée\t"
        "Motif du retour\tDate de la demande de retour\tMontant remboursé"
    )
    body = "171-1234567-1234567\tDfrRmaRRMA\tVASE-1\t1\tArticle endommagé\t05.12.2026\t12,50"
    content = codecs.BOM_UTF8 + f"{header}\r\n{body}\r\n".encode()
    (found,) = read_merchant_returns(content).returns
    assert (found.order_ref, found.rma_ref) == ("171-1234567-1234567", "DfrRmaRRMA")
    assert found.request_date == date(2026, 12, 5)
    (item,) = found.items
    # a reason written out (no code) is kept as the report says it
    assert (item.reason_code, item.reason) == (None, "Article endommagé")
    assert item.refunded_amount == Decimal("12.50")


def test_columns_in_another_order_and_unknown_columns_ignored():
    content = (
        b"Some new column\tReturn quantity\tMerchant SKU\tAmazon RMA ID\tOrder ID\n"
        b"x\t3\tSKU-1\tRMA1\t111-0000000-0000001\n"
    )
    (found,) = read_merchant_returns(content).returns
    assert (found.order_ref, found.items[0].sku, found.items[0].quantity) == (
        "111-0000000-0000001",
        "SKU-1",
        3,
    )


def test_unreadable_optional_cells_are_left_empty_and_named():
    content = (
        b"Order ID\tAmazon RMA ID\tMerchant SKU\tReturn quantity\tReturn request date\t"
        b"Label cost\n"
        b"111-0000000-0000001\tRMA1\tSKU-1\t1\t02/11/2026\tabc\n"
    )
    reading = read_merchant_returns(content)
    (found,) = reading.returns
    assert found.request_date is None and found.label_cost is None
    assert [line for line, _ in reading.problems] == [2, 2]
    assert "day first or month first" in reading.problems[0][1]
    # told the marketplace's date order, the same date is read
    (found,) = read_merchant_returns(content, day_first=True).returns
    assert found.request_date == date(2026, 11, 2)


def test_header_without_order_or_rma_column_is_refused():
    with pytest.raises(ValueError, match="neither an order id nor an Amazon RMA ID"):
        read_merchant_returns(b"sku\tquantity\nA\t1\n")
    with pytest.raises(ValueError, match="empty"):
        read_merchant_returns(b"\r\n\r\n")


def test_xml_variant_is_read_into_the_same_returns():
    reading = read_merchant_returns(fixture("merchant_returns_es_2020.xml"))
    assert reading.problems == ()
    returns = by_rma(reading)
    shirt = returns["DJ1XPkq5RRMA"]
    assert shirt.order_ref == "408-9386448-4007569"
    assert shirt.order_date == date(2020, 11, 3)
    assert shirt.request_date == date(2020, 11, 12)
    assert (shirt.label_type, shirt.label_cost, shirt.currency) == (
        "AmazonUnPaidLabel",
        Decimal("0.0"),
        "EUR",
    )
    assert shirt.label_payer == "Customer"
    assert shirt.resolution == "StandardRefund"  # an item-level element in XML
    assert shirt.a_to_z_claim is False and shirt.is_prime is False
    assert [(i.sku, i.quantity, i.reason) for i in shirt.items] == [
        ("CAMISA-0003-XL", 1, "Too small"),
        ("CAMISA-0003-XL", 1, "Too small"),
    ]
    chino = returns["DkChino1RRMA"]
    assert chino.label_tracking == "PQ4F6P0701234560128001X"
    assert chino.delivered_date == date(2020, 11, 18)
    assert chino.items[0].item_name == "Pantalón chino & cinturón"
    assert chino.items[0].reason == "Some new reason"


def test_bad_xml_is_refused_with_a_clear_message():
    with pytest.raises(ValueError, match="XML returns report cannot be read"):
        read_merchant_returns(b"<AmazonEnvelope><Message></AmazonEnvelope>")
    with pytest.raises(ValueError, match="no return_details"):
        read_merchant_returns(b"<html><body>Access denied</body></html>")
    empty = b"<?xml version='1.0'?><AmazonEnvelope><Header/></AmazonEnvelope>"
    assert read_merchant_returns(empty).returns == ()


def test_xml_row_without_sku_is_a_problem():
    content = (
        b"<AmazonEnvelope><Message><return_details><item_details>"
        b"<return_quantity>1</return_quantity></item_details>"
        b"<order_id>1</order_id><amazon_rma_id>R</amazon_rma_id>"
        b"</return_details></Message></AmazonEnvelope>"
    )
    reading = read_merchant_returns(content)
    assert reading.returns == ()
    assert reading.problems == ((1, "no merchant SKU, the row is left out"),)


# -- the FBA customer returns report


def test_fba_report_rows_and_bad_rows():
    reading = read_fba_returns(fixture("fba_returns_us_2025.tsv"))
    first, second = reading.returns
    assert first.return_date == datetime(2025, 6, 5, 15, 31, 40, tzinfo=timezone.utc)
    assert (first.order_ref, first.sku, first.quantity) == (
        "114-2962899-5762619",
        "LVA1004-UPC",
        1,
    )
    assert (first.fulfillment_center, first.disposition, first.reason_code) == (
        "LEX1",
        "CUSTOMER_DAMAGED",
        "NOT_COMPATIBLE",
    )
    assert first.license_plate_number == "LPNNC5N165ZVR"
    assert first.customer_comments is None
    # the offset is kept: 09:02 at -07:00 is 16:02 UTC
    assert second.return_date == datetime(2025, 6, 6, 16, 2, 11, tzinfo=timezone.utc)
    assert second.quantity == 2 and second.disposition == "SELLABLE"
    assert second.customer_comments == "Bought two by mistake"
    assert [line for line, _ in reading.problems] == [4, 5, 6]
    assert "no order-id" in reading.problems[0][1]
    assert "no sku" in reading.problems[1][1]
    assert "'-1' is not a whole number" in reading.problems[2][1]


def test_fba_report_japanese_cp932():
    (found,) = read_fba_returns(fixture("fba_returns_ja_cp932.tsv")).returns
    assert found.return_date == datetime(2026, 12, 3, 1, 15, tzinfo=timezone.utc)
    assert (found.order_ref, found.sku, found.fnsku) == (
        "503-4000001-0000001",
        "TEA-SENCHA",
        "X00JPTEA01",
    )
    assert found.product_name == "煎茶 ①缶 100g\uff5e"  # a wave dash only cp932 has
    assert found.disposition == "DEFECTIVE"
    assert found.customer_comments == "缶がへこんでいた"


def test_fba_report_unreadable_date_kept_empty_and_named():
    content = (
        b"return-date\torder-id\tsku\tquantity\tlicense-plate-number\n"
        b"yesterday\t1\tSKU\t1\tLPN1\n"
    )
    reading = read_fba_returns(content)
    assert reading.returns[0].return_date is None
    assert reading.problems[0][0] == 2 and "yesterday" in reading.problems[0][1]


def test_fba_header_without_sku_is_refused():
    with pytest.raises(ValueError, match="no sku column"):
        read_fba_returns(b"return-date\torder-id\tquantity\n")
    with pytest.raises(ValueError, match="empty"):
        read_fba_returns(b"")


# -- the words


@pytest.mark.parametrize(
    ("code", "text"),
    [
        ("DEFECTIVE", "Item defective"),
        ("CR-DEFECTIVE", "Item defective"),
        ("AMZ-PG-BAD-DESC", "Not as described"),
        ("SWITCHEROO", "Wrong item sent"),
        ("UNDELIVERABLE_REFUSED", "Refused by the buyer"),
        ("APPAREL_TOO_LARGE", "Too large"),
        ("CR-SOME_NEW_REASON", "Some new reason"),
        ("AMZ-PG-NEW-THING", "New thing"),
        ("Artikel defekt", "Artikel defekt"),
        (None, ""),
        ("  ", ""),
    ],
)
def test_reason_text(code, text):
    assert reason_text(code) == text


@pytest.mark.parametrize(
    "names", [returns_columns.MERCHANT_COLUMN_NAMES, returns_columns.FBA_COLUMN_NAMES]
)
def test_no_header_name_means_two_columns(names):
    seen: dict[str, str] = {}
    for column, known in names.items():
        for name in known:
            key = returns_columns.normalise(name)
            assert seen.setdefault(key, column) == column, name
