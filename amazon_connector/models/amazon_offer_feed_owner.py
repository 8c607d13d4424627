# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""``amazon.offer`` as the owner of its JSON_LISTINGS_FEED feeds (the contract:
``amazon.feed.owner``): Amazon's verdict on each offer a feed carried."""

import base64
from collections import Counter, defaultdict

from odoo import api, fields, models

from ..amazon.listings_feed import parse_listings_report, sent_values
from ..amazon.processing_report import UnclearReport
from ..const import OFFER_ERROR, OFFER_OK, OFFER_PENDING
from .amazon_offer_export import run_kinds


class AmazonOffer(models.Model):
    """The offers a listings feed speaks for: what Amazon accepted is "last
    sent"; what it refused is the offer's error; a feed that failed, or whose
    report is unclear, leaves its offers to be sent again."""

    _name = "amazon.offer"
    _inherit = ["amazon.offer", "amazon.feed.owner"]

    def _amazon_feed_done(self, feed, report):
        """The listings feed's processing report: each message's verdict on its
        offer. "Last sent" records only what Amazon accepted."""
        mapping = {int(k): v for k, v in (feed.messages or {}).items()}
        try:
            verdicts = parse_listings_report(report, mapping)
        except UnclearReport as error:
            return self._amazon_feed_unclear(feed, error)
        return self._amazon_land_verdicts(feed, mapping, verdicts)

    def _amazon_feed_unclear(self, feed, reason):
        """Amazon's report does not say what became of each offer: its offers
        are sent again at the next export."""
        return feed._amazon_records()._amazon_mark_unsent(
            feed,
            self.env._(
                "Amazon's report of feed %(feed)s does not say what became of "
                "each offer (%(reason)s): sent again at the next export.",
                feed=feed.amazon_feed_ref,
                reason=reason,
            ),
        )

    @api.model
    def _amazon_land_verdicts(self, feed, mapping, verdicts):
        """Each message's verdict (``{message id: MessageVerdict}``) on its offer;
        the account's last stock and prices runs; the outcome."""
        offers = feed._amazon_records()
        sent = _sent_values(feed)
        now = fields.Datetime.now()
        # Sold out (patchListingsItem) after this feed left with a quantity:
        # Amazon now holds the feed's older quantity, checked again below.
        raced = offers.filtered(
            lambda o: (
                o.last_sent_qty == 0
                and o.last_sent_qty_date
                and o.last_sent_qty_date >= feed.create_date
            )
        )
        accepted = defaultdict(list)
        refused = 0
        kinds_accepted, kinds_refused = Counter(), Counter()
        by_id = {offer.id: offer for offer in offers}
        for message_id, offer_id in mapping.items():
            offer = by_id.get(offer_id)
            verdict = verdicts.get(message_id)
            if offer is None or verdict is None:
                continue
            current = offer.feed_id == feed
            qty, handling_time, price = sent.get(message_id, (None, None, None))
            warning = "\n".join(verdict.warnings) or False
            if verdict.accepted:
                accepted[(qty, handling_time, price, current, warning)].append(offer.id)
                kinds_accepted.update(run_kinds(qty, price))
                continue
            refused += 1
            kinds_refused.update(run_kinds(qty, price))
            if current:
                offer.write(
                    {
                        "state": OFFER_ERROR,
                        "feed_id": False,
                        "error": "\n".join(verdict.errors),
                        "warning": warning,
                    }
                )
        self._amazon_accept_values(accepted, now)
        raced = raced.filtered(lambda o: o.last_sent_qty > 0)
        if raced:
            self._amazon_stock_changed(raced.product_id)
        self._amazon_record_verdicts(feed.account_id, kinds_accepted, kinds_refused)
        return self.env._(
            "%(ok)s offer(s) accepted by Amazon, %(refused)s refused.",
            ok=sum(len(ids) for ids in accepted.values()),
            refused=refused,
        )

    @api.model
    def _amazon_accept_values(self, accepted, now):
        """Set "last sent" of the offers whose values Amazon accepted (``{(qty,
        handling time, price, current, warning): offer ids}``), grouped by value
        so that a feed of 25,000 offers is a few writes."""
        for (qty, handling_time, price, current, warning), ids in accepted.items():
            values = {}
            if qty is not None:
                values.update(
                    last_sent_qty=qty,
                    last_sent_qty_date=now,
                    last_sent_handling_time=handling_time or 0,
                )
            if price is not None:
                values.update(last_sent_price=price, last_sent_price_date=now)
            if current:
                values.update(
                    state=OFFER_OK, feed_id=False, error=False, warning=warning
                )
            self.browse(ids).write(values)

    @api.model
    def _amazon_record_verdicts(self, account, accepted, refused):
        """The account's last stock and prices runs from a listings feed's
        verdicts (``Counter`` of messages per kind): each kind the feed
        carried, failed when Amazon refused any of its values."""
        for kind in sorted(set(accepted) | set(refused)):
            counts = {"refused": refused[kind], "total": accepted[kind] + refused[kind]}
            if kind == "stock":
                summary = (
                    self.env._(
                        "Amazon refused %(refused)s of %(total)s quantity(ies)",
                        **counts,
                    )
                    if refused[kind]
                    else self.env._("%(total)s quantity(ies) sent to Amazon", **counts)
                )
            else:
                summary = (
                    self.env._(
                        "Amazon refused %(refused)s of %(total)s price(s)", **counts
                    )
                    if refused[kind]
                    else self.env._("%(total)s price(s) sent to Amazon", **counts)
                )
            account._amazon_record_run(kind, summary, failed=bool(refused[kind]))

    def _amazon_feed_failed(self, feed, reason):
        """Amazon ended the feed FATAL or CANCELLED: its offers stay pending with
        the reason and are sent again at the next export."""
        return feed._amazon_records()._amazon_mark_unsent(
            feed,
            self.env._(
                "Feed %(feed)s failed, sent again at the next export: %(reason)s",
                feed=feed.amazon_feed_ref or feed.id,
                reason=reason,
            ),
        )

    def _amazon_mark_unsent(self, feed, reason):
        """Nothing of the feed is known applied: its offers pending with
        ``reason``, the account's last runs of what it carried failed."""
        self.filtered(lambda o: o.feed_id == feed).write(
            {
                "state": OFFER_PENDING,
                "feed_id": False,
                "attempted_at": False,
                "error": reason,
            }
        )
        carried = {
            kind
            for qty, _ht, price in _sent_values(feed).values()
            for kind in run_kinds(qty, price)
        }
        # A document that cannot be read back: whatever it carried failed.
        for kind in sorted(carried or ("prices", "stock")):
            feed.account_id._amazon_record_run(kind, reason, failed=True)
        return reason


def _sent_values(feed):
    """{message id: (quantity, handling time, price)} of the feed's own
    document: what each message asked Amazon to set (None where it did not say)."""
    try:
        document = base64.b64decode(feed.document)
    except (ValueError, TypeError):
        return {}
    return sent_values(document)
