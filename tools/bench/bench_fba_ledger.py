"""Benchmark of the FBA inventory ledger import, on a real Odoo.

Run with the virtualenv's Python on a database where amazon_connector is installed
(``tools/bench/run_bench.py`` sets one up and runs this; ``make bench`` runs it)::

    python tools/bench/bench_fba_ledger.py -c odoo.conf -d DB [--events 50000]

Set-up (not measured): an account (EU, marketplace DE), 2,000 storable products
and an FBA offer of each (SKU and FNSKU), and a second account with 200 of them.
Two ledgers of ``--events`` rows each, as Amazon's ``GET_LEDGER_DETAIL_VIEW_DATA``
writes them (tab-separated, ``MM/DD/YYYY``), over 30 days: one over the 2,000
SKUs, one over 200. Each SKU's rows, in turn: receipts of an inbound shipment,
customer returns (sellable and damaged), transfers between fulfilment centres
(pairs that net to zero), adjustments (lost, found, damaged at Amazon: the
sellable and the unsellable half, disposed) and a removal sent back to the
seller; never more units out than in. Customer shipments are left out: they
make no move (the FBA orders the import delivered already did), and tests prove
their matching.

1. The 2,000-SKU ledger: seconds to read it (``read_inventory_ledger``) and
   seconds and queries to apply it (``amazon.fba.event._amazon_apply_ledger``:
   its events recorded, its moves created and done), against creating and
   validating the same moves with the bare ORM (one ``create``, one
   ``_action_done()``, rolled back). Goal: at most twice.
2. The 200-SKU ledger, the same number of rows: queries to apply it against the
   2,000-SKU one's. Goal: the same (queries independent of the number of SKUs).
3. Applying the 2,000-SKU ledger again: nothing new (every row known).
4. Odoo's FBA and FBA Unsellable quantities compared with Amazon's (the
   summaries the ledger sums to, ``_amazon_compare_summaries``): the number of
   SKUs that differ. Goal: 0.

Prints figures and ratios, never asserts times. Exits 1 when an import raises or
a SKU differs.
"""

import argparse
import random
import sys
import time
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tools"))

from bench_offers import QUIET, Meter, create_products, make_env, say, table  # noqa: E402

import odoo  # noqa: E402
from odoo import Command  # noqa: E402
from odoo.modules.registry import Registry  # noqa: E402


def wire():
    """The connector's wire layer, importable once Odoo's addons path is set."""
    from odoo.addons.amazon_connector.amazon import (  # noqa: PLC0415
        fba_inventory,
        inventory_ledger,
        ledger_vocabulary,
    )

    return fba_inventory, inventory_ledger, ledger_vocabulary


SKUS = 2000
FEW_SKUS = 200
DAYS = 30
FIRST_DAY = date(2026, 10, 1)
MAX_RATIO = 2.0
SKU = "FBA-BENCH-{:05d}"
FNSKU = "X00B{:06d}"
CENTRES = ("LEJ1", "MUC3", "FRA7", "DUS2")
HEADER = (
    "Date",
    "FNSKU",
    "ASIN",
    "MSKU",
    "Title",
    "Event Type",
    "Reference ID",
    "Quantity",
    "Fulfillment Center",
    "Disposition",
    "Reason",
    "Country",
    "Reconciled Quantity",
    "Unreconciled Quantity",
    "Date and Time",
    "Store",
)


# --------------------------------------------------------------------- the ledger


