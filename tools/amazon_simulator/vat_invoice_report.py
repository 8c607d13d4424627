"""``GET_FLAT_FILE_VAT_INVOICE_DATA_REPORT``, Amazon's VAT invoice data report
("VIDR"), of the simulator's orders, refunds and uploaded VAT invoices.

One row per order item of each transaction that needs a VAT document: the
shipment of every shipped (or partly shipped) order of a European marketplace
that Amazon does not invoice itself, i.e. business orders (Amazon Business
buyers get the seller's invoice) and, when the seller is enrolled in the VAT
Calculation Service with "upload my own invoices"
(``SimulatorState.vat_invoice_upload_enrolled``), every order; and each
refund of such an order (``Refund``, its adjustment id as the transaction id).

The columns are a subset of Amazon's "Invoice Data reports attributes", in
their documented order; tab-separated, UTF-8, CRLF. The status of a
transaction comes from ``SimulatorState.vat_invoices`` (the documents uploaded
by ``UPLOAD_VAT_INVOICE`` feeds; the last one of the order and document type,
of the transaction for a credit note that names it):

- none: ``InvoicePending`` / ``CreditNotePending``;
- ``Pending`` (uploaded, not refused): Amazon has checked it by the time the
  report is asked: it becomes ``Accepted``, written ``InvoiceUploaded`` /
  ``CreditNoteUploaded``;
- ``Rejected``: still pending, Amazon's message in ``invoice-status-description``
  (SP-API "VCS Error Handling": the error is listed there and the shipment stays
  in the pending view).

reportOptions (SP-API "Invoice Data Reports"): ``pendingInvoices`` true, or no
option, gives only what is due (orders of the last 90 days); ``all`` true gives
every status of the orders created in the date range (30 days at most, else
FATAL). Option names are read without case (Amazon's documentation and sellers'
requests write ``ReportOption=pendingInvoices``, ``ReportOption=All``...).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from .marketplaces import BY_ID
from .timeutil import parse_iso

REPORT_TYPE = "GET_FLAT_FILE_VAT_INVOICE_DATA_REPORT"
#: The marketplaces of the VAT programme (SP-API "Invoice Data Reports").
COUNTRIES = frozenset({"DE", "FR", "IT", "ES", "NL", "PL", "SE", "BE", "IE", "UK"})
MAX_ALL_DAYS = 30
PENDING_DAYS = 90
COLUMNS = (
    "marketplace-id",
    "order-id",
    "order-item-id",
    "shipping-id",
    "transaction-id",
    "transaction-type",
    "invoice-number",
    "invoice-status",
    "invoice-status-description",
    "is-amazon-invoiced",
    "order-date",
    "shipment-date",
    "buyer-vat-number",
    "sku",
    "quantity-purchased",
    "currency",
    "is-business-order",
    "purchase-order-number",
)
#: Amazon's refusals a test can give with ``SimulatorState.refuse_vat_invoice``
#: (the simulator's wording of the errors of Amazon's upload checks).
WRONG_TOTAL = (
    "The total amount on the invoice does not match the total amount of the "
    "transaction."
)
DUPLICATE_NUMBER = "The invoice number has already been used for another invoice."
WRONG_DOCUMENT_TYPE = "The document type does not match the transaction type."
SHIPPED = ("SHIPPED", "PARTIALLY_SHIPPED")


@dataclass(frozen=True)
class VatInvoiceReport:
    content: bytes
    content_type: str
    rows: int


def window_error(options: dict, start: datetime, end: datetime) -> str | None:
    if _option(options, "all") and end - start > timedelta(days=MAX_ALL_DAYS):
        return (
            "The maximum date range for ReportOptions All is 30 days. Try again "
            "with a shorter date range."
        )
    return None


def _option(options: dict, name: str) -> bool:
    for key, value in (options or {}).items():
        if key.split("=")[-1].lower() == name.lower():
            return str(value).lower() == "true"
    return False


def _buyer_vat(order: dict) -> str:
    for registration in (order.get("tax") or {}).get("taxRegistrations") or []:
        if registration.get("entityType") == "BUYER":
            return registration.get("taxRegistrationNumber") or ""
    return ""


def _last_document(vat_invoices, order_id, document_type, transaction_id=None):
    found = None
    for entry in vat_invoices:
        if entry.get("order_id") != order_id:
            continue
        if entry.get("document_type") != document_type:
            continue
        if transaction_id and entry.get("transaction_id") not in (
            None,
            "",
            transaction_id,
        ):
            continue
        found = entry
    return found


def _status(entry: dict | None, credit: bool) -> tuple[str, str, str]:
    """(invoice-status, description, invoice-number) of a transaction whose
    last uploaded document is ``entry``; a pending upload is accepted now."""
    prefix = "CreditNote" if credit else "Invoice"
    if entry is None:
        return f"{prefix}Pending", "", ""
    if entry.get("status") == "Rejected":
        return (
            f"{prefix}Pending",
            entry.get("status_description") or "",
            entry.get("invoice_number") or "",
        )
    entry["status"] = "Accepted"
    return f"{prefix}Uploaded", "", entry.get("invoice_number") or ""


def _transactions(order: dict, refunds) -> list[tuple[str, str, bool]]:
    """(transaction-type, transaction-id, is credit note) of an order."""
    found = [("Shipment", f"T{order['orderId'].replace('-', '')}", False)]
    found += [
        ("Refund", refund.adjustment_id, True)
        for refund in refunds
        if refund.order_id == order["orderId"]
    ]
    return found


def _wanted(order, marketplace_ids, enrolled) -> bool:
    channel = order.get("salesChannel") or {}
    market = BY_ID.get(channel.get("marketplaceId"))
    if market is None or market.code not in COUNTRIES:
        return False
    if channel.get("marketplaceId") not in marketplace_ids:
        return False
    if (order.get("fulfillment") or {}).get("fulfillmentStatus") not in SHIPPED:
        return False
    return enrolled or "AMAZON_BUSINESS" in (order.get("programs") or [])


def _order_rows(order, refunds, vat_invoices, due_only) -> list[dict]:
    business = "AMAZON_BUSINESS" in (order.get("programs") or [])
    packages = order.get("packages") or []
    shipped_at = packages[0].get("shipTime") if packages else None
    rows = []
    for kind, transaction_id, credit in _transactions(order, refunds):
        document = _last_document(
            vat_invoices,
            order["orderId"],
            "CreditNote" if credit else "Invoice",
            transaction_id if credit else None,
        )
        status, description, number = _status(document, credit)
        if due_only and not status.endswith("Pending"):
            continue
        for item in order.get("orderItems") or []:
            price = (item.get("product") or {}).get("price") or {}
            unit = price.get("unitPrice") or {}
            rows.append(
                {
                    "marketplace-id": order["salesChannel"]["marketplaceId"],
                    "order-id": order["orderId"],
                    "order-item-id": item.get("orderItemId", ""),
                    "shipping-id": f"S{order['orderId'].replace('-', '')[-9:]}",
                    "transaction-id": transaction_id,
                    "transaction-type": kind,
                    "invoice-number": number,
                    "invoice-status": status,
                    "invoice-status-description": description,
                    "is-amazon-invoiced": "false",
                    "order-date": order.get("createdTime", ""),
                    "shipment-date": shipped_at or order.get("lastUpdatedTime", ""),
                    "buyer-vat-number": _buyer_vat(order) if business else "",
                    "sku": (item.get("product") or {}).get("sellerSku", ""),
                    "quantity-purchased": str(item.get("quantityOrdered", "")),
                    "currency": unit.get("currencyCode", ""),
                    "is-business-order": "true" if business else "false",
                    "purchase-order-number": (order.get("buyer") or {}).get(
                        "buyerPurchaseOrderNumber", ""
                    ),
                }
            )
    return rows


def _clean(value) -> str:
    return " ".join(str(value).replace("\t", " ").split())


def build_vat_invoice_report(
    orders,
    refunds,
    vat_invoices: list[dict],
    marketplace_ids: list[str],
    start: datetime,
    end: datetime,
    now: datetime,
    *,
    options: dict | None = None,
    enrolled: bool = False,
) -> VatInvoiceReport:
    """The report of the ``orders`` (dicts of the Orders API) in
    ``marketplace_ids``: with ``all``, those created in start..end, every
    status; otherwise what is due of those of the last 90 days. Uploaded
    documents not refused are accepted (``vat_invoices`` entries updated)."""
    every = _option(options or {}, "all")
    since = start if every else now - timedelta(days=PENDING_DAYS)
    until = end if every else now
    chosen = sorted(
        (
            o
            for o in orders
            if _wanted(o, marketplace_ids, enrolled)
            and since <= parse_iso(o["createdTime"]) <= until
        ),
        key=lambda o: (o["createdTime"], o["orderId"]),
    )
    rows = [
        row
        for order in chosen
        for row in _order_rows(order, refunds, vat_invoices, due_only=not every)
    ]
    lines = ["\t".join(COLUMNS)]
    lines += ["\t".join(_clean(row.get(c, "")) for c in COLUMNS) for row in rows]
    content = ("\r\n".join(lines) + "\r\n").encode("utf-8")
    return VatInvoiceReport(content, "text/plain; charset=UTF-8", len(rows))
