"""Benchmark of the order import on a real Odoo 18.0 database.

Run with the virtualenv's Python on a database where amazon_connector is installed
(``tools/bench/run_bench.py`` sets one up and runs this; ``make bench`` runs both)::

    python tools/bench/bench_import.py -c odoo.conf -d DB [--orders 200] [--rounds 2]

It writes to the database (an account, products, taxes and pricelists made by a
committed warm-up import); every measured import is rolled back. Measures:

1. Seconds per imported order: the connector (orders served by the Amazon simulator
   over HTTP, ``account._import_orders()``) against a bare-ORM baseline that creates
   and confirms the same orders (same customer and delivery contact, lines, taxes,
   pricelist) with ``sale.order.create`` + ``action_confirm`` and nothing else.
2. SQL queries per imported order with 1,000 and with 50,000 products.
3. SP-API calls per 1,000 imported orders.

Prints a table; exits 0 whatever the figures (1 only when orders fail to import,
which would make the figures meaningless).
"""

import argparse
import importlib.util
import random
import sys
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tools"))

from amazon_simulator import AmazonSimulator  # noqa: E402

import odoo  # noqa: E402
from odoo import SUPERUSER_ID, Command, api, fields  # noqa: E402
from odoo.modules.registry import Registry  # noqa: E402


