"""The simulator's UPLOAD_VAT_INVOICE feed: one PDF per feed, its metadata in the
feed's feedOptions (SP-API.md, "VAT invoices"; Amazon's "Manually upload invoices"
and "VCS error handling" pages for the refusals), each document recorded in
``state.vat_invoices``; a number already uploaded for the order is rejected."""

from datetime import datetime, timezone

import httpx
import pytest
from amazon_simulator import AmazonSimulator

DE, FR = "A1PA6795UKMFR9", "A13V1IB3VIYZZH"
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)
PDF = b"%PDF-1.4\n% an invoice\n%%EOF\n"
ORDER = "028-1111111-2222222"


def options(**values):
    base = {
        "metadata:orderid": ORDER,
        "metadata:invoicenumber": "INV/2026/00001",
        "metadata:documenttype": "Invoice",
        "metadata:totalamount": "119.00",
        "metadata:totalvatamount": "19.00",
    }
    base.update(values)
    return {k: v for k, v in base.items() if v is not None}


@pytest.fixture
def sim():
    with AmazonSimulator(seed=5, clock=lambda: NOW) as simulator:
        simulator.state.feed_processing_polls = 0
        simulator.state.result_compression = "never"
        yield simulator


@pytest.fixture
def http(sim):
    with sim.client() as client:
        yield client


def upload(http, feed_options, content=PDF, marketplaces=(DE,)):
    """Send one invoice; (feed, its processing report's text)."""
    document = http.post(
        "/feeds/2021-06-30/documents", json={"contentType": "application/pdf"}
    ).json()
    put = httpx.put(
        document["url"], content=content, headers={"Content-Type": "application/pdf"}
    )
    assert put.status_code == 200
    created = http.post(
        "/feeds/2021-06-30/feeds",
        json={
            "feedType": "UPLOAD_VAT_INVOICE",
            "marketplaceIds": list(marketplaces),
            "inputFeedDocumentId": document["feedDocumentId"],
            "feedOptions": feed_options,
        },
    )
    assert created.status_code == 202, created.text
    feed = http.get(f"/feeds/2021-06-30/feeds/{created.json()['feedId']}").json()
    result = http.get(
        f"/feeds/2021-06-30/documents/{feed['resultFeedDocumentId']}"
    ).json()
    return feed, httpx.get(result["url"]).text


def test_invoice_recorded_pending(sim, http):
    feed, _report = upload(http, options())
    assert feed["processingStatus"] == "DONE"
    [invoice] = sim.state.vat_invoices
    assert invoice["feed_id"] == feed["feedId"]
    assert invoice["order_id"] == ORDER
    assert invoice["invoice_number"] == "INV/2026/00001"
    assert invoice["document_type"] == "Invoice"
    assert (invoice["total_amount"], invoice["total_vat_amount"]) == ("119.00", "19.00")
    assert invoice["transaction_id"] is None
    assert invoice["size"] == len(PDF)
    assert invoice["marketplace_id"] == DE
    assert invoice["status"] == "Pending"
    assert invoice["uploaded_at"] == NOW


def test_credit_note_with_transaction_id(sim, http):
    upload(
        http,
        options(
            **{
                "metadata:documenttype": "CreditNote",
                "metadata:invoicenumber": "RINV/2026/00001",
                "metadata:transactionid": "T-77",
            }
        ),
    )
    [credit_note] = sim.state.vat_invoices
    assert credit_note["document_type"] == "CreditNote"
    assert credit_note["transaction_id"] == "T-77"


def test_keys_read_whatever_their_case(sim, http):
    upload(
        http,
        {
            "metadata:OrderId": ORDER,
            "metadata:InvoiceNumber": "A-1",
            "metadata:DocumentType": "Invoice",
        },
    )
    assert sim.state.vat_invoices[0]["invoice_number"] == "A-1"


@pytest.mark.parametrize(
    ("feed_options", "content", "marketplaces", "why"),
    [
        (options(**{"metadata:orderid": None}), PDF, (DE,), "OrderId or ShippingId"),
        (options(**{"metadata:invoicenumber": None}), PDF, (DE,), "InvoiceNumber"),
        (
            options(**{"metadata:documenttype": "Receipt"}),
            PDF,
            (DE,),
            "document type Receipt is not supported",
        ),
        (options(), b"<html>not a pdf</html>", (DE,), "is not pdf"),
        (options(), PDF, (DE, FR), "only one valid marketplace"),
    ],
)
def test_refused_feed_ends_fatal_saying_why(
    sim, http, feed_options, content, marketplaces, why
):
    feed, report = upload(http, feed_options, content, marketplaces)
    assert feed["processingStatus"] == "FATAL"
    assert why in report
    assert sim.state.vat_invoices == []


def test_shipping_id_instead_of_order_id(sim, http):
    upload(
        http,
        options(**{"metadata:orderid": None, "metadata:shippingid": "D4kq1CPQr"}),
    )
    assert sim.state.vat_invoices[0]["shipping_id"] == "D4kq1CPQr"


def test_same_number_again_for_the_order_is_rejected(sim, http):
    upload(http, options())
    feed, _report = upload(http, options())
    assert feed["processingStatus"] == "DONE"
    first, second = sim.state.vat_invoices
    assert first["status"] == "Pending"
    assert second["status"] == "Rejected"
    assert "INV/2026/00001 was already uploaded" in second["status_description"]
    upload(http, options(**{"metadata:orderid": "028-3333333-4444444"}))
    assert sim.state.vat_invoices[-1]["status"] == "Pending"


def test_feed_options_must_be_strings(http):
    document = http.post(
        "/feeds/2021-06-30/documents", json={"contentType": "application/pdf"}
    ).json()
    refused = http.post(
        "/feeds/2021-06-30/feeds",
        json={
            "feedType": "UPLOAD_VAT_INVOICE",
            "marketplaceIds": [DE],
            "inputFeedDocumentId": document["feedDocumentId"],
            "feedOptions": {"metadata:totalamount": 119.0},
        },
    )
    assert refused.status_code == 400
