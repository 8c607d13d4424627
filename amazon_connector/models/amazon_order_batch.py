# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""The lookups of one page of Amazon orders, made once for the whole page.

``amazon.order.sync`` imports a page of orders with one :class:`OrderBatch`: the
sales orders, import records, offers and products of the page are read in a few
queries, and pricelists, taxes, fiscal positions and countries are looked up once.
Each order works in a unit of work: when it fails, the caches forget what it
added. The import records of the page are written at its end.
"""

import contextlib
from decimal import Decimal

from odoo import Command

from ..amazon.errors import AmazonDataError


def naive_utc(value):
    """Odoo stores UTC datetimes without tzinfo, to the second."""
    return value.replace(tzinfo=None, microsecond=0) if value else False


class OrderBatch:
    """Lookups for one page of orders, each made once for the whole page."""

    def __init__(self, env, account, readings):
        """``readings``: the page's orders as the wire layer read them
        (``order_payload.read_orders``)."""
        self.env = env
        self.account = account
        self.company = account.company_id
        self._prefetch_records([r.order_ref for r in readings if r.order_ref])
        self._prefetch_catalogue(
            {item.sku for r in readings if r.order for item in r.order.items} - {None}
        )
        self._marketplaces = {m.marketplace_id: m for m in account.marketplace_ids}
        self._pricelists = {}
        self._taxes = {}
        self._fiscal_positions = {}
        self._included_taxes = {}
        self._known_rates = {}
        self._countries = {}
        # {order id: the buyer VAT number Odoo refused}, for the order's flag.
        self.refused_vats = {}
        self._records = {}
        self._placeholders = None

    def _prefetch_records(self, refs):
        """The sales orders and import records of the page's orders."""
        account = self.account
        SaleOrder = self.env["sale.order"].with_context(active_test=False)
        self.orders = {
            order.amazon_order_ref: order
            for order in SaleOrder.search(
                [
                    ("amazon_account_id", "=", account.id),
                    ("amazon_order_ref", "in", refs),
                ]
            )
        }
        self.imports = {
            record.amazon_order_ref: record
            for record in self.env["amazon.order.import"].search(
                [("account_id", "=", account.id), ("amazon_order_ref", "in", refs)]
            )
        }

    def _prefetch_catalogue(self, skus):
        """The offers and products of the page's SKUs."""
        offers = self.env["amazon.offer"].search(
            [("account_id", "=", self.account.id), ("sku", "in", list(skus))]
        )
        # Offers the listings import could not bind yet (no product) are bound
        # by the first order whose SKU matches an Internal Reference.
        self.unbound = {
            (o.sku, o.marketplace_id.id): o for o in offers if not o.product_id
        }
        offers = offers.filtered("product_id")
        self.offers = {(o.sku, o.marketplace_id.id): o.product_id for o in offers}
        self.offer_any = {o.sku: o.product_id for o in offers}
        products = (
            self.env["product.product"]
            .with_company(self.company)
            .search(
                [
                    ("default_code", "in", list(skus - set(self.offer_any))),
                    ("company_id", "in", (False, self.company.id)),
                ]
            )
        )
        self.products_by_code = {}
        for product in products:
            self.products_by_code.setdefault(product.default_code, product)

    # -- units of work

    # What an order may add to the caches (records it creates, lookups it makes).
    _CACHES = (
        "orders",
        "offers",
        "offer_any",
        "unbound",
        "_pricelists",
        "_taxes",
        "_fiscal_positions",
        "_included_taxes",
        "_known_rates",
        "_countries",
        "refused_vats",
    )

    @contextlib.contextmanager
    def unit_of_work(self):
        """One order's work: when it fails (and its savepoint rolls back), the
        caches forget what it added, which no longer exists, so the next orders of
        the page and the page's bookkeeping never touch a rolled-back record."""
        saved = {name: dict(getattr(self, name)) for name in self._CACHES}
        placeholders = self._placeholders
        try:
            yield
        except BaseException:
            for name, value in saved.items():
                setattr(self, name, value)
            self._placeholders = placeholders
            raise

    # -- catalogue

    def placeholder(self, kind):
        if self._placeholders is None:
            company = self.company._amazon_ensure_placeholders()
            self._placeholders = {
                "pending_partner": company.amazon_pending_partner_id,
                "generic": company.amazon_generic_product_id,
                "shipping": company.amazon_shipping_product_id,
                "gift_wrap": company.amazon_gift_wrap_product_id,
                "promotion": company.amazon_promotion_product_id,
                "facilitator_tax": company.amazon_facilitator_tax_product_id,
            }
        return self._placeholders[kind]

    def line_product(self, kind, item, marketplace):
        if kind == "product":
            return self.product(item, marketplace)
        return self.placeholder(
            {
                "shipping": "shipping",
                "shipping_discount": "shipping",
                "gift_wrap": "gift_wrap",
                "facilitator_tax": "facilitator_tax",
            }.get(kind, "promotion")
        )

    def product(self, item, marketplace):
        sku = item.sku
        if not sku:
            return self.placeholder("generic")
        product = self.offers.get((sku, marketplace.id)) or self.offer_any.get(sku)
        if product:
            return product
        product = self.products_by_code.get(sku)
        if product:
            # Remember the binding: the offer is what stock and price exports use.
            unbound = self.unbound.pop((sku, marketplace.id), None) or self.unbound.pop(
                (sku, False), None
            )
            if unbound:
                unbound.product_id = product
            else:
                self.env["amazon.offer"].create(
                    {
                        "account_id": self.account.id,
                        "marketplace_id": marketplace.id,
                        "sku": sku,
                        "asin": item.asin,
                        "product_id": product.id,
                    }
                )
            self.offers[(sku, marketplace.id)] = product
            self.offer_any[sku] = product
            return product
        return self.placeholder("generic")

    def marketplace(self, order):
        marketplace = self._marketplaces.get(order.marketplace_id)
        if not marketplace:
            marketplace = self.env["amazon.marketplace"].search(
                [("marketplace_id", "=", order.marketplace_id)], limit=1
            )
            if not marketplace:
                raise AmazonDataError(
                    f"Amazon order {order.order_id}: unknown marketplace "
                    f"{order.marketplace_id}"
                )
            self._marketplaces[order.marketplace_id] = marketplace
        return marketplace

    def pricelist(self, marketplace, order):
        code = order.currency or marketplace.currency_id.name
        key = (marketplace.id, code)
        if key not in self._pricelists:
            currency = (
                self.env["res.currency"]
                .with_context(active_test=False)
                .search([("name", "=", code)], limit=1)
            )
            if not currency:
                raise AmazonDataError(
                    f"Amazon order {order.order_id}: currency {code} is unknown to Odoo"
                )
            self._pricelists[key] = marketplace._amazon_pricelist(
                self.company, currency
            )
        return self._pricelists[key]

    def known_rates(self, price_include):
        """The rates of the company's percent sales taxes, included in the price
        or not: preferred to a made-up rate when they reproduce Amazon's tax."""
        if price_include not in self._known_rates:
            taxes = (
                self.env["account.tax"]
                .sudo()
                .search(
                    [
                        ("company_id", "=", self.company.id),
                        ("type_tax_use", "=", "sale"),
                        ("amount_type", "=", "percent"),
                        ("amount", ">", 0),
                        ("price_include", "=", bool(price_include)),
                    ]
                )
            )
            self._known_rates[price_include] = sorted(
                {Decimal(str(tax.amount)) for tax in taxes}, reverse=True
            )
        return self._known_rates[price_include]

    def fiscal_position(self, partner_id, delivery_id):
        key = (partner_id, delivery_id)
        if key not in self._fiscal_positions:
            Partner = self.env["res.partner"]
            self._fiscal_positions[key] = (
                self.env["account.fiscal.position"]
                .with_company(self.company)
                ._get_fiscal_position(
                    Partner.browse(partner_id), delivery=Partner.browse(delivery_id)
                )
            )
        return self._fiscal_positions[key]

    def included_taxes(self, product, fiscal_position):
        """The sales taxes Odoo applies to ``product`` for a customer of
        ``fiscal_position``, each as its price-included twin (Amazon's amounts
        include the tax)."""
        key = (product.id, fiscal_position.id)
        if key not in self._included_taxes:
            mapped = fiscal_position.map_tax(self.product_taxes(product))
            self._included_taxes[key] = mapped._amazon_price_included()
        return self._included_taxes[key]

    def product_taxes(self, product):
        """The product's sales taxes in the account's company."""
        return product.sudo().taxes_id._filter_taxes_by_company(self.company)

    def tax(self, rate, price_include):
        key = (rate, price_include)
        if key not in self._taxes:
            self._taxes[key] = self.env["account.tax"]._amazon_sale_tax(
                self.company, rate, price_include
            )
        return self._taxes[key]

    # -- customers

    def country(self, order, code):
        if code not in self._countries:
            country = self.env["res.country"].search([("code", "=", code)], limit=1)
            if not country:
                raise AmazonDataError(
                    f"Amazon order {order.order_id}: country code {code!r} is unknown "
                    "to Odoo"
                )
            self._countries[code] = country
        return self._countries[code]

    def customer(self, order):
        """The invoiced customer and the delivery contact of ``order``."""
        address = order.shipping_address
        if address is None:
            raise AmazonDataError(
                f"Amazon order {order.order_id}: no delivery address for a "
                f"{order.status} order"
            )
        country = self.country(order, address.country_code)
        street = self._street_values(address, country)
        if order.is_business and (order.buyer_company or order.buyer_legal_name):
            # Even on a guest account: the invoice needs the buyer's company.
            customer = self._business_buyer(order, street)
        elif self.account.customer_creation == "guest":
            customer = self.account._amazon_guest_partner()
        else:
            customer = self._buyer(order, address, country, street)
        return customer, self._delivery_contact(customer, address, country, street)

    def _street_values(self, address, country):
        state = self.env["res.country.state"]
        if address.state_or_region:
            region = address.state_or_region.strip()
            state = self.env["res.country.state"].search(
                [
                    ("country_id", "=", country.id),
                    "|",
                    ("code", "=ilike", region),
                    ("name", "=ilike", region),
                ],
                limit=1,
            )
        return {
            "street": address.line1,
            "street2": ", ".join(filter(None, (address.line2, address.line3))) or False,
            "city": address.city,
            "zip": address.postal_code,
            "country_id": country.id,
            "state_id": state.id,
        }

    def _partners(self):
        return self.env["res.partner"].sudo().with_context(active_test=False)

    def _buyer(self, order, address, country, street):
        """The account's customer of the buyer (by e-mail relay, else name and
        address), created when new."""
        Partner = self._partners()
        customer = Partner.browse()
        if order.buyer_email:
            customer = Partner.search(
                [
                    ("email", "=ilike", order.buyer_email),
                    ("amazon_account_id", "=", self.account.id),
                    ("parent_id", "=", False),
                ],
                limit=1,
            )
        name = order.buyer_name or address.name or self.env._("Amazon buyer")
        if not customer:
            customer = Partner.search(
                [
                    ("name", "=ilike", name),
                    ("street", "=ilike", address.line1 or ""),
                    ("zip", "=ilike", address.postal_code or ""),
                    ("country_id", "=", country.id),
                    ("amazon_account_id", "=", self.account.id),
                    ("parent_id", "=", False),
                ],
                limit=1,
            )
        if not customer:
            customer = Partner.create(
                {
                    **street,
                    "name": name,
                    "email": order.buyer_email,
                    "phone": address.phone,
                    "company_name": order.buyer_company or False,
                    "amazon_account_id": self.account.id,
                    "category_id": [Command.link(self._amazon_tag().id)],
                    "company_id": self.company.id,
                }
            )
        return customer

    def _business_buyer(self, order, street):
        """The company customer of a business order, at its VAT registration's
        address when Amazon gives one, else at the delivery address."""
        registration = order.buyer_vat_registration
        billing = registration.address if registration else None
        if billing and billing.country_code and billing.line1:
            street = self._street_values(
                billing, self.country(order, billing.country_code)
            )
        customer, refused = self.env["res.partner"]._amazon_business_customer(
            self.account, order, street
        )
        if refused:
            self.refused_vats[order.order_id] = refused
        return customer

    def _delivery_contact(self, customer, address, country, street):
        """The customer's delivery contact of ``address``, created when new."""
        delivery_name = address.name or customer.name
        delivery = customer.child_ids.filtered(
            lambda p: (
                p.type == "delivery"
                and (p.name or "").lower() == delivery_name.lower()
                and (p.street or "") == (address.line1 or "")
                and (p.zip or "") == (address.postal_code or "")
                and p.country_id == country
            )
        )[:1]
        if not delivery:
            delivery = self._partners().create(
                {
                    **street,
                    "type": "delivery",
                    "parent_id": customer.id,
                    "name": delivery_name,
                    "phone": address.phone,
                    "company_id": self.company.id,
                }
            )
        return delivery

    def _amazon_tag(self):
        return self.env.ref("amazon_connector.partner_category_amazon")

    # -- import records

    def record(self, ref, state, *, sale_order=None, last_update=None, error=False):
        self._records[ref] = (state, sale_order, last_update, error)

    def flush(self):
        """Write the import records of the page (one per order)."""
        to_create = []
        for ref, (state, sale_order, last_update, error) in self._records.items():
            values = {
                "state": state,
                "error": error or False,
                "sale_order_id": sale_order.id if sale_order else False,
                "amazon_last_update": naive_utc(last_update),
            }
            record = self.imports.get(ref)
            if record:
                values["attempts"] = record.attempts + 1 if state == "failed" else 0
                record.write(values)
            else:
                to_create.append(
                    {
                        **values,
                        "account_id": self.account.id,
                        "amazon_order_ref": ref,
                        "attempts": 1 if state == "failed" else 0,
                    }
                )
            if state == "failed" and sale_order is None:
                existing = self.orders.get(ref)
                if existing:
                    existing.amazon_last_action = self.env._(
                        "Could not update: %s", error
                    )[:250]
        if to_create:
            self.env["amazon.order.import"].create(to_create)
        self._records = {}
