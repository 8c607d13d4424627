"""The vocabulary of real V2 settlement files (pure Python, no database): every
amount sellers receive has a default rule that books it where an accountant would,
and the simulator writes them all, in the date forms and row shapes of real files.

The rule chosen here is the one the mapping's matcher chooses (the rule naming
more of transaction type, amount type and description wins, then the first):
``test_settlement_real_files`` books them on real Odoo."""

import gzip
from datetime import datetime, timedelta, timezone
from fnmatch import fnmatchcase

import pytest
from amazon_simulator import SimulatorState
from amazon_simulator.marketplaces import MARKETPLACES
from amazon_simulator.settlement import VOCABULARY_REFUNDS, VOCABULARY_ROWS

from ..amazon import settlement_vocabulary as vocabulary
from ..amazon.settlement_report import parse_settlement

NOW = datetime(2026, 9, 7, 0, 20, 9, tzinfo=timezone.utc)


def rule_of(transaction_type, amount_type, description):
    key = tuple(
        (value or "").casefold()
        for value in (transaction_type, amount_type, description)
    )
    ranked = sorted(
        enumerate(vocabulary.DEFAULT_RULES),
        key=lambda pair: (
            -sum(
                bool(v)
                for v in (
                    pair[1].transaction_type,
                    pair[1].amount_type,
                    pair[1].description,
                )
            ),
            pair[0],
        ),
    )
    for _index, rule in ranked:
        patterns = (rule.transaction_type, rule.amount_type, rule.description)
        if all(
            not pattern or fnmatchcase(value, pattern.casefold())
            for pattern, value in zip(patterns, key, strict=True)
        ):
            return rule
    return None


EXPECTED = {
    # (transaction-type, amount-type, description): (treatment, fee type)
    ("Order", "ItemPrice", "Principal"): ("customer", None),
    ("Chargeback Refund", "ItemPrice", "Principal"): ("customer", None),
    ("A-to-z Guarantee Claim", "ItemPrice", "Tax"): ("customer", None),
    ("FBAFees", "FBA Inventory Storage Fee", "Base fee"): ("fee", "fba"),
    ("FBAFees", "FBA Inventory Storage Fee", "Tax on fee"): ("fee_tax", None),
    ("FBAFees", "FBA Inbound Placement Service Fee", "Discount on Fee"): (
        "fee",
        "fba",
    ),
    ("AmazonFees", "Coupon Performance Based Fee", "Base fee"): ("fee", "advertising"),
    ("AmazonFees", "Deal Participation Fee", "Tax on fee"): ("fee_tax", None),
    ("AmazonFees", "Vine Enrollment Fee", "Base fee"): ("fee", "advertising"),
    ("other-transaction", "FBA Inventory Reimbursement", "WAREHOUSE_LOST"): (
        "reimbursement",
        None,
    ),
    ("other-transaction", "FBA Inventory Reimbursement", "REVERSAL_REIMBURSEMENT"): (
        "reimbursement",
        None,
    ),
    ("Liquidations", "other-transaction", "Liquidations"): ("liquidation", None),
    ("Liquidations", "other-transaction", "LiquidationsBrokerageFee"): ("fee", "fba"),
    ("Order_Retrocharge", "ItemPrice", "Base Tax"): ("facilitator_tax", None),
    ("Refund_Retrocharge", "ItemPrice", "Base Tax"): ("facilitator_tax", None),
    ("ServiceFee", "Cost of Advertising", "TransactionTotalAmount"): (
        "fee",
        "advertising",
    ),
    (
        "Debt Adjustment",
        "other-transaction",
        "Cross-Account Debt Adjustment against Amazon.com",
    ): ("amazon", None),
    ("Transfers", "other-transaction", "Micro Deposit"): ("amazon", None),
    ("other-transaction", "other-transaction", "Shipping label purchase"): (
        "fee",
        "shipping_label",
    ),
    ("Order", "ItemWithheldTax", "MarketplaceFacilitatorVAT-Principal"): (
        "facilitator_tax",
        None,
    ),
    ("Order", "ItemWithheldTax", "LowValueGoodsTax-Shipping"): (
        "facilitator_tax",
        None,
    ),
    ("other-transaction", "other-transaction", "Subscription Fee"): (
        "fee",
        "subscription",
    ),
    ("other-transaction", "other-transaction", "Manual Processing Fee"): (
        "fee",
        "other",
    ),
}


@pytest.mark.parametrize("key", list(EXPECTED))
def test_each_kind_is_booked_where_an_accountant_would(key):
    rule = rule_of(*key)
    assert rule is not None
    assert (rule.treatment, rule.fee_type) == EXPECTED[key]


@pytest.mark.parametrize(
    "entry", vocabulary.VOCABULARY + vocabulary.MULTI_CHANNEL, ids=str
)
def test_every_word_of_real_files_has_a_rule_and_a_source(entry):
    transaction_type, amount_type, description, source = entry
    assert source in ("docs", "finances", "forum", "sellers")
    rule = rule_of(transaction_type, amount_type, description)
    assert rule is not None and rule.treatment != vocabulary.SUSPENSE


