"""Constants shared by the addon's models."""

from .amazon.order_payload import ORDER_STATUSES

REGION_SELECTION = [
    ("na", "North America"),
    ("eu", "Europe"),
    ("fe", "Far East"),
]

#: A settlement: to book, booked (its journal entry posted), or kept in error
#: (its file unreadable or unbalanced: never booked).
SETTLEMENT_STATE_SELECTION = [
    ("draft", "To Book"),
    ("posted", "Booked"),
    ("error", "Error"),
]

#: What came of one amount of a settlement.
SETTLEMENT_LINE_STATUS_SELECTION = [
    ("pending", "To Book"),
    ("booked", "Booked"),
    ("matched", "Paid"),
    ("mismatch", "Differs"),
    ("unmatched", "Not Invoiced"),
    ("suspense", "Suspense"),
]
#: The settlement line statuses the accountant has to look at.
SETTLEMENT_REVIEW_STATUSES = ("mismatch", "unmatched", "suspense")
#: The statuses of an order's amount that paid no invoice (credit note) yet:
#: Invoice Now and Book to Suspense apply to them.
SETTLEMENT_UNPAID_STATUSES = ("unmatched", "mismatch")
#: The statuses of an order's amount matching looks at (again): all but suspense.
SETTLEMENT_MATCHABLE_STATUSES = (
    "booked",
    "pending",
    "matched",
    "unmatched",
    "mismatch",
)

#: Amazon's order statuses (``amazon/order_payload.py``) as a selection field's.
ORDER_STATUS_SELECTION = [
    (status, status.replace("_", " ").title()) for status in ORDER_STATUSES
]

ACCOUNT_STATE_SELECTION = [
    ("draft", "Not connected"),
    ("connected", "Connected"),
    ("error", "Error"),
]

# amazon.offer's state: Amazon holds the values the offer sends (ok), they are on
# their way or to be sent again (pending), or Amazon refused them (error).
OFFER_OK = "ok"
OFFER_PENDING = "pending"
OFFER_ERROR = "error"
OFFER_STATE_SELECTION = [
    (OFFER_OK, "Up to Date"),
    (OFFER_PENDING, "Pending"),
    (OFFER_ERROR, "Error"),
]
