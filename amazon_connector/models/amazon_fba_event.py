# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from odoo import api, fields, models

from ..amazon.ledger_vocabulary import ADJUSTMENT_KINDS, EVENT_TYPES

EVENT_STATES = [
    ("moved", "Moved"),  # a stock move of its own
    ("matched", "Matched"),  # already moved in Odoo: an FBA order, an FBA return
    ("netted", "Nets to Zero"),  # between fulfilment centres
    ("waiting", "Waiting"),  # a customer shipment whose order is not imported yet
    ("unbound", "No Product"),  # no offer binds its SKU to a product yet
    ("flagged", "Needs a Look"),  # no move, with the reason in its note
]


class AmazonFbaEvent(models.Model):
    """One row of Amazon's Inventory Ledger, once: a movement of FBA units as
    Amazon recorded it, and what Odoo did with it (a stock move of its own, the
    FBA order or return that already moved the units, or why nothing moved)."""

    _name = "amazon.fba.event"
    _description = "Amazon FBA Ledger Event"
    _order = "date desc, id desc"
    _check_company_auto = True

    account_id = fields.Many2one(
        "amazon.account", required=True, readonly=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    key = fields.Char(
        required=True,
        readonly=True,
        help="What makes the ledger row one movement: date, FNSKU, event type, "
        "reference id, fulfilment centre, disposition, reason, quantity and which "
        "of identical rows it is.",
    )
    date = fields.Date(required=True, readonly=True, index=True)
    event_type = fields.Selection(
        [(event_type, event_type) for event_type in EVENT_TYPES],
        required=True,
        readonly=True,
        index=True,
    )
    fnsku = fields.Char(string="FNSKU", readonly=True, index=True)
    sku = fields.Char(string="SKU", readonly=True, index=True)
    asin = fields.Char(string="ASIN", readonly=True)
    title = fields.Char(readonly=True)
    reference_id = fields.Char(
        readonly=True,
        index=True,
        help="Amazon's reference: the inbound shipment of a receipt, the removal "
        "order of a removal, the adjustment's transaction…",
    )
    quantity = fields.Integer(readonly=True, help="Units in (+) or out (-).")
    fulfillment_center = fields.Char(readonly=True)
    disposition = fields.Char(readonly=True)
    reason_code = fields.Char(readonly=True, index=True)
    reason = fields.Char(readonly=True, help="The reason code in Amazon's words.")
    adjustment_kind = fields.Selection(
        [(kind, kind.capitalize()) for kind in ADJUSTMENT_KINDS],
        readonly=True,
        index=True,
    )
    country = fields.Char(readonly=True)
    unreconciled_quantity = fields.Integer(readonly=True)
    product_id = fields.Many2one(
        "product.product", readonly=True, index=True, check_company=True
    )
    state = fields.Selection(EVENT_STATES, required=True, readonly=True, index=True)
    move_id = fields.Many2one("stock.move", readonly=True, index="btree_not_null")
    sale_order_id = fields.Many2one(
        "sale.order", readonly=True, index="btree_not_null", check_company=True
    )
    return_id = fields.Many2one("amazon.return", readonly=True, index="btree_not_null")
    picking_id = fields.Many2one(
        "stock.picking",
        string="Transfer",
        readonly=True,
        index="btree_not_null",
        help="The Send to Amazon transfer of a receipt; the receipt in the "
        "warehouse of a removal.",
    )
    reimbursement_line_id = fields.Many2one(
        "amazon.settlement.line",
        readonly=True,
        index="btree_not_null",
        help="The settlement's FBA Inventory Reimbursement for this loss.",
    )
    note = fields.Char(readonly=True)
    report_id = fields.Many2one(
        "amazon.report",
        string="Ledger Report",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The ledger report that brought the row first.",
    )

    _sql_constraints = [
        (
            "key_account_unique",
            "unique(account_id, key)",
            "A ledger row is recorded once per account.",
        ),
    ]

    @api.depends("date", "event_type", "sku", "quantity")
    def _compute_display_name(self):
        for event in self:
            event.display_name = (
                f"{event.date} {event.event_type} {event.sku or event.fnsku} "
                f"{event.quantity:+d}"
            )
