"""Benchmark of the stock export to Amazon (amazon.offer), on a real Odoo.

Run with the virtualenv's Python on a database where amazon_connector is installed
(``tools/bench/run_bench.py`` sets one up and runs this; ``make bench`` runs it)::

    python tools/bench/bench_offers.py -c odoo.conf -d DB [--offers 5000,50000]

Set-up (not measured): the largest of ``--offers`` storable products (one made by
the ORM, the others SQL copies of its rows), one quant each in the warehouse's stock
(SQL), and for each size N of ``--offers`` a connected account (EU, marketplace DE)
with N offers of the first N products. Only the largest account is exported, to the
local Amazon simulator (every operation given a fast usage plan: the quotas are not
what is measured), where its SKUs are listed. The offers do not send their price (``sync_price`` off): the price path
(pricelists, through the ORM) is not measured here, only the stock.

1. For each N: the queries and seconds of the availability (the offers' rows read,
   then ``_amazon_compute_availability``) and of what the export job computes
   (``_amazon_export_plan`` and ``_amazon_feed_documents``, their own read
   included), the cache emptied before each. Goals: the same number of queries
   whatever N; the largest N in at most 10 s. Prints the documents' sizes.
2. The export of the largest account, end to end: the ``_amazon_export`` job, its
   feeds submitted, polled until done (the simulator processes a feed after
   ``--feed-polls`` getFeed calls), their reports fetched and the verdicts
   recorded. The jobs run at once (``queue_job__no_delay``): the connector's delays
   before a poll are not waited for, and the simulator, which processes each feed
   in the same process, is in the seconds (and shown apart). Goals: one feed per
   25,000 offers (2 for 50,000), at most 6 SP-API calls a feed, polls included (12),
   every offer Up to Date with the quantity of its stock.
3. The stock of 1% of the products changed (SQL), the export run again. Goal: as
   many messages sent as offers changed.

Exits 1 when an offer is not Up to Date after an export, or when the second export
does not send exactly the offers whose stock changed.
"""

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tools"))

from amazon_simulator import AmazonSimulator  # noqa: E402
from amazon_simulator.ratelimit import documented_rate_limits  # noqa: E402

import odoo  # noqa: E402
from odoo import SUPERUSER_ID, Command, api  # noqa: E402
from odoo.modules.registry import Registry  # noqa: E402
from odoo.tools import SQL  # noqa: E402

