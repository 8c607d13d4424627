# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from odoo import fields, models


class AccountJournal(models.Model):
    _inherit = "account.journal"

    amazon_settlement = fields.Boolean(
        string="Amazon Settlements",
        copy=False,
        help="The journal of the company's Amazon settlement entries in its currency.",
    )
