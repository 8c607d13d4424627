"""Amazon's V2 flat-file settlement report, GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2
(pure Python, no database): columns by name, the summary row, local decimal marks
and dates, encodings, the lines summing to the total, and the simulator's files."""

import codecs
import gzip
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from amazon_simulator import SimulatorState
from amazon_simulator.marketplaces import MARKETPLACES
from amazon_simulator.settlement import COLUMNS

from ..amazon.settlement_report import (
    REPORT_TYPE,
    InvalidSettlement,
    Settlement,
    SettlementLine,
    parse_settlement,
)

DE, UK, US, JP = "A1PA6795UKMFR9", "A1F83G8C2ARO7P", "ATVPDKIKX0DER", "A1VC38T7YXB528"
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)
SETTLEMENT_ID = "11122233344"


def utc(*args):
    return datetime(*args, tzinfo=timezone.utc)


def tsv(rows, columns=COLUMNS, newline="\r\n") -> str:
    """A report: the header, then each row given as {column: value}."""
    lines = ["\t".join(columns)]
    lines += ["\t".join(row.get(c, "") for c in columns) for row in rows]
    return newline.join(lines) + newline


def summary(total, currency="EUR", **values):
    return {
        "settlement-id": SETTLEMENT_ID,
        "settlement-start-date": "2026-11-02 10:00:00 UTC",
        "settlement-end-date": "2026-11-16 10:00:00 UTC",
        "deposit-date": "2026-11-18 10:00:00 UTC",
        "total-amount": total,
        "currency": currency,
        **values,
    }


def amount(transaction, amount_type, description, value, **values):
    return {
        "settlement-id": SETTLEMENT_ID,
        "transaction-type": transaction,
        "amount-type": amount_type,
        "amount-description": description,
        "amount": value,
        **values,
    }


def order_amount(amount_type, description, value, **values):
    return amount(
        "Order",
        amount_type,
        description,
        value,
        **{
            "order-id": "302-1234567-1234567",
            "marketplace-name": "Amazon.de",
            "fulfillment-id": "MFN",
            "posted-date": "2026-11-05",
            "posted-date-time": "2026-11-05 08:15:00 UTC",
            "order-item-code": "55512345678901",
            "sku": "SKU-0001",
            **values,
        },
    )


def test_report_type():
    assert REPORT_TYPE == "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2"


# -- the local formats -----------------------------------------------------------


def test_a_german_settlement_with_decimal_commas_and_dotted_dates():
    content = tsv(
        [
            summary(
                "1.190,11",
                **{
                    "settlement-start-date": "02.11.2026 10:00:00 UTC",
                    "settlement-end-date": "16.11.2026 10:00:00 UTC",
                    "deposit-date": "18.11.2026 11:00:00 MEZ",
                },
            ),
            order_amount(
                "ItemPrice",
                "Principal",
                "1.234,56",
                **{
                    "quantity-purchased": "2",
                    "posted-date": "05.11.2026",
                    "posted-date-time": "05.11.2026 09:15:00 MEZ",
                },
            ),
            order_amount("ItemPrice", "Shipping", "4,95"),
            order_amount("Promotion", "Principal", "-10,00", **{"promotion-id": "P1"}),
            order_amount("ItemFees", "Commission", "-0,40"),
            amount("ServiceFee", "other-transaction", "Subscription Fee", "-39,00"),
        ]
    ).encode("utf-8")
    settlement = parse_settlement(content, charset="UTF-8", marketplace_id=DE)
    assert isinstance(settlement, Settlement)
    assert settlement.settlement_ref == SETTLEMENT_ID
    assert settlement.start == utc(2026, 11, 2, 10)
    assert settlement.end == utc(2026, 11, 16, 10)
    assert settlement.deposit_date == utc(2026, 11, 18, 10)
    assert settlement.total_amount == Decimal("1190.11")
    assert settlement.currency == "EUR"
    assert settlement.marketplace_name == "Amazon.de"
    assert settlement.problems == ()
    assert settlement.difference == 0 and settlement.balanced
    assert [line.amount for line in settlement.lines] == [
        Decimal("1234.56"),
        Decimal("4.95"),
        Decimal("-10.00"),
        Decimal("-0.40"),
        Decimal("-39.00"),
    ]
    assert settlement.lines[0] == SettlementLine(
        line=3,
        transaction_type="Order",
        order_ref="302-1234567-1234567",
        merchant_order_ref=None,
        adjustment_ref=None,
        shipment_ref=None,
        marketplace_name="Amazon.de",
        amount_type="ItemPrice",
        amount_description="Principal",
        amount=Decimal("1234.56"),
        fulfillment_id="MFN",
        posted_at=utc(2026, 11, 5, 8, 15),  # posted-date-time, not posted-date
        order_item_code="55512345678901",
        merchant_order_item_ref=None,
        merchant_adjustment_item_ref=None,
        sku="SKU-0001",
        quantity=2,
        promotion_ref=None,
    )
    assert settlement.lines[2].promotion_ref == "P1"
    fee = settlement.lines[-1]
    assert (fee.transaction_type, fee.amount_type, fee.amount_description) == (
        "ServiceFee",
        "other-transaction",
        "Subscription Fee",
    )
    assert (fee.order_ref, fee.marketplace_name, fee.sku, fee.quantity) == (
        None,
        None,
        None,
        None,
    )
    assert fee.posted_at is None


