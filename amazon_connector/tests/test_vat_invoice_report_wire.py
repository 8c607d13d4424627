"""Amazon's VAT invoice data report, GET_FLAT_FILE_VAT_INVOICE_DATA_REPORT (pure
Python, no database): columns by name, the verdict of each status, one
transaction per shipment or refund, bad rows named, a bad header refused."""

from pathlib import Path

import pytest

from ..amazon.vat_invoice_report import (
    REFUND,
    SHIPMENT,
    Verdict,
    read_vat_invoice_report,
    verdict_of,
)

DATA = Path(__file__).parent / "data" / "vat_invoice"


def tsv(header, *rows, newline="\n"):
    return newline.join("\t".join(cells) for cells in (header, *rows)).encode()


def test_the_documented_layout_is_read_with_its_bom_and_crlf():
    reading = read_vat_invoice_report((DATA / "vidr_all.txt").read_bytes())
    assert not reading.problems
    assert len(reading.rows) == 6
    first = reading.rows[0]
    assert first.order_ref == "302-1111111-1111111"
    assert first.transaction_type == SHIPMENT
    assert first.invoice_number == "INV/2026/00001"
    assert first.verdict is Verdict.ACCEPTED
    assert first.is_business and first.buyer_vat_number == "DE123456789"
    assert first.marketplace_id == "A1PA6795UKMFR9"
    transactions = reading.transactions()
    # Two items of one shipment are one transaction; the refund is another.
    assert len(transactions) == 5
    verdicts = {key[0] + "/" + key[1]: row.verdict for key, row in transactions.items()}
    assert verdicts == {
        "302-1111111-1111111/shipment": Verdict.ACCEPTED,
        "171-2222222-2222222/shipment": Verdict.REFUSED,
        "302-3333333-3333333/shipment": Verdict.DUE,
        "302-1111111-1111111/refund": Verdict.DUE,
        "203-4444444-4444444/shipment": Verdict.PROCESSING,
    }
    refused = reading.rows[2]
    assert refused.description.startswith("The total amount of the invoice")
    refund = reading.rows[4]
    assert refund.is_refund and refund.transaction_ref == "amzn1:crow:RfNd0"


@pytest.mark.parametrize(
    ("status", "description", "verdict"),
    [
        ("InvoiceUploaded", None, Verdict.ACCEPTED),
        ("CreditNoteUploaded", None, Verdict.ACCEPTED),
        ("InvoicePending", None, Verdict.DUE),
        ("CreditNotePending", "", Verdict.DUE),
        ("InvoicePending", "Duplicate invoice number.", Verdict.REFUSED),
        ("InvoiceRejected", None, Verdict.REFUSED),
        ("InvoiceProcessing", None, Verdict.PROCESSING),
        ("Shipped", None, Verdict.UNKNOWN),
        ("", None, Verdict.UNKNOWN),
    ],
)
def test_each_status_has_its_verdict(status, description, verdict):
    assert verdict_of(status, description) is verdict


def test_columns_are_found_by_name_whatever_their_order_and_extras():
    content = tsv(
        ["new-column", "invoice-status", "Transaction-Type", "order-id"],
        ["x", "InvoiceUploaded", "REFUND", "302-1"],
    )
    (row,) = read_vat_invoice_report(content).rows
    assert (row.order_ref, row.transaction_type, row.verdict) == (
        "302-1",
        REFUND,
        Verdict.ACCEPTED,
    )
    assert row.invoice_number is None and not row.is_business


def test_a_missing_column_is_named():
    content = tsv(["order-id", "transaction-type"], ["302-1", "Shipment"])
    with pytest.raises(ValueError, match="no invoice-status column"):
        read_vat_invoice_report(content)
    with pytest.raises(ValueError, match="empty"):
        read_vat_invoice_report(b"\r\n")


def test_bad_rows_are_named_and_the_others_read():
    header = ["order-id", "transaction-type", "invoice-status"]
    content = tsv(
        header,
        ["", "Shipment", "InvoicePending"],
        ["302-2", "Exchange", "InvoicePending"],
        ["302-3", "Shipment", "Lost"],
        ["302-4", "Shipment", "InvoicePending"],
        newline="\r\n",
    )
    reading = read_vat_invoice_report(content)
    assert [row.order_ref for row in reading.rows] == ["302-3", "302-4"]
    assert [line for line, _ in reading.problems] == [2, 3, 4]
    assert "Exchange" in reading.problems[1][1]
    assert reading.rows[0].verdict is Verdict.UNKNOWN


def test_a_cp1252_file_is_read():
    content = "order-id\ttransaction-type\tinvoice-status\tinvoice-status-description\n"
    content += "302-5\tShipment\tInvoicePending\tMontant TTC érroné\n"
    (row,) = read_vat_invoice_report(content.encode("cp1252")).rows
    assert row.description == "Montant TTC érroné"
    assert row.verdict is Verdict.REFUSED
