"""Benchmark of the VAT invoice upload to Amazon, on a real Odoo.

Run with the virtualenv's Python on a database where amazon_connector is installed
(``tools/bench/run_bench.py`` sets one up and runs this; ``make bench`` runs it)::

    python tools/bench/bench_vat_upload.py -c odoo.conf -d DB [--invoices 1000]

``--invoices`` invoices of Amazon.de orders are posted (the account uploads VAT
invoices), then every job they queue is run: each invoice rendered with Odoo's
invoice report into its UPLOAD_VAT_INVOICE feed, the feed created (createFeedDocument,
upload, createFeed) and polled until Amazon has processed it. The simulator enforces
Amazon's usage plans of the feed operations (createFeed: 0.0083 calls/s, burst 15:
(invoices - 15) / 0.0083 seconds at best, some 33 hours for 1,000 invoices), so the
waits run on a quota clock, as in the tests: a job's ETA and a throttled job's retry
move the clock forward instead of being slept, Amazon's buckets refill by that much.

Prints the seconds of work (rendering, feeds, jobs), the seconds Amazon's quota alone
imposes, the run's seconds with the quota (work plus the waits), and the ratio run /
quota-bound (goal: close to 1, limited only by Amazon's quota). Without wkhtmltopdf on
the machine, Odoo's report is rendered to HTML and wrapped as the PDF (said in the
output). Exits 1 when an invoice is not uploaded, or is uploaded twice.
"""

import argparse
import functools
import shutil
import sys
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path
from unittest.mock import patch

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tools"))

from amazon_simulator import AmazonSimulator  # noqa: E402

import odoo  # noqa: E402
from odoo import SUPERUSER_ID, Command, api, fields  # noqa: E402
from odoo.modules.registry import Registry  # noqa: E402

SELLER = "A1VATUPLOADBENCH"
CREATE_FEED = "createFeed"
BUYERS = 20  # repeat buyers: the customers are not what is measured


def say(message=""):
    print(message, flush=True)


def set_up(env, sim, count):
    """The account and ``count`` confirmed Amazon.de orders, not invoiced yet."""
    credentials = sim.credentials
    de = env.ref("amazon_connector.marketplace_de")
    account = env["amazon.account"].create(
        {
            "name": "VAT upload benchmark",
            "region": "eu",
            "seller_id": sim.seller_id,
            "lwa_client_id": credentials["client_id"],
            "lwa_client_secret": credentials["client_secret"],
            "refresh_token": credentials["refresh_token"],
            "api_endpoint": sim.url,
            "lwa_token_url": sim.token_url,
            "marketplace_ids": [Command.set(de.ids)],
            "import_orders_from": fields.Datetime.now() - timedelta(days=1),
            "state": "connected",
            "vat_invoice_upload": True,
        }
    )
    product = env["product.product"].create(
        {"name": "VAT bench lamp", "type": "service", "invoice_policy": "order"}
    )
    buyers = env["res.partner"].create(
        [
            {"name": f"VAT bench buyer {n}", "country_id": de.country_id.id}
            for n in range(BUYERS)
        ]
    )
    orders = env["sale.order"].create(
        [
            {
                "partner_id": buyers[n % BUYERS].id,
                "amazon_account_id": account.id,
                "amazon_marketplace_id": de.id,
                "amazon_order_ref": f"302-{n:07d}-1000000",
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": 1,
                            "price_unit": 11.9,
                        }
                    )
                ],
            }
            for n in range(count)
        ]
    )
    orders.action_confirm()
    return account, orders


def invoice(env, account, orders):
    """The orders' invoices (one each), draft, Amazon's."""
    moves = orders._create_invoices(grouped=True)  # one invoice per order
    moves.amazon_account_id = account
    return moves


class QuotaClock:
    """Monotonic seconds that the waits move forward instead of sleeping (the
    tests' quota clock): Amazon's buckets, the connector's throttle, the jobs'
    ETAs all read it."""

    def __init__(self):
        self.skipped = 0.0

    def __call__(self):
        return time.monotonic() + self.skipped

    def advance(self, seconds):
        self.skipped += max(0.0, float(seconds or 0))

    sleep = advance

    def utcnow(self):
        """Now on this clock, as queue_job stores its ETAs (naive UTC)."""
        return datetime.now(timezone.utc).replace(tzinfo=None) + timedelta(
            seconds=self.skipped
        )


