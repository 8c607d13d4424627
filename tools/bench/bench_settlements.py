"""Benchmark of the settlement import (amazon.settlement), on a real Odoo.

Run with the virtualenv's Python on a database where amazon_connector is installed
(``tools/bench/run_bench.py`` sets one up and runs this; ``make bench`` runs it)::

    python tools/bench/bench_settlements.py -c odoo.conf -d DB [--orders 500,5000]

Set-up (not measured): a connected account (EU, marketplace DE, settlements booked
as they arrive), and for each size N of ``--orders`` (and 20 orders of a warm-up
settlement) N Amazon sales orders of their own: one buyer each (a partner of the
account's channel), one line of a service at a price that varies, a 19% sale tax
(price excluded), confirmed, invoiced by ``_create_invoices`` (the invoice's ref the
Amazon order number, as for every Amazon order) and posted, in batches. Everything
is in the company's currency, the settlement's too; the company's default purchase
tax (made when it has none) books the VAT of Amazon's fees. Then, per size, the V2
settlement flat file of its orders as Amazon writes it for Amazon.de (tab separated,
decimal comma, dotted dates, a header, the summary row): 4 amounts per order
(ItemPrice Principal and Tax, exactly the invoice's total; ItemFees Commission; and
in turn each amount of the whole vocabulary of real files, the simulator's
``VOCABULARY_ROWS``: FBA fee, newer-layout fees and their Tax on fee,
reimbursements, liquidations, retrocharges, debt adjustments, transfers, Multi-
Channel Fulfillment rows, settlement rows with 23 cells and zero amounts…), a
Chargeback Refund and an A-to-z Guarantee Claim of one order each (the whole
invoice: its credit note is made and paid back), and the subscription, the total
their sum. 5,000 orders make a settlement of 20,000 lines.

1. Odoo's own payment registration of the largest size's invoices:
   ``account.payment.register`` (``group_payment``) to the bank journal, one payment
   per partner (every invoice its own buyer: Odoo's real cost), in a transaction
   rolled back afterwards: the same invoices are then paid by the settlement.
2. For each N (after the warm-up settlement, not counted): ``create_from_report``
   of its file, that is: parse, the lines, the journal entry, posted, each order's
   credit reconciled with its invoice. Seconds and queries (the cache emptied
   before each). Checks: the settlement booked (entry posted, nothing to review)
   and every invoice of its orders paid.

Prints the seconds and queries of both for the largest size and the ratio of their
seconds (goal: the settlement in at most 0.3 of Odoo's time), the lines left in
suspense of every size (goal: 0, every amount of the vocabulary has its rule), the
queries per order of every size (goal: the same for every size, within 5%) and what
a linear fit of the two extremes makes of them (queries per order added, fixed
queries).

Exits 1 when a settlement is not booked, has amounts to review (in suspense
included), or leaves an invoice unpaid (or when Odoo's registration does not pay
them all): not when a goal is missed.
"""

import argparse
import sys
import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tools"))

from amazon_simulator.marketplaces import by_code  # noqa: E402
from amazon_simulator.money import local_format, quantize  # noqa: E402
from amazon_simulator.settlement import (  # noqa: E402
    COLUMNS,
    VOCABULARY_REFUNDS,
    VOCABULARY_ROWS,
    local_date_time,
)
from bench_offers import QUIET, Meter, make_env, say, table  # noqa: E402

import odoo  # noqa: E402
from odoo import Command, fields  # noqa: E402
from odoo.modules.registry import Registry  # noqa: E402

SELLER = "A1SETTLEBENCH"
WARM_UP = 20
BATCH = 500
TAX_RATE = 19.0
COMMISSION_RATE = Decimal("0.15")
FBA_FEE = Decimal("2.70")
SUBSCRIPTION = Decimal("39.00")
MAX_RATIO = 0.3
#: The 4th amount of each order in turn: the FBA fee, then the whole vocabulary.
VOCABULARY = (
    ("Order", "ItemFees", "FBAPerUnitFulfillmentFee", str(-FBA_FEE), "order"),
    *VOCABULARY_ROWS,
)
SAME_WITHIN = 0.05
MARKETPLACE = by_code("DE")


def order_ref(index):
    """A unique Amazon order number of the 302-1234567-1234567 form."""
    return f"302-{1000000 + index:07d}-{(index * 7919 + 13) % 10**7:07d}"