FAST = (1000.0, 1000)
SELLER = "A1OFFERSBENCH"  # the exported account: the simulator's seller
SKU = "OFFERS-BENCH-{:06d}"
MAX_SECONDS = 10.0
# Per feed: createFeedDocument, the upload, createFeed, one getFeed,
# getFeedDocument and the report's download.
CALLS_PER_FEED = 6
CHANGED_SHARE = 0.01
FEED_OPERATIONS = (
    "createFeedDocument",
    "uploadFeedDocument",
    "createFeed",
    "getFeed",
    "getFeedDocument",
    "downloadDocument",
)
QUIET = {"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True}


def say(message=""):
    print(message, flush=True)


def make_env(cr):
    return api.Environment(cr, SUPERUSER_ID, {})


def table(title, rows):
    lines = ["", title, f"{'measure':<58} {'value':>10}   goal", "-" * 84]
    lines += [f"{label:<58} {value:>10}   {goal}" for label, value, goal in rows]
    lines.append("-" * 84)
    return "\n".join(lines)


# --------------------------------------------------------------------------- set-up


def create_account(env, sim, name, seller_id):
    credentials = sim.credentials
    return env["amazon.account"].create(
        {
            "name": name,
            "region": "eu",
            # One account per seller, region and company: the other benchmarks'
            # accounts may be in the same database.
            "seller_id": seller_id,
            "lwa_client_id": credentials["client_id"],
            "lwa_client_secret": credentials["client_secret"],
            "refresh_token": credentials["refresh_token"],
            "api_endpoint": sim.url,
            "lwa_token_url": sim.token_url,
            "marketplace_ids": [
                Command.set([env.ref("amazon_connector.marketplace_de").id])
            ],
            "state": "connected",
        }
    )


def create_products(env, count):
    """``count`` storable products (SKU as Internal Reference); their ids, in SKU
    order. One is made by the ORM, the others are SQL copies of its rows (the
    ORM takes about 4 ms a product, over 3 minutes for 50,000)."""
    cr = env.cr
    prototype = (
        env["product.product"]
        .with_context(**QUIET)
        .create(
            {
                "name": "Offers bench prototype",
                "default_code": "OFFERS-BENCH-PROTOTYPE",
                "is_storable": True,
            }
        )
    )
    env.flush_all()
    names = SQL("jsonb_build_object('en_US', 'Offers bench ' || lpad(n::text, 6, '0'))")
    codes = SQL("'OFFERS-BENCH-' || lpad(n::text, 6, '0')")
    columns = _columns(cr, "product_template", name=names, default_code=codes)
    cr.execute(
        SQL(
            "INSERT INTO product_template (%s) SELECT %s FROM product_template t,"
            " generate_series(0, %s) AS n WHERE t.id = %s ORDER BY n"
            " RETURNING id",
            SQL(", ").join(SQL.identifier(c) for c, _v in columns),
            SQL(", ").join(v or SQL.identifier("t", c) for c, v in columns),
            count - 1,
            prototype.product_tmpl_id.id,
        )
    )
    copies = {"product.template": [row[0] for row in cr.fetchall()]}
    columns = _columns(
        cr,
        "product_product",
        product_tmpl_id=SQL("t.id"),
        default_code=SQL("t.default_code"),
    )
    cr.execute(
        SQL(
            "INSERT INTO product_product (%s) SELECT %s FROM product_product p"
            " JOIN product_template t ON t.id = ANY(%s)"
            " WHERE p.id = %s RETURNING id, default_code",
            SQL(", ").join(SQL.identifier(c) for c, _v in columns),
            SQL(", ").join(v or SQL.identifier("p", c) for c, v in columns),
            copies["product.template"],
            prototype.id,
        )
    )
    ids = [pid for pid, _code in sorted(cr.fetchall(), key=lambda r: r[1])]
    copies["product.product"] = ids
    # The prototype's many2many rows (taxes, routes...), for every copy.
    for model, record in (
        ("product.template", prototype.product_tmpl_id),
        ("product.product", prototype),
    ):
        for field in env[model]._fields.values():
            if field.type != "many2many" or not field.store:
                continue
            cr.execute(
                SQL(
                    "INSERT INTO %(rel)s (%(c1)s, %(c2)s)"
                    " SELECT x.id, r.%(c2)s FROM %(rel)s r, unnest(%(ids)s) AS x(id)"
                    " WHERE r.%(c1)s = %(id)s",
                    rel=SQL.identifier(field.relation),
                    c1=SQL.identifier(field.column1),
                    c2=SQL.identifier(field.column2),
                    ids=copies[model],
                    id=record.id,
                )
            )
    env.invalidate_all()
    return ids


def _columns(cr, table, **values):
    """[(column, SQL value or None for the prototype's)] of ``table``, but id."""
    cr.execute(
        "SELECT column_name FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND table_name = %s"
        " ORDER BY ordinal_position",
        [table],
    )
    return [(c, values.get(c)) for (c,) in cr.fetchall() if c != "id"]


def stock_of(index):
    return 10 + index % 90


def insert_quants(env, product_ids, location):
    """One quant per product in ``location``, in one SQL query."""
    env.cr.execute(
        """
        INSERT INTO stock_quant (product_id, location_id, company_id, quantity,
                                 reserved_quantity, in_date, create_uid, write_uid,
                                 create_date, write_date)
        SELECT p.id, %s, %s, p.qty, 0, now() at time zone 'UTC', 1, 1,
               now() at time zone 'UTC', now() at time zone 'UTC'
          FROM unnest(%s::int[], %s::numeric[]) AS p(id, qty)
        """,
        [
            location.id,
            location.company_id.id,
            product_ids,
            [stock_of(index) for index in range(len(product_ids))],
        ],
    )


def create_offers(env, account, product_ids, batch=5000):
    marketplace = account.marketplace_ids
    offers = env["amazon.offer"].with_context(**QUIET)
    for start in range(0, len(product_ids), batch):
        offers.create(
            [
                {
                    "account_id": account.id,
                    "marketplace_id": marketplace.id,
                    "sku": SKU.format(index),
                    "product_id": product_ids[index],
                    "sync_price": False,
                    # As the listings import leaves them: Amazon said who
                    # fulfils them (no getListingsItem before the export).
                    "channel_unknown": False,
                }
                for index in range(start, min(start + batch, len(product_ids)))
            ]
        )
        env.cr.commit()
        env.invalidate_all()


def set_up(registry, sim, sizes):
    """{N: account id}; the product ids."""
    started = time.monotonic()
    largest = max(sizes)
    with registry.cursor() as cr:
        env = make_env(cr)
        accounts = {}
        for size in sizes:
            seller = SELLER if size == largest else f"{SELLER}{size}"
            accounts[size] = create_account(env, sim, f"Offers bench {size}", seller)
        cr.commit()
        say(f"bench_offers: creating {largest} storable products")
        product_ids = create_products(env, largest)
        cr.commit()
        products_seconds = time.monotonic() - started
        insert_quants(env, product_ids, accounts[largest].warehouse_id.lot_stock_id)
        cr.commit()
        for size, account in accounts.items():
            say(f"bench_offers: creating the {size} offers of {account.name}")
            create_offers(env, account, product_ids[:size])
        accounts = {size: account.id for size, account in accounts.items()}
    sim.state.add_listings(
        [{"sku": SKU.format(index), "marketplace": "DE"} for index in range(largest)]
    )
    say(
        f"bench_offers: set up in {time.monotonic() - started:.0f}s "
        f"(products {products_seconds:.0f}s)"
    )
    return accounts, product_ids


# --------------------------------------------------------------------------- measures


class Meter:
    """Queries and seconds of a block on ``cr``."""

    def __init__(self, cr):
        self.cr = cr

    def __enter__(self):
        self.queries = self.cr.sql_log_count
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc_info):
        self.seconds = time.perf_counter() - self.started
        self.queries = self.cr.sql_log_count - self.queries


