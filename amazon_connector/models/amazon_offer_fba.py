# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from odoo import fields, models


class AmazonOffer(models.Model):
    """What Amazon holds of an FBA offer, as its inventory summary said at the
    last FBA run, and the FNSKU the ledger names the offer by."""

    # One model in several files, each named for the part it holds.
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "amazon.offer"

    fnsku = fields.Char(
        string="FNSKU",
        index="btree_not_null",
        copy=False,
        help="Amazon's fulfilment network SKU: the label on the units Amazon "
        "stores; the ledger names the offer by it.",
    )
    fba_fulfillable_qty = fields.Integer(string="Fulfillable", readonly=True)
    fba_reserved_qty = fields.Integer(string="Reserved", readonly=True)
    fba_inbound_qty = fields.Integer(string="Inbound", readonly=True)
    fba_unfulfillable_qty = fields.Integer(string="Unfulfillable", readonly=True)
    fba_researching_qty = fields.Integer(string="Researching", readonly=True)
    fba_quantities_at = fields.Datetime(
        string="Amazon Quantities At",
        readonly=True,
        help="When Amazon's inventory summary gave these figures.",
    )
