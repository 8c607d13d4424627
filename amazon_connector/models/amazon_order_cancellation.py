# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from collections import defaultdict
from dataclasses import dataclass

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..amazon.fulfillment import MERCHANT
from ..amazon.order_feeds import (
    ACKNOWLEDGEMENT_FEED_TYPE,
    CANCEL_REASONS,
    XML_CONTENT_TYPE,
    AcknowledgementMessage,
    CancelledItem,
    acknowledgement_feed,
)
from ..amazon.processing_report import UnclearReport, parse_processing_report

CANCELLATION_STATES = [
    ("to_send", "To Send"),
    ("sent", "Sent, Amazon Processing"),
    ("informed", "Amazon Informed"),
    ("refused", "Amazon Refused"),
    ("failed", "Not Sent"),
    ("unclear", "Answer Unclear"),
]


def _units(quantity):
    return round(quantity)


@dataclass
class CancelPlan:
    """What canceling an order (or some of its lines) means, checked."""

    order: models.BaseModel
    whole: bool
    lines: models.BaseModel  # the goods lines canceled
    items: tuple[CancelledItem, ...]  # what Amazon is told
    units: int
    what: str = ""  # the lines canceled, in the seller's words (items only)


class AmazonOrderCancellation(models.Model):
    """A cancellation by the seller of an unshipped merchant Amazon order (or of
    some of its items), and Amazon's answer.

    Odoo cancels the order (or the chosen items) at once, which cancels or reduces
    its deliveries and releases their reservations, and tells Amazon with a
    ``POST_ORDER_ACKNOWLEDGEMENT_DATA`` feed, of which the cancellations are the
    owners (one message each): Amazon's processing report lands on each.
    """

    _name = "amazon.order.cancellation"
    _inherit = "amazon.feed.owner"
    _description = "Amazon Seller Cancellation"
    _order = "id desc"

    order_id = fields.Many2one(
        "sale.order", required=True, readonly=True, index=True, ondelete="cascade"
    )
    amazon_order_ref = fields.Char(related="order_id.amazon_order_ref")
    account_id = fields.Many2one(
        "amazon.account", related="order_id.amazon_account_id", store=True
    )
    company_id = fields.Many2one(related="order_id.company_id", store=True)
    reason = fields.Selection(
        list(CANCEL_REASONS), string="Reason for Amazon", required=True, readonly=True
    )
    whole = fields.Boolean(
        string="Whole Order",
        readonly=True,
        help="The whole order was canceled, not only some of its items.",
    )
    units = fields.Integer(string="Units Canceled", readonly=True)
    item_ids = fields.One2many(
        "amazon.order.cancellation.item", "cancellation_id", readonly=True
    )
    feed_id = fields.Many2one("amazon.feed", readonly=True)
    message_id = fields.Integer(readonly=True, help="Its message number in the feed.")
    state = fields.Selection(
        CANCELLATION_STATES,
        default="to_send",
        required=True,
        readonly=True,
        index=True,
    )
    error = fields.Text(string="Amazon's Message", readonly=True)
    answered_at = fields.Datetime(string="Answered On", readonly=True)

    @api.depends("order_id", "whole", "units")
    def _compute_display_name(self):
        for cancellation in self:
            order = cancellation.order_id
            what = (
                _("whole order")
                if cancellation.whole
                else _("%s unit(s)", cancellation.units)
            )
            cancellation.display_name = (
                f"{order.amazon_order_ref or order.name or ''}: {what}"
            )

    # ------------------------------------------------------------------ cancel

    @api.model
    def _amazon_reason_labels(self):
        """{code: label} of Amazon's cancel reasons, in the user's language."""
        return dict(self._fields["reason"]._description_selection(self.env))

    @api.model
    def _amazon_cancel(self, orders, reason, lines=None):
        """Cancel ``orders`` (or ``lines`` of one of them) for ``reason``: checked
        first (``UserError``, nothing changed), then canceled in Odoo, then a
        feed per account tells Amazon. The new cancellations."""
        plans = [self._amazon_plan(order, lines) for order in orders]
        by_account = defaultdict(list)
        for plan in plans:
            by_account[plan.order.amazon_account_id].append(plan)
        documents = []
        for account, account_plans in by_account.items():
            messages = [
                AcknowledgementMessage(
                    message_id=message_id,
                    amazon_order_id=plan.order.amazon_order_ref,
                    merchant_order_id=None,
                    cancel_reason=reason,
                    items=plan.items,
                    whole_order=plan.whole,
                )
                for message_id, plan in enumerate(account_plans, start=1)
            ]
            try:
                content = acknowledgement_feed(account.sudo().seller_id, messages)
            except ValueError as error:
                raise UserError(
                    _("The cancellation cannot be sent to Amazon: %s", error)
                ) from error
            # The values now: the lines' quantities are those before canceling.
            values = [
                self._amazon_values(plan, reason, message.message_id)
                for plan, message in zip(account_plans, messages, strict=True)
            ]
            documents.append((account, account_plans, values, content))
        # Everything checked: cancel in Odoo, then tell Amazon.
        for plan in plans:
            self._amazon_cancel_in_odoo(plan)
        cancellations = self.browse()
        for account, account_plans, values, content in documents:
            sent = self.sudo().create(values)
            feed = self.env["amazon.feed"]._amazon_create(
                account,
                ACKNOWLEDGEMENT_FEED_TYPE,
                content,
                XML_CONTENT_TYPE,
                sent,
                {c.message_id: c.id for c in sent},
            )
            sent.write({"feed_id": feed.id, "state": "sent"})
            for cancellation, plan in zip(sent, account_plans, strict=True):
                cancellation.with_env(self.env)._amazon_tell_order(plan)
            feed._amazon_queue_submit()
            cancellations |= sent
        return cancellations.with_env(self.env)

    def _amazon_values(self, plan, reason, message_id):
        lines_of = defaultdict(lambda: self.env["sale.order.line"])
        for line in plan.lines:
            lines_of[line.amazon_order_item_id] |= line
        return {
            "order_id": plan.order.id,
            "reason": reason,
            "whole": plan.whole,
            "units": plan.units,
            "message_id": message_id,
            "item_ids": [
                fields.Command.create(
                    {
                        "order_item_id": item.order_item_id,
                        "sale_line_id": lines_of[item.order_item_id][:1].id,
                        "quantity": sum(
                            _units(q)
                            for q in lines_of[item.order_item_id].mapped(
                                "product_uom_qty"
                            )
                        ),
                    }
                )
                for item in plan.items
            ],
        }

    def _amazon_tell_order(self, plan):
        """The order's reason, last action and note of a cancellation just sent."""
        self.ensure_one()
        order = self.order_id
        order.write(
            {
                "amazon_cancel_reason": self.reason,
                "amazon_last_action": self._amazon_text(),
            }
        )
        what = _("the whole order") if plan.whole else plan.what
        order.message_post(
            body=_(
                "Canceled by the seller (%(reason)s): %(what)s. Amazon is told by "
                "feed.",
                reason=self._amazon_reason_labels()[self.reason],
                what=what,
            ),
            subtype_xmlid="mail.mt_note",
        )

    @api.model
    def _amazon_plan(self, order, lines):
        """What canceling ``order`` (or ``lines`` of it) means, checked: the Odoo
        lines and the Amazon items; ``UserError`` when it cannot be done."""
        order.ensure_one()
        self._amazon_check_order(order)
        goods = order._amazon_goods_lines()
        if lines is not None:
            self._amazon_check_lines(order, lines, goods)
            return self._amazon_items_plan(order, lines, goods)
        if order._amazon_done_deliveries():
            raise UserError(
                _(
                    "Part of Amazon order %(ref)s already shipped (%(deliveries)s): "
                    "cancel the items not shipped instead.",
                    ref=order.amazon_order_ref or order.name,
                    deliveries=", ".join(
                        order._amazon_done_deliveries().mapped("name")
                    ),
                )
            )
        item_ids = sorted(
            set(order.order_line.mapped("amazon_order_item_id")) - {False}
        )
        return CancelPlan(
            order=order,
            whole=True,
            lines=goods,
            items=tuple(CancelledItem(item_id) for item_id in item_ids),
            units=sum(_units(q) for q in goods.mapped("product_uom_qty")),
        )

    @api.model
    def _amazon_items_plan(self, order, lines, goods):
        """The plan of canceling ``lines`` (checked goods of ``order``): their
        whole items, or the whole order when they are all that is left."""
        ref = order.amazon_order_ref or order.name
        # Amazon cancels whole items (its acknowledgement gives an item no
        # quantity): a line chosen takes the other lines of its item along.
        item_ids = set(lines.mapped("amazon_order_item_id"))
        lines = goods.filtered(
            lambda line: line.amazon_order_item_id in item_ids and line.product_uom_qty
        )
        shipped = order._amazon_shipped_lines(lines)
        if shipped:
            raise UserError(
                _(
                    "%(lines)s of Amazon order %(ref)s already shipped: Amazon "
                    "cancels whole items only, so the other lines of the same item "
                    "cannot be canceled by the seller.",
                    lines=", ".join(shipped.mapped("name")),
                    ref=ref,
                )
            )
        units = 0
        for line in lines:
            quantity = line.product_uom_qty
            if _units(quantity) != quantity:
                raise UserError(
                    _(
                        "Amazon counts whole units: %(line)s orders %(qty)s.",
                        line=line.name,
                        qty=quantity,
                    )
                )
            units += _units(quantity)
        if not goods.filtered(lambda line: line.product_uom_qty) - lines and not (
            order._amazon_done_deliveries()
        ):
            return self._amazon_plan(order, None)  # every item: the whole order
        return CancelPlan(
            order=order,
            whole=False,
            lines=lines,
            what=", ".join(
                f"{_units(line.product_uom_qty)} x {line.product_id.display_name}"
                for line in lines
            ),
            items=tuple(CancelledItem(item_id) for item_id in sorted(item_ids)),
            units=units,
        )

    @api.model
    def _amazon_check_order(self, order):
        """``UserError`` unless the seller may cancel ``order`` with Amazon."""
        ref = order.amazon_order_ref or order.name
        if not order.amazon_account_id:
            raise UserError(_("%s is not an Amazon order.", order.name))
        if order.amazon_fulfilled_by != MERCHANT:
            raise UserError(
                _(
                    "Amazon order %s is fulfilled by Amazon: only Amazon can cancel "
                    "it (in Seller Central).",
                    ref,
                )
            )
        if order.state == "cancel":
            raise UserError(_("Amazon order %s is already canceled.", ref))
        if order.state != "sale":
            raise UserError(
                _(
                    "Amazon order %s is not confirmed yet (Pending): Amazon takes no "
                    "cancellation from the seller before the buyer has paid, and "
                    "cancels the order itself if the payment fails.",
                    ref,
                )
            )
        if order.locked:
            raise UserError(
                _("You cannot cancel a locked order. Please unlock it first.")
            )

    @api.model
    def _amazon_check_lines(self, order, lines, goods):
        """``UserError`` unless ``lines`` are goods of ``order`` still to ship."""
        ref = order.amazon_order_ref or order.name
        if not lines:
            raise UserError(_("Choose the items of %s to cancel.", ref))
        foreign = lines.filtered(lambda line: line.order_id != order)
        if foreign:
            raise UserError(
                _(
                    "%(lines)s: not lines of Amazon order %(ref)s.",
                    lines=", ".join(foreign.mapped("display_name")),
                    ref=ref,
                )
            )
        services = lines - goods
        if services:
            raise UserError(
                _(
                    "Only the goods of an Amazon order are canceled one by one "
                    "(their shipping, gift wrap and promotion lines follow "
                    "them): %s is not one.",
                    ", ".join(services.mapped("name")),
                )
            )
        empty = lines.filtered(lambda line: not line.product_uom_qty)
        if empty:
            raise UserError(
                _(
                    "%s: already canceled.",
                    ", ".join(empty.mapped("name")),
                )
            )
        shipped = order._amazon_shipped_lines(lines)
        if shipped:
            raise UserError(
                _(
                    "%(lines)s of Amazon order %(ref)s already shipped: Amazon "
                    "cancels nothing that left (the buyer returns it).",
                    lines=", ".join(shipped.mapped("name")),
                    ref=ref,
                )
            )

    @api.model
    def _amazon_cancel_in_odoo(self, plan):
        """Cancel the order (its open deliveries go with it), or reduce the chosen
        lines to nothing (Odoo reduces their delivery moves); an item canceled
        whole takes its shipping, gift wrap and promotion lines along."""
        order = plan.order
        if plan.whole:
            order._action_cancel()
            return
        lines = plan.lines
        lines.write({"product_uom_qty": 0})
        items = set(lines.mapped("amazon_order_item_id"))
        goods = order._amazon_goods_lines()
        emptied = {
            item_id
            for item_id in items
            if not any(
                line.product_uom_qty
                for line in goods
                if line.amazon_order_item_id == item_id
            )
        }
        followers = order.order_line.filtered(
            lambda line: (
                line.amazon_order_item_id in emptied
                and line not in goods
                and line.product_uom_qty
                and not line.qty_invoiced
            )
        )
        if followers:
            followers.write({"product_uom_qty": 0})

    # ------------------------------------------------------------------ texts

    def _amazon_text(self):
        """The order's last action for this cancellation, in the seller's words."""
        self.ensure_one()
        label = self._amazon_reason_labels().get(self.reason, self.reason)
        label = label[:1].lower() + label[1:]
        if self.whole:
            what = _("Canceled by the seller (%s)", label)
        else:
            what = _(
                "%(units)s unit(s) canceled by the seller (%(reason)s)",
                units=self.units,
                reason=label,
            )
        outcome = {
            "to_send": _("telling Amazon"),
            "sent": _("telling Amazon"),
            "informed": _("Amazon informed"),
            "refused": _("Amazon refused: %s", self.error),
            "failed": _("not sent to Amazon: %s", self.error),
            "unclear": _("Amazon's answer unclear, to check"),
        }[self.state]
        return f"{what}; {outcome}"[:250]

    # ------------------------------------------------------------------ feed owner

    def _amazon_feed_done(self, feed, report):
        """The acknowledgement feed's processing report: each message's result on
        its own cancellation. A report that does not say is shown for review."""
        mapping = {int(k): v for k, v in (feed.messages or {}).items()}
        cancellations = feed._amazon_records()
        try:
            results = parse_processing_report(report, mapping)
        except UnclearReport as error:
            return self._amazon_feed_unclear(feed, str(error))
        informed = refused = 0
        for cancellation in cancellations.sorted("message_id"):
            result = results[cancellation.message_id]
            if result.ok:
                cancellation._amazon_answer("informed")
                informed += 1
            else:
                cancellation._amazon_answer("refused", "; ".join(result.errors))
                refused += 1
        return _(
            "%(ok)s cancellation(s) taken by Amazon, %(refused)s refused.",
            ok=informed,
            refused=refused,
        )

    def _amazon_feed_unclear(self, feed, reason):
        """Amazon's report does not say which cancellation it took: each to check."""
        for cancellation in feed._amazon_records():
            cancellation._amazon_answer("unclear", reason)
        return _(
            "Amazon's report does not say what became of each cancellation: %s",
            reason,
        )

    def _amazon_feed_failed(self, feed, reason):
        """Amazon ended the feed FATAL (or refused it): nothing was canceled there."""
        for cancellation in feed._amazon_records():
            cancellation._amazon_answer("failed", reason)
        return reason

    def _amazon_answer(self, state, error=False):
        """Amazon's answer to this cancellation, if it still waits for one: the
        order's last action, and anything but a cancellation taken flags the
        order for review."""
        self.ensure_one()
        if self.state != "sent":
            return
        self.write(
            {
                "state": state,
                "error": error or False,
                "answered_at": fields.Datetime.now(),
            }
        )
        order = self.order_id
        ref = order.amazon_order_ref
        if state == "informed":
            order.amazon_last_action = self._amazon_text()
            order.message_post(
                body=_("Amazon took the cancellation of order %s.", ref),
                subtype_xmlid="mail.mt_note",
            )
            return
        summary, note = self._amazon_review_note(state, error)
        order._amazon_flag_for_review(summary, note, last_action=self._amazon_text())

    def _amazon_review_note(self, state, error):
        """(summary, note) of the to-do activity of a cancellation not taken."""
        ref = self.order_id.amazon_order_ref
        if state == "refused":
            return _("Amazon refused the cancellation"), _(
                "Amazon refused the cancellation of order %(ref)s: %(error)s. Odoo "
                "canceled it (or its items), Amazon still expects them shipped: "
                "ship them (set the quantities back), or cancel them in Seller "
                "Central.",
                ref=ref,
                error=error,
            )
        if state == "failed":
            return _("Cancellation not sent to Amazon"), _(
                "The cancellation of Amazon order %(ref)s did not reach Amazon "
                "(%(error)s). Odoo canceled it (or its items): cancel them in Seller "
                "Central too.",
                ref=ref,
                error=error,
            )
        return _("Amazon's answer to the cancellation is unclear"), _(
            "Amazon's report of feed %(feed)s does not say whether it canceled "
            "order %(ref)s (%(error)s): check the order in Seller Central.",
            feed=self.feed_id.amazon_feed_ref or self.feed_id.id,
            ref=ref,
            error=error,
        )
