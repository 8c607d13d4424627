# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from odoo import api, fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    amazon_connector_enabled = fields.Boolean(
        string="Amazon Connector",
        config_parameter="amazon_connector.enabled",
        help="When off, the scheduled Amazon synchronizations do nothing; manual "
        "actions on the accounts still work.",
    )
    amazon_account_count = fields.Integer(
        string="Active Amazon Accounts", compute="_compute_amazon_account_count"
    )

    @api.depends("company_id")
    def _compute_amazon_account_count(self):
        count = self.env["amazon.account"].search_count([])
        for settings in self:
            settings.amazon_account_count = count
