# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""The stock an Amazon account may sell, read in a constant number of queries.

On hand is every quant in the internal locations of the account's warehouses
("across all sites"); committed is every confirmed outgoing move not done yet
(reserved or not) that leaves those locations; reserved is what the company's
Pending Amazon quotations flagged *Reserved* hold. Kits (phantom bills of
materials, with mrp) count complete kits only, from their components' figures.
The arithmetic itself (reserve rule, rounding) is plain Python in
``amazon/availability.py``.
"""

from collections import defaultdict
from decimal import Decimal

from ..amazon.availability import (
    Availability,
    available_to_sell,
    complete_kits,
    unlimited,
)

#: stock.move states that still commit their quantity.
OPEN_MOVE_STATES = ("waiting", "confirmed", "partially_available", "assigned")
_ZERO = Decimal(0)


class StockFigures:
    """On hand, committed and reserved quantities of some products for one
    Amazon account, read once."""

    def __init__(self, env, account, product_ids):
        self.env = env
        self.cr = env.cr
        self.account = account.sudo()
        self.company_id = self.account.company_id.id
        product_ids = set(product_ids)
        self.kits = self._kits(product_ids)  # kit id -> [(component, qty per kit)]
        components = {c for lines in self.kits.values() for c, _q in lines}
        self.products = self._products(product_ids | components)
        self.locations = self._locations()
        stocked = [p for p, info in self.products.items() if info["is_storable"]]
        self.on_hand = self._on_hand(stocked)
        self.committed = self._committed(stocked)
        self.reserved = self._reserved(product_ids | components)

    # -- reads

    def _locations(self):
        warehouses = self.account.stock_warehouse_ids
        if warehouses:
            self.cr.execute(
                "SELECT id FROM stock_location WHERE usage = 'internal' AND active"
                "   AND warehouse_id = ANY(%s)",
                [warehouses.ids],
            )
        else:
            self.cr.execute(
                "SELECT id FROM stock_location WHERE usage = 'internal' AND active"
                "   AND warehouse_id IS NOT NULL AND company_id = %s",
                [self.company_id],
            )
        return [row[0] for row in self.cr.fetchall()]

    def _products(self, product_ids):
        self.cr.execute(
            """
            SELECT pp.id, pp.active AND pt.active AS active, pt.is_storable,
                   COALESCE(pt.amazon_backorderable, FALSE) AS backorderable
              FROM product_product pp
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
             WHERE pp.id = ANY(%s)
            """,
            [list(product_ids)],
        )
        return {row["id"]: row for row in self.cr.dictfetchall()}

    def _sums(self, query, params):
        self.cr.execute(query, params)
        return {product: Decimal(str(qty or 0)) for product, qty in self.cr.fetchall()}

    def _on_hand(self, product_ids):
        if not product_ids or not self.locations:
            return {}
        return self._sums(
            "SELECT product_id, SUM(quantity) FROM stock_quant"
            " WHERE location_id = ANY(%s) AND product_id = ANY(%s)"
            " GROUP BY product_id",
            [self.locations, product_ids],
        )

    def _committed(self, product_ids):
        if not product_ids or not self.locations:
            return {}
        return self._sums(
            "SELECT product_id, SUM(product_qty) FROM stock_move"
            " WHERE state = ANY(%s) AND product_id = ANY(%s)"
            "   AND location_id = ANY(%s) AND location_dest_id <> ALL(%s)"
            " GROUP BY product_id",
            [list(OPEN_MOVE_STATES), product_ids, self.locations, self.locations],
        )

    def _reserved(self, product_ids):
        """Pending Amazon quotations' quantities in the product's unit; a kit's
        quantity is added to its components."""
        reserved = self._sums(
            """
            SELECT sol.product_id,
                   SUM(sol.product_uom_qty / line_uom.factor * product_uom.factor)
              FROM sale_order_line sol
              JOIN sale_order so ON so.id = sol.order_id
              JOIN uom_uom line_uom ON line_uom.id = sol.product_uom
              JOIN product_product pp ON pp.id = sol.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
              JOIN uom_uom product_uom ON product_uom.id = pt.uom_id
             WHERE so.amazon_reserved AND so.state IN ('draft', 'sent')
               AND so.company_id = %s AND sol.product_id = ANY(%s)
             GROUP BY sol.product_id
            """,
            [self.company_id, list(product_ids)],
        )
        for kit, lines in self.kits.items():
            kits_reserved = reserved.get(kit)
            if kits_reserved:
                for component, per_kit in lines:
                    reserved[component] = reserved.get(component, _ZERO) + (
                        kits_reserved * Decimal(str(per_kit))
                    )
        return reserved

    def _kits(self, product_ids):
        """{kit product: [(component, quantity per kit in the component's unit)]}
        of the products that are kits (phantom bill of materials); {} without
        mrp. One level: a component that is itself a kit counts as a product."""
        if not product_ids or "mrp.bom" not in self.env:
            return {}
        self.cr.execute(
            """
            SELECT DISTINCT ON (pp.id) pp.id, b.id, b.product_qty,
                   bom_uom.factor AS bom_factor, kit_uom.factor AS kit_factor
              FROM product_product pp
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
              JOIN uom_uom kit_uom ON kit_uom.id = pt.uom_id
              JOIN mrp_bom b ON b.product_tmpl_id = pp.product_tmpl_id
                            AND (b.product_id IS NULL OR b.product_id = pp.id)
              JOIN uom_uom bom_uom ON bom_uom.id = b.product_uom_id
             WHERE pp.id = ANY(%s) AND b.type = 'phantom' AND b.active
               AND (b.company_id IS NULL OR b.company_id = %s)
             ORDER BY pp.id, b.product_id IS NULL, b.sequence, b.id
            """,
            [list(product_ids), self.company_id],
        )
        boms = {}
        for kit, bom, bom_qty, bom_factor, kit_factor in self.cr.fetchall():
            # kits per bill: the bill's quantity in the kit's own unit
            kits_per_bom = (bom_qty or 1.0) / bom_factor * kit_factor
            boms[bom] = (kit, kits_per_bom)
        if not boms:
            return {}
        self.cr.execute(
            """
            SELECT bl.bom_id, bl.product_id,
                   bl.product_qty / line_uom.factor * product_uom.factor
              FROM mrp_bom_line bl
              JOIN uom_uom line_uom ON line_uom.id = bl.product_uom_id
              JOIN product_product pp ON pp.id = bl.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
              JOIN uom_uom product_uom ON product_uom.id = pt.uom_id
             WHERE bl.bom_id = ANY(%s)
            """,
            [list(boms)],
        )
        kits = defaultdict(list)
        for bom, component, quantity in self.cr.fetchall():
            kit, kits_per_bom = boms[bom]
            kits[kit].append((component, quantity / kits_per_bom))
        return dict(kits)

    # -- figures

    def availability(self, product_id, rule, backorder_quantity) -> Availability:
        """What to send for ``product_id`` under ``rule``."""
        info = self.products.get(product_id)
        if info is None or not info["active"]:
            return available_to_sell(0, 0, 0, None)
        if info["backorderable"]:
            return unlimited(backorder_quantity, rule)
        if product_id in self.kits:
            return self._kit_availability(product_id, rule, backorder_quantity)
        if not info["is_storable"]:
            return unlimited(backorder_quantity, rule)
        return available_to_sell(
            self.on_hand.get(product_id, _ZERO),
            self.committed.get(product_id, _ZERO),
            self.reserved.get(product_id, _ZERO),
            rule,
        )

    def _kit_availability(self, kit, rule, backorder_quantity):
        """Complete kits only: each figure is counted in kits, from the
        components that are tracked in stock."""
        tracked = []
        for component, per_kit in self.kits[kit]:
            info = self.products.get(component)
            if info is None or not info["active"]:
                return available_to_sell(0, 0, 0, None)
            if info["is_storable"] and not info["backorderable"]:
                tracked.append((component, per_kit))
        if not tracked:
            return unlimited(backorder_quantity, rule)

        def kits(*subtracted):
            return complete_kits(
                (
                    float(
                        self.on_hand.get(c, _ZERO)
                        - sum((f.get(c, _ZERO) for f in subtracted), _ZERO)
                    ),
                    per_kit,
                )
                for c, per_kit in tracked
            )

        on_hand = kits()
        after_committed = kits(self.committed)
        free = kits(self.committed, self.reserved)
        return available_to_sell(
            on_hand, on_hand - after_committed, after_committed - free, rule
        )
