"""Benchmark of refunds and returns (credit notes, return transfers), on a real Odoo.

Run with the virtualenv's Python on a database where amazon_connector is installed
(``tools/bench/run_bench.py`` sets one up and runs this; ``make bench`` runs it)::

    python tools/bench/bench_refunds.py -c odoo.conf -d DB [--orders 500,5000]

Set-up (not measured): a connected account (EU, marketplace DE, settlements booked
as they arrive), 20 storable products with a 19% sale tax (price excluded), and for
each size N of ``--orders`` (and 20 orders of a warm-up settlement) N merchant-
fulfilled Amazon orders of their own, shaped as the order import makes them: one
buyer each, an item of 1 to 3 units (its line carries Amazon's order item id), in
turn a shipping line, a promotion line (10% off) and a gift wrap line (the
company's Amazon placeholder products), confirmed, delivered (the delivery done)
and invoiced, in batches. Then, per size, two V2 settlements written by the
simulator (``build_settlement``, the orders' amounts as their invoices hold
them): the sales (fees, shipping labels, reserve, advertising, subscription),
then a later one of refunds alone (``sales=False``, ``refund_share`` 0.1,
``refund_shapes``): a tenth of the orders refunded, spread over every shape
(whole, partial, shipping, goodwill, restocking fee, promotion taken back,
chargeback, A-to-z guarantee claim), measured apart from the orders.

1. For each N: ``create_from_report`` of the refunds settlement (parse, lines,
   entry, posted, each refund's credit note made and reconciled with Amazon's
   refund line). Seconds and queries (the cache emptied before each) per refund
   (goal: the same at every size). Checks: a credit note per refunded order
   whose total is what the buyer got back, to the cent, and their payment
   states.
2. ``create_from_report`` of the largest size's sales settlement against Odoo's
   own payment registration of the same invoices (grouped, to the bank
   journal; rolled back): the ratio of seconds (goal: at most 0.3), as the
   settlement benchmark prints it.
3. A merchant returns report (``GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE``) of
   one return per order of the largest size, as the simulator writes it
   (``SimulatorState.add_return``, then createReport): the seconds to read it
   (``read_merchant_returns``) and to apply it
   (``amazon.return._amazon_apply_merchant_returns``: the returns and their
   return transfers). "not available" when the addon or the simulator lacks
   them.

Prints figures and ratios, never asserts times. Exits 1 only when a settlement
raises or is not booked at all.
"""

import argparse
import random
import sys
import time
from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tools"))

from amazon_simulator import SimulatorState  # noqa: E402
from amazon_simulator.marketplaces import by_code  # noqa: E402
from amazon_simulator.settlement import build_settlement  # noqa: E402
from amazon_simulator.timeutil import iso  # noqa: E402
from bench_offers import QUIET, Meter, make_env, say, table  # noqa: E402
from bench_settlements import odoo_register, order_ref, states_text  # noqa: E402

import odoo  # noqa: E402
from odoo import Command  # noqa: E402
from odoo.modules.registry import Registry  # noqa: E402

SELLER = "A1REFUNDBENCH"
WARM_UP = 20
BATCH = 500
SKUS = 20
TAX_RATE = 19.0
REFUND_SHARE = 0.1
MAX_RATIO = 0.3
SAME_WITHIN = 0.10
MARKETPLACE = by_code("DE")
RETURNS_REPORT_TYPE = "GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE"
#: The order numbers of this benchmark start here (apart from the settlement
#: benchmark's, should both run on one database).
FIRST_INDEX = 700_000


def sku(number):
    return f"REFUND-BENCH-{number % SKUS:02d}"


def unit_price(index):
    return round(7.99 + (index * 53) % 170 + (index % 9) * 0.37, 2)


def shape_of(index):
    """(units, shipping, promotion, gift wrap) of the order ``index``."""
    units = 1 + (index % 3 == 0) + (index % 7 == 0)
    return units, index % 2 == 0, index % 5 == 0, index % 11 == 0


# --------------------------------------------------------------------------- set-up


