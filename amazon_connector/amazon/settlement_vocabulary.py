"""The words of Amazon's V2 settlement files (transaction-type, amount-type,
amount-description) and where an accountant books each: the one list the default
rules of the settlement mapping, the simulator and the tests are made from.

Where the words come from (``source`` of each entry):

- ``docs``: Amazon's Seller Central help on the V2 settlement flat file and the
  Payments reports (field list, example values: Order, Refund, ItemPrice, ItemFees,
  Principal, Commission…);
- ``finances``: Amazon's Finances API v0 model in amzn/selling-partner-api-models
  (``models/finances-api-model/financesV0.json``): the event lists behind the
  settlement lines (ChargebackEventList, GuaranteeClaimEventList,
  RetrochargeEventList, FBALiquidationEventList, ProductAdsPaymentEventList,
  DebtRecoveryEventList, AdjustmentEventList with FBAInventoryReimbursement,
  ReserveEvent, PostageBilling…), and amzn/selling-partner-api-models issue #4271
  (Retrocharge / RetroChargeRefund);
- ``forum``: the descriptions a seller copied from a real V2 file on the Seller
  Central Europe forums (DigitalServicesFee, MarketplaceFacilitatorVAT-Principal,
  ShippingChargeback, DisposalComplete, StorageRenewalBilling, Shipping label
  purchase, Current/Previous Reserve Amount…);
- ``sellers``: sellers' real V2 files as published with their bug reports and by
  settlement tools (InventoryLab's list of what it reads from the settlement
  report: prep fees, retrocharges, A-to-z recovery, liquidation proceeds, lightning
  deal and early reviewer fees…): the newer fee layout (``FBAFees`` /
  ``FBA Inventory Storage Fee`` / ``Base fee``, ``Tax on fee``, ``Discount on
  Fee``; ``AmazonFees`` / ``Coupon Performance Based Fee``, ``Deal Participation
  Fee``, ``Vine Enrollment Fee``), ``FBA Inventory Reimbursement`` reasons,
  ``Debt Adjustment``, ``Transfers`` / ``Micro Deposit``, ``LowValueGoodsTax-*``,
  Multi-Channel Fulfillment rows (marketplace ``Non-Amazon US``).

Plain Python: no Odoo here.
"""

import re
from dataclasses import dataclass

#: Treatments (how an amount is booked), as the mapping's selection names them.
CUSTOMER = "customer"  # paid by (or refunded to) the buyer of an Amazon order
FEE = "fee"  # an Amazon fee: the expense account of its fee type
FEE_TAX = "fee_tax"  # VAT Amazon charges on a fee: input VAT (a tax line)
WITHHELD_TAX = "facilitator_tax"  # tax Amazon collects and withholds itself
RESERVE = "reserve"  # Amazon's reserve on the seller's balance
REIMBURSEMENT = "reimbursement"  # Amazon pays for units it lost or damaged
LIQUIDATION = "liquidation"  # units sold off by Amazon for the seller
AMAZON = "amazon"  # money moved between the seller and Amazon (its receivable)
SUSPENSE = "suspense"  # nobody knows yet: listed for the accountant

#: The descriptions that name a part of a fee in the newer layout (the fee is the
#: amount-type): booked with the fee, or as its tax.
FEE_PARTS = ("Base fee", "Discount on Fee", "Tax on fee")

#: A marketplace-name of Multi-Channel Fulfillment rows: orders sold elsewhere that
#: Amazon fulfilled ("Non-Amazon US", "Non-Amazon DE"…).
NON_AMAZON_MARKETPLACE = "non-amazon"
#: Amazon's order ids: 3-7-7 digits (the Seller Central field list's example:
#: 058-7987646-0553626).
AMAZON_ORDER_ID = re.compile(r"^\d{3}-\d{7}-\d{7}$")


@dataclass(frozen=True)
class Rule:
    """A default rule: the amounts it matches (empty: any; ``*`` and ``?``
    wildcards; case ignored) and how they are booked. The rule naming more of the
    three wins; ``fee_type`` is the expense account of a fee."""

    transaction_type: str
    amount_type: str
    description: str
    treatment: str
    fee_type: str | None = None
    source: str = "docs"


