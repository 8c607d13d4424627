# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from odoo import fields, models


class AccountReconcileModel(models.Model):
    _inherit = "account.reconcile.model"

    amazon_payouts = fields.Boolean(
        copy=False,
        help="Made by the Amazon connector: proposes the payouts of Amazon "
        "settlements for Amazon's bank transfers.",
    )
