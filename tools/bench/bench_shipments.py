"""Benchmark of the shipment confirmations to Amazon, on a real Odoo.

Run with the virtualenv's Python on a database where amazon_connector is installed
(``tools/bench/run_bench.py`` sets one up and runs this; ``make bench`` runs it)::

    python tools/bench/bench_shipments.py -c odoo.conf -d DB [--deliveries 200]

The simulator enforces Amazon's documented usage plans of the shipment and feed
operations (confirmShipment: 2 calls/s, burst 10; 429 past them, as Amazon does);
the order import, which is not measured, is left unthrottled. The jobs are run by
queue_job's own runner code (``RunJobController``), one at a time, each committed
alone, a job with an ETA (a feed's gathering delay, its polls, a throttled job's
retry) only once it is due: the runner waits for it, it never runs one early.

1. ``--deliveries`` merchant orders (every ``--double-every``-th one shipped in two
   packages, the others in one), imported, their deliveries validated with a
   tracking number per package, the account's fulfillment feed threshold raised
   above their number so that each goes by confirmShipment. Prints the deliveries
   and packages confirmed per minute, from the first confirmation job to the last
   delivery confirmed, against the best the rate limit allows (the burst at once,
   then 2 calls/s: (packages - 10) / 2 seconds; goal: within 5%), the
   confirmShipment calls per delivery and per package (goal: one per package), the
   429 answers and the retries (goal: none without a 429).
2. ``--backlog`` deliveries validated without tracking number: they go in the
   account's fulfillment feed. Prints the SP-API calls of that part (document,
   upload, feed, its polls, the report and its download; goal: under 10), the feeds
   sent and the deliveries confirmed. The simulator has a feed processed after
   ``--feed-polls`` getFeed calls (Amazon: minutes); the connector's delays (60 s of
   gathering, 30 s before a poll) are waited for.

Part 2 runs first: the orders of part 1 are imported while its jobs wait for their
ETAs (no job runs meanwhile). Exits 1 when a delivery is not confirmed, or is
confirmed twice.
"""

import argparse
import sys
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tools"))

from amazon_simulator import AmazonSimulator  # noqa: E402
from bench_import import factory  # noqa: E402  (the tests' payload factory)

import odoo  # noqa: E402
from odoo import SUPERUSER_ID, Command, api, fields  # noqa: E402
from odoo.modules.registry import Registry  # noqa: E402

FAST = (1000.0, 1000)
# Amazon's confirmShipment usage plan, enforced by the simulator.
CONFIRM_RATE, CONFIRM_BURST = 2.0, 10
SELLER = "A1SHIPMENTBENCH"
SKUS = ("SHIP-LAMP", "SHIP-CHAIR")
BUYERS = 20  # repeat buyers: the customers are not what is measured
CONFIRM_JOB = "_amazon_confirm_shipment"
FEED_OPERATIONS = (
    "createFeedDocument",
    "uploadFeedDocument",
    "createFeed",
    "getFeed",
    "getFeedDocument",
    "downloadDocument",
)


def say(message=""):
    print(message, flush=True)