def price_of(index):
    return 9.99 + (index * 37) % 190 + (index % 7) * 0.25


# --------------------------------------------------------------------------- set-up


def create_account(env):
    return env["amazon.account"].create(
        {
            "name": "Settlements bench",
            "region": "eu",
            "seller_id": SELLER,
            "lwa_client_id": "bench",
            "lwa_client_secret": "bench",
            "refresh_token": "bench",
            "marketplace_ids": [
                Command.set([env.ref("amazon_connector.marketplace_de").id])
            ],
            "state": "connected",
            "settlement_auto_post": True,
        }
    )


def create_product(env):
    company = env.company
    name = "19% (settlements bench)"
    tax = env["account.tax"].search(
        [("name", "=", name), ("company_id", "=", company.id)], limit=1
    ) or env["account.tax"].create(
        {
            "name": name,
            "amount": TAX_RATE,
            "amount_type": "percent",
            "type_tax_use": "sale",
            "company_id": company.id,
        }
    )
    product = (
        env["product.product"]
        .with_context(**QUIET)
        .create(
            {
                "name": "Settlements bench service",
                "default_code": "SETTLE-BENCH",
                "type": "service",
                "invoice_policy": "order",
                "list_price": 20.0,
                "taxes_id": [Command.set(tax.ids)],
            }
        )
    )
    if not company.account_purchase_tax_id:
        company.account_purchase_tax_id = env["account.tax"].create(
            {
                "name": "Input VAT 19% (settlements bench)",
                "amount": TAX_RATE,
                "amount_type": "percent",
                "type_tax_use": "purchase",
                "company_id": company.id,
            }
        )
    return product, tax


def create_orders(registry, account_id, product_id, tax_id, first, count):
    """``count`` Amazon orders (from index ``first``), each of its own buyer,
    confirmed, invoiced and posted, committed batch by batch; their invoices'
    figures: [(ref, untaxed, tax, total, invoice id)]."""
    invoices = []
    for start in range(first, first + count, BATCH):
        stop = min(start + BATCH, first + count)
        with registry.cursor() as cr:
            env = make_env(cr)
            quiet = env(context=dict(env.context, **QUIET))
            partners = quiet["res.partner"].create(
                [
                    {
                        "name": f"Amazon buyer {index:06d}",
                        "email": f"buyer{index:06d}@marketplace.amazon.de",
                        "amazon_account_id": account_id,
                    }
                    for index in range(start, stop)
                ]
            )
            orders = quiet["sale.order"].create(
                [
                    {
                        "partner_id": partner.id,
                        "amazon_account_id": account_id,
                        "amazon_order_ref": order_ref(index),
                        "order_line": [
                            Command.create(
                                {
                                    "product_id": product_id,
                                    "product_uom_qty": 1,
                                    "price_unit": price_of(index),
                                    "tax_id": [Command.set([tax_id])],
                                }
                            )
                        ],
                    }
                    for index, partner in zip(range(start, stop), partners, strict=True)
                ]
            )
            orders.action_confirm()
            moves = orders._create_invoices()
            moves.action_post()
            cr.commit()
            for move in moves:
                invoices.append(
                    (
                        move.ref,
                        Decimal(str(move.amount_untaxed)),
                        Decimal(str(move.amount_tax)),
                        Decimal(str(move.amount_total)),
                        move.id,
                    )
                )
    return invoices