def sku_events(index, count, rng):
    """``count`` ledger rows of SKU ``index``: (day, type, reference, quantity,
    centre, disposition, reason), never more units out of a disposition than in."""
    rows = []
    stock = defaultdict(int)

    def add(kind, quantity, disposition="SELLABLE", reason="", reference=""):
        day = FIRST_DAY + timedelta(days=min(DAYS - 1, len(rows) * DAYS // count))
        rows.append(
            (day, kind, reference, quantity, rng.choice(CENTRES), disposition, reason)
        )
        stock[disposition] += quantity

    shipment = f"FBA15B{index:06d}"
    add("Receipts", 40 + index % 20, reference=shipment)
    while len(rows) < count:
        step = len(rows) % 8
        left = count - len(rows)
        if step == 1 and left >= 2:  # two centres swap units: nets to zero
            add("WhseTransfers", -1)
            add("WhseTransfers", 1)
        elif step == 2 and left >= 2:  # damaged at Amazon: both halves
            add("Adjustments", -1, reason="E")
            add("Adjustments", 1, "WAREHOUSE_DAMAGED", reason="E")
        elif step == 3:
            add("CustomerReturns", 1, rng.choice(("SELLABLE", "CUSTOMER_DAMAGED")))
        elif step == 4 and stock["SELLABLE"] > 1:
            add("Adjustments", -1, reason="M")
        elif step == 5:
            add("Adjustments", 1, reason="F")
        elif step == 6 and stock["WAREHOUSE_DAMAGED"] > 0:
            add("Adjustments", -1, "WAREHOUSE_DAMAGED", reason="D")
        elif step == 7 and stock["SELLABLE"] > 2:
            add("VendorReturns", -2, reference=f"RMV-B{index % 100:04d}")
        else:
            add("Receipts", 1 + index % 3, reference=shipment)
    return rows


def ledger(skus, events, seed):
    """The ledger text of ``events`` rows over ``skus`` SKUs, and Amazon's
    summaries it adds up to."""
    fba_inventory, _ledger, vocabulary = wire()
    rng = random.Random(seed)
    per_sku = events // skus
    lines = ["\t".join(HEADER)]
    summaries = []
    for index in range(skus):
        units = defaultdict(int)
        for day, kind, reference, quantity, centre, disposition, reason in sku_events(
            index, per_sku, rng
        ):
            units[vocabulary.is_sellable_disposition(disposition)] += quantity
            lines.append(
                "\t".join(
                    (
                        day.strftime("%m/%d/%Y"),
                        FNSKU.format(index),
                        f"B0BENCH{index:04d}",
                        SKU.format(index),
                        f"FBA bench {index}",
                        kind,
                        reference,
                        str(quantity),
                        centre,
                        disposition,
                        reason,
                        "DE",
                        "",
                        "",
                        day.strftime("%Y-%m-%dT12:00:00+0000"),
                        "",
                    )
                )
            )
        summaries.append(
            fba_inventory.FbaSummary(
                sku=SKU.format(index),
                fnsku=FNSKU.format(index),
                asin=f"B0BENCH{index:04d}",
                fulfillable=units[True],
                unfulfillable=units[False],
                total=units[True] + units[False],
            )
        )
    return ("\n".join(lines) + "\n").encode(), summaries


# ------------------------------------------------------------------------ set-up


def create_account(env, name, seller_id):
    return env["amazon.account"].create(
        {
            "name": name,
            "region": "eu",
            "seller_id": seller_id,
            "lwa_client_id": "bench",
            "lwa_client_secret": "bench",
            "refresh_token": "bench",
            "marketplace_ids": [
                Command.set([env.ref("amazon_connector.marketplace_de").id])
            ],
            "state": "connected",
        }
    )


def set_up(registry):
    """{skus: account id}."""
    with registry.cursor() as cr:
        env = make_env(cr)
        say(f"bench_fba_ledger: creating {SKUS} storable products and FBA offers")
        product_ids = create_products(env, SKUS)
        accounts = {}
        for skus in (SKUS, FEW_SKUS):
            account = create_account(env, f"FBA bench {skus}", f"A1FBABENCH{skus}")
            account._amazon_fba_locations()
            env["amazon.offer"].with_context(**QUIET).create(
                [
                    {
                        "account_id": account.id,
                        "marketplace_id": account.marketplace_ids.id,
                        "sku": SKU.format(index),
                        "fnsku": FNSKU.format(index),
                        "product_id": product_ids[index],
                        "fulfillment_channel": "amazon",
                        "sync_price": False,
                        "channel_unknown": False,
                    }
                    for index in range(skus)
                ]
            )
            accounts[skus] = account.id
        cr.commit()
    return accounts


# ----------------------------------------------------------------------- measures


def apply(registry, account_id, reading):
    """(seconds, queries, summary) of applying ``reading``, committed."""
    with registry.cursor() as cr:
        env = make_env(cr)
        account = env["amazon.account"].browse(account_id)
        env.invalidate_all()
        with Meter(cr) as meter:
            summary = env["amazon.fba.event"]._amazon_apply_ledger(account, reading)
            env.flush_all()
        cr.commit()
    return meter.seconds, meter.queries, summary


def bare_orm(registry, account_id):
    """Seconds to create and validate, with the bare ORM, the moves the ledger
    import made (their products, locations and quantities), rolled back."""
    with registry.cursor() as cr:
        env = make_env(cr)
        moves = env["stock.move"].search(
            [("amazon_ledger_account_id", "=", account_id)]
        )
        values = [
            {
                "name": "bare",
                "product_id": move.product_id.id,
                "product_uom": move.product_uom.id,
                "product_uom_qty": move.quantity,
                "location_id": move.location_id.id,
                "location_dest_id": move.location_dest_id.id,
                "company_id": move.company_id.id,
                "picked": True,
                "move_line_ids": [
                    Command.create(
                        {
                            "product_id": move.product_id.id,
                            "product_uom_id": move.product_uom.id,
                            "quantity": move.quantity,
                            "location_id": move.location_id.id,
                            "location_dest_id": move.location_dest_id.id,
                            "company_id": move.company_id.id,
                        }
                    )
                ],
            }
            for move in moves
        ]
        env.invalidate_all()
        started = time.perf_counter()
        env["stock.move"].create(values)._action_done()
        env.flush_all()
        seconds = time.perf_counter() - started
        cr.rollback()
    return seconds, len(values)


def differences(registry, account_id, summaries):
    with registry.cursor() as cr:
        env = make_env(cr)
        account = env["amazon.account"].browse(account_id)
        env["amazon.fba.difference"]._amazon_compare_summaries(account, summaries)
        env.flush_all()
        found = env["amazon.fba.difference"].search(
            [("account_id", "=", account_id), ("state", "=", "open")]
        )
        cr.commit()
        return len(set(found.mapped("sku")) or found.product_id)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--events", type=int, default=50000)
    args = parser.parse_args(argv)
    odoo.tools.config.parse_config(
        [
            *("-c", args.config, "-d", args.database),
            *("--log-level=warn", "--log-handler=:WARNING"),
        ]
    )
    registry = Registry(args.database)
    accounts = set_up(registry)
    failures = []
    content, summaries = ledger(SKUS, args.events, seed=22)
    started = time.perf_counter()
    read = wire()[1].read_inventory_ledger
    reading = read(content, "utf-8")
    read_seconds = time.perf_counter() - started
    few_content, _few = ledger(FEW_SKUS, args.events, seed=23)
    few_reading = read(few_content, "utf-8")

    say(f"bench_fba_ledger: applying {len(reading.events)} rows over {SKUS} SKUs")
    try:
        seconds, queries, _summary = apply(registry, accounts[SKUS], reading)
        say(f"bench_fba_ledger: applying {len(few_reading.events)} rows over 200 SKUs")
        _s, few_queries, _ = apply(registry, accounts[FEW_SKUS], few_reading)
        again_seconds, again_queries, _ = apply(registry, accounts[SKUS], reading)
    except Exception as exc:
        say(f"bench_fba_ledger: the import raised {exc!r}")
        return 1
    with registry.cursor() as cr:
        cr.execute(
            "SELECT count(*) FROM amazon_fba_event WHERE account_id = %s",
            [accounts[SKUS]],
        )
        (recorded,) = cr.fetchone()
    say("bench_fba_ledger: the same moves with the bare ORM")
    bare_seconds, moves = bare_orm(registry, accounts[SKUS])
    differing = differences(registry, accounts[SKUS], summaries)
    if differing:
        failures.append(f"{differing} SKU(s) differ from Amazon's summaries")
    if recorded != len(reading.events):
        failures.append(f"{recorded} events recorded of {len(reading.events)} rows")
    ratio = seconds / bare_seconds if bare_seconds else float("inf")
    say(
        table(
            f"FBA ledger: {len(reading.events)} rows over {SKUS} SKUs, {moves} moves",
            [
                ("read the report (s)", f"{read_seconds:.2f}", ""),
                ("apply it (s)", f"{seconds:.1f}", ""),
                ("the same moves with the bare ORM (s)", f"{bare_seconds:.1f}", ""),
                ("ratio", f"{ratio:.2f}", f"<= {MAX_RATIO}"),
                ("queries, 2,000 SKUs", str(queries), ""),
                (
                    f"queries, {FEW_SKUS} SKUs (same rows)",
                    str(few_queries),
                    "about the same",
                ),
                (
                    "queries ratio (2,000 / 200 SKUs)",
                    f"{queries / few_queries:.2f}",
                    "1",
                ),
                (
                    "apply again: seconds / queries",
                    f"{again_seconds:.1f} / {again_queries}",
                    "nothing new",
                ),
                ("SKUs differing from Amazon afterwards", str(differing), "0"),
            ],
        )
    )
    for failure in failures:
        say(f"bench_fba_ledger: FAILED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
