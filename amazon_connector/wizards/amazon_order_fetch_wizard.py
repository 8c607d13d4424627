# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from odoo import fields, models


class AmazonOrderFetchWizard(models.TransientModel):
    """Import one Amazon order by its number, whatever its date."""

    _name = "amazon.order.fetch.wizard"
    _description = "Import One Amazon Order"

    account_id = fields.Many2one("amazon.account", required=True)
    amazon_order_ref = fields.Char(
        string="Amazon Order Number", required=True, help="e.g. 028-1234567-1234567"
    )

    def action_fetch(self):
        self.ensure_one()
        sale_order = self.account_id._import_order_by_ref(self.amazon_order_ref)
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": sale_order.id,
            "view_mode": "form",
            "target": "current",
        }