def test_an_unknown_kind_has_no_rule():
    assert rule_of("other-transaction", "Mystery Adjustment", "Something new") is None


def test_refunds_under_their_own_name():
    assert all(vocabulary.is_refund(t) for t in ("Refund", *VOCABULARY_REFUNDS))
    assert not vocabulary.is_refund("Order")


def test_multichannel_and_amazon_order_ids():
    assert vocabulary.is_multichannel("Non-Amazon US")
    assert not vocabulary.is_multichannel("Amazon.com")
    assert not vocabulary.is_multichannel(None)
    assert vocabulary.is_amazon_order_id("302-1234567-1234567")
    assert not vocabulary.is_amazon_order_id("MCF-1042")


def test_the_simulator_writes_the_whole_vocabulary():
    written = {row[:3] for row in VOCABULARY_ROWS}
    written |= {
        (transaction, "ItemPrice", part)
        for transaction in VOCABULARY_REFUNDS
        for part in ("Principal", "Tax")
    }
    # Written per order by the simulator already (orders, refunds, reserves,
    # advertising), or by the marketplace's subscription row.
    per_order = {
        ("Order", "ItemPrice", "Principal"),
        ("Order", "ItemPrice", "Tax"),
        ("Order", "ItemPrice", "Shipping"),
        ("Order", "ItemPrice", "ShippingTax"),
        ("Order", "ItemPrice", "GiftWrap"),
        ("Order", "ItemPrice", "GiftWrapTax"),
        ("Order", "Promotion", "Principal"),
        ("Order", "ItemFees", "Commission"),
        ("Order", "ItemFees", "FBAPerUnitFulfillmentFee"),
        ("Refund", "ItemPrice", "Principal"),
        ("Refund", "ItemPrice", "Tax"),
        ("Refund", "ItemFees", "Commission"),
        ("Refund", "ItemFees", "RefundCommission"),
        ("Refund", "Promotion", "Principal"),
        # The simulator's refund shapes (shipping, gift wrap, goodwill,
        # restocking fee, promotions taken back).
        ("Refund", "ItemPrice", "Shipping"),
        ("Refund", "ItemPrice", "ShippingTax"),
        ("Refund", "ItemPrice", "GiftWrap"),
        ("Refund", "ItemPrice", "GiftWrapTax"),
        ("Refund", "ItemPrice", "Goodwill"),
        ("Refund", "ItemPrice", "RestockingFee"),
        ("Refund", "Promotion", "Shipping"),
        ("ServiceFee", "Cost of Advertising", "TransactionTotalAmount"),
        ("other-transaction", "other-transaction", "Current Reserve Amount"),
        ("other-transaction", "other-transaction", "Previous Reserve Amount Balance"),
    }
    missing = {e[:3] for e in vocabulary.VOCABULARY} - written - per_order
    assert not missing


@pytest.fixture(scope="module")
def state():
    state = SimulatorState(seed=5, marketplaces=("US", "DE", "JP"), clock=lambda: NOW)
    state.generate_orders(
        30, marketplaces=("US", "DE", "JP"), now=NOW - timedelta(hours=1)
    )
    return state


def _content(state, report_id):
    document = state.documents[state.reports[report_id]["reportDocumentId"]]
    content = document["content"]
    if document["compression"] == "GZIP":
        content = gzip.decompress(content)
    return content


@pytest.mark.parametrize("code", ["US", "DE", "JP"])
@pytest.mark.parametrize("date_style", ["iso", "dotted", "japanese"])
def test_a_simulated_settlement_with_the_whole_vocabulary_is_read(
    state, code, date_style
):
    report_id = state.add_settlement_report(
        marketplace=code, vocabulary=True, date_style=date_style, refund_share=0.5
    )
    simulated = state.reports[report_id]["settlement"]
    text = _content(state, report_id).decode(MARKETPLACES[code].encoding)
    rows = [line.split("\t") for line in text.splitlines()[2:]]
    assert {len(cells) for cells in rows} == {23, 24}, "23-cell rows are written"
    settlement = parse_settlement(
        text.encode(MARKETPLACES[code].encoding),
        marketplace_id=MARKETPLACES[code].marketplace_id,
    )
    assert settlement.problems == () and settlement.balanced
    assert settlement.total_amount == simulated.total
    assert settlement.deposit_date == NOW + timedelta(days=1)
    assert any(line.amount == 0 for line in settlement.lines)
    assert any(
        line.marketplace_name is None and line.order_ref is None
        for line in settlement.lines
    )
    mcf = [
        li for li in settlement.lines if vocabulary.is_multichannel(li.marketplace_name)
    ]
    assert mcf and not any(vocabulary.is_amazon_order_id(li.order_ref) for li in mcf)
    unexplained = [
        line
        for line in settlement.lines
        if (
            rule := rule_of(
                line.transaction_type, line.amount_type, line.amount_description
            )
        )
        is None
        or rule.treatment == vocabulary.SUSPENSE
    ]
    assert unexplained == []
    kinds = {
        (li.transaction_type, li.amount_type, li.amount_description)
        for li in settlement.lines
    }
    assert {row[:3] for row in VOCABULARY_ROWS} <= kinds