_R = Rule
#: The mapping every company starts with.
DEFAULT_RULES: tuple[Rule, ...] = (
    # Orders and refunds: what the buyer paid, by the order's invoice.
    _R("", "ItemPrice", "", CUSTOMER),
    _R("", "Promotion", "", CUSTOMER),
    # Tax Amazon collects as marketplace facilitator (US sales tax, EU VAT of
    # imports and of non-EU sellers, Australia's/Norway's low value goods tax).
    _R("", "ItemWithheldTax", "", WITHHELD_TAX),
    _R("", "*", "MarketplaceFacilitator*", WITHHELD_TAX, source="forum"),
    _R("", "*", "LowValueGoodsTax*", WITHHELD_TAX, source="sellers"),
    # Retrocharges: tax Amazon charges back and pays again (Order_Retrocharge and
    # Refund_Retrocharge come in pairs that net to zero): on the same clearing
    # account, so a pair leaves nothing.
    _R("*Retrocharge*", "*", "", WITHHELD_TAX, source="finances"),
    # Fees on each order.
    _R("", "ItemFees", "", FEE, "other"),
    _R("", "ItemFees", "*Commission", FEE, "commission"),
    _R("", "ItemFees", "*ClosingFee", FEE, "commission"),
    _R("", "ItemFees", "SalesTaxCollectionFee", FEE, "commission", "sellers"),
    _R("", "ItemFees", "FBA*", FEE, "fba"),
    _R("", "ItemFees", "DigitalServicesFee*", FEE, "digital_services", "forum"),
    _R("", "ItemFees", "ShippingHB", FEE, "shipping_label", "forum"),
    _R("", "ItemFees", "ShippingChargeback", FEE, "shipping_label", "forum"),
    # The newer fee layout: the fee in amount-type, its parts in the description.
    _R("FBAFees", "", "", FEE, "fba", "sellers"),
    _R("AmazonFees", "", "", FEE, "other", "sellers"),
    _R("AmazonFees", "Coupon*", "", FEE, "advertising", "sellers"),
    _R("AmazonFees", "*Deal*", "", FEE, "advertising", "sellers"),
    _R("AmazonFees", "Vine*", "", FEE, "advertising", "sellers"),
    _R("AmazonFees", "*Reviewer*", "", FEE, "advertising", "sellers"),
    _R("*", "*", "Tax on fee", FEE_TAX, source="sellers"),
    # Settlement-level amounts.
    _R("", "other-transaction", "Current Reserve Amount", RESERVE, source="forum"),
    _R(
        "",
        "other-transaction",
        "Previous Reserve Amount Balance",
        RESERVE,
        source="forum",
    ),
    _R("", "other-transaction", "Subscription Fee", FEE, "subscription"),
    _R("", "other-transaction", "月額登録料", FEE, "subscription"),
    _R("", "other-transaction", "Shipping label purchase*", FEE, "shipping_label"),
    _R("", "other-transaction", "Postage*", FEE, "shipping_label", "finances"),
    _R("", "other-transaction", "DigitalServicesFee*", FEE, "digital_services"),
    _R("", "other-transaction", "Storage Fee", FEE, "fba", "sellers"),
    _R("", "other-transaction", "StorageRenewalBilling", FEE, "fba", "forum"),
    _R("", "other-transaction", "FBA*", FEE, "fba", "sellers"),
    _R("", "other-transaction", "*Complete", FEE, "fba", "forum"),
    _R("", "other-transaction", "*Fee", FEE, "other", "sellers"),
    _R("", "other-transaction", "MiscAdjustment", FEE, "other", "sellers"),
    _R("", "Cost of Advertising", "", FEE, "advertising"),
    _R("ServiceFee", "", "", FEE, "other"),
    # What Amazon pays for inventory it lost or damaged (any reason code).
    _R("", "FBA Inventory Reimbursement", "", REIMBURSEMENT, source="finances"),
    _R("", "*", "SAFE-T*", REIMBURSEMENT, source="sellers"),
    # Units Amazon sold off for the seller: a sale of them; its brokerage a fee.
    _R("Liquidations", "*", "", LIQUIDATION, source="finances"),
    _R("Liquidations", "*", "*Brokerage*", FEE, "fba", "finances"),
    # Money moved between the seller and Amazon outside the payout: Amazon's
    # receivable, where the payout is.
    _R("Debt Adjustment", "*", "", AMAZON, source="finances"),
    _R("", "*", "*Debt Adjustment*", AMAZON, source="sellers"),
    _R("Transfers", "*", "", AMAZON, source="sellers"),
    _R("", "*", "Micro Deposit", AMAZON, source="sellers"),
    _R("", "other-transaction", "Payable to Amazon", AMAZON, source="sellers"),
    _R("", "other-transaction", "Successful charge", AMAZON, source="sellers"),
)

