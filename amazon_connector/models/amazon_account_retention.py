# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

import logging
from datetime import timedelta

from odoo import _, api, fields, models

from odoo.addons.queue_job.job import identity_exact

_logger = logging.getLogger(__name__)

#: Contacts anonymised per batch: each batch takes the same number of queries.
RETENTION_BATCH = 1000


class AmazonAccount(models.Model):
    """The daily retention run: buyers' personal data replaced with neutral
    values once the account's *Keep Buyers' Personal Data* days have passed
    since their orders' delivery (``res_partner_retention.py``)."""

    # One model in several files, each named for the part it holds.
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "amazon.account"

    @api.model
    def _cron_apply_retention(self):
        """Scheduled action: one retention job per account that keeps buyers'
        personal data for a limited time."""
        if not self._amazon_connector_enabled():
            return
        for account in self.search([("pii_retention_days", ">", 0)]):
            account._amazon_queue_retention()

    def _amazon_queue_retention(self):
        """Queue the account's retention run (one job per account at a time)."""
        self.ensure_one()
        return self.with_delay(
            identity_key=identity_exact,
            description=_("Anonymise the past buyers of %s", self.name),
        )._amazon_apply_retention()

    def _amazon_apply_retention(self):
        """Job: anonymise the account's buyer contacts whose orders were all
        delivered or canceled more than ``pii_retention_days`` ago, in batches;
        record the run. Running it again anonymises only what became due since."""
        self.ensure_one()
        if self.pii_retention_days <= 0:
            return _("Retention off: buyers' personal data is kept.")
        cutoff = fields.Datetime.now() - timedelta(days=self.pii_retention_days)
        Partner = self.env["res.partner"].sudo().with_context(active_test=False)
        due = Partner._amazon_retention_due(self, cutoff)
        guest = self.guest_partner_id.id
        buyers = set()
        for start in range(0, len(due), RETENTION_BATCH):
            batch = Partner.browse(due[start : start + RETENTION_BATCH])
            buyers.update(
                partner.id
                if partner.commercial_partner_id.id == guest
                else (partner.commercial_partner_id.id)
                for partner in batch
            )
            batch._amazon_anonymize()
            # The next batch starts from an empty cache: memory stays flat.
            self.env.invalidate_all()
        summary = _("%s buyers anonymised", len(buyers))
        _logger.info("Amazon account %s: %s", self.id, summary)
        self._amazon_record_run("retention", summary)
        return summary
