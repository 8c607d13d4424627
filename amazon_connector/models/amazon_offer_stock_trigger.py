# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""Sooner than the export's cron: stock moves, reservations and price changes
trigger the export once, when their transaction commits; an offer that just sold
out is told Amazon at once (``amazon_offer_sold_out.py``)."""

from odoo import api, fields, models

from ..amazon.fulfillment import MERCHANT

# Seconds a burst of stock moves waits before the export runs (one feed for all).
EXPORT_DEBOUNCE = 60
# Above this many offers sold out at once (an inventory count), they go in the
# export's feed rather than one patchListingsItem each.
SOLD_OUT_PATCH_LIMIT = 20
PRECOMMIT_KEY = "amazon_connector.stock_changed"


class AmazonOffer(models.Model):
    """The offers' reactions to stock and price changes."""

    # One model in several files, each named for the part it holds.
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "amazon.offer"

    @api.model
    def _amazon_stock_changed(self, products):
        """Stock of ``products`` moved (or a Pending order reserved or released
        them): their offers (and their kits' offers) are checked once, when the
        transaction commits, however many moves it made."""
        product_ids = set(products.ids)
        if not product_ids:
            return
        data = self.env.cr.precommit.data
        pending = data.get(PRECOMMIT_KEY)
        if pending is None:
            pending = data[PRECOMMIT_KEY] = set()
            self.env.cr.precommit.add(self.sudo()._amazon_stock_check)
        pending |= product_ids

    @api.model
    def _amazon_stock_check(self):
        """Precommit hook: see :meth:`_amazon_stock_recheck`. It runs after the
        transaction's own flush, so it flushes what it wrote (as mail's
        tracking does)."""
        product_ids = self.env.cr.precommit.data.pop(PRECOMMIT_KEY, set())
        self._amazon_stock_recheck(product_ids)
        self.env.flush_all()

    @api.model
    def _amazon_stock_recheck(self, product_ids):
        """Export soon the offers of the products whose stock changed in this
        transaction; an offer that just sold out is sent at once, alone (a
        burst of them goes with the export instead)."""
        products = self.env["product.product"].browse(product_ids).exists()
        if not products or not self.env["amazon.account"]._amazon_connector_enabled():
            return
        offers = self._amazon_offers_of(products)
        if not offers:
            return
        self._amazon_trigger_export()
        selling = offers.filtered(
            lambda o: (
                o.sync_stock
                and o.fulfillment_channel == MERCHANT
                and not o.channel_unknown
                and o._amazon_may_be_selling()
            )
        )
        if not selling:
            return
        figures = selling._amazon_availability()
        sold_out = selling.filtered(
            lambda o: o.id in figures and figures[o.id].quantity == 0
        )
        if len(sold_out) > SOLD_OUT_PATCH_LIMIT:
            return  # the export, triggered above, sends them in one feed
        for offer in sold_out:
            offer._amazon_queue_sold_out()

    @api.model
    def _amazon_prices_changed(self, products=None):
        """A product's price or an Amazon pricelist changed: export soon (the
        export compares every price with what Amazon accepted)."""
        if not self.env["amazon.account"]._amazon_connector_enabled():
            return
        domain = [("sync_price", "=", True)]
        if products is not None:
            domain.append(("product_id", "in", products.ids))
        if self.sudo().search_count(domain, limit=1):
            self._amazon_trigger_export()

    @api.model
    def _amazon_offers_of(self, products):
        """The active offers of ``products`` and of the kits they are part of."""
        product_ids = set(products.ids)
        if "mrp.bom" in self.env:
            self.env.flush_all()
            self.env.cr.execute(
                """
                SELECT pp.id FROM mrp_bom_line bl
                  JOIN mrp_bom b ON b.id = bl.bom_id
                  JOIN product_product pp ON pp.product_tmpl_id = b.product_tmpl_id
                   AND (b.product_id IS NULL OR b.product_id = pp.id)
                 WHERE bl.product_id = ANY(%s) AND b.type = 'phantom' AND b.active
                """,
                [list(product_ids)],
            )
            product_ids |= {row[0] for row in self.env.cr.fetchall()}
        return self.search([("product_id", "in", list(product_ids))])

    @api.model
    def _amazon_trigger_export(self):
        """Run the export cron in a minute, unless a run is already due: a burst
        of moves makes one feed."""
        cron = self.sudo().env.ref(
            "amazon_connector.ir_cron_amazon_export_offers", raise_if_not_found=False
        )
        if not cron or not cron.active:
            return
        self.env.cr.execute(
            "SELECT 1 FROM ir_cron_trigger WHERE cron_id = %s AND call_at >= %s"
            " LIMIT 1",
            [cron.id, fields.Datetime.now()],
        )
        if not self.env.cr.fetchone():
            cron._trigger(
                fields.Datetime.add(fields.Datetime.now(), seconds=EXPORT_DEBOUNCE)
            )