def settlement_file(settlement_id, invoices, currency):
    """The V2 settlement flat file of ``invoices``' orders, as Amazon.de writes it:
    4 amounts per order and the subscription."""
    marketplace = MARKETPLACE
    # Amazon.de writes euros with a decimal comma; a file in a currency written
    # with a decimal point (the company's, when it is USD) is written so, as the
    # settlement parser requires.
    comma = marketplace.decimal_comma and currency == marketplace.currency
    now = datetime.now(timezone.utc).replace(microsecond=0)
    start, end, deposit = now - timedelta(days=14), now - timedelta(days=1), now
    posted = end - timedelta(hours=6)
    posted_date = posted.strftime("%d.%m.%Y")
    posted_time = local_date_time(posted, marketplace)
    rows = []
    for index, (ref, untaxed, tax, total, _id) in enumerate(invoices):
        commission = quantize(total * COMMISSION_RATE, currency)
        item = {
            "order-id": ref,
            "merchant-order-id": "",
            "order-item-code": f"{50000000000000 + index}",
            "sku": "SETTLE-BENCH",
            "fulfillment-id": "AFN",
        }
        for description, amount, extra in (
            ("Principal", untaxed, {"quantity-purchased": "1"}),
            ("Tax", tax, {}),
        ):
            rows.append(
                {
                    **item,
                    **extra,
                    "transaction-type": "Order",
                    "amount-type": "ItemPrice",
                    "amount-description": description,
                    "amount": amount,
                }
            )
        rows.append(
            {
                **item,
                "transaction-type": "Order",
                "amount-type": "ItemFees",
                "amount-description": "Commission",
                "amount": -commission,
            }
        )
        transaction, amount_type, description, eur, where = VOCABULARY[
            index % len(VOCABULARY)
        ]
        extra = {
            "transaction-type": transaction,
            "amount-type": amount_type,
            "amount-description": description,
            "amount": quantize(Decimal(eur), currency),
        }
        if where == "order":
            rows.append({**item, **extra})
        elif where == "mcf":
            rows.append(
                {
                    **extra,
                    "order-id": f"MCF-{index}",
                    "fulfillment-id": "AFN",
                    "marketplace-name": f"Non-Amazon {marketplace.country}",
                }
            )
        else:
            rows.append({**extra, "short": True})
        if index < len(VOCABULARY_REFUNDS):
            # The whole invoice given back, under the refund's own name.
            for part, amount in (("Principal", untaxed), ("Tax", tax)):
                rows.append(
                    {
                        **item,
                        "transaction-type": VOCABULARY_REFUNDS[index],
                        "amount-type": "ItemPrice",
                        "amount-description": part,
                        "amount": -amount,
                    }
                )
    rows.append(
        {
            "transaction-type": "other-transaction",
            "amount-type": "other-transaction",
            "amount-description": marketplace.subscription_description,
            "amount": -SUBSCRIPTION,
        }
    )
    total = sum((row["amount"] for row in rows), Decimal(0))
    summary = dict.fromkeys(COLUMNS, "")
    summary.update(
        {
            "settlement-id": settlement_id,
            "settlement-start-date": local_date_time(start, marketplace),
            "settlement-end-date": local_date_time(end, marketplace),
            "deposit-date": local_date_time(deposit, marketplace),
            "total-amount": local_format(total, currency, comma),
            "currency": currency,
        }
    )
    lines = ["\t".join(COLUMNS), "\t".join(summary[c] for c in COLUMNS)]
    for row in rows:
        values = dict.fromkeys(COLUMNS, "")
        values.update({k: v for k, v in row.items() if k not in ("amount", "short")})
        values["settlement-id"] = settlement_id
        values["amount"] = local_format(row["amount"], currency, comma)
        if "marketplace-name" not in row:
            values["marketplace-name"] = marketplace.name if row.get("order-id") else ""
        values["posted-date"] = posted_date
        values["posted-date-time"] = posted_time
        cells = [values[c] for c in COLUMNS]
        if row.get("short"):
            cells = cells[: COLUMNS.index("promotion-id")]  # 23 cells, as real rows
        lines.append("\t".join(cells))
    content = ("\n".join(lines) + "\n").encode(marketplace.encoding)
    return content, len(rows), total


def set_up(registry, sizes):
    """The account id, the currency and, by size (0: the warm-up), the invoices'
    figures and the settlement file (content, lines, total)."""
    started = time.monotonic()
    with registry.cursor() as cr:
        env = make_env(cr)
        account = create_account(env)
        product, tax = create_product(env)
        currency = env.company.currency_id.name
        cr.commit()
        account_id, product_id, tax_id = account.id, product.id, tax.id
    groups = {}
    first = 0
    stamp = int(time.time())
    for size in (0, *sizes):
        count = size or WARM_UP
        say(f"bench_settlements: {count} orders confirmed, invoiced, posted")
        invoices = create_orders(registry, account_id, product_id, tax_id, first, count)
        first += count
        content, lines, total = settlement_file(
            f"{stamp}{size:06d}", invoices, currency
        )
        groups[size] = {
            "invoices": invoices,
            "content": content,
            "lines": lines,
            "total": total,
        }
    say(f"bench_settlements: set up in {time.monotonic() - started:.0f}s")
    return account_id, currency, groups


# --------------------------------------------------------------------------- measures


