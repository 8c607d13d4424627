# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from odoo import models


class AmazonFeedOwner(models.AbstractModel):
    """The model whose records an ``amazon.feed`` speaks for (deliveries, seller
    cancellations, offers): the owner's contract, stated once.

    A feed is created by its owner (``amazon.feed._amazon_create(account, type,
    content, content_type, records, messages)``, ``messages`` mapping each message
    id of the document to the id of its record) and sent by
    ``feed._amazon_queue_submit()``. When Amazon has processed it, the feed's poll
    job calls exactly one of these methods on the owner model (an empty
    recordset: the records are ``feed._amazon_records()``, those that still
    exist), in the job's transaction, after the feed itself is marked:

    - ``_amazon_feed_done(feed, report)``: Amazon processed the feed; ``report``
      is the processing report's bytes. Land each message's result on its record
      and return the outcome in a seller's words (the feed's result). A report
      that does not say what became of each message (``UnclearReport``) is handed
      to ``_amazon_feed_unclear``.
    - ``_amazon_feed_failed(feed, reason)``: Amazon refused the feed or ended it
      FATAL or CANCELLED (``reason`` says so, with Amazon's report when there is
      one): nothing of it was applied. Return ``reason`` or a better summary.
    - ``_amazon_feed_unclear(feed, reason)``: Amazon processed the feed but its
      report does not say which message it took; by default a failure.

    None of them may raise for a record's own trouble: the feed is processed once.

    ``_amazon_feed_sent(feed)`` is called once Amazon has the feed (createFeed
    answered), before any poll; by default it does nothing.
    """

    _name = "amazon.feed.owner"
    _description = "Records an Amazon Feed Speaks For"

    def _amazon_feed_done(self, feed, report):
        raise NotImplementedError(f"{self._name} does not read Amazon's feed reports")

    def _amazon_feed_failed(self, feed, reason):
        raise NotImplementedError(f"{self._name} does not handle failed feeds")

    def _amazon_feed_sent(self, feed):
        return None

    def _amazon_feed_unclear(self, feed, reason):
        return self._amazon_feed_failed(feed, reason)
