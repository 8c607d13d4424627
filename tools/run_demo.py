"""Run the demo: Odoo 18.0 with amazon_connector, selling on a local Amazon simulator.

Sets everything up with devenv.py (Odoo source, virtualenv, PostgreSQL: a private
throwaway cluster unless the PG* variables name a server), starts the Amazon
simulator on loopback with generated orders, creates a fresh database with the addon
and demo accounts (tools/demo_setup.py), then serves Odoo on 127.0.0.1 until Ctrl-C.
Everything is removed on exit: the database's cluster (or the database itself on a
PG* server), its files, the simulator.

``--check`` does the same, verifies the running server over JSON-RPC (login, the
accounts are connected, the settings show the connector, the orders, the shipment,
the settlement, the returned order's return transfer and credit note, the offers),
prints PASS or FAIL and exits 0 or 1.

Settings (environment): AMAZON_DEMO_DB (amazon_demo), ODOO_HTTP_PORT (8069),
AMAZON_SIM_PORT (8899), plus devenv.py's (ODOO_SRC, PG*, AMAZON_CONNECTOR_CACHE...).
Only the standard library is used here: it runs before the virtualenv exists.
"""

import argparse
import contextlib
import http.cookiejar
import json
import os
import re
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import devenv

HOST = "127.0.0.1"
LOGIN = PASSWORD = "admin"
#: What the demo opens on (the admin's home action too).
OVERVIEW_ACTION = "amazon_connector.action_amazon_overview"
SIM_ORDERS = 40
SIM_SEED = 1
SIM_FBA_STOCK = 3
READY_TIMEOUT = 180  # seconds for Odoo to answer /web/login
SETTINGS_BLOCK_ID = "amazon_connector_setting_container"
SETUP_SCRIPT = devenv.REPO / "tools" / "demo_setup.py"
SETUP_RESULT_PREFIX = "DEMO_SETUP_RESULT="