def test_a_us_settlement_with_decimal_points_and_thousands():
    content = tsv(
        [
            summary(
                "1,176.29",
                currency="USD",
                **{"deposit-date": "2026-11-18 02:00:00 PST"},
            ),
            order_amount(
                "ItemPrice",
                "Principal",
                "1,299.99",
                **{
                    "marketplace-name": "Amazon.com",
                    "posted-date-time": "2026-11-05 01:15:00 PST",
                },
            ),
            order_amount("ItemPrice", "Tax", "107.25"),
            order_amount(
                "ItemWithheldTax", "MarketplaceFacilitatorTax-Principal", "-107.25"
            ),
            order_amount("ItemFees", "Commission", "-195.00"),
            amount("Refund", "ItemPrice", "Principal", "-12.50"),
            order_amount("ItemFees", "FBAPerUnitFulfillmentFee", "123.79"),
            amount("ServiceFee", "other-transaction", "Subscription Fee", "-39.99"),
        ]
    ).encode()
    settlement = parse_settlement(content, marketplace_id=US)
    assert settlement.total_amount == Decimal("1176.29")
    assert settlement.deposit_date == utc(2026, 11, 18, 10)
    assert settlement.lines[0].amount == Decimal("1299.99")
    assert settlement.lines[0].posted_at == utc(2026, 11, 5, 9, 15)
    assert settlement.balanced, settlement.difference
    assert settlement.marketplace_name == "Amazon.com"
    assert settlement.marketplace_names == ("Amazon.com", "Amazon.de")


JAPANESE = [
    summary(
        "12,400",
        currency="JPY",
        **{
            "settlement-start-date": "2026/11/02 19:00:00 JST",
            "settlement-end-date": "2026/11/16 19:00:00 JST",
            "deposit-date": "2026/11/18 19:00:00 JST",
        },
    ),
    order_amount(
        "ItemPrice",
        "Principal",
        "19,800",
        **{
            "marketplace-name": "Amazon.co.jp",
            "posted-date": "2026/11/05",
            "posted-date-time": "2026/11/05 17:15:00 JST",
            "sku": "ソニー-①",
        },
    ),
    order_amount("ItemFees", "Commission", "-2,970", **{"sku": "ソニー-①"}),
    order_amount("ItemFees", "FBAPerUnitFulfillmentFee", "-400", **{"sku": "ソニー-①"}),
    amount("Refund", "ItemPrice", "Principal", "-530"),
    amount("ServiceFee", "other-transaction", "月額登録料", "-4,900"),
    amount("other-transaction", "other-transaction", "ポイント \uff5e 調整", "1,400"),
]


