# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

import contextlib

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.queue_job.job import identity_exact


class AmazonAccount(models.Model):
    """Amazon's verdict on the account's uploaded VAT invoices: the daily
    report, its button, and the documents Amazon expects that Odoo has not
    made."""

    # One model in several files, each named for the part it holds.
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "amazon.account"

    vat_invoice_pending_ids = fields.One2many(
        "amazon.vat.invoice.pending", "account_id", string="Documents Amazon Expects"
    )
    vat_invoice_pending_count = fields.Integer(
        string="VAT Invoices Due",
        compute="_compute_vat_invoice_pending_count",
        help="Shipments and refunds Amazon expects a VAT invoice or credit note "
        "for that Odoo has not made, as Amazon's last VAT invoice data report "
        "listed them.",
    )

    @api.depends("vat_invoice_pending_ids")
    def _compute_vat_invoice_pending_count(self):
        counts = dict(
            self.env["amazon.vat.invoice.pending"]._read_group(
                [("account_id", "in", self.ids)], ["account_id"], ["__count"]
            )
        )
        for account in self:
            account.vat_invoice_pending_count = counts.get(account, 0)

    def action_view_vat_invoice_pending(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "amazon_connector.action_amazon_vat_invoice_pending"
        )
        action["domain"] = [("account_id", "=", self.id)]
        action["context"] = {"default_account_id": self.id}
        return action

    def action_fetch_vat_verdicts(self):
        """Ask Amazon for its VAT invoice data report (a job per account, then
        the report's own jobs: Sales > Amazon > Reports)."""
        self._amazon_job_check(UserError)
        for account in self:
            if not account.vat_invoice_upload:
                raise UserError(
                    _("%s does not upload VAT invoices to Amazon.", account.name)
                )
            self.env["amazon.vat.invoice.pending"].with_delay(
                identity_key=identity_exact,
                description=_("Amazon's VAT invoice verdicts of %s", account.name),
            )._amazon_fetch(account)
        return self._notify(
            _("VAT invoice report requested"),
            _(
                "Amazon's VAT invoice data report is asked; each invoice shows "
                "Amazon's verdict when it is read."
            ),
            "info",
        )

    @api.model
    def _cron_fetch_vat_verdicts(self):
        """Scheduled action: Amazon's VAT invoice verdicts of every connected
        account that uploads VAT invoices."""
        if not self._amazon_connector_enabled():
            return
        for account in self.search(
            [("state", "!=", "draft"), ("vat_invoice_upload", "=", True)]
        ):
            with contextlib.suppress(UserError):  # blocked: nothing to fetch
                account.action_fetch_vat_verdicts()
