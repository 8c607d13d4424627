# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from odoo import fields, models


class AmazonAccount(models.Model):
    """Where the account's FBA customer returns go that Amazon cannot sell
    again: the account's *FBA unsellable* location."""

    # One model in several files, each named for the part it holds.
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "amazon.account"

    fba_unsellable_location_id = fields.Many2one(
        "stock.location",
        string="FBA Unsellable Location",
        check_company=True,
        copy=False,
        help="Where customer returns Amazon graded unsellable (damaged, defective, "
        "expired…) are kept: outside every warehouse, so they are never offered "
        "on Amazon.",
    )

    def _amazon_fba_unsellable_location(self):
        """The account's FBA unsellable location, created when missing: an
        internal location outside every warehouse, as the FBA location is."""
        return self._amazon_location(
            "fba_unsellable_location_id",
            {
                "name": self.env._("Amazon FBA Unsellable (%s)", self.name),
                "usage": "internal",
                "location_id": self.env.ref("stock.stock_location_locations").id,
            },
        )