def measure_build(registry, account_id):
    """The availability of every offer of the account, then what the export job
    computes: the plan and the feed documents."""
    with registry.cursor() as cr:
        env = make_env(cr)
        offers = env["amazon.offer"].sudo()
        account = env["amazon.account"].browse(account_id)
        env.invalidate_all()
        with Meter(cr) as availability:
            rows = offers._amazon_offer_rows(account)
            figures = offers._amazon_compute_availability(rows)
        env.invalidate_all()
        with Meter(cr) as export:
            plan, missing = offers._amazon_export_plan(account)
            documents = offers._amazon_feed_documents(account, plan)
        cr.rollback()
    return {
        "offers": len(rows),
        "figures": len(figures),
        "availability": availability,
        "export": export,
        "messages": len(plan),
        "missing_type": len(missing),
        "documents": [len(document) for document, _mapping, _chunk in documents],
    }


class SimulatorTime:
    """Seconds the simulator spends in its feed operations (it validates and
    applies a feed's messages when the feed is created): its methods wrapped on
    the instance, the simulator's code unchanged."""

    OPERATIONS = (
        "create_feed_document",
        "upload_document",
        "create_feed",
        "get_feed",
        "get_feed_document",
        "download",
    )

    def __init__(self, state):
        self.seconds = 0.0
        for name in self.OPERATIONS:
            setattr(state, name, self._timed(getattr(state, name)))

    def _timed(self, method):
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - started

        return timed


def offer_states(cr, account_id):
    cr.execute(
        "SELECT state, count(*) FROM amazon_offer"
        " WHERE account_id = %s AND active GROUP BY state",
        [account_id],
    )
    return Counter(dict(cr.fetchall()))


def run_export(registry, sim, clock, account_id):
    """The export job of the account, run at once with everything it queues."""
    sim.state.reset_calls()
    clock.seconds = 0.0
    with registry.cursor() as cr:
        env = make_env(cr)
        cr.execute("SELECT COALESCE(max(id), 0) FROM amazon_feed")
        (last_feed,) = cr.fetchone()
        account = env["amazon.account"].browse(account_id)
        offers = env["amazon.offer"].with_context(queue_job__no_delay=True)
        env.invalidate_all()
        with Meter(cr) as meter:
            outcome = offers._amazon_queue_export(account).result
            cr.commit()
        feeds = env["amazon.feed"].search(
            [("account_id", "=", account_id), ("id", ">", last_feed)]
        )
        result = {
            "meter": meter,
            "outcome": outcome,
            "feeds": len(feeds),
            "feed_states": Counter(feeds.mapped("state")),
            "feed_results": [f.result for f in feeds if f.state != "done"],
            "messages": sum(feeds.mapped("message_count")),
            "polls": sum(feeds.mapped("polls")),
            "states": offer_states(cr, account_id),
        }
        cr.execute(
            "SELECT error FROM amazon_offer WHERE account_id = %s AND error IS NOT NULL"
            " LIMIT 3",
            [account_id],
        )
        result["errors"] = [row[0] for row in cr.fetchall()]
    with sim.state.lock:
        calls = [c for c in sim.state.calls if c["operation"] != "token"]
    result["simulator"] = clock.seconds
    result["calls"] = Counter(c["operation"] for c in calls)
    result["throttled"] = sum(1 for c in calls if c["status"] == 429)
    return result


