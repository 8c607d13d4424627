# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

import logging
import math
from collections import defaultdict
from datetime import timedelta, timezone

from odoo import _, api, fields, models

from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.job import identity_exact

from ..amazon.errors import AmazonAuthError, AmazonPermanentError, AmazonRetryableError
from ..amazon.order_feeds import FulfillmentMessage
from ..amazon.processing_report import UnclearReport, parse_processing_report
from ..amazon.shipment import (
    Carrier,
    Package,
    ShipmentError,
    ShippedItem,
    assign_tracking_numbers,
    check_quantities,
    confirm_shipment_body,
)

#: No value (NULL) means "nothing to tell Amazon": the column added to Odoo's
#: stock_picking stays nullable, so pickings created by Odoo's own code, by other
#: addons or while the registry does not know this field yet (at-install tests of
#: the modules below this one, ``-u stock``) never fail on it.
AMAZON_SYNC_STATES = [
    ("to_confirm", "To Confirm"),
    ("confirmed", "Confirmed to Amazon"),
    ("error", "Amazon Error"),
]

_logger = logging.getLogger(__name__)

CONFIRM_JOB_MAX_WAIT = 5.0
CONFIRM_JOB_ATTEMPTS = 3
# An unclear feed report marks nothing; the deliveries go in a later feed, this many
# times at most before they are shown in error.
MAX_UNCLEAR_REPORTS = 5
UNCLEAR_RETRY_DELAY = 900


class _IncompleteKits(Exception):
    """The delivery holds only parts of kits: nothing to tell Amazon yet."""


