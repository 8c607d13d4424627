# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

import contextlib

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.queue_job.job import identity_exact


class AmazonAccount(models.Model):
    # One model in several files, each named for the part it holds.
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "amazon.account"

    import_returns = fields.Boolean(
        default=True,
        help="Every day, Amazon's returns reports (merchant returns and FBA "
        "customer returns) are read: each return becomes an Amazon return, a "
        "merchant one the return transfer of its delivery.",
    )
    returns_fetched_until = fields.Datetime(
        compute="_compute_returns_fetched_until",
        inverse="_inverse_returns_fetched_until",
        help="Both returns reports were read up to this moment (the earlier of "
        "the two); the next fetch asks from a day before. Set it back (60 days "
        "at most) and click Fetch Returns to read older days again, e.g. the "
        "returns of an order imported since.",
    )
    returns_merchant_fetched_until = fields.Datetime(
        readonly=True,
        copy=False,
        help="The merchant returns report was read up to this moment: the next "
        "fetch asks from here (less a day).",
    )
    returns_fba_fetched_until = fields.Datetime(
        string="FBA Returns Fetched Until",
        readonly=True,
        copy=False,
        help="The FBA customer returns report was read up to this moment: the "
        "next fetch asks from here (less a day).",
    )

    @api.depends("returns_merchant_fetched_until", "returns_fba_fetched_until")
    def _compute_returns_fetched_until(self):
        for account in self:
            moments = [
                moment
                for moment in (
                    account.returns_merchant_fetched_until,
                    account.returns_fba_fetched_until,
                )
                if moment
            ]
            account.returns_fetched_until = min(moments) if len(moments) == 2 else False

    def _inverse_returns_fetched_until(self):
        for account in self:
            account.write(
                {
                    "returns_merchant_fetched_until": account.returns_fetched_until,
                    "returns_fba_fetched_until": account.returns_fetched_until,
                }
            )

    def action_fetch_returns(self):
        """Ask Amazon for the returns since the last ones (a job per account,
        then one report per returns report: Sales > Amazon > Reports)."""
        self._amazon_job_check(UserError)
        for account in self:
            self.env["amazon.return"].with_delay(
                identity_key=identity_exact,
                description=_("Fetch the returns of %s", account.name),
            )._amazon_fetch(account)
        return self._notify(
            _("Returns requested"),
            _(
                "Amazon's returns reports are asked; each return is recorded in "
                "Sales > Amazon > Returns and the account's chatter says what came."
            ),
            "info",
        )

    @api.model
    def _cron_fetch_returns(self):
        """Scheduled action: fetch the returns of every connected account that
        imports them."""
        if not self._amazon_connector_enabled():
            return
        for account in self.search(
            [("state", "!=", "draft"), ("import_returns", "=", True)]
        ):
            with contextlib.suppress(UserError):  # blocked: nothing to fetch
                account.action_fetch_returns()
