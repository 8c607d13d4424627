# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""Amazon's VAT invoice upload (``UPLOAD_VAT_INVOICE``): where it applies.

Amazon takes sellers' own VAT invoices on its European marketplaces (the EU
ones and the UK: VAT Calculation Service, Amazon Business); elsewhere it has
no such feed (SP-API reference, "VAT invoices").
"""

#: Countries (ISO codes) of the marketplaces that take uploaded VAT invoices.
VAT_INVOICE_COUNTRIES = frozenset(
    {"DE", "FR", "IT", "ES", "NL", "PL", "SE", "BE", "IE", "GB"}
)

#: account.move.amazon_vat_upload_state: where the document is with Amazon.
VAT_UPLOAD_STATES = [
    ("none", "Not for Amazon"),
    ("to_upload", "To Upload"),
    ("uploaded", "Uploaded"),
    ("accepted", "Accepted"),
    ("refused", "Refused"),
]