class StockPicking(models.Model):
    """Deliveries of Amazon orders: what Amazon has been told of them.

    Validating the delivery that leaves the company for the buyer of a
    merchant-fulfilled Amazon order queues its shipment confirmation (one job per
    delivery); ``stock_picking_shipment.py`` holds the confirmation itself.
    """

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
    amazon_packages = fields.Json(
        readonly=True,
        copy=False,
        help="The packages as told to Amazon: reference, items and quantities, "
        "tracking number, confirmed or not. The references stay the same across "
        "retries, so Amazon edits a package instead of adding one.",
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
                and p.sale_id.sudo().amazon_fulfilled_by == "merchant"
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
        """Mark the deliveries to confirm and queue one confirmation job each.
        Under ``queue_job__no_delay`` they are confirmed at once."""
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

    # ==================================================================
    # Shipment confirmation: packages, the job, its outcomes, the feed
    # ==================================================================
    # The shipment confirmation of a delivery: per package, by confirmShipment
    # when it has a tracking number, else (and for backlogs) by fulfillment feed.

    @api.depends("amazon_packages")
    def _compute_amazon_packages_text(self):
        for picking in self:
            skus = {
                line.amazon_order_item_id: line.product_id.default_code
                or line.product_id.name
                for line in picking.sale_id._amazon_goods_lines()
            }
            lines = []
            for package in picking.amazon_packages or []:
                items = ", ".join(
                    picking.env._(
                        "%(qty)s x %(product)s (item %(item)s)",
                        qty=qty,
                        product=skus.get(item, "?"),
                        item=item,
                    )
                    for item, qty in package["items"].items()
                )
                lines.append(
                    _(
                        "Package %(ref)s (%(name)s): %(items)s; tracking %(tracking)s; "
                        "%(state)s",
                        ref=package["ref"],
                        name=package["name"],
                        items=items,
                        tracking=package["tracking"] or _("none"),
                        state=_("confirmed")
                        if package.get("confirmed")
                        else _("not confirmed yet"),
                    )
                )
            picking.amazon_packages_text = "\n".join(lines)

    # ------------------------------------------------------------------ packages

    def _amazon_package_groups(self):
        """[(key, name, {orderItemId: units})] of the delivery, in package order:
        its done move lines grouped by destination package (no package: one).
        A kit (phantom bill of materials) is one Amazon item: its complete kits
        count, in the first package holding one of its components."""
        self.ensure_one()
        groups = {}
        kit_lines = self.env["sale.order.line"]
        lines = self.move_ids.filtered(lambda m: m.state == "done").move_line_ids
        for line in lines.sorted(lambda ml: (ml.result_package_id.name or "", ml.id)):
            sale_line = line.move_id.sale_line_id
            item_id = sale_line.amazon_order_item_id
            if not item_id or not line.quantity:
                continue
            package = line.result_package_id
            key = f"package:{package.id}" if package else "delivery"
            _key, _name, items = groups.setdefault(
                key, (key, package.name or self.name, defaultdict(float))
            )
            if line.move_id._amazon_is_kit_component():
                if sale_line not in kit_lines:
                    kit_lines |= sale_line
                    items[item_id] += 0  # the package holds (part of) the kit
                continue
            items[item_id] += line.product_uom_id._compute_quantity(
                line.quantity, sale_line.product_uom
            )
        for sale_line in kit_lines:
            kits = self._amazon_kits_completed(sale_line)
            for _key, _name, items in groups.values():
                if sale_line.amazon_order_item_id in items:
                    items[sale_line.amazon_order_item_id] += kits
                    break
        result = []
        for key, name, items in groups.values():
            units = {}
            for item_id, quantity in items.items():
                if not math.isclose(quantity, round(quantity), abs_tol=1e-6):
                    raise ShipmentError(
                        _(
                            "Amazon counts whole units: the delivery ships %(qty)s of "
                            "Amazon item %(item)s.",
                            qty=quantity,
                            item=item_id,
                        )
                    )
                if round(quantity):
                    units[item_id] = round(quantity)
            if units:
                result.append((key, name, units))
        return result

    def _amazon_kits_completed(self, sale_line):
        """How many kits of ``sale_line`` this delivery completes: the kits whose
        every component has left in this or earlier deliveries, less the kits the
        earlier deliveries told Amazon of."""
        order = sale_line.order_id
        deliveries = order.picking_ids.filtered(
            lambda p: (
                p.state == "done"
                and p._amazon_is_buyer_delivery()
                and (p == self or p.date_done <= self.date_done)
            )
        )
        moves = deliveries.move_ids.filtered(
            lambda m: m.state == "done" and m.sale_line_id == sale_line
        )
        per_kit = moves._amazon_kit_needs(sale_line)
        if not per_kit:
            return 0
        shipped = defaultdict(float)
        for move in moves:
            shipped[move.product_id] += move.product_uom._compute_quantity(
                move.quantity, move.product_id.uom_id
            )
        complete = min(
            math.floor(shipped[product] / need + 1e-9)
            for product, need in per_kit.items()
        )
        told = sum(
            package["items"].get(sale_line.amazon_order_item_id, 0)
            for picking in deliveries - self
            for package in picking.amazon_packages or []
        )
        return max(0, min(complete, round(sale_line.product_uom_qty)) - told)

    def _amazon_carrier(self):
        self.ensure_one()
        carrier = self.carrier_id
        if not carrier:
            raise ShipmentError(
                _(
                    "The delivery has no carrier: set the carrier that took the "
                    "parcel (Amazon must know who delivers it), then Retry."
                )
            )
        return Carrier.of(
            carrier.amazon_carrier_code or None,
            carrier.name,
            carrier.amazon_shipping_method or carrier.name,
        )

    def _amazon_prepare_packages(self):
        """Compute the delivery's packages (stable references, tracking numbers,
        what is already confirmed) and store them; raise ``ShipmentError`` when
        the delivery cannot be confirmed as it is (nothing is sent then)."""
        self.ensure_one()
        order = self.sale_id
        groups = self._amazon_package_groups()
        if not groups and any(m._amazon_is_kit_component() for m in self.move_ids):
            raise _IncompleteKits()
        if not groups:
            raise ShipmentError(
                _(
                    "The delivery ships no item of Amazon order %s.",
                    order.amazon_order_ref,
                )
            )
        numbers = assign_tracking_numbers(len(groups), self.carrier_tracking_ref)
        shipping = defaultdict(int)
        for _key, _name, units in groups:
            for item_id, quantity in units.items():
                shipping[item_id] += quantity
        check_quantities(dict(shipping), *order._amazon_item_quantities(self))
        known = {p["key"]: p for p in self.amazon_packages or []}
        new_keys = [key for key, _n, _u in groups if key not in known]
        references = iter(order._amazon_next_package_references(len(new_keys)))
        packages = []
        for (key, name, units), tracking in zip(groups, numbers, strict=True):
            previous = known.get(key)
            reference = previous["ref"] if previous else next(references)
            confirmed = bool(
                previous
                and previous.get("confirmed")
                and previous.get("items") == units
                and previous.get("tracking") == tracking
            )
            packages.append(
                {
                    "key": key,
                    "name": name,
                    "ref": reference,
                    "items": units,
                    "tracking": tracking,
                    "confirmed": confirmed,
                }
            )
        self.amazon_packages = packages
        return packages

    @staticmethod
    def _amazon_package(package):
        return Package(
            reference=package["ref"],
            items=tuple(
                ShippedItem(item_id, quantity)
                for item_id, quantity in package["items"].items()
            ),
            tracking_number=package["tracking"],
        )

    def _amazon_ship_date(self):
        return (self.date_done or fields.Datetime.now()).replace(tzinfo=timezone.utc)

    def _amazon_by_feed(self, packages):
        """Untracked shipments (confirmShipment needs a number) and backlogs larger
        than the account's threshold go by fulfillment feed."""
        if any(not p["tracking"] for p in packages):
            return True
        account = self.amazon_account_id
        backlog = self.search_count(
            [
                ("amazon_account_id", "=", account.id),
                ("amazon_sync_state", "=", "to_confirm"),
            ]
        )
        return backlog > account.fulfillment_feed_threshold

    # ------------------------------------------------------------------ job

    def _amazon_confirm_shipment(self):
        """Job: confirm the delivery to Amazon, one confirmShipment per package
        (or queue it for the account's next fulfillment feed). Idempotent: a
        confirmed delivery is left alone, a confirmed package is not sent again.

        Its outcome (confirmed, refused, not sendable) is the account's last
        shipments run; a delivery left to the feed, or to a later job after
        Amazon's wait, records nothing yet, and a job that raises to be retried
        records nothing (queue_job shows it)."""
        self = self.sudo()
        if not self.exists() or self.amazon_sync_state != "to_confirm":
            return _("Nothing to do: the delivery is not waiting for Amazon.")
        account = self.amazon_account_id
        blocked = account._amazon_job_blocker()
        if blocked:
            return blocked
        try:
            packages = self._amazon_prepare_packages()
            carrier = self._amazon_carrier()
        except _IncompleteKits:
            return self._amazon_nothing_to_confirm()
        except ShipmentError as error:
            return self._amazon_confirmation_failed(str(error), refused=False)
        if self._amazon_by_feed(packages):
            self.write({"amazon_sync_route": "feed", "amazon_feed_id": False})
            account._amazon_queue_fulfillment_feed()
            return _("Queued for the next fulfillment feed of %s.", account.name)
        self.write(
            {
                "amazon_sync_route": "api",
                "amazon_sync_attempts": self.amazon_sync_attempts + 1,
                "amazon_sync_date": fields.Datetime.now(),
            }
        )
        order = self.sale_id
        sent = 0
        try:
            with account._amazon_session(
                max_wait=CONFIRM_JOB_MAX_WAIT, max_attempts=CONFIRM_JOB_ATTEMPTS
            ) as adapter:
                for package in packages:
                    if package["confirmed"]:
                        continue
                    body = confirm_shipment_body(
                        order.amazon_marketplace_id.marketplace_id,
                        self._amazon_package(package),
                        carrier,
                        self._amazon_ship_date(),
                    )
                    adapter.confirm_shipment(
                        order.amazon_order_ref,
                        marketplace_id=body["marketplaceId"],
                        package_detail=body["packageDetail"],
                    )
                    package["confirmed"] = True
                    sent += 1
                    self.amazon_packages = packages
        except AmazonRetryableError as error:
            seconds = max(1, int(error.retry_after + 0.999))
            if not sent:
                raise RetryableJobError(str(error), seconds=seconds) from error
            # Keep what Amazon has (a rollback would send it again): the rest of
            # the packages go in a later job.
            self.with_delay(
                eta=seconds, identity_key=identity_exact
            )._amazon_confirm_shipment()
            return _(
                "%(sent)s package(s) confirmed; the rest after Amazon's wait.",
                sent=sent,
            )
        except ShipmentError as error:
            return self._amazon_confirmation_failed(str(error), refused=False)
        except AmazonPermanentError as error:
            if isinstance(error, AmazonAuthError):
                account._amazon_mark_error(error)
            return self._amazon_confirmation_failed(str(error))
        result = self._amazon_sync_confirmed()
        account._amazon_record_run(
            "shipments", _("Delivery %s confirmed to Amazon", self.name)
        )
        return result

    def _amazon_confirmation_failed(self, message, *, refused=True):
        """The confirmation job of this delivery stops on ``message``: the
        delivery in error, the account's last shipments run failed."""
        self.ensure_one()
        result = self._amazon_sync_failed(message, refused=refused)
        self.amazon_account_id._amazon_record_run(
            "shipments",
            _(
                "Amazon refused delivery %(delivery)s: %(error)s",
                delivery=self.name,
                error=message,
            )
            if refused
            else _(
                "Delivery %(delivery)s not confirmed to Amazon: %(error)s",
                delivery=self.name,
                error=message,
            ),
            failed=True,
        )
        return result

    # ------------------------------------------------------------------ outcomes

    def _amazon_nothing_to_confirm(self):
        """Only parts of kits left: Amazon hears of a kit when all of it left."""
        message = _(
            "Nothing told to Amazon: the kits in this delivery are not complete; the "
            "delivery that completes them confirms them."
        )
        self.write({"amazon_sync_state": False, "amazon_sync_error": False})
        self.message_post(body=message, subtype_xmlid="mail.mt_note")
        return message

    def _amazon_sync_confirmed(self):
        for picking in self:
            picking.write(
                {
                    "amazon_sync_state": "confirmed",
                    "amazon_sync_error": False,
                    "amazon_confirmed_date": fields.Datetime.now(),
                    "amazon_packages": [
                        {**p, "confirmed": True} for p in picking.amazon_packages or []
                    ],
                }
            )
            summary = picking._amazon_packages_summary()
            picking.message_post(
                body=_("Confirmed to Amazon: %s", picking.amazon_packages_text),
                subtype_xmlid="mail.mt_note",
            )
            order = picking.sale_id
            shipped, ordered = order._amazon_units_confirmed()
            order.amazon_last_action = _(
                "Shipped: %(shipped)s of %(ordered)s items confirmed to Amazon "
                "(%(packages)s)",
                shipped=shipped,
                ordered=ordered,
                packages=summary,
            )[:250]
        if len(self) == 1:
            return _("Confirmed to Amazon: %s", self._amazon_packages_summary())
        return _("%s deliveries confirmed to Amazon.", len(self))

    def _amazon_packages_summary(self):
        carrier = self.carrier_id.name or _("no carrier")
        numbers = [p["tracking"] for p in self.amazon_packages or [] if p["tracking"]]
        if not numbers:
            return _("%s, untracked", carrier)
        first = numbers[0] if len(numbers[0]) <= 10 else f"{numbers[0][:8]}…"
        more = _(" and %s more", len(numbers) - 1) if len(numbers) > 1 else ""
        return f"{carrier} {first}{more}"

    def _amazon_sync_failed(self, message, *, refused=True):
        """The confirmation stops: the error on each delivery, an activity for its
        responsible, the order's last action. ``refused``: Amazon said no (else
        the delivery cannot be sent as it is)."""
        for picking in self:
            picking.write(
                {
                    "amazon_sync_state": "error",
                    "amazon_sync_error": message,
                    "amazon_feed_id": False,
                    "amazon_sync_date": fields.Datetime.now(),
                }
            )
            order = picking.sale_id
            if refused:
                summary = _("Amazon refused the shipment confirmation")
                last_action = _("Confirmation refused by Amazon: %s", message)
            else:
                summary = _("Shipment not confirmed to Amazon")
                last_action = _("Shipment not confirmed to Amazon: %s", message)
            note = _(
                "%(delivery)s of Amazon order %(order)s: %(message)s",
                delivery=picking.name,
                order=order.amazon_order_ref,
                message=message,
            )
            if refused and "cancel" in message.lower():
                note += " " + _(
                    "Amazon canceled the order: the goods left, handle their return."
                )
            picking.activity_schedule(
                "mail.mail_activity_data_warning",
                summary=summary,
                note=note,
                user_id=(
                    picking.user_id
                    if picking.user_id and not picking.user_id._is_superuser()
                    else order._amazon_review_user()
                ).id,
            )
            order.amazon_last_action = last_action[:250]
        return message

    # ------------------------------------------------------------------ feed

    def _amazon_fulfillment_messages(self, first_id):
        """(messages, {message id: delivery id}) of these deliveries' packages not
        yet confirmed, numbered from ``first_id``; deliveries that cannot be sent
        as they are end in error and are left out."""
        messages, mapping = [], {}
        message_id = first_id
        for picking in self:
            try:
                packages = picking._amazon_prepare_packages()
                carrier = picking._amazon_carrier()
            except _IncompleteKits:
                picking._amazon_nothing_to_confirm()
                continue
            except ShipmentError as error:
                picking._amazon_sync_failed(str(error), refused=False)
                continue
            for package in packages:
                if package["confirmed"]:
                    continue
                shipped = self._amazon_package(package)
                messages.append(
                    FulfillmentMessage(
                        message_id=message_id,
                        amazon_order_id=picking.sale_id.amazon_order_ref,
                        merchant_fulfillment_id=str(package["ref"]),
                        fulfillment_date=picking._amazon_ship_date(),
                        carrier=carrier,
                        tracking_number=package["tracking"],
                        items=shipped.items,
                    )
                )
                mapping[message_id] = picking.id
                message_id += 1
        return messages, mapping

    def _amazon_feed_done(self, feed, report):
        """The fulfillment feed's processing report: each message's result on its
        own delivery. A report that does not say marks nothing."""
        mapping = {int(k): v for k, v in (feed.messages or {}).items()}
        pickings = feed._amazon_records().filtered(lambda p: p.amazon_feed_id == feed)
        try:
            results = parse_processing_report(report, mapping)
        except UnclearReport as error:
            return pickings._amazon_feed_unclear(feed, str(error))
        messages_of = defaultdict(list)
        for message_id, picking_id in mapping.items():
            messages_of[picking_id].append(message_id)
        confirmed = self.browse()
        for picking in pickings:
            errors = [e for mid in messages_of[picking.id] for e in results[mid].errors]
            if errors:
                picking._amazon_sync_failed("; ".join(errors))
            else:
                confirmed |= picking
        confirmed._amazon_sync_confirmed()
        refused = pickings - confirmed
        feed.account_id._amazon_record_run(
            "shipments",
            _(
                "Fulfillment feed: %(ok)s delivery(ies) confirmed, %(failed)s refused",
                ok=len(confirmed),
                failed=len(refused),
            ),
            failed=bool(refused),
        )
        return _(
            "%(ok)s delivery(ies) confirmed, %(failed)s refused.",
            ok=len(confirmed),
            failed=len(refused),
        )

    def _amazon_feed_unclear(self, feed, reason):
        message = _(
            "Amazon's report of feed %(feed)s does not say what became of each "
            "delivery (%(reason)s): nothing is marked confirmed; sent again later.",
            feed=feed.amazon_feed_ref,
            reason=reason,
        )
        # Each feed sent counts as an attempt (see _amazon_send_fulfillment_feed).
        again = self.filtered(lambda p: p.amazon_sync_attempts < MAX_UNCLEAR_REPORTS)
        self.write({"amazon_sync_error": message, "amazon_feed_id": False})
        (self - again)._amazon_sync_failed(message)
        if again and not self.env.context.get("queue_job__no_delay"):
            feed.account_id._amazon_queue_fulfillment_feed(delay=UNCLEAR_RETRY_DELAY)
        feed.account_id._amazon_record_run("shipments", message, failed=True)
        return message

    def _amazon_feed_failed(self, feed, reason):
        """Amazon ended the feed FATAL (or refused it): its deliveries in error."""
        pickings = feed._amazon_records().filtered(lambda p: p.amazon_feed_id == feed)
        message = _(
            "Fulfillment feed %(feed)s failed: %(reason)s",
            feed=feed.amazon_feed_ref or feed.id,
            reason=reason,
        )
        pickings._amazon_sync_failed(message)
        feed.account_id._amazon_record_run("shipments", message, failed=True)
        return reason
