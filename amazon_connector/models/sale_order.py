# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from odoo import fields, models

AMAZON_STATUS_SELECTION = [
    ("pending_availability", "Pending Availability"),
    ("pending", "Pending"),
    ("unshipped", "Unshipped"),
    ("partially_shipped", "Partially Shipped"),
    ("shipped", "Shipped"),
    ("canceled", "Canceled"),
    ("unfulfillable", "Unfulfillable"),
]


class SaleOrder(models.Model):
    _inherit = "sale.order"

    amazon_account_id = fields.Many2one(
        "amazon.account",
        string="Amazon Store",
        index="btree_not_null",
        readonly=True,
        copy=False,
    )
    amazon_marketplace_id = fields.Many2one(
        "amazon.marketplace", string="Marketplace", readonly=True, copy=False
    )
    amazon_order_ref = fields.Char(
        string="Amazon Order",
        index="btree_not_null",
        readonly=True,
        copy=False,
        help="Amazon's order number, also the Customer Reference.",
    )
    amazon_status = fields.Selection(AMAZON_STATUS_SELECTION, readonly=True, copy=False)
    amazon_status_raw = fields.Char(
        string="Amazon Status (raw)",
        readonly=True,
        copy=False,
        help="The status as Amazon sent it, kept when it is one the connector does "
        "not know yet.",
    )
    amazon_fulfilled_by = fields.Selection(
        [("merchant", "Merchant"), ("amazon", "Amazon")],
        string="Fulfilled By",
        readonly=True,
        copy=False,
    )
    amazon_is_prime = fields.Boolean(string="Prime", readonly=True, copy=False)
    amazon_tax_reporting_scheme = fields.Char(
        string="Tax Reporting Scheme",
        readonly=True,
        copy=False,
        help="The EU VAT one-stop shop Amazon reports the items under: UOSS (goods "
        "held in the EU) or IOSS (imported goods).",
    )
    amazon_is_business = fields.Boolean(
        string="Business Order", readonly=True, copy=False
    )
    amazon_purchase_date = fields.Datetime(
        string="Purchase Date", readonly=True, copy=False
    )
    amazon_latest_ship_date = fields.Datetime(
        string="Latest Ship Date", readonly=True, copy=False
    )
    amazon_last_update = fields.Datetime(readonly=True, copy=False)
    amazon_items_shipped = fields.Integer(
        string="Items Shipped", readonly=True, copy=False
    )
    amazon_items_unshipped = fields.Integer(
        string="Items Unshipped", readonly=True, copy=False
    )
    amazon_reserved = fields.Boolean(
        string="Reserved",
        readonly=True,
        copy=False,
        help="A Pending Amazon order: its quantities are held back from the stock "
        "sent to Amazon until Amazon confirms or cancels it.",
    )
    amazon_needs_review = fields.Boolean(
        string="Needs Review", readonly=True, copy=False
    )
    amazon_last_action = fields.Char(string="Last Action", readonly=True, copy=False)

    _sql_constraints = [
        (
            "amazon_order_uniq",
            "unique(amazon_account_id, amazon_order_ref)",
            "This Amazon order is already imported for this account.",
        ),
    ]

    def _amazon_done_deliveries(self):
        return self.picking_ids.filtered(
            lambda p: p.state == "done" and p.picking_type_code == "outgoing"
        )

    def _amazon_open_deliveries(self):
        return self.picking_ids.filtered(
            lambda p: (
                p.state not in ("done", "cancel") and p.picking_type_code == "outgoing"
            )
        )

    def _amazon_flag_for_review(self, summary, note, last_action=None):
        """Flag the order for the seller's review: Needs Review, the last action,
        and a to-do activity for the salesperson saying what to check."""
        for order in self:
            order.write(
                {
                    "amazon_needs_review": True,
                    "amazon_last_action": (last_action or summary)[:250],
                }
            )
            order.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=summary,
                note=note,
                user_id=order._amazon_review_user().id,
            )

    def _amazon_review_user(self):
        """Who reviews the order: its salesperson, else its team's leader, else an
        Amazon administrator; never OdooBot, as whom the import jobs run."""
        self.ensure_one()
        user = self.user_id or self.team_id.user_id
        if user and not user._is_superuser():
            return user
        admins = self.env.ref("amazon_connector.group_amazon_manager").sudo().users
        people = admins.filtered(
            lambda u: u.active and not u._is_superuser() and u._is_internal()
        )
        return people[:1] or self.env.user

    def _message_subscribe(self, partner_ids=None, subtype_ids=None, customer_ids=None):
        # Confirming an order makes its customer a follower; Amazon talks to its
        # buyers, Odoo must not e-mail them (their address is Amazon's relay).
        # Removing the follower afterwards would unlink a record, which empties the
        # whole ORM cache during an import.
        if partner_ids:
            partner_ids = (
                self.env["res.partner"].browse(partner_ids)._amazon_non_buyers()
            )
        return super()._message_subscribe(
            partner_ids=partner_ids, subtype_ids=subtype_ids, customer_ids=customer_ids
        )
