"""Prepare the demo database: Amazon accounts pointed at the local Amazon simulator.

Run by ``tools/run-demo`` with the virtualenv's Python, on a database where
amazon_connector is installed::

    python tools/demo_setup.py -c odoo.conf -d amazon_demo --simulator '{"url": ...}'

``--simulator`` is the JSON line ``python -m amazon_simulator`` prints (url, token_url,
client_id, client_secret, refresh_token, seller_id). The script enables the
connector, creates one account per region (eu, na, fe), tests each connection,
imports the simulator's orders, ships one delivery, has its buyer send one unit
back (Amazon's return, fetched: the return transfer) and Amazon refund it less a
restocking fee, has Amazon settle the shipped orders of its marketplace and fetches
the settlement (booked, the invoice paid, the refund's credit note made),
imports the EU account's Amazon.de listings as offers and sends their stock and
prices. It commits, prints what it did, and ends with one
``DEMO_SETUP_RESULT=<json>`` line for run-demo.
"""

import argparse
import json
import sys
import urllib.error
import urllib.request
from datetime import timedelta

import odoo
from odoo import SUPERUSER_ID, api, fields
from odoo.modules.registry import Registry

RESULT_PREFIX = "DEMO_SETUP_RESULT="
ACCOUNTS = [
    ("Demo (local Amazon simulator)", "eu", ("de", "fr", "it", "es", "uk")),
    ("Demo North America (local Amazon simulator)", "na", ("us",)),
    ("Demo Far East (local Amazon simulator)", "fe", ("jp",)),
]
# The simulator's orders are from the last 7 days: start the import well before.
IMPORT_WINDOW = timedelta(days=30)


def say(message):
    print(message, flush=True)


def enable_connector(env):
    env["ir.config_parameter"].set_param("amazon_connector.enabled", "True")
    say("connector enabled (Settings > Sales > Amazon Connector)")


def show_accounting_features(env):
    """The demo's admin sees the journal items of the settlement's entry (Show Full
    Accounting Features; without it, an entry shows no lines)."""
    env.ref("base.user_admin").groups_id = [
        fields.Command.link(env.ref("account.group_account_user").id)
    ]
    say("admin: Show Full Accounting Features (the journal items of the entries)")


def create_accounts(env, sim):
    """Create (or reset) the demo accounts; return them in ACCOUNTS order."""
    Account = env["amazon.account"].with_context(active_test=False)
    accounts = Account.browse()
    since = fields.Datetime.now() - IMPORT_WINDOW
    for name, region, codes in ACCOUNTS:
        marketplaces = env["amazon.marketplace"].browse(
            [env.ref(f"amazon_connector.marketplace_{code}").id for code in codes]
        )
        # A seller sells in the marketplaces' currencies: make them usable.
        marketplaces.currency_id.filtered(lambda c: not c.active).active = True
        values = {
            "name": name,
            "region": region,
            "seller_id": sim["seller_id"],
            "lwa_client_id": sim["client_id"],
            "lwa_client_secret": sim["client_secret"],
            "refresh_token": sim["refresh_token"],
            "api_endpoint": sim["url"],
            "lwa_token_url": sim["token_url"],
            "marketplace_ids": [fields.Command.set(marketplaces.ids)],
            "import_orders_from": since,
            "active": True,
        }
        account = Account.search([("name", "=", name)], limit=1)
        if account:
            account.write(values)
        else:
            account = Account.create(values)
        accounts |= account
        say(
            f"account {name!r}: region {region}, marketplaces "
            f"{', '.join(marketplaces.mapped('code'))}"
        )
    return accounts


def test_connections(accounts):
    states = {}
    for account in accounts:
        account.action_test_connection()
        states[account.name] = account.state
        detail = f" ({account.last_error})" if account.last_error else ""
        say(f"account {account.name!r}: connection {account.state}{detail}")
    return states


