# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..amazon.fulfillment import AMAZON, MERCHANT
from ..amazon.order_feeds import CANCEL_REASONS
from ..const import ORDER_STATUS_SELECTION as AMAZON_STATUS_SELECTION


class SaleOrder(models.Model):
    _inherit = "sale.order"

    amazon_account_id = fields.Many2one(
        "amazon.account",
        string="Amazon Store",
        index="btree_not_null",
        readonly=True,
        copy=False,
    )
    amazon_marketplace_id = fields.Many2one(
        "amazon.marketplace", string="Marketplace", readonly=True, copy=False
    )
    amazon_order_ref = fields.Char(
        string="Amazon Order",
        index="btree_not_null",
        readonly=True,
        copy=False,
        help="Amazon's order number, also the Customer Reference.",
    )
    amazon_status = fields.Selection(AMAZON_STATUS_SELECTION, readonly=True, copy=False)
    amazon_status_raw = fields.Char(
        string="Amazon Status (raw)",
        readonly=True,
        copy=False,
        help="The status as Amazon sent it, kept when it is one the connector does "
        "not know yet.",
    )
    amazon_fulfilled_by = fields.Selection(
        [(MERCHANT, "Merchant"), (AMAZON, "Amazon")],
        string="Fulfilled By",
        readonly=True,
        copy=False,
    )
    amazon_is_prime = fields.Boolean(string="Prime", readonly=True, copy=False)
    amazon_tax_reporting_scheme = fields.Char(
        string="Tax Reporting Scheme",
        readonly=True,
        copy=False,
        help="The EU VAT one-stop shop Amazon reports the items under: UOSS (goods "
        "held in the EU) or IOSS (imported goods).",
    )
    amazon_is_business = fields.Boolean(
        string="Business Order", readonly=True, copy=False
    )
    amazon_buyer_po_number = fields.Char(
        string="Buyer's PO Number",
        readonly=True,
        copy=False,
        help="The purchase order number an Amazon Business buyer gave the order: "
        "printed on the invoice.",
    )
    amazon_purchase_date = fields.Datetime(
        string="Purchase Date", readonly=True, copy=False
    )
    amazon_latest_ship_date = fields.Datetime(
        string="Latest Ship Date", readonly=True, copy=False
    )
    amazon_last_update = fields.Datetime(readonly=True, copy=False)
    amazon_items_shipped = fields.Integer(
        string="Items Shipped", readonly=True, copy=False
    )
    amazon_items_unshipped = fields.Integer(
        string="Items Unshipped", readonly=True, copy=False
    )
    amazon_reserved = fields.Boolean(
        string="Reserved",
        readonly=True,
        copy=False,
        help="A Pending Amazon order: its quantities are held back from the stock "
        "sent to Amazon until Amazon confirms or cancels it.",
    )
    amazon_needs_review = fields.Boolean(
        string="Needs Review", readonly=True, copy=False
    )
    amazon_last_action = fields.Char(string="Last Action", readonly=True, copy=False)

    amazon_package_sequence = fields.Integer(
        readonly=True,
        copy=False,
        help="The last package reference given to Amazon for this order.",
    )
    amazon_cancel_reason = fields.Selection(
        list(CANCEL_REASONS),
        string="Seller Cancel Reason",
        readonly=True,
        copy=False,
        help="The reason Amazon was given when the seller last canceled the order "
        "or some of its items.",
    )
    amazon_cancellation_ids = fields.One2many(
        "amazon.order.cancellation",
        "order_id",
        string="Seller Cancellations",
        readonly=True,
        copy=False,
    )
    amazon_cancellation_count = fields.Integer(
        compute="_compute_amazon_cancellation_count"
    )
    amazon_return_ids = fields.One2many(
        "amazon.return",
        "order_id",
        string="Amazon Returns",
        readonly=True,
        copy=False,
    )

    _sql_constraints = [
        (
            "amazon_order_uniq",
            "unique(amazon_account_id, amazon_order_ref)",
            "This Amazon order is already imported for this account.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        reserved = orders.filtered("amazon_reserved")
        if reserved:
            self.env["amazon.offer"]._amazon_stock_changed(
                reserved.order_line.product_id
            )
        return orders

    def write(self, vals):
        # A Pending quotation reserving or releasing its items changes what
        # Amazon may sell of them.
        changed = self.browse()
        if "amazon_reserved" in vals:
            changed = self.filtered(
                lambda o: o.amazon_reserved != bool(vals["amazon_reserved"])
            )
        elif "state" in vals:  # a reserved quotation canceled, confirmed...
            changed = self.filtered("amazon_reserved")
        result = super().write(vals)
        if changed:
            self.env["amazon.offer"]._amazon_stock_changed(
                changed.order_line.product_id
            )
        return result

    def _amazon_done_deliveries(self):
        return self.picking_ids.filtered(
            lambda p: p.state == "done" and p.picking_type_code == "outgoing"
        )

    def _amazon_open_deliveries(self):
        return self.picking_ids.filtered(
            lambda p: (
                p.state not in ("done", "cancel") and p.picking_type_code == "outgoing"
            )
        )

    def _amazon_flag_for_review(self, summary, note, last_action=None):
        """Flag the order for the seller's review: Needs Review, the last action,
        and a to-do activity for the salesperson saying what to check."""
        for order in self:
            order.write(
                {
                    "amazon_needs_review": True,
                    "amazon_last_action": (last_action or summary)[:250],
                }
            )
            order.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=summary,
                note=note,
                user_id=order._amazon_review_user().id,
            )

    def _amazon_review_user(self):
        """Who reviews the order: its salesperson, else its team's leader, else an
        Amazon administrator; never OdooBot, as whom the import jobs run."""
        self.ensure_one()
        user = self.user_id or self.team_id.user_id
        if user and not user._is_superuser():
            return user
        admins = self.env.ref("amazon_connector.group_amazon_manager").sudo().users
        people = admins.filtered(
            lambda u: u.active and not u._is_superuser() and u._is_internal()
        )
        return people[:1] or self.env.user

    def _message_subscribe(self, partner_ids=None, subtype_ids=None, customer_ids=None):
        # Confirming an order makes its customer a follower; Amazon talks to its
        # buyers, Odoo must not e-mail them (their address is Amazon's relay).
        # Removing the follower afterwards would unlink a record, which empties the
        # whole ORM cache during an import.
        if partner_ids:
            partner_ids = (
                self.env["res.partner"].browse(partner_ids)._amazon_non_buyers()
            )
        return super()._message_subscribe(
            partner_ids=partner_ids, subtype_ids=subtype_ids, customer_ids=customer_ids
        )

    # ==================================================================
    # Shipments and invoices
    # ==================================================================
    # What an Amazon order knows of its shipments: the units Amazon ordered and
    # was told of, its package references, and its invoices.

    def _amazon_goods_lines(self):
        return self.order_line.filtered(
            lambda line: line.amazon_order_item_id and line.product_id.type == "consu"
        )

    def _amazon_item_quantities(self, picking):
        """({orderItemId: units Amazon ordered}, {orderItemId: units already told
        to Amazon by the other deliveries, less what came back})."""
        self.ensure_one()
        ordered = defaultdict(int)
        for line in self._amazon_goods_lines():
            ordered[line.amazon_order_item_id] += round(line.product_uom_qty)
        already = defaultdict(int)
        for other in self.picking_ids - picking:
            counted = other.amazon_sync_state in ("to_confirm", "confirmed")
            for package in other.sudo().amazon_package_ids._amazon_told():
                if counted or package.state == "confirmed":
                    for item_id, quantity in package._amazon_units().items():
                        already[item_id] += quantity
        for item_id, quantity in self._amazon_returned_units().items():
            already[item_id] -= quantity
        return dict(ordered), dict(already)

    def _amazon_returned_units(self):
        """{orderItemId: units} that came back from the buyer (done returns)."""
        returned = defaultdict(int)
        returns = self.picking_ids.filtered(
            lambda p: (
                p.state == "done"
                and p.picking_type_code == "incoming"
                and p.location_id.usage == "customer"
            )
        )
        for move in returns.move_ids.filtered(lambda m: m.state == "done"):
            line = move.sale_line_id
            if line.amazon_order_item_id:
                returned[line.amazon_order_item_id] += round(
                    move.product_uom._compute_quantity(move.quantity, line.product_uom)
                )
        return returned

    def _amazon_units_confirmed(self):
        """(units confirmed to Amazon, less returns; units Amazon ordered)."""
        self.ensure_one()
        packages = self.picking_ids.sudo().amazon_package_ids
        confirmed = sum(
            packages.filtered(lambda p: p.state == "confirmed").item_ids.mapped(
                "quantity"
            )
        )
        returned = sum(self._amazon_returned_units().values())
        ordered = sum(
            round(line.product_uom_qty) for line in self._amazon_goods_lines()
        )
        return max(0, confirmed - returned), ordered

    def _amazon_next_package_references(self, count):
        """``count`` new package references of the order: positive, never given
        before for it (the row is locked while they are handed out)."""
        self.ensure_one()
        if not count:
            return []
        self.flush_recordset(["amazon_package_sequence"])
        self.env.cr.execute(
            "SELECT amazon_package_sequence FROM sale_order WHERE id = %s FOR UPDATE",
            [self.id],
        )
        last = self.env.cr.fetchone()[0] or 0
        self.amazon_package_sequence = last + count
        return list(range(last + 1, last + count + 1))

    # ------------------------------------------------------------------ invoices

    def _amazon_invoice_shipped(self):
        """Invoice what shipped, for the orders whose account invoices when shipped:
        a posted invoice, never e-mailed (Amazon bills its buyers). Called when a
        delivery is validated (and when an FBA order is imported delivered): an
        invoice that cannot be made flags the order and never blocks the delivery."""
        # The connector's work: warehouse staff validating the delivery need no
        # right on Amazon accounts or invoices.
        for order in self.sudo().filtered(
            lambda o: (
                o.state == "sale" and o.amazon_account_id.invoice_policy == "shipped"
            )
        ):
            order = order.with_company(order.company_id)
            if not order._get_invoiceable_lines():
                continue
            try:
                with self.env.cr.savepoint():
                    invoices = order._create_invoices()
                    invoices.action_post()
            except (UserError, ValidationError) as error:
                order._amazon_flag_for_review(
                    _("Amazon order not invoiced"),
                    _(
                        "The invoice of what shipped of Amazon order %(ref)s could "
                        "not be made: %(error)s",
                        ref=order.amazon_order_ref,
                        error=error,
                    ),
                )
                continue
            order.amazon_last_action = _(
                "Invoiced: %s", ", ".join(invoices.mapped("name"))
            )
            order.message_post(
                body=order.amazon_last_action, subtype_xmlid="mail.mt_note"
            )

    def _prepare_invoice(self):
        values = super()._prepare_invoice()
        if self.amazon_order_ref:
            values["ref"] = self.amazon_order_ref
            values["invoice_origin"] = f"{self.name} {self.amazon_order_ref}"
            values["amazon_account_id"] = self.amazon_account_id.id
            terms = self.amazon_account_id.payment_term_id
            if terms:
                values["invoice_payment_term_id"] = terms.id
        return values

    # ==================================================================
    # Seller cancellations
    # ==================================================================
    # Cancellations by the seller of unshipped merchant Amazon orders.
    # Odoo cancels the order (or the chosen items) at once, which cancels or reduces
    # its deliveries and releases their reservations, and tells Amazon with a
    # ``POST_ORDER_ACKNOWLEDGEMENT_DATA`` feed. Each cancellation is an
    # ``amazon.order.cancellation`` (models/amazon_order_cancellation.py), which
    # plans it, owns its feed and receives Amazon's answer; the order keeps the
    # entry points.

    # ------------------------------------------------------------------ user path

    def action_cancel(self):
        # An unshipped merchant Amazon order is canceled with Amazon's reason, and
        # Amazon is told: the Cancel button opens the wizard asking it. The
        # import's own cancellations call _action_cancel() directly.
        amazon = self.filtered(lambda o: o._amazon_seller_cancellable())
        if not amazon:
            return super().action_cancel()
        if self.env.context.get("amazon_cancel_confirmed"):
            # Never Odoo's cancellation e-mail: Amazon talks to its buyers.
            return super(
                SaleOrder, self.with_context(disable_cancel_warning=True)
            ).action_cancel()
        if len(self) > 1:
            raise UserError(
                _(
                    "Cancel Amazon orders one at a time: Amazon asks the reason of "
                    "each (%s).",
                    ", ".join(amazon.mapped("amazon_order_ref")),
                )
            )
        return {
            "type": "ir.actions.act_window",
            "name": _("Cancel Amazon Order %s", self.amazon_order_ref),
            "res_model": "amazon.order.cancel.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_id": self.id},
        }

    def _amazon_seller_cancellable(self):
        """A merchant Amazon order not canceled yet: Amazon must hear of its
        cancellation."""
        self.ensure_one()
        return bool(
            self.amazon_account_id
            and self.amazon_fulfilled_by == MERCHANT
            and self.state != "cancel"
        )

    def action_amazon_cancel(self, reason, line_ids=None):
        """Cancel these unshipped merchant Amazon orders for Amazon's ``reason``
        (a code of ``CANCEL_REASONS``), or with ``line_ids`` only those goods
        lines of one order: at once in Odoo (the deliveries are canceled or
        reduced, their reservations released), and Amazon is told by an order
        acknowledgement feed. Bad input raises ``UserError`` and changes nothing.
        """
        Cancellation = self.env["amazon.order.cancellation"]
        labels = Cancellation._amazon_reason_labels()
        if reason not in labels:
            raise UserError(
                _(
                    "%(reason)r is not a cancel reason Amazon knows; use one of: "
                    "%(known)s.",
                    reason=reason,
                    known=", ".join(labels),
                )
            )
        if not self:
            raise UserError(_("Choose the Amazon order to cancel."))
        self.check_access("write")
        lines = None
        if line_ids is not None:
            lines = (
                line_ids
                if isinstance(line_ids, models.BaseModel)
                else self.env["sale.order.line"].browse(line_ids)
            )
            if len(self) > 1:
                raise UserError(_("Choose the items of one Amazon order at a time."))
        Cancellation._amazon_cancel(self, reason, lines)
        return True

    @api.model
    def _amazon_shipped_lines(self, lines):
        """Those of ``lines`` of which a unit has left (Amazon cancels none)."""
        return lines.filtered(
            lambda line: (
                line.qty_delivered
                or line.move_ids.filtered(lambda m: m.state == "done")
            )
        )

    @api.depends("amazon_cancellation_ids")
    def _compute_amazon_cancellation_count(self):
        for order in self:
            order.amazon_cancellation_count = len(order.amazon_cancellation_ids)

    def action_amazon_view_cancellations(self):
        """The seller's cancellations of the order (its smart button)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "amazon_connector.action_amazon_order_cancellation"
        )
        action["domain"] = [("order_id", "=", self.id)]
        action["context"] = {"create": False}
        return action
