# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

import base64
import binascii
import gzip

from odoo import _, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import clean_context


class AmazonSettlementUploadWizard(models.TransientModel):
    """Import a settlement file downloaded from Seller Central (Payments > Reports
    Repository, the flat file V2), e.g. one older than Amazon lists."""

    _name = "amazon.settlement.upload.wizard"
    _description = "Upload an Amazon Settlement"

    account_id = fields.Many2one(
        "amazon.account", string="Amazon Account", required=True
    )
    marketplace_id = fields.Many2one(
        "amazon.marketplace",
        domain="[('id', 'in', allowed_marketplace_ids)]",
        help="Only needed when the file names no marketplace and several of the "
        "account's sell in its currency.",
    )
    allowed_marketplace_ids = fields.Many2many(related="account_id.marketplace_ids")
    file = fields.Binary(string="Settlement File", required=True)
    filename = fields.Char()

    def action_import(self):
        self.ensure_one()
        self.env["amazon.settlement.line"]._amazon_check_accountant()
        try:
            data = base64.b64decode(self.file or b"", validate=True)
        except (binascii.Error, ValueError):
            raise UserError(_("The file could not be read.")) from None
        if data[:2] == b"\x1f\x8b":
            try:
                data = gzip.decompress(data)
            except (OSError, EOFError):
                raise UserError(_("The file is a damaged GZIP archive.")) from None
        # The wizard's default_account_id (an Amazon account) must not become the
        # default of the ledger accounts the booking creates records with.
        Settlement = self.env(context=clean_context(self.env.context))[
            "amazon.settlement"
        ]
        settlement = Settlement.create_from_report(
            self.account_id, data, marketplace=self.marketplace_id or None
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "amazon.settlement",
            "res_id": settlement.id,
            "view_mode": "form",
            "target": "current",
        }