@pytest.mark.parametrize(
    "charset,marketplace_id",
    [("Windows-31J", None), ("Shift_JIS", None), (None, JP)],
)
def test_a_japanese_settlement_in_cp932_with_yen(charset, marketplace_id):
    content = tsv(JAPANESE).encode("cp932")
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")  # the file really is not UTF-8
    settlement = parse_settlement(
        content, charset=charset, marketplace_id=marketplace_id
    )
    assert settlement.currency == "JPY"
    assert settlement.total_amount == Decimal("12400")
    assert settlement.start == utc(2026, 11, 2, 10)
    assert settlement.deposit_date == utc(2026, 11, 18, 10)
    assert [line.amount for line in settlement.lines] == [
        Decimal(19800),
        Decimal(-2970),
        Decimal(-400),
        Decimal(-530),
        Decimal(-4900),
        Decimal(1400),
    ]
    assert settlement.lines[0].sku == "ソニー-①"
    assert settlement.lines[0].posted_at == utc(2026, 11, 5, 8, 15)
    assert settlement.lines[4].amount_description == "月額登録料"
    assert settlement.lines[5].amount_description == "ポイント \uff5e 調整"
    assert settlement.balanced and settlement.problems == ()
    assert settlement.marketplace_name == "Amazon.co.jp"


def test_yen_with_decimals_is_a_problem():
    content = tsv(
        [
            summary("10.5", currency="JPY"),  # 10.5 yen
            amount("Order", "ItemPrice", "Principal", "10.5"),
        ]
    ).encode()
    settlement = parse_settlement(content, marketplace_id=JP)
    assert settlement.balanced
    assert settlement.problems == (
        "line 2: total-amount 10.5 has more decimals than JPY allows (0)",
        "line 3: amount 10.5 has more decimals than JPY allows (0)",
    )


def test_a_uk_settlement_reads_slashed_dates_day_first():
    content = tsv(
        [
            summary(
                "9.50",
                currency="GBP",
                **{
                    "settlement-start-date": "02/11/2026 10:00:00 GMT",
                    "settlement-end-date": "16/11/2026 10:00:00 GMT",
                    "deposit-date": "18/11/2026 10:00:00 GMT",
                },
            ),
            amount(
                "Order",
                "ItemPrice",
                "Principal",
                "9.50",
                **{"posted-date-time": "05/11/2026 08:15:00 GMT"},
            ),
        ]
    ).encode()
    settlement = parse_settlement(content, marketplace_id=UK)
    assert settlement.start == utc(2026, 11, 2, 10)
    assert settlement.lines[0].posted_at == utc(2026, 11, 5, 8, 15)
    # Without the marketplace, 02/11/2026 could be the 11th of February.
    with pytest.raises(InvalidSettlement, match="day_first"):
        parse_settlement(content)


def test_iso_dates():
    content = tsv(
        [
            summary(
                "1.00",
                **{
                    "settlement-start-date": "2026-11-02T10:00:00+00:00",
                    "settlement-end-date": "2026-11-16T11:00:00+01:00",
                    "deposit-date": "2026-11-18T10:00:00Z",
                },
            ),
            amount(
                "Order",
                "ItemPrice",
                "Principal",
                "1.00",
                **{"posted-date-time": "2026-11-05T08:15:00+00:00"},
            ),
        ]
    ).encode()
    settlement = parse_settlement(content)
    assert (settlement.start, settlement.end, settlement.deposit_date) == (
        utc(2026, 11, 2, 10),
        utc(2026, 11, 16, 10),
        utc(2026, 11, 18, 10),
    )
    assert settlement.lines[0].posted_at == utc(2026, 11, 5, 8, 15)


def test_posted_date_alone_is_midnight_utc():
    columns = tuple(c for c in COLUMNS if c != "posted-date-time")
    content = tsv(
        [
            summary("1.00"),
            amount("Order", "ItemPrice", "Principal", "1.00"),
            amount(
                "Order", "ItemPrice", "Tax", "0.00", **{"posted-date": "05.11.2026"}
            ),
        ],
        columns=columns,
    ).encode()
    settlement = parse_settlement(content)
    assert [line.posted_at for line in settlement.lines] == [None, utc(2026, 11, 5)]


# -- columns and lines -------------------------------------------------------------


