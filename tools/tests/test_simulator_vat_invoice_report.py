"""The simulator's VAT invoice data report (``GET_FLAT_FILE_VAT_INVOICE_DATA_REPORT``)
through createReport: the shipped business orders of European marketplaces (every
order when the seller is enrolled), the buyer's VAT number, the status of the
uploaded documents (accepted once asked, refused with Amazon's message), refunds,
the ``all`` and ``pendingInvoices`` views, and ``all`` over 30 days refused."""

import csv
import io
from datetime import datetime, timedelta, timezone

import pytest
from amazon_simulator import SimulatorState
from amazon_simulator.vat_invoice_report import (
    DUPLICATE_NUMBER,
    REPORT_TYPE,
    WRONG_TOTAL,
)

NOW = datetime(2026, 12, 10, 12, 0, tzinfo=timezone.utc)
DE, US = "A1PA6795UKMFR9", "ATVPDKIKX0DER"


@pytest.fixture
def state():
    state = SimulatorState(seed=11, clock=lambda: NOW)
    state.report_processing_polls = 0
    state.result_compression = "never"
    state.generate_orders(60, now=NOW, marketplaces=("DE", "US"))
    return state


def shipped(state, marketplace=DE, business=None):
    return [
        o
        for o in state.orders.values()
        if o["salesChannel"]["marketplaceId"] == marketplace
        and o["fulfillment"]["fulfillmentStatus"] in ("SHIPPED", "PARTIALLY_SHIPPED")
        and (business is None or ("AMAZON_BUSINESS" in o["programs"]) == business)
    ]


def report(state, options=None, days=20, marketplace=DE):
    body = {
        "reportType": REPORT_TYPE,
        "marketplaceIds": [marketplace],
        "dataStartTime": (NOW - timedelta(days=days)).isoformat(),
        "dataEndTime": NOW.isoformat(),
    }
    if options is not None:
        body["reportOptions"] = options
    stored = state.reports[state.create_report(body)["reportId"]]
    return stored


def rows(stored):
    text = stored["content"].decode("utf-8")
    return list(csv.DictReader(io.StringIO(text), delimiter="\t"))


ALL = {"ReportOption=all": "true"}


def test_business_orders_only_unless_enrolled(state):
    business = {o["orderId"] for o in shipped(state, business=True)}
    everyone = {o["orderId"] for o in shipped(state)}
    assert business and everyone - business, "the seed gives both kinds"
    found = rows(report(state, ALL))
    assert {r["order-id"] for r in found} == business
    for row in found:
        assert row["is-business-order"] == "true"
        assert row["buyer-vat-number"].startswith("DE")
        assert row["transaction-type"] == "Shipment"
        assert row["invoice-status"] == "InvoicePending"
    state.vat_invoice_upload_enrolled = True
    assert {r["order-id"] for r in rows(report(state, ALL))} == everyone
    assert not rows(report(state, ALL, marketplace=US))


def test_uploaded_documents_are_accepted_or_refused(state):
    first, second = sorted(o["orderId"] for o in shipped(state, business=True))[:2]
    for order_id, number in ((first, "INV-1"), (second, "INV-2")):
        state.vat_invoices.append(
            {
                "order_id": order_id,
                "invoice_number": number,
                "document_type": "Invoice",
                "status": "Pending",
            }
        )
    state.refuse_vat_invoice("INV-2", DUPLICATE_NUMBER)
    by_order = {r["order-id"]: r for r in rows(report(state, ALL))}
    assert by_order[first]["invoice-status"] == "InvoiceUploaded"
    assert by_order[first]["invoice-number"] == "INV-1"
    assert state.vat_invoices[0]["status"] == "Accepted"
    assert by_order[second]["invoice-status"] == "InvoicePending"
    assert by_order[second]["invoice-status-description"] == DUPLICATE_NUMBER
    # The pending view: what is still due, the refused one with its message.
    pending = {r["order-id"] for r in rows(report(state, {"pendingInvoices": "true"}))}
    assert second in pending and first not in pending
    state.refuse_vat_invoice("INV-1", WRONG_TOTAL)
    with pytest.raises(KeyError):
        state.refuse_vat_invoice("NOPE")


def test_a_refund_wants_a_credit_note(state):
    order = sorted(shipped(state, business=True), key=lambda o: o["orderId"])[0]
    refund = state.refund(order["orderId"])
    found = [r for r in rows(report(state, ALL)) if r["order-id"] == order["orderId"]]
    refunds = [r for r in found if r["transaction-type"] == "Refund"]
    assert refunds and refunds[0]["transaction-id"] == refund.adjustment_id
    assert refunds[0]["invoice-status"] == "CreditNotePending"
    state.vat_invoices.append(
        {
            "order_id": order["orderId"],
            "invoice_number": "CN-1",
            "document_type": "CreditNote",
            "transaction_id": refund.adjustment_id,
            "status": "Pending",
        }
    )
    found = [r for r in rows(report(state, ALL)) if r["transaction-type"] == "Refund"]
    assert {r["invoice-status"] for r in found} == {"CreditNoteUploaded"}


def test_all_over_30_days_is_fatal(state):
    stored = report(state, ALL, days=31)
    assert stored["processingStatus"] == "FATAL"
    assert "30 days" in stored["error_details"]