def odoo_register(registry, invoice_ids):
    """Odoo's grouped payment registration of ``invoice_ids`` to the bank journal,
    measured, then rolled back."""
    with registry.cursor() as cr:
        env = make_env(cr)
        journal = env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", env.company.id)], limit=1
        )
        cr.execute("SELECT COALESCE(max(id), 0) FROM account_payment")
        (last_payment,) = cr.fetchone()
        env.invalidate_all()
        with Meter(cr) as meter:
            invoices = env["account.move"].browse(invoice_ids)
            wizard = (
                env["account.payment.register"]
                .with_context(active_model="account.move", active_ids=invoice_ids)
                .create(
                    {
                        "group_payment": True,
                        "journal_id": journal.id,
                        "payment_date": fields.Date.context_today(invoices[:1]),
                    }
                )
            )
            wizard._create_payments()
            env.flush_all()
        payments = env["account.payment"].search_count([("id", ">", last_payment)])
        env.invalidate_all()
        cr.execute(
            "SELECT payment_state, count(*) FROM account_move WHERE id = ANY(%s)"
            " GROUP BY payment_state",
            [invoice_ids],
        )
        states = dict(cr.fetchall())
        cr.rollback()
    return {"meter": meter, "payments": payments, "states": states}


def import_settlement(registry, account_id, group):
    """``create_from_report`` of the group's file, measured; the outcome."""
    invoice_ids = [invoice[-1] for invoice in group["invoices"]]
    with registry.cursor() as cr:
        env = make_env(cr)
        account = env["amazon.account"].browse(account_id)
        env.invalidate_all()
        with Meter(cr) as meter:
            settlement = env["amazon.settlement"].create_from_report(
                account, group["content"]
            )
            env.flush_all()
        cr.commit()
        env.invalidate_all()
        cr.execute(
            "SELECT payment_state, count(*) FROM account_move WHERE id = ANY(%s)"
            " GROUP BY payment_state",
            [invoice_ids],
        )
        states = dict(cr.fetchall())
        return {
            "meter": meter,
            "states": states,
            "state": settlement.state,
            "move_state": settlement.move_id.state,
            "unmatched": settlement.unmatched_count,
            "suspense": len(
                settlement.line_ids.filtered(lambda li: li.treatment == "suspense")
            ),
            "kinds": len(
                {
                    (li.transaction_type, li.amount_type, li.amount_description)
                    for li in settlement.line_ids
                }
            ),
            "blocked": settlement.blocked,
            "error": settlement.last_error or settlement.problems or "",
            "lines": settlement.line_count,
            "orders": settlement.order_count,
            "entry_items": len(settlement.move_id.line_ids),
        }


def booked(result, orders):
    return (
        result["state"] == "posted"
        and result["move_state"] == "posted"
        and not result["unmatched"]
        and not result["suspense"]
        and not result["blocked"]
        and result["states"].get("paid", 0) == orders
    )


# --------------------------------------------------------------------------- report


def states_text(states):
    return ", ".join(f"{k} {v}" for k, v in sorted(states.items()))


