# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from odoo import api, fields, models

from ..amazon.vat_invoice import VAT_INVOICE_COUNTRIES

#: Amazon's Data Protection Policy: buyers' personal data kept no longer than
#: 30 days after the order's delivery.
DEFAULT_PII_RETENTION_DAYS = 30


class AmazonAccount(models.Model):
    """The account's European settings: VAT invoices uploaded to Amazon, and how
    long buyers' personal data is kept."""

    # One model in several files, each named for the part it holds.
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "amazon.account"

    vat_invoice_upload = fields.Boolean(
        string="Upload VAT Invoices to Amazon",
        help="Every posted invoice and credit note of this account's Amazon orders "
        "is sent to Amazon, which offers it to the buyer (Amazon's VAT Calculation "
        "Service option 'upload my own invoices', and Amazon Business). Offered on "
        "the European marketplaces only.",
    )
    vat_invoice_upload_offered = fields.Boolean(
        compute="_compute_vat_invoice_upload_offered",
        help="The account sells on a marketplace that takes uploaded VAT invoices.",
    )
    pii_retention_days = fields.Integer(
        string="Keep Buyers' Personal Data",
        default=DEFAULT_PII_RETENTION_DAYS,
        help="Days after an order's delivery the buyer's name, address and phone "
        "are kept; then they are replaced with neutral values. Amazon's Data "
        "Protection Policy allows 30 days at most. 0 keeps them forever.",
    )

    _sql_constraints = [
        (
            "pii_retention_days_positive",
            "CHECK(pii_retention_days >= 0)",
            "The days buyers' personal data is kept cannot be negative (0 keeps "
            "it forever).",
        ),
    ]

    @api.depends("marketplace_ids.country_id.code")
    def _compute_vat_invoice_upload_offered(self):
        for account in self:
            codes = set(account.marketplace_ids.country_id.mapped("code"))
            account.vat_invoice_upload_offered = bool(codes & VAT_INVOICE_COUNTRIES)
