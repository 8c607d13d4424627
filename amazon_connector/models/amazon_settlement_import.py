# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""The import of a settlement report: Amazon's flat file read, checked against
the account (seller, marketplace, currency) and kept as a settlement with its
lines, booked at once when the account says so."""

from datetime import timezone

from odoo import _, api, models
from odoo.exceptions import UserError

from ..amazon.settlement_report import InvalidSettlement, parse_settlement


class AmazonSettlement(models.Model):
    # One model in several files, each named for the part it holds.
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "amazon.settlement"

    @api.model
    def create_from_report(
        self, account, data, *, charset=None, report_ref=None, marketplace=None
    ):
        """Import a V2 settlement flat file (the bytes Amazon serves, ungzipped)
        into ``account`` and book it when it balances.

        Returns the settlement, or the one already imported under this settlement
        id (nothing changes then). Raises UserError for a file that is not a
        settlement, or one of another account or marketplace: nothing is created.
        """
        account.ensure_one()
        report = self._amazon_parse(account, data, charset, marketplace)
        existing = self.sudo().search(
            [("settlement_ref", "=", report.settlement_ref)], limit=1
        )
        if existing and existing.account_id != account:
            existing._amazon_check_seller(account)
            return existing
        if existing and not (
            existing.blocked and not report.problems and report.balanced
        ):
            return existing
        marketplace = self._amazon_marketplace(account, report, marketplace)
        values = self._amazon_import_values(account, report, marketplace, report_ref)
        if existing:
            # A settlement kept in error, imported again from a file that reads
            # and balances: the new file replaces the old one's lines.
            settlement = existing.sudo()
            settlement.line_ids.unlink()
            settlement.write(
                {**values, "report_ref": report_ref or existing.report_ref}
            )
        else:
            settlement = self.sudo().create(values)
        self.env["amazon.settlement.line"].sudo()._amazon_create_lines(
            settlement, report.lines
        )
        settlement._amazon_post_imported(report, data, report_ref)
        # Its FBA Inventory Reimbursements meet the ledger's losses.
        self.env["amazon.fba.event"].sudo()._amazon_link_reimbursements(account)
        if not settlement.blocked and account.settlement_auto_post:
            settlement._amazon_book_quietly()
        return settlement.with_env(self.env)

    def _amazon_check_seller(self, account):
        """Refuse to import into ``account`` this settlement, imported already
        into another account: one of the same seller keeps it, one of another
        seller says whose it is."""
        if self.account_id.seller_id != account.seller_id:
            raise UserError(
                _(
                    "Settlement %(ref)s belongs to the Amazon account "
                    "%(other)s (seller %(seller)s), not to %(account)s.",
                    ref=self.settlement_ref,
                    other=self.account_id.name,
                    seller=self.account_id.seller_id,
                    account=account.name,
                )
            )

    @api.model
    def _amazon_import_values(self, account, report, marketplace, report_ref):
        """The values of the settlement of ``report``; one whose file has problems
        or does not balance is blocked (never booked)."""
        problems = self._amazon_import_problems(report)
        return {
            "account_id": account.id,
            "marketplace_id": marketplace.id,
            "settlement_ref": report.settlement_ref,
            "report_ref": report_ref,
            "start_date": _naive(report.start),
            "end_date": _naive(report.end),
            "deposit_date": _naive(report.deposit_date),
            "currency_id": self._amazon_currency(report).id,
            "total_amount": float(report.total_amount),
            "difference": float(report.difference),
            "problems": "\n".join(problems) or False,
            "blocked": bool(problems),
        }

    @api.model
    def _amazon_currency(self, report):
        """The currency of ``report``, archived or not; one Odoo does not know is
        refused."""
        currency = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search([("name", "=", report.currency)], limit=1)
        )
        if not currency:
            raise UserError(
                _(
                    "Settlement %(ref)s is in %(currency)s, a currency Odoo does not "
                    "know.",
                    ref=report.settlement_ref,
                    currency=report.currency,
                )
            )
        return currency

    @api.model
    def _amazon_import_problems(self, report):
        """What keeps ``report`` from being booked: the problems of its file, and
        first the difference when its lines do not sum to its total."""
        problems = list(report.problems)
        if not report.balanced:
            problems.insert(
                0,
                _(
                    "The lines sum to %(lines)s %(currency)s but the settlement's "
                    "total is %(total)s %(currency)s (difference %(difference)s): "
                    "nothing is booked until Amazon's file balances.",
                    lines=report.total_amount - report.difference,
                    total=report.total_amount,
                    difference=report.difference,
                    currency=report.currency,
                ),
            )
        return problems

    def _amazon_post_imported(self, report, data, report_ref):
        """Say in the chatter where the settlement came from, the file attached."""
        self.message_post(
            body=_(
                "Imported from %(origin)s: %(count)s amounts, total %(total)s "
                "%(currency)s.",
                origin=report_ref or _("an uploaded file"),
                count=len(report.lines),
                total=report.total_amount,
                currency=report.currency,
            ),
            attachments=[(f"{report.settlement_ref}.txt", data)],
        )

    @api.model
    def _amazon_parse(self, account, data, charset, marketplace):
        """Read the file as the marketplace given writes it, else as any of the
        account's marketplaces does (the UK's day-first dates, Japan's encoding
        when the download declared none): the first reading that works."""
        candidates = [marketplace.marketplace_id if marketplace else None]
        candidates += [
            m.marketplace_id
            for m in account.marketplace_ids
            if m.marketplace_id not in candidates
        ]
        first_error = None
        for marketplace_id in candidates:
            try:
                return parse_settlement(
                    data, charset=charset, marketplace_id=marketplace_id
                )
            except InvalidSettlement as error:
                first_error = first_error or error
        raise UserError(
            _("This file cannot be imported as an Amazon settlement: %s", first_error)
        )

    @api.model
    def _amazon_marketplace(self, account, report, marketplace=None):
        """The marketplace of ``report``: the one its lines name, else the one given
        (upload, listing), else the account's only one in its currency. A
        marketplace the account does not sell on is refused."""
        marketplace = marketplace or self.env["amazon.marketplace"]
        names = set(report.marketplace_names)
        named = (
            self.env["amazon.marketplace"].search(
                ["|", ("name", "in", list(names)), ("domain", "in", list(names))]
            )
            if names
            else self.env["amazon.marketplace"]
        )
        if named:
            foreign = named - account.marketplace_ids
            if foreign:
                raise UserError(
                    _(
                        "Settlement %(ref)s is of %(marketplaces)s, where the Amazon "
                        "account %(account)s does not sell: import it into the "
                        "account of that marketplace.",
                        ref=report.settlement_ref,
                        marketplaces=", ".join(foreign.mapped("name")),
                        account=account.name,
                    )
                )
            return marketplace if marketplace and marketplace in named else named[0]
        if marketplace:
            if marketplace not in account.marketplace_ids:
                raise UserError(
                    _(
                        "The Amazon account %(account)s does not sell on "
                        "%(marketplace)s.",
                        account=account.name,
                        marketplace=marketplace.name,
                    )
                )
            return marketplace
        in_currency = account.marketplace_ids.filtered(
            lambda m: m.currency_id.name == report.currency
        )
        if not in_currency:
            raise UserError(
                _(
                    "Settlement %(ref)s is in %(currency)s, but no marketplace of the "
                    "Amazon account %(account)s is: is it another seller's?",
                    ref=report.settlement_ref,
                    currency=report.currency,
                    account=account.name,
                )
            )
        return in_currency[0]


def _naive(value):
    """A timezone-aware datetime as Odoo keeps them (UTC, naive)."""
    if value is None:
        return False
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value