def test_columns_are_read_by_name_in_any_order_and_unknown_ones_ignored():
    columns = (
        "future-column",
        *reversed(COLUMNS),
        "another-one",
    )
    rows = [
        {**summary("95,00"), "future-column": "x"},
        order_amount("ItemPrice", "Principal", "95,00", **{"another-one": "7"}),
    ]
    settlement = parse_settlement(tsv(rows, columns).encode(), marketplace_id=DE)
    assert settlement.total_amount == Decimal("95.00")
    (line,) = settlement.lines
    assert (line.order_ref, line.sku, line.amount) == (
        "302-1234567-1234567",
        "SKU-0001",
        Decimal("95.00"),
    )
    assert settlement.balanced


def test_header_names_are_case_insensitive_and_trimmed():
    columns = tuple(f" {c.upper()} " for c in COLUMNS)
    rows = [summary("5.00"), amount("Order", "ItemPrice", "Principal", "5.00")]
    lines = ["\t".join(columns)]
    lines += ["\t".join(row.get(c, "") for c in COLUMNS) for row in rows]
    settlement = parse_settlement(("\n".join(lines) + "\n").encode())
    assert settlement.total_amount == Decimal("5.00")
    assert settlement.lines[0].amount == Decimal("5.00")


def test_a_minimal_file_with_only_the_needed_columns():
    columns = (
        "settlement-id",
        "settlement-start-date",
        "settlement-end-date",
        "deposit-date",
        "total-amount",
        "currency",
        "transaction-type",
        "amount-type",
        "amount",
    )
    rows = [summary("3.00"), amount("Order", "ItemPrice", "Principal", "3.00")]
    settlement = parse_settlement(tsv(rows, columns).encode())
    (line,) = settlement.lines
    assert line.amount == Decimal("3.00") and line.amount_description is None
    assert line.order_ref is None and line.posted_at is None


def test_utf8_byte_order_mark():
    rows = [
        summary("5,00"),
        order_amount("ItemPrice", "Principal", "5,00", sku="Müller-1"),
    ]
    content = codecs.BOM_UTF8 + tsv(rows).encode("utf-8")
    settlement = parse_settlement(content, charset="cp1252")  # the BOM wins
    assert settlement.settlement_ref == SETTLEMENT_ID
    assert settlement.lines[0].sku == "Müller-1"


def test_a_european_file_in_a_legacy_encoding():
    rows = [
        summary("5,00"),
        amount(
            "other-transaction", "other-transaction", "Crème \u2013 Ausgleich", "5,00"
        ),
    ]
    settlement = parse_settlement(tsv(rows).encode("cp1252"), marketplace_id=DE)
    assert settlement.lines[0].amount_description == "Crème \u2013 Ausgleich"


def test_blank_lines_are_skipped_and_lines_counted():
    text = tsv(
        [
            summary("3,00"),
            amount("Order", "ItemPrice", "Principal", "1,00"),
            amount("Order", "ItemPrice", "Tax", "2,00"),
        ],
        newline="\n",
    )
    header, first, second, third = text.splitlines()
    content = "\n".join(["", header, "", first, "\t\t", second, " ", third, ""])
    settlement = parse_settlement(content.encode(), marketplace_id=DE)
    assert [line.line for line in settlement.lines] == [6, 8]
    assert settlement.balanced and settlement.problems == ()


def test_quotes_are_read_as_amazon_writes_them():
    rows = [
        summary("1,00"),
        amount("other-transaction", "other-transaction", 'Das "Extra"', "1,00"),
    ]
    settlement = parse_settlement(tsv(rows).encode(), marketplace_id=DE)
    assert settlement.lines[0].amount_description == 'Das "Extra"'


def test_the_summary_row_may_come_anywhere():
    rows = [
        amount("Order", "ItemPrice", "Principal", "1,00"),
        summary("1,00"),
    ]
    settlement = parse_settlement(tsv(rows).encode(), marketplace_id=DE)
    assert settlement.total_amount == Decimal("1.00")
    assert [line.line for line in settlement.lines] == [2]


def test_two_summary_rows_are_refused_even_identical():
    """Issue 19's bad input: Amazon writes one summary row; a file with two was put
    together by hand (or two downloads joined), its amounts perhaps twice."""
    rows = [
        summary("1,00"),
        summary("1,00"),
        amount("Order", "ItemPrice", "Principal", "1,00"),
    ]
    with pytest.raises(
        InvalidSettlement, match="more than one summary row, on lines 2, 3"
    ):
        parse_settlement(tsv(rows).encode(), marketplace_id=DE)


