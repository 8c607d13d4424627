# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""The ledger becomes stock moves: each row of Amazon's Inventory Ledger is
recorded once per account (its key) and moves its units between the account's
FBA locations, or is matched to what already moved them in Odoo (an FBA order's
delivery, an FBA customer return), or says why nothing moved.

A run's moves are made in one batch and validated at once: the queries of a
report do not grow with its SKUs. Where the units go, per event type:

- Receipts: In Transit to Amazon → FBA or FBA Unsellable (by disposition);
- Shipments: no move (the FBA order's delivery took the units): matched to the
  units the account's FBA orders delivered, else waiting one run, then flagged;
- CustomerReturns: matched to the FBA returns' units, else back from the
  customer into FBA or FBA Unsellable;
- VendorReturns: out to In Transit to Amazon and a receipt in the warehouse per
  removal order (reason D, disposed: to the loss location);
- WhseTransfers: net to zero between Amazon's centres;
- Adjustments: to the loss location (negative) or from it (positive); an
  undocumented reason only when units leave, else flagged."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..amazon import ledger_vocabulary as vocabulary
from ..amazon.inventory_ledger import ledger_key
from ..amazon.ledger_vocabulary import (
    ADJUSTMENTS,
    CUSTOMER_RETURNS,
    RECEIPTS,
    SHIPMENTS,
    VENDOR_RETURNS,
    WHSE_TRANSFERS,
)
from .amazon_fba_ledger_match import RETRY_DAYS

#: How many SKUs or notes a summary names before "…".
_NAMED = 20


@dataclass
class LedgerBatch:
    """The lookups of one run, read once, and the moves it makes."""

    account: object  # amazon.account
    report: object  # amazon.report, or empty
    fba: object  # stock.location: sellable
    unsellable: object
    transit: object
    loss: object
    customers: object
    offers: dict  # SKU: offer with a product
    offers_by_fnsku: dict  # FNSKU: offer with a product
    fnsku_to_set: dict = field(default_factory=dict)  # offer id: FNSKU
    shipped: dict = field(default_factory=dict)  # product id: [[order id, units]]
    returned: dict = field(default_factory=dict)  # (product id, order ref): units
    inbound: dict = field(default_factory=dict)  # shipment id: picking
    removals: dict = field(default_factory=dict)  # removal order id: [(prod, n)]
    moves: list = field(default_factory=list)  # (event values, move values)


@dataclass
class LedgerOutcome:
    """What applying one ledger reading did, for its summary."""

    states: dict = field(default_factory=lambda: defaultdict(int))
    known: int = 0
    unbound: list = field(default_factory=list)  # "SKU (quantity)"
    flagged: list = field(default_factory=list)  # "SKU: note"
    no_transfer: list = field(default_factory=list)  # shipment ids
    linked: int = 0  # receipts linked to a transfer recorded since


class AmazonFbaLedgerApply(models.Model):
    # One model in several files, each named for the part it holds.
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "amazon.fba.event"

    @api.model
    def _amazon_apply_ledger(self, account, reading, report=None):
        """Apply a ledger reading (``LedgerReading``) to ``account``: first the
        account's events waiting for a product or an order, then each row not
        recorded yet. Return the summary, in a seller's words."""
        self = self.sudo().with_company(account.company_id)
        events = reading.events
        keys = [ledger_key(event) for event in events]
        known = {
            row["key"]
            for row in self.search_read(
                [("account_id", "=", account.id), ("key", "in", keys)], ["key"]
            )
        }
        retry = self._amazon_events_to_retry(account)
        fresh = []
        outcome = LedgerOutcome()
        for key, event in zip(keys, events, strict=True):
            if key in known:
                outcome.known += 1
            else:
                known.add(key)
                fresh.append((key, event))
        batch = self._amazon_ledger_batch(account, report, retry, fresh)
        updates = [(event, self._amazon_retry_event(batch, event)) for event in retry]
        values = [
            self._amazon_event_values(batch, key, event, outcome)
            for key, event in fresh
        ]
        self._amazon_ledger_moves(batch)
        for event, vals in updates:
            flagged = event.state == "flagged"
            event.write(vals)
            outcome.states[vals.get("state", event.state)] += 1
            if event.state == "unbound":
                outcome.unbound.append(f"{event.sku or event.fnsku} ({event.quantity})")
            elif event.state == "flagged" and "state" in vals and not flagged:
                outcome.flagged.append(f"{event.sku or event.fnsku}: {event.note}")
        created = self.create(values)
        for event in created:
            outcome.states[event.state] += 1
            if event.state == "flagged":
                outcome.flagged.append(f"{event.sku or event.fnsku}: {event.note}")
            elif event.event_type == RECEIPTS and not event.picking_id:
                outcome.no_transfer.append(event.reference_id or "?")
        self._amazon_ledger_set_fnskus(batch)
        outcome.linked = self._amazon_link_receipts(account, created)
        return self._amazon_ledger_summary(reading, outcome)

    @api.model
    def _amazon_events_to_retry(self, account):
        """The account's events waiting for a product or an order, and its
        shipments no order matched of the last ``RETRY_DAYS`` days (an order
        imported late matches them; older ones are left, the cost of a run
        does not grow with the account's history)."""
        since = fields.Date.context_today(self) - timedelta(days=RETRY_DAYS)
        return self.search(
            [
                ("account_id", "=", account.id),
                "|",
                ("state", "in", ("unbound", "waiting")),
                "&",
                "&",
                ("state", "=", "flagged"),
                ("event_type", "=", SHIPMENTS),
                ("date", ">=", since),
            ],
            order="date, id",
        )

    # ------------------------------------------------------------- lookups

    @api.model
    def _amazon_ledger_batch(self, account, report, retry, fresh):
        """The run's lookups: the account's offers of the rows' SKUs and
        FNSKUs, the locations, the inbound transfers of the receipts."""
        skus = {e.sku for _k, e in fresh if e.sku} | set(
            retry.filtered("sku").mapped("sku")
        )
        fnskus = {e.fnsku for _k, e in fresh if e.fnsku} | set(
            retry.filtered("fnsku").mapped("fnsku")
        )
        offers = (
            self.env["amazon.offer"]
            .with_context(active_test=False)
            .search(
                [
                    ("account_id", "=", account.id),
                    ("product_id", "!=", False),
                    "|",
                    ("sku", "in", list(skus)),
                    ("fnsku", "in", list(fnskus)),
                ],
                order="id",
            )
        )
        by_sku, by_fnsku = {}, {}
        for offer in offers:
            by_sku.setdefault(offer.sku, offer)
            if offer.fnsku:
                by_fnsku.setdefault(offer.fnsku, offer)
        refs = {e.reference_id for _k, e in fresh if e.event_type == RECEIPTS}
        refs |= set(
            retry.filtered(lambda e: e.event_type == RECEIPTS).mapped("reference_id")
        )
        inbound = self._amazon_ledger_inbound(account, refs)
        products = offers.product_id | retry.product_id
        batch = LedgerBatch(
            account=account,
            report=report or self.env["amazon.report"],
            fba=account._amazon_fba_location(),
            unsellable=account._amazon_fba_unsellable_location(),
            transit=account._amazon_fba_transit_location(),
            loss=account._amazon_fba_loss_location(),
            customers=self.env.ref("stock.stock_location_customers"),
            offers=by_sku,
            offers_by_fnsku=by_fnsku,
            inbound=inbound,
        )
        days = {e.day for _k, e in fresh if e.event_type == SHIPMENTS}
        days |= set(retry.filtered(lambda e: e.event_type == SHIPMENTS).mapped("date"))
        batch.shipped = self._amazon_ledger_shipped(account, products, days)
        refs = {e.reference_id for _k, e in fresh if e.event_type == CUSTOMER_RETURNS}
        refs |= set(
            retry.filtered(lambda e: e.event_type == CUSTOMER_RETURNS).mapped(
                "reference_id"
            )
        )
        batch.returned = self._amazon_ledger_returned(batch, products, refs)
        return batch

    @api.model
    def _amazon_ledger_inbound(self, account, refs):
        """{shipment id: the account's Send to Amazon transfer of it}."""
        return {
            picking.amazon_inbound_shipment_id: picking
            for picking in self.env["stock.picking"].search(
                [
                    ("amazon_inbound_shipment_id", "in", [r for r in refs if r]),
                    "|",
                    ("amazon_fba_account_id", "=", account.id),
                    ("picking_type_id", "=", account.fba_send_picking_type_id.id),
                ],
                order="id",
            )
        }

    @api.model
    def _amazon_ledger_product(self, batch, sku, fnsku):
        """The product of a row: the account's offer of its SKU, else of its
        FNSKU; the offer's FNSKU learnt from the ledger when it has none."""
        offer = batch.offers.get(sku)
        if offer:
            if fnsku and not offer.fnsku and offer.id not in batch.fnsku_to_set:
                batch.fnsku_to_set[offer.id] = fnsku
            return offer.product_id
        return batch.offers_by_fnsku.get(fnsku, self.env["amazon.offer"]).product_id

    @api.model
    def _amazon_ledger_set_fnskus(self, batch):
        """Write the FNSKUs learnt in one statement."""
        if not batch.fnsku_to_set:
            return
        Offer = self.env["amazon.offer"]
        Offer.flush_model(["fnsku"])
        rows = SQL(", ").join(
            SQL("(%s, %s)", offer_id, fnsku)
            for offer_id, fnsku in batch.fnsku_to_set.items()
        )
        self.env.cr.execute(
            SQL(
                "UPDATE amazon_offer SET fnsku = v.fnsku FROM (VALUES %s) "
                "AS v(id, fnsku) WHERE amazon_offer.id = v.id",
                rows,
            )
        )
        Offer.browse(list(batch.fnsku_to_set)).invalidate_recordset(["fnsku"])

    # ------------------------------------------------------------- events

    @api.model
    def _amazon_event_values(self, batch, key, event, outcome):
        """The values of a new event, its move (if any) added to the batch."""
        product = self._amazon_ledger_product(batch, event.sku, event.fnsku)
        values = {
            "account_id": batch.account.id,
            "report_id": batch.report.id or False,
            "key": key,
            "date": event.day,
            "event_type": event.event_type,
            "fnsku": event.fnsku or False,
            "sku": event.sku or False,
            "asin": event.asin or False,
            "title": event.title or False,
            "reference_id": event.reference_id or False,
            "quantity": event.quantity,
            "fulfillment_center": event.fulfillment_center or False,
            "disposition": event.disposition or False,
            "reason_code": event.reason or False,
            "country": event.country or False,
            "unreconciled_quantity": event.unreconciled_quantity or 0,
            "product_id": product.id,
        }
        if event.event_type == ADJUSTMENTS:
            values["adjustment_kind"] = vocabulary.adjustment_kind(event.reason)
        if event.reason:
            values["reason"] = vocabulary.reason_label(event.reason)
        if not product:
            values["state"] = "unbound"
            outcome.unbound.append(f"{event.sku or event.fnsku} ({event.quantity})")
            return values
        self._amazon_event_outcome(batch, values, values, first_run=True)
        return values

    @api.model
    def _amazon_retry_event(self, batch, event):
        """The values that change for an event waiting for a product (bound
        now, then applied as new) or for its order (matched now, else
        flagged unless it came in this same run)."""
        out = {}
        if event.state == "unbound":
            product = self._amazon_ledger_product(batch, event.sku, event.fnsku)
            if not product:
                return out
            out["product_id"] = product.id
        facts = {
            name: event[name]
            for name in (
                "key",
                "date",
                "event_type",
                "sku",
                "fnsku",
                "reference_id",
                "quantity",
                "disposition",
                "reason_code",
                "reason",
            )
        }
        facts["product_id"] = out.get("product_id") or event.product_id.id
        same_run = bool(
            event.report_id
            and batch.report
            and event.report_id.create_date == batch.report.create_date
        )
        self._amazon_event_outcome(
            batch, facts, out, first_run=event.state == "unbound" or same_run
        )
        return out

    @api.model
    def _amazon_event_outcome(self, batch, facts, out, first_run):
        """What happens to an event with a product (``facts``: its fields),
        written into ``out``: ``state`` and its links; a move (added to
        ``batch.moves``, linked once made) or why none."""
        handlers = {
            RECEIPTS: self._amazon_ledger_receipt,
            SHIPMENTS: self._amazon_ledger_shipment,
            CUSTOMER_RETURNS: self._amazon_ledger_customer_return,
            VENDOR_RETURNS: self._amazon_ledger_removal,
            WHSE_TRANSFERS: self._amazon_ledger_transfer,
            ADJUSTMENTS: self._amazon_ledger_adjustment,
        }
        handler = handlers.get(facts["event_type"])
        if handler is None:
            out["state"] = "flagged"
            out["note"] = self.env._("Event type %s is unknown", facts["event_type"])
            return
        handler(batch, facts, out, first_run)

    # ------------------------------------------------------------- summary

    @api.model
    def _amazon_ledger_summary(self, reading, outcome):
        """What the reading did, in a seller's words."""
        _ = self.env._
        states = outcome.states
        parts = [
            _(
                "Inventory ledger: %(count)s movement(s) read, %(known)s already "
                "known; %(moved)s moved, %(matched)s matched to FBA orders or "
                "returns, %(netted)s between Amazon's centres.",
                count=len(reading.events),
                known=outcome.known,
                moved=states["moved"],
                matched=states["matched"],
                netted=states["netted"],
            )
        ]
        if states["waiting"]:
            parts.append(
                _(
                    "%s customer shipment(s) wait for their order.",
                    states["waiting"],
                )
            )
        if outcome.unbound:
            parts.append(
                _(
                    "No product for SKU (units): %s; bound once an offer has it.",
                    _named(outcome.unbound),
                )
            )
        if outcome.flagged:
            parts.append(_("Needs a look: %s.", _named(outcome.flagged, sep="; ")))
        if outcome.no_transfer:
            parts.append(
                _(
                    "Received at Amazon with no Send to Amazon transfer (In "
                    "Transit to Amazon is below zero until one is recorded): %s.",
                    _named(sorted(set(outcome.no_transfer))),
                )
            )
        if outcome.linked:
            parts.append(
                _(
                    "%s earlier receipt(s) linked to their Send to Amazon transfer.",
                    outcome.linked,
                )
            )
        problems = [
            _("line %(line)s: %(text)s", line=line, text=text)
            for line, text in reading.problems
        ]
        if problems:
            parts.append(_("Problems: %s.", _named(problems, sep="; ")))
        return " ".join(parts)


def _named(items, sep=", "):
    """The first items, then "…" when there are more."""
    return sep.join(items[:_NAMED]) + ("…" if len(items) > _NAMED else "")
