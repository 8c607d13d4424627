# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from odoo import api, fields, models

LOCATION_KINDS = [("sellable", "Sellable"), ("unsellable", "Unsellable")]


class AmazonFbaDifference(models.Model):
    """A product whose FBA quantity in Odoo is not Amazon's (its inventory
    summary), as the last comparison found it: both figures, Amazon's
    explanation where the ledger gives one, and the adjustment that closes it."""

    _name = "amazon.fba.difference"
    _description = "Amazon FBA Quantity Difference"
    _order = "account_id, product_id, location_kind"
    _check_company_auto = True

    account_id = fields.Many2one(
        "amazon.account", required=True, readonly=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    product_id = fields.Many2one(
        "product.product", required=True, readonly=True, check_company=True
    )
    sku = fields.Char(string="SKU", readonly=True)
    location_kind = fields.Selection(LOCATION_KINDS, required=True, readonly=True)
    odoo_qty = fields.Float(
        string="Odoo", digits="Product Unit of Measure", readonly=True
    )
    amazon_qty = fields.Float(
        string="Amazon", digits="Product Unit of Measure", readonly=True
    )
    difference = fields.Float(
        compute="_compute_difference",
        store=True,
        digits="Product Unit of Measure",
        help="Amazon's figure less Odoo's.",
    )
    explanation = fields.Char(
        readonly=True, help="What the ledger says about it, where it says something."
    )
    compared_at = fields.Datetime(readonly=True)
    state = fields.Selection(
        [("open", "Open"), ("reconciled", "Reconciled")],
        default="open",
        required=True,
        readonly=True,
    )
    move_id = fields.Many2one(
        "stock.move", string="Adjustment", readonly=True, help="What Reconcile did."
    )

    @api.depends("odoo_qty", "amazon_qty")
    def _compute_difference(self):
        for difference in self:
            difference.difference = difference.amazon_qty - difference.odoo_qty

    def action_reconcile(self):
        """Make the inventory adjustment that gives Odoo Amazon's quantity, with
        the reason."""
        raise NotImplementedError("issue 22: reconcile")

    def _amazon_compare(self, account):
        """Job (issue 22, point 3): compare Odoo's FBA quantities of ``account``
        with Amazon's inventory summaries, list every difference, update the FBA
        offers' Amazon quantities. Called when the ledger run has been applied."""
        raise NotImplementedError("issue 22: the comparison")