def run_queue(env, clock, limit):
    """Perform the pending jobs one by one in ETA order, each committed alone, as
    queue_job's runner would; the clock moved to each ETA and by each retry's
    wait. The methods performed (a Counter) and the jobs that failed."""
    from odoo.addons.queue_job.exception import RetryableJobError  # noqa: PLC0415
    from odoo.addons.queue_job.job import Job  # noqa: PLC0415

    performed, failed = Counter(), 0
    while sum(performed.values()) < limit:
        record = env["queue.job"].search(
            [("state", "=", "pending")], order="eta asc nulls first, id", limit=1
        )
        if not record:
            break
        job = Job.load(env, record.uuid)
        if job.eta:
            clock.advance((job.eta - clock.utcnow()).total_seconds())
        performed[job.method_name] += 1
        try:
            with env.cr.savepoint():
                job.perform()
            job.set_done()
        except RetryableJobError as error:
            clock.advance(error.seconds or 1)
            job.set_pending()
            job.eta = None
        except Exception as error:
            say(f"  job {job.method_name} failed: {error}")
            job.set_failed(exc_info=str(error))
            failed += 1
        job.store()
        env.cr.commit()
    return performed, failed


def run(registry, sim, args, clock):
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        account, orders = set_up(env, sim, args.invoices)
        moves = invoice(env, account, orders)
        cr.commit()
        say(f"bench_vat_upload: {len(moves)} invoices of Amazon.de orders, posting")
        began = time.monotonic()
        moves.action_post()
        cr.commit()
        methods, failed = run_queue(env, clock, args.invoices * 20)
        work = time.monotonic() - began
        moves.invalidate_recordset()
        states = Counter(moves.mapped("amazon_vat_upload_state"))
    uploaded = Counter(doc["invoice_number"] for doc in sim.state.vat_invoices)
    creates = sum(1 for call in sim.state.calls if call.get("operation") == CREATE_FEED)
    return work, states, methods, uploaded, creates, failed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--invoices", type=int, default=1000)
    args = parser.parse_args(argv)
    odoo.tools.config.parse_config(
        [
            *("-c", args.config, "-d", args.database),
            *("--log-level=warn", "--log-handler=:WARNING"),
        ]
    )
    registry = Registry(args.database)
    # The tests' quota clock and job runner: Amazon's quotas on a clock that the
    # waits move forward.
    from odoo.addons.amazon_connector.amazon.adapter import SpApiAdapter  # noqa: PLC0415
    from odoo.addons.amazon_connector.amazon.throttle import (  # noqa: PLC0415
        RATE_LIMITS,
        ThrottleRegistry,
    )
    from odoo.addons.amazon_connector.models import (  # noqa: PLC0415
        amazon_account_connection,
    )

    quota_clock = QuotaClock()

    rate, burst = RATE_LIMITS[CREATE_FEED]
    adapter = functools.partial(
        SpApiAdapter,
        sleep=quota_clock.sleep,
        clock=quota_clock,
        throttle=ThrottleRegistry(clock=quota_clock),
    )
    wkhtmltopdf = shutil.which("wkhtmltopdf")
    report_class = registry["ir.actions.report"]
    patches = [patch.object(amazon_account_connection, "SpApiAdapter", adapter)]
    if not wkhtmltopdf:

        def render(report, report_ref, res_ids=None, data=None):
            html, _kind = report._render_qweb_html(report_ref, res_ids, data=data)
            body = html if isinstance(html, bytes) else str(html).encode()
            return b"%PDF-1.4\n" + body, "pdf"

        patches.append(patch.object(report_class, "_render_qweb_pdf", render))
    with AmazonSimulator(seed=11, seller_id=SELLER, quota_clock=quota_clock) as sim:
        sim.state.feed_processing_polls = 1
        for started in patches:
            started.start()
        try:
            work, states, methods, uploaded, creates, failed = run(
                registry, sim, args, quota_clock
            )
        finally:
            for started in patches:
                started.stop()
    # The work ran on the real clock; the waits were skipped.
    waited = quota_clock.skipped
    bound = max(0, args.invoices - burst) / rate
    measured = work + waited
    say(
        "bench_vat_upload: rendering: "
        + (
            "wkhtmltopdf"
            if wkhtmltopdf
            else "Odoo's HTML wrapped as PDF (no wkhtmltopdf)"
        )
    )
    say(f"  invoices: {args.invoices}, states: {dict(states)}")
    say(f"  jobs: {dict(methods)}, {failed} failed; createFeed calls: {creates}")
    say(
        f"  work (render, feeds, jobs): {work:.1f}s, {work / args.invoices * 1000:.0f} ms per invoice"
    )
    say(f"  Amazon's quota alone (createFeed {rate}/s, burst {burst}): {bound:.0f}s")
    say(f"  with the quota (work + waits on the quota clock): {measured:.0f}s")
    say(f"  ratio measured / quota-bound: {measured / bound:.3f}" if bound else "")
    twice = [number for number, n in uploaded.items() if n > 1]
    missing = args.invoices - len(uploaded)
    if twice or missing or states.get("uploaded", 0) != args.invoices:
        say(f"  FAILED: {missing} not uploaded, {len(twice)} uploaded twice")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