def create_account(env):
    return env["amazon.account"].create(
        {
            "name": "Refunds bench",
            "region": "eu",
            # Its own seller id at each run: the benchmark can run again.
            "seller_id": f"{SELLER}{int(time.time())}",
            "lwa_client_id": "bench",
            "lwa_client_secret": "bench",
            "refresh_token": "bench",
            "marketplace_ids": [
                Command.set([env.ref("amazon_connector.marketplace_de").id])
            ],
            "state": "connected",
            "settlement_auto_post": True,
            # Invoiced in batches below, not one by one as each delivery is done.
            "invoice_policy": "manual",
        }
    )


def create_products(env):
    """The SKUs' storable products, their 19% tax, the placeholders."""
    company = env.company
    name = "19% (refunds bench)"
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
    Product = env["product.product"].with_context(**QUIET)
    existing = Product.search([("default_code", "in", [sku(n) for n in range(SKUS)])])
    known = set(existing.mapped("default_code"))
    products = existing | Product.create(
        [
            {
                "name": f"Refunds bench product {number:02d}",
                "default_code": sku(number),
                "is_storable": True,
                "list_price": 20.0,
                "taxes_id": [Command.set(tax.ids)],
            }
            for number in range(SKUS)
            if sku(number) not in known
        ]
    )
    if not company.account_purchase_tax_id:
        company.account_purchase_tax_id = env["account.tax"].create(
            {
                "name": "Input VAT 19% (refunds bench)",
                "amount": TAX_RATE,
                "amount_type": "percent",
                "type_tax_use": "purchase",
                "company_id": company.id,
            }
        )
    company._amazon_ensure_placeholders()
    stock = (
        env["stock.warehouse"]
        .search([("company_id", "=", company.id)], limit=1)
        .lot_stock_id
    )
    for product in products:
        env["stock.quant"]._update_available_quantity(product, stock, 100_000)
    placeholders = {
        "shipping": company.amazon_shipping_product_id.id,
        "promotion": company.amazon_promotion_product_id.id,
        "gift_wrap": company.amazon_gift_wrap_product_id.id,
    }
    return {p.default_code: p.id for p in products}, placeholders, tax.id


def order_lines(index, product_ids, placeholders, tax_id):
    units, shipping, promotion, gift_wrap = shape_of(index)
    item_id = f"{60000000000000 + index}"
    price = unit_price(index)
    common = {"amazon_order_item_id": item_id, "tax_id": [Command.set([tax_id])]}
    lines = [
        {
            **common,
            "product_id": product_ids[sku(index)],
            "product_uom_qty": units,
            "price_unit": price,
        }
    ]
    for wanted, kind, amount in (
        (shipping, "shipping", 4.99),
        (promotion, "promotion", -round(price * units * 0.10, 2)),
        (gift_wrap, "gift_wrap", 3.49),
    ):
        if wanted:
            lines.append(
                {
                    **common,
                    "product_id": placeholders[kind],
                    "product_uom_qty": 1,
                    "price_unit": amount,
                }
            )
    return [Command.create(line) for line in lines]


def deliver(pickings):
    """Every delivery done, in full."""
    pickings.action_assign()
    for move in pickings.move_ids:
        move.quantity = move.product_uom_qty
    pickings.move_ids.picked = True
    pickings.with_context(
        skip_backorder=True, skip_sms=True, skip_immediate=True
    ).button_validate()


def create_orders(registry, account_id, products, placeholders, tax_id, first, count):
    """``count`` Amazon orders (from index ``first``), each of its own buyer,
    confirmed, delivered, invoiced and posted, committed batch by batch; their
    ids and their invoices' ids."""
    orders, invoices = [], []
    for start in range(first, first + count, BATCH):
        stop = min(start + BATCH, first + count)
        with registry.cursor() as cr:
            env = make_env(cr)
            quiet = env(context=dict(env.context, **QUIET))
            market = env.ref("amazon_connector.marketplace_de")
            partners = quiet["res.partner"].create(
                [
                    {
                        "name": f"Amazon buyer {index:07d}",
                        "email": f"buyer{index:07d}@marketplace.amazon.de",
                        "amazon_account_id": account_id,
                    }
                    for index in range(start, stop)
                ]
            )
            sales = quiet["sale.order"].create(
                [
                    {
                        "partner_id": partner.id,
                        "amazon_account_id": account_id,
                        "amazon_marketplace_id": market.id,
                        "amazon_order_ref": order_ref(index),
                        "amazon_fulfilled_by": "merchant",
                        "order_line": order_lines(
                            index, products, placeholders, tax_id
                        ),
                    }
                    for index, partner in zip(range(start, stop), partners, strict=True)
                ]
            )
            sales.action_confirm()
            deliver(sales.picking_ids)
            moves = sales._create_invoices()
            moves.action_post()
            cr.commit()
            orders += sales.ids
            invoices += moves.ids
    return orders, invoices