def log(message):
    print(f"[demo] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- signals


class Interrupted(KeyboardInterrupt):
    """Ctrl-C, SIGTERM or SIGHUP: stop the demo and clean up."""


class SignalGuard:
    """Turn the first stop signal into ``Interrupted``; ignore the next ones.

    Once the tear-down starts (``tearing_down()``), signals are ignored so a second
    Ctrl-C cannot leave a server or the cluster behind.
    """

    SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

    def __init__(self):
        self.stopping = False

    def install(self):
        for signum in self.SIGNALS:
            signal.signal(signum, self._handle)

    def tearing_down(self):
        self.stopping = True

    def _handle(self, signum, frame):
        if self.stopping:
            log(f"already stopping ({signal.Signals(signum).name} ignored)")
            return
        self.stopping = True
        log(f"{signal.Signals(signum).name}: stopping")
        raise Interrupted


def stop_process(proc, name, grace=15):
    """Stop a child started in its own session: SIGTERM, then SIGKILL."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        log(f"{name} did not stop in {grace}s: killing it")
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


# --------------------------------------------------------------------------- helpers


def port_setting(variable, default):
    value = os.environ.get(variable, str(default))
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise devenv.SetupError(f"{variable}={value} is not a TCP port number")
    return int(value)


def ensure_port_free(port, what, variable):
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError as exc:
            raise devenv.SetupError(
                f"{HOST}:{port} (for {what}) is not free ({exc.strerror}): stop what "
                f"uses it or set {variable} to another port"
            ) from exc


def tail(path: Path, lines=40):
    if not path.exists():
        return ""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


# --------------------------------------------------------------------------- simulator


@contextlib.contextmanager
def simulator(env_path: Path, port: int, log_path: Path):
    """Run the Amazon simulator; yield its JSON line (url, token_url, credentials)."""
    cmd = [
        env_path / "bin" / "python",
        *("-m", "amazon_simulator", "--host", HOST, "--port", port),
        # No --settlements: a report published now would settle the orders before
        # the demo ships one; demo_setup.py publishes the settlement after it.
        *("--orders", SIM_ORDERS, "--seed", SIM_SEED),
        # The FBA orders' SKUs get their stock at Amazon (and 3 units more).
        *("--fba-stock", SIM_FBA_STOCK),
    ]
    with log_path.open("w") as log_file:
        proc = subprocess.Popen(
            [str(c) for c in cmd],
            cwd=devenv.REPO / "tools",
            stdout=subprocess.PIPE,
            stderr=log_file,
            stdin=subprocess.DEVNULL,
            text=True,
            start_new_session=True,
        )
    try:
        ready, _, _ = select.select([proc.stdout], [], [], 60)
        line = proc.stdout.readline() if ready else ""
        try:
            info = json.loads(line)
        except ValueError:
            raise devenv.SetupError(
                f"the Amazon simulator did not start:\n{tail(log_path)}"
            ) from None
        log(f"Amazon simulator up on {info['url']} with {SIM_ORDERS} orders")
        yield info
    finally:
        stop_process(proc, "the Amazon simulator", grace=5)
        proc.stdout.close()


# --------------------------------------------------------------------------- database


@contextlib.contextmanager
def demo_database(db: devenv.PostgresServer, db_name: str):
    """Make room for a fresh ``db_name``; on a PG* server, drop it again at the end.

    A private cluster (``db.private``: the set-up started it) is thrown away as a
    whole, the database with it.
    """
    if not db.private:
        devenv.drop_database(db_name)  # an old demo's, left by a killed run
    try:
        yield
    finally:
        if not db.private:
            devenv.drop_database(db_name, force=True, strict=False)


def run_setup(env_path: Path, config: Path, db_name: str, sim: dict) -> dict:
    """Run demo_setup.py in the virtualenv; echo its lines, return its result."""
    proc = subprocess.run(
        [
            str(env_path / "bin" / "python"),
            str(SETUP_SCRIPT),
            *("-c", str(config), "-d", db_name, "--simulator", json.dumps(sim)),
        ],
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    result = None
    for line in proc.stdout.splitlines():
        if line.startswith(SETUP_RESULT_PREFIX):
            result = json.loads(line[len(SETUP_RESULT_PREFIX) :])
        else:
            log(f"setup: {line}")
    if proc.returncode != 0 or result is None:
        raise devenv.SetupError(f"tools/demo_setup.py failed (exit {proc.returncode})")
    return result


# --------------------------------------------------------------------------- Odoo


@contextlib.contextmanager
def odoo_server(env_path, odoo_src, config, db_name, port, log_path=None):
    """Serve Odoo on HOST:port for ``db_name`` only; yield the process.

    Without ``log_path`` its output is relayed to ours until we stop it: a threaded
    Odoo server stopping prints its cron threads' tracebacks, which are noise here.
    """
    cmd = [
        *devenv.odoo_bin(env_path, odoo_src),
        *("-c", config, "-d", db_name, "--workers=0"),
        f"--http-interface={HOST}",
        f"--http-port={port}",
        f"--db-filter=^{re.escape(db_name)}$",
        "--log-handler=werkzeug:WARNING",
    ]
    env = dict(os.environ)
    if sys.stdout.isatty():
        env["ODOO_PY_COLORS"] = "1"
    with contextlib.ExitStack() as files:
        if log_path:
            cmd.append(f"--logfile={log_path}")
            output = files.enter_context(log_path.open("a"))
        else:
            output = subprocess.PIPE
        proc = subprocess.Popen(
            [str(c) for c in cmd],
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
    muted = threading.Event()
    relay = None
    if proc.stdout:
        relay = threading.Thread(
            target=relay_output, args=(proc.stdout, muted), daemon=True
        )
        relay.start()
    try:
        yield proc
    finally:
        if proc.poll() is None:
            muted.set()
        stop_process(proc, "Odoo")
        if relay:
            relay.join(5)
            proc.stdout.close()


def relay_output(stream, muted: threading.Event):
    """Copy a child's output to ours line by line; drop it once ``muted``."""
    for line in iter(stream.readline, b""):
        if muted.is_set():
            continue  # keep reading: a full pipe would block the child
        try:
            sys.stdout.buffer.write(line)
            sys.stdout.buffer.flush()
        except OSError:  # our output is gone (closed pipe): drop the rest
            muted.set()


def wait_until_ready(proc, url, log_path=None):
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            detail = f":\n{tail(log_path)}" if log_path else ""
            raise devenv.SetupError(f"Odoo exited with code {proc.returncode}{detail}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    raise devenv.SetupError(f"Odoo did not answer {url} within {READY_TIMEOUT}s")


class JsonRpc:
    """A tiny JSON-RPC client keeping the Odoo session cookie."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}),
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
        )
        self.ids = 0

    def call(self, path, params):
        self.ids += 1
        body = {"jsonrpc": "2.0", "method": "call", "params": params, "id": self.ids}
        request = urllib.request.Request(
            self.base_url + path,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        with self.opener.open(request, timeout=60) as response:
            answer = json.load(response)
        if answer.get("error"):
            error = answer["error"]
            raise RuntimeError(error.get("data", {}).get("message") or error)
        return answer["result"]

    def call_kw(self, model, method, args, **kwargs):
        return self.call(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs},
        )


def run_checks(base_url, db_name, setup_result, sim_url) -> bool:
    """Check the running demo over HTTP; print one line per check; all passed?"""
    results = []

    def check(name, function):
        try:
            ok, detail = function()
        except Exception as exc:  # a check that crashes is a failed check
            ok, detail = False, f"{type(exc).__name__}: {exc}"
        results.append(ok)
        print(f"{'PASS' if ok else 'FAIL'}  {name}: {detail}", flush=True)

    rpc = JsonRpc(base_url)

    def login_page():
        with rpc.opener.open(base_url + "/web/login", timeout=30) as response:
            return response.status == 200, f"HTTP {response.status}"

    def authenticate():
        info = rpc.call(
            "/web/session/authenticate",
            {"db": db_name, "login": LOGIN, "password": PASSWORD},
        )
        return bool(info.get("uid")), f"uid {info.get('uid')}"

    def accounts():
        records = rpc.call_kw(
            "amazon.account", "search_read", [[]], fields=["name", "region", "state"]
        )
        expected = set(setup_result["accounts"])
        found = {r["name"]: r for r in records}
        problems = [name for name in expected if name not in found]
        problems += [
            f"{r['name']} is {r['state']}"
            for r in records
            if r["name"] in expected and r["state"] != "connected"
        ]
        detail = ", ".join(f"{r['region']}={r['state']}" for r in records)
        return bool(expected) and not problems, (
            "; ".join(problems) if problems else detail
        )

    def settings_view():
        views = rpc.call_kw("res.config.settings", "get_views", [[[False, "form"]]])
        arch = views["views"]["form"]["arch"]
        return SETTINGS_BLOCK_ID in arch, f"{SETTINGS_BLOCK_ID} in the settings form"

    def overview():
        home = rpc.call_kw(
            "res.users", "search_read", [[("login", "=", LOGIN)]], fields=["action_id"]
        )
        action = home[0]["action_id"] if home else False
        cards = rpc.call_kw(
            "amazon.account",
            "search_read",
            [[]],
            fields=["name", "overview_to_ship", "overview_shipments_waiting"],
        )
        detail = ", ".join(
            f"{c['name']}: {c['overview_to_ship']} to ship today" for c in cards
        )
        opens = bool(action) and action[1] == "Amazon Overview"
        return opens and bool(cards), f"home action {action and action[1]}; {detail}"

    def order_import():
        imported = setup_result["import"]
        if imported["status"] == "skipped":
            return True, "skipped: action_import_orders does not exist yet"
        if imported["status"] == "failed":
            return False, json.dumps(imported["errors"])
        count = imported.get("orders")
        if count is None:
            return True, "ran (sale.order has no amazon_account_id)"
        seen = rpc.call_kw(
            "sale.order", "search_count", [[("amazon_account_id", "!=", False)]]
        )
        return count > 0 and seen == count, f"{seen} Amazon sale order(s)"

    def shipment():
        shipped = setup_result.get("shipment") or {}
        if shipped.get("status") != "done":
            return False, json.dumps(shipped)
        [picking] = rpc.call_kw(
            "stock.picking",
            "search_read",
            [[("name", "=", shipped["delivery"])]],
            fields=["amazon_sync_state"],
        )
        with rpc.opener.open(sim_url + "/_sim/state", timeout=30) as response:
            confirmations = json.load(response)["shipmentConfirmations"]
        return (
            picking["amazon_sync_state"] == "confirmed" and confirmations >= 1,
            f"{shipped['delivery']} of {shipped['order']}: "
            f"{picking['amazon_sync_state']}; the simulator received "
            f"{confirmations} shipment confirmation(s)",
        )

    def offers():
        published = setup_result.get("offers") or {}
        if published.get("status") != "done":
            return False, json.dumps(published)
        states = rpc.call_kw(
            "amazon.offer",
            "read_group",
            [[("account_id.region", "=", "eu")], ["state"], ["state"]],
            lazy=False,
        )
        with rpc.opener.open(sim_url + "/_sim/state", timeout=30) as response:
            listings = json.load(response).get("listings") or {}
        with_quantity = sum(
            1 for listing in listings.values() if listing.get("quantity") is not None
        )
        counts = {group["state"]: group["__count"] for group in states}
        return (
            counts.get("ok", 0) >= 1 and with_quantity >= 1,
            f"{published['offers']} offer(s), by state {counts}; feed "
            f"{published['feed']}; the simulator holds {with_quantity} quantity(ies)",
        )

    def fba():
        result = setup_result.get("fba") or {}
        if result.get("status") != "done":
            return False, json.dumps(result)
        [account] = rpc.call_kw(
            "amazon.account",
            "search_read",
            [[("name", "=", result["account"])]],
            fields=["fba_location_id"],
        )
        differences = rpc.call_kw(
            "amazon.fba.difference",
            "search_count",
            [[("account_id.name", "=", result["account"]), ("state", "=", "open")]],
        )
        quants = rpc.call_kw(
            "stock.quant",
            "read_group",
            [
                [("location_id", "=", account["fba_location_id"][0])],
                ["quantity:sum"],
                [],
            ],
            lazy=False,
        )
        units = quants[0]["quantity"] if quants else 0
        return (
            differences == 0 and units > 0,
            f"{result['account']}: {result['skus']} SKU(s) at Amazon, "
            f"{result['events']} ledger row(s), {units:g} unit(s) in "
            f"{account['fba_location_id'][1]}, {differences} difference(s)",
        )

    def business():
        result = setup_result.get("business") or {}
        if result.get("status") != "done":
            return False, json.dumps(result)
        [invoice] = rpc.call_kw(
            "account.move",
            "search_read",
            [[("name", "=", result["invoice"]), ("move_type", "=", "out_invoice")]],
            fields=["partner_id", "amazon_vat_upload_state"],
        )
        [customer] = rpc.call_kw(
            "res.partner",
            "read",
            [[invoice["partner_id"][0]]],
            fields=["is_company", "vat", "commercial_partner_id"],
        )
        return (
            customer["is_company"]
            and customer["vat"] == result["vat"]
            and invoice["amazon_vat_upload_state"] in ("uploaded", "accepted"),
            f"{result['order']}: {result['customer']} ({customer['vat']}), PO "
            f"{result['po']}, invoice {result['invoice']} "
            f"{invoice['amazon_vat_upload_state']} at Amazon",
        )

    def retention():
        result = setup_result.get("retention") or {}
        if result.get("status") != "done":
            return False, json.dumps(result)
        [order] = rpc.call_kw(
            "sale.order",
            "search_read",
            [[("amazon_order_ref", "=", result["order"])]],
            fields=["partner_id", "partner_shipping_id", "state"],
        )
        ids = [order["partner_id"][0], order["partner_shipping_id"][0]]
        contacts = {
            contact["id"]: contact
            for contact in rpc.call_kw(
                "res.partner",
                "read",
                [sorted(set(ids))],
                fields=["name", "street", "phone", "email", "amazon_anonymized"],
            )
        }
        buyer, delivery = (contacts[i] for i in ids)
        # The invoice keeps the buyer's name and address (tax law), nothing else.
        ok = (
            buyer["amazon_anonymized"]
            and delivery["amazon_anonymized"]
            and not any(p["phone"] or p["email"] for p in (buyer, delivery))
            and (delivery is buyer or not delivery["street"])
        )
        return ok, (
            f"{result['order']} ({order['state']}): invoiced to {buyer['name']!r} "
            f"(name and address kept for the invoice), delivered to "
            f"{delivery['name']!r}, no phone, no e-mail ({result['summary']})"
        )

    def settlement():
        settled = setup_result.get("settlement") or {}
        if settled.get("status") != "done":
            return False, json.dumps(settled)
        records = rpc.call_kw(
            "amazon.settlement",
            "search_read",
            [[("settlement_ref", "=", settled["settlement"])]],
            fields=["state", "move_id"],
        )
        invoices = rpc.call_kw(
            "account.move",
            "search_read",
            [[("name", "in", settled["invoices"]), ("move_type", "=", "out_invoice")]],
            fields=["name", "payment_state"],
        )
        orders = rpc.call_kw(
            "sale.order",
            "search_read",
            [[("amazon_order_ref", "=", settled["order"])]],
            fields=["name", "amazon_last_action"],
            limit=1,
        )
        state = records[0]["state"] if records else "not imported"
        entry = records[0]["move_id"][1] if records and records[0]["move_id"] else "-"
        action = (orders[0]["amazon_last_action"] or "") if orders else ""
        paid = bool(invoices) and all(i["payment_state"] == "paid" for i in invoices)
        # The shipped order is also the returned one: once refunded, its last
        # action tells the refund.
        refunded = (setup_result.get("return") or {}).get("refunded")
        stories = ("Paid by Amazon settlement", "Refunded") if refunded else ()
        return (
            state == "posted"
            and paid
            and action.startswith(stories or "Paid by Amazon settlement"),
            f"settlement {settled['settlement']} {state} in {entry}; "
            + ", ".join(f"{i['name']} {i['payment_state']}" for i in invoices)
            + f"; {settled['order']}: {action or '(no last action)'}",
        )

    def returned():
        result = setup_result.get("return") or {}
        if result.get("status") not in ("done", "needs"):
            return False, json.dumps(result)
        # What this build has is checked; what it lacks is said, not failed.
        problems, parts = [], []
        if result["returned"]:
            returns = rpc.call_kw(
                "amazon.return",
                "search_read",
                [[("amazon_order_ref", "=", result["order"])]],
                fields=["name", "picking_id", "state"],
            )
            transfers = rpc.call_kw(
                "stock.picking",
                "search_read",
                [[("name", "in", result["transfers"])]],
                fields=["name", "state", "picking_type_code"],
            )
            if not returns or not all(r["picking_id"] for r in returns):
                problems.append("no return with its transfer")
            if not transfers or any(
                t["picking_type_code"] != "incoming" for t in transfers
            ):
                problems.append("no incoming return transfer")
            parts.append(
                "return(s) "
                + ", ".join(f"{r['name']} {r['state']}" for r in returns)
                + "; transfer(s) "
                + ", ".join(f"{t['name']} {t['state']}" for t in transfers)
            )
        if result["refunded"]:
            notes = rpc.call_kw(
                "account.move",
                "search_read",
                [
                    [
                        ("name", "in", result["credit_notes"]),
                        ("move_type", "=", "out_refund"),
                        ("state", "=", "posted"),
                    ]
                ],
                fields=["name", "amount_total", "payment_state"],
            )
            total = sum(n["amount_total"] for n in notes)
            if not notes or f"{total:.2f}" != result["refunded"]:
                problems.append(f"credit notes total {total:.2f}")
            parts.append(
                "credit note(s) "
                + ", ".join(f"{n['name']} {n['payment_state']}" for n in notes)
                + f" totalling {total:.2f} (Amazon refunded {result['refunded']})"
            )
        if result["needs"]:
            parts.append("needs " + ", ".join(result["needs"]))
        return not problems and result["status"] != "failed", (
            f"{result['order']}: " + "; ".join(problems + parts)
        )

    check("login page", login_page)
    check("JSON-RPC login admin/admin", authenticate)
    check("demo accounts connected", accounts)
    check("settings show the Amazon Connector", settings_view)
    check("order import", order_import)
    check("the demo opens on the Amazon Overview", overview)
    check("a delivery validated in Odoo is confirmed to Amazon", shipment)
    check(
        "an invoiced Amazon order becomes Paid when its settlement arrives", settlement
    )
    check(
        "a returned order has its return transfer and its refund's credit note",
        returned,
    )
    check("offers imported from Amazon's listings, stock and prices sent", offers)
    check("an FBA account's Odoo quantities equal Amazon's", fba)
    check(
        "a business order is invoiced to the buyer's company with its VAT number, "
        "the invoice uploaded to Amazon",
        business,
    )
    check(
        "a buyer delivered beyond Amazon's 30 days is anonymised, the order kept",
        retention,
    )
    passed = all(results)
    print(f"{'PASS' if passed else 'FAIL'}: {sum(results)}/{len(results)} checks")
    return passed


def shipment_lines(setup_result):
    shipped = setup_result.get("shipment") or {}
    if shipped.get("status") != "done":
        return []
    return [
        f"  Delivery {shipped['delivery']} of Amazon order {shipped['order']}: "
        "validated and confirmed to Amazon (Sales > Amazon > Shipments)"
    ]


def settlement_lines(setup_result):
    settled = setup_result.get("settlement") or {}
    if settled.get("status") != "done":
        return []
    lines = [
        f"  Amazon.{settled['marketplace']} settlement {settled['settlement']}: "
        f"booked in {settled['entry']}, the invoice of {settled['order']} paid "
        "(Sales > Amazon > Settlements)"
    ]
    early = settled.get("settled_before_invoiced") or []
    if early:
        lines.append(
            f"  Settled by Amazon before they were invoiced in Odoo: "
            f"{', '.join(early)} (the settlement's To Review tab)"
        )
    return lines


def return_lines(setup_result):
    result = setup_result.get("return") or {}
    if result.get("status") != "done":
        return []
    return [
        f"  Amazon order {result['order']}: one unit returned (transfer "
        f"{', '.join(result['transfers'])}, Sales > Amazon > Returns), refunded "
        f"less a restocking fee (credit note {', '.join(result['credit_notes'])})"
    ]


def offer_lines(setup_result):
    published = setup_result.get("offers") or {}
    if published.get("status") != "done":
        return []
    return [
        f"  {published['offers']} offers on the EU account (Amazon.de's listings "
        f"imported); stock and prices sent in feed {published['feed']} "
        "(Sales > Amazon > Offers)"
    ]


def banner(url, sim, setup_result, db_name):
    menus = ", ".join(setup_result.get("menus") or []) or "Accounts"
    imported = setup_result["import"]
    if imported["status"] == "skipped":
        orders = "order import not available yet"
    elif imported.get("orders") is not None:
        orders = f"{imported['orders']} Amazon sale order(s) imported"
    else:
        orders = f"order import {imported['status']}"
    lines = [
        "",
        "=" * 72,
        f"  amazon_connector demo is running: {url}/odoo/action-{OVERVIEW_ACTION}",
        f"  Login: {LOGIN} / {PASSWORD}      Database: {db_name}",
        f"  Sales > Amazon > {menus}",
        *shipment_lines(setup_result),
        *settlement_lines(setup_result),
        *return_lines(setup_result),
        *offer_lines(setup_result),
        "  Settings > Sales > Amazon Connector",
        f"  Amazon simulator: {sim['url']} (seller {sim['seller_id']}; {orders})",
        "  Ctrl-C stops everything and removes the demo database.",
        "=" * 72,
        "",
    ]
    print("\n".join(lines), flush=True)


# --------------------------------------------------------------------------- main


def run(args, stack: contextlib.ExitStack) -> int:
    db_name = os.environ.get("AMAZON_DEMO_DB", "amazon_demo")
    if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*", db_name):
        raise devenv.SetupError(f"AMAZON_DEMO_DB={db_name} is not a database name")
    http_port = port_setting("ODOO_HTTP_PORT", 8069)
    sim_port = port_setting("AMAZON_SIM_PORT", 8899)
    devenv.check_postgres()  # bad PG* settings fail now, not after the long steps
    ensure_port_free(http_port, "Odoo", "ODOO_HTTP_PORT")
    ensure_port_free(sim_port, "the Amazon simulator", "AMAZON_SIM_PORT")

    odoo_src = devenv.odoo_source()
    env_path = devenv.venv(odoo_src)
    devenv.wkhtmltopdf()  # the invoices' PDFs, uploaded to Amazon as VAT invoices
    work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="amazon-demo-")))
    db = stack.enter_context(devenv.postgres())
    sim = stack.enter_context(simulator(env_path, sim_port, work / "simulator.log"))
    stack.enter_context(demo_database(db, db_name))

    config = work / "odoo.conf"
    devenv.write_config(
        config,
        odoo_src,
        db,
        db_name,
        work / "data",
        # queue_job's runner runs the jobs the UI's buttons and the crons enqueue.
        server_wide_modules="base,web,queue_job",
    )
    with config.open("a") as conf:
        conf.write(f"\n[queue_job]\nhost = {HOST}\nport = {http_port}\n")
    log(f"creating the database {db_name} with amazon_connector (about a minute)")
    devenv.create_database(
        env_path, odoo_src, config, db_name, "amazon_connector", work / "install.log"
    )
    setup_result = run_setup(env_path, config, db_name, sim)

    url = f"http://{HOST}:{http_port}"
    server_log = work / "odoo.log" if args.check else None
    proc = stack.enter_context(
        odoo_server(env_path, odoo_src, config, db_name, http_port, server_log)
    )
    wait_until_ready(proc, url + "/web/login", server_log)
    if args.check:
        return 0 if run_checks(url, db_name, setup_result, sim["url"]) else 1
    banner(url, sim, setup_result, db_name)
    code = proc.wait()
    log(f"Odoo exited with code {code}")
    return code or 0


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n".join(__doc__.splitlines()[2:]),
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="set up, start, verify over HTTP, print PASS/FAIL, stop (exit 0/1)",
    )
    args = parser.parse_args(argv)
    guard = SignalGuard()
    guard.install()
    try:
        with contextlib.ExitStack() as stack:
            try:
                return run(args, stack)
            finally:
                guard.tearing_down()
                log("stopping and cleaning up")
    except devenv.SetupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except Interrupted:
        return 130
    finally:
        log("stopped")


if __name__ == "__main__":
    sys.exit(main())
