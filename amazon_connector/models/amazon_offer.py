# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..amazon.availability import InvalidReserveRule, parse_reserve_rule
from ..amazon.fulfillment import AMAZON, MERCHANT
from ..const import OFFER_OK, OFFER_STATE_SELECTION
from .amazon_feed import FEED_IN_FLIGHT_STATES
from .stock_figures import StockFigures

# A feed still unanswered after this long (its jobs gave up) no longer holds
# its offers back: their values are sent again.
FEED_STUCK_AFTER = timedelta(hours=12)


# Fields whose change makes an offer worth sending again, even with the value
# Amazon refused or holds already.
_RESEND_FIELDS = {
    "reserve_rule",
    "product_id",
    "product_type",
    "handling_time",
    "sync_stock",
    "sync_price",
    "price",
    "minimum_price",
    "maximum_price",
}


class AmazonOffer(models.Model):
    """A seller SKU of an Amazon account, bound to the Odoo product it sells: the
    unit of the stock and price export."""

    _name = "amazon.offer"
    _description = "Amazon Offer"
    _order = "sku"
    _check_company_auto = True

    account_id = fields.Many2one(
        "amazon.account", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    marketplace_id = fields.Many2one(
        "amazon.marketplace",
        help="Leave empty when the SKU is sold the same way in every marketplace of "
        "the account (its price is then not exported: a price needs a marketplace).",
    )
    currency_id = fields.Many2one(related="marketplace_id.currency_id")
    sku = fields.Char(string="SKU", required=True, index=True)
    asin = fields.Char(string="ASIN")
    title = fields.Char(help="The listing's title on Amazon.")
    product_id = fields.Many2one(
        "product.product",
        ondelete="restrict",
        check_company=True,
        index="btree_not_null",
        help="Empty when the listings import found no product with this SKU as "
        "Internal Reference: choose it here, the offer is exported from then on.",
    )
    active = fields.Boolean(default=True)

    fulfillment_channel = fields.Selection(
        [(MERCHANT, "Merchant"), (AMAZON, "Amazon (FBA)")],
        default=MERCHANT,
        required=True,
        help="Amazon (FBA): Amazon ships from its own stock, no quantity is sent.",
    )
    # Who fulfils an offer is learned from Amazon, never assumed: an offer made
    # by hand or from an order, or whose listings report row gives no known
    # channel, is asked of Amazon (getListingsItem) before anything is sent.
    channel_unknown = fields.Boolean(
        string="Fulfilment Not Confirmed",
        readonly=True,
        copy=False,
        help="Amazon has not said yet who fulfils this offer: nothing is sent for "
        "it until the next export has asked Amazon.",
    )
    channel_note = fields.Char(
        string="Fulfilment Note",
        readonly=True,
        copy=False,
        help="Why nothing is sent for this offer, or what Amazon's listing says "
        "about who fulfils it.",
    )
    product_type = fields.Char(
        default="PRODUCT",
        help="Amazon's product type of the listing, which every listings feed "
        "message names (learned from the listings import when Amazon gives it).",
    )
    sync_stock = fields.Boolean(string="Send Stock", default=True)
    sync_price = fields.Boolean(string="Send Price", default=True)
    reserve_rule = fields.Char(
        help="Stock held back from Amazon, as Value:FIXED (units) or Value:PERCENT, "
        "e.g. 5:FIXED or 10:PERCENT. Empty: the account's rule.",
    )
    handling_time = fields.Integer(
        string="Handling Time (days)",
        compute="_compute_handling_time",
        store=True,
        readonly=False,
        precompute=True,
        help="Days to ship an order, sent with the quantity; follows the product's "
        "Customer Lead Time.",
    )
    price = fields.Monetary(
        aggregator=False,
        help="The price on Amazon, in the marketplace's currency. Empty: the price "
        "of the account's pricelist for this marketplace.",
    )
    minimum_price = fields.Monetary(
        aggregator=False,
        help="Minimum seller-allowed price (optional).",
    )
    maximum_price = fields.Monetary(
        aggregator=False,
        help="Maximum seller-allowed price (optional).",
    )

    # What Amazon accepted last, and what is on its way.
    last_sent_qty = fields.Integer(string="Last Sent Quantity", readonly=True)
    last_sent_qty_date = fields.Datetime(string="Quantity Sent On", readonly=True)
    last_sent_handling_time = fields.Integer(readonly=True)
    last_sent_price = fields.Monetary(readonly=True, aggregator=False)
    last_sent_price_date = fields.Datetime(string="Price Sent On", readonly=True)
    # The values of the last message sent (accepted or not): a value Amazon has
    # in hand or refused is not sent again until it changes.
    attempted_qty = fields.Integer(readonly=True, copy=False)
    attempted_price = fields.Float(readonly=True, copy=False, digits=(16, 4))
    attempted_at = fields.Datetime(readonly=True, copy=False)
    resend = fields.Boolean(
        readonly=True,
        copy=False,
        help="A setting that changes what is sent (rule, handling time, prices, "
        "product type...) changed since the offer was last sent.",
    )
    feed_id = fields.Many2one(
        "amazon.feed", string="Pending Feed", readonly=True, copy=False
    )
    state = fields.Selection(
        OFFER_STATE_SELECTION,
        default=OFFER_OK,
        required=True,
        readonly=True,
        copy=False,
        index=True,
    )
    error = fields.Text(readonly=True, copy=False, help="What Amazon refused.")
    warning = fields.Text(readonly=True, copy=False, help="What Amazon warned about.")

    # Amazon's own figures, from the last listings import, for comparison.
    amazon_qty = fields.Integer(string="Quantity on Amazon", readonly=True)
    amazon_price = fields.Monetary(
        string="Price on Amazon", readonly=True, aggregator=False
    )
    amazon_status = fields.Char(string="Status on Amazon", readonly=True)

    # One number explained: what would be sent now (not stored).
    available_qty = fields.Integer(
        string="Available to Sell", compute="_compute_availability"
    )
    on_hand_qty = fields.Float(string="On Hand", compute="_compute_availability")
    committed_qty = fields.Float(string="Committed", compute="_compute_availability")
    reserved_qty = fields.Float(
        string="Reserved by Pending Orders", compute="_compute_availability"
    )
    held_back_qty = fields.Integer(
        string="Held Back by the Rule", compute="_compute_availability"
    )
    availability_note = fields.Char(compute="_compute_availability")
    export_price = fields.Monetary(
        string="Price to Send", compute="_compute_export_price", aggregator=False
    )

    _sql_constraints = [
        (
            "sku_uniq",
            "unique(account_id, marketplace_id, sku)",
            "An Amazon account has one offer per SKU and marketplace.",
        ),
        (
            "handling_time_positive",
            "CHECK(handling_time >= 0)",
            "The handling time of an offer cannot be negative.",
        ),
    ]

    @api.depends("sku", "marketplace_id.code")
    def _compute_display_name(self):
        for offer in self:
            offer.display_name = (
                f"{offer.sku} ({offer.marketplace_id.code})"
                if offer.marketplace_id
                else offer.sku
            )

    @api.depends("product_id.sale_delay")
    def _compute_handling_time(self):
        for offer in self:
            offer.handling_time = max(0, round(offer.product_id.sale_delay or 0))

    @api.constrains("account_id", "marketplace_id", "sku")
    def _check_sku_unique(self):
        """One offer per SKU and marketplace, also for offers without a
        marketplace (which unique() lets through: NULLs differ)."""
        counts = self._read_group(
            [
                ("account_id", "in", self.account_id.ids),
                ("sku", "in", list(set(self.mapped("sku")))),
                ("active", "in", (True, False)),
            ],
            ["account_id", "marketplace_id", "sku"],
            ["__count"],
        )
        for account, marketplace, sku, count in counts:
            if count > 1:
                raise ValidationError(
                    self.env._(
                        "The Amazon account %(account)s already has an offer for SKU "
                        "%(sku)s in %(marketplace)s.",
                        account=account.name,
                        sku=sku,
                        marketplace=marketplace.name or self.env._("every marketplace"),
                    )
                )

    @api.constrains("reserve_rule")
    def _check_reserve_rule(self):
        for offer in self:
            try:
                parse_reserve_rule(offer.reserve_rule or None)
            except InvalidReserveRule as error:
                raise ValidationError(
                    self.env._(
                        "Offer %(sku)s, Reserve Rule: %(error)s",
                        sku=offer.sku,
                        error=error,
                    )
                ) from None

    @api.constrains("price", "minimum_price", "maximum_price")
    def _check_prices(self):
        for offer in self:
            if min(offer.price, offer.minimum_price, offer.maximum_price) < 0:
                raise ValidationError(
                    self.env._("Offer %s: a price cannot be negative.", offer.sku)
                )
            if offer.maximum_price and offer.minimum_price > offer.maximum_price:
                raise ValidationError(
                    self.env._(
                        "Offer %s: the minimum price is above the maximum price.",
                        offer.sku,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        # An offer made by hand or from an order: Amazon is asked who fulfils it
        # before its first export (the listings import says so explicitly).
        for vals in vals_list:
            vals.setdefault("channel_unknown", True)
        return super().create(vals_list)

    def write(self, vals):
        # A setting that changes what is sent makes the offer worth sending again.
        if _RESEND_FIELDS & set(vals):
            vals = {**vals, "resend": True}
        # Set to merchant by hand: confirmed by Amazon before a quantity is sent
        # (a DEFAULT quantity would turn an FBA listing into a merchant one).
        if (
            vals.get("fulfillment_channel") == MERCHANT
            and "channel_unknown" not in vals
        ):
            vals = {**vals, "channel_unknown": True}
        return super().write(vals)

    @api.depends(
        "product_id",
        "reserve_rule",
        "fulfillment_channel",
        "account_id.reserve_rule",
        "account_id.backorder_quantity",
    )
    def _compute_availability(self):
        # Figures of what is saved: a form being edited shows its record's.
        figures = self._origin._amazon_availability()
        for offer in self:
            availability = figures.get(offer._origin.id)
            offer.update(
                {
                    "available_qty": availability.quantity if availability else 0,
                    "on_hand_qty": float(availability.on_hand) if availability else 0,
                    "committed_qty": float(availability.committed)
                    if availability
                    else 0,
                    "reserved_qty": float(availability.reserved) if availability else 0,
                    "held_back_qty": availability.held_back if availability else 0,
                    "availability_note": offer._amazon_availability_note(availability),
                }
            )

    def _amazon_availability_note(self, availability):
        self.ensure_one()
        if not self.product_id:
            return self.env._("No product: nothing is sent until you choose one.")
        if self.fulfillment_channel == AMAZON:
            return self.env._("Fulfilled by Amazon: Amazon counts its own stock.")
        if not self.product_id.active:
            return self.env._("The product is archived: 0 is sent.")
        if availability is None:
            return False
        if availability.unlimited:
            return self.env._(
                "Not tracked in stock, or backorderable: the account's backorder "
                "quantity (%s) is sent.",
                availability.quantity,
            )
        on_hand, committed, reserved = (
            format(figure.normalize(), "f")
            for figure in (
                availability.on_hand,
                availability.committed,
                availability.reserved,
            )
        )
        return self.env._(
            "%(on_hand)s on hand - %(committed)s committed - %(reserved)s reserved by "
            "pending orders - %(held)s held back = %(qty)s",
            on_hand=on_hand,
            committed=committed,
            reserved=reserved,
            held=availability.held_back,
            qty=availability.quantity,
        )

    def _amazon_availability(self):
        """{offer id: Availability} of these offers (merchant ones with a product)."""
        if not self.ids:
            return {}
        return self._amazon_compute_availability(self._amazon_offer_rows())

    # ------------------------------------------------------------ availability
    # Read with SQL, in a constant number of queries whatever the number of
    # offers: the export computes every offer of an account at each run.

    def _amazon_offer_rows(self, account=None):
        """The export's view of offers (these, or every active offer of
        ``account``): one dict per offer, with its account's defaults."""
        self.env.flush_all()
        where = (
            SQL("o.account_id = %s AND o.active", account.id)
            if account
            else SQL("o.id = ANY(%s)", self.ids)
        )
        self.env.cr.execute(
            SQL(
                """
                SELECT o.id, o.account_id, o.company_id, o.marketplace_id, o.sku,
                       o.product_id, o.fulfillment_channel, o.product_type,
                       COALESCE(o.channel_unknown, FALSE) AS channel_unknown,
                       o.sync_stock, o.sync_price, o.reserve_rule,
                       COALESCE(o.handling_time, 0) AS handling_time,
                       COALESCE(o.price, 0) AS price,
                       COALESCE(o.minimum_price, 0) AS minimum_price,
                       COALESCE(o.maximum_price, 0) AS maximum_price,
                       COALESCE(o.last_sent_qty, 0) AS last_sent_qty,
                       o.last_sent_qty_date,
                       COALESCE(o.last_sent_handling_time, 0)
                           AS last_sent_handling_time,
                       COALESCE(o.last_sent_price, 0) AS last_sent_price,
                       o.last_sent_price_date,
                       COALESCE(o.attempted_qty, 0) AS attempted_qty,
                       COALESCE(o.attempted_price, 0) AS attempted_price,
                       o.attempted_at, o.state, o.feed_id,
                       COALESCE(o.resend, FALSE) AS resend,
                       COALESCE(
                           f.state IN %s
                           AND f.create_date > (NOW() AT TIME ZONE 'UTC') - %s,
                           FALSE
                       ) AS feed_in_flight,
                       a.reserve_rule AS account_reserve_rule,
                       COALESCE(a.backorder_quantity, 0) AS backorder_quantity
                  FROM amazon_offer o
                  JOIN amazon_account a ON a.id = o.account_id
             LEFT JOIN amazon_feed f ON f.id = o.feed_id
                 WHERE %s
                 ORDER BY o.id
                """,
                FEED_IN_FLIGHT_STATES,
                FEED_STUCK_AFTER,
                where,
            )
        )
        return self.env.cr.dictfetchall()

    @api.model
    def _amazon_compute_availability(self, rows):
        """{offer id: Availability} of the merchant offers with a product among
        ``rows`` (see :meth:`_amazon_offer_rows`)."""
        result = {}
        by_account = defaultdict(list)
        for row in rows:
            if row["product_id"] and row["fulfillment_channel"] == MERCHANT:
                by_account[row["account_id"]].append(row)
        for account_id, account_rows in by_account.items():
            account = self.env["amazon.account"].browse(account_id)
            stock = StockFigures(
                self.env, account, {r["product_id"] for r in account_rows}
            )
            rules = {}
            for row in account_rows:
                text = row["reserve_rule"] or row["account_reserve_rule"]
                if text not in rules:
                    try:
                        rules[text] = parse_reserve_rule(text)
                    except InvalidReserveRule:
                        rules[text] = None  # refused at save; never guessed at
                result[row["id"]] = stock.availability(
                    row["product_id"], rules[text], row["backorder_quantity"] or 0
                )
        return result

    @api.depends("price", "product_id", "marketplace_id")
    def _compute_export_price(self):
        prices = self._amazon_prices()
        for offer in self:
            offer.export_price = prices.get(offer.id, 0.0)

    def _amazon_prices(self):
        """{offer id: price to send} of the offers with a marketplace and a product:
        the offer's own price, else the account's pricelist for that marketplace
        (with the product's taxes where the marketplace's prices include tax),
        rounded in the marketplace's currency."""
        prices = {}
        groups = {}
        for offer in self:
            if not offer.product_id or not offer.marketplace_id:
                continue
            if offer.price:
                prices[offer.id] = offer.currency_id.round(offer.price)
                continue
            key = (offer.account_id.company_id, offer.marketplace_id)
            groups.setdefault(key, self.browse())
            groups[key] |= offer
        for (company, marketplace), offers in groups.items():
            # Found, not created: no pricelist yet means the products' own prices.
            pricelist = marketplace._amazon_pricelist(company, create=False)
            currency = marketplace.currency_id
            products = offers.product_id.with_company(company)
            base = pricelist._get_products_price(products, 1.0, currency=currency)
            for offer in offers:
                product = offer.product_id.with_company(company)
                amount = base.get(product.id, 0.0)
                taxes = product.taxes_id._filter_taxes_by_company(company)
                if taxes:
                    computed = taxes.compute_all(amount, currency, 1.0, product)
                    amount = (
                        computed["total_included"]
                        if marketplace.prices_include_tax
                        else computed["total_excluded"]
                    )
                prices[offer.id] = currency.round(amount)
        return prices
