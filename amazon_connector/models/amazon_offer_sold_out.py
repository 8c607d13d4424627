# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""An offer that sold out, told Amazon at once (patchListingsItem) rather than at
the next export's feed."""

from odoo import fields, models

from odoo.addons.queue_job.job import identity_exact

from ..amazon.errors import AmazonPermanentError
from ..amazon.fulfillment import MERCHANT
from ..amazon.listings_feed import stock_patch
from ..amazon.listings_submission import Submission
from ..const import OFFER_ERROR, OFFER_OK
from .amazon_job import amazon_job
from .amazon_offer_export import JOB_SESSION


class AmazonOffer(models.Model):
    """Sold-out patches of offers."""

    # One model in several files, each named for the part it holds.
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "amazon.offer"

    def _amazon_may_be_selling(self):
        """Amazon may be offering units of this offer: it accepted some, was
        never told, or has units on their way to it."""
        self.ensure_one()
        return (
            self.last_sent_qty > 0
            or not self.last_sent_qty_date
            or bool(self.feed_id and self.attempted_qty > 0)
        )

    def _amazon_queue_sold_out(self):
        """Queue :meth:`_amazon_send_sold_out`; return the job."""
        self.ensure_one()
        return self.with_delay(
            identity_key=identity_exact,
            description=self.env._("Tell Amazon %s sold out", self.sku),
        )._amazon_send_sold_out()

    @amazon_job(kind="stock")
    def _amazon_send_sold_out(self):
        """Job: tell Amazon at once (patchListingsItem) that this offer sold out.
        Idempotent: nothing is sent when it is not at 0 any more, or Amazon has
        0 already."""
        self.ensure_one()
        offer = self.sudo()
        if not offer.exists() or not offer.active:
            return self.env._("Nothing done: the offer no longer exists.")
        marketplaces = offer.marketplace_id or offer.account_id.marketplace_ids
        try:
            with offer.account_id._amazon_job_session(**JOB_SESSION) as adapter:
                skipped = offer._amazon_sold_out_skipped()
                if skipped:
                    return skipped
                answer = adapter.patch_listings_item(
                    offer.sku,
                    marketplace_ids=marketplaces.mapped("marketplace_id"),
                    product_type=offer.product_type.strip(),
                    patches=[stock_patch(0, offer.handling_time)],
                )
        except AmazonPermanentError as error:
            offer.write({"state": OFFER_ERROR, "error": str(error)})
            offer._amazon_record_sold_out(str(error))
            return str(error)
        return offer._amazon_land_sold_out(answer)

    def _amazon_sold_out_skipped(self):
        """Why nothing is sent for this offer's sell-out, or None."""
        self.ensure_one()
        if self.channel_unknown or self.fulfillment_channel != MERCHANT:
            return self.env._(
                "Nothing done: %s is not a confirmed merchant-fulfilled offer.",
                self.sku,
            )
        figure = self._amazon_availability().get(self.id)
        if figure is None or figure.quantity != 0 or not self.sync_stock:
            return self.env._("Nothing done: %s is not sold out.", self.sku)
        if not self._amazon_may_be_selling():
            return self.env._("Nothing done: Amazon has 0 of %s already.", self.sku)
        if not (self.product_type or "").strip():
            return self.env._("Nothing done: %s has no product type.", self.sku)
        return None

    def _amazon_land_sold_out(self, answer):
        """Amazon's answer to the sold-out patch, on the offer and its account's
        last stock run."""
        self.ensure_one()
        submission = Submission.from_answer(answer)
        if submission.accepted:
            self.write(
                {
                    "last_sent_qty": 0,
                    "last_sent_qty_date": fields.Datetime.now(),
                    "last_sent_handling_time": self.handling_time,
                    "attempted_qty": 0,
                    "attempted_at": fields.Datetime.now(),
                    "state": OFFER_OK if not self.feed_id else self.state,
                    "error": False,
                }
            )
            self._amazon_record_sold_out()
            return self.env._("%s sold out: Amazon told.", self.sku)
        message = "\n".join(submission.errors) or self.env._(
            "Amazon answered %s.", submission.status
        )
        self.write({"state": OFFER_ERROR, "error": message})
        self._amazon_record_sold_out(message)
        return message

    def _amazon_record_sold_out(self, error=None):
        """The sold-out patch as the account's last stock run."""
        self.ensure_one()
        self.account_id._amazon_record_run(
            "stock",
            self.env._(
                "Amazon refused the quantity 0 of %(sku)s: %(error)s",
                sku=self.sku,
                error=error,
            )
            if error
            else self.env._("%s sold out: Amazon told", self.sku),
            failed=bool(error),
        )
