# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from odoo import fields, models


class StockPicking(models.Model):
    """A return transfer of an Amazon return: Amazon's RMA and reason on it,
    and the return told it came back (or will not) when it is done (or
    canceled)."""

    # One model in several files, each named for the part it holds.
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "stock.picking"

    amazon_return_id = fields.Many2one(
        "amazon.return",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
    )
    amazon_return_rma = fields.Char(
        related="amazon_return_id.amazon_rma_ref", string="Amazon RMA"
    )
    amazon_return_reason = fields.Char(
        related="amazon_return_id.reason", string="Amazon Return Reason"
    )

    def _action_done(self):
        result = super()._action_done()
        returned = self.filtered(lambda p: p.amazon_return_id and p.state == "done")
        if returned:
            returned._amazon_return_received()
        return result

    def action_cancel(self):
        result = super().action_cancel()
        self.filtered(
            "amazon_return_id"
        ).sudo().amazon_return_id.order_id._amazon_tell_return_story()
        return result

    def _amazon_return_received(self):
        """The returns of these done transfers came back: the day they did
        (when Amazon gave none), and their orders' story told again."""
        returns = self.sudo().amazon_return_id
        for ret in returns.filtered(lambda r: not r.delivered_date):
            done = self.filtered(lambda p, r=ret: p.amazon_return_id == r)
            ret.delivered_date = max(done.mapped("date_done")).date()
        returns.order_id._amazon_tell_return_story()
