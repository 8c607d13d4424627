# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from collections import defaultdict

from odoo import _, fields, models

from odoo.addons.queue_job.job import identity_exact

from ..amazon.order_feeds import (
    FULFILLMENT_FEED_TYPE,
    XML_CONTENT_TYPE,
    FulfillmentMessage,
    fulfillment_feed,
)
from ..amazon.processing_report import UnclearReport, parse_processing_report
from ..amazon.shipment import ShipmentError
from .amazon_job import amazon_job
from .stock_picking_packages import IncompleteKits

# How long the first deliveries of a fulfillment feed wait for the others.
FEED_GATHER_DELAY = 60
# Amazon accepts big feeds; smaller ones keep a report readable and a retry cheap.
FEED_MAX_MESSAGES = 10000
# An unclear feed report marks nothing; the deliveries go in a later feed, this many
# times at most before they are shown in error.
MAX_UNCLEAR_REPORTS = 5
UNCLEAR_RETRY_DELAY = 900


class StockPicking(models.Model):
    """The fulfillment feed (POST_ORDER_FULFILLMENT_DATA) of an account's
    deliveries: untracked ones and backlogs. The delivery is the feed's owner
    (``amazon.feed.owner``: its contract is stated there)."""

    _name = "stock.picking"
    _inherit = ["stock.picking", "amazon.feed.owner"]

    def _amazon_queue_fulfillment_feed(self, account, delay=FEED_GATHER_DELAY):
        """Queue the next fulfillment feed of ``account`` (one job at a time: the
        deliveries queued meanwhile go in the same feed); return the job."""
        account.ensure_one()
        return (
            self.browse()
            .with_delay(
                eta=delay,
                identity_key=identity_exact,
                description=_("Send the fulfillment feed of %s", account.name),
            )
            ._amazon_send_fulfillment_feed(account)
        )

    @amazon_job
    def _amazon_send_fulfillment_feed(self, account):
        """Job: one POST_ORDER_FULFILLMENT_DATA feed with every delivery of
        ``account`` waiting for one. Idempotent: a delivery already in a feed is
        not put in another. The feed itself goes to Amazon in its own job."""
        account = account.sudo()
        with account._amazon_job_session():  # the account may call Amazon now
            pickings = self.sudo().search(
                [
                    ("amazon_account_id", "=", account.id),
                    ("amazon_sync_state", "=", "to_confirm"),
                    ("amazon_sync_route", "=", "feed"),
                    ("amazon_feed_id", "=", False),
                ],
                order="date_done, id",
                limit=FEED_MAX_MESSAGES,
            )
            messages, mapping = pickings._amazon_fulfillment_messages(first_id=1)
        pickings._amazon_record_unsendable(account)
        if not messages:
            return _("Nothing to send.")
        sent = self.browse(sorted(set(mapping.values())))
        feed = self.env["amazon.feed"]._amazon_create(
            account,
            FULFILLMENT_FEED_TYPE,
            fulfillment_feed(account.seller_id, messages),
            XML_CONTENT_TYPE,
            sent,
            mapping,
        )
        for picking in sent:
            picking.write(
                {
                    "amazon_feed_id": feed.id,
                    "amazon_sync_attempts": picking.amazon_sync_attempts + 1,
                    "amazon_sync_date": fields.Datetime.now(),
                }
            )
            picking.amazon_package_ids.filtered(lambda p: p.state == "to_send").write(
                {"state": "sent", "feed_id": feed.id}
            )
        feed._amazon_queue_submit()
        return _("Fulfillment feed of %(count)s delivery(ies) queued.", count=len(sent))

    def _amazon_record_unsendable(self, account):
        """The deliveries of a fulfillment feed that cannot be sent as they are,
        as the account's failed shipments run (the feed's report, if any goes,
        is the next run; these deliveries keep their error either way)."""
        unsendable = self.filtered(lambda p: p.amazon_sync_state == "error")
        if unsendable:
            account._amazon_record_run(
                "shipments",
                _(
                    "Fulfillment feed: %(count)s delivery(ies) not sendable "
                    "(%(delivery)s: %(error)s)",
                    count=len(unsendable),
                    delivery=unsendable[0].name,
                    error=unsendable[0].amazon_sync_error,
                ),
                failed=True,
            )

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
            except IncompleteKits:
                picking._amazon_nothing_to_confirm()
                continue
            except ShipmentError as error:
                picking._amazon_sync_failed(str(error), refused=False)
                continue
            for package in packages.filtered(lambda p: p.state != "confirmed"):
                shipped = package._amazon_package()
                messages.append(
                    FulfillmentMessage(
                        message_id=message_id,
                        amazon_order_id=picking.sale_id.amazon_order_ref,
                        merchant_fulfillment_id=str(package.reference),
                        fulfillment_date=picking._amazon_ship_date(),
                        carrier=carrier,
                        tracking_number=package.tracking_number or None,
                        items=shipped.items,
                    )
                )
                mapping[message_id] = picking.id
                message_id += 1
                package._amazon_sent_with(carrier)
        return messages, mapping

    def _amazon_feed_pickings(self, feed):
        """The deliveries of ``feed`` that still wait for it."""
        return feed._amazon_records().filtered(lambda p: p.amazon_feed_id == feed)

    def _amazon_feed_done(self, feed, report):
        """The fulfillment feed's processing report: each message's result on its
        own delivery. A report that does not say marks nothing."""
        mapping = {int(k): v for k, v in (feed.messages or {}).items()}
        pickings = self._amazon_feed_pickings(feed)
        try:
            results = parse_processing_report(report, mapping)
        except UnclearReport as error:
            return self._amazon_feed_unclear(feed, str(error))
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
        pickings = self._amazon_feed_pickings(feed)
        # Each feed sent counts as an attempt (see _amazon_send_fulfillment_feed).
        again = pickings.filtered(
            lambda p: p.amazon_sync_attempts < MAX_UNCLEAR_REPORTS
        )
        pickings.write({"amazon_sync_error": message, "amazon_feed_id": False})
        pickings.amazon_package_ids.filtered(lambda p: p.state == "sent").write(
            {"state": "to_send", "feed_id": False}
        )
        (pickings - again)._amazon_sync_failed(message)
        if again:
            self._amazon_queue_fulfillment_feed(
                feed.account_id, delay=UNCLEAR_RETRY_DELAY
            )
        feed.account_id._amazon_record_run("shipments", message, failed=True)
        return message

    def _amazon_feed_failed(self, feed, reason):
        """Amazon ended the feed FATAL (or refused it): its deliveries in error."""
        pickings = self._amazon_feed_pickings(feed)
        message = _(
            "Fulfillment feed %(feed)s failed: %(reason)s",
            feed=feed.amazon_feed_ref or feed.id,
            reason=reason,
        )
        pickings._amazon_sync_failed(message)
        feed.account_id._amazon_record_run("shipments", message, failed=True)
        return reason