def change_stock(registry, product_ids, share):
    """Add 5 units to the quant of every 1/share-th product; the ids changed."""
    step = round(1 / share)
    changed = product_ids[step - 1 :: step]
    with registry.cursor() as cr:
        cr.execute(
            "UPDATE stock_quant SET quantity = quantity + 5,"
            " write_date = now() at time zone 'UTC' WHERE product_id = ANY(%s)",
            [changed],
        )
        cr.commit()
    return changed


def stale_offers(registry, account_id):
    """Offers whose quantity accepted by Amazon is not their stock now."""
    with registry.cursor() as cr:
        cr.execute(
            """
            SELECT count(*) FROM amazon_offer o
              JOIN stock_quant q ON q.product_id = o.product_id
             WHERE o.account_id = %s AND o.active
               AND o.last_sent_qty <> q.quantity
            """,
            [account_id],
        )
        return cr.fetchone()[0]


# --------------------------------------------------------------------------- report


def build_report(builds):
    sizes = sorted(builds)
    small, large = builds[sizes[0]], builds[sizes[-1]]
    rows = []
    for size in sizes:
        build = builds[size]
        documents = build["documents"]
        availability, export = build["availability"], build["export"]
        rows += [
            (f"{size} offers: availability, queries", f"{availability.queries}", ""),
            ("  availability, seconds", f"{availability.seconds:.2f}", ""),
            (
                "  export plan + feed documents, queries",
                f"{export.queries}",
                "the same for every size",
            ),
            (
                "  export plan + feed documents, seconds",
                f"{export.seconds:.2f}",
                f"<= {MAX_SECONDS:g}" if size == sizes[-1] else "",
            ),
            (
                "  all of it, queries / seconds",
                f"{availability.queries + export.queries} / "
                f"{availability.seconds + export.seconds:.2f}",
                "",
            ),
            (
                "  offers read / availabilities",
                f"{build['offers']} / {build['figures']}",
                f"{size} / {size}",
            ),
            ("  messages planned", f"{build['messages']}", f"{size} (none sent yet)"),
            (
                "  feed documents (MB each)",
                f"{len(documents)}",
                ", ".join(f"{n / 1e6:.2f}" for n in documents),
            ),
        ]
    same = (
        small["availability"].queries == large["availability"].queries
        and small["export"].queries == large["export"].queries
    )
    fast = large["export"].seconds <= MAX_SECONDS
    per_offer = large["export"].seconds / max(large["offers"], 1) * 1e6
    report = table(
        "Offers benchmark, part 1: availability and feed documents per account size "
        "(stock only: sync_price off, the pricelist path is not measured; the cache "
        "emptied before each measure)",
        rows,
    )
    report += (
        f"\nsame number of queries for {sizes[0]} and {sizes[-1]} offers: "
        + ("yes" if same else "NO")
        + f"\n{sizes[-1]} offers in {large['export'].seconds:.2f} s "
        f"(goal <= {MAX_SECONDS:g} s: " + ("met" if fast else "NOT MET") + "), "
        f"{per_offer:.0f} us per offer"
    )
    return report


def export_rows(export, offers):
    calls = export["calls"]
    total = sum(calls.values())
    operations = [op for op in FEED_OPERATIONS if calls[op]] + sorted(
        set(calls) - set(FEED_OPERATIONS)
    )
    return [
        ("feeds sent", f"{export['feeds']}", ""),
        (
            "  feed states",
            ", ".join(f"{k} {v}" for k, v in export["feed_states"].items()),
            "done",
        ),
        ("messages sent", f"{export['messages']}", ""),
        ("SP-API calls in all (LWA token requests not counted)", f"{total}", ""),
        *((f"  {op}", f"{calls[op]}", "") for op in operations),
        ("  answered 429", f"{export['throttled']}", "0"),
        ("getFeed polls recorded on the feeds", f"{export['polls']}", ""),
        (
            "seconds (job, submit, polls, verdicts; no ETA waited)",
            f"{export['meter'].seconds:.1f}",
            "",
        ),
        (
            "  of which in the simulator (it checks every message)",
            f"{export['simulator']:.1f}",
            "",
        ),
        (
            "  the rest: the connector, Odoo, PostgreSQL, HTTP",
            f"{export['meter'].seconds - export['simulator']:.1f}",
            "",
        ),
        ("queries", f"{export['meter'].queries}", ""),
        ("offers Up to Date", f"{export['states']['ok']}", f"{offers}"),
        (
            "  pending / error",
            f"{export['states']['pending']} / {export['states']['error']}",
            "0 / 0",
        ),
    ]


