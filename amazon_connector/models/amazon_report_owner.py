# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from odoo import models


class AmazonReportOwner(models.AbstractModel):
    """The model an ``amazon.report`` hands its document to (the listings import,
    the settlement import): the owner's contract, stated once.

    A report is created by its owner, either asked of Amazon
    (``amazon.report._amazon_create(account, report_type, owner, ...)`` then
    ``report._amazon_queue_request()``: createReport, then getReport as later jobs)
    or found there (``amazon.report._amazon_find(account, report_type, owner,
    ...)``, inside a job: getReports, one report per document Amazon holds and the
    connector does not know yet, then ``reports._amazon_queue_downloads()``, each
    downloaded by a later job). ``owner`` is the owner model, or one of its
    records (``res_model`` / ``res_id``).

    When the report has ended, its job calls exactly one of these methods, in the
    job's transaction, after the report itself is marked, on the owner record (or
    the empty owner model when the report has no record). A report whose owner
    record was deleted meanwhile calls none: it is done, nothing changed.

    - ``_amazon_report_done(report, document)``: Amazon produced the report;
      ``document`` is the download (``ReportDocument``: ``content``, the bytes
      ungzipped, and ``charset``, the one Amazon declared or None). Apply it and
      return the outcome in a seller's words (the report's result). A document
      that cannot be read or applied raises ``ValueError`` (a parser's) or
      ``UserError`` (whose message is the reason, in the owner's words): what
      the owner did is rolled back, the report is in error and the owner's
      ``_amazon_report_failed`` is called with the reason.
    - ``_amazon_report_failed(report, reason)``: Amazon refused the report, ended
      it FATAL (``reason`` then quotes Amazon's error document when there is one),
      never had it ready, or its document could not be read: nothing of it was
      applied. Return ``reason`` or a better summary.
    - ``_amazon_report_cancelled(report, note)``: Amazon cancelled the report,
      which it does when there is no data to report: not an error. By default
      ``note`` itself.

    None of them may raise for a record's own trouble: the report ends once
    (until a user presses **Retry**).
    """

    _name = "amazon.report.owner"
    _description = "Model an Amazon Report Is For"

    def _amazon_report_done(self, report, document):
        raise NotImplementedError(f"{self._name} does not read Amazon's reports")

    def _amazon_report_failed(self, report, reason):
        raise NotImplementedError(f"{self._name} does not handle failed reports")

    def _amazon_report_cancelled(self, report, note):
        return note
