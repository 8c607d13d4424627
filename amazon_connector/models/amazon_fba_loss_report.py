# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from odoo import fields, models, tools
from odoo.tools import SQL

from ..amazon.fba_reimbursements import LOSS_REASONS, REIMBURSEMENT_AMOUNT_TYPE


class AmazonFbaLossReport(models.Model):
    """Per account and month: the units Amazon lost, damaged and found (from
    its Inventory Ledger) and what it reimbursed for them (from the
    settlements' FBA Inventory Reimbursement lines): what a seller reconciles
    to claim what Amazon owes. Only the reimbursements whose reason pays for a
    loss count (``LOSS_REASONS``; a customer's return pays for none), each
    for as many units as the linking to losses counts (a line without a
    quantity: one).

    Damage counts the sellable unit that became damaged, not the same unit
    arriving in the damaged disposition. Ledger figures count in the
    company's currency row; reimbursements in their settlement's currency (an
    account paid in one currency has one row a month)."""

    _name = "amazon.fba.loss.report"
    _description = "Amazon FBA Losses and Reimbursements"
    _auto = False
    _order = "month desc, account_id"
    _rec_name = "month"

    month = fields.Date(readonly=True)
    account_id = fields.Many2one(
        "amazon.account", string="Amazon Account", readonly=True
    )
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    units_lost = fields.Integer(readonly=True)
    units_damaged = fields.Integer(readonly=True)
    units_found = fields.Integer(readonly=True)
    units_reimbursed = fields.Integer(
        readonly=True,
        help="Units Amazon paid for, less those whose payment it took back.",
    )
    amount_reimbursed = fields.Monetary(
        string="Reimbursed",
        readonly=True,
        help="What Amazon paid for losses, less what it took back.",
    )

    def _query(self):
        return SQL(
            """
            SELECT ROW_NUMBER() OVER (ORDER BY month, account_id, currency_id) AS id,
                   month, account_id, company_id, currency_id,
                   SUM(units_lost) AS units_lost,
                   SUM(units_damaged) AS units_damaged,
                   SUM(units_found) AS units_found,
                   SUM(units_reimbursed) AS units_reimbursed,
                   SUM(amount_reimbursed) AS amount_reimbursed
              FROM (
                    SELECT date_trunc('month', event.date)::date AS month,
                           event.account_id, event.company_id,
                           company.currency_id,
                           CASE WHEN event.adjustment_kind = 'lost'
                                 AND event.quantity < 0
                                THEN -event.quantity ELSE 0 END AS units_lost,
                           CASE WHEN event.adjustment_kind = 'damaged'
                                 AND event.quantity < 0
                                 AND UPPER(COALESCE(event.disposition, 'SELLABLE'))
                                     = 'SELLABLE'
                                THEN -event.quantity ELSE 0 END AS units_damaged,
                           CASE WHEN event.adjustment_kind = 'found'
                                 AND event.quantity > 0
                                THEN event.quantity ELSE 0 END AS units_found,
                           0 AS units_reimbursed,
                           0 AS amount_reimbursed
                      FROM amazon_fba_event event
                      JOIN res_company company ON company.id = event.company_id
                     WHERE event.adjustment_kind IN ('lost', 'damaged', 'found')
                 UNION ALL
                    SELECT date_trunc('month', line.date)::date AS month,
                           line.account_id, line.company_id, line.currency_id,
                           0, 0, 0,
                           (CASE WHEN line.amount < 0 THEN -1 ELSE 1 END)
                           * COALESCE(NULLIF(ABS(line.quantity), 0), 1),
                           line.amount
                      FROM amazon_settlement_line line
                     WHERE line.amount_type = %s AND line.date IS NOT NULL
                       AND UPPER(TRIM(line.amount_description)) = ANY(%s)
                   ) AS figures
             GROUP BY month, account_id, company_id, currency_id
            """,
            REIMBURSEMENT_AMOUNT_TYPE,
            list(LOSS_REASONS),
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                self._query(),
            )
        )
