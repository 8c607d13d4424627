# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

import logging

import psycopg2

from odoo import _, fields, models
from odoo.exceptions import UserError

from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.job import identity_exact

from ..amazon.errors import AmazonPermanentError, AmazonRetryableError
from .amazon_job import amazon_job

_logger = logging.getLogger(__name__)


class AmazonAccount(models.Model):
    """The account's order import: starting it (by hand, by the scheduled action,
    one order by its number), its progress and counts, and the records the
    imported orders need of the account (the guest customer, the FBA location)."""

    # One model in several files, each named for the part it holds.
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "amazon.account"

    order_count = fields.Integer(compute="_compute_order_count", string="Orders")
    failed_import_count = fields.Integer(
        compute="_compute_order_count", string="Failed Imports"
    )

    import_progress = fields.Char(
        compute="_compute_import_progress",
        string="Import in Progress",
        help="The order import window being read, one page per job.",
    )

    def _compute_import_progress(self):
        windows = {
            window.account_id: window
            for window in self.env["amazon.import.window"]
            .sudo()
            .search([("account_id", "in", self.ids)])
        }
        for account in self:
            window = windows.get(account)
            account.import_progress = (
                self.env._(
                    "%(phase)s up to %(end)s: %(pages)s page(s) read",
                    phase=dict(window._fields["phase"].selection)[window.phase],
                    end=fields.Datetime.to_string(window.updated_before),
                    pages=window.pages_read,
                )
                if window
                else False
            )

    def _compute_order_count(self):
        orders = dict(
            self.env["sale.order"]._read_group(
                [("amazon_account_id", "in", self.ids)],
                ["amazon_account_id"],
                ["__count"],
            )
        )
        failed = dict(
            self.env["amazon.order.import"]._read_group(
                [("account_id", "in", self.ids), ("state", "=", "failed")],
                ["account_id"],
                ["__count"],
            )
        )
        for account in self:
            account.order_count = orders.get(account, 0)
            account.failed_import_count = failed.get(account, 0)

    # ------------------------------------------------------------------ records

    def _amazon_guest_partner(self):
        """The account's shared customer, created when missing."""
        self.ensure_one()
        if not self.guest_partner_id:
            self.sudo().guest_partner_id = (
                self.env["res.partner"]
                .sudo()
                .create(
                    {
                        "name": self.env._("Amazon customer (%s)", self.name),
                        "amazon_account_id": self.id,
                        "company_id": self.company_id.id,
                        "category_id": [
                            (
                                4,
                                self.env.ref(
                                    "amazon_connector.partner_category_amazon"
                                ).id,
                            )
                        ],
                    }
                )
            )
        return self.guest_partner_id

    def _amazon_fba_location(self):
        """The account's FBA stock location, created when missing: an internal
        location outside every warehouse."""
        return self._amazon_location(
            "fba_location_id",
            {
                "name": self.env._("Amazon FBA (%s)", self.name),
                "usage": "internal",
                "location_id": self.env.ref("stock.stock_location_locations").id,
            },
        )

    # ------------------------------------------------------------------ actions

    def action_import_orders(self):
        """Import the orders changed since the last import (a job per account)."""
        for account in self:
            account.with_delay(
                identity_key=identity_exact,
                description=_("Import Amazon orders of %s", account.name),
            )._import_orders()
        return self._notify(
            _("Import queued"),
            _(
                "The orders of %s will be imported in a moment.",
                ", ".join(self.mapped("name")),
            ),
            "info",
        )

    def action_view_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "amazon_connector.action_amazon_orders"
        )
        action["domain"] = [("amazon_account_id", "=", self.id)]
        return action

    def action_view_failed_imports(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "amazon_connector.action_amazon_order_import"
        )
        action["domain"] = [("account_id", "=", self.id), ("state", "=", "failed")]
        return action

    def _cron_import_orders(self):
        """Scheduled action: enqueue an import for every active account, when the
        connector is switched on in Settings."""
        if not self._amazon_connector_enabled():
            return
        self.search([("state", "!=", "draft")]).action_import_orders()

    # ------------------------------------------------------------------ jobs

    @amazon_job
    def _import_orders(self):
        """Job: start importing the orders changed since the high-water mark.

        The window ]mark - overlap, now - 2 min] is read one page per job (see
        ``amazon.import.window``); the mark moves once its last page is done. When
        a window of the account is still running, nothing more starts.

        Importing Amazon's data is the connector's work, not the clicking user's: any
        Amazon user may start it (the job keeps who did), it runs with superuser
        rights and the records follow the account's company.
        """
        self.ensure_one()
        account = self.sudo()
        account._amazon_job_check()
        account._lock_for_import()
        if not account.marketplace_ids:
            raise UserError(_("The Amazon account %s has no marketplace.", self.name))
        window = self.env["amazon.import.window"].sudo()._open(account)
        if not window:
            return _("An import of this account is already running.")
        job = window._queue_next_page(delay=0)
        if job.result is not None:  # run at once: the window's outcome
            return job.result
        return _("The next page is queued.")

    def _import_order_by_ref(self, amazon_order_ref):
        """Fetch one order by its Amazon number (getOrder) and import it, whatever
        its date: the user asked for it."""
        self.ensure_one()
        # Only for an account the user may read (its company's); then the
        # connector's work, like _import_orders: run as superuser.
        self.check_access("read")
        record = self.sudo()._fetch_and_import_order(amazon_order_ref)
        if record.state == "failed":
            raise UserError(
                _(
                    "Amazon order %(ref)s: %(error)s",
                    ref=record.amazon_order_ref,
                    error=record.error,
                )
            )
        return record.sale_order_id.with_env(self.env)

    def _fetch_and_import_order(self, amazon_order_ref):
        """Fetch one order (getOrder), import it; return its import record."""
        ref = (amazon_order_ref or "").strip()
        if not ref:
            raise UserError(_("Give the Amazon order number to import."))
        try:
            with self._amazon_session() as adapter:
                payload = adapter.get_order(ref)
        except AmazonRetryableError as error:
            raise UserError(
                _(
                    "Amazon is busy; try again in %s seconds.",
                    int(error.retry_after) + 1,
                )
            ) from error
        except AmazonPermanentError as error:
            raise UserError(
                _(
                    "Amazon could not return the order %(ref)s: %(error)s",
                    ref=ref,
                    error=error,
                )
            ) from error
        self.env["amazon.order.sync"]._sync_payloads(
            self, [payload], force=True, initial=True
        )
        return self.env["amazon.order.import"].search(
            [("account_id", "=", self.id), ("amazon_order_ref", "=", ref)], limit=1
        )

    def _lock_for_import(self):
        """One import per account at a time: a second job waits for a retry."""
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    "SELECT id FROM amazon_account WHERE id = %s FOR UPDATE NOWAIT",
                    [self.id],
                )
        except psycopg2.errors.LockNotAvailable as error:
            raise RetryableJobError(
                _("Another import of this Amazon account is running."), seconds=60
            ) from error