def import_orders(env, accounts):
    """Run the order import synchronously when the addon has it; a summary dict."""
    if not hasattr(type(accounts), "action_import_orders"):
        say("order import: not available yet (no amazon.account.action_import_orders)")
        return {"status": "skipped"}
    errors = {}
    for account in accounts.filtered(lambda a: a.state == "connected"):
        try:
            with env.cr.savepoint():
                account.with_context(queue_job__no_delay=True).action_import_orders()
        except Exception as exc:  # the demo goes on; run-demo --check reports it
            errors[account.name] = f"{type(exc).__name__}: {exc}"
            say(
                f"account {account.name!r}: order import FAILED: {errors[account.name]}"
            )
    count = None
    if "amazon_account_id" in env["sale.order"]._fields:
        count = env["sale.order"].search_count([("amazon_account_id", "!=", False)])
        say(f"order import: {count} sale order(s) with an Amazon account")
    else:
        say("order import: done (sale.order has no amazon_account_id field)")
    return {"status": "failed" if errors else "done", "orders": count, "errors": errors}


def ship_one_delivery(env, accounts):
    """Validate the delivery of one imported merchant order with a DHL tracking
    number, as the warehouse would: the connector confirms it to the simulator."""
    carrier = demo_carrier(env)
    pickings = env["stock.picking"].search(
        [
            ("amazon_account_id", "in", accounts.ids),
            ("sale_id.amazon_fulfilled_by", "=", "merchant"),
            ("picking_type_code", "=", "outgoing"),
            ("state", "in", ("confirmed", "assigned")),
        ],
        order="id",
    )
    picking = (
        pickings.filtered(lambda p: all(m.product_id.is_storable for m in p.move_ids))[
            :1
        ]
        or pickings[:1]
    )
    if not picking:
        say("shipment: no open delivery of a merchant Amazon order to validate")
        return {"status": "skipped"}
    picking = validate_delivery(env, picking, carrier, "00340434161094")
    say(
        f"shipment: {picking.name} of {picking.sale_id.amazon_order_ref} validated, "
        f"Amazon sync {picking.amazon_sync_state}: {picking.sale_id.amazon_last_action}"
    )
    return {
        "status": "done" if picking.amazon_sync_state == "confirmed" else "failed",
        "delivery": picking.name,
        "order": picking.sale_id.amazon_order_ref,
        "sync_state": picking.amazon_sync_state,
        "error": picking.amazon_sync_error or "",
    }


def demo_carrier(env):
    """DHL Paket, Amazon's carrier code DHL: the demo's carrier."""
    return env["delivery.carrier"].search(
        [("amazon_carrier_code", "=", "DHL")], limit=1
    ) or env["delivery.carrier"].create(
        {
            "name": "DHL Paket",
            "product_id": env["product.product"]
            .create({"name": "DHL Paket", "type": "service"})
            .id,
            "amazon_carrier_code": "DHL",
            "amazon_shipping_method": "Paket",
        }
    )


def validate_delivery(env, picking, carrier, tracking):
    """Validate ``picking`` with ``carrier`` and ``tracking`` as the warehouse
    would (its units put in stock first): the connector confirms it to Amazon."""
    picking = picking.with_context(queue_job__no_delay=True)
    for move in picking.move_ids:
        if move.product_id.is_storable:
            env["stock.quant"]._update_available_quantity(
                move.product_id, picking.location_id, move.product_uom_qty
            )
    picking.action_assign()
    picking.write({"carrier_id": carrier.id, "carrier_tracking_ref": tracking})
    for move in picking.move_ids:
        move.quantity = move.product_uom_qty
    picking.move_ids.picked = True
    picking.button_validate()
    return picking


