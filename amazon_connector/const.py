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
