# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""18.0.1.1.0.

- A delivery with nothing to tell Amazon has no Amazon sync state: up to 18.0.1.0.0
  ``stock_picking.amazon_sync_state`` was NOT NULL with the value ``none``; the ORM
  has dropped the NOT NULL by now, this turns ``none`` into NULL.
- Who fulfils an offer is Amazon's to say: 18.0.1.0.0 read a listings report whose
  channel column it did not find (Amazon.de's ``fulfilment-channel``) as merchant,
  so an offer Amazon fulfils may be stored as merchant. Every merchant offer is
  asked of Amazon again before its next quantity is sent.
- Companies that have settlement rules get the default rules new in this version
  (the settlement vocabulary of real files: fees, reimbursements, retrocharges...);
  the previous version's defaults are not made again (one the accountant deleted or
  re-keyed stays gone) and rules the accountant made, changed or archived stay.
"""

from odoo import SUPERUSER_ID, api

#: (transaction type, amount type, description) of 18.0.1.0.0's default rules.
PREVIOUS_DEFAULT_RULES = (
    ("", "ItemPrice", ""),
    ("", "Promotion", ""),
    ("", "ItemWithheldTax", ""),
    ("", "ItemFees", ""),
    ("", "ItemFees", "*Commission"),
    ("", "ItemFees", "*ClosingFee"),
    ("", "ItemFees", "FBA*"),
    ("", "ItemFees", "DigitalServicesFee*"),
    ("", "ItemFees", "ShippingHB"),
    ("", "ItemFees", "ShippingChargeback"),
    ("", "other-transaction", "Current Reserve Amount"),
    ("", "other-transaction", "Previous Reserve Amount Balance"),
    ("", "other-transaction", "Subscription Fee"),
    ("", "other-transaction", "月額登録料"),
    ("", "other-transaction", "Shipping label purchase*"),
    ("", "other-transaction", "DigitalServicesFee*"),
    ("", "other-transaction", "Storage Fee"),
    ("", "other-transaction", "StorageRenewalBilling"),
    ("", "other-transaction", "FBA*"),
    ("", "Cost of Advertising", ""),
    ("ServiceFee", "", ""),
)


def migrate(cr, version):
    cr.execute(
        "UPDATE stock_picking SET amazon_sync_state = NULL "
        "WHERE amazon_sync_state = 'none'"
    )
    cr.execute(
        "UPDATE amazon_offer SET channel_unknown = TRUE "
        "WHERE fulfillment_channel = 'merchant' AND channel_unknown IS NOT TRUE"
    )
    env = api.Environment(cr, SUPERUSER_ID, {})
    Mapping = env["amazon.settlement.mapping"].with_context(active_test=False)
    for company in Mapping.search([]).company_id:
        Mapping._amazon_add_default_rules(company, skip=PREVIOUS_DEFAULT_RULES)
