# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

import logging
from collections import Counter
from datetime import timedelta, timezone

from odoo import _, api, fields, models

from odoo.addons.queue_job.job import identity_exact

from ..amazon.errors import (
    AmazonAuthError,
    AmazonPaginationExpired,
    AmazonPermanentError,
)
from ..amazon.order_payload import TO_SHIP_ORDER_STATUSES, amazon_status_codes
from .amazon_job import amazon_job

_logger = logging.getLogger(__name__)

# searchOrders shows a change about 2 minutes after it happens: never ask for newer.
VISIBILITY_DELAY = timedelta(minutes=2)
# Re-read a few minutes before the high-water mark: late-indexed changes are caught,
# the idempotent upsert makes the repeats harmless.
WINDOW_OVERLAP = timedelta(minutes=10)
# How far back the first import looks for orders still Unshipped at the start moment.
INITIAL_SWEEP = timedelta(days=30)
# A page job waits for Amazon's quota a few seconds at most, and tries a throttled
# call a few times: a longer wait becomes the job's ETA (next page) or its retry
# delay (this page), never a sleeping worker.
PAGE_JOB_MAX_WAIT = 5.0
PAGE_JOB_ATTEMPTS = 3
# How often a window whose pagination token Amazon refused is read again from its
# first page before the import stops (the next scheduled run starts afresh).
MAX_RESTARTS = 3
# queue.job states of a job that will still run.
LIVE_JOB_STATES = ("wait_dependencies", "pending", "enqueued", "started")


def _utc(value):
    """Odoo's naive UTC datetime as the aware one Amazon expects."""
    return value.replace(tzinfo=timezone.utc)


