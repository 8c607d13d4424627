# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

import base64
import logging

from odoo import _, api, fields, models

from odoo.addons.queue_job.job import identity_exact

from ..amazon.errors import AmazonPermanentError
from ..amazon.processing import DONE
from ..amazon.processing_report import report_excerpt
from .amazon_job import amazon_job

_logger = logging.getLogger(__name__)

# Seconds before each poll of getFeed: Amazon takes from a minute to an hour to
# process a feed. The last delay repeats until MAX_POLLS.
POLL_DELAYS = (30, 60, 120, 300, 600, 900)
MAX_POLLS = 40  # about 9 hours
FEED_JOB_MAX_WAIT = 5.0
FEED_JOB_ATTEMPTS = 3
#: A feed on its way: not sent yet, or sent and Amazon still processing it.
FEED_IN_FLIGHT_STATES = ("queued", "submitted")


class AmazonFeed(models.Model):
    """One feed document sent to Amazon, followed until Amazon has processed it.

    The generic flow of every feed (fulfillment, acknowledgement, listings):
    create the document, upload it, create the feed (one job), then poll getFeed as
    later jobs with a growing delay, fetch the processing report and hand it to the
    model that owns the records the feed speaks for (``res_model``, an
    ``amazon.feed.owner``: its docstring is the owner's contract). ``messages``
    maps each message id of the document to the id of the record it is about, so
    each result lands on its own record.
    """

    _name = "amazon.feed"
    _description = "Amazon Feed"
    _order = "id desc"
    _rec_name = "feed_type"

    account_id = fields.Many2one(
        "amazon.account", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    feed_type = fields.Char(required=True, readonly=True)
    res_model = fields.Char(
        string="Records Of",
        required=True,
        readonly=True,
        help="The model the feed's messages are about (deliveries, orders, offers).",
    )
    messages = fields.Json(
        readonly=True, help="Message id of the document → id of its record."
    )
    message_count = fields.Integer(readonly=True)
    marketplace_ids = fields.Many2many("amazon.marketplace", readonly=True)
    feed_options = fields.Json(
        readonly=True,
        help="Amazon's feedOptions of the feed (the VAT invoice's metadata...).",
    )
    document = fields.Binary(attachment=True, readonly=True)
    content_type = fields.Char(readonly=True)
    state = fields.Selection(
        [
            ("queued", "To Send"),
            ("submitted", "Sent, Amazon Processing"),
            ("done", "Processed"),
            ("failed", "Failed"),
        ],
        default="queued",
        required=True,
        readonly=True,
        index=True,
    )
    amazon_feed_ref = fields.Char(string="Amazon Feed ID", readonly=True, index=True)
    amazon_status = fields.Char(readonly=True)
    polls = fields.Integer(readonly=True)
    submitted_at = fields.Datetime(readonly=True)
    processed_at = fields.Datetime(readonly=True)
    result = fields.Text(readonly=True)
    report = fields.Binary(string="Processing Report", attachment=True, readonly=True)

    @api.model
    def _amazon_create(
        self,
        account,
        feed_type,
        content,
        content_type,
        records,
        messages,
        feed_options=None,
        **values,
    ):
        """The feed of ``records`` (``messages``: message id → record id), not
        sent yet: mark the records, then ``_amazon_queue_submit()``.
        ``feed_options``: Amazon's ``feedOptions`` of the feed (strings)."""
        return self.sudo().create(
            {
                "account_id": account.id,
                "feed_type": feed_type,
                "res_model": records._name,
                "messages": {str(k): v for k, v in messages.items()},
                "message_count": len(messages),
                "document": base64.b64encode(content),
                "content_type": content_type,
                "feed_options": feed_options or False,
                "marketplace_ids": [fields.Command.set(account.marketplace_ids.ids)],
                **values,
            }
        )

    def _amazon_queue_submit(self, eta=None):
        """Queue the sending of the feed (``eta``: seconds to wait first, to
        space feeds by Amazon's createFeed quota); return the job."""
        self.ensure_one()
        return self.with_delay(
            eta=eta,
            identity_key=identity_exact,
            description=_(
                "Send Amazon feed %(type)s of %(account)s",
                type=self.feed_type,
                account=self.account_id.name,
            ),
        )._amazon_submit()

    def _amazon_records(self):
        self.ensure_one()
        return (
            self.env[self.res_model]
            .browse(sorted(set((self.messages or {}).values())))
            .exists()
        )

    # ------------------------------------------------------------------ jobs

    @amazon_job
    def _amazon_submit(self):
        """Job: upload the document and create the feed, then queue its first
        poll. Idempotent: a feed already sent is only polled."""
        self = self.sudo()
        if not self.exists() or self.state in ("done", "failed"):
            return _("Nothing to do: the feed was already processed.")
        if self.amazon_feed_ref:
            return self._queue_poll()
        try:
            with self._amazon_session() as adapter:
                feed_ref = adapter.submit_feed(
                    self.feed_type,
                    marketplace_ids=self.marketplace_ids.mapped("marketplace_id"),
                    content=base64.b64decode(self.document),
                    content_type=self.content_type,
                    feed_options=self.feed_options or None,
                )
        except AmazonPermanentError as error:
            return self._fail(_("Amazon refused the feed: %s", error))
        self.write(
            {
                "amazon_feed_ref": feed_ref,
                "state": "submitted",
                "submitted_at": fields.Datetime.now(),
            }
        )
        self.env[self.res_model]._amazon_feed_sent(self)
        return self._queue_poll()

    def _amazon_session(self):
        """The account's SP-API session, as a feed job uses it: a few seconds of
        waiting for Amazon's quota at most, the rest is the job's retry."""
        return self.account_id._amazon_job_session(
            max_wait=FEED_JOB_MAX_WAIT, max_attempts=FEED_JOB_ATTEMPTS
        )

    def _queue_poll(self):
        delay = POLL_DELAYS[min(self.polls, len(POLL_DELAYS) - 1)]
        job = self.with_delay(
            eta=delay,
            identity_key=identity_exact,
            description=_(
                "Check Amazon feed %(ref)s (%(type)s)",
                ref=self.amazon_feed_ref,
                type=self.feed_type,
            ),
        )._amazon_poll(self.polls + 1)
        if job.result is not None:  # run at once (queue_job's no-delay mode)
            return job.result
        return _(
            "Feed %(ref)s sent; Amazon's answer is checked in %(delay)s s.",
            ref=self.amazon_feed_ref,
            delay=delay,
        )

    @amazon_job
    def _amazon_poll(self, poll):
        """Job: ask Amazon how the feed is doing; when processed, hand its report
        to the owner. Idempotent: each poll has its number, a repeat does nothing."""
        self = self.sudo()
        if not self.exists() or self.state != "submitted" or poll != self.polls + 1:
            return _("Nothing to do: this poll already ran.")
        try:
            with self._amazon_session() as adapter:
                processing = adapter.feed_processing(self.amazon_feed_ref)
                report = None
                if not processing.pending and processing.document_id:
                    report = adapter.get_feed_document(processing.document_id)
        except AmazonPermanentError as error:
            return self._fail(_("Amazon refused to say how the feed did: %s", error))
        status = processing.status
        self.write({"polls": poll, "amazon_status": status})
        if processing.pending:
            if poll >= MAX_POLLS:
                return self._fail(
                    _("Amazon was still processing the feed after %s checks.", poll)
                )
            return self._queue_poll()
        if report is not None:
            self.report = base64.b64encode(report)
        if status == DONE and report is not None:
            self.write({"state": "done", "processed_at": fields.Datetime.now()})
            outcome = self.env[self.res_model]._amazon_feed_done(self, report)
            self.result = outcome
            return outcome
        if status == DONE:
            return self._fail(_("Amazon processed the feed but sent no report."))
        reason = _("Amazon ended the feed %(status)s", status=status or "?")
        if report:
            reason = f"{reason}: {report_excerpt(report)}"
        return self._fail(reason)

    def _fail(self, reason):
        self.write(
            {"state": "failed", "result": reason, "processed_at": fields.Datetime.now()}
        )
        _logger.warning("Amazon feed %s failed: %s", self.id, reason)
        self.env[self.res_model]._amazon_feed_failed(self, reason)
        return reason
