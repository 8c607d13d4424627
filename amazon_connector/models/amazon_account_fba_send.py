# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from odoo import models


class AmazonAccount(models.Model):
    """The account's doors to its stock sent to Amazon and to what Amazon lost
    and reimbursed: a new Send to Amazon transfer, the monthly losses."""

    # One model in several files, each named for the part it holds.
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "amazon.account"

    def action_amazon_fba_send(self):
        """A new transfer of the account's Send to Amazon type."""
        self.ensure_one()
        picking_type = self._amazon_fba_send_picking_type()
        return {
            "type": "ir.actions.act_window",
            "name": picking_type.name,
            "res_model": "stock.picking",
            "view_mode": "form",
            "target": "current",
            "context": {
                "default_picking_type_id": picking_type.id,
                "default_location_id": picking_type.default_location_src_id.id,
                "default_location_dest_id": picking_type.default_location_dest_id.id,
                "default_company_id": self.company_id.id,
            },
        }

    def action_amazon_fba_losses(self):
        """The account's FBA losses and reimbursements, month by month."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "amazon_connector.action_amazon_fba_loss_report"
        )
        action["domain"] = [("account_id", "=", self.id)]
        action["context"] = {"search_default_account_id": self.id}
        return action
