# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from odoo import fields, models


class AmazonOrderImport(models.Model):
    """The import state of one Amazon order: what happened last, and the error when
    it could not be imported (so it is never skipped silently)."""

    _name = "amazon.order.import"
    _description = "Amazon Order Import"
    _order = "write_date desc, id desc"
    _rec_name = "amazon_order_ref"

    account_id = fields.Many2one(
        "amazon.account", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    amazon_order_ref = fields.Char(string="Amazon Order", required=True, index=True)
    state = fields.Selection(
        [("done", "Imported"), ("skipped", "Skipped"), ("failed", "Failed")],
        required=True,
        default="done",
    )
    error = fields.Text(readonly=True)
    attempts = fields.Integer(readonly=True)
    sale_order_id = fields.Many2one("sale.order", readonly=True, ondelete="set null")
    amazon_last_update = fields.Datetime(
        readonly=True, help="Amazon's lastUpdatedTime."
    )

    _sql_constraints = [
        (
            "order_uniq",
            "unique(account_id, amazon_order_ref)",
            "One import record per Amazon order and account.",
        ),
    ]

    def action_retry(self):
        """Fetch the orders again from Amazon (getOrder) and import them; the ones
        still failing keep their new error and attempt count."""
        for record in self:
            record.account_id.sudo()._fetch_and_import_order(record.amazon_order_ref)
        failed = self.filtered(lambda r: r.state == "failed")
        return self.account_id[:1]._notify(
            self.env._("Retry done"),
            self.env._(
                "%(done)s imported, %(failed)s still failing.",
                done=len(self) - len(failed),
                failed=len(failed),
            ),
            "warning" if failed else "success",
            sticky=bool(failed),
        )