def report(sizes, groups, results, odoo):
    largest = sizes[-1]
    ours = results[largest]["meter"]
    rows = []
    for size in sizes:
        result, group = results[size], groups[size]
        meter = result["meter"]
        rows += [
            (
                f"{size} orders ({group['lines']} lines): seconds",
                f"{meter.seconds:.2f}",
                "",
            ),
            ("  queries", f"{meter.queries}", ""),
            (
                "  queries per order",
                f"{meter.queries / size:.2f}",
                "the same for every size",
            ),
            ("  milliseconds per order", f"{meter.seconds / size * 1000:.2f}", ""),
            (
                "  settlement / entry",
                f"{result['state']} / {result['move_state']}",
                "posted / posted",
            ),
            ("  lines / orders read", f"{result['lines']} / {result['orders']}", ""),
            ("  journal items of the entry", f"{result['entry_items']}", ""),
            ("  to review (unmatched_count)", f"{result['unmatched']}", "0"),
            ("  lines in suspense", f"{result['suspense']}", "0"),
            ("  kinds of amounts", f"{result['kinds']}", ""),
            ("  invoices by payment state", states_text(result["states"]), "paid"),
        ]
    text = table(
        "Settlements benchmark, part 1: create_from_report (parse, lines, entry, "
        "post, reconcile with the posted invoices; the cache emptied before each)",
        rows,
    )
    omet = odoo["meter"]
    ratio = ours.seconds / omet.seconds if omet.seconds else float("inf")
    text += "\n" + table(
        f"Settlements benchmark, part 2: {largest} invoices paid, the settlement "
        "against Odoo's account.payment.register (group_payment, bank journal; "
        "rolled back)",
        [
            ("settlement: seconds", f"{ours.seconds:.2f}", ""),
            ("settlement: queries", f"{ours.queries}", ""),
            ("Odoo's registration: seconds", f"{omet.seconds:.2f}", ""),
            ("Odoo's registration: queries", f"{omet.queries}", ""),
            (
                "Odoo's registration: payments created",
                f"{odoo['payments']}",
                "one per partner",
            ),
            (
                "Odoo's registration: invoices by payment state",
                states_text(odoo["states"]),
                "",
            ),
            (
                "ratio of seconds, settlement / Odoo's",
                f"{ratio:.2f}",
                f"<= {MAX_RATIO:g}",
            ),
            (
                "ratio of queries, settlement / Odoo's",
                f"{ours.queries / max(omet.queries, 1):.2f}",
                "",
            ),
        ],
    )
    per_order = [results[s]["meter"].queries / s for s in sizes]
    spread = (max(per_order) - min(per_order)) / max(max(per_order), 1e-9)
    small, large = results[sizes[0]]["meter"], ours
    marginal = (large.queries - small.queries) / max(largest - sizes[0], 1)
    fixed = small.queries - marginal * sizes[0]
    text += (
        f"\nlines in suspense of {largest} orders "
        f"({groups[largest]['lines']} lines): {results[largest]['suspense']} "
        "(goal 0: " + ("met" if not results[largest]["suspense"] else "NOT MET") + ")"
        f"\nratio {ratio:.2f} (goal <= {MAX_RATIO:g}: "
        + ("met" if ratio <= MAX_RATIO else "NOT MET")
        + ")\nqueries per order: "
        + ", ".join(
            f"{s} orders {q:.2f}" for s, q in zip(sizes, per_order, strict=True)
        )
        + f"; spread {spread:.1%} (goal: the same, within {SAME_WITHIN:.0%}: "
        + ("met" if spread <= SAME_WITHIN else "NOT MET")
        + f")\nlinear fit of {sizes[0]} and {largest} orders: "
        f"{marginal:.2f} queries per order added, {fixed:.0f} fixed"
    )
    return text


# --------------------------------------------------------------------------- main


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument(
        "--orders",
        default="500,5000",
        help="settlement sizes in orders, comma-separated; Odoo's registration "
        "pays the largest's invoices",
    )
    args = parser.parse_args(argv)
    sizes = sorted({int(n) for n in args.orders.split(",") if n.strip()})
    if not sizes or sizes[0] < 10:
        parser.error("--orders: sizes of at least 10")
    odoo.tools.config.parse_config(
        [
            *("-c", args.config, "-d", args.database),
            *("--log-level=warn", "--log-handler=:WARNING"),
        ]
    )
    registry = Registry(args.database)
    began = time.monotonic()
    account_id, _currency, groups = set_up(registry, sizes)
    largest = sizes[-1]

    say(f"bench_settlements: Odoo's payment registration of {largest} invoices")
    odoo_result = odoo_register(
        registry, [invoice[-1] for invoice in groups[largest]["invoices"]]
    )
    say("bench_settlements: warm-up settlement")
    warm = import_settlement(registry, account_id, groups[0])
    results = {}
    for size in sizes:
        say(f"bench_settlements: settlement of {size} orders")
        results[size] = import_settlement(registry, account_id, groups[size])

    say(report(sizes, groups, results, odoo_result))
    failures = [
        f"{size or 'warm-up'}: {result['state']}, {result['unmatched']} to review, "
        f"{result['suspense']} in suspense, "
        f"invoices {states_text(result['states'])} {result['error'][:300]}"
        for size, result in ((0, warm), *results.items())
        if not booked(result, size or WARM_UP)
    ]
    odoo_paid = sum(
        n
        for state, n in odoo_result["states"].items()
        if state in ("paid", "in_payment")
    )
    if odoo_paid != largest:
        failures.append(
            "Odoo's registration left invoices unpaid: "
            + states_text(odoo_result["states"])
        )
    for failure in failures:
        say(f"FAILED {failure}")
    say(f"settlements benchmark done in {time.monotonic() - began:.0f}s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
