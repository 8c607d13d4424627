# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from odoo import models


class AccountMoveReversal(models.TransientModel):
    _inherit = "account.move.reversal"

    def _prepare_default_reversal(self, move):
        # A credit note of an Amazon order carries its Amazon number, as the
        # invoice does: Amazon's refund in the settlement is matched by it.
        values = super()._prepare_default_reversal(move)
        orders = move.invoice_line_ids.sale_line_ids.order_id.filtered(
            "amazon_order_ref"
        )
        if orders:
            values["ref"] = self.env._(
                "Amazon %(orders)s: %(reversal)s",
                orders=", ".join(orders.mapped("amazon_order_ref")),
                reversal=values["ref"],
            )
            values["invoice_origin"] = move.invoice_origin
        return values
