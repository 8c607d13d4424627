# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""Amazon's VAT invoice upload (``UPLOAD_VAT_INVOICE``): where it applies, and the
feed of one document (its PDF and its ``feedOptions``).

Amazon takes sellers' own VAT invoices on its European marketplaces (the EU
ones and the UK: VAT Calculation Service, Amazon Business); elsewhere it has
no such feed (SP-API reference, "VAT invoices").

The feed's shape (SP-API documentation "Manually upload invoices" / "(Option 3)
Upload invoices through the SP-API", and its "Error handling" page): one PDF per
feed, one marketplace, and the document's metadata as ``feedOptions``:
``metadata:orderid`` (or ``metadata:shippingid``), ``metadata:invoicenumber``,
``metadata:documenttype`` (``Invoice`` or ``CreditNote``),
``metadata:totalamount`` and ``metadata:totalvatamount`` (Amazon compares them
with its own totals to two decimals) and, for a credit note, the refund's
``metadata:transactionid``. Amazon accepts only letters, digits, spaces and
``, / \\ - _ ; : #`` in the values.
"""

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

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

VAT_INVOICE_FEED_TYPE = "UPLOAD_VAT_INVOICE"
PDF_CONTENT_TYPE = "application/pdf"
INVOICE = "Invoice"
CREDIT_NOTE = "CreditNote"
DOCUMENT_TYPES = (INVOICE, CREDIT_NOTE)

#: The largest PDF sent. Amazon's pages on this feed (SP-API "Manually upload
#: invoices", "VCS error handling" and its upload error codes) state no size for
#: the invoice PDF; this ceiling is the connector's own, far above what Odoo's
#: invoice report renders (tens of kilobytes), so that a PDF swollen by images
#: gets a clear error here instead of an unexplained refusal from Amazon.
MAX_PDF_BYTES = 10 * 1024 * 1024

#: What Amazon accepts in a metadata value (documentation cited above).
_ALLOWED_VALUE = re.compile(r"[A-Za-z0-9 ,/\\\-_;:#]+")
_CENT = Decimal("0.01")


class VatInvoiceError(ValueError):
    """The document cannot be uploaded as it is; the message says why."""


@dataclass(frozen=True)
class VatDocument:
    """One invoice or credit note, as Amazon's upload feed describes it.

    ``transaction_id``: Amazon's id of the refund a credit note is for, when
    Amazon gave one; without it the credit note is uploaded by order id only.
    """

    order_id: str
    invoice_number: str
    document_type: str
    total_amount: Decimal
    total_vat_amount: Decimal
    transaction_id: str | None = None


def amount(value) -> str:
    """An amount as Amazon reads it: a dot, two decimals (``1234.50``)."""
    try:
        number = Decimal(str(value))
    except InvalidOperation as error:
        raise VatInvoiceError(f"{value!r} is not an amount") from error
    if not number.is_finite():
        raise VatInvoiceError(f"{value!r} is not an amount")
    return format(number.quantize(_CENT, rounding=ROUND_HALF_UP), "f")


def _value(name: str, value) -> str:
    text = " ".join(str(value or "").split())
    if not text:
        raise VatInvoiceError(f"the {name} is missing")
    if not _ALLOWED_VALUE.fullmatch(text):
        bad = "".join(sorted(set(_ALLOWED_VALUE.sub("", text))))
        raise VatInvoiceError(
            f"the {name} {text!r} holds characters Amazon refuses ({bad!r}); "
            "Amazon accepts letters, digits, spaces and , / \\ - _ ; : #"
        )
    return text


def feed_options(document: VatDocument) -> dict[str, str]:
    """The ``feedOptions`` of ``document``'s upload feed."""
    if document.document_type not in DOCUMENT_TYPES:
        raise VatInvoiceError(
            f"the document type {document.document_type!r} is neither "
            f"{INVOICE} nor {CREDIT_NOTE}"
        )
    options = {
        "metadata:orderid": _value("Amazon order id", document.order_id),
        "metadata:invoicenumber": _value("invoice number", document.invoice_number),
        "metadata:documenttype": document.document_type,
        "metadata:totalamount": amount(document.total_amount),
        "metadata:totalvatamount": amount(document.total_vat_amount),
    }
    if document.document_type == CREDIT_NOTE and document.transaction_id:
        options["metadata:transactionid"] = _value(
            "Amazon transaction id", document.transaction_id
        )
    return options


def check_pdf(content: bytes, limit: int = MAX_PDF_BYTES) -> bytes:
    """``content`` if it is a PDF Amazon can take; a :class:`VatInvoiceError`
    saying why not otherwise."""
    if not isinstance(content, (bytes, bytearray)) or not content.startswith(b"%PDF"):
        raise VatInvoiceError("the document is not a PDF")
    if len(content) > limit:
        raise VatInvoiceError(
            f"the PDF is {len(content) / 1048576:.1f} MB, over the "
            f"{limit / 1048576:.0f} MB an uploaded invoice may weigh"
        )
    return bytes(content)
