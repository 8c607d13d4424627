# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    amazon_account_id = fields.Many2one(
        "amazon.account",
        string="Amazon Channel",
        index="btree_not_null",
        copy=False,
        help="The Amazon account this customer buys through: with the Amazon order "
        "number, the key that matches settlement payments to invoices.",
    )
    amazon_payout_marketplace_id = fields.Many2one(
        "amazon.marketplace",
        string="Amazon Payouts Of",
        index="btree_not_null",
        copy=False,
        help="This partner is Amazon paying out the settlements of this marketplace.",
    )

    amazon_anonymized = fields.Boolean(
        string="Anonymised",
        readonly=True,
        copy=False,
        help="An Amazon buyer whose personal data was replaced with neutral values "
        "once Amazon's retention period had passed.",
    )

    def _amazon_non_buyers(self):
        """The ids of these partners that are not Amazon buyers (nor their
        addresses): the ones that may follow an Amazon order or delivery."""
        return [
            partner.id
            for partner in self
            if not partner.commercial_partner_id.amazon_account_id
        ]
