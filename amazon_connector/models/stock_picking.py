# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from odoo import models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _message_subscribe(self, partner_ids=None, subtype_ids=None, customer_ids=None):
        # A delivery makes its customer a follower; Amazon sends the shipping e-mails
        # to its buyers, Odoo must not (their address is Amazon's relay).
        if partner_ids:
            partner_ids = (
                self.env["res.partner"].browse(partner_ids)._amazon_non_buyers()
            )
        return super()._message_subscribe(
            partner_ids=partner_ids, subtype_ids=subtype_ids, customer_ids=customer_ids
        )
