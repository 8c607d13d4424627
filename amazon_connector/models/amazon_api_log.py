# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

import logging
from datetime import timedelta

from odoo import SUPERUSER_ID, api, fields, models

_logger = logging.getLogger(__name__)

DEFAULT_RETENTION_DAYS = 30


class AmazonApiLog(models.Model):
    """One call to Amazon's Selling Partner API, as the adapter reported it.

    Rows are written through their own cursor so that a call made by a job whose
    transaction is rolled back is still logged. For the same reason the account and
    its company are kept as plain ids (a foreign key would make the log writer wait
    for the caller's uncommitted transaction). No bodies are stored: they hold buyer
    personal data.
    """

    _name = "amazon.api.log"
    _description = "Amazon API Log"
    _order = "id desc"
    _rec_name = "operation"

    account_ref = fields.Integer(string="Account ID", index=True, readonly=True)
    account_id = fields.Many2one(
        "amazon.account",
        compute="_compute_account_id",
        search="_search_account_id",
    )
    company_ref = fields.Integer(string="Company ID", index=True, readonly=True)
    operation = fields.Char(required=True, readonly=True)
    method = fields.Char(readonly=True)
    status = fields.Integer(string="HTTP Status", readonly=True)
    is_error = fields.Boolean(string="Failed", readonly=True)
    duration_ms = fields.Float(string="Duration (ms)", readonly=True, digits=(16, 1))
    rate_limit = fields.Float(
        string="Rate Limit (req/s)",
        readonly=True,
        digits=(16, 4),
        help="Amazon's x-amzn-RateLimit-Limit header.",
    )
    retries = fields.Integer(readonly=True)
    error_code = fields.Char(string="Amazon Error Code", readonly=True)
    request_id = fields.Char(string="Request ID", readonly=True)
    started_at = fields.Datetime(readonly=True)

    @api.depends("account_ref")
    def _compute_account_id(self):
        for log in self:
            log.account_id = self.env["amazon.account"].browse(log.account_ref).exists()

    def _search_account_id(self, operator, value):
        accounts = self.env["amazon.account"].with_context(active_test=False)
        if operator in ("=", "!=") and not value:
            return [("account_ref", operator, 0)]
        ids = accounts._search([("id", operator, value)])
        return [("account_ref", "in", ids)]

    @api.model
    def _record_calls(self, account, calls):
        """Store the adapter's ``ApiCall`` records in one insert on a new cursor."""
        if not calls:
            return
        values = [
            {
                "account_ref": account.id,
                "company_ref": account.company_id.id,
                "operation": call.operation,
                "method": call.method,
                "status": call.status or 0,
                "is_error": call.status is None or call.status >= 400,
                "duration_ms": call.duration_ms,
                "rate_limit": call.rate_limit or 0.0,
                "retries": call.retries,
                "error_code": call.error_code,
                "request_id": call.request_id,
                "started_at": call.started_at.replace(tzinfo=None),
            }
            for call in calls
        ]
        try:
            with self.env.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                env["amazon.api.log"].create(values)
        except Exception:
            # The log must never break a sync; the call itself already succeeded
            # or raised its own error.
            _logger.exception("Could not write %d Amazon API log rows", len(values))

    @api.model
    def _gc_logs(self):
        """Delete the log rows older than the configured retention (days)."""
        days = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param(
                "amazon_connector.api_log_retention_days", DEFAULT_RETENTION_DAYS
            )
        )
        limit = fields.Datetime.now() - timedelta(days=days)
        self.sudo().search([("create_date", "<", limit)]).unlink()
