# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from collections import defaultdict

from odoo import api, models

from ..amazon.ledger_vocabulary import (
    ADJUSTMENTS,
    CUSTOMER_RETURNS,
    RECEIPTS,
    SHIPMENTS,
    VENDOR_RETURNS,
    WHSE_TRANSFERS,
    is_sellable_disposition,
)

#: The ledger events that explain a difference: nothing moved for them.
UNSETTLED_EVENT_STATES = ("unbound", "waiting", "flagged")
#: How many ledger events an explanation names before "…".
_NAMED_EVENTS = 3


class AmazonFbaDifference(models.Model):
    """Why Odoo's FBA quantity of a product may not be Amazon's, as Odoo knows
    it: the ledger events of the product that moved nothing (no product bound
    yet, an order not imported yet, a row that needs a look)."""

    # One model in several files, each named for the part it holds.
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "amazon.fba.difference"

    @api.model
    def _amazon_event_explanations(self, account, products):
        """{(product id, kind): [what a ledger event that moved nothing says]}:
        the events of ``products`` (or of one of their SKUs, for events no
        product was bound to) left unbound, waiting or flagged."""
        skus = defaultdict(set)
        for offer in (
            self.env["amazon.offer"]
            .with_context(active_test=False)
            .search(
                [("account_id", "=", account.id), ("product_id", "in", products.ids)]
            )
        ):
            skus[offer.sku].add(offer.product_id.id)
        events = self.env["amazon.fba.event"].search(
            [
                ("account_id", "=", account.id),
                ("state", "in", UNSETTLED_EVENT_STATES),
                "|",
                ("product_id", "in", products.ids),
                ("sku", "in", list(skus)),
            ],
            order="date desc, id desc",
        )
        explanations = defaultdict(list)
        for event in events:
            kind = (
                "sellable"
                if is_sellable_disposition(event.disposition)
                else "unsellable"
            )
            product_ids = {event.product_id.id} if event.product_id else skus[event.sku]
            for product_id in product_ids:
                notes = explanations[(product_id, kind)]
                if len(notes) < _NAMED_EVENTS:
                    notes.append(self._amazon_event_explanation(event))
                elif len(notes) == _NAMED_EVENTS:
                    notes.append("…")
        return explanations

    @api.model
    def _amazon_event_explanation(self, event):
        """One ledger event that moved nothing, in a seller's words."""
        _ = self.env._
        done = {
            SHIPMENTS: _("shipped by Amazon"),
            RECEIPTS: _("received by Amazon"),
            CUSTOMER_RETURNS: _("returned by customers"),
            VENDOR_RETURNS: _("removed by Amazon"),
            WHSE_TRANSFERS: _("moved between fulfilment centres"),
            ADJUSTMENTS: _("adjusted by Amazon"),
        }.get(event.event_type, event.event_type)
        if event.event_type == ADJUSTMENTS and (event.reason or event.reason_code):
            done = f"{done} ({event.reason or event.reason_code})"
        if event.state == "waiting":
            why = _("with no imported order yet")
        elif event.state == "unbound":
            why = _("with no product for SKU %s", event.sku or event.fnsku or "?")
        else:
            why = event.note or _("with nothing moved in Odoo")
            if event.event_type == SHIPMENTS and not event.note:
                why = _("with no imported order")
        return _(
            "%(units)s unit(s) %(done)s %(why)s (%(date)s)",
            units=abs(event.quantity),
            done=done,
            why=why,
            date=event.date,
        )