def simulator_orders(env, order_ids, posted):
    """The simulator's orders (v2026 shape, merchant-fulfilled, shipped) of the
    sale orders ``order_ids``, their amounts and taxes those of the invoices:
    ITEM, SHIPPING, GIFT_WRAP, DISCOUNT and TAX by what is taxed."""
    kinds = {
        env.company.amazon_shipping_product_id: "SHIPPING",
        env.company.amazon_gift_wrap_product_id: "GIFT_WRAP",
        env.company.amazon_promotion_product_id: "DISCOUNT",
    }
    result = []
    for sale in env["sale.order"].browse(order_ids):
        amounts, taxes, item = Counter(), Counter(), None
        for line in sale.order_line:
            kind = kinds.get(line.product_id, "ITEM")
            amounts[kind] += Decimal(str(line.price_subtotal))
            tax = Decimal(str(line.price_total)) - Decimal(str(line.price_subtotal))
            taxes["ITEM" if kind == "DISCOUNT" else kind] += tax
            if kind == "ITEM":
                item = line
        breakdowns = [
            {"type": kind, "subtotal": {"amount": f"{amounts[kind]:.2f}"}}
            for kind in ("ITEM", "SHIPPING", "GIFT_WRAP", "DISCOUNT")
            if kind in amounts
        ]
        breakdowns.append(
            {
                "type": "TAX",
                "subtotal": {"amount": f"{sum(taxes.values()):.2f}"},
                "detailedBreakdowns": [
                    {"subtype": kind, "value": {"amount": f"{value:.2f}"}}
                    for kind, value in taxes.items()
                    if value
                ],
            }
        )
        total = sum(amounts.values()) + sum(taxes.values())
        units = int(item.product_uom_qty)
        order_item = {
            "orderItemId": item.amazon_order_item_id,
            "quantityOrdered": units,
            "product": {
                "sellerSku": item.product_id.default_code,
                "asin": f"B0{item.product_id.id:08d}",
                "title": item.product_id.name,
            },
            "proceeds": {
                "proceedsTotal": {"amount": f"{total:.2f}"},
                "breakdowns": breakdowns,
            },
            "fulfillment": {"quantityFulfilled": units, "quantityUnfulfilled": 0},
        }
        if "DISCOUNT" in amounts:
            order_item["promotion"] = {"breakdowns": [{"promotionId": "BENCH-10"}]}
        result.append(
            {
                "orderId": sale.amazon_order_ref,
                "createdTime": iso(posted - timedelta(days=2)),
                "lastUpdatedTime": iso(posted),
                "salesChannel": {"marketplaceId": MARKETPLACE.marketplace_id},
                "fulfillment": {
                    "fulfillmentStatus": "SHIPPED",
                    "fulfilledBy": "MERCHANT",
                },
                "proceeds": {
                    "grandTotal": {"amount": f"{total:.2f}", "currencyCode": "EUR"}
                },
                "orderItems": [order_item],
            }
        )
    return result


