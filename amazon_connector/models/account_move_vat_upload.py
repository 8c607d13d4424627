# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

import hashlib
import json
from datetime import timedelta
from decimal import Decimal

from odoo import _, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.queue_job.job import identity_exact

from ..amazon.throttle import RATE_LIMITS
from ..amazon.vat_invoice import (
    CREDIT_NOTE,
    INVOICE,
    PDF_CONTENT_TYPE,
    VAT_INVOICE_COUNTRIES,
    VAT_INVOICE_FEED_TYPE,
    VAT_UPLOAD_STATES,
    VatDocument,
    VatInvoiceError,
    check_pdf,
    feed_options,
)
from .amazon_feed import FEED_IN_FLIGHT_STATES
from .amazon_job import amazon_job

#: Odoo's own invoice report: the PDF the buyer downloads from Amazon.
INVOICE_REPORT = "account.account_invoices"
#: The documents Amazon takes, by Odoo's move type.
DOCUMENT_TYPE_OF = {"out_invoice": INVOICE, "out_refund": CREDIT_NOTE}
#: A document still To Upload this long after its posting is queued again.
LEFT_BEHIND_AFTER = timedelta(hours=1)
CREATE_FEED = "createFeed"


class AccountMove(models.Model):
    """An Amazon order's invoice or credit note uploaded to Amazon as the buyer's
    VAT invoice (``UPLOAD_VAT_INVOICE``), and Amazon's verdict on it.

    The move is the upload feed's owner (``amazon.feed.owner``: its contract is
    stated there): one feed per document, as Amazon requires. The feed's report
    says only that Amazon took the file; Amazon's verdict (accepted, refused)
    comes from its VAT invoice data report."""

    # One model in several files, each named for the part it holds.
    # pylint: disable=consider-merging-classes-inherited
    _name = "account.move"
    _inherit = ["account.move", "amazon.feed.owner"]

    amazon_vat_upload_state = fields.Selection(
        VAT_UPLOAD_STATES,
        string="Amazon VAT Invoice",
        default="none",
        copy=False,
        readonly=True,
        index="btree_not_null",
        tracking=True,
        help="Where this document is with Amazon: to upload, uploaded (Amazon has "
        "not said yet), accepted, or refused (Amazon's message says why).",
    )
    amazon_vat_upload_error = fields.Text(
        string="Amazon's Refusal", copy=False, readonly=True
    )
    amazon_vat_upload_on = fields.Boolean(
        related="amazon_account_id.vat_invoice_upload",
        string="Account Uploads VAT Invoices",
    )
    amazon_vat_feed_id = fields.Many2one(
        "amazon.feed",
        string="Amazon Upload Feed",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="The last feed that sent this document to Amazon.",
    )
    amazon_vat_upload_digest = fields.Char(
        copy=False,
        readonly=True,
        help="What was last sent to Amazon (number, type, totals, transaction): "
        "the same document is never sent twice.",
    )

    # ------------------------------------------------------------------ posting

    def _post(self, soft=True):
        posted = super()._post(soft)
        posted._amazon_vat_mark_to_upload()
        return posted

    def _amazon_vat_order(self):
        """The Amazon order of this invoice or credit note (a credit note made
        from a settlement names no order line: its invoice's order)."""
        self.ensure_one()
        orders = (
            self.line_ids.sale_line_ids.order_id
            | self.reversed_entry_id.line_ids.sale_line_ids.order_id
        )
        return orders.filtered("amazon_order_ref")[:1]

    def _amazon_vat_uploadable(self):
        """The customer invoices and credit notes of Amazon orders of accounts that
        upload VAT invoices, sold on a marketplace that takes them."""
        return self.filtered(
            lambda m: (
                m.move_type in DOCUMENT_TYPE_OF
                and m.amazon_account_id.vat_invoice_upload
                and m.sudo()._amazon_vat_order().amazon_marketplace_id.country_id.code
                in VAT_INVOICE_COUNTRIES
            )
        )

    def _amazon_vat_mark_to_upload(self):
        """Posted documents for Amazon: To Upload, each queued; unless what Amazon
        already has is the same document (posted again unchanged)."""
        moves = self._amazon_vat_uploadable().sudo()
        unchanged = moves.filtered(
            lambda m: (
                m.amazon_vat_upload_state in ("uploaded", "accepted")
                and m.amazon_vat_upload_digest == m._amazon_vat_digest()
            )
        )
        moves -= unchanged
        if not moves:
            return
        moves.write({"amazon_vat_upload_state": "to_upload"})
        moves._amazon_vat_cancel_stale_feeds()
        moves._amazon_vat_queue_upload()

    def _amazon_vat_is_current(self, feed):
        """Whether ``feed`` carries this document as it is now."""
        self.ensure_one()
        return self._amazon_vat_digest(feed.feed_options) == self._amazon_vat_digest()

    def _amazon_vat_cancel_stale_feeds(self):
        """A feed not sent yet (waiting for its createFeed slot) of a document
        changed since is never sent: Amazon gets the document as it is now.
        Return the documents whose feed was cancelled."""
        stale = self.filtered(
            lambda m: (
                m.amazon_vat_feed_id.state == "queued"
                and not m._amazon_vat_is_current(m.amazon_vat_feed_id)
            )
        )
        stale.amazon_vat_feed_id.write(
            {
                "state": "failed",
                "result": _("Not sent: the document was corrected."),
                "processed_at": fields.Datetime.now(),
            }
        )
        stale.write({"amazon_vat_upload_digest": False})
        return stale

    def _amazon_vat_queue_upload(self):
        """Queue the upload job of each document (one job per document)."""
        for move in self:
            move.with_delay(
                identity_key=identity_exact,
                description=_("Upload %s to Amazon", move.name),
            )._amazon_upload_vat_invoice()

    # ------------------------------------------------------------------ document

    def _amazon_vat_transaction_ref(self):
        """Amazon's id of the refund this credit note is for, as the settlement
        that paid it names it (its adjustment id); None when Amazon gave none."""
        self.ensure_one()
        line = (
            self.env["amazon.settlement.line"]
            .sudo()
            .search(
                [
                    ("invoice_id", "=", self.id),
                    ("kind", "=", "refund"),
                    ("adjustment_ref", "!=", False),
                ],
                order="id",
                limit=1,
            )
        )
        return line.adjustment_ref or None

    def _amazon_vat_document(self):
        """This move as Amazon's upload feed describes it."""
        self.ensure_one()
        document_type = DOCUMENT_TYPE_OF[self.move_type]
        return VatDocument(
            order_id=self._amazon_vat_order().amazon_order_ref,
            invoice_number=self.name,
            document_type=document_type,
            total_amount=Decimal(str(self.amount_total)),
            total_vat_amount=Decimal(str(self.amount_tax)),
            transaction_id=(
                self._amazon_vat_transaction_ref()
                if document_type == CREDIT_NOTE
                else None
            ),
        )

    def _amazon_vat_digest(self, options=None):
        """What identifies the document sent: its feed options."""
        try:
            options = options or feed_options(self._amazon_vat_document())
        except VatInvoiceError:
            return False
        text = json.dumps(options, sort_keys=True)
        return hashlib.sha256(f"{self.id}:{text}".encode()).hexdigest()

    def _amazon_vat_pdf(self):
        """The document rendered with Odoo's invoice report, checked for Amazon."""
        try:
            content, kind = self.env["ir.actions.report"]._render_qweb_pdf(
                INVOICE_REPORT, res_ids=self.ids
            )
        except UserError as error:  # no wkhtmltopdf, a broken report template...
            raise VatInvoiceError(
                _("Odoo could not render the invoice: %s", error)
            ) from error
        if kind != "pdf":
            raise VatInvoiceError(_("Odoo rendered no PDF of the invoice"))
        return check_pdf(content)

    # ------------------------------------------------------------------ job

    @amazon_job
    def _amazon_upload_vat_invoice(self):
        """Job: render the document and make its UPLOAD_VAT_INVOICE feed, sent by
        its own job (the generic feed flow). Idempotent: a document not To
        Upload, with a feed in flight, already sent as it is, or of an account
        that no longer uploads VAT invoices, is not sent."""
        move = self.sudo()
        if not move.exists() or move.amazon_vat_upload_state != "to_upload":
            return _("Nothing to do: the document is not to upload.")
        if not move._amazon_vat_uploadable():  # the account stopped uploading
            return _("Nothing to do: the account does not upload VAT invoices.")
        move._amazon_vat_cancel_stale_feeds()
        if move.amazon_vat_feed_id.state in FEED_IN_FLIGHT_STATES:
            return _("Nothing to do: the document is on its way to Amazon.")
        account = move.amazon_account_id
        with account._amazon_job_session():  # the account may call Amazon now
            return move._amazon_vat_make_feed(account)

    def _amazon_vat_make_feed(self, account):
        """The upload feed of this document, queued; or why there is none."""
        move = self
        try:
            options = feed_options(move._amazon_vat_document())
            digest = move._amazon_vat_digest(options)
            if digest == move.amazon_vat_upload_digest:
                move.amazon_vat_upload_state = "uploaded"
                return _("Nothing sent: Amazon already has this document.")
            content = move._amazon_vat_pdf()
        except VatInvoiceError as error:
            message = _("Not sent to Amazon: %s.", error)
            move._amazon_vat_refused(message)
            return message
        feed = self.env["amazon.feed"]._amazon_create(
            account,
            VAT_INVOICE_FEED_TYPE,
            content,
            PDF_CONTENT_TYPE,
            move,
            {1: move.id},
            feed_options=options,
            marketplace_ids=[
                fields.Command.set(move._amazon_vat_order().amazon_marketplace_id.ids)
            ],
        )
        move.write({"amazon_vat_feed_id": feed.id, "amazon_vat_upload_digest": digest})
        feed._amazon_queue_submit(eta=move._amazon_vat_submit_delay(account))
        return _("%s: feed made, sent by its own job.", move.name)

    def _amazon_vat_submit_delay(self, account):
        """Seconds before this upload's feed is sent: one feed per document, so
        a batch of invoices is spaced by Amazon's createFeed quota (its burst at
        once, then one per 1/rate seconds) instead of retrying throttled jobs."""
        rate, burst = RATE_LIMITS[CREATE_FEED]
        waiting = self.env["amazon.feed"].search_count(
            [
                ("account_id", "=", account.id),
                ("feed_type", "=", VAT_INVOICE_FEED_TYPE),
                ("state", "=", "queued"),
            ]
        )
        return int(max(0, waiting - burst) / rate) or None

    # ------------------------------------------------------------------ feed owner

    def _amazon_vat_feed_moves(self, feed):
        return feed._amazon_records().filtered(lambda m: m.amazon_vat_feed_id == feed)

    def _amazon_feed_sent(self, feed):
        """The feed reached Amazon: the document is Uploaded, unless it changed
        since the feed was made (it stays To Upload, sent again once Amazon has
        processed this feed)."""
        moves = self._amazon_vat_feed_moves(feed).filtered(
            lambda m: m.amazon_vat_upload_state == "to_upload"
        )
        moves.filtered(lambda m: m._amazon_vat_is_current(feed)).write(
            {"amazon_vat_upload_state": "uploaded", "amazon_vat_upload_error": False}
        )

    def _amazon_feed_done(self, feed, report):
        """Amazon took the file; its verdict comes from the VAT invoice data
        report. Amazon's processing summary is kept in the chatter."""
        moves = self._amazon_vat_feed_moves(feed)
        # Changed while this feed was on its way: the document as it is now.
        moves.filtered(
            lambda m: m.amazon_vat_upload_state == "to_upload"
        )._amazon_vat_queue_upload()
        for move in moves:
            move.message_post(
                body=_(
                    "Amazon received the VAT invoice (feed %(feed)s): %(summary)s",
                    feed=feed.amazon_feed_ref,
                    summary=report.decode("utf-8", "replace")[:500],
                ),
                subtype_xmlid="mail.mt_note",
            )
        return _("%s document(s) received by Amazon.", len(moves))

    def _amazon_feed_failed(self, feed, reason):
        """Amazon refused the upload: the document Refused with Amazon's message;
        nothing else changes."""
        self._amazon_vat_feed_moves(feed)._amazon_vat_refused(
            _("Amazon refused the upload: %s", _amazon_error_text(reason))
        )
        return reason

    def _amazon_vat_refused(self, message):
        """Refused, saying why, with an activity for the invoice's responsible."""
        for move in self:
            move.write(
                {
                    "amazon_vat_upload_state": "refused",
                    "amazon_vat_upload_error": message,
                    "amazon_vat_upload_digest": False,
                }
            )
            move.activity_schedule(
                "mail.mail_activity_data_warning",
                summary=move._amazon_vat_upload_refusal_summary(),
                note=message,
                user_id=move._amazon_vat_responsible().id,
            )

    def _amazon_vat_upload_refusal_summary(self):
        return _("VAT invoice refused by Amazon")

    def _amazon_vat_responsible(self):
        """Who corrects the document: its salesperson, else whoever made it;
        never OdooBot, as whom jobs may run."""
        self.ensure_one()
        for user in (self.invoice_user_id, self.create_uid):
            if user and not user._is_superuser() and user._is_internal():
                return user
        return self.env.user

    # ------------------------------------------------------------------ actions

    def action_amazon_upload_vat_invoice(self):
        """Upload to Amazon (again, after a correction): a refused or To Upload
        document of an Amazon order, or one posted before its account uploaded VAT
        invoices, is queued, and sent even unchanged (Amazon refused what it has). Only for billing users who may change the
        document: the upload itself runs as superuser."""
        if not self.env.su and not self.env.user.has_group(
            "account.group_account_invoice"
        ):
            raise AccessError(_("Only billing users upload invoices to Amazon."))
        self.check_access("write")
        # "none": posted before the account's option was switched on.
        moves = self.filtered(
            lambda m: (
                m.state == "posted"
                and m.amazon_vat_upload_state in ("none", "to_upload", "refused")
            )
        )._amazon_vat_uploadable()
        if not moves:
            raise UserError(
                _(
                    "Only a posted invoice or credit note of an Amazon order, to "
                    "upload or refused, can be uploaded to Amazon."
                )
            )
        moves.sudo().write(
            {
                "amazon_vat_upload_state": "to_upload",
                "amazon_vat_upload_error": False,
                "amazon_vat_upload_digest": False,
            }
        )
        moves.sudo()._amazon_vat_queue_upload()
        return True

    def _cron_amazon_upload_vat_invoices(self):
        """Scheduled action: queue again the documents still To Upload an hour
        after their last change (posted while Amazon was down, or their job ran
        out of retries), or the sending of their feed when that job gave up. A
        job still queued is not doubled (its identity key). Only when the
        connector is on, for accounts that still upload VAT invoices."""
        if not self.env["amazon.account"]._amazon_connector_enabled():
            return
        left = self.sudo().search(
            [
                ("amazon_vat_upload_state", "=", "to_upload"),
                ("state", "=", "posted"),
                ("write_date", "<", fields.Datetime.now() - LEFT_BEHIND_AFTER),
            ]
        )
        left = left._amazon_vat_uploadable()  # not of accounts that stopped
        stuck = left.amazon_vat_feed_id.filtered(lambda f: f.state == "queued")
        for feed in stuck:  # its sending job gave up: sent again
            feed._amazon_queue_submit()
        left.filtered(
            lambda m: m.amazon_vat_feed_id.state not in FEED_IN_FLIGHT_STATES
        )._amazon_vat_queue_upload()


def _amazon_error_text(reason):
    """Amazon's own words in a feed's failure reason: the messages of a JSON
    report ({"errors": [{"message": ...}]}) when it holds one."""
    start = reason.find("{")
    if start < 0:
        return reason
    try:
        errors = json.loads(reason[start:]).get("errors") or []
    except (ValueError, AttributeError):
        return reason
    messages = [str(e.get("message")) for e in errors if isinstance(e, dict)]
    return "; ".join(messages) or reason