# Real V2 files (issue 19, from sellers' files and Amazon's GitHub issues): header
# dates in three forms by currency, posted-date the date alone in the same form.
REAL_DATE_FORMS = [
    ("2026-09-07 00:20:09 UTC", "2026-09-07"),
    ("07.09.2026 00:20:09 UTC", "07.09.2026"),
    ("2026/09/07 00:20:09 UTC", "2026/09/07"),
]


@pytest.mark.parametrize("currency", ["USD", "EUR", "GBP", "JPY", "CAD", "PLN"])
@pytest.mark.parametrize(("date_time", "date"), REAL_DATE_FORMS)
def test_the_three_real_date_forms_in_every_currency(currency, date_time, date):
    dates = {
        "settlement-start-date": date_time,
        "settlement-end-date": date_time,
        "deposit-date": date_time,
    }
    rows = [
        summary("0", currency, **dates),
        order_amount("ItemPrice", "Principal", "0", **{"posted-date": date}),
    ]
    del rows[1]["posted-date-time"]
    settlement = parse_settlement(tsv(rows).encode())
    assert settlement.start == utc(2026, 9, 7, 0, 20, 9) == settlement.deposit_date
    assert settlement.lines[0].posted_at == utc(2026, 9, 7)
    assert not settlement.problems


def test_rows_as_sellers_get_them_are_read():
    """A real file's rows (issue 19, sellers' V2 files): 23 cells (no trailing
    promotion-id), an empty order-id and marketplace-name, a zero amount, and a
    Multi-Channel Fulfillment row ("Non-Amazon US", the seller's order id)."""
    rows = [
        summary("-1.50", "USD"),
        order_amount("ItemPrice", "Principal", "0.00", **{"marketplace-name": ""}),
        amount("other-transaction", "other-transaction", "Storage Fee", "-2.00"),
        order_amount(
            "ItemFees",
            "FBAPerUnitFulfillmentFee",
            "-3.50",
            **{"order-id": "MCF-1042", "marketplace-name": "Non-Amazon US"},
        ),
        amount(
            "other-transaction",
            "FBA Inventory Reimbursement",
            "WAREHOUSE_DAMAGE",
            "4.00",
        ),
    ]
    text = tsv(rows)
    lines = text.split("\r\n")
    # Rows of 23 cells: the trailing promotion-id cell is not there.
    lines[2:6] = ["\t".join(line.split("\t")[:23]) for line in lines[2:6]]
    settlement = parse_settlement("\r\n".join(lines).encode())
    assert settlement.balanced and not settlement.problems
    zero, storage, mcf, reimbursement = settlement.lines
    assert (zero.amount, zero.marketplace_name, zero.promotion_ref) == (0, None, None)
    assert (storage.order_ref, storage.marketplace_name) == (None, None)
    assert (mcf.order_ref, mcf.marketplace_name) == ("MCF-1042", "Non-Amazon US")
    assert reimbursement.amount == Decimal("4.00")
    assert settlement.marketplace_names == ("Non-Amazon US",)


def test_a_row_with_a_cell_too_many_is_refused():
    """Issue 19's bad input: a row with 25 cells under a 24-column header."""
    rows = [summary("1,00"), amount("Order", "ItemPrice", "Principal", "1,00")]
    lines = tsv(rows).split("\r\n")
    lines[2] += "\textra"
    with pytest.raises(InvalidSettlement, match="line 3 has 25 cells but the header"):
        parse_settlement("\r\n".join(lines).encode(), marketplace_id=DE)


@pytest.mark.parametrize(
    ("total", "value"), [("1234.56", "1.234,56"), ("1.234,56", "1234.56")]
)
def test_a_decimal_comma_in_a_usd_file_is_refused(total, value):
    """Issue 19's bad input: ``1.234,56`` in a USD file (US files write
    ``1,234.56``): refused, not read as 1234.56 nor as 1.234."""
    rows = [summary(total, "USD"), order_amount("ItemPrice", "Principal", value)]
    with pytest.raises(InvalidSettlement, match="not written as USD amounts are"):
        parse_settlement(tsv(rows).encode(), marketplace_id=US)


