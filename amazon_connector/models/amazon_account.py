# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

import contextlib
import ipaddress
from collections import defaultdict
from urllib.parse import urlsplit

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import str2bool

from odoo.addons.queue_job.job import identity_exact

from ..amazon.availability import InvalidReserveRule, parse_reserve_rule
from ..const import ACCOUNT_STATE_SELECTION, REGION_SELECTION


def _url_problem(url):
    """Return why ``url`` is not a usable endpoint, or None when it is."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return _("it must look like https://host[:port]")
    try:
        parts.port  # noqa: B018 -- raises on a malformed port
    except ValueError:
        return _("its port is not a number")
    if parts.scheme == "http":
        host = parts.hostname
        try:
            local = host == "localhost" or ipaddress.ip_address(host).is_loopback
        except ValueError:
            local = False
        if not local:
            return _("plain http is only accepted for a local simulator (localhost)")
    if parts.query or parts.fragment:
        return _("it must not carry a query string or fragment")
    return None


class AmazonAccount(models.Model):
    """A seller's Amazon account in one region, with its credentials and settings."""

    _name = "amazon.account"
    _description = "Amazon Account"
    _inherit = ["mail.thread", "amazon.account.overview"]
    _order = "sequence, name, id"

    name = fields.Char(required=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    seller_id = fields.Char(
        string="Seller ID",
        required=True,
        tracking=True,
        help="Amazon's merchant token (Seller Central > Settings > Account Info).",
    )
    region = fields.Selection(
        REGION_SELECTION, required=True, default="eu", tracking=True
    )
    lwa_client_id = fields.Char(
        string="LWA Client ID", groups="amazon_connector.group_amazon_manager"
    )
    lwa_client_secret = fields.Char(
        string="LWA Client Secret",
        groups="base.group_system",
        copy=False,
        exportable=False,
    )
    refresh_token = fields.Char(
        groups="base.group_system",
        copy=False,
        exportable=False,
        help="The refresh token Amazon gives when the seller authorizes the app.",
    )
    marketplace_ids = fields.Many2many(
        "amazon.marketplace",
        string="Marketplaces",
        domain="[('region', '=', region)]",
    )
    api_endpoint = fields.Char(
        string="API Endpoint Override",
        groups="amazon_connector.group_amazon_manager",
        help="Leave empty for Amazon's production endpoint of the region. Set it for "
        "Amazon's sandbox or the local simulator.",
    )
    lwa_token_url = fields.Char(
        string="LWA Token URL Override",
        groups="amazon_connector.group_amazon_manager",
        help="Leave empty for Amazon's production token URL.",
    )
    import_orders_from = fields.Datetime(
        default=fields.Datetime.now,
        required=True,
        help="Orders created before this moment are not imported (except the ones "
        "still Unshipped at that moment).",
    )
    team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        check_company=True,
        default=lambda self: self.env["crm.team"]._get_default_team_id(),
    )
    warehouse_id = fields.Many2one(
        "stock.warehouse",
        check_company=True,
        default=lambda self: self.env["stock.warehouse"].search(
            [("company_id", "=", self.env.company.id)], limit=1
        ),
    )
    import_pending_orders = fields.Boolean(
        default=True,
        help="Import merchant-fulfilled orders while Amazon still has them Pending, "
        "as reserved quotations: their quantities are held back from the stock sent "
        "to Amazon, which closes the overselling window.",
    )
    customer_creation = fields.Selection(
        [("create", "One customer per buyer"), ("guest", "One shared guest customer")],
        default="create",
        required=True,
        help="One customer per buyer (matched on Amazon's buyer e-mail relay, else "
        "name and address), or one shared customer for the account. The delivery "
        "address is recorded either way.",
    )
    guest_partner_id = fields.Many2one(
        "res.partner", string="Guest Customer", readonly=True, copy=False
    )
    fba_location_id = fields.Many2one(
        "stock.location",
        string="FBA Stock Location",
        check_company=True,
        copy=False,
        help="Where orders fulfilled by Amazon are delivered from: outside the "
        "warehouse, so they never touch the seller's own quantities.",
    )
    orders_high_water_mark = fields.Datetime(
        readonly=True,
        copy=False,
        help="Orders updated up to this moment are imported.",
    )
    state = fields.Selection(
        ACCOUNT_STATE_SELECTION,
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
    )
    last_error = fields.Text(readonly=True)

    # The company's placeholders, shown on the account form.
    generic_product_id = fields.Many2one(
        related="company_id.amazon_generic_product_id", readonly=True
    )
    shipping_product_id = fields.Many2one(
        related="company_id.amazon_shipping_product_id", readonly=True
    )
    gift_wrap_product_id = fields.Many2one(
        related="company_id.amazon_gift_wrap_product_id", readonly=True
    )
    pending_partner_id = fields.Many2one(
        related="company_id.amazon_pending_partner_id", readonly=True
    )
    promotion_product_id = fields.Many2one(
        related="company_id.amazon_promotion_product_id", readonly=True
    )
    facilitator_tax_product_id = fields.Many2one(
        related="company_id.amazon_facilitator_tax_product_id", readonly=True
    )

    fulfillment_feed_threshold = fields.Integer(
        string="Fulfillment Feed Above",
        default=50,
        help="When more deliveries than this wait for their confirmation, they go "
        "to Amazon in one fulfillment feed instead of one call per package "
        "(deliveries without a tracking number always do).",
    )
    invoice_policy = fields.Selection(
        [("shipped", "When shipped"), ("manual", "Manually")],
        string="Invoice Amazon Orders",
        default="shipped",
        required=True,
        help="When shipped: each validated delivery (and each FBA order as it is "
        "imported) makes a posted invoice of what shipped, never e-mailed (Amazon "
        "bills the buyer). Manually: invoice them yourself as other orders.",
    )
    payment_term_id = fields.Many2one(
        "account.payment.term",
        string="Payment Terms",
        check_company=True,
        default=lambda self: self.env.ref(
            "amazon_connector.payment_term_amazon_payout", raise_if_not_found=False
        ),
        help="The terms of the invoices of Amazon orders: when Amazon pays them out. "
        "An invoice still open after them is overdue.",
    )

    # Stock and prices sent to Amazon (see amazon.offer).
    backorder_quantity = fields.Integer(
        string="Quantity of Unlimited Items",
        default=1000,
        help="What is sent for products not tracked in stock and products marked "
        "Backorderable on Amazon.",
    )
    reserve_rule = fields.Char(
        string="Default Reserve Rule",
        help="Stock held back from Amazon on every offer without its own rule: "
        "Value:FIXED (units) or Value:PERCENT, e.g. 5:FIXED or 10:PERCENT.",
    )
    stock_warehouse_ids = fields.Many2many(
        "stock.warehouse",
        string="Stock From",
        check_company=True,
        help="The warehouses whose stock is offered on Amazon. Empty: every "
        "warehouse of the company.",
    )
    # Settlements (see amazon.settlement).
    settlement_journal_id = fields.Many2one(
        "account.journal",
        check_company=True,
        domain="[('type', '=', 'general')]",
        help="Where settlements are booked. Empty: the company's Amazon journal of "
        "the settlement's currency, made when needed.",
    )
    settlement_auto_post = fields.Boolean(
        string="Book Settlements",
        default=True,
        help="Book each settlement as it arrives and pay the invoices it settles. "
        "Off: settlements wait for an accountant to book them.",
    )
    settlement_create_credit_notes = fields.Boolean(
        string="Credit Notes From Refunds",
        default=True,
        help="Each refund in a settlement (partial, shipping, goodwill, restocking "
        "fee, chargeback, A-to-z claim) makes the credit note of the order's invoice "
        "for exactly what was refunded, then pays it back. Off: refunds are listed "
        "for the accountant.",
    )
    settlements_fetched_until = fields.Datetime(
        readonly=True,
        copy=False,
        help="The settlement reports created before this were listed already.",
    )
    settlement_count = fields.Integer(
        compute="_compute_settlement_count", string="Settlements"
    )
    awaiting_settlement_count = fields.Integer(
        compute="_compute_settlement_count",
        string="Awaiting Settlement",
        help="Posted invoices of Amazon orders that no settlement has paid yet.",
    )
    overdue_settlement_count = fields.Integer(
        compute="_compute_settlement_count",
        string="Overdue",
        help="Invoices awaiting settlement whose due date has passed.",
    )
    offer_count = fields.Integer(compute="_compute_offer_count", string="Offers")
    offer_error_count = fields.Integer(
        compute="_compute_offer_count", string="Offers in Error"
    )
    # The last run of each synchronisation (see amazon.sync.run).
    sync_run_ids = fields.One2many(
        "amazon.sync.run",
        "account_id",
        string="Last Runs",
        groups="amazon_connector.group_amazon_user",
    )

    _sql_constraints = [
        (
            "backorder_quantity_positive",
            "CHECK(backorder_quantity >= 0)",
            "The quantity of unlimited items cannot be negative.",
        ),
        (
            "seller_region_company_uniq",
            "unique(company_id, seller_id, region)",
            "This company already has an Amazon account for this seller ID and region.",
        ),
    ]

    @api.constrains("marketplace_ids", "region")
    def _check_marketplace_region(self):
        for account in self:
            wrong = account.marketplace_ids.filtered(
                lambda m, region=account.region: m.region != region
            )
            if wrong:
                raise ValidationError(
                    _(
                        "Marketplaces: %(marketplaces)s do not belong to the region "
                        "%(region)s of the account %(account)s.",
                        marketplaces=", ".join(wrong.mapped("name")),
                        region=dict(REGION_SELECTION)[account.region],
                        account=account.name,
                    )
                )

    @api.constrains("api_endpoint", "lwa_token_url")
    def _check_urls(self):
        labels = {
            "api_endpoint": _("API Endpoint Override"),
            "lwa_token_url": _("LWA Token URL Override"),
        }
        for account in self.sudo():
            for field_name, label in labels.items():
                url = account[field_name]
                problem = url and _url_problem(url.strip())
                if problem:
                    raise ValidationError(
                        _(
                            "%(field)s: '%(url)s' is not a valid URL: %(problem)s.",
                            field=label,
                            url=url,
                            problem=problem,
                        )
                    )

    @api.constrains("reserve_rule")
    def _check_reserve_rule(self):
        for account in self:
            try:
                parse_reserve_rule(account.reserve_rule or None)
            except InvalidReserveRule as error:
                raise ValidationError(
                    _(
                        "Amazon account %(account)s, Default Reserve Rule: %(error)s",
                        account=account.name,
                        error=error,
                    )
                ) from None

    def _compute_offer_count(self):
        counts = defaultdict(int)
        errors = defaultdict(int)
        for account, state, count in self.env["amazon.offer"]._read_group(
            [("account_id", "in", self.ids)], ["account_id", "state"], ["__count"]
        ):
            counts[account.id] += count
            if state == "error":
                errors[account.id] += count
        for account in self:
            account.offer_count = counts[account.id]
            account.offer_error_count = errors[account.id]

    def _compute_settlement_count(self):
        settlements = dict(
            self.env["amazon.settlement"]._read_group(
                [("account_id", "in", self.ids)], ["account_id"], ["__count"]
            )
        )
        Move = self.env["account.move"]
        awaiting = overdue = {}
        if Move.has_access("read"):
            awaiting = dict(
                Move._read_group(
                    self._amazon_awaiting_domain(), ["amazon_account_id"], ["__count"]
                )
            )
            overdue = dict(
                Move._read_group(
                    self._amazon_awaiting_domain(overdue=True),
                    ["amazon_account_id"],
                    ["__count"],
                )
            )
        for account in self:
            account.settlement_count = settlements.get(account, 0)
            account.awaiting_settlement_count = awaiting.get(account, 0)
            account.overdue_settlement_count = overdue.get(account, 0)

    def _amazon_awaiting_domain(self, overdue=False):
        """The posted invoices of these accounts' orders no settlement paid yet."""
        domain = [
            ("amazon_account_id", "in", self.ids),
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
        ]
        if overdue:
            domain.append(("invoice_date_due", "<", fields.Date.context_today(self)))
        return domain

    @api.model
    def _amazon_connector_enabled(self):
        """Settings' Amazon Connector switch: the scheduled actions work only when on."""
        enabled = (
            self.env["ir.config_parameter"].sudo().get_param("amazon_connector.enabled")
        )
        return str2bool(enabled or "False")

    @api.model_create_multi
    def create(self, vals_list):
        accounts = super().create(vals_list)
        for company in accounts.company_id:
            company._amazon_ensure_placeholders()
        return accounts

    def _notify(self, title, message, kind, sticky=False):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": title,
                "message": message,
                "type": kind,
                "sticky": sticky,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    # ==================================================================
    # Stock and prices: the offers' export and the listings import
    # ==================================================================

    def _amazon_send_fulfillment_feed(self):
        """A fulfillment feed job queued on the account by 18.0.1.1.0: the feed
        belongs to the deliveries now, which send it."""
        return self.env["stock.picking"]._amazon_send_fulfillment_feed(self)

    def action_export_stock(self):
        """Send the offers' available-to-sell quantities that changed."""
        return self.env["amazon.offer"]._amazon_export_of(self, stock=True, price=False)

    def action_export_prices(self):
        """Send the offers' prices that changed."""
        return self.env["amazon.offer"]._amazon_export_of(self, stock=False, price=True)

    def action_import_listings(self):
        """Ask Amazon for each marketplace's listings report; offers are created
        or updated from it when Amazon has it ready."""
        self.check_access("write")
        self._amazon_job_check(UserError)
        for account in self:
            for marketplace in account.marketplace_ids:
                self.env["amazon.offer"]._amazon_request_listings(account, marketplace)
        return self._notify(
            _("Listings requested"),
            _(
                "Amazon prepares its listings report; the offers are updated when "
                "it is ready (a few minutes), and the account's chatter says how."
            ),
            "info",
        )

    def action_view_offers(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "amazon_connector.action_amazon_offer"
        )
        action["domain"] = [("account_id", "=", self.id)]
        action["context"] = {"default_account_id": self.id}
        return action

    # ==================================================================
    # Settlements
    # ==================================================================

    def action_fetch_settlements(self):
        """Import the settlement reports Amazon published since the last ones (a
        job per account, then one report each: Sales > Amazon > Reports)."""
        self._amazon_job_check(UserError)
        for account in self:
            self.env["amazon.settlement"].with_delay(
                identity_key=identity_exact,
                description=_("Fetch the settlements of %s", account.name),
            )._amazon_fetch(account)
        return self._notify(
            _("Settlements requested"),
            _(
                "Amazon's new settlement reports are imported and booked; the "
                "account's chatter says what came."
            ),
            "info",
        )

    @api.model
    def _cron_fetch_settlements(self):
        """Scheduled action: fetch every connected account's settlements."""
        if not self._amazon_connector_enabled():
            return
        for account in self.search([("state", "!=", "draft")]):
            with contextlib.suppress(UserError):  # blocked: nothing to fetch
                account.action_fetch_settlements()

    def action_upload_settlement(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "amazon_connector.action_amazon_settlement_upload_wizard"
        )
        action["context"] = {"default_account_id": self.id}
        return action

    def action_view_settlements(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "amazon_connector.action_amazon_settlement"
        )
        # A domain, no default_account_id: the settlements' buttons run with the
        # list's context, where it would default the entries' ledger accounts.
        action["domain"] = [("account_id", "=", self.id)]
        return action

    def action_view_awaiting_settlement(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "amazon_connector.action_amazon_invoices_awaiting_settlement"
        )
        action["domain"] = [("amazon_account_id", "=", self.id)]
        return action

    def _amazon_listings_message(self, message):
        """Post the outcome of a listings import on the account; return it."""
        self.ensure_one()
        self.sudo().message_post(body=message)
        return message
