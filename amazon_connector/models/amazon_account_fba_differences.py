# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from odoo import fields, models


class AmazonAccount(models.Model):
    """The account's FBA page: the open differences between Odoo's FBA
    quantities and Amazon's, and the way to its ledger events and differences."""

    # One model in several files, each named for the part it holds.
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "amazon.account"

    fba_open_difference_ids = fields.One2many(
        "amazon.fba.difference",
        "account_id",
        string="Open FBA Differences",
        domain=[("state", "=", "open")],
        readonly=True,
    )
    fba_open_difference_count = fields.Integer(
        string="Open FBA Differences Count", compute="_compute_fba_counts"
    )
    fba_event_count = fields.Integer(
        string="FBA Ledger Events", compute="_compute_fba_counts"
    )

    def _compute_fba_counts(self):
        differences = dict(
            self.env["amazon.fba.difference"]._read_group(
                [("account_id", "in", self.ids), ("state", "=", "open")],
                ["account_id"],
                ["__count"],
            )
        )
        events = dict(
            self.env["amazon.fba.event"]._read_group(
                [("account_id", "in", self.ids)], ["account_id"], ["__count"]
            )
        )
        for account in self:
            account.fba_open_difference_count = differences.get(account, 0)
            account.fba_event_count = events.get(account, 0)

    def action_view_fba_differences(self):
        """The account's FBA differences, the open ones first shown."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "amazon_connector.action_amazon_fba_difference"
        )
        action["domain"] = [("account_id", "=", self.id)]
        action["context"] = {"search_default_open": 1}
        return action

    def action_view_fba_events(self):
        """The account's Inventory Ledger events, as read."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("FBA Ledger Events"),
            "res_model": "amazon.fba.event",
            "view_mode": "list,form",
            "domain": [("account_id", "=", self.id)],
            "context": {"create": False},
        }
