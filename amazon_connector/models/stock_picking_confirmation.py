# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from datetime import timezone

from odoo import _, fields, models

from odoo.addons.queue_job.job import identity_exact

from ..amazon.errors import AmazonPermanentError, AmazonRetryableError
from ..amazon.shipment import ShipmentError, confirm_shipment_body
from .amazon_job import amazon_job, retry_later
from .stock_picking_packages import IncompleteKits

CONFIRM_JOB_MAX_WAIT = 5.0
CONFIRM_JOB_ATTEMPTS = 3


class StockPicking(models.Model):
    """The shipment confirmation of a delivery: per package, by confirmShipment
    when it has a tracking number, else (and for backlogs) by fulfillment feed
    (``stock_picking_fulfillment_feed.py``); the outcomes on the delivery."""

    # One model in several files, each named for the part it holds.
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "stock.picking"

    def _amazon_ship_date(self):
        return (self.date_done or fields.Datetime.now()).replace(tzinfo=timezone.utc)

    def _amazon_by_feed(self, packages):
        """Untracked shipments (confirmShipment needs a number) and backlogs larger
        than the account's threshold go by fulfillment feed."""
        if any(not p.tracking_number for p in packages):
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

    @amazon_job
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
        try:
            with self.amazon_account_id._amazon_job_session(
                max_wait=CONFIRM_JOB_MAX_WAIT, max_attempts=CONFIRM_JOB_ATTEMPTS
            ) as adapter:
                return self._amazon_confirm_packages(adapter)
        except ShipmentError as error:
            return self._amazon_confirmation_failed(str(error), refused=False)
        except AmazonPermanentError as error:
            return self._amazon_confirmation_failed(str(error))

    def _amazon_confirm_packages(self, adapter):
        """The confirmation job's work, in its session: the packages prepared,
        then sent by confirmShipment or left to the fulfillment feed."""
        account = self.amazon_account_id
        try:
            packages = self._amazon_prepare_packages()
            carrier = self._amazon_carrier()
        except IncompleteKits:
            return self._amazon_nothing_to_confirm()
        if self._amazon_by_feed(packages):
            self.write({"amazon_sync_route": "feed", "amazon_feed_id": False})
            self._amazon_queue_fulfillment_feed(account)
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
            for package in packages.filtered(lambda p: p.state != "confirmed"):
                body = confirm_shipment_body(
                    order.amazon_marketplace_id.marketplace_id,
                    package._amazon_package(),
                    carrier,
                    self._amazon_ship_date(),
                )
                adapter.confirm_shipment(
                    order.amazon_order_ref,
                    marketplace_id=body["marketplaceId"],
                    package_detail=body["packageDetail"],
                )
                package._amazon_sent_with(carrier, state="confirmed", error=False)
                sent += 1
        except AmazonRetryableError as error:
            if not sent:
                raise  # the job frame's retry after Amazon's wait
            # The one partial outcome the frame cannot express: keep what Amazon
            # has (a retry rolls back, and would send it again); the rest of the
            # packages go in a later job.
            self.with_delay(
                eta=retry_later(error).seconds, identity_key=identity_exact
            )._amazon_confirm_shipment()
            return _(
                "%(sent)s package(s) confirmed; the rest after Amazon's wait.",
                sent=sent,
            )
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
                }
            )
            picking.amazon_package_ids._amazon_told().write(
                {"state": "confirmed", "error": False}
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
            if refused:
                picking.amazon_package_ids.filtered(
                    lambda p: p.state in ("to_send", "sent")
                ).write({"state": "refused", "error": message})
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
