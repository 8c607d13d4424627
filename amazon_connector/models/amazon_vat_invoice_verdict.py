# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from datetime import timedelta

from odoo import _, api, fields, models

from ..amazon.vat_invoice import VAT_INVOICE_COUNTRIES
from ..amazon.vat_invoice_report import (
    MAX_REPORT_DAYS,
    REPORT_OPTIONS,
    REPORT_TYPE,
    Verdict,
    read_vat_invoice_report,
)
from .amazon_job import amazon_job

#: A report Amazon has not ended after a day is asked again.
STUCK_AFTER = timedelta(days=1)
#: The verdicts that want a document Odoo may not have.
WANTING = (Verdict.DUE, Verdict.REFUSED)


class AmazonVatInvoiceVerdict(models.Model):
    """Amazon's verdict on the uploaded VAT invoices: every day, its VAT invoice
    data report of the last 30 days (every status: ``all``) asked for each
    account that uploads them (an ``amazon.report``, this model its owner); each
    transaction's verdict applied to its invoice or credit note, and the list
    of documents Amazon expects that Odoo has not made renewed."""

    _name = "amazon.vat.invoice.pending"
    _inherit = ["amazon.vat.invoice.pending", "amazon.report.owner"]

    @api.model
    @amazon_job
    def _amazon_fetch(self, account):
        """Job: ask Amazon for the VAT invoice data report of ``account``'s
        European marketplaces, orders of the last 30 days, unless one asked less
        than a day ago is still under way. Idempotent: a report applied twice
        changes nothing the second time."""
        self = self.sudo()
        account = account.sudo()
        account._amazon_job_check()
        marketplaces = account.marketplace_ids.filtered(
            lambda m: m.country_id.code in VAT_INVOICE_COUNTRIES
        )
        if not account.vat_invoice_upload or not marketplaces:
            return _("Nothing to do: the account does not upload VAT invoices.")
        now = fields.Datetime.now()
        if self.env["amazon.report"].search_count(
            [
                ("account_id", "=", account.id),
                ("res_model", "=", self._name),
                ("state", "in", ("requested", "in_progress")),
                ("create_date", ">=", now - STUCK_AFTER),
            ]
        ):
            return _("A VAT invoice data report is still under way.")
        report = self.env["amazon.report"]._amazon_create(
            account,
            REPORT_TYPE,
            self,
            marketplaces=marketplaces,
            data_start=now - timedelta(days=MAX_REPORT_DAYS),
            data_end=now,
            report_options=dict(REPORT_OPTIONS),
        )
        report._amazon_queue_request()
        return _("VAT invoice data report asked of Amazon.")

    # ------------------------------------------------------------ applying

    @api.model
    def _amazon_apply(self, report, reading):
        """Apply each transaction's verdict; renew the account's pending list.
        Return the counts for the summary."""
        account = report.account_id
        transactions = reading.transactions()
        orders = {
            order.amazon_order_ref: order
            for order in self.env["sale.order"].search(
                [
                    ("amazon_account_id", "=", account.id),
                    ("amazon_order_ref", "in", list({k[0] for k in transactions})),
                ]
            )
        }
        counts = {"accepted": 0, "refused": 0, "unknown": 0}
        wanted = []
        for row in transactions.values():
            order = orders.get(row.order_ref)
            moves = self._amazon_documents(order, row)
            if order is None:
                counts["unknown"] += 1
            if row.verdict is Verdict.ACCEPTED:
                counts["accepted"] += len(moves._amazon_vat_accept())
            elif row.verdict is Verdict.REFUSED:
                counts["refused"] += len(moves._amazon_vat_refuse(row.description))
            if row.verdict in WANTING and not moves:
                wanted.append((row, order))
        self._amazon_renew(report, wanted)
        counts["pending"] = len(wanted)
        return counts

    @api.model
    def _amazon_documents(self, order, row):
        """The posted invoices (a shipment) or credit notes (a refund) of
        ``order`` that ``row`` speaks of: the one of Amazon's invoice number
        when the report gives one, else the order's only one of that kind
        (several without a number: none, nothing is guessed)."""
        moves = self.env["account.move"]
        if not order:
            return moves
        kind = "out_refund" if row.is_refund else "out_invoice"
        moves = order.invoice_ids.filtered(
            lambda m: m.state == "posted" and m.move_type == kind
        )
        if row.invoice_number:
            return moves.filtered(lambda m: m.name == row.invoice_number)
        return moves if len(moves) == 1 else moves.browse()

    @api.model
    def _amazon_renew(self, report, wanted):
        """The account's pending list becomes ``wanted`` ((row, order) each):
        known ones updated, new ones made, the others removed."""
        account = report.account_id
        known = {
            (p.amazon_order_ref, p.transaction_type, p.transaction_ref or ""): p
            for p in self.search([("account_id", "=", account.id)])
        }
        markets = {m.marketplace_id: m for m in report.marketplace_ids}
        kept = self.browse()
        for row, order in wanted:
            key = (row.order_ref, row.transaction_type, row.key[2])
            market = markets.get(row.marketplace_id)
            values = {
                "sale_order_id": order.id if order else False,
                "marketplace_id": market.id if market else False,
                "order_date": row.order_date,
                "is_business": row.is_business,
                "buyer_vat_number": row.buyer_vat_number,
                "amazon_status": row.status,
                "amazon_message": row.description,
                "report_id": report.id,
            }
            pending = known.get(key)
            if pending is None:
                pending = self.create(
                    {
                        "account_id": account.id,
                        "amazon_order_ref": row.order_ref,
                        "transaction_type": row.transaction_type,
                        "transaction_ref": row.key[2] or False,
                        **values,
                    }
                )
                known[key] = pending
            else:
                pending.write(values)
            kept |= pending
        (self.browse([p.id for p in known.values()]) - kept).unlink()

    # ------------------------------------------------ the report owner's contract

    @api.model
    def _amazon_report_done(self, report, document):
        """Read the report and apply it; the outcome is the account's last VAT
        invoices run. A report that cannot be read raises ``ValueError``:
        refused whole, nothing applied."""
        self = self.sudo()
        reading = read_vat_invoice_report(document.content, document.charset)
        counts = self._amazon_apply(report, reading)
        summary = _(
            "Amazon's VAT invoice verdicts: %(accepted)s accepted, %(refused)s "
            "refused; %(pending)s document(s) Amazon expects that Odoo has not "
            "made; %(unknown)s transaction(s) of orders Odoo does not have.",
            **counts,
        )
        if reading.problems:
            summary += " " + _(
                "Rows left out: %s",
                "; ".join(f"line {line}: {text}" for line, text in reading.problems),
            )
        report.account_id._amazon_record_run("vat_invoices", summary)
        return summary

    @api.model
    def _amazon_report_failed(self, report, reason):
        message = _(
            "The VAT invoice data report was not read: %(reason)s Nothing changed; "
            "the next fetch asks again.",
            reason=reason,
        )
        report.account_id._amazon_record_run("vat_invoices", message, failed=True)
        return message

    @api.model
    def _amazon_report_cancelled(self, report, note):
        # Amazon cancels a report with no data: no shipment to invoice.
        message = _("No VAT invoice to report (Amazon cancelled the report).")
        self.sudo()._amazon_renew(report, [])
        report.account_id._amazon_record_run("vat_invoices", message)
        return message