def now_utc():
    """Now as queue_job stores its ETAs: naive UTC."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def make_env(cr):
    return api.Environment(cr, SUPERUSER_ID, {})


# --------------------------------------------------------------------------- set-up


def set_up(env, sim):
    credentials = sim.credentials
    account = env["amazon.account"].create(
        {
            "name": "Shipment benchmark",
            "region": "eu",
            # The simulator's seller, not the other benchmarks' (one account per
            # seller, region and company; they may be in the same database).
            "seller_id": sim.seller_id,
            "lwa_client_id": credentials["client_id"],
            "lwa_client_secret": credentials["client_secret"],
            "refresh_token": credentials["refresh_token"],
            "api_endpoint": sim.url,
            "lwa_token_url": sim.token_url,
            "marketplace_ids": [
                Command.set([env.ref("amazon_connector.marketplace_de").id])
            ],
            "import_orders_from": fields.Datetime.now() - timedelta(days=1),
            "orders_high_water_mark": fields.Datetime.now() - timedelta(hours=3),
            "state": "connected",
            # The invoices a validation makes are no part of what is measured.
            "invoice_policy": "manual",
        }
    )
    stock = account.warehouse_id.lot_stock_id
    for sku in SKUS:
        product = env["product.product"].create(
            {"name": f"Shipment bench {sku}", "default_code": sku, "is_storable": True}
        )
        env["stock.quant"]._update_available_quantity(product, stock, 100_000)
    service = env["product.product"].create(
        {"name": "Shipment bench carrier", "type": "service"}
    )
    carrier = env["delivery.carrier"].create(
        {
            "name": "Shipment bench DHL",
            "product_id": service.id,
            "amazon_carrier_code": "DHL",
            "amazon_shipping_method": "Paket",
        }
    )
    return account.id, carrier.id, account.fulfillment_feed_threshold


def publish(sim, count, double_every, updated):
    """``count`` Unshipped merchant orders last updated at ``updated`` (and the
    seconds after); {order id: packages it ships in}."""
    packages = {}
    for index in range(count):
        double = double_every and index % double_every == double_every - 1
        items = [factory.item(SKUS[0], 1, "19.90")]
        if double:
            items.append(factory.item(SKUS[1], 1, "49.00"))
        moment = updated + timedelta(milliseconds=100 * index)
        payload = factory.order(
            items,
            created=moment - timedelta(minutes=30),
            updated=moment,
            buyer_name=f"Shipment Buyer {index % BUYERS}",
        )
        sim.state.add_order(payload)
        packages[payload["orderId"]] = 2 if double else 1
    return packages


def import_orders(registry, account_id, packages, since):
    """Import the orders changed since ``since`` (all of ``packages``)."""
    started = time.monotonic()
    with registry.cursor() as cr:
        env = make_env(cr)
        account = env["amazon.account"].browse(account_id)
        account.orders_high_water_mark = since
        account.with_context(queue_job__no_delay=True)._import_orders()
        cr.commit()
        imported = env["sale.order"].search_count(
            [
                ("amazon_account_id", "=", account_id),
                ("amazon_order_ref", "in", list(packages)),
            ]
        )
    if imported != len(packages):
        raise SystemExit(f"only {imported} of {len(packages)} orders imported")
    return time.monotonic() - started


def validate(registry, account_id, carrier_id, packages, *, tracked, chunk=50):
    """Validate the deliveries of the orders of ``packages`` as the warehouse does
    (each item of a 2-package order in its own package), ``chunk`` at a time, each
    chunk committed; return the seconds it took."""
    started = time.monotonic()
    refs = sorted(packages)
    serial = 0
    for start in range(0, len(refs), chunk):
        with registry.cursor() as cr:
            env = make_env(cr)
            orders = env["sale.order"].search(
                [
                    ("amazon_account_id", "=", account_id),
                    ("amazon_order_ref", "in", refs[start : start + chunk]),
                ]
            )
            pickings = orders.picking_ids.filtered(
                lambda p: (
                    p.picking_type_code == "outgoing"
                    and p.state not in ("done", "cancel")
                )
            )
            pickings.action_assign()
            for picking in pickings:
                count = packages[picking.sale_id.amazon_order_ref]
                numbers = []
                for _index in range(count):
                    serial += 1
                    numbers.append(f"JJD{account_id:04d}{serial:011d}")
                picking.write(
                    {
                        "carrier_id": carrier_id,
                        "carrier_tracking_ref": ",".join(numbers) if tracked else False,
                    }
                )
                for move in picking.move_ids:
                    move.quantity = move.product_uom_qty
                    if count > 1:
                        package = env["stock.quant.package"].create({})
                        move.move_line_ids.result_package_id = package
            pickings.move_ids.picked = True
            result = pickings.button_validate()
            if isinstance(result, dict) and result.get("res_model"):
                raise SystemExit(
                    f"validating the deliveries asks {result['res_model']}"
                )
            if set(pickings.mapped("state")) != {"done"}:
                raise SystemExit("a delivery could not be validated")
            cr.commit()
    return time.monotonic() - started


# --------------------------------------------------------------------------- jobs


class JobRunner:
    """Run the pending Amazon jobs one at a time, as queue_job's runner does, until
    none is left; record each run (method, start, end, outcome, 429s seen)."""

    def __init__(self, registry, sim):
        self.registry = registry
        self.sim = sim
        self.runs = []
        self.idle = 0.0  # seconds slept until an ETA
        self.busy = 0.0  # seconds of other work done while waiting for an ETA

    def throttled(self):
        with self.sim.state.lock:
            return sum(1 for c in self.sim.state.calls if c["status"] == 429)

    def drain(self, timeout, while_waiting=()):
        """Run the jobs; ``while_waiting``: callables run (once each, in turn) when
        the next job is not due yet, before sleeping; the rest after the last job."""
        from odoo.addons.queue_job.controllers.main import (  # noqa: PLC0415
            RunJobController,
        )

        chores = list(while_waiting)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.registry.cursor() as cr:
                cr.execute(
                    """SELECT uuid, eta, method_name FROM queue_job
                        WHERE state = 'pending' AND channel LIKE 'root.amazon%%'
                        ORDER BY eta NULLS FIRST, id LIMIT 1"""
                )
                row = cr.fetchone()
                if not row:
                    break
                uuid, eta, method = row
                wait = (eta - now_utc()).total_seconds() if eta else 0.0
                if wait > 0 and chores:
                    cr.rollback()
                    started = time.monotonic()
                    chores.pop(0)()
                    self.busy += time.monotonic() - started
                    continue
                if wait > 0:
                    time.sleep(wait)
                    self.idle += wait
                cr.execute(
                    "UPDATE queue_job SET state = 'enqueued', date_enqueued = now() "
                    "WHERE uuid = %s",
                    [uuid],
                )
                cr.commit()
                env = make_env(cr)
                job = RunJobController._acquire_job(env, uuid)
                if job is None:
                    continue
                throttled = self.throttled()
                started = time.monotonic()
                try:
                    RunJobController._runjob(env, job)
                except Exception as error:  # the job is stored failed; go on
                    say(f"job {uuid} ({method}) failed: {error}")
                ended = time.monotonic()
                cr.execute("SELECT state FROM queue_job WHERE uuid = %s", [uuid])
                self.runs.append(
                    {
                        "method": method,
                        "started": started,
                        "ended": ended,
                        "state": cr.fetchone()[0],
                        "throttled": self.throttled() - throttled,
                    }
                )
        else:
            raise SystemExit(f"the queue did not drain in {timeout}s")
        for chore in chores:
            chore()


# --------------------------------------------------------------------------- checks


def delivery_states(registry, account_id, refs):
    with registry.cursor() as cr:
        env = make_env(cr)
        pickings = env["stock.picking"].search(
            [
                ("amazon_account_id", "=", account_id),
                ("sale_id.amazon_order_ref", "in", list(refs)),
                ("picking_type_code", "=", "outgoing"),
            ]
        )
        return {
            "states": Counter(pickings.mapped("amazon_sync_state")),
            "routes": Counter(pickings.mapped("amazon_sync_route")),
            "errors": [e for e in pickings.mapped("amazon_sync_error") if e][:3],
        }


def shipped_wrong(sim, packages):
    """(orders confirmed twice, orders not shipped): twice when Amazon has more
    packages of the order than it ships in, or got one of its packages more than
    once (confirmShipment bodies and feed messages)."""
    with sim.state.lock:
        sent = Counter(
            (c["order_id"], c["body"]["packageDetail"]["packageReferenceId"])
            for c in sim.state.shipment_confirmations
        )
        for feed in sim.state.feeds.values():
            for message in feed["parsed"] or []:
                key = (message["amazon_order_id"], message["merchant_fulfillment_id"])
                sent[key] += 1
        twice, missing = set(), set()
        for order_id, count in packages.items():
            order = sim.state.orders[order_id]
            shipped = order.get("packages", [])
            if len(shipped) > count:
                twice.add(order_id)
            status = order["fulfillment"]["fulfillmentStatus"]
            if len(shipped) < count or status != "SHIPPED":
                missing.add(order_id)
        twice |= {order_id for (order_id, _ref), n in sent.items() if n > 1}
    return twice & set(packages), missing


def table(title, rows):
    lines = ["", title, f"{'measure':<52} {'value':>10}   goal", "-" * 78]
    lines += [f"{label:<52} {value:>10}   {goal}" for label, value, goal in rows]
    lines.append("-" * 78)
    return "\n".join(lines)


# --------------------------------------------------------------------------- parts


def part_api(args, registry, sim, account_id, carrier_id, packages):
    """Part 1: the deliveries by confirmShipment. (report, ok)."""
    threshold = max(args.deliveries * 2, 1000)
    with registry.cursor() as cr:
        env = make_env(cr)
        env["amazon.account"].browse(account_id).fulfillment_feed_threshold = threshold
        cr.commit()
    say(f"part 1: validating {len(packages)} tracked deliveries, running the jobs")
    validation = validate(registry, account_id, carrier_id, packages, tracked=True)
    sim.state.reset_calls()
    runner = JobRunner(registry, sim)
    runner.drain(args.timeout)

    confirm_runs = [r for r in runner.runs if r["method"] == CONFIRM_JOB]
    done_runs = [r for r in confirm_runs if r["state"] == "done"]
    began = min(r["started"] for r in confirm_runs) if confirm_runs else 0.0
    ended = max(r["ended"] for r in done_runs) if done_runs else began
    elapsed = max(ended - began, 1e-6)
    total = sum(packages.values())
    deliveries = len(packages)
    doubles = sum(1 for n in packages.values() if n == 2)
    floor = max(total - CONFIRM_BURST, 1) / CONFIRM_RATE
    ratio = floor / elapsed
    calls = [c for c in sim.state.calls if c["operation"] == "confirmShipment"]
    throttled = sum(1 for c in calls if c["status"] == 429)
    retried = [r for r in confirm_runs if r["state"] == "pending"]
    blind = [r for r in retried if not r["throttled"]]
    states = delivery_states(registry, account_id, packages)
    twice, missing = shipped_wrong(sim, packages)
    other = Counter(r["method"] for r in runner.runs if r["method"] != CONFIRM_JOB)
    report = table(
        f"Shipment benchmark, part 1: {deliveries} deliveries by confirmShipment, "
        f"{deliveries - doubles} in 1 package and {doubles} in 2 ({total} packages); "
        f"the account's fulfillment feed threshold raised to {threshold} for this "
        f"part; confirmShipment quota: burst {CONFIRM_BURST}, then "
        f"{CONFIRM_RATE:g} calls/s, 429 past it",
        [
            ("deliveries confirmed", f"{states['states']['confirmed']}", "all"),
            ("  confirmed twice or not at all", f"{len(twice | missing)}", "0"),
            (
                "first confirmation job -> last delivery confirmed (s)",
                f"{elapsed:.1f}",
                f"floor {floor:.1f} = ({total} - {CONFIRM_BURST}) / {CONFIRM_RATE:g}",
            ),
            (
                "deliveries confirmed per minute",
                f"{deliveries * 60 / elapsed:.1f}",
                f"{deliveries * 60 / floor:.1f} at the floor",
            ),
            (
                "packages confirmed per minute",
                f"{total * 60 / elapsed:.1f}",
                f"{total * 60 / floor:.1f} at the floor",
            ),
            (
                "achieved / best allowed (floor / time)",
                f"{ratio:.3f}",
                ">= 0.950: " + ("met" if ratio >= 0.95 else "NOT MET"),
            ),
            ("confirmShipment calls", f"{len(calls)}", f"{total} (one per package)"),
            (
                "  per delivery",
                f"{len(calls) / deliveries:.3f}",
                f"{total / deliveries:.3f} (packages per delivery)",
            ),
            ("  per package", f"{len(calls) / total:.3f}", "1.000"),
            ("  answered 429", f"{throttled}", ""),
            ("confirmation jobs run (retries included)", f"{len(confirm_runs)}", ""),
            ("  postponed for a retry", f"{len(retried)}", ""),
            ("  of which without a 429 in the run", f"{len(blind)}", "0"),
            ("other jobs run", f"{sum(other.values())}", "0"),
            ("deliveries validated in (s, not measured)", f"{validation:.0f}", ""),
        ],
    )
    if other:
        report += f"\nother jobs: {dict(other)}"
    if states["errors"]:
        report += f"\ndelivery errors, e.g.: {states['errors']}"
    ok = not twice and not missing and states["states"]["confirmed"] == deliveries
    return report, ok


def part_feed(args, registry, sim, account_id, carrier_id, packages, while_waiting):
    """Part 2: the untracked backlog by fulfillment feed. (report, ok)."""
    sim.state.feed_processing_polls = args.feed_polls
    say(
        f"part 2: validating {len(packages)} untracked deliveries, running the jobs "
        "(part 1's orders are imported while they wait for their ETAs)"
    )
    validation = validate(registry, account_id, carrier_id, packages, tracked=False)
    sim.state.reset_calls()
    runner = JobRunner(registry, sim)
    started = time.monotonic()
    calls = []

    def import_next():
        calls.extend(sim.state.calls)
        while_waiting()
        sim.state.reset_calls()  # the import's calls are not this part's

    runner.drain(args.timeout, [import_next])
    elapsed = time.monotonic() - started
    calls += sim.state.calls
    by_operation = Counter(c["operation"] for c in calls)
    sp_api = sum(n for op, n in by_operation.items() if op != "token")
    operations = [op for op in FEED_OPERATIONS if by_operation[op]] + sorted(
        set(by_operation) - {*FEED_OPERATIONS, "token"}
    )
    throttled = sum(1 for c in calls if c["status"] == 429)
    feeds = [
        f
        for f in sim.state.feeds.values()
        if f["feedType"] == "POST_ORDER_FULFILLMENT_DATA"
    ]
    states = delivery_states(registry, account_id, packages)
    twice, missing = shipped_wrong(sim, packages)
    jobs = Counter(r["method"] for r in runner.runs)
    retried = sum(1 for r in runner.runs if r["state"] == "pending")
    report = table(
        f"Shipment benchmark, part 2: a backlog of {len(packages)} untracked "
        f"deliveries (threshold {args.threshold}); the simulator processes a feed in "
        f"{args.feed_polls} getFeed poll(s); the ETAs are waited for",
        [
            ("deliveries confirmed", f"{states['states']['confirmed']}", "all"),
            ("  sent by fulfillment feed", f"{states['routes']['feed']}", "all"),
            ("  confirmed twice or not at all", f"{len(twice | missing)}", "0"),
            ("fulfillment feeds sent", f"{len(feeds)}", "1"),
            (
                "  messages in them",
                f"{sum(len(f['parsed'] or []) for f in feeds)}",
                f"{sum(packages.values())}",
            ),
            ("SP-API calls in total for the backlog", f"{sp_api}", "< 10"),
            *((f"  {op}", f"{by_operation[op]}", "") for op in operations),
            ("  LWA token requests (not SP-API)", f"{by_operation['token']}", ""),
            ("  answered 429", f"{throttled}", "0"),
            ("jobs run", f"{len(runner.runs)}", ""),
            *((f"  {m}", f"{n}", "") for m, n in jobs.items()),
            ("  postponed for a retry", f"{retried}", "0"),
            ("backlog confirmed in (s)", f"{elapsed:.0f}", ""),
            ("  waiting for ETAs, asleep (s)", f"{runner.idle:.0f}", ""),
            ("  waiting for ETAs, importing part 1 (s)", f"{runner.busy:.0f}", ""),
            ("deliveries validated in (s, not measured)", f"{validation:.0f}", ""),
        ],
    )
    if states["errors"]:
        report += f"\ndelivery errors, e.g.: {states['errors']}"
    ok = not twice and not missing and states["states"]["confirmed"] == len(packages)
    return report, ok


# --------------------------------------------------------------------------- main


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--deliveries", type=int, default=200)
    parser.add_argument(
        "--double-every",
        type=int,
        default=4,
        help="every n-th delivery of part 1 ships in 2 packages (0: none)",
    )
    parser.add_argument("--backlog", type=int, default=500)
    parser.add_argument("--feed-polls", type=int, default=1)
    parser.add_argument("--timeout", type=int, default=600)
    args = parser.parse_args(argv)
    odoo.tools.config.parse_config(
        [
            *("-c", args.config, "-d", args.database),
            *("--log-level=warn", "--log-handler=:WARNING"),
        ]
    )
    registry = Registry(args.database)
    # Amazon's documented plans for confirmShipment and the feed operations; the
    # import (not measured) unthrottled.
    limits = dict.fromkeys(
        ("searchOrders", "getOrder", "token", "getMarketplaceParticipations"), FAST
    )
    with AmazonSimulator(seed=7, seller_id=SELLER, rate_limits=limits) as sim:
        return _measure(args, registry, sim)


def _measure(args, registry, sim):
    began = time.monotonic()
    with sim.state.lock:
        sim.state.orders.clear()
    with registry.cursor() as cr:
        env = make_env(cr)
        account_id, carrier_id, args.threshold = set_up(env, sim)
        cr.commit()
    earlier = datetime.now(timezone.utc) - timedelta(hours=2)
    backlog = publish(sim, args.backlog, 0, earlier)
    say(f"bench_shipments: importing the {len(backlog)} orders of part 2")
    since = (earlier - timedelta(hours=1)).replace(tzinfo=None)
    seconds = import_orders(registry, account_id, backlog, since)
    imports = [f"{len(backlog)} orders imported in {seconds:.0f}s"]
    deliveries = {}

    def import_part_1():
        # Changed 3 minutes ago (Amazon shows an order 2 minutes after a change),
        # long after the backlog: the import window only has them.
        recent = datetime.now(timezone.utc) - timedelta(minutes=3)
        deliveries.update(publish(sim, args.deliveries, args.double_every, recent))
        since = (recent - timedelta(minutes=1)).replace(tzinfo=None)
        seconds = import_orders(registry, account_id, deliveries, since)
        imports.append(f"{len(deliveries)} in {seconds:.0f}s")

    feed_report, feed_ok = part_feed(
        args, registry, sim, account_id, carrier_id, backlog, import_part_1
    )
    api_report, api_ok = part_api(
        args, registry, sim, account_id, carrier_id, deliveries
    )
    say(api_report)
    say(feed_report)
    say()
    say(f"orders imported (not measured): {', '.join(imports)}")
    say(f"shipment benchmark done in {time.monotonic() - began:.0f}s")
    return 0 if feed_ok and api_ok else 1


if __name__ == "__main__":
    sys.exit(main())
