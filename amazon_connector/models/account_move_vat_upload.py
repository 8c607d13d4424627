# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from odoo import fields, models

from ..amazon.vat_invoice import VAT_UPLOAD_STATES


class AccountMove(models.Model):
    """An Amazon order's invoice or credit note uploaded to Amazon as the buyer's
    VAT invoice (``UPLOAD_VAT_INVOICE``), and Amazon's verdict on it."""

    # One model in several files, each named for the part it holds.
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "account.move"

    amazon_vat_upload_state = fields.Selection(
        VAT_UPLOAD_STATES,
        string="Amazon VAT Invoice",
        default="none",
        copy=False,
        readonly=True,
        index="btree_not_null",
        tracking=True,
        help="Where this document is with Amazon: to upload, uploaded (Amazon has "
        "not said yet), accepted, or refused (Amazon's message says why).",
    )
    amazon_vat_upload_error = fields.Text(
        string="Amazon's Refusal", copy=False, readonly=True
    )
