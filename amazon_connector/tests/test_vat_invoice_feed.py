# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""The UPLOAD_VAT_INVOICE feed of one document (pure Python, no database): its
feedOptions as Amazon's "Manually upload invoices" page lists them (SP-API.md,
"VAT invoices"), the amounts, the credit note's transaction id, the PDF."""

from decimal import Decimal

import pytest

from ..amazon.vat_invoice import (
    CREDIT_NOTE,
    INVOICE,
    MAX_PDF_BYTES,
    VatDocument,
    VatInvoiceError,
    amount,
    check_pdf,
    feed_options,
)

ORDER = "028-1234567-1234567"


def document(**values):
    return VatDocument(
        **{
            "order_id": ORDER,
            "invoice_number": "INV/2026/00042",
            "document_type": INVOICE,
            "total_amount": Decimal("119"),
            "total_vat_amount": Decimal("19"),
            **values,
        }
    )


def test_invoice_options():
    assert feed_options(document()) == {
        "metadata:orderid": ORDER,
        "metadata:invoicenumber": "INV/2026/00042",
        "metadata:documenttype": "Invoice",
        "metadata:totalamount": "119.00",
        "metadata:totalvatamount": "19.00",
    }


def test_invoice_never_carries_a_transaction_id():
    assert "metadata:transactionid" not in feed_options(document(transaction_id="T1"))


def test_credit_note_with_amazon_transaction_id():
    options = feed_options(
        document(document_type=CREDIT_NOTE, transaction_id="amzn1:refund-7")
    )
    assert options["metadata:documenttype"] == "CreditNote"
    assert options["metadata:transactionid"] == "amzn1:refund-7"


def test_credit_note_without_transaction_id_goes_by_order_id():
    options = feed_options(document(document_type=CREDIT_NOTE, transaction_id=None))
    assert "metadata:transactionid" not in options
    assert options["metadata:orderid"] == ORDER


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("10.005"), "10.01"),
        (Decimal("1234.5"), "1234.50"),
        (0, "0.00"),
        (12.3, "12.30"),
        ("7", "7.00"),
    ],
)
def test_amounts_with_a_dot_and_two_decimals(value, expected):
    assert amount(value) == expected


@pytest.mark.parametrize("value", ["abc", "NaN", None])
def test_not_an_amount(value):
    with pytest.raises(VatInvoiceError, match="not an amount"):
        amount(value)


def test_wrong_document_type():
    with pytest.raises(VatInvoiceError, match="neither Invoice nor CreditNote"):
        feed_options(document(document_type="Receipt"))


def test_missing_order_id_or_number():
    with pytest.raises(VatInvoiceError, match="Amazon order id is missing"):
        feed_options(document(order_id=""))
    with pytest.raises(VatInvoiceError, match="invoice number is missing"):
        feed_options(document(invoice_number=None))


def test_characters_amazon_refuses():
    with pytest.raises(VatInvoiceError, match=r"refuses \('&'\)"):
        feed_options(document(invoice_number="R&D-1"))


def test_pdf_checked():
    assert check_pdf(b"%PDF-1.7 body") == b"%PDF-1.7 body"
    with pytest.raises(VatInvoiceError, match="not a PDF"):
        check_pdf(b"<html>")


def test_pdf_over_the_limit():
    check_pdf(b"%PDF" + b"0" * (MAX_PDF_BYTES - 4))
    with pytest.raises(VatInvoiceError, match="MB, over the 10 MB"):
        check_pdf(b"%PDF" + b"0" * (MAX_PDF_BYTES - 3))
