"""Benchmark of a backlog larger than Amazon's searchOrders burst, on a real Odoo.

Run with the virtualenv's Python on a database where amazon_connector is installed
(``tools/bench/run_bench.py`` sets one up and runs this; ``make bench`` runs both)::

    python tools/bench/bench_backlog.py -c odoo.conf -d DB [--pages 25] [--burst 12]

The simulator serves a window of ``--pages`` pages and enforces a searchOrders quota
of ``--burst`` calls, refilled at ``--rate`` calls per second (advertised in
``x-amzn-RateLimit-Limit``): past the burst it answers 429 until a call is allowed
again, as Amazon does (Amazon: burst 20, then one call per ~180 s; the rate here is
scaled down so that the run takes a minute or two, and kept slower than a page job's
longest wait so that throttled pages go back to the queue). The jobs are run by
queue_job's own runner code (``RunJobController``), one at a time, each committed
alone, a job with an ETA only once it is due.

Prints the orders imported (goal: every one, exactly once), the searchOrders calls
across all retries (goal: at most pages + 1), the jobs run and the longest one.
Exits 1 when an order is missing or doubled.
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


def say(message=""):
    print(message, flush=True)


def set_up(env, sim):
    credentials = sim.credentials
    account = env["amazon.account"].create(
        {
            "name": "Backlog benchmark",
            "region": "eu",
            # Not the simulator's seller: the order-import benchmark's account is,
            # in the same database (one account per seller, region and company).
            "seller_id": "A1BACKLOGBENCH",
            "lwa_client_id": credentials["client_id"],
            "lwa_client_secret": credentials["client_secret"],
            "refresh_token": credentials["refresh_token"],
            "api_endpoint": sim.url,
            "lwa_token_url": sim.token_url,
            "marketplace_ids": [
                Command.set([env.ref("amazon_connector.marketplace_de").id])
            ],
            "import_orders_from": fields.Datetime.now() - timedelta(days=2),
            "orders_high_water_mark": fields.Datetime.now() - timedelta(days=1),
            "state": "connected",
        }
    )
    env["product.product"].create(
        {"name": "Backlog lamp", "default_code": "BACKLOG-A", "type": "consu"}
    )
    return account


def backlog(sim, count):
    now = datetime.now(timezone.utc)
    refs = []
    for index in range(count):
        payload = factory.order(
            [factory.item("BACKLOG-A")],
            created=now - timedelta(minutes=600 - index),
            updated=now - timedelta(minutes=500 - index),
        )
        sim.state.add_order(payload)
        refs.append(payload["orderId"])
    return refs


def small_pages(sim, size):
    """searchOrders answers pages of ``size`` orders (the connector asks 100)."""
    state = sim.state
    search = state.search_orders

    def search_orders(params):
        if "paginationToken" not in params:
            params = {**params, "maxResultsPerPage": [str(size)]}
        return search(params)

    state.search_orders = search_orders


def run_queue(registry, timeout):
    """Run the pending Amazon jobs one at a time, as queue_job's runner does, until
    none is left; return (jobs run, seconds spent idle waiting for ETAs)."""
    from odoo.addons.queue_job.controllers.main import (  # noqa: PLC0415
        RunJobController,
    )

    runs, idle = 0, 0.0
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with registry.cursor() as cr:
            cr.execute(
                """SELECT uuid, eta FROM queue_job
                    WHERE state = 'pending' AND channel LIKE 'root.amazon%%'
                    ORDER BY eta NULLS FIRST, id LIMIT 1"""
            )
            row = cr.fetchone()
            if not row:
                return runs, idle
            uuid, eta = row
            wait = (eta - datetime.now()).total_seconds() if eta else 0.0
            if wait > 0:
                time.sleep(wait)
                idle += wait
            cr.execute(
                "UPDATE queue_job SET state = 'enqueued', date_enqueued = now() "
                "WHERE uuid = %s",
                [uuid],
            )
            cr.commit()
            env = api.Environment(cr, SUPERUSER_ID, {})
            job = RunJobController._acquire_job(env, uuid)
            if job is None:
                continue
            runs += 1
            try:
                RunJobController._runjob(env, job)
            except Exception as error:  # the job is stored failed; go on
                say(f"job {uuid} failed: {error}")
    raise SystemExit(f"the queue did not drain in {timeout}s")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--pages", type=int, default=25)
    parser.add_argument("--page-size", type=int, default=4)
    parser.add_argument("--burst", type=int, default=12)
    parser.add_argument("--rate", type=float, default=1 / 6)
    parser.add_argument("--timeout", type=int, default=900)
    args = parser.parse_args(argv)
    odoo.tools.config.parse_config(
        [
            *("-c", args.config, "-d", args.database),
            *("--log-level=warn", "--log-handler=:WARNING"),
        ]
    )
    registry = Registry(args.database)
    limits = {
        "searchOrders": (args.rate, args.burst),
        "token": FAST,
        "getOrder": FAST,
    }
    with AmazonSimulator(seed=5, rate_limits=limits) as sim:
        return _measure(args, registry, sim)


def _measure(args, registry, sim):
    with sim.state.lock:
        sim.state.orders.clear()
    refs = backlog(sim, args.pages * args.page_size)
    small_pages(sim, args.page_size)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        account = set_up(env, sim)
        account_id = account.id
        cr.commit()
    sim.state.reset_calls()
    began = time.monotonic()
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        env["amazon.account"].browse(account_id).action_import_orders()
        cr.commit()
    runs, idle = run_queue(registry, args.timeout)
    elapsed = time.monotonic() - began

    calls = [c for c in sim.state.calls if c["operation"] == "searchOrders"]
    throttled = sum(1 for c in calls if c.get("status") == 429)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        orders = env["sale.order"].search([("amazon_account_id", "=", account_id)])
        imported = Counter(orders.mapped("amazon_order_ref"))
        jobs = env["queue.job"].search(
            [("channel", "like", "root.amazon%"), ("state", "=", "done")]
        )
        longest = max(jobs.mapped("exec_time") or [0.0])
        window_left = env["amazon.import.window"].search_count(
            [("account_id", "=", account_id)]
        )
        account = env["amazon.account"].browse(account_id)
        moved = account.orders_high_water_mark > fields.Datetime.now() - timedelta(
            hours=1
        )
    missing = set(refs) - set(imported)
    doubled = [ref for ref, n in imported.items() if n > 1]
    ok = not missing and not doubled and len(imported) == len(refs)
    say()
    say(
        f"Backlog benchmark: a window of {args.pages} pages of {args.page_size} orders; "
        f"searchOrders quota: burst {args.burst}, then {args.rate:.3f} calls/s "
        "(429 past it)"
    )
    say(f"{'measure':<48} {'value':>10}   goal")
    say("-" * 72)
    rows = [
        ("orders published", f"{len(refs)}", ""),
        ("orders imported", f"{len(imported)}", f"{len(refs)} (all)"),
        ("orders imported twice or missing", f"{len(doubled) + len(missing)}", "0"),
        (
            "searchOrders calls, all retries included",
            f"{len(calls)}",
            f"<= {args.pages + 1}",
        ),
        ("  of which answered 429", f"{throttled}", ""),
        ("  pages served", f"{len(calls) - throttled}", f"{args.pages}"),
        ("jobs run (window start + page jobs + retries)", f"{runs}", ""),
        ("longest job (s)", f"{longest:.1f}", "a few seconds"),
        ("queue idle waiting for ETAs (s)", f"{idle:.0f}", ""),
        (
            "high-water mark moved, window closed",
            f"{moved and not window_left}",
            "True",
        ),
    ]
    for label, value, goal in rows:
        say(f"{label:<48} {value:>10}   {goal}")
    say("-" * 72)
    say(f"backlog imported in {elapsed:.0f}s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
