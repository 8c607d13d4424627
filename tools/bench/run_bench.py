"""Run the benchmarks on a fresh Odoo 18.0 database.

First times the set-up from an empty cache (what ``.ci/run`` does: Odoo source,
virtualenv, PostgreSQL, a database with the addon; pip's own cache is reused), then
sets everything up with tools/devenv.py in the usual cache, installs amazon_connector
on a brand-new database and runs, in the virtualenv, tools/bench/bench_backlog.py (a
backlog larger than Amazon's burst), tools/bench/bench_import.py (import cost per
order), tools/bench/bench_shipments.py (shipment confirmations under Amazon's
confirmShipment rate, and a backlog of untracked shipments in one feed) and
tools/bench/bench_offers.py (stock export: availability and feed documents of 5,000
and 50,000 offers, the SP-API calls of an export of 50,000, the messages sent after
1% of the stock changed), tools/bench/bench_listings_report.py (a 50,000-row listings
report read in each encoding and layout, against the plain English one); then, on a database of its own,
tools/bench/bench_settlements.py (a settlement of 20,000 lines, 5,000 orders whose
invoices are posted, imported, booked and reconciled, against Odoo's grouped payment
registration of the same invoices; queries per order at 500 and 5,000 orders; killed
after SETTLEMENTS_TIMEOUT seconds) and, on another database of its own,
tools/bench/bench_refunds.py (settlements of 500 and 5,000 delivered and invoiced
orders, a tenth of them refunded in every shape: seconds and queries per refund to
import them and make and reconcile the credit notes, the ratio against Odoo's
payment registration; a merchant returns report of 5,000 returns read and applied;
killed after REFUNDS_TIMEOUT seconds), and, on another database of its own,
tools/bench/bench_retention.py (one retention run over 100,000 delivered buyers'
contacts: seconds, and queries per batch; killed after RETENTION_TIMEOUT seconds).
Extra arguments go to bench_import.py (--orders,
--rounds, --call-orders);
``--no-setup-timing`` skips the first step. Only the standard library is used here: it
runs before the virtualenv exists.

Last, on a database of its own, tools/bench/bench_vat_upload.py (1,000 invoices
rendered and uploaded to Amazon as VAT invoices under Amazon's createFeed quota, on a
quota clock; the ratio against the time the quota alone imposes).
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import devenv  # noqa: E402

#: The settlement benchmark's limit: its set-up (5,520 orders invoiced) and Odoo's
#: registration of 5,000 payments take most of it.
SETTLEMENTS_TIMEOUT = 3600
#: The refunds benchmark's limit: its set-up (5,520 orders delivered and
#: invoiced) takes most of it.
REFUNDS_TIMEOUT = 3600

#: The FBA ledger benchmark's limit: three imports of 50,000 rows and the bare
#: ORM's moves.
FBA_LEDGER_TIMEOUT = 3600

#: The VAT invoice upload benchmark's limit: 1,000 invoices rendered.
VAT_UPLOAD_TIMEOUT = 3600
#: The retention benchmark's limit: seeding 100,000 buyers and one run (goal:
#: under 5 minutes).
RETENTION_TIMEOUT = 1800

SETUP_PROBE = (
    "import devenv\nwith devenv.fresh_database('amazon_connector_setup'):\n    pass\n"
)


def time_setup_from_empty_cache():
    """Seconds to set up from nothing, as .ci/run does (or None when it failed)."""
    with tempfile.TemporaryDirectory(prefix="amazon-connector-cache-") as cache:
        started = time.monotonic()
        code = subprocess.call(
            [sys.executable, "-c", SETUP_PROBE],
            cwd=HERE.parent,
            env=dict(os.environ, AMAZON_CONNECTOR_CACHE=cache),
        )
        return time.monotonic() - started if code == 0 else None


def run_alone(script, database_name, timeout):
    """``script`` on a database of its own (its records stay out of the
    others' figures); its exit code, 1 on a timeout."""
    with devenv.fresh_database(database_name) as database:
        try:
            return subprocess.call(
                [
                    database.python(),
                    HERE / script,
                    *("-c", database.config, "-d", database.name),
                ],
                cwd=devenv.REPO,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            print(f"{script}: killed after {timeout}s", file=sys.stderr)
            return 1


def run_settlements():
    """bench_settlements.py (5,520 invoices and their payments) alone."""
    return run_alone(
        "bench_settlements.py",
        "amazon_connector_bench_settlements",
        SETTLEMENTS_TIMEOUT,
    )


def run_refunds():
    """bench_refunds.py alone."""
    return run_alone(
        "bench_refunds.py", "amazon_connector_bench_refunds", REFUNDS_TIMEOUT
    )


def run_fba_ledger():
    """bench_fba_ledger.py alone."""
    return run_alone(
        "bench_fba_ledger.py", "amazon_connector_bench_fba", FBA_LEDGER_TIMEOUT
    )


def run_vat_upload():
    """bench_vat_upload.py alone."""
    return run_alone(
        "bench_vat_upload.py", "amazon_connector_bench_vat_upload", VAT_UPLOAD_TIMEOUT
    )


def run_retention():
    """bench_retention.py alone."""
    return run_alone(
        "bench_retention.py", "amazon_connector_bench_retention", RETENTION_TIMEOUT
    )


def main(args):
    started = time.monotonic()
    timing = "--no-setup-timing" not in args
    args = [a for a in args if a != "--no-setup-timing"]
    setup = time_setup_from_empty_cache() if timing else None
    try:
        with devenv.fresh_database("amazon_connector_bench") as database:
            options = ["-c", database.config, "-d", database.name]
            backlog = subprocess.call(
                [database.python(), HERE / "bench_backlog.py", *options],
                cwd=devenv.REPO,
            )
            code = subprocess.call(
                [database.python(), HERE / "bench_import.py", *options, *args],
                cwd=devenv.REPO,
            )
            shipments = subprocess.call(
                [database.python(), HERE / "bench_shipments.py", *options],
                cwd=devenv.REPO,
            )
            offers = subprocess.call(
                [database.python(), HERE / "bench_offers.py", *options],
                cwd=devenv.REPO,
            )
            listings = subprocess.call(
                [database.python(), HERE / "bench_listings_report.py"],
                cwd=devenv.REPO,
            )
        settlements = run_settlements()
        refunds = run_refunds()
        fba_ledger = run_fba_ledger()
        vat_upload = run_vat_upload()
        retention = run_retention()
    except devenv.SetupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if timing:
        print(
            "set-up from an empty cache (Odoo source, virtualenv, PostgreSQL, "
            "database; pip's cache reused): "
            + (f"{setup:.0f}s" if setup is not None else "FAILED")
        )
    print(f"run_bench: {time.monotonic() - started:.0f}s in all (set-up included)")
    return (
        code
        or backlog
        or shipments
        or offers
        or listings
        or settlements
        or refunds
        or fba_ledger
        or vat_upload
        or retention
        or (1 if timing and setup is None else 0)
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
