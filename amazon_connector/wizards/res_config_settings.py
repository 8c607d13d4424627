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
    amazon_import_interval = fields.Integer(
        string="Import Orders Every (minutes)",
        help="How often the scheduled action imports the orders of every account.",
    )
    amazon_account_count = fields.Integer(
        string="Active Amazon Accounts", compute="_compute_amazon_account_count"
    )

    def _amazon_import_cron(self):
        return self.env.ref(
            "amazon_connector.ir_cron_amazon_import_orders", raise_if_not_found=False
        )

    @api.model
    def get_values(self):
        values = super().get_values()
        cron = self._amazon_import_cron()
        if cron:
            factor = {"minutes": 1, "hours": 60, "days": 1440}.get(
                cron.interval_type, 1
            )
            values["amazon_import_interval"] = cron.interval_number * factor
        return values

    def set_values(self):
        result = super().set_values()
        cron = self._amazon_import_cron()
        if cron and self.amazon_import_interval > 0:
            cron.sudo().write(
                {
                    "interval_number": self.amazon_import_interval,
                    "interval_type": "minutes",
                }
            )
        return result

    @api.depends("company_id")
    def _compute_amazon_account_count(self):
        count = self.env["amazon.account"].search_count([])
        for settings in self:
            settings.amazon_account_count = count