def set_up(registry, sizes):
    """The account id and, by size (0: the warm-up), the sale orders, their
    invoices, the simulator's orders and the settlement (a simulator
    Settlement: content, rows, refunds)."""
    started = time.monotonic()
    with registry.cursor() as cr:
        env = make_env(cr)
        account = create_account(env)
        products, placeholders, tax_id = create_products(env)
        currency = env.company.currency_id.name
        cr.commit()
        account_id = account.id
    # Amazon.de, in the company's currency (as the settlement benchmark's files).
    market = replace(
        MARKETPLACE,
        currency=currency,
        decimal_comma=MARKETPLACE.decimal_comma and currency == "EUR",
    )
    now = datetime.now(timezone.utc).replace(microsecond=0)
    # Order numbers of their own at each run too.
    groups, first = {}, FIRST_INDEX + int(now.timestamp()) % 90 * 50_000
    for size in (0, *sizes):
        count = size or WARM_UP
        say(f"bench_refunds: {count} orders confirmed, delivered, invoiced, posted")
        order_ids, invoice_ids = create_orders(
            registry, account_id, products, placeholders, tax_id, first, count
        )
        first += count
        with registry.cursor() as cr:
            orders = simulator_orders(make_env(cr), order_ids, now - timedelta(days=9))
        sales = build_settlement(
            orders,
            market,
            settlement_id=f"{int(now.timestamp())}1{size:06d}",
            start=now - timedelta(days=14),
            end=now - timedelta(days=7),
            deposit_date=now - timedelta(days=6),
            rng=random.Random(f"sales-{size}"),
            refund_share=0,
        )
        refunds = build_settlement(
            orders,
            market,
            settlement_id=f"{int(now.timestamp())}2{size:06d}",
            start=now - timedelta(days=7),
            end=now - timedelta(days=1),
            deposit_date=now,
            rng=random.Random(f"refunds-{size}"),
            refund_share=REFUND_SHARE,
            refund_shapes=True,
            sales=False,
            reserve=False,
            advertising=None,
        )
        groups[size] = {
            "orders": order_ids,
            "invoices": invoice_ids,
            "simulated": orders,
            "sales": sales,
            "refunds": refunds,
        }
    say(f"bench_refunds: set up in {time.monotonic() - started:.0f}s")
    return account_id, groups


# --------------------------------------------------------------------------- measures


def credit_notes(env, refunds):
    """What became of ``refunds``: the posted credit notes of their orders, the
    orders whose credit notes total what the buyer got back (to the cent), the
    credit notes by payment state."""
    expected = Counter()
    for refund in refunds:
        expected[refund.order_id] += refund.refunded
    sales = env["sale.order"].search([("amazon_order_ref", "in", list(expected))])
    notes = env["account.move"]
    exact = 0
    for sale in sales:
        # A goodwill's credit note names no order line: the invoices' reversals.
        invoices = sale.invoice_ids
        made = (invoices | invoices.reversal_move_ids).filtered(
            lambda m: m.move_type == "out_refund" and m.state == "posted"
        )
        notes |= made
        total = sum((Decimal(str(m.amount_total)) for m in made), Decimal(0))
        exact += bool(made) and total == expected[sale.amazon_order_ref]
    return {
        "notes": len(notes),
        "exact": exact,
        "orders": len(expected),
        "states": Counter(notes.mapped("payment_state")),
    }


def import_settlement(registry, account_id, group, which):
    """``create_from_report`` of the group's ``which`` settlement ("sales" or
    "refunds"), measured; the outcome."""
    simulated = group[which]
    with registry.cursor() as cr:
        env = make_env(cr)
        account = env["amazon.account"].browse(account_id)
        env.invalidate_all()
        with Meter(cr) as meter:
            settlement = env["amazon.settlement"].create_from_report(
                account, simulated.content
            )
            env.flush_all()
        cr.commit()
        env.invalidate_all()
        cr.execute(
            "SELECT payment_state, count(*) FROM account_move WHERE id = ANY(%s)"
            " GROUP BY payment_state",
            [group["invoices"]],
        )
        states = dict(cr.fetchall())
        return {
            "meter": meter,
            "states": states,
            "state": settlement.state,
            "move_state": settlement.move_id.state,
            "unmatched": settlement.unmatched_count,
            "lines": settlement.line_count,
            "refunds": len(simulated.refunds),
            "shapes": Counter(r.shape for r in simulated.refunds),
            "notes": credit_notes(env, simulated.refunds),
            "error": settlement.last_error or settlement.problems or "",
        }


def returns_report(group, now):
    """The simulator's merchant returns report of one return per order of the
    group (content, charset), or the reason it cannot be made."""
    state = SimulatorState(seed=21, marketplaces=("DE",), clock=lambda: now)
    if not hasattr(state, "add_return"):
        return None, "the simulator's SimulatorState.add_return"
    state.report_processing_polls = 0
    state.result_compression = "never"
    for order in group["simulated"]:
        state.add_order(order, validate=False)
        state.add_return(
            order["orderId"], reason_code="DEFECTIVE", at=now - timedelta(days=1)
        )
    created = state.create_report(
        {
            "reportType": RETURNS_REPORT_TYPE,
            "marketplaceIds": [MARKETPLACE.marketplace_id],
            "dataStartTime": iso(now - timedelta(days=5)),
            "dataEndTime": iso(now),
        }
    )
    report = state.get_report(created["reportId"])
    if report.get("processingStatus") != "DONE":
        return None, f"a returns report DONE, not {report.get('processingStatus')}"
    content, content_type = state.download(report["reportDocumentId"])
    return (content, content_type.partition("charset=")[2] or None), ""