def test_a_decimal_comma_is_read_in_a_euro_file():
    rows = [summary("1.234,56"), order_amount("ItemPrice", "Principal", "1.234,56")]
    settlement = parse_settlement(tsv(rows).encode(), marketplace_id=DE)
    assert settlement.total_amount == Decimal("1234.56") and settlement.balanced


def test_unknown_transaction_and_amount_types_are_kept():
    rows = [
        summary("3,00"),
        amount("Order", "ItemPrice", "Principal", "1,00"),
        amount("BrandNewThing", "ItemPrice", "Principal", "0,50"),
        amount("Order", "SomeFutureAmountType", "Whatever", "1,25"),
        amount("", "", "", "0,25"),
    ]
    settlement = parse_settlement(tsv(rows).encode(), marketplace_id=DE)
    assert [
        (line.transaction_type, line.amount_type, line.amount)
        for line in settlement.lines
    ] == [
        ("Order", "ItemPrice", Decimal("1.00")),
        ("BrandNewThing", "ItemPrice", Decimal("0.50")),
        ("Order", "SomeFutureAmountType", Decimal("1.25")),
        ("", "", Decimal("0.25")),
    ]
    assert settlement.balanced and settlement.problems == ()


# -- sums ----------------------------------------------------------------------------


def test_lines_that_do_not_sum_to_the_total_are_kept_with_the_difference():
    rows = [
        summary("100,00"),
        amount("Order", "ItemPrice", "Principal", "95,00"),
        amount("Order", "ItemFees", "Commission", "-14,25"),
    ]
    settlement = parse_settlement(tsv(rows).encode(), marketplace_id=DE)  # no raise
    assert not settlement.balanced
    assert settlement.difference == Decimal("19.25")
    assert len(settlement.lines) == 2
    assert settlement.problems == ()


def test_a_settlement_without_lines():
    settlement = parse_settlement(tsv([summary("0,00")]).encode(), marketplace_id=DE)
    assert settlement.lines == () and settlement.balanced
    assert settlement.marketplace_name is None
    unbalanced = parse_settlement(tsv([summary("-39,00")]).encode())
    assert unbalanced.difference == Decimal("-39.00")


def test_a_line_without_amount_is_a_problem_not_dropped_silently():
    rows = [
        summary("10,00"),
        amount("Order", "ItemPrice", "Principal", "10,00"),
        amount("Order", "ItemFees", "Commission", "", **{"order-id": "302-1"}),
        amount("Order", "ItemFees", "Commission", "zehn", **{"order-id": "302-2"}),
        {"settlement-id": SETTLEMENT_ID},
    ]
    settlement = parse_settlement(tsv(rows).encode(), marketplace_id=DE)
    assert [line.line for line in settlement.lines] == [3]
    assert settlement.balanced  # the others are left out: the caller sees why
    assert settlement.problems == (
        "line 4: no amount (Order ItemFees Commission 302-1), left out of the lines",
        "line 5: amount: 'zehn' is not a number (written like 1234.56, 1,234.56, "
        "1.234,56 or 1 234,56) (Order ItemFees Commission 302-2), left out of the "
        "lines",
        "line 6: no amount, left out of the lines",
    )


def test_unreadable_dates_and_quantities_are_problems_the_line_kept():
    rows = [
        summary("2,00"),
        amount(
            "Order",
            "ItemPrice",
            "Principal",
            "1,00",
            **{"posted-date-time": "gestern", "quantity-purchased": "1,5"},
        ),
        amount(
            "Order",
            "ItemPrice",
            "Principal",
            "1,00",
            **{"posted-date-time": "2026-11-05 08:15:00", "quantity-purchased": "x"},
        ),
    ]
    settlement = parse_settlement(tsv(rows).encode(), marketplace_id=DE)
    assert [(line.posted_at, line.quantity) for line in settlement.lines] == [
        (None, None),
        (None, None),
    ]
    assert settlement.balanced
    assert settlement.problems == (
        "line 3: posted-date-time: 'gestern' is not a date-time Amazon writes",
        "line 3: quantity-purchased '1,5' is not a whole number",
        "line 4: posted-date-time: '2026-11-05 08:15:00' has no time zone",
        "line 4: quantity-purchased 'x' is not a whole number",
    )


