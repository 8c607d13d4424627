# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

import base64
import logging
from datetime import timedelta, timezone

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.queue_job.job import identity_exact

from ..amazon.errors import AmazonPermanentError
from ..amazon.processing import CANCELLED, DONE, FATAL
from ..amazon.processing_report import report_excerpt
from .amazon_job import amazon_job

_logger = logging.getLogger(__name__)

# Seconds before each getReport: Amazon prepares a report in a minute to an hour.
# The last delay repeats until MAX_POLLS (about 2 hours).
POLL_DELAYS = (30, 60, 120, 300)
MAX_POLLS = 30
REPORT_JOB_MAX_WAIT = 5.0
REPORT_JOB_ATTEMPTS = 3
#: The states a user may retry.
RETRYABLE_STATES = ("cancelled", "fatal", "error")


class AmazonReport(models.Model):
    """One report the connector asked of Amazon or found there, followed until its
    document is handed to the model that reads it.

    The generic flow of every report (listings, settlements...): ask for it
    (createReport, one job) and poll getReport as later jobs with a growing delay,
    or find it (getReports, in the owner's job); download the document (ungzipped,
    with its charset, by the adapter) and hand it to its owner (``res_model``, an
    ``amazon.report.owner``: its docstring is the owner's contract).
    """

    _name = "amazon.report"
    _description = "Amazon Report"
    _order = "id desc"
    _rec_name = "report_type"

    account_id = fields.Many2one(
        "amazon.account", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    report_type = fields.Char(required=True, readonly=True, index=True)
    marketplace_ids = fields.Many2many("amazon.marketplace", readonly=True)
    data_start = fields.Datetime(string="Period Start", readonly=True)
    data_end = fields.Datetime(string="Period End", readonly=True)
    report_options = fields.Json(
        readonly=True, help="The reportOptions the report is asked with."
    )
    origin = fields.Selection(
        [("requested", "Requested (createReport)"), ("found", "Found (getReports)")],
        string="How It Came",
        default="requested",
        required=True,
        readonly=True,
    )
    state = fields.Selection(
        [
            ("requested", "Requested"),
            ("in_progress", "In Progress"),
            ("done", "Done"),
            ("cancelled", "Cancelled by Amazon"),
            ("fatal", "Fatal"),
            ("error", "Error"),
        ],
        default="requested",
        required=True,
        readonly=True,
        index=True,
        help="Requested: not asked of Amazon yet. In Progress: Amazon prepares it "
        "or it is being downloaded. Cancelled: Amazon had no data to report. "
        "Fatal: Amazon could not produce it. Error: Amazon refused, never had it "
        "ready, or its document could not be read.",
    )
    amazon_report_ref = fields.Char(string="Amazon Report ID", readonly=True)
    amazon_document_ref = fields.Char(string="Amazon Document ID", readonly=True)
    amazon_status = fields.Char(readonly=True)
    polls = fields.Integer(string="Checks", readonly=True)
    next_check = fields.Datetime(readonly=True)
    requested_at = fields.Datetime(readonly=True)
    processed_at = fields.Datetime(readonly=True)
    result = fields.Text(readonly=True)
    res_model = fields.Char(
        string="For",
        required=True,
        readonly=True,
        help="The model that reads the report's document (listings, settlements).",
    )
    res_id = fields.Many2oneReference(
        string="For Record", model_field="res_model", readonly=True
    )
    document = fields.Binary(attachment=True, readonly=True)
    document_name = fields.Char(compute="_compute_document_name")
    document_charset = fields.Char(string="Charset", readonly=True)

    _sql_constraints = [
        (
            "amazon_report_ref_uniq",
            "unique(account_id, amazon_report_ref)",
            "Amazon's report is already recorded for this account.",
        )
    ]

    @api.depends("report_type", "amazon_report_ref")
    def _compute_document_name(self):
        for report in self:
            report.document_name = (
                f"{report.report_type}-{report.amazon_report_ref or report.id}.txt"
            )

    # ------------------------------------------------------------- creation

    @api.model
    def _amazon_create(self, account, report_type, owner, marketplaces=None, **values):
        """The report ``report_type`` of ``account`` for ``owner`` (a model or one
        of its records), not asked yet: then ``_amazon_queue_request()``.
        ``marketplaces``: ``amazon.marketplace`` records, by default the
        account's; ``values``: ``data_start``, ``data_end``..."""
        if marketplaces is None:
            marketplaces = account.marketplace_ids
        return self.sudo().create(
            {
                "account_id": account.id,
                "report_type": report_type,
                "res_model": owner._name,
                "res_id": owner.id if len(owner) == 1 else False,
                "marketplace_ids": [fields.Command.set(marketplaces.ids)],
                **values,
            }
        )

    def _amazon_queue_request(self):
        """Queue the asking of the report; return the job."""
        self.ensure_one()
        return self.with_delay(
            identity_key=identity_exact,
            description=_(
                "Request Amazon report %(type)s of %(account)s",
                type=self.report_type,
                account=self.account_id.name,
            ),
        )._amazon_request()

    @api.model
    def _amazon_find(
        self, account, report_type, owner, *, created_since=None, skip_documents=()
    ):
        """In a job: list the ``report_type`` reports Amazon has done for
        ``account`` since ``created_since`` (getReports) and record, for
        ``owner``, each one not recorded yet whose document is not in
        ``skip_documents``; a report found again after an error is taken up
        again. Return ``(listed, reports)``: every report listed
        (``FoundReport``) and the ``amazon.report`` records to download
        (``_amazon_queue_downloads()``). Amazon's refusal raises."""
        self = self.sudo()
        with self._amazon_session(account) as adapter:
            listed = list(
                adapter.find_reports(
                    report_types=[report_type],
                    processing_statuses=[DONE],
                    created_since=_aware(created_since),
                )
            )
        recorded = {
            report.amazon_report_ref: report
            for report in self.search(
                [
                    ("account_id", "=", account.id),
                    ("amazon_report_ref", "in", [f.report_id for f in listed]),
                ]
            )
        }
        skip = set(skip_documents)
        reports = self.browse()
        for found in listed:
            if not found.document_id or found.document_id in skip:
                continue
            skip.add(found.document_id)
            report = recorded.get(found.report_id)
            if report is None:
                report = self._amazon_record_found(account, found, owner)
            elif report.state == "error" and report.origin == "found":
                report.write(
                    {"state": "in_progress", "result": False, "processed_at": False}
                )
            else:
                continue
            reports |= report
        return listed, reports

    @api.model
    def _amazon_record_found(self, account, found, owner):
        marketplaces = self.env["amazon.marketplace"].search(
            [("marketplace_id", "in", list(found.marketplace_ids))]
        )
        return self._amazon_create(
            account,
            found.report_type,
            owner,
            marketplaces=marketplaces,
            origin="found",
            state="in_progress",
            amazon_report_ref=found.report_id,
            amazon_document_ref=found.document_id,
            amazon_status=found.status,
            data_start=_naive(found.data_start),
            data_end=_naive(found.data_end),
        )

    def _amazon_queue_downloads(self):
        """Queue the download of each report found; return the jobs."""
        return [report._amazon_queue_download() for report in self]

    def _amazon_queue_download(self):
        self.ensure_one()
        return self.with_delay(
            identity_key=identity_exact,
            description=_(
                "Download Amazon report %(ref)s (%(type)s)",
                ref=self.amazon_report_ref,
                type=self.report_type,
            ),
        )._amazon_download()

    def _amazon_owner(self):
        """The owner record (None when it was deleted), or the owner model."""
        self.ensure_one()
        owner = self.env[self.res_model]
        if self.res_id:
            owner = owner.browse(self.res_id).exists()
            return owner or None
        return owner

    # ------------------------------------------------------------------ jobs

    def _amazon_session(self, account=None):
        """The account's SP-API session, as a report job uses it: a few seconds of
        waiting for Amazon's quota at most, the rest is the job's retry."""
        return (account or self.account_id)._amazon_job_session(
            max_wait=REPORT_JOB_MAX_WAIT, max_attempts=REPORT_JOB_ATTEMPTS
        )

    @amazon_job
    def _amazon_request(self):
        """Job: ask Amazon for the report (createReport), then queue its first
        check. Idempotent: a report Amazon has already is only checked."""
        self = self.sudo()
        if not self.exists() or self.state != "requested":
            return _("Nothing to do: the report was already requested.")
        try:
            with self._amazon_session() as adapter:
                report_ref = adapter.create_report(
                    self.report_type,
                    marketplace_ids=self.marketplace_ids.mapped("marketplace_id"),
                    data_start_time=_aware(self.data_start),
                    data_end_time=_aware(self.data_end),
                    report_options=self.report_options or None,
                )
        except AmazonPermanentError as error:
            return self._fail(_("Amazon refused the report: %s", error))
        self.write(
            {
                "amazon_report_ref": report_ref,
                "state": "in_progress",
                "requested_at": fields.Datetime.now(),
            }
        )
        return self._queue_poll()

    def _queue_poll(self):
        delay = POLL_DELAYS[min(self.polls, len(POLL_DELAYS) - 1)]
        self.next_check = fields.Datetime.now() + timedelta(seconds=delay)
        job = self.with_delay(
            eta=delay,
            identity_key=identity_exact,
            description=_(
                "Check Amazon report %(ref)s (%(type)s)",
                ref=self.amazon_report_ref,
                type=self.report_type,
            ),
        )._amazon_poll(self.polls + 1)
        if job.result is not None:  # run at once (queue_job's no-delay mode)
            return job.result
        return _(
            "Report %(ref)s requested; Amazon's answer is checked in %(delay)s s.",
            ref=self.amazon_report_ref,
            delay=delay,
        )

    @amazon_job
    def _amazon_poll(self, poll):
        """Job: ask Amazon whether the report is ready; when it is, download it and
        hand it to the owner. Idempotent: each check has its number, a repeat does
        nothing."""
        self = self.sudo()
        if not self.exists() or self.state != "in_progress" or poll != self.polls + 1:
            return _("Nothing to do: this check already ran.")
        try:
            with self._amazon_session() as adapter:
                processing = adapter.report_processing(self.amazon_report_ref)
                document = None
                if not processing.pending and processing.document_id:
                    document = adapter.download_report(processing.document_id)
        except AmazonPermanentError as error:
            return self._fail(_("Amazon refused to say how the report did: %s", error))
        self.write(
            {
                "polls": poll,
                "amazon_status": processing.status,
                "amazon_document_ref": processing.document_id or False,
                "next_check": False,
            }
        )
        if processing.pending:
            if poll >= MAX_POLLS:
                return self._fail(
                    _("Amazon still had the report not ready after %s checks.", poll)
                )
            return self._queue_poll()
        return self._amazon_ended(processing.status, document)

    @amazon_job
    def _amazon_download(self):
        """Job: download the document of a report found done on Amazon and hand it
        to the owner. Idempotent: a report already handed over is left alone."""
        self = self.sudo()
        if not self.exists() or self.state != "in_progress":
            return _("Nothing to do: the report was already downloaded.")
        try:
            with self._amazon_session() as adapter:
                document = adapter.download_report(self.amazon_document_ref)
        except AmazonPermanentError as error:
            return self._fail(
                _(
                    "Amazon refused to give the report %(ref)s: %(error)s",
                    ref=self.amazon_report_ref,
                    error=error,
                )
            )
        return self._amazon_ended(DONE, document)

    # ------------------------------------------------------------- outcomes

    def _amazon_ended(self, status, document):
        """Amazon ended the report with ``status``; ``document``: its download."""
        if document is not None:
            self.write(
                {
                    "document": base64.b64encode(document.content),
                    "document_charset": document.charset or False,
                }
            )
        if status == CANCELLED:
            return self._cancelled()
        if status == DONE and document is not None:
            return self._deliver(document)
        if status == DONE:
            return self._fail(_("Amazon produced the report but no document."))
        reason = _("Amazon ended the report %(status)s", status=status or "?")
        if document is not None and document.content:
            reason = f"{reason}: {report_excerpt(document.content)}"
        return self._fail(reason, state="fatal" if status == FATAL else "error")

    def _deliver(self, document):
        """Hand the document to the owner: the report is done with its outcome."""
        owner = self._amazon_owner()
        self.write({"state": "done", "processed_at": fields.Datetime.now()})
        if owner is None:
            return self._set_result(
                _("The record the report was for was deleted: nothing changed.")
            )
        try:
            with self.env.cr.savepoint():
                outcome = owner._amazon_report_done(self, document)
        except UserError as error:
            return self._fail(str(error))
        except ValueError as error:
            return self._fail(_("The report cannot be read: %s", error))
        return self._set_result(outcome)

    def _cancelled(self):
        note = _("Amazon cancelled the report: it had no data to report.")
        owner = self._amazon_owner()
        self.write(
            {
                "state": "cancelled",
                "result": note,
                "processed_at": fields.Datetime.now(),
            }
        )
        if owner is None:
            return note
        return self._set_result(owner._amazon_report_cancelled(self, note) or note)

    def _fail(self, reason, state="error"):
        self.write(
            {"state": state, "result": reason, "processed_at": fields.Datetime.now()}
        )
        _logger.warning("Amazon report %s failed: %s", self.id, reason)
        owner = self._amazon_owner()
        if owner is None:
            return reason
        return self._set_result(owner._amazon_report_failed(self, reason) or reason)

    def _set_result(self, outcome):
        self.result = outcome
        return outcome

    # --------------------------------------------------------------- actions

    def action_retry(self):
        """Ask again: a new request where Amazon's report cannot change (cancelled,
        fatal, never asked), the download of a document Amazon has, or the checks
        of a report Amazon was still preparing."""
        self.check_access("write")
        for report in self.sudo():
            if report.state not in RETRYABLE_STATES:
                raise UserError(
                    _("Only a cancelled, fatal or failed report can be retried.")
                )
            report._amazon_retry()
        return True

    def _amazon_retry(self):
        values = {"polls": 0, "result": False, "processed_at": False}
        if self.origin == "found":
            if not self.amazon_document_ref:
                raise UserError(_("Amazon gave no document for this report."))
            self.write({**values, "state": "in_progress"})
            return self._amazon_queue_download()
        if self.state == "error" and self.amazon_report_ref:
            self.write({**values, "state": "in_progress"})
            return self._queue_poll()
        self.write(
            {
                **values,
                "state": "requested",
                "amazon_report_ref": False,
                "amazon_document_ref": False,
                "amazon_status": False,
                "document": False,
                "document_charset": False,
            }
        )
        return self._amazon_queue_request()


def _naive(moment):
    """An aware datetime as Odoo stores it (naive UTC)."""
    if moment is None:
        return False
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def _aware(moment):
    """A datetime as Odoo stores it (naive UTC) for the adapter: aware, or None."""
    return moment.replace(tzinfo=timezone.utc) if moment else None