class AmazonImportWindow(models.Model):
    """An order import window of one account, read one page per job.

    Each page of searchOrders is imported and committed by its own job, which then
    queues the job of the next page with Amazon's pagination token, scheduled for
    when the quota allows: a backlog of any size progresses, a throttled or failed
    job only ever repeats its own page. The account's high-water mark moves when
    the last page is done, and the window is removed then. One window per account
    (a database constraint): two windows of an account never run at once.

    The first window of an account has two phases: ``sweep`` (orders created in the
    30 days before the account's start moment and still Unshipped then), then
    ``updates`` (orders changed since the mark, minus an overlap).
    """

    _name = "amazon.import.window"
    _description = "Amazon Order Import Window"
    _order = "id"

    account_id = fields.Many2one(
        "amazon.account", required=True, ondelete="cascade", index=True
    )
    phase = fields.Selection(
        [("sweep", "Orders Unshipped at the start"), ("updates", "Orders changed")],
        required=True,
    )
    first_phase = fields.Selection(
        [("sweep", "Orders Unshipped at the start"), ("updates", "Orders changed")],
        required=True,
    )
    updated_after = fields.Datetime(required=True)
    updated_before = fields.Datetime(required=True)
    page_token = fields.Char(
        help="Amazon's token of the next page to read (empty: the phase's first)."
    )
    pages_read = fields.Integer()
    restarts = fields.Integer()
    job_uuid = fields.Char(help="The queued job that reads the next page.")
    outcomes = fields.Json(default=dict)

    _sql_constraints = [
        (
            "account_uniq",
            "unique(account_id)",
            "An order import of this Amazon account is already running.",
        ),
    ]

    # ------------------------------------------------------------------ start

    @api.model
    def _open(self, account):
        """Open the next window of ``account`` (whose import lock is held); return
        it, or an empty recordset when the account's previous window is still
        running."""
        running = self.search([("account_id", "=", account.id)])
        if running and running._job_alive():
            return self.browse()
        if running:
            _logger.info(
                "Amazon account %s: the import window stopped at page %s "
                "(its job failed or vanished); starting again from the mark",
                account.id,
                running.pages_read,
            )
            running.unlink()
            self.env.flush_all()
        end = fields.Datetime.now() - VISIBILITY_DELAY
        start = account.orders_high_water_mark or account.import_orders_from
        first_phase = "updates" if account.orders_high_water_mark else "sweep"
        window = self.create(
            {
                "account_id": account.id,
                "phase": first_phase,
                "first_phase": first_phase,
                "updated_after": min(start - WINDOW_OVERLAP, end),
                "updated_before": end,
            }
        )
        return window

    def _job_alive(self):
        self.ensure_one()
        if not self.job_uuid:
            return False
        return bool(
            self.env["queue.job"]
            .sudo()
            .search_count(
                [("uuid", "=", self.job_uuid), ("state", "in", LIVE_JOB_STATES)]
            )
        )

    # ------------------------------------------------------------------ pages

    def _queue_next_page(self, delay):
        """Queue the job of the page ``page_token`` points at, ``delay`` seconds
        from now (Amazon's quota); return the job. In queue_job's no-delay mode
        (scripts, the demo) the rest of the window has run when it returns, and
        the job's ``result`` is its outcome."""
        self.ensure_one()
        job = self.with_delay(
            eta=max(0, int(delay + 0.999)) or None,
            identity_key=identity_exact,
            description=_(
                "Import Amazon orders of %(account)s, page %(page)s",
                account=self.account_id.name,
                page=self.pages_read + 1,
            ),
        )._import_page(self.page_token or False, self.phase)
        if self.exists():  # still open: it waits for this job
            self.job_uuid = job.uuid
        return job

    @amazon_job
    def _import_page(self, page_token, phase=None):
        """Job: import one page of the window, then queue the next one (or close
        the window). Idempotent: a job whose page was already read does nothing."""
        self = self.sudo()  # the connector's work (see _import_orders)
        if not self.exists():
            return _("Nothing to do: the import window was closed.")
        account = self.account_id.sudo()
        account._amazon_job_check()
        account._lock_for_import()
        if (self.page_token or False) != (page_token or False) or (
            phase and phase != self.phase
        ):
            return _("Nothing to do: this page was already imported.")
        if self.phase == "updates" and self.updated_after >= self.updated_before:
            # Nothing can have changed yet (an "import orders from" in the future).
            return self._close(account)
        # Throttled, nothing of this page was read: the job frame has the same
        # job read it again later.
        try:
            with account._amazon_job_session(
                max_wait=PAGE_JOB_MAX_WAIT, max_attempts=PAGE_JOB_ATTEMPTS
            ) as adapter:
                page = adapter.search_orders_page(
                    **self._search_criteria(), pagination_token=page_token or None
                )
                delay = adapter.next_call_delay("searchOrders")
        except AmazonPaginationExpired as error:
            return self._restart(error)
        except AmazonPermanentError as error:
            return self._stop(account, error)
        outcomes = self.env["amazon.order.sync"]._sync_payloads(
            account, page.orders, initial=self.phase == "sweep"
        )
        self.write(
            {
                "pages_read": self.pages_read + 1,
                "outcomes": dict(Counter(self.outcomes or {}) + outcomes),
            }
        )
        if page.next_token:
            self.page_token = page.next_token
        elif self.phase == "sweep":
            self.write({"phase": "updates", "page_token": False})
        else:
            return self._close(account)
        pages_read = self.pages_read
        job = self._queue_next_page(delay)
        if job.result is not None:  # run at once: the rest of the window's outcome
            return job.result
        return _(
            "Page %(page)s imported: %(outcomes)s. %(next)s",
            page=pages_read,
            outcomes=dict(outcomes) or _("nothing new"),
            next=_("The next page is queued."),
        )

    def _search_criteria(self):
        self.ensure_one()
        account = self.account_id
        criteria = {"marketplace_ids": account.marketplace_ids.mapped("marketplace_id")}
        if self.phase == "sweep":
            start = min(account.import_orders_from, self.updated_before)
            return {
                **criteria,
                "created_after": _utc(start - INITIAL_SWEEP),
                "created_before": _utc(start),
                "fulfillment_statuses": amazon_status_codes(TO_SHIP_ORDER_STATUSES),
            }
        return {
            **criteria,
            "last_updated_after": _utc(self.updated_after),
            "last_updated_before": _utc(self.updated_before),
        }

    # ------------------------------------------------------------------ ends

    def _close(self, account):
        """The last page is done: move the mark, remove the window, keep what it
        did as the account's last order import."""
        summary = dict(self.outcomes or {})
        account._amazon_record_run(
            "orders", self._outcomes_summary(), failed=bool(summary.get("failed"))
        )
        account.write(
            {
                "orders_high_water_mark": self.updated_before,
                "state": "connected",
                "last_error": False,
            }
        )
        pages = self.pages_read
        self.unlink()
        return _(
            "Imported (%(pages)s pages): %(outcomes)s",
            pages=pages,
            outcomes=summary or _("nothing new"),
        )

    def _restart(self, error):
        """Amazon refused the pagination token: read the window again from its
        first page (the orders already imported are recognised, nothing doubles)."""
        if self.restarts >= MAX_RESTARTS:
            return self._stop(self.account_id.sudo(), error)
        _logger.info(
            "Amazon account %s: pagination token refused at page %s, reading the "
            "window again from its first page",
            self.account_id.id,
            self.pages_read + 1,
        )
        self.write(
            {
                "phase": self.first_phase,
                "page_token": False,
                "restarts": self.restarts + 1,
            }
        )
        job = self._queue_next_page(delay=0)
        if job.result is not None:  # run at once: the rest of the window's outcome
            return job.result
        return _(
            "Amazon refused the pagination token; the window is read again from "
            "its first page: %s",
            error,
        )

    def _stop(self, account, error):
        """A permanent error: keep what was imported (each order is whole), leave
        the mark; the next scheduled run reads the window again."""
        if isinstance(error, AmazonAuthError):
            message = account._amazon_mark_error(error)
        else:
            message = str(error)
            account.last_error = message
        _logger.warning("Amazon import of account %s stopped: %s", account.id, message)
        account._amazon_record_run(
            "orders",
            _(
                "%(outcomes)s; stopped: %(error)s",
                outcomes=self._outcomes_summary(),
                error=message,
            )
            if self.outcomes
            else _("Import stopped: %s", message),
            failed=True,
        )
        self.unlink()
        return _("Import stopped: %s", message)

    def _outcomes_summary(self):
        """What the window's pages did, in words: imported, updated, to review,
        failed (orders unchanged or skipped on purpose are left out)."""
        outcomes = Counter(self.outcomes or {})
        imported = outcomes["created"] + outcomes["created_pending"]
        updated = outcomes["confirmed"] + outcomes["updated"] + outcomes["canceled"]
        if not (imported or updated or outcomes["review"] or outcomes["failed"]):
            return _("No new or changed order")
        parts = [_("%s order(s) imported", imported)]
        if updated:
            parts.append(_("%s updated", updated))
        if outcomes["review"]:
            parts.append(_("%s to review", outcomes["review"]))
        if outcomes["failed"]:
            parts.append(_("%s failed", outcomes["failed"]))
        return ", ".join(parts)
