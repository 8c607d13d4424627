# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""Who fulfils each offer, asked of Amazon (getListingsItem) before anything is
sent for an offer it has not confirmed: the connector never decides it."""

from odoo import api, models

from ..amazon.errors import AmazonAuthError, AmazonPermanentError, AmazonRetryableError
from ..amazon.fulfillment import AMAZON, MERCHANT
from ..amazon.listings_report import channel_of_listings_item

# getListingsItem calls one export makes at most to learn who fulfils new offers
# (Amazon's rate is 5 a second); the others are asked at the next export.
CHANNEL_CHECKS_PER_EXPORT = 200


class AmazonOffer(models.Model):
    """Who fulfils each offer, as Amazon says."""

    # One model in several files, each named for the part it holds.
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "amazon.offer"

    @api.model
    def _amazon_check_channels(self, account, adapter, offer_ids=None):
        """Ask Amazon (getListingsItem, through the export job's ``adapter``) who
        fulfils the offers of ``account`` (or ``offer_ids``) it has not confirmed
        yet, before anything is sent for them: the connector never decides it.
        An offer Amazon does not know, or whose listing does not say, stays
        unconfirmed with the reason on it (and is asked again at the next
        export). Returns the offers checked.

        Amazon's throttling is not the job's retry here: the export goes on
        without the offers not asked, which the next export asks (a retry would
        undo the answers already had and ask them again)."""
        domain = [
            ("account_id", "=", account.id),
            ("channel_unknown", "=", True),
            ("product_id", "!=", False),
        ]
        if offer_ids is not None:
            domain.append(("id", "in", list(offer_ids)))
        offers = self.search(domain, limit=CHANNEL_CHECKS_PER_EXPORT + 1, order="id")
        if len(offers) > CHANNEL_CHECKS_PER_EXPORT:
            offers = offers[:CHANNEL_CHECKS_PER_EXPORT]
            self._amazon_trigger_export()
        if not offers:
            return offers
        asked = self.browse()
        try:
            for offer in offers:
                offer._amazon_ask_channel(adapter)
                asked |= offer
        except AmazonRetryableError as error:
            # Throttled: the others wait for the next export, nothing is sent.
            (offers - asked).write(
                {
                    "channel_note": self.env._(
                        "Amazon could not be asked who fulfils this offer yet "
                        "(%s): nothing is sent until it answers.",
                        error,
                    )
                }
            )
            self._amazon_trigger_export()
        return asked

    def _amazon_ask_channel(self, adapter):
        """One offer's getListingsItem, in every marketplace it is offered in:
        Amazon fulfils it if it does in any of them."""
        self.ensure_one()
        marketplaces = self.marketplace_id or self.account_id.marketplace_ids
        channels, missing = set(), []
        for marketplace in marketplaces:
            try:
                item = adapter.get_listings_item(
                    self.sku,
                    marketplace_ids=[marketplace.marketplace_id],
                    included_data=["summaries", "fulfillmentAvailability"],
                )
            except AmazonPermanentError as error:
                if error.status == 404:
                    missing.append(marketplace.name)
                    continue
                if isinstance(error, AmazonAuthError):
                    raise
                self.write({"channel_note": str(error)})
                return
            channels.add(channel_of_listings_item(item))
        if AMAZON in channels:
            channel = AMAZON
        elif MERCHANT in channels and None not in channels:
            channel = MERCHANT
        else:
            channel = None
        if channel is None:
            self.write(
                {
                    "channel_note": self.env._(
                        "Amazon has no listing of %(sku)s in %(marketplaces)s: "
                        "nothing is sent until it has one.",
                        sku=self.sku,
                        marketplaces=", ".join(missing),
                    )
                    if missing and not channels
                    else self.env._(
                        "Amazon's listing of %s does not say who fulfils it: "
                        "nothing is sent.",
                        self.sku,
                    )
                }
            )
            return
        values = {"channel_unknown": False, "channel_note": False}
        if channel != self.fulfillment_channel:
            values["fulfillment_channel"] = channel
            values["channel_note"] = self.env._(
                "Amazon says %s: set from its listing.",
                self.env._("Amazon fulfils this offer")
                if channel == AMAZON
                else self.env._("the seller fulfils this offer"),
            )
        self.write(values)
