# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

import copy
from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..amazon.order_feeds import (
    ACKNOWLEDGEMENT_FEED_TYPE,
    CANCEL_REASONS,
    XML_CONTENT_TYPE,
    AcknowledgementMessage,
    CancelledItem,
    acknowledgement_feed,
)
from ..amazon.processing_report import UnclearReport, parse_processing_report
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
        [("merchant", "Merchant"), ("amazon", "Amazon")],
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
    amazon_cancellations = fields.Json(
        readonly=True,
        copy=False,
        help="The seller's cancellations sent to Amazon: feed, message, reason, "
        "units and Amazon's answer.",
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
            for package in other.amazon_packages or []:
                if counted or package.get("confirmed"):
                    for item_id, quantity in package["items"].items():
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
        confirmed = sum(
            sum(package["items"].values())
            for picking in self.picking_ids
            for package in picking.amazon_packages or []
            if package.get("confirmed")
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
    # ``POST_ORDER_ACKNOWLEDGEMENT_DATA`` feed; Amazon's processing report lands on
    # each order (``amazon_cancellations`` keeps each cancellation and its outcome).

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
            and self.amazon_fulfilled_by == "merchant"
            and self.state != "cancel"
        )

    def action_amazon_cancel(self, reason, line_ids=None):
        """Cancel these unshipped merchant Amazon orders for Amazon's ``reason``
        (a code of ``CANCEL_REASONS``), or with ``line_ids`` only those goods
        lines of one order: at once in Odoo (the deliveries are canceled or
        reduced, their reservations released), and Amazon is told by an order
        acknowledgement feed. Bad input raises ``UserError`` and changes nothing.
        """
        labels = self._amazon_cancel_reason_labels()
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
        plans = [order._amazon_cancel_plan(lines) for order in self]
        by_account = defaultdict(list)
        for plan in plans:
            by_account[plan["order"].amazon_account_id].append(plan)
        documents = []
        for account, account_plans in by_account.items():
            for message_id, plan in enumerate(account_plans, start=1):
                plan["message"] = AcknowledgementMessage(
                    message_id=message_id,
                    amazon_order_id=plan["order"].amazon_order_ref,
                    merchant_order_id=None,
                    cancel_reason=reason,
                    items=plan["items"],
                    whole_order=plan["whole"],
                )
            try:
                content = acknowledgement_feed(
                    account.sudo().seller_id, [p["message"] for p in account_plans]
                )
            except ValueError as error:
                raise UserError(
                    _("The cancellation cannot be sent to Amazon: %s", error)
                ) from error
            documents.append((account, account_plans, content))
        # Everything checked: cancel in Odoo, then tell Amazon.
        for plan in plans:
            plan["order"]._amazon_cancel_in_odoo(plan)
        for account, account_plans, content in documents:
            orders = self.browse([p["order"].id for p in account_plans])
            feed = self.env["amazon.feed"]._amazon_create(
                account,
                ACKNOWLEDGEMENT_FEED_TYPE,
                content,
                XML_CONTENT_TYPE,
                orders,
                {p["message"].message_id: p["order"].id for p in account_plans},
            )
            for plan in account_plans:
                plan["order"]._amazon_record_cancellation(feed, plan, reason)
            feed._amazon_queue_submit()
        return True

    @staticmethod
    def _amazon_units(quantity):
        return round(quantity)

    @api.model
    def _amazon_shipped_lines(self, lines):
        """Those of ``lines`` of which a unit has left (Amazon cancels none)."""
        return lines.filtered(
            lambda line: (
                line.qty_delivered
                or line.move_ids.filtered(lambda m: m.state == "done")
            )
        )

    def _amazon_cancel_plan(self, lines):
        """What canceling this order (or ``lines`` of it) means, checked: the
        Odoo lines and the Amazon items; ``UserError`` when it cannot be done."""
        self.ensure_one()
        ref = self.amazon_order_ref or self.name
        if not self.amazon_account_id:
            raise UserError(_("%s is not an Amazon order.", self.name))
        if self.amazon_fulfilled_by != "merchant":
            raise UserError(
                _(
                    "Amazon order %s is fulfilled by Amazon: only Amazon can cancel "
                    "it (in Seller Central).",
                    ref,
                )
            )
        if self.state == "cancel":
            raise UserError(_("Amazon order %s is already canceled.", ref))
        if self.state != "sale":
            raise UserError(
                _(
                    "Amazon order %s is not confirmed yet (Pending): Amazon takes no "
                    "cancellation from the seller before the buyer has paid, and "
                    "cancels the order itself if the payment fails.",
                    ref,
                )
            )
        if self.locked:
            raise UserError(
                _("You cannot cancel a locked order. Please unlock it first.")
            )
        goods = self._amazon_goods_lines()
        if lines is not None:
            if not lines:
                raise UserError(_("Choose the items of %s to cancel.", ref))
            foreign = lines.filtered(lambda line: line.order_id != self)
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
            shipped = self._amazon_shipped_lines(lines)
            if shipped:
                raise UserError(
                    _(
                        "%(lines)s of Amazon order %(ref)s already shipped: Amazon "
                        "cancels nothing that left (the buyer returns it).",
                        lines=", ".join(shipped.mapped("name")),
                        ref=ref,
                    )
                )
        if lines is None and self._amazon_done_deliveries():
            raise UserError(
                _(
                    "Part of Amazon order %(ref)s already shipped (%(deliveries)s): "
                    "cancel the items not shipped instead.",
                    ref=ref,
                    deliveries=", ".join(self._amazon_done_deliveries().mapped("name")),
                )
            )
        if lines is None:
            item_ids = sorted(
                set(self.order_line.mapped("amazon_order_item_id")) - {False}
            )
            return {
                "order": self,
                "whole": True,
                "lines": goods,
                "items": tuple(CancelledItem(item_id) for item_id in item_ids),
                "units": sum(
                    self._amazon_units(q) for q in goods.mapped("product_uom_qty")
                ),
            }
        # Amazon cancels whole items (its acknowledgement gives an item no
        # quantity): a line chosen takes the other lines of its item along.
        item_ids = set(lines.mapped("amazon_order_item_id"))
        lines = goods.filtered(
            lambda line: line.amazon_order_item_id in item_ids and line.product_uom_qty
        )
        shipped = self._amazon_shipped_lines(lines)
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
            if self._amazon_units(quantity) != quantity:
                raise UserError(
                    _(
                        "Amazon counts whole units: %(line)s orders %(qty)s.",
                        line=line.name,
                        qty=quantity,
                    )
                )
            units += self._amazon_units(quantity)
        if not goods.filtered(lambda line: line.product_uom_qty) - lines and not (
            self._amazon_done_deliveries()
        ):
            return self._amazon_cancel_plan(None)  # every item: the whole order
        return {
            "order": self,
            "whole": False,
            "lines": lines,
            "what": ", ".join(
                f"{self._amazon_units(line.product_uom_qty)} x "
                f"{line.product_id.display_name}"
                for line in lines
            ),
            "items": tuple(CancelledItem(item_id) for item_id in sorted(item_ids)),
            "units": units,
        }

    def _amazon_cancel_in_odoo(self, plan):
        """Cancel the order (its open deliveries go with it), or reduce the chosen
        lines to nothing (Odoo reduces their delivery moves); an item canceled
        whole takes its shipping, gift wrap and promotion lines along."""
        self.ensure_one()
        if plan["whole"]:
            self._action_cancel()
            return
        lines = plan["lines"]
        lines.write({"product_uom_qty": 0})
        items = set(lines.mapped("amazon_order_item_id"))
        goods = self._amazon_goods_lines()
        emptied = {
            item_id
            for item_id in items
            if not any(
                line.product_uom_qty
                for line in goods
                if line.amazon_order_item_id == item_id
            )
        }
        followers = self.order_line.filtered(
            lambda line: (
                line.amazon_order_item_id in emptied
                and line not in goods
                and line.product_uom_qty
                and not line.qty_invoiced
            )
        )
        if followers:
            followers.write({"product_uom_qty": 0})

    def _amazon_record_cancellation(self, feed, plan, reason):
        self.ensure_one()
        entry = {
            "feed": feed.id,
            "message": plan["message"].message_id,
            "reason": reason,
            "whole": plan["whole"],
            "units": plan["units"],
            "items": [item.order_item_id for item in plan["items"]],
            "state": "sent",
            "error": False,
        }
        self.write(
            {
                "amazon_cancel_reason": reason,
                "amazon_cancellations": [*(self.amazon_cancellations or []), entry],
                "amazon_last_action": self._amazon_cancel_text(entry),
            }
        )
        what = _("the whole order") if plan["whole"] else plan["what"]
        self.message_post(
            body=_(
                "Canceled by the seller (%(reason)s): %(what)s. Amazon is told by "
                "feed.",
                reason=self._amazon_cancel_reason_labels()[reason],
                what=what,
            ),
            subtype_xmlid="mail.mt_note",
        )

    # ------------------------------------------------------------------ texts

    def _amazon_cancel_reason_labels(self):
        """{code: label} of Amazon's cancel reasons, in the user's language."""
        return dict(
            self._fields["amazon_cancel_reason"]._description_selection(self.env)
        )

    def _amazon_cancel_text(self, entry):
        """The last action of a cancellation ``entry`` in the seller's words."""
        label = self._amazon_cancel_reason_labels().get(
            entry["reason"], entry["reason"]
        )
        label = label[:1].lower() + label[1:]
        if entry["whole"]:
            what = _("Canceled by the seller (%s)", label)
        else:
            what = _(
                "%(units)s unit(s) canceled by the seller (%(reason)s)",
                units=entry["units"],
                reason=label,
            )
        outcome = {
            "sent": _("telling Amazon"),
            "informed": _("Amazon informed"),
            "refused": _("Amazon refused: %s", entry["error"]),
            "failed": _("not sent to Amazon: %s", entry["error"]),
            "unclear": _("Amazon's answer unclear, to check"),
        }[entry["state"]]
        return f"{what}; {outcome}"[:250]

    # ------------------------------------------------------------------ feed

    def _amazon_feed_done(self, feed, report):
        """The acknowledgement feed's processing report: each message's result on
        its own order. A report that does not say is shown for review."""
        mapping = {int(k): v for k, v in (feed.messages or {}).items()}
        orders = feed._amazon_records()
        try:
            results = parse_processing_report(report, mapping)
        except UnclearReport as error:
            for order in orders:
                order._amazon_cancel_outcome(feed, None, "unclear", str(error))
            return _(
                "Amazon's report does not say what became of each cancellation: %s",
                error,
            )
        informed = refused = 0
        for order in orders:
            for message_id in sorted(
                m for m, oid in mapping.items() if oid == order.id
            ):
                result = results[message_id]
                if result.ok:
                    order._amazon_cancel_outcome(feed, message_id, "informed")
                    informed += 1
                else:
                    order._amazon_cancel_outcome(
                        feed, message_id, "refused", "; ".join(result.errors)
                    )
                    refused += 1
        return _(
            "%(ok)s cancellation(s) taken by Amazon, %(refused)s refused.",
            ok=informed,
            refused=refused,
        )

    def _amazon_feed_failed(self, feed, reason):
        """Amazon ended the feed FATAL (or refused it): nothing was canceled there."""
        for order in feed._amazon_records():
            order._amazon_cancel_outcome(feed, None, "failed", reason)
        return reason

    def _amazon_cancel_outcome(self, feed, message_id, state, error=False):
        """Amazon's answer to the cancellation(s) of ``feed`` (``message_id``
        None: all of them) on this order: its last action, and anything but a
        cancellation taken flags the order for review."""
        self.ensure_one()
        entries = copy.deepcopy(self.amazon_cancellations or [])
        answered = [
            entry
            for entry in entries
            if entry["feed"] == feed.id
            and (message_id is None or entry["message"] == message_id)
            and entry["state"] == "sent"
        ]
        if not answered:
            return
        for entry in answered:
            entry.update(state=state, error=error or False)
        self.amazon_cancellations = entries
        last_action = self._amazon_cancel_text(answered[-1])
        ref = self.amazon_order_ref
        if state == "informed":
            self.amazon_last_action = last_action
            self.message_post(
                body=_("Amazon took the cancellation of order %s.", ref),
                subtype_xmlid="mail.mt_note",
            )
            return
        if state == "refused":
            summary = _("Amazon refused the cancellation")
            note = _(
                "Amazon refused the cancellation of order %(ref)s: %(error)s. Odoo "
                "canceled it (or its items), Amazon still expects them shipped: "
                "ship them (set the quantities back), or cancel them in Seller "
                "Central.",
                ref=ref,
                error=error,
            )
        elif state == "failed":
            summary = _("Cancellation not sent to Amazon")
            note = _(
                "The cancellation of Amazon order %(ref)s did not reach Amazon "
                "(%(error)s). Odoo canceled it (or its items): cancel them in Seller "
                "Central too.",
                ref=ref,
                error=error,
            )
        else:
            summary = _("Amazon's answer to the cancellation is unclear")
            note = _(
                "Amazon's report of feed %(feed)s does not say whether it canceled "
                "order %(ref)s (%(error)s): check the order in Seller Central.",
                feed=feed.amazon_feed_ref or feed.id,
                ref=ref,
                error=error,
            )
        self._amazon_flag_for_review(summary, note, last_action=last_action)