def test_a_line_in_another_currency_is_a_problem():
    rows = [summary("1,00"), amount("Order", "ItemPrice", "Principal", "1,00")]
    rows[1]["currency"] = "GBP"
    settlement = parse_settlement(tsv(rows).encode(), marketplace_id=DE)
    assert settlement.problems == ("line 3: currency GBP is not the settlement's EUR",)


def test_a_summary_row_with_an_amount_is_a_problem():
    rows = [summary("1,00", amount="1,00")]
    settlement = parse_settlement(tsv(rows).encode(), marketplace_id=DE)
    assert settlement.lines == ()
    assert settlement.problems == (
        "line 2: the summary row also has an amount (1,00): it is not counted",
    )


# -- files that are not a settlement ------------------------------------------------


LISTINGS_REPORT = (
    b"item-name\tseller-sku\tprice\tquantity\tasin1\tfulfillment-channel\tstatus\r\n"
    b"Tasse\tSKU-1\t9,99\t3\tB000000001\tDEFAULT\tActive\r\n"
)


def test_a_listings_report_is_not_a_settlement():
    with pytest.raises(InvalidSettlement) as caught:
        parse_settlement(LISTINGS_REPORT, marketplace_id=DE)
    message = str(caught.value)
    assert "not a V2 settlement flat file" in message
    assert (
        "settlement-id, total-amount, currency, transaction-type, amount-type, amount"
        in message
    )
    assert "item-name, seller-sku" in message
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize("content", [b"", b"\r\n\r\n", codecs.BOM_UTF8])
def test_an_empty_file_is_not_a_settlement(content):
    with pytest.raises(InvalidSettlement, match="not a V2 settlement flat file"):
        parse_settlement(content)


def test_a_file_missing_some_columns_names_them():
    columns = tuple(c for c in COLUMNS if c not in ("amount", "currency"))
    content = tsv([summary("1,00")], columns).encode()
    with pytest.raises(InvalidSettlement, match="it has no currency, amount column"):
        parse_settlement(content)


def test_a_gzipped_report_is_not_read_here():
    content = gzip.compress(tsv([summary("1,00")]).encode())
    with pytest.raises(InvalidSettlement, match="V2 settlement flat file"):
        parse_settlement(content)


def test_no_summary_row():
    rows = [amount("Order", "ItemPrice", "Principal", "1,00")]
    with pytest.raises(InvalidSettlement, match="no summary row"):
        parse_settlement(tsv(rows).encode())


def test_summary_rows_that_disagree():
    rows = [
        summary("1,00"),
        amount("Order", "ItemPrice", "Principal", "1,00"),
        summary("2,00"),
    ]
    with pytest.raises(InvalidSettlement, match="disagree, on lines 2, 4"):
        parse_settlement(tsv(rows).encode())


def test_a_line_of_another_settlement():
    rows = [
        summary("1,00"),
        {**amount("Order", "ItemPrice", "Principal", "1,00"), "settlement-id": "999"},
    ]
    with pytest.raises(InvalidSettlement, match="line 3: settlement-id '999'"):
        parse_settlement(tsv(rows).encode())


@pytest.mark.parametrize(
    "values,why",
    [
        ({"settlement-id": ""}, "line 2: the summary row has no settlement-id"),
        ({"currency": ""}, "line 2: the summary row has no currency"),
        ({"deposit-date": ""}, "line 2: the summary row has no deposit-date"),
        ({"settlement-start-date": "soon"}, "line 2: settlement-start-date: 'soon'"),
        ({"total-amount": "viel"}, "line 2: total-amount: 'viel' is not a number"),
    ],
)
def test_an_unreadable_summary_row(values, why):
    rows = [summary("1,00", **values)]
    with pytest.raises(InvalidSettlement) as caught:
        parse_settlement(tsv(rows).encode())
    assert why in str(caught.value)