def apply_returns(registry, account_id, content, charset):
    """Read and apply a merchant returns report, each measured; or why not."""
    try:
        from odoo.addons.amazon_connector.amazon.merchant_returns_report import (  # noqa: PLC0415
            read_merchant_returns,
        )
    except ImportError:
        return {"missing": "read_merchant_returns"}
    with registry.cursor() as cr:
        env = make_env(cr)
        Return = env["amazon.return"]
        if not hasattr(Return, "_amazon_apply_merchant_returns"):
            return {"missing": "amazon.return._amazon_apply_merchant_returns"}
        account = env["amazon.account"].browse(account_id)
        try:
            with Meter(cr) as reading_meter:
                reading = read_merchant_returns(content, charset)
        except NotImplementedError:
            return {"missing": "read_merchant_returns (not implemented)"}
        cr.execute("SELECT COALESCE(max(id), 0) FROM amazon_return")
        (last,) = cr.fetchone()
        env.invalidate_all()
        with Meter(cr) as applying:
            Return._amazon_apply_merchant_returns(account, reading)
            env.flush_all()
        made = Return.search([("id", ">", last)])
        result = {
            "reading": reading_meter,
            "applying": applying,
            "returns_read": len(reading.returns),
            "problems": len(reading.problems),
            "returns": len(made),
            "transfers": len(made.picking_id),
            "ready": len(made.picking_id.filtered(lambda p: p.state == "assigned")),
        }
        cr.rollback()
    return result


# --------------------------------------------------------------------------- report


def refund_rows(size, result):
    meter, notes, refunds = result["meter"], result["notes"], result["refunds"]
    return [
        (
            f"{size} orders, {refunds} refunds ({result['lines']} lines): seconds",
            f"{meter.seconds:.2f}",
            f"{REFUND_SHARE:.0%} of the orders",
        ),
        ("  queries", f"{meter.queries}", ""),
        (
            "  shapes",
            f"{len(result['shapes'])}",
            ", ".join(f"{k} {v}" for k, v in sorted(result["shapes"].items())),
        ),
        (
            "  milliseconds per refund",
            f"{meter.seconds / max(refunds, 1) * 1000:.1f}",
            "the same for every size",
        ),
        (
            "  queries per refund",
            f"{meter.queries / max(refunds, 1):.1f}",
            "the same for every size",
        ),
        ("  credit notes posted", f"{notes['notes']}", f">= {notes['orders']}"),
        (
            "  orders whose credit notes total the refunds",
            f"{notes['exact']}",
            f"{notes['orders']} (to the cent)",
        ),
        (
            "  credit notes by payment state",
            states_text(notes["states"]) or "-",
            "reconciled (paid, reversed)",
        ),
        (
            "  settlement / entry",
            f"{result['state']} / {result['move_state']}",
            "posted / posted",
        ),
        ("  to review (unmatched_count)", f"{result['unmatched']}", "0"),
    ]


def returns_text(largest, returned):
    if "missing" in returned:
        return (
            f"\nRefunds benchmark, part 3 (a returns report of {largest} returns): "
            f"not available (needs {returned['missing']})"
        )
    applying = returned["applying"]
    return "\n" + table(
        f"Refunds benchmark, part 3: a merchant returns report of {largest} "
        "returns read and applied (returns and return transfers; rolled back)",
        [
            ("read: seconds", f"{returned['reading'].seconds:.2f}", ""),
            (
                "returns read / rows with problems",
                f"{returned['returns_read']} / {returned['problems']}",
                f"{largest} / 0",
            ),
            ("applied: seconds", f"{applying.seconds:.2f}", ""),
            ("applied: queries", f"{applying.queries}", ""),
            (
                "applied: milliseconds per return",
                f"{applying.seconds / max(largest, 1) * 1000:.2f}",
                "",
            ),
            (
                "returns made / return transfers",
                f"{returned['returns']} / {returned['transfers']}",
                f"{largest} / {largest}",
            ),
            ("transfers ready to receive", f"{returned['ready']}", f"{largest}"),
        ],
    )


