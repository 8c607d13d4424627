# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from datetime import timedelta

from odoo import _, api, fields, models

from odoo.addons.queue_job.job import identity_exact

from ..amazon.fulfillment import MERCHANT

#: No value (NULL) means "nothing to tell Amazon": the column added to Odoo's
#: stock_picking stays nullable, so pickings created by Odoo's own code, by other
#: addons or while the registry does not know this field yet (at-install tests of
#: the modules below this one, ``-u stock``) never fail on it.
AMAZON_SYNC_STATES = [
    ("to_confirm", "To Confirm"),
    ("confirmed", "Confirmed to Amazon"),
    ("error", "Amazon Error"),
]


class StockPicking(models.Model):
    """Deliveries of Amazon orders: what Amazon has been told of them.

    Validating the delivery that leaves the company for the buyer of a
    merchant-fulfilled Amazon order queues its shipment confirmation (one job per
    delivery). The other files of the model hold one part each:
    ``stock_picking_packages.py`` the packages told to Amazon,
    ``stock_picking_confirmation.py`` the confirmation job and its outcomes,
    ``stock_picking_fulfillment_feed.py`` the fulfillment feed (the delivery as
    the owner of ``amazon.feed``).
    """

    # One model in several files, each named for the part it holds.
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "stock.picking"

    amazon_account_id = fields.Many2one(
        related="sale_id.amazon_account_id", store=True, index="btree_not_null"
    )
    amazon_order_ref = fields.Char(
        related="sale_id.amazon_order_ref", string="Amazon Order"
    )
    amazon_sync_state = fields.Selection(
        AMAZON_SYNC_STATES,
        string="Amazon Sync",
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    amazon_sync_error = fields.Text(string="Amazon Error", readonly=True, copy=False)
    amazon_sync_attempts = fields.Integer(
        string="Confirmation Attempts", readonly=True, copy=False
    )
    amazon_sync_date = fields.Datetime(
        string="Last Confirmation Attempt", readonly=True, copy=False
    )
    amazon_confirmed_date = fields.Datetime(
        string="Confirmed to Amazon On", readonly=True, copy=False
    )
    amazon_sync_route = fields.Selection(
        [("api", "Shipment confirmation"), ("feed", "Fulfillment feed")],
        string="Sent By",
        readonly=True,
        copy=False,
        help="Deliveries without a tracking number, and backlogs larger than the "
        "account's threshold, go to Amazon in one fulfillment feed.",
    )
    amazon_feed_id = fields.Many2one("amazon.feed", readonly=True, copy=False)
    amazon_package_ids = fields.One2many(
        "amazon.shipment.package",
        "picking_id",
        string="Amazon Packages",
        readonly=True,
        copy=False,
    )
    amazon_packages_text = fields.Text(
        string="Packages Told to Amazon", compute="_compute_amazon_packages_text"
    )

    # ------------------------------------------------------------------ trigger

    def _amazon_is_buyer_delivery(self):
        """The delivery that leaves the company for an Amazon buyer (the last step
        of a 2- or 3-step delivery). Read from the delivery's own stored account:
        whoever validates it may not read its sales order (Odoo's sale_stock tests
        an inventory administrator validating another salesperson's delivery)."""
        self.ensure_one()
        return bool(
            self.amazon_account_id
            and self.picking_type_code == "outgoing"
            and self.location_dest_id.usage == "customer"
        )

    def _amazon_to_confirm(self):
        """Which of these deliveries Amazon must be told of: the merchant-fulfilled
        ones (Amazon ships its FBA orders itself). The order is read as the
        connector: whoever validates may not read it."""
        return self.filtered(
            lambda p: (
                p._amazon_is_buyer_delivery()
                and p.sale_id.sudo().amazon_fulfilled_by == MERCHANT
            )
        )

    def _action_done(self):
        amazon = self.filtered(lambda p: p._amazon_is_buyer_delivery())
        pickings = self.with_context(skip_sms=True) if amazon else self
        result = super(StockPicking, pickings)._action_done()
        done = amazon.filtered(lambda p: p.state == "done")
        done._amazon_to_confirm()._amazon_queue_confirmation()
        done.sale_id._amazon_invoice_shipped()
        return result

    def _pre_action_done_hook(self):
        # stock_sms asks before texting the customer; an Amazon buyer never is.
        if any(p._amazon_is_buyer_delivery() for p in self):
            self = self.with_context(skip_sms=True)
        return super()._pre_action_done_hook()

    def _amazon_queue_confirmation(self):
        """Mark the deliveries to confirm and queue one confirmation job each
        (queue_job's no-delay mode runs them at once)."""
        for picking in self:
            picking.write(
                {
                    "amazon_sync_state": "to_confirm",
                    "amazon_sync_error": False,
                    "amazon_feed_id": False,
                }
            )
            picking.with_delay(
                identity_key=identity_exact,
                description=_(
                    "Confirm %(delivery)s to Amazon (%(order)s)",
                    delivery=picking.name,
                    order=picking.amazon_order_ref,
                ),
            )._amazon_confirm_shipment()

    def action_amazon_retry(self):
        """Send the confirmation of these deliveries again (after an error)."""
        retry = self.filtered(
            lambda p: (
                p.amazon_sync_state in ("to_confirm", "error") and p.state == "done"
            )
        )._amazon_to_confirm()
        retry.sudo()._amazon_queue_confirmation()
        return True

    @api.model
    def _cron_amazon_confirm_waiting(self):
        """Scheduled action: queue again the confirmation of deliveries still To
        Confirm an hour after their validation or last attempt, with no feed in
        flight (their job ran out of retries, or vanished). A job still queued is
        not doubled (its identity key). Only when the connector is switched on."""
        if not self.env["amazon.account"]._amazon_connector_enabled():
            return
        an_hour_ago = fields.Datetime.now() - timedelta(hours=1)
        waiting = self.sudo().search(
            [
                ("amazon_sync_state", "=", "to_confirm"),
                ("amazon_feed_id", "=", False),
                ("amazon_account_id.active", "=", True),
                ("date_done", "<", an_hour_ago),
                "|",
                ("amazon_sync_date", "=", False),
                ("amazon_sync_date", "<", an_hour_ago),
            ]
        )
        waiting._amazon_queue_confirmation()

    # ------------------------------------------------------------------ e-mail

    def _send_confirmation_email(self):
        # Amazon tells its buyers their parcel left; Odoo never does (their address
        # is Amazon's relay). The carrier's part (labels, tracking) still runs.
        return super(
            StockPicking, self.with_context(amazon_no_buyer_email=True)
        )._send_confirmation_email()

    def message_post_with_source(self, source_ref, **kwargs):
        if self.env.context.get("amazon_no_buyer_email"):
            templates = self.company_id.stock_mail_confirmation_template_id
            template = self.env["mail.template"].browse(
                source_ref.id if hasattr(source_ref, "id") else []
            )
            if template and template in templates:
                self = self.filtered(lambda p: not p._amazon_is_buyer_delivery())
                if not self:
                    return self.env["mail.message"]
        return super().message_post_with_source(source_ref, **kwargs)

    def _message_subscribe(self, partner_ids=None, subtype_ids=None, customer_ids=None):
        # A delivery makes its customer a follower; Amazon sends the shipping e-mails
        # to its buyers, Odoo must not (their address is Amazon's relay).
        if partner_ids:
            partner_ids = (
                self.env["res.partner"].browse(partner_ids)._amazon_non_buyers()
            )
        return super()._message_subscribe(
            partner_ids=partner_ids, subtype_ids=subtype_ids, customer_ids=customer_ids
        )

    # ------------------------------------------------------------------ packages

    @api.depends("amazon_package_ids.items_text", "amazon_package_ids.state")
    def _compute_amazon_packages_text(self):
        for picking in self:
            lines = []
            for package in picking.sudo().amazon_package_ids._amazon_told():
                lines.append(
                    _(
                        "Package %(ref)s (%(name)s): %(items)s; tracking %(tracking)s; "
                        "%(state)s",
                        ref=package.reference,
                        name=package.name,
                        items=package.items_text,
                        tracking=package.tracking_number or _("none"),
                        state=_("confirmed")
                        if package.state == "confirmed"
                        else _("not confirmed yet"),
                    )
                )
            picking.amazon_packages_text = "\n".join(lines)
