# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""18.0.1.1.0.

- A delivery with nothing to tell Amazon has no Amazon sync state: up to 18.0.1.0.0
  ``stock_picking.amazon_sync_state`` was NOT NULL with the value ``none``; the ORM
  has dropped the NOT NULL by now, this turns ``none`` into NULL.
- Companies that have settlement rules get the default rules of the settlement
  vocabulary of real files (fees, reimbursements, retrocharges...) they have no rule
  for; rules the accountant made, changed or archived stay as they are.
"""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    cr.execute(
        "UPDATE stock_picking SET amazon_sync_state = NULL "
        "WHERE amazon_sync_state = 'none'"
    )
    env = api.Environment(cr, SUPERUSER_ID, {})
    Mapping = env["amazon.settlement.mapping"].with_context(active_test=False)
    for company in Mapping.search([]).company_id:
        Mapping._amazon_add_default_rules(company)