#: The amounts real files carry, as (transaction-type, amount-type,
#: amount-description, source): every one has a default rule that is not
#: suspense (the tests check it), and the simulator writes them all.
VOCABULARY: tuple[tuple[str, str, str, str], ...] = (
    ("Order", "ItemPrice", "Principal", "docs"),
    ("Order", "ItemPrice", "Tax", "docs"),
    ("Order", "ItemPrice", "Shipping", "docs"),
    ("Order", "ItemPrice", "ShippingTax", "docs"),
    ("Order", "ItemPrice", "GiftWrap", "docs"),
    ("Order", "ItemPrice", "GiftWrapTax", "docs"),
    ("Order", "Promotion", "Principal", "docs"),
    ("Order", "Promotion", "Shipping", "docs"),
    ("Order", "ItemFees", "Commission", "docs"),
    ("Order", "ItemFees", "FBAPerUnitFulfillmentFee", "docs"),
    ("Order", "ItemFees", "FBAWeightBasedFee", "docs"),
    ("Order", "ItemFees", "FBAPerOrderFulfillmentFee", "docs"),
    ("Order", "ItemFees", "VariableClosingFee", "docs"),
    ("Order", "ItemFees", "FixedClosingFee", "docs"),
    ("Order", "ItemFees", "ShippingHB", "forum"),
    ("Order", "ItemFees", "ShippingChargeback", "forum"),
    ("Order", "ItemFees", "GiftwrapChargeback", "sellers"),
    ("Order", "ItemFees", "SalesTaxCollectionFee", "sellers"),
    ("Order", "ItemFees", "DigitalServicesFee", "forum"),
    ("Order", "ItemWithheldTax", "MarketplaceFacilitatorTax-Principal", "sellers"),
    ("Order", "ItemWithheldTax", "MarketplaceFacilitatorTax-Shipping", "sellers"),
    ("Order", "ItemWithheldTax", "MarketplaceFacilitatorVAT-Principal", "forum"),
    ("Order", "ItemWithheldTax", "MarketplaceFacilitatorVAT-Shipping", "forum"),
    ("Order", "ItemWithheldTax", "LowValueGoodsTax-Principal", "sellers"),
    ("Order", "ItemWithheldTax", "LowValueGoodsTax-Shipping", "sellers"),
    ("Refund", "ItemPrice", "Principal", "docs"),
    ("Refund", "ItemPrice", "Tax", "docs"),
    ("Refund", "ItemFees", "Commission", "docs"),
    ("Refund", "ItemFees", "RefundCommission", "forum"),
    ("Refund", "Promotion", "Principal", "docs"),
    ("Refund", "ItemPrice", "Shipping", "docs"),
    ("Refund", "ItemPrice", "ShippingTax", "docs"),
    ("Refund", "ItemPrice", "GiftWrap", "docs"),
    ("Refund", "ItemPrice", "GiftWrapTax", "docs"),
    ("Refund", "Promotion", "Shipping", "docs"),
    # Charge types of the Finances API's ChargeComponent list: a gesture of
    # goodwill, the restocking fee the seller keeps.
    ("Refund", "ItemPrice", "Goodwill", "finances"),
    ("Refund", "ItemPrice", "RestockingFee", "finances"),
    ("Chargeback Refund", "ItemPrice", "Principal", "finances"),
    ("Chargeback Refund", "ItemPrice", "Tax", "finances"),
    ("A-to-z Guarantee Claim", "ItemPrice", "Principal", "finances"),
    ("A-to-z Guarantee Claim", "ItemPrice", "Tax", "finances"),
    ("Order_Retrocharge", "ItemPrice", "Base Tax", "finances"),
    ("Refund_Retrocharge", "ItemPrice", "Base Tax", "finances"),
    ("Order_Retrocharge", "ItemPrice", "ShippingTax", "finances"),
    ("Refund_Retrocharge", "ItemPrice", "ShippingTax", "finances"),
    ("FBAFees", "FBA Inventory Storage Fee", "Base fee", "sellers"),
    ("FBAFees", "FBA Inventory Storage Fee", "Tax on fee", "sellers"),
    ("FBAFees", "FBA Long Term Storage Fee", "Base fee", "sellers"),
    ("FBAFees", "FBA Removal Order: Disposal Fee", "Base fee", "sellers"),
    ("FBAFees", "FBA Inbound Placement Service Fee", "Base fee", "sellers"),
    ("FBAFees", "FBA Inbound Placement Service Fee", "Discount on Fee", "sellers"),
    ("FBAFees", "FBA fulfilment fee per unit - Correction", "Base fee", "sellers"),
    ("AmazonFees", "Coupon Performance Based Fee", "Base fee", "sellers"),
    ("AmazonFees", "Coupon Performance Based Fee", "Tax on fee", "sellers"),
    ("AmazonFees", "Deal Participation Fee", "Base fee", "sellers"),
    ("AmazonFees", "Deal Participation Fee", "Tax on fee", "sellers"),
    ("AmazonFees", "Vine Enrollment Fee", "Base fee", "sellers"),
    ("AmazonFees", "Vine Enrollment Fee", "Discount on Fee", "sellers"),
    ("other-transaction", "FBA Inventory Reimbursement", "WAREHOUSE_DAMAGE", "sellers"),
    ("other-transaction", "FBA Inventory Reimbursement", "WAREHOUSE_LOST", "sellers"),
    (
        "other-transaction",
        "FBA Inventory Reimbursement",
        "REVERSAL_REIMBURSEMENT",
        "sellers",
    ),
    (
        "other-transaction",
        "FBA Inventory Reimbursement",
        "MISSING_FROM_INBOUND",
        "sellers",
    ),
    (
        "other-transaction",
        "FBA Inventory Reimbursement",
        "REMOVAL_ORDER_LOST",
        "sellers",
    ),
    ("other-transaction", "FBA Inventory Reimbursement", "CUSTOMER_RETURN", "sellers"),
    (
        "other-transaction",
        "FBA Inventory Reimbursement",
        "CUSTOMER_SERVICE_ISSUE",
        "sellers",
    ),
    (
        "other-transaction",
        "FBA Inventory Reimbursement",
        "FREE_REPLACEMENT_REFUND_ITEMS",
        "sellers",
    ),
    (
        "other-transaction",
        "FBA Inventory Reimbursement",
        "INCORRECT_FEES_ITEMS",
        "sellers",
    ),
    ("other-transaction", "other-transaction", "SAFE-T reimbursement", "sellers"),
    ("Liquidations", "other-transaction", "Liquidations", "finances"),
    ("Liquidations", "other-transaction", "LiquidationsBrokerageFee", "finances"),
    ("ServiceFee", "Cost of Advertising", "TransactionTotalAmount", "docs"),
    (
        "Debt Adjustment",
        "other-transaction",
        "Cross-Account Debt Adjustment against Amazon.com",
        "sellers",
    ),
    ("Transfers", "other-transaction", "Micro Deposit", "sellers"),
    ("other-transaction", "other-transaction", "Payable to Amazon", "sellers"),
    ("other-transaction", "other-transaction", "Successful charge", "sellers"),
    ("other-transaction", "other-transaction", "Shipping label purchase", "forum"),
    (
        "other-transaction",
        "other-transaction",
        "Shipping label purchase for return",
        "sellers",
    ),
    ("other-transaction", "other-transaction", "Postage Billing", "finances"),
    ("other-transaction", "other-transaction", "Storage Fee", "sellers"),
    ("other-transaction", "other-transaction", "StorageRenewalBilling", "forum"),
    ("other-transaction", "other-transaction", "DisposalComplete", "forum"),
    ("other-transaction", "other-transaction", "RemovalComplete", "sellers"),
    (
        "other-transaction",
        "other-transaction",
        "FBAInboundTransportationFee",
        "sellers",
    ),
    ("other-transaction", "other-transaction", "FBA Prep Fee: Labeling", "sellers"),
    ("other-transaction", "other-transaction", "Subscription Fee", "docs"),
    ("other-transaction", "other-transaction", "DigitalServicesFee", "forum"),
    ("other-transaction", "other-transaction", "Manual Processing Fee", "sellers"),
    ("other-transaction", "other-transaction", "High Volume Listing Fee", "sellers"),
    ("other-transaction", "other-transaction", "MiscAdjustment", "sellers"),
    ("other-transaction", "other-transaction", "Current Reserve Amount", "forum"),
    (
        "other-transaction",
        "other-transaction",
        "Previous Reserve Amount Balance",
        "forum",
    ),
)
#: Multi-Channel Fulfillment: the fees of an order sold elsewhere and fulfilled by
#: Amazon; the order id is the seller's, the marketplace "Non-Amazon US" (sellers).
MULTI_CHANNEL = (
    ("Order", "ItemFees", "FBAPerUnitFulfillmentFee", "sellers"),
    ("Order", "ItemFees", "FBAWeightBasedFee", "sellers"),
)


def is_multichannel(marketplace_name: str | None) -> bool:
    """A row of a Multi-Channel Fulfillment order (marketplace "Non-Amazon …")."""
    return (
        (marketplace_name or "").strip().casefold().startswith(NON_AMAZON_MARKETPLACE)
    )


def is_amazon_order_id(order_ref: str | None) -> bool:
    """``order_ref`` is an Amazon order id (3-7-7 digits)."""
    return bool(order_ref and AMAZON_ORDER_ID.match(order_ref.strip()))


def is_refund(transaction_type: str | None) -> bool:
    """A buyer's money going back: Refund, Chargeback Refund, A-to-z Guarantee
    claims (the Finances API's RefundEventList, ChargebackEventList,
    GuaranteeClaimEventList)."""
    text = (transaction_type or "").casefold()
    return any(word in text for word in ("refund", "chargeback", "a-to-z", "guarantee"))
