"""Benchmark of the retention run (buyers' personal data anonymised), on a real Odoo.

Run with the virtualenv's Python on a database where amazon_connector is installed
(``tools/bench/run_bench.py`` sets one up and runs this; ``make bench`` runs it)::

    python tools/bench/bench_retention.py -c odoo.conf -d DB [--buyers 100000]

Set-up (not measured): an account (EU), then ``--buyers`` Amazon buyers as the
order import makes them (a tagged customer of the account and its delivery
contact, with name, street, phone and e-mail relay), each with one Amazon order
delivered 40 days ago (its delivery done) and a message on the order naming the
buyer. One buyer, its order and its delivery are made with the ORM; the others
are copies of their rows made with SQL bulk inserts (the ORM would take an hour
to seed them).

Measured: one retention run of the account (``_amazon_apply_retention``, the
daily job, retention 30 days): seconds, queries, the queries of the query that
finds the due contacts and the queries of each batch of contacts. Goals: the
same number of queries in every batch, the run under 5 minutes. The run is
rolled back (the database stays seeded for another run).

Prints figures, never asserts times. Exits 1 when the run raises or leaves a
buyer with its data.
"""

import argparse
import sys
import time
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tools"))

from bench_offers import QUIET, Meter, _columns, make_env, say, table  # noqa: E402

import odoo  # noqa: E402
from odoo import Command, fields  # noqa: E402
from odoo.modules.registry import Registry  # noqa: E402

GOAL_SECONDS = 300
DELIVERED_DAYS_AGO = 40


def create_prototype(env):
    """An account, and one buyer, delivery contact, delivered order and message
    made with the ORM: the rows the bulk copies start from."""
    env = env(context=dict(env.context, **QUIET))
    account = env["amazon.account"].create(
        {
            "name": "Retention bench",
            "region": "eu",
            "seller_id": "A1RETENTIONBENCH",
            "lwa_client_id": "amzn1.application-oa2-client.bench",
            "lwa_client_secret": "bench",
            "refresh_token": "Atzr|bench",
            "state": "connected",
        }
    )
    tag = env.ref("amazon_connector.partner_category_amazon")
    buyer = env["res.partner"].create(
        {
            "name": "Erika Mustermann",
            "street": "Hauptstrasse 1",
            "zip": "10115",
            "city": "Berlin",
            "country_id": env.ref("base.de").id,
            "phone": "+49 30 1234567",
            "email": "erika@marketplace.amazon.de",
            "amazon_account_id": account.id,
            "category_id": [Command.link(tag.id)],
        }
    )
    delivery = env["res.partner"].create(
        {
            "name": "Erika Mustermann",
            "type": "delivery",
            "parent_id": buyer.id,
            "street": "Hauptstrasse 1",
            "zip": "10115",
            "city": "Berlin",
            "country_id": env.ref("base.de").id,
            "phone": "+49 30 1234567",
        }
    )
    product = env["product.product"].create({"name": "Bench lamp", "type": "consu"})
    order = env["sale.order"].create(
        {
            "partner_id": buyer.id,
            "partner_shipping_id": delivery.id,
            "amazon_account_id": account.id,
            "amazon_order_ref": "302-0000000-0000000",
            "warehouse_id": account.warehouse_id.id,
            "order_line": [Command.create({"product_id": product.id})],
        }
    )
    order.action_confirm()
    picking = order.picking_ids
    picking.move_ids.quantity = 1
    picking.move_ids.picked = True
    picking._action_done()
    picking.date_done = fields.Datetime.now() - timedelta(days=DELIVERED_DAYS_AGO)
    order.message_post(body="Called Erika Mustermann about Hauptstrasse 1.")
    return account, buyer, delivery, order, picking


def copy_rows(cr, table_name, prototype, count, overrides, source="g.n"):
    """``count`` copies of row ``prototype`` of ``table_name``, ``overrides``
    {column: SQL expression of ``g.n`` (1..count) and ``x``, the arrays joined
    in}; their ids in order."""
    columns = _columns(cr, table_name)
    names = ", ".join(f'"{c}"' for c, _v in columns)
    values = ", ".join(overrides.get(c, f'p."{c}"') for c, _v in columns)
    cr.execute(
        f"""
        INSERT INTO "{table_name}" ({names})
        SELECT {values} FROM "{table_name}" p, {source}
         WHERE p.id = %(prototype)s ORDER BY g.n
        RETURNING id
        """,
        {"prototype": prototype, "count": count},
    )
    return [row[0] for row in cr.fetchall()]


