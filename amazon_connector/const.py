"""Constants shared by the addon's models."""

from .amazon.order_payload import ORDER_STATUSES

REGION_SELECTION = [
    ("na", "North America"),
    ("eu", "Europe"),
    ("fe", "Far East"),
]

#: Amazon's order statuses (``amazon/order_payload.py``) as a selection field's.
ORDER_STATUS_SELECTION = [
    (status, status.replace("_", " ").title()) for status in ORDER_STATUSES
]

ACCOUNT_STATE_SELECTION = [
    ("draft", "Not connected"),
    ("connected", "Connected"),
    ("error", "Error"),
]