def test_an_unknown_currency_is_a_problem():
    settlement = parse_settlement(tsv([summary("1,00", currency="xxx")]).encode())
    assert settlement.currency == "XXX"
    assert settlement.problems == ("line 2: unknown currency code 'xxx'",)


# -- the simulator's settlement files ------------------------------------------------


@pytest.fixture(scope="module")
def state():
    state = SimulatorState(seed=3, marketplaces=tuple(MARKETPLACES), clock=lambda: NOW)
    state.generate_orders(
        40 * len(MARKETPLACES),
        marketplaces=tuple(MARKETPLACES),
        now=NOW - timedelta(hours=1),
    )
    return state


def _download(state, report_id):
    """The document as the adapter hands it over: gunzipped, with its charset."""
    report = state.reports[report_id]
    document = state.documents[report["reportDocumentId"]]
    content = document["content"]
    if document["compression"] == "GZIP":
        content = gzip.decompress(content)
    charset = document["content_type"].partition("charset=")[2].strip() or None
    return content, charset, report


@pytest.mark.parametrize(
    "code,decimal_comma,compress",
    [(code, None, False) for code in MARKETPLACES]
    + [("UK", None, True), ("DE", False, True), ("JP", None, True)],
)
def test_the_simulators_settlements_are_read(state, code, decimal_comma, compress):
    market = MARKETPLACES[code]
    report_id = state.add_settlement_report(
        marketplace=code,
        refund_share=0.5,
        decimal_comma=decimal_comma,
        compress=compress,
    )
    content, charset, report = _download(state, report_id)
    simulated = report["settlement"]
    settlement = parse_settlement(
        content, charset=charset, marketplace_id=market.marketplace_id
    )
    assert settlement.problems == ()
    assert settlement.balanced
    assert settlement.settlement_ref == simulated.settlement_id
    assert settlement.total_amount == simulated.total
    assert settlement.currency == market.currency
    assert settlement.marketplace_name == market.name
    assert settlement.end == NOW
    assert settlement.deposit_date == NOW + timedelta(days=1)
    assert len(settlement.lines) == len(simulated.rows) > 1
    for line, row in zip(settlement.lines, simulated.rows, strict=True):
        assert line.amount == row["amount"]
        assert (line.transaction_type, line.amount_type) == (
            row["transaction-type"],
            row["amount-type"],
        )
        assert line.amount_description == row["amount-description"]
        assert line.order_ref == (row["order-id"] or None)
        assert line.adjustment_ref == row.get("adjustment-id")
        assert line.sku == (row.get("sku") or None)
        assert (
            line.posted_at.strftime("%Y-%m-%d %H:%M:%S UTC")
            == (row["posted-date-time"])
        )
    kinds = {(line.transaction_type, line.amount_type) for line in settlement.lines}
    assert {("Order", "ItemPrice"), ("Order", "ItemFees"), ("Refund", "ItemPrice")} <= (
        kinds
    )
    assert {line.quantity for line in settlement.lines} - {None}
    if code == "JP":
        assert settlement.lines[-1].amount_description == "月額登録料"


def test_a_simulated_us_settlement_with_decimal_commas_is_refused(state):
    """A USD file written with decimal commas (issue 19's bad input, ``1.234,56``
    in a USD file): nothing of it is read."""
    report_id = state.add_settlement_report(marketplace="US", decimal_comma=True)
    content, charset, _report = _download(state, report_id)
    with pytest.raises(InvalidSettlement, match="not written as USD amounts are"):
        parse_settlement(content, charset=charset, marketplace_id=US)


def test_a_simulated_settlement_with_a_wrong_total(state):
    report_id = state.add_settlement_report(marketplace="DE", decimal_comma=True)
    content, charset, report = _download(state, report_id)
    header, summary_row, *rows = content.decode(charset).split("\n")
    cells = summary_row.split("\t")
    cells[COLUMNS.index("total-amount")] = "1,00"
    tampered = "\n".join([header, "\t".join(cells), *rows]).encode(charset)
    settlement = parse_settlement(tampered, charset=charset, marketplace_id=DE)
    assert not settlement.balanced
    assert settlement.difference == Decimal("1.00") - report["settlement"].total
    assert len(settlement.lines) == len(report["settlement"].rows)
