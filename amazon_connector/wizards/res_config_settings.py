# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from odoo import api, fields, models

# Settings field -> the scheduled action whose interval (in minutes) it sets.
CRON_INTERVALS = {
    "amazon_import_interval": "amazon_connector.ir_cron_amazon_import_orders",
    "amazon_export_interval": "amazon_connector.ir_cron_amazon_export_offers",
}
_MINUTES = {"minutes": 1, "hours": 60, "days": 1440, "weeks": 10080, "months": 43200}


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
    amazon_export_interval = fields.Integer(
        string="Send Stock and Prices Every (minutes)",
        help="How often what changed in stock and prices is sent to Amazon; stock "
        "moves send sooner, and a sold-out offer at once.",
    )
    amazon_account_count = fields.Integer(
        string="Active Amazon Accounts", compute="_compute_amazon_account_count"
    )

    @api.model
    def get_values(self):
        values = super().get_values()
        for field_name, xmlid in CRON_INTERVALS.items():
            cron = self.env.ref(xmlid, raise_if_not_found=False)
            if cron:
                factor = _MINUTES.get(cron.interval_type, 1)
                values[field_name] = cron.interval_number * factor
        return values

    def set_values(self):
        result = super().set_values()
        for field_name, xmlid in CRON_INTERVALS.items():
            cron = self.env.ref(xmlid, raise_if_not_found=False)
            minutes = self[field_name]
            if cron and minutes > 0:
                cron.sudo().write(
                    {"interval_number": minutes, "interval_type": "minutes"}
                )
        return result

    @api.depends("company_id")
    def _compute_amazon_account_count(self):
        count = self.env["amazon.account"].search_count([])
        for settings in self:
            settings.amazon_account_count = count
