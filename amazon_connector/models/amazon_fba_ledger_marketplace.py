# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""How far Amazon's Inventory Ledger of an account is read, per marketplace:
each marketplace's reports end and fail on their own, so a report read in one
never moves another's day on. The account's "Ledger Read Until" is the earliest
of them: what the seller sees, and may set back to have days read again."""

from datetime import timedelta

from odoo import api, fields, models

#: The first fetch of a marketplace reads this many days before today.
FIRST_FETCH_DAYS = 7


class AmazonFbaLedgerMarketplace(models.Model):
    _name = "amazon.fba.ledger.marketplace"
    _description = "Amazon FBA Ledger Read per Marketplace"
    _order = "account_id, marketplace_id"

    account_id = fields.Many2one(
        "amazon.account", required=True, readonly=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    marketplace_id = fields.Many2one(
        "amazon.marketplace", required=True, readonly=True, ondelete="cascade"
    )
    read_until = fields.Date(
        required=True,
        readonly=True,
        help="The ledger of this marketplace is read up to this day (included).",
    )

    _sql_constraints = [
        (
            "account_marketplace_unique",
            "unique(account_id, marketplace_id)",
            "An account reads the ledger of a marketplace up to one day.",
        ),
    ]

    @api.model
    def _amazon_read_until(self, account):
        """{marketplace id: record} of the account's marketplaces, a record
        made for a marketplace without one (from the account's day, else
        ``FIRST_FETCH_DAYS`` back). The account's day is the earliest of its
        records' unless the seller changed it: then every marketplace reads
        from it (a day set back is read again in each)."""
        self = self.sudo()
        marketplaces = account.marketplace_ids
        records = self.search(
            [
                ("account_id", "=", account.id),
                ("marketplace_id", "in", marketplaces.ids),
            ]
        )
        floor = account.fba_ledger_fetched_until
        start = floor or fields.Date.today() - timedelta(days=FIRST_FETCH_DAYS)
        if records and floor != min(records.mapped("read_until")):
            records.read_until = start
        missing = marketplaces - records.marketplace_id
        records |= self.create(
            [
                {"account_id": account.id, "marketplace_id": m.id, "read_until": start}
                for m in missing
            ]
        )
        return {record.marketplace_id.id: record for record in records}

    @api.model
    def _amazon_mark_read(self, report):
        """The days of ``report`` are read in its marketplaces (never back);
        the account's day becomes the earliest of its marketplaces'."""
        account = report.account_id.sudo()
        if not report.data_end:
            return
        read_until = self._amazon_read_until(account)
        last = report.data_end.date()
        for marketplace in report.marketplace_ids:
            record = read_until.get(marketplace.id)
            if record and record.read_until < last:
                record.read_until = last
        if read_until:
            account.fba_ledger_fetched_until = min(
                record.read_until for record in read_until.values()
            )
