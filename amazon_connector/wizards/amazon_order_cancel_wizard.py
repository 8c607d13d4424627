# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..amazon.order_feeds import CANCEL_REASONS


class AmazonOrderCancelWizard(models.TransientModel):
    """Cancel an unshipped merchant Amazon order, or some of its items, with the
    reason Amazon is given: what the order's Cancel button opens."""

    _name = "amazon.order.cancel.wizard"
    _description = "Cancel an Amazon Order"

    order_id = fields.Many2one(
        "sale.order", required=True, readonly=True, ondelete="cascade"
    )
    amazon_order_ref = fields.Char(related="order_id.amazon_order_ref")
    reason = fields.Selection(
        list(CANCEL_REASONS),
        string="Reason for Amazon",
        required=True,
        default="NoInventory",
        help="Amazon counts the seller's cancellations against the account, except "
        "those the buyer asked for (Buyer canceled).",
    )
    scope = fields.Selection(
        [("order", "Whole order"), ("items", "Chosen items")],
        string="Cancel",
        required=True,
        compute="_compute_scope",
        store=True,
        precompute=True,
        readonly=False,
    )
    part_shipped = fields.Boolean(compute="_compute_cancelable_line_ids")
    cancelable_line_ids = fields.Many2many(
        "sale.order.line", compute="_compute_cancelable_line_ids"
    )
    line_ids = fields.Many2many(
        "sale.order.line",
        string="Items",
        domain="[('id', 'in', cancelable_line_ids)]",
        help="The Amazon items to cancel, all their units: Amazon cancels whole "
        "items, so a line brings the other lines of its item along. Their shipping "
        "and gift wrap follow them.",
    )

    @api.depends("order_id")
    def _compute_cancelable_line_ids(self):
        for wizard in self:
            order = wizard.order_id
            wizard.part_shipped = bool(order._amazon_done_deliveries())
            goods = order._amazon_goods_lines()
            # An item with a unit shipped cannot be canceled: Amazon cancels
            # whole items only.
            shipped = order._amazon_shipped_lines(goods)
            shipped_items = set(shipped.mapped("amazon_order_item_id"))
            wizard.cancelable_line_ids = goods.filtered(
                lambda line, shipped_items=shipped_items: (
                    line.product_uom_qty
                    and line.amazon_order_item_id not in shipped_items
                )
            )

    @api.onchange("line_ids")
    def _onchange_line_ids_whole_items(self):
        """A line chosen brings the other lines of its Amazon item along."""
        chosen = self.line_ids._origin
        items = set(chosen.mapped("amazon_order_item_id"))
        whole = self.cancelable_line_ids._origin.filtered(
            lambda line: line.amazon_order_item_id in items
        )
        if set(whole.ids) != set(chosen.ids):
            self.line_ids = whole

    @api.depends("order_id")
    def _compute_scope(self):
        for wizard in self:
            wizard.scope = (
                "items" if wizard.order_id._amazon_done_deliveries() else "order"
            )

    def action_confirm(self):
        self.ensure_one()
        if self.scope == "items":
            if not self.line_ids:
                raise UserError(self.env._("Choose the items to cancel."))
            self.order_id.action_amazon_cancel(self.reason, line_ids=self.line_ids.ids)
        else:
            self.order_id.action_amazon_cancel(self.reason)
        return {"type": "ir.actions.act_window_close"}
