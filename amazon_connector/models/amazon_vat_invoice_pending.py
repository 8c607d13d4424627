# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from odoo import fields, models


class AmazonVatInvoicePending(models.Model):
    """A VAT document Amazon expects and Odoo has not made: a shipment or refund
    of an order that Amazon's VAT invoice data report lists as due (or refused)
    while Odoo has no posted invoice or credit note for it. One per account,
    order and transaction; each report read makes the list anew."""

    _name = "amazon.vat.invoice.pending"
    _description = "Amazon VAT Invoice Pending Without Odoo Invoice"
    _order = "order_date desc, id desc"
    _rec_name = "amazon_order_ref"

    account_id = fields.Many2one(
        "amazon.account", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    amazon_order_ref = fields.Char(string="Amazon Order", required=True, index=True)
    transaction_type = fields.Selection(
        [("shipment", "Invoice (Shipment)"), ("refund", "Credit Note (Refund)")],
        string="Document Due",
        required=True,
    )
    transaction_ref = fields.Char(
        string="Amazon Transaction",
        help="Amazon's transaction id (a refund's) or shipping id; the credit "
        "note's upload names it.",
    )
    marketplace_id = fields.Many2one("amazon.marketplace", ondelete="set null")
    sale_order_id = fields.Many2one(
        "sale.order",
        string="Sales Order",
        ondelete="set null",
        help="The order in Odoo, when it was imported.",
    )
    order_date = fields.Char(help="The order's date as Amazon's report gives it.")
    is_business = fields.Boolean(string="Business Order")
    buyer_vat_number = fields.Char(string="Buyer VAT Number")
    amazon_status = fields.Char(
        string="Amazon's Status", help="invoice-status in Amazon's report."
    )
    amazon_message = fields.Text(
        string="Amazon's Message", help="invoice-status-description, if any."
    )
    report_id = fields.Many2one("amazon.report", ondelete="set null", readonly=True)

    _sql_constraints = [
        (
            "transaction_uniq",
            "unique(account_id, amazon_order_ref, transaction_type, transaction_ref)",
            "This Amazon transaction is already listed for the account.",
        )
    ]