def seed(registry, buyers):
    """The account and ``buyers`` delivered buyers; the account's id."""
    with registry.cursor() as cr:
        env = make_env(cr)
        account, buyer, delivery, order, picking = create_prototype(env)
        env.flush_all()
        series = "generate_series(1, %(count)s) AS g(n)"
        name = "'Buyer ' || g.n"
        buyer_ids = copy_rows(
            cr,
            "res_partner",
            buyer.id,
            buyers,
            {
                "name": name,
                "complete_name": name,
                "email": "'buyer' || g.n || '@marketplace.amazon.de'",
                "email_normalized": "'buyer' || g.n || '@marketplace.amazon.de'",
                "street": "'Street ' || g.n",
            },
            series,
        )
        cr.execute(
            "UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)",
            [buyer_ids],
        )
        tag = env.ref("amazon_connector.partner_category_amazon").id
        cr.execute(
            "INSERT INTO res_partner_res_partner_category_rel (category_id, partner_id)"
            " SELECT %s, unnest(%s::int[])",
            [tag, buyer_ids],
        )
        cr.execute("CREATE TEMP TABLE bench_buyer (n int, buyer int) ON COMMIT DROP")
        cr.execute(
            "INSERT INTO bench_buyer SELECT g.n, g.buyer"
            " FROM unnest(%s::int[]) WITH ORDINALITY AS g(buyer, n)",
            [buyer_ids],
        )
        series = "bench_buyer g"
        delivery_ids = copy_rows(
            cr,
            "res_partner",
            delivery.id,
            buyers,
            {
                "name": name,
                "complete_name": "'Buyer ' || g.n || ', Buyer ' || g.n",
                "parent_id": "g.buyer",
                "commercial_partner_id": "g.buyer",
                "street": "'Street ' || g.n",
            },
            series,
        )
        cr.execute("ALTER TABLE bench_buyer ADD COLUMN delivery int")
        cr.execute(
            "UPDATE bench_buyer b SET delivery = d.delivery"
            " FROM unnest(%s::int[]) WITH ORDINALITY AS d(delivery, n)"
            " WHERE d.n = b.n",
            [delivery_ids],
        )
        order_ids = copy_rows(
            cr,
            "sale_order",
            order.id,
            buyers,
            {
                "name": "'BENCH/' || g.n",
                "amazon_order_ref": "'302-' || lpad(g.n::text, 7, '0') || '-0000001'",
                "partner_id": "g.buyer",
                "partner_invoice_id": "g.buyer",
                "partner_shipping_id": "g.delivery",
            },
            series,
        )
        cr.execute("ALTER TABLE bench_buyer ADD COLUMN sale int")
        cr.execute(
            "UPDATE bench_buyer b SET sale = s.sale"
            " FROM unnest(%s::int[]) WITH ORDINALITY AS s(sale, n) WHERE s.n = b.n",
            [order_ids],
        )
        copy_rows(
            cr,
            "stock_picking",
            picking.id,
            buyers,
            {
                "name": "'BENCH/OUT/' || g.n",
                "sale_id": "g.sale",
                "partner_id": "g.delivery",
                "date_done": (
                    f"now() at time zone 'UTC' - interval '{DELIVERED_DAYS_AGO} days'"
                ),
            },
            series,
        )
        message = order.message_ids.filtered(lambda m: "Erika" in str(m.body))
        copy_rows(
            cr,
            "mail_message",
            message.id,
            buyers,
            {
                "res_id": "g.sale",
                "body": "'<p>Called Buyer ' || g.n || ' about Street ' || g.n || '</p>'",
            },
            series,
        )
        cr.execute("ANALYZE res_partner, sale_order, stock_picking, mail_message")
        account_id = account.id
        cr.commit()
    return account_id


def run(registry, account_id):
    """One retention run of the account, measured, rolled back: (total meter,
    due meter, [queries per batch], [seconds per batch], summary, left)."""
    with registry.cursor() as cr:
        env = make_env(cr)
        account = env["amazon.account"].browse(account_id)
        Partner = type(env["res.partner"])
        anonymize = Partner._amazon_anonymize
        due = Partner._amazon_retention_due
        batches, durations, found = [], [], {}

        def counted_anonymize(self):
            started, queries = time.perf_counter(), cr.sql_log_count
            anonymize(self)
            self.env.flush_all()
            batches.append(cr.sql_log_count - queries)
            durations.append(time.perf_counter() - started)

        def counted_due(self, account, cutoff):
            with Meter(cr) as meter:
                ids = due(self, account, cutoff)
            found["meter"], found["count"] = meter, len(ids)
            return ids

        Partner._amazon_anonymize = counted_anonymize
        Partner._amazon_retention_due = counted_due
        try:
            with Meter(cr) as total:
                summary = account._amazon_apply_retention()
                env.flush_all()
        finally:
            Partner._amazon_anonymize = anonymize
            Partner._amazon_retention_due = due
        cr.execute(
            """
            SELECT count(*) FROM res_partner
             WHERE amazon_account_id = %s AND amazon_anonymized IS NOT TRUE
            """,
            [account_id],
        )
        (left,) = cr.fetchone()
        cr.rollback()
    return total, found, batches, durations, summary, left


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--buyers", type=int, default=100000)
    args = parser.parse_args(argv)
    odoo.tools.config.parse_config(
        [
            *("-c", args.config, "-d", args.database),
            *("--log-level=warn", "--log-handler=:WARNING"),
        ]
    )
    registry = Registry(args.database)
    say(f"bench_retention: seeding {args.buyers} delivered buyers")
    started = time.perf_counter()
    account_id = seed(registry, args.buyers - 1)
    say(f"bench_retention: seeded in {time.perf_counter() - started:.0f}s")
    try:
        total, found, batches, durations, summary, left = run(registry, account_id)
    except Exception as exc:
        say(f"bench_retention: the run raised {exc!r}")
        return 1
    say(
        table(
            f"Retention: one run over {args.buyers} delivered buyers "
            f"({2 * args.buyers} contacts)",
            [
                ("the run (s)", f"{total.seconds:.1f}", f"< {GOAL_SECONDS}"),
                ("queries in all", str(total.queries), ""),
                ("contacts due", str(found.get("count")), str(2 * args.buyers)),
                ("finding them (s)", f"{found['meter'].seconds:.1f}", ""),
                ("finding them (queries)", str(found["meter"].queries), ""),
                ("batches", str(len(batches)), ""),
                ("queries per batch, min", str(min(batches, default=0)), ""),
                ("queries per batch, max", str(max(batches, default=0)), "= min"),
                ("seconds per batch, max", f"{max(durations, default=0):.2f}", ""),
                ("summary", summary, ""),
                ("contacts left with their data", str(left), "0"),
            ],
        )
    )
    say("queries per batch: " + " ".join(str(q) for q in batches))
    return 1 if left else 0


if __name__ == "__main__":
    sys.exit(main())
