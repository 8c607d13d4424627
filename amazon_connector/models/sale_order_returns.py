# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from odoo import _, api, fields, models


class SaleOrder(models.Model):
    # One model in several files, each named for the part it holds.
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "sale.order"

    amazon_return_count = fields.Integer(compute="_compute_amazon_return_count")
    amazon_credit_note_ids = fields.Many2many(
        "account.move",
        string="Amazon Refunds",
        compute="_compute_amazon_credit_note_ids",
        help="The credit notes of the order's invoices: its refunds.",
    )

    @api.depends("invoice_ids.reversal_move_ids.state")
    def _compute_amazon_credit_note_ids(self):
        for order in self:
            order.amazon_credit_note_ids = order._amazon_refund_credit_notes()

    def _amazon_refund_credit_notes(self):
        """The posted credit notes of the order's invoices (those of a goodwill
        alone name no order line: they are the invoices' reversals)."""
        self.ensure_one()
        invoices = self.invoice_ids
        return (invoices | invoices.reversal_move_ids).filtered(
            lambda m: m.move_type == "out_refund" and m.state == "posted"
        )

    def _amazon_link_credit_note(self, credit_note):
        """Link ``credit_note`` to the order's Amazon returns of its products that
        have none yet, oldest first, up to the units it credits of each."""
        self.ensure_one()
        credited = {}
        for line in credit_note.invoice_line_ids.filtered("product_id"):
            credited[line.product_id] = credited.get(line.product_id, 0) + round(
                line.quantity
            )
        returns = (
            self.sudo()
            .amazon_return_ids.filtered(
                lambda r: (
                    not r.credit_note_id
                    and r.line_ids.product_id & credit_note.invoice_line_ids.product_id
                )
            )
            .sorted(lambda r: (r.request_date or r.create_date.date(), r.id))
        )
        linked = returns.browse()
        for ret in returns:
            units = [
                (line.product_id, round(line.quantity))
                for line in ret.line_ids
                if credited.get(line.product_id, 0) > 0
            ]
            if not units:
                continue
            for product, quantity in units:
                credited[product] -= quantity
            linked |= ret
        linked.write({"credit_note_id": credit_note.id})

    def _amazon_return_story(self):
        """What came back and what was refunded, in a seller's words: e.g.
        "Refunded 1 of 3 items (24.90 EUR, item defective); return received
        2026-12-03". Empty when nothing came back and nothing was refunded."""
        self.ensure_one()
        parts = []
        credit_notes = self._amazon_refund_credit_notes()
        returns = self.amazon_return_ids
        reason = (returns.filtered("reason")[:1].reason or "").lower()
        if credit_notes:
            goods = self._amazon_goods_lines()
            ordered = sum(round(line.product_uom_qty) for line in goods)
            # The credit notes name no order line (the order's quantities do
            # not move with a refund): their lines of the goods' products count.
            refunded = sum(
                round(line.quantity)
                for line in credit_notes.invoice_line_ids
                if line.product_id and line.product_id in goods.product_id
            )
            amount = sum(credit_notes.mapped("amount_total"))
            money = (
                f"{amount:.{self.currency_id.decimal_places}f} {self.currency_id.name}"
            )
            details = f"{money}, {reason}" if reason else money
            if refunded:
                parts.append(
                    _(
                        "Refunded %(refunded)s of %(ordered)s items (%(details)s)",
                        refunded=refunded,
                        ordered=ordered,
                        details=details,
                    )
                )
            else:
                # Shipping, a goodwill, a price adjustment: no item came back.
                parts.append(_("Refunded %(details)s, no items", details=details))
        received = returns.filtered(
            lambda r: r.delivered_date and r.state in ("received", "refunded")
        )
        if received:
            day = max(received.mapped("delivered_date"))
            parts.append(_("return received %s", day.isoformat()))
        elif returns.filtered(lambda r: r.state == "to_receive"):
            parts.append(_("return to receive"))
        return "; ".join(parts)

    def _amazon_tell_return_story(self):
        """Write each order's return story as its last action (when it has one)."""
        for order in self:
            story = order._amazon_return_story()
            if story:
                order.amazon_last_action = story[:250]

    @api.depends("amazon_return_ids")
    def _compute_amazon_return_count(self):
        for order in self:
            order.amazon_return_count = len(order.amazon_return_ids)

    def action_amazon_view_returns(self):
        """The order's Amazon returns (its smart button)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "amazon_connector.action_amazon_return"
        )
        action["domain"] = [("order_id", "=", self.id)]
        action["context"] = {"create": False}
        if len(self.amazon_return_ids) == 1:
            action.update(view_mode="form", res_id=self.amazon_return_ids.id)
            action["views"] = [(False, "form")]
        return action
