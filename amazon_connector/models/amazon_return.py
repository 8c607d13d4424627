# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from odoo import api, fields, models

from ..amazon.return_vocabulary import DISPOSITIONS

#: Return request statuses (lower case) of a request Amazon ended: what has not
#: come back by then is not coming.
ENDED_REQUEST_STATUSES = ("closed", "rejected")

RETURN_STATES = [
    ("to_receive", "To Receive"),
    ("received", "Received"),
    ("refunded", "Refunded"),
    ("closed", "Closed"),
]


class AmazonReturn(models.Model):
    """A return Amazon reports, for either fulfilment channel: a merchant return
    (an RMA of the returns report, received in Odoo as the return of the order's
    delivery) or an FBA customer return (units Amazon took back into its
    fulfilment centre, the account's FBA stock), and the credit note of its
    refund."""

    _name = "amazon.return"
    _description = "Amazon Return"
    _inherit = ["mail.thread"]
    _order = "request_date desc, id desc"
    _rec_name = "name"

    name = fields.Char(compute="_compute_name", store=True)
    account_id = fields.Many2one(
        "amazon.account", required=True, readonly=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    currency_id = fields.Many2one(
        "res.currency", related="order_id.currency_id", store=True
    )
    order_id = fields.Many2one(
        "sale.order", readonly=True, index=True, ondelete="restrict"
    )
    amazon_order_ref = fields.Char(string="Amazon Order", readonly=True, index=True)
    partner_id = fields.Many2one(related="order_id.partner_id", store=True)
    fulfillment_channel = fields.Selection(
        [("merchant", "Merchant"), ("amazon", "Amazon (FBA)")],
        required=True,
        readonly=True,
    )
    amazon_rma_ref = fields.Char(
        string="Amazon RMA", readonly=True, index=True, copy=False
    )
    license_plate_number = fields.Char(
        readonly=True,
        copy=False,
        help="FBA: the number Amazon gives each returned unit (or units) it takes "
        "back: one return each.",
    )
    amazon_status = fields.Char(
        readonly=True,
        help="The return request's status (merchant) or the unit's (FBA), as "
        "Amazon writes it.",
    )
    reason_code = fields.Char(readonly=True, index=True)
    reason = fields.Char(readonly=True, help="The buyer's reason, in Amazon's words.")
    customer_comments = fields.Text(readonly=True)
    request_date = fields.Date(readonly=True, index=True)
    delivered_date = fields.Date(
        string="Delivered Back",
        readonly=True,
        help="The day the returned parcel reached the seller (merchant) or the "
        "day Amazon took the unit back (FBA).",
    )
    resolution = fields.Char(readonly=True)
    returnless = fields.Boolean(
        readonly=True, help="Amazon refunded without the item coming back."
    )
    label_type = fields.Char(readonly=True)
    label_carrier = fields.Char(readonly=True)
    label_tracking = fields.Char(readonly=True)
    label_cost = fields.Monetary(readonly=True)
    label_payer = fields.Char(string="Label Paid By", readonly=True)
    fulfillment_center = fields.Char(readonly=True)
    disposition = fields.Selection(
        [(d, d.replace("_", " ").title()) for d in DISPOSITIONS], readonly=True
    )
    state = fields.Selection(
        RETURN_STATES,
        compute="_compute_state",
        store=True,
        index=True,
        tracking=True,
    )
    picking_id = fields.Many2one(
        "stock.picking",
        string="Return Transfer",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
    )
    credit_note_id = fields.Many2one(
        "account.move",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
    )
    line_ids = fields.One2many("amazon.return.line", "return_id")
    product_id = fields.Many2one(
        "product.product",
        compute="_compute_product_id",
        store=True,
        index="btree_not_null",
        help="The returned product (the first item's, when several came back).",
    )
    note = fields.Char(readonly=True, help="What needs a look.")
    to_check = fields.Boolean(
        string="Needs a Look",
        readonly=True,
        copy=False,
        help="Amazon reported more than the order can give back (capped), or an "
        "item Odoo could not match: the note says what.",
    )

    _sql_constraints = [
        (
            "rma_unique",
            "UNIQUE(account_id, amazon_rma_ref)",
            "An Amazon RMA is one return per account.",
        ),
        (
            "license_plate_unique",
            "UNIQUE(account_id, license_plate_number)",
            "A license plate number is one FBA return per account.",
        ),
    ]

    @api.depends("amazon_order_ref", "amazon_rma_ref", "license_plate_number")
    def _compute_name(self):
        for ret in self:
            ret.name = " / ".join(
                filter(
                    None,
                    (
                        ret.amazon_order_ref,
                        ret.amazon_rma_ref or ret.license_plate_number,
                    ),
                )
            )

    @api.depends("line_ids.product_id")
    def _compute_product_id(self):
        for ret in self:
            ret.product_id = ret.line_ids.product_id[:1]

    @api.depends(
        "picking_id.state",
        "credit_note_id.state",
        "fulfillment_channel",
        "amazon_status",
        "delivered_date",
        "returnless",
    )
    def _compute_state(self):
        for ret in self:
            ret.state = ret._amazon_state()

    def _amazon_state(self):
        """Refunded once its credit note is posted; an FBA return is received
        when Amazon reports it; a merchant return is received when its transfer
        is done, closed when nothing comes back (returnless, nothing to receive,
        the transfer canceled, Amazon closed or rejected the request before
        anything came back), else to receive."""
        self.ensure_one()
        if self.credit_note_id.state == "posted":
            return "refunded"
        if self.fulfillment_channel == "amazon" or self.picking_id.state == "done":
            return "received"
        if (
            not self.picking_id
            or self.picking_id.state == "cancel"
            or (self._amazon_request_ended() and not self.delivered_date)
        ):
            return "closed"
        return "to_receive"

    def _amazon_request_ended(self):
        """Amazon closed or rejected the return request."""
        self.ensure_one()
        return (self.amazon_status or "").strip().lower() in ENDED_REQUEST_STATUSES