def _load_order_factory():
    """The tests' v2026 payload factory (plain Python), loaded without the test
    package (whose import pulls every test module)."""
    path = REPO / "amazon_connector" / "tests" / "order_factory.py"
    spec = importlib.util.spec_from_file_location("bench_order_factory", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


factory = _load_order_factory()

MARKETPLACES = ("DE", "FR", "UK")
SKU_POOL = 40  # order SKUs: the odd ones exist as products, the even ones do not
WARMUP_ORDERS = 30
SMALL_CATALOGUE = 1_000
LARGE_CATALOGUE = 50_000
GOALS = {"ratio": 1.3, "calls": 12}
FAST = (1000.0, 1000)  # simulator's advertised rate: throttling must not dominate


def say(message=""):
    print(message, flush=True)


def pool_sku(number):
    return f"BENCH-{number:04d}"


# --------------------------------------------------------------------------- data


class PayloadMaker:
    """Merchant-fulfilled UNSHIPPED orders with 2-3 items over DE, FR and UK, each
    from a new buyer, in both of Amazon's shapes (ITEM + TAX, and ITEM only, whose
    VAT the connector takes from the products' taxes); seeded."""

    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.buyers = 0

    def order(self, index, created):
        rng = self.rng
        self.buyers += 1
        buyer = self.buyers
        marketplace = MARKETPLACES[index % len(MARKETPLACES)]
        items = []
        skus = rng.sample(range(1, SKU_POOL + 1), rng.choice((2, 2, 3)))
        rate = factory.MARKETPLACES[marketplace][4]
        for position, number in enumerate(skus):
            quantity = rng.choice((1, 1, 2, 3))
            items.append(
                factory.item(
                    pool_sku(number),
                    quantity,
                    self.price(quantity, rate),
                    shipping="4.99" if position == 0 and rng.random() < 0.5 else None,
                    discount="1.00" if position == 0 and rng.random() < 0.1 else None,
                )
            )
        return factory.order(
            items,
            marketplace=marketplace,
            created=created,
            buyer_name=f"Bench Buyer {buyer}",
            buyer_email=f"bench-buyer-{buyer}@marketplace.amazon.test",
            street=f"Benchmark Street {buyer}",
            city={"DE": "Berlin", "FR": "Paris", "UK": "London"}[marketplace],
            postal_code={"DE": "10115", "FR": "75001", "UK": "SW1A 1AA"}[marketplace],
            state_or_region="Bayern" if marketplace == "DE" else None,
            # Both shapes on every marketplace: 0-2 ITEM + TAX, 3-5 ITEM only...
            item_only=(index // len(MARKETPLACES)) % 2 == 1,
        )

    def price(self, quantity, rate):
        """A unit price whose tax-included total is no half-cent tie: the factory
        rounds ties half-even, Odoo half-up, and the connector would create a tax of
        an odd rate (19.97%...) inside the timed run for such lines."""
        while True:
            price = Decimal(self.rng.randrange(500, 9999)) / 100
            net_cents = price * quantity * 100 / (1 + rate / 100)
            if net_cents % 1 != Decimal("0.5"):
                return str(price)

    def orders(self, count):
        created = datetime.now(timezone.utc) - timedelta(hours=1)
        return [
            self.order(index, created - timedelta(seconds=index))
            for index in range(count)
        ]


def publish(sim, payloads):
    with sim.state.lock:
        sim.state.orders.clear()
    for payload in payloads:
        sim.state.add_order(payload)
    sim.state.reset_calls()


def make_env(cr):
    # The import job runs as the user who queued it: the cron's (superuser).
    return api.Environment(cr, SUPERUSER_ID, {})


def set_up(env, sim):
    """The account on the simulator and the catalogue's order SKUs (committed)."""
    marketplaces = env["amazon.marketplace"].browse(
        [
            env.ref(f"amazon_connector.marketplace_{code.lower()}").id
            for code in MARKETPLACES
        ]
    )
    credentials = sim.credentials
    account = env["amazon.account"].create(
        {
            "name": "Benchmark",
            "region": "eu",
            "seller_id": credentials["seller_id"],
            "lwa_client_id": credentials["client_id"],
            "lwa_client_secret": credentials["client_secret"],
            "refresh_token": credentials["refresh_token"],
            "api_endpoint": sim.url,
            "lwa_token_url": sim.token_url,
            "marketplace_ids": [Command.set(marketplaces.ids)],
            "import_orders_from": fields.Datetime.now() - timedelta(days=1),
            "state": "connected",
        }
    )
    products = env["product.product"].create(
        [
            {
                "name": f"Bench product {number}",
                "default_code": pool_sku(number),
                "is_storable": True,
                "list_price": 10.0,
            }
            for number in range(1, SKU_POOL + 1, 2)
        ]
    )
    stock = account.warehouse_id.lot_stock_id
    for product in products:
        env["stock.quant"]._update_available_quantity(product, stock, 1_000_000)
    return account


def rewind(account):
    """Put the import's high-water mark before the published orders."""
    account.orders_high_water_mark = fields.Datetime.now() - timedelta(hours=2)


def fill_catalogue(env, total):
    """Add filler products (SQL copies of one ORM-made product) until there are
    ``total`` variants; return how many were added."""
    env.flush_all()
    env.cr.execute("SELECT count(*) FROM product_product")
    missing = total - env.cr.fetchone()[0]
    if missing <= 0:
        return 0
    model = env["product.product"].create(
        {"name": "Filler model", "default_code": "FILL-MODEL", "is_storable": True}
    )
    env.flush_all()
    missing -= 1
    cr = env.cr

    def columns(table, skip):
        cr.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = %s",
            [table],
        )
        return [name for (name,) in cr.fetchall() if name not in skip]

    tmpl_cols = columns("product_template", {"id", "name"})
    prod_cols = columns("product_product", {"id", "product_tmpl_id", "default_code"})
    tmpl_list = ", ".join(f'"{c}"' for c in tmpl_cols)
    prod_list = ", ".join(f'"{c}"' for c in prod_cols)
    cr.execute("SELECT count(*) FROM product_product WHERE default_code LIKE 'FILL-%%'")
    start = cr.fetchone()[0]
    cr.execute(
        f"""
        WITH templates AS (
            INSERT INTO product_template (name, {tmpl_list})
            SELECT jsonb_build_object('en_US', 'Filler ' || g), {tmpl_list}
              FROM product_template, generate_series(%(start)s, %(end)s) g
             WHERE id = %(tmpl)s
            RETURNING id
        )
        INSERT INTO product_product (product_tmpl_id, default_code, {prod_list})
        SELECT t.id, 'FILL-' || lpad((%(start)s + row_number() OVER (ORDER BY t.id)
                                      - 1)::text, 6, '0'), {prod_list}
          FROM templates t, product_product p
         WHERE p.id = %(prod)s
        """,
        {
            "start": start + 1,
            "end": start + missing,
            "tmpl": model.product_tmpl_id.id,
            "prod": model.id,
        },
    )
    cr.execute("ANALYZE product_template; ANALYZE product_product")
    env.invalidate_all()
    return missing + 1


# --------------------------------------------------------------------------- runs


def sql_count():
    return odoo.sql_db.sql_counter


def connector_run(registry, sim, account_id, payloads, capture=False):
    """Import ``payloads`` through the simulator; roll back. Returns seconds,
    queries, the simulator's calls and (``capture``) the baseline's recipe."""
    publish(sim, payloads)
    with registry.cursor() as cr:
        env = make_env(cr)
        account = env["amazon.account"].browse(account_id)
        rewind(account)
        taxes = env["account.tax"].search_count([])
        env.flush_all()
        queries = sql_count()
        started = time.perf_counter()
        account.with_context(queue_job__no_delay=True)._import_orders()
        env.flush_all()
        elapsed = time.perf_counter() - started
        queries = sql_count() - queries
        if env["account.tax"].search_count([]) != taxes:
            raise SystemExit(
                "the timed import created taxes: the warm-up must create them all"
            )
        orders = env["sale.order"].search(
            [
                ("amazon_account_id", "=", account_id),
                ("amazon_order_ref", "in", [p["orderId"] for p in payloads]),
                ("state", "=", "sale"),
            ],
            order="id",
        )
        if len(orders) != len(payloads):
            failed = env["amazon.order.import"].search(
                [("account_id", "=", account_id), ("state", "!=", "done")], limit=3
            )
            raise SystemExit(
                f"only {len(orders)} of {len(payloads)} orders imported; e.g. "
                f"{failed.mapped('error')}"
            )
        recipe = baseline_recipe(orders) if capture else None
        cr.rollback()
    return {
        "seconds": elapsed,
        "queries": queries,
        "calls": list(sim.state.calls),
        "recipe": recipe,
    }


PARTNER_FIELDS = ("name", "email", "phone", "street", "street2", "city", "zip")
PARTNER_M2O = ("country_id", "state_id", "company_id")


def _partner_values(partner):
    values = {name: partner[name] for name in PARTNER_FIELDS}
    values.update({name: partner[name].id for name in PARTNER_M2O})
    return values


def baseline_recipe(orders):
    """What a bare-ORM integration would create for the orders the connector made:
    the customer, its delivery contact and the order with the same lines."""
    recipe = []
    for order in orders:
        delivery = order.partner_shipping_id
        recipe.append(
            {
                "customer": _partner_values(order.partner_id),
                "delivery": _partner_values(delivery)
                if delivery != order.partner_id
                else None,
                "order": {
                    "company_id": order.company_id.id,
                    "pricelist_id": order.pricelist_id.id,
                    "warehouse_id": order.warehouse_id.id,
                    "team_id": order.team_id.id,
                    "user_id": order.user_id.id,
                    "date_order": order.date_order,
                    "client_order_ref": order.client_order_ref,
                    "origin": order.origin,
                },
                "lines": [
                    {
                        "product_id": line.product_id.id,
                        "name": line.name,
                        "product_uom_qty": line.product_uom_qty,
                        "price_unit": line.price_unit,
                        "tax_id": [Command.set(line.tax_id.ids)],
                        "sequence": line.sequence,
                    }
                    for line in order.order_line
                ],
            }
        )
    return recipe


def baseline_run(registry, recipe):
    """Create and confirm the recipe's orders with the bare ORM; roll back."""
    with registry.cursor() as cr:
        env = make_env(cr)
        Partner = env["res.partner"]
        SaleOrder = env["sale.order"]
        env.flush_all()
        queries = sql_count()
        started = time.perf_counter()
        for entry in recipe:
            customer = Partner.create(entry["customer"])
            delivery = customer
            if entry["delivery"]:
                delivery = Partner.create(
                    {**entry["delivery"], "type": "delivery", "parent_id": customer.id}
                )
            order = SaleOrder.create(
                {
                    **entry["order"],
                    "partner_id": customer.id,
                    "partner_invoice_id": customer.id,
                    "partner_shipping_id": delivery.id,
                    "order_line": [Command.create(line) for line in entry["lines"]],
                }
            )
            order.action_confirm()
        env.flush_all()
        elapsed = time.perf_counter() - started
        queries = sql_count() - queries
        cr.rollback()
    return {"seconds": elapsed, "queries": queries}


def call_counts(calls):
    return Counter(call["operation"] for call in calls)


# --------------------------------------------------------------------------- main


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--orders", type=int, default=200, help="orders per timed run")
    parser.add_argument("--rounds", type=int, default=2, help="timed rounds per side")
    parser.add_argument(
        "--call-orders", type=int, default=1000, help="orders of the SP-API call count"
    )
    args = parser.parse_args(argv)
    began = time.perf_counter()
    odoo.tools.config.parse_config(
        [
            *("-c", args.config, "-d", args.database),
            *("--log-level=warn", "--log-handler=:WARNING"),
        ]
    )
    registry = Registry(args.database)
    rates = dict.fromkeys(
        ("searchOrders", "getOrder", "token", "getMarketplaceParticipations"), FAST
    )
    with AmazonSimulator(seed=11, rate_limits=rates) as sim:
        return _measure(args, registry, sim, began)


def _measure(args, registry, sim, began):
    maker = PayloadMaker(seed=2026)
    with registry.cursor() as cr:
        env = make_env(cr)
        account = set_up(env, sim)
        account_id = account.id
        filled = fill_catalogue(env, SMALL_CATALOGUE)
        cr.commit()
    say(
        f"set-up: account, {SKU_POOL // 2} of {SKU_POOL} order SKUs as products, "
        f"{filled} filler products"
    )

    # Warm-up, committed: the taxes, pricelists, placeholders, access token and the
    # Python side are ready, as in a database that has imported before.
    warmup = maker.orders(WARMUP_ORDERS)
    publish(sim, warmup)
    with registry.cursor() as cr:
        account = make_env(cr)["amazon.account"].browse(account_id)
        rewind(account)
        account.with_context(queue_job__no_delay=True)._import_orders()
        cr.commit()
    payloads = maker.orders(args.orders)
    first = connector_run(registry, sim, account_id, payloads, capture=True)
    recipe = first["recipe"]
    baseline_run(registry, recipe[:WARMUP_ORDERS])  # warm the baseline's code path
    say(f"warm-up done ({time.perf_counter() - began:.0f}s)")

    connector, baseline = [], []
    for _round in range(args.rounds):
        connector.append(connector_run(registry, sim, account_id, payloads))
        baseline.append(baseline_run(registry, recipe))
        say(
            f"round {_round + 1}: connector {connector[-1]['seconds']:.1f}s, "
            f"baseline {baseline[-1]['seconds']:.1f}s for {args.orders} orders"
        )
    n = args.orders
    conn_s = min(r["seconds"] for r in connector) / n
    base_s = min(r["seconds"] for r in baseline) / n
    small_q = [r["queries"] for r in connector]

    with registry.cursor() as cr:
        env = make_env(cr)
        filled = fill_catalogue(env, LARGE_CATALOGUE)
        cr.commit()
    say(f"catalogue grown by {filled} products ({time.perf_counter() - began:.0f}s)")
    # Creating products clears Odoo's method caches (ormcache): refill them first.
    connector_run(registry, sim, account_id, payloads[:WARMUP_ORDERS])
    large = connector_run(registry, sim, account_id, payloads)

    call_payloads = maker.orders(args.call_orders)
    calls_run = connector_run(registry, sim, account_id, call_payloads)
    calls = call_counts(calls_run["calls"])
    sp_api = sum(count for op, count in calls.items() if op != "token")
    per_1000 = sp_api * 1000 / args.call_orders

    with registry.cursor() as cr:
        cr.execute("SELECT count(*) FROM product_product")
        products = cr.fetchone()[0]
    ratio = conn_s / base_s
    small_per_order = min(small_q) / n
    large_per_order = large["queries"] / n
    rows = [
        (f"s / order, connector (best of {args.rounds})", f"{conn_s:.4f}", ""),
        ("s / order, bare-ORM baseline", f"{base_s:.4f}", ""),
        ("ratio connector / baseline", f"{ratio:.2f}", f"<= {GOALS['ratio']}"),
        ("queries / order, baseline", f"{baseline[0]['queries'] / n:.1f}", ""),
        (
            f"queries / order, {SMALL_CATALOGUE:,} products",
            f"{small_per_order:.1f}",
            "",
        ),
        (
            f"queries / order, {products:,} products",
            f"{large_per_order:.1f}",
            "same as above",
        ),
        ("SP-API calls / 1,000 orders", f"{per_1000:.1f}", f"<= {GOALS['calls']}"),
    ]
    say()
    say(
        f"Order import benchmark: {n} merchant-fulfilled Unshipped orders, 2-3 items, "
        f"{'/'.join(MARKETPLACES)}, half ITEM + TAX and half ITEM only, a new "
        "customer each"
    )
    say(f"{'measure':<40} {'value':>10}   goal")
    say("-" * 66)
    for label, value, goal in rows:
        say(f"{label:<40} {value:>10}   {goal}")
    say("-" * 66)
    say(
        "timed runs (s): connector "
        + ", ".join(f"{r['seconds']:.1f}" for r in connector)
        + "; baseline "
        + ", ".join(f"{r['seconds']:.1f}" for r in baseline)
    )
    say(
        f"queries: {', '.join(str(q) for q in small_q)} for {n} orders "
        f"({SMALL_CATALOGUE:,} products); {large['queries']} ({products:,} products)"
    )
    say(
        f"SP-API calls importing {args.call_orders} orders: {dict(calls)} "
        f"-> {sp_api} without the LWA token ({per_1000:.1f} per 1,000); import took "
        f"{calls_run['seconds']:.0f}s"
    )
    say(
        "baseline: res.partner create (customer + delivery contact), sale.order "
        "create with the same lines, taxes and pricelist (ids known: no look-ups), "
        "action_confirm; no Amazon fields, offers, import records, chatter message "
        "or per-order savepoint"
    )
    say(f"total benchmark time: {time.perf_counter() - began:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