def settle_shipped_orders(env, accounts, sim, shipped):
    """Amazon's settlement report of the marketplace of the order just shipped: the
    simulator settles that marketplace's shipped orders (fees, reserve, advertising
    as in a real file; no refunds but the one of the returned unit), then the
    settlements are fetched as the
    scheduled action does, every job run at once. The settlement is booked and
    pays the shipped order's invoice; an order Amazon shipped that Odoo has not
    invoiced yet is settled before it was invoiced (to review)."""
    if shipped.get("status") != "done":
        say("settlement: no shipped order to settle")
        return {"status": "skipped"}
    order = env["sale.order"].search(
        [("amazon_order_ref", "=", shipped["order"])], limit=1
    )
    marketplace = order.amazon_marketplace_id.code
    request = urllib.request.Request(
        sim["url"] + "/_sim/settlement",
        data=json.dumps({"marketplace": marketplace, "refund_share": 0}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        [settlement_ref] = json.load(response)["settlementIds"]
    errors = {}
    for account in accounts.filtered(lambda a: a.state == "connected"):
        try:
            with env.cr.savepoint():
                account.with_context(
                    queue_job__no_delay=True
                ).action_fetch_settlements()
        except Exception as exc:  # the demo goes on; run-demo --check reports it
            errors[account.name] = f"{type(exc).__name__}: {exc}"
            say(f"account {account.name!r}: settlement fetch FAILED: {exc}")
    settlement = env["amazon.settlement"].search(
        [("settlement_ref", "=", settlement_ref)], limit=1
    )
    invoices = order.invoice_ids.filtered(
        lambda m: m.move_type == "out_invoice" and m.state == "posted"
    )
    early = env["sale.order"].search(
        [
            ("amazon_account_id", "in", accounts.ids),
            ("invoice_ids", "=", False),
            ("amazon_last_action", "ilike", f"settlement {settlement_ref} before"),
        ]
    )
    if settlement:
        say(
            f"settlement: {settlement_ref} of Amazon.{marketplace} "
            f"{settlement.state}, entry {settlement.move_id.name}, total "
            f"{settlement.total_amount} {settlement.currency_id.name}; "
            f"{order.amazon_order_ref}: "
            f"{', '.join(f'{m.name} {m.payment_state}' for m in invoices)}; "
            f"{order.amazon_last_action}"
        )
        for other in early:
            say(f"settlement: {other.amazon_order_ref}: {other.amazon_last_action}")
    else:
        say(f"settlement: {settlement_ref} was not imported ({errors or 'no error'})")
    return {
        "status": "done" if settlement and not errors else "failed",
        "settlement": settlement_ref,
        "marketplace": marketplace,
        "state": settlement.state or "",
        "entry": settlement.move_id.name or "",
        "order": order.amazon_order_ref,
        "invoices": invoices.mapped("name"),
        "settled_before_invoiced": early.mapped("amazon_order_ref"),
        "errors": errors,
    }


#: The demo's return: one unit of the shipped order, refunded less this share of
#: its price (the restocking fee the seller keeps).
RESTOCKING_SHARE = 0.2


def post_simulator(sim, path, body):
    """POST ``body`` to a control endpoint of the simulator: its JSON answer, or
    None when the simulator has no such endpoint (404)."""
    request = urllib.request.Request(
        sim["url"] + path,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return None
        raise


def refund_credit_notes_available():
    """Whether the addon turns a settlement's refunds of every shape into credit
    notes (``amazon/refund.py`` reads the refund rows: ``read_refund``)."""
    from odoo.addons.amazon_connector.amazon import refund  # noqa: PLC0415

    return hasattr(refund, "read_refund")


def return_shipped_order(env, accounts, sim, shipped):
    """The buyer of the order just shipped sends one unit back: Amazon's return
    (an RMA in the simulator), fetched as the daily job does (the return of the
    delivery, ready to receive), and Amazon's refund of that unit less a
    restocking fee, which the settlement then carries. Each part runs when the
    simulator and the addon have it; what is missing is listed under "needs"."""
    if shipped.get("status") != "done":
        say("return: no shipped order to return")
        return {"status": "skipped"}
    order = env["sale.order"].search(
        [("amazon_order_ref", "=", shipped["order"])], limit=1
    )
    line = (
        order.order_line.filtered(
            lambda li: li.amazon_order_item_id and li.product_id.is_storable
        )[:1]
        or order.order_line.filtered("amazon_order_item_id")[:1]
    )
    item = {line.amazon_order_item_id: 1}
    needs = []
    made = post_simulator(
        sim,
        "/_sim/returns",
        {"orderId": order.amazon_order_ref, "items": item, "reasonCode": "DEFECTIVE"},
    )
    if made is None:
        needs.append("the simulator's returns (POST /_sim/returns)")
    refund = None
    if refund_credit_notes_available():
        refund = post_simulator(
            sim,
            "/_sim/refund",
            {
                "orderId": order.amazon_order_ref,
                "shape": "restocking",
                "items": item,
                "restocking_fee": RESTOCKING_SHARE,
            },
        )
    else:
        needs.append("the refund credit notes (amazon/refund.py read_refund)")
    account = order.amazon_account_id
    fetched = made is not None and hasattr(account, "action_fetch_returns")
    if fetched:
        account.with_context(queue_job__no_delay=True).action_fetch_returns()
    elif made is not None:
        needs.append("the returns import (amazon.account.action_fetch_returns)")
    say(
        f"return: one unit of {order.amazon_order_ref} sent back"
        + (f", refunded {refund['refunded']} less a restocking fee" if refund else "")
        + (f" (needs {', '.join(needs)})" if needs else "")
    )
    return {
        "status": "needs" if needs else "done",
        "needs": needs,
        "order": order.amazon_order_ref,
        "returned": fetched,
        "refunded": refund["refunded"] if refund else None,
    }


def returned_order(env, returned):
    """After the settlement: the returned order's return transfer and credit
    note."""
    if returned.get("status") in (None, "skipped"):
        return returned
    order = env["sale.order"].search(
        [("amazon_order_ref", "=", returned["order"])], limit=1
    )
    transfers = order.amazon_return_ids.picking_id
    invoices = order.invoice_ids
    notes = (invoices | invoices.reversal_move_ids).filtered(
        lambda m: m.move_type == "out_refund" and m.state == "posted"
    )
    result = {
        **returned,
        "transfers": transfers.mapped("name"),
        "credit_notes": notes.mapped("name"),
        "credit_total": f"{sum(notes.mapped('amount_total')):.2f}",
        "last_action": order.amazon_last_action or "",
    }
    # What ran must have worked, whatever is still missing.
    if (returned["returned"] and not transfers) or (returned["refunded"] and not notes):
        result["status"] = "failed"
    say(
        f"return: {order.amazon_order_ref}: return transfer(s) "
        f"{', '.join(result['transfers']) or '-'}, credit note(s) "
        f"{', '.join(result['credit_notes']) or '-'} ({result['credit_total']}); "
        f"{result['last_action']}"
    )
    return result


def get_simulator(sim, path):
    """GET a control endpoint of the simulator: its JSON answer."""
    with urllib.request.urlopen(sim["url"] + path, timeout=30) as response:
        return json.load(response)


def fba_inventory(env, accounts):
    """The European demo account's FBA stock from Amazon's Inventory Ledger:
    each SKU the simulator holds at Amazon bound by an FBA offer to the
    catalogue's product, the ledger read from 30 days back (the
    simulator's stock arrived 8 days before its orders), then compared with
    Amazon's inventory summaries: no difference is left. SKUs with no product
    in the catalogue (the simulator's unknown ones) are left unbound."""
    account = accounts[:1]
    if not hasattr(type(account), "action_amazon_fba_sync"):
        say("FBA inventory: not available yet (no action_amazon_fba_sync)")
        return {"status": "skipped"}
    if account.state != "connected":
        return {"status": "failed", "error": f"account {account.state}"}
    sim = {"url": account.api_endpoint}
    skus = sorted(get_simulator(sim, "/_sim/state").get("fbaStock") or {})
    Product = env["product.product"]
    Offer = env["amazon.offer"]
    home = account.marketplace_ids[:1]
    for sku in skus:
        # The simulator's unknown SKUs stay unknown (their orders took the
        # Amazon Generic Product): their ledger rows wait for a product.
        product = Product.search([("default_code", "=", sku)], limit=1)
        if not product:
            continue
        offer = Offer.search(
            [("account_id", "=", account.id), ("sku", "=", sku)], limit=1
        )
        values = {"product_id": product.id, "fulfillment_channel": "amazon"}
        if offer:
            offer.write(values)
        else:
            Offer.create(
                {"account_id": account.id, "marketplace_id": home.id, "sku": sku}
                | values
            )
    account.fba_ledger_fetched_until = fields.Date.today() - timedelta(days=30)
    account.with_context(queue_job__no_delay=True).action_amazon_fba_sync()
    differences = account.fba_difference_ids.filtered(lambda d: d.state == "open")
    events = len(account.fba_event_ids)
    say(
        f"FBA inventory: {len(skus)} SKU(s) at Amazon, {events} ledger row(s) read, "
        f"{len(differences)} difference(s) with Amazon's summaries"
    )
    return {
        "status": "done" if skus and events and not differences else "failed",
        "account": account.name,
        "skus": len(skus),
        "events": events,
        "differences": [
            f"{d.product_id.display_name} {d.location_kind}: Odoo {d.odoo_qty:g}, "
            f"Amazon {d.amazon_qty:g}"
            for d in differences
        ],
    }


# The demo's Amazon.de listings: (catalogue index, units on hand, reserve rule).
DEMO_LISTINGS = [(1, 25, None), (2, 12, "10:PERCENT"), (3, 0, None), (4, 40, "5:FIXED")]
DEMO_LISTINGS += [(n, 8 + n, None) for n in range(5, 13)]
UNMATCHED_SKU = "DEMO-NOT-IN-ODOO"


def business_invoice(env, accounts):
    """The European account uploads its VAT invoices; one Amazon Business order
    is shipped and invoiced: its customer is the buyer's company with its VAT
    number, the invoice carries the buyer's PO number and is sent to Amazon."""
    account = accounts[:1]
    account.vat_invoice_upload = account.vat_invoice_upload_offered
    say(f"account {account.name!r}: upload VAT invoices {account.vat_invoice_upload}")
    orders = env["sale.order"].search(
        [
            ("amazon_account_id", "=", account.id),
            ("amazon_is_business", "=", True),
            ("partner_id.vat", "!=", False),
            ("state", "=", "sale"),
        ],
        order="id",
    )
    # Shipped by Amazon: invoiced at import. Else one the warehouse ships now.
    order = (
        orders.filtered(
            lambda o: o.invoice_ids.filtered(lambda m: m.state == "posted")
        )[:1]
        or orders.filtered(
            lambda o: (
                o.amazon_fulfilled_by == "merchant"
                and o.picking_ids.filtered(
                    lambda p: p.state in ("confirmed", "assigned")
                )
            )
        )[:1]
    )
    if not order:
        say("business order: none invoiced or to ship in the simulator's orders")
        return {"status": "skipped"}
    picking = order.picking_ids.filtered(
        lambda p: p.state in ("confirmed", "assigned")
    )[:1]
    if not order.invoice_ids and picking:
        validate_delivery(env, picking, demo_carrier(env), "00340434161095")
        order._create_invoices()
    invoices = order.invoice_ids.filtered(lambda m: m.state == "draft")
    invoices.with_context(queue_job__no_delay=True).action_post()
    invoice = order.invoice_ids.filtered(lambda m: m.state == "posted")[:1]
    if invoice.amazon_vat_upload_state == "none":
        # Invoiced at import, before the option was on: Upload to Amazon.
        invoice.with_context(
            queue_job__no_delay=True
        ).action_amazon_upload_vat_invoice()
    say(
        f"business order {order.amazon_order_ref}: {order.partner_id.name} "
        f"({order.partner_id.vat}), PO {order.amazon_buyer_po_number}, invoice "
        f"{invoice.name}: Amazon VAT invoice {invoice.amazon_vat_upload_state}"
    )
    return {
        "status": "done" if invoice else "failed",
        "order": order.amazon_order_ref,
        "customer": order.partner_id.name,
        "vat": order.partner_id.vat or "",
        "po": order.amazon_buyer_po_number or "",
        "invoice": invoice.name or "",
        "upload": invoice.amazon_vat_upload_state or "",
    }


def anonymise_one_buyer(env, accounts):
    """Amazon allows buyers' personal data for 30 days after delivery: one FBA
    order's delivery is dated 40 days back, and the account's retention run
    replaces its buyer's name, street and phone with neutral values."""
    account = accounts[:1]
    orders = env["sale.order"].search(
        [
            ("amazon_account_id", "=", account.id),
            ("amazon_fulfilled_by", "=", "amazon"),
            ("amazon_is_business", "=", False),
            ("picking_ids.state", "=", "done"),
        ],
        order="id",
    )
    order = orders.filtered(
        lambda o: (
            all(p.state in ("done", "cancel") for p in o.picking_ids)
            and len(o.partner_id.sale_order_ids) == 1
        )
    )[:1]
    if not order:
        say("retention: no delivered FBA order of a one-order buyer")
        return {"status": "skipped"}
    env.cr.execute(
        "UPDATE stock_picking SET date_done = now() at time zone 'UTC' - "
        "interval '40 days' WHERE sale_id = %s AND state = 'done'",
        [order.id],
    )
    env.invalidate_all()
    buyer = order.partner_id
    summary = account._amazon_apply_retention()
    say(
        f"retention: {order.amazon_order_ref} delivered 40 days ago, "
        f"{account.pii_retention_days} days kept: {summary}; its buyer is now "
        f"{buyer.name!r}"
    )
    return {
        "status": "done" if buyer.amazon_anonymized else "failed",
        "order": order.amazon_order_ref,
        "buyer": buyer.id,
        "summary": summary,
    }


def publish_offers(env, accounts, sim):
    """The seller's Amazon.de listings on the simulator, imported as offers (Import
    Listings), stock put on hand, one product backorderable, then the stock and
    prices sent to Amazon in one listings feed."""
    from amazon_simulator.generator import CATALOGUE  # noqa: PLC0415

    account = accounts[:1]
    if account.state != "connected":
        say("offers: the EU account is not connected")
        return {"status": "skipped"}
    skus = list(CATALOGUE)
    listings = [
        {
            "sku": skus[index - 1],
            "marketplace": "DE",
            "price": str(CATALOGUE[skus[index - 1]].base_price_eur),
            "quantity": 5,
        }
        for index, _qty, _rule in DEMO_LISTINGS
    ]
    listings.append({"sku": UNMATCHED_SKU, "marketplace": "DE", "quantity": 3})
    request = urllib.request.Request(
        sim["url"] + "/_sim/listings",
        data=json.dumps(listings).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30):
        pass
    account = account.with_context(queue_job__no_delay=True)
    account.action_import_listings()
    Offer = env["amazon.offer"]
    stock = account.warehouse_id.lot_stock_id
    for index, quantity, rule in DEMO_LISTINGS:
        offer = Offer.search(
            [("account_id", "=", account.id), ("sku", "=", skus[index - 1])], limit=1
        )
        if not offer.product_id:
            continue
        if quantity:
            env["stock.quant"]._update_available_quantity(
                offer.product_id, stock, quantity
            )
        if rule:
            offer.reserve_rule = rule
    backorderable = Offer.search(
        [("account_id", "=", account.id), ("sku", "=", skus[DEMO_LISTINGS[2][0] - 1])]
    )
    backorderable.product_id.product_tmpl_id.amazon_backorderable = True
    result = Offer.with_context(queue_job__no_delay=True)._amazon_export(account)
    offers = Offer.search([("account_id", "=", account.id)])
    feed = env["amazon.feed"].search(
        [("account_id", "=", account.id), ("feed_type", "=", "JSON_LISTINGS_FEED")],
        limit=1,
    )
    say(
        f"offers: {len(offers)} on the EU account after Import Listings "
        f"({len(offers.filtered(lambda o: not o.product_id))} unmatched); {result}"
    )
    return {
        "status": "done" if feed.state == "done" else "failed",
        "offers": len(offers),
        "ok": len(offers.filtered(lambda o: o.state == "ok")),
        "feed": feed.amazon_feed_ref or "",
        "result": str(result),
    }


def amazon_menus(env):
    """The names under Sales > Amazon, for the banner."""
    root = env.ref("amazon_connector.menu_amazon_root", raise_if_not_found=False)
    if not root:
        return []
    children = env["ir.ui.menu"].search([("parent_id", "=", root.id)])
    return children.sorted("sequence").mapped("name")


def seller_catalogue(env):
    """The seller's products for the simulator's catalogue SKUs (Internal Reference =
    SKU), with the company's default sales tax as any new product has: orders bind
    them by SKU, and Amazon's ITEM-only orders take their VAT from them. SKUs outside
    the catalogue stay unknown (the Amazon Generic Product)."""
    from amazon_simulator.generator import CATALOGUE  # noqa: PLC0415

    Product = env["product.product"].with_context(active_test=False)
    existing = set(
        Product.search([("default_code", "in", list(CATALOGUE))]).mapped("default_code")
    )
    Product.create(
        [
            {
                "name": item.title,
                "default_code": sku,
                "is_storable": True,
                "list_price": float(item.base_price_eur),
            }
            for sku, item in CATALOGUE.items()
            if sku not in existing
        ]
    )
    say(f"seller catalogue: {len(CATALOGUE)} products with the simulator's SKUs")


def open_on_overview(env):
    """The admin's home action: the Amazon Overview is what the demo opens on."""
    action = env.ref("amazon_connector.action_amazon_overview")
    env.ref("base.user_admin").action_id = action.id
    say("the admin opens Odoo on Sales > Amazon > Overview")


def setup(env, sim):
    enable_connector(env)
    open_on_overview(env)
    show_accounting_features(env)
    seller_catalogue(env)
    accounts = create_accounts(env, sim)
    # The connection test logs its calls on a separate cursor: the accounts must
    # be visible to it.
    env.cr.commit()
    states = test_connections(accounts)
    env.cr.commit()
    imported = import_orders(env, accounts)
    env.cr.commit()
    shipped = ship_one_delivery(env, accounts)
    env.cr.commit()
    returned = return_shipped_order(env, accounts, sim, shipped)
    env.cr.commit()
    settled = settle_shipped_orders(env, accounts, sim, shipped)
    env.cr.commit()
    returned = returned_order(env, returned)
    offers = publish_offers(env, accounts, sim)
    env.cr.commit()
    fba = fba_inventory(env, accounts)
    env.cr.commit()
    business = business_invoice(env, accounts)
    env.cr.commit()
    retention = anonymise_one_buyer(env, accounts)
    env.cr.commit()
    return {
        "accounts": states,
        "import": imported,
        "shipment": shipped,
        "settlement": settled,
        "return": returned,
        "offers": offers,
        "fba": fba,
        "business": business,
        "retention": retention,
        "menus": amazon_menus(env),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True, help="Odoo configuration file")
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument(
        "--simulator", required=True, help="the simulator's JSON line (url, ...)"
    )
    args = parser.parse_args(argv)
    sim = json.loads(args.simulator)
    odoo.tools.config.parse_config(
        [
            *("-c", args.config, "-d", args.database, "--log-level=warn"),
            # The SP-API library's HTTP client logs every request at INFO.
            "--log-handler=httpx:WARNING",
        ]
    )
    registry = Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        result = setup(env, sim)
    print(RESULT_PREFIX + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