# --------------------------------------------------------------------------- main


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument(
        "--offers",
        default="5000,50000",
        help="account sizes, comma-separated; the largest is exported",
    )
    parser.add_argument("--feed-polls", type=int, default=1)
    args = parser.parse_args(argv)
    sizes = sorted({int(n) for n in args.offers.split(",") if n.strip()})
    if not sizes or sizes[0] < 100:
        parser.error("--offers: sizes of at least 100")
    odoo.tools.config.parse_config(
        [
            *("-c", args.config, "-d", args.database),
            *("--log-level=warn", "--log-handler=:WARNING"),
        ]
    )
    registry = Registry(args.database)
    limits = dict.fromkeys((*documented_rate_limits(), "token"), FAST)
    with AmazonSimulator(seed=11, seller_id=SELLER, rate_limits=limits) as sim:
        sim.state.feed_processing_polls = args.feed_polls
        return _measure(args, registry, sim, sizes)


def _measure(args, registry, sim, sizes):
    from odoo.addons.amazon_connector.amazon.listings_feed import (  # noqa: PLC0415
        MAX_MESSAGES,
    )

    began = time.monotonic()
    accounts, product_ids = set_up(registry, sim, sizes)
    largest = sizes[-1]
    big = accounts[largest]

    say("bench_offers: part 1, availability and feed documents")
    measure_build(registry, accounts[sizes[0]])  # warm-up, not counted
    builds = {size: measure_build(registry, accounts[size]) for size in sizes}

    say(f"bench_offers: part 2, exporting the {largest} offers")
    clock = SimulatorTime(sim.state)
    first = run_export(registry, sim, clock, big)
    first_ok = first["states"]["ok"] == largest
    first_stale = stale_offers(registry, big)

    changed = change_stock(registry, product_ids[:largest], CHANGED_SHARE)
    say(f"bench_offers: part 3, stock of {len(changed)} products changed, export")
    second = run_export(registry, sim, clock, big)
    second_ok = second["states"]["ok"] == largest and second["messages"] == len(changed)
    second_stale = stale_offers(registry, big)

    say(build_report(builds))
    calls = sum(first["calls"].values())
    feeds = -(-largest // MAX_MESSAGES)  # 25,000 messages a feed
    max_calls = CALLS_PER_FEED * feeds
    say(
        table(
            f"Offers benchmark, part 2: export of {largest} changed offers, end to "
            f"end (the simulator processes a feed in {args.feed_polls} getFeed "
            "poll(s), in this process; jobs run at once, queue_job__no_delay)",
            [
                *export_rows(first, largest),
                (
                    "offers whose accepted quantity is not the stock",
                    f"{first_stale}",
                    "0",
                ),
            ],
        )
    )
    say(
        f"feeds: {first['feeds']} (goal {feeds}: "
        + ("met" if first["feeds"] == feeds else "NOT MET")
        + f"); SP-API calls: {calls} (goal <= {max_calls} with polls: "
        + ("met" if calls <= max_calls else "NOT MET")
        + ")"
    )
    share = second["messages"] / largest
    say(
        table(
            f"Offers benchmark, part 3: stock of {len(changed)} of {largest} products "
            f"changed ({CHANGED_SHARE:.0%}), the export run again",
            [
                *export_rows(second, largest),
                (
                    "offers whose accepted quantity is not the stock",
                    f"{second_stale}",
                    "0",
                ),
            ],
        )
    )
    say(
        f"messages sent on the second run: {second['messages']} of {largest} = "
        f"{share:.2%} (goal: {len(changed)} = {CHANGED_SHARE:.0%}: "
        + ("met" if second["messages"] == len(changed) else "NOT MET")
        + ")"
    )
    for export in (first, second):
        if export["feed_results"]:
            say(f"feeds not done: {export['feed_results'][:3]}")
        if export["errors"]:
            say(f"offer errors, e.g.: {export['errors']}")
    say(f"offers benchmark done in {time.monotonic() - began:.0f}s")
    ok = first_ok and second_ok and not first_stale and not second_stale
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
