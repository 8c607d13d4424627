# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

import logging

import psycopg2

from odoo import api, fields, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

SYNC_RUN_KINDS = [
    ("orders", "Orders"),
    ("shipments", "Shipments"),
    ("stock", "Stock"),
    ("prices", "Prices"),
    ("settlements", "Settlements"),
    ("returns", "Returns"),
    ("fba", "FBA Inventory"),
    ("vat_invoices", "VAT Invoices"),
    ("retention", "Personal Data"),
]


class AmazonSyncRun(models.Model):
    """The last run of one synchronisation of an account: when it ended, whether
    it went well, and what it did in a seller's words.

    One row per account and kind, overwritten by each run (the table never
    grows); written by the synchronisations themselves, at their end and in
    their own transaction (``amazon.account._amazon_record_run``). A job that
    raises to be retried records nothing: queue_job shows it.
    """

    _name = "amazon.sync.run"
    _description = "Amazon Synchronisation Run"
    _order = "account_id, kind"
    _rec_name = "kind"

    account_id = fields.Many2one(
        "amazon.account", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    kind = fields.Selection(SYNC_RUN_KINDS, required=True, readonly=True)
    date = fields.Datetime(required=True, readonly=True, help="When the run ended.")
    state = fields.Selection(
        [("ok", "Done"), ("failed", "Failed")],
        required=True,
        readonly=True,
        help="Failed: the run stopped on an error, or part of what it handled "
        "failed (an order, a delivery, an offer Amazon refused): the summary says "
        "what.",
    )
    summary = fields.Char(readonly=True)

    _sql_constraints = [
        (
            "account_kind_uniq",
            "unique(account_id, kind)",
            "One last run per Amazon account and synchronisation.",
        ),
    ]

    @api.model
    def _amazon_upsert(self, accounts, kind, summary, failed=False):
        """Make ``summary`` the last run of ``kind`` of each of ``accounts``.

        One statement per account (insert, or overwrite the row): jobs of an
        account run side by side (one confirmation job per delivery) and end on
        the same row. When a concurrent job holds it, the one that commits first
        keeps it and this run is not recorded, rather than failing (or
        repeating) a job whose work Amazon has already taken.
        """
        now = fields.Datetime.now()
        uid = self.env.uid
        state = "failed" if failed else "ok"
        self.flush_model()
        for account in accounts:
            query = SQL(
                """
                INSERT INTO amazon_sync_run
                       (account_id, company_id, kind, date, state, summary,
                        create_uid, create_date, write_uid, write_date)
                VALUES (%(account)s, %(company)s, %(kind)s, %(now)s, %(state)s,
                        %(summary)s, %(uid)s, %(now)s, %(uid)s, %(now)s)
                ON CONFLICT (account_id, kind) DO UPDATE
                   SET date = EXCLUDED.date,
                       state = EXCLUDED.state,
                       summary = EXCLUDED.summary,
                       write_uid = EXCLUDED.write_uid,
                       write_date = EXCLUDED.write_date
                """,
                account=account.id,
                company=account.company_id.id,
                kind=kind,
                now=now,
                state=state,
                summary=summary or None,
                uid=uid,
            )
            try:
                with self.env.cr.savepoint(flush=False):
                    self.env.cr.execute(query, log_exceptions=False)
            except psycopg2.extensions.TransactionRollbackError as error:
                _logger.info(
                    "Amazon account %s: last %s run not recorded (a concurrent "
                    "run holds it): %s",
                    account.id,
                    kind,
                    error,
                )
        self.invalidate_model(["date", "state", "summary", "write_uid", "write_date"])
        accounts.invalidate_recordset(["sync_run_ids"])