def report(sizes, results, sales, odoo, returned):
    rows = []
    for size in sizes:
        rows += refund_rows(size, results[size])
    text = table(
        "Refunds benchmark, part 1: create_from_report of settlements of refunds "
        "alone, every shape (credit notes made and reconciled; the cache emptied "
        "before each)",
        rows,
    )
    largest = sizes[-1]
    ours, omet = sales["meter"], odoo["meter"]
    ratio = ours.seconds / omet.seconds if omet.seconds else float("inf")
    text += "\n" + table(
        f"Refunds benchmark, part 2: {largest} invoices paid, the sales settlement "
        "against Odoo's account.payment.register (group_payment; rolled back)",
        [
            ("settlement: seconds", f"{ours.seconds:.2f}", ""),
            ("settlement: queries", f"{ours.queries}", ""),
            (
                "settlement / entry",
                f"{sales['state']} / {sales['move_state']}",
                "posted / posted",
            ),
            ("invoices by payment state", states_text(sales["states"]), "paid"),
            ("Odoo's registration: seconds", f"{omet.seconds:.2f}", ""),
            ("Odoo's registration: queries", f"{omet.queries}", ""),
            (
                "ratio of seconds, settlement / Odoo's",
                f"{ratio:.2f}",
                f"<= {MAX_RATIO:g}",
            ),
        ],
    )
    text += returns_text(largest, returned)
    per_refund = [
        results[s]["meter"].queries / max(results[s]["refunds"], 1) for s in sizes
    ]
    seconds = [
        results[s]["meter"].seconds / max(results[s]["refunds"], 1) for s in sizes
    ]
    spread = (max(per_refund) - min(per_refund)) / max(max(per_refund), 1e-9)
    small, large = results[sizes[0]], results[largest]
    marginal = (large["meter"].queries - small["meter"].queries) / max(
        large["refunds"] - small["refunds"], 1
    )
    fixed = small["meter"].queries - marginal * small["refunds"]
    text += (
        f"\nratio {ratio:.2f} (goal <= {MAX_RATIO:g}: "
        + ("met" if ratio <= MAX_RATIO else "NOT MET")
        + ")\nper refund: "
        + ", ".join(
            f"{s} orders {q:.1f} queries {1000 * t:.1f} ms"
            for s, q, t in zip(sizes, per_refund, seconds, strict=True)
        )
        + f"; queries spread {spread:.1%} (goal: constant per refund, within "
        f"{SAME_WITHIN:.0%}: " + ("met" if spread <= SAME_WITHIN else "NOT MET") + ")"
        f"\nlinear fit of {small['refunds']} and {large['refunds']} refunds: "
        f"{marginal:.1f} queries per refund added, {fixed:.0f} fixed"
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
        help="settlement sizes in orders, comma-separated; the largest is the "
        "returns report's size and Odoo's registration's",
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
    account_id, groups = set_up(registry, sizes)
    largest = sizes[-1]

    say(f"bench_refunds: Odoo's payment registration of {largest} invoices")
    odoo_result = odoo_register(registry, groups[largest]["invoices"])
    failures, results, sales = [], {}, None
    for size in (0, *sizes):
        for which in ("sales", "refunds"):
            say(f"bench_refunds: {which} settlement of {size or WARM_UP} orders")
            try:
                result = import_settlement(registry, account_id, groups[size], which)
            except Exception as exc:  # the figures of the others still print
                failures.append(f"{size or 'warm-up'} {which}: {exc!r}")
                continue
            if result["move_state"] != "posted":
                failures.append(
                    f"{size or 'warm-up'} {which}: {result['state']}, "
                    f"{str(result['error'])[:300]}"
                )
            if size and which == "refunds":
                results[size] = result
            elif size == largest:
                sales = result
    say(f"bench_refunds: returns report of {largest} returns")
    report_content, why = returns_report(
        groups[largest], datetime.now(timezone.utc).replace(microsecond=0)
    )
    returned = (
        apply_returns(registry, account_id, *report_content)
        if report_content
        else {"missing": why}
    )
    if len(results) == len(sizes) and sales:
        say(report(sizes, results, sales, odoo_result, returned))
    for failure in failures:
        say(f"FAILED {failure}")
    say(f"refunds benchmark done in {time.monotonic() - began:.0f}s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
