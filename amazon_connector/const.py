"""Constants shared by the addon's models."""

REGION_SELECTION = [
    ("na", "North America"),
    ("eu", "Europe"),
    ("fe", "Far East"),
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
