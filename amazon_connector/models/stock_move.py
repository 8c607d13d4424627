# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from odoo import models


class StockMove(models.Model):
    _inherit = "stock.move"

    def _amazon_is_kit_component(self):
        """A move of a component of a kit (phantom bill of materials, with mrp):
        the kit is the Amazon item, not the component."""
        self.ensure_one()
        return bool("bom_line_id" in self._fields and self.bom_line_id)

    def _amazon_kit_needs(self, sale_line):
        """{component: quantity in its own unit per kit} of ``sale_line``'s kit,
        from the bill of materials of these component moves."""
        kit_moves = self.filtered(lambda m: m._amazon_is_kit_component())
        bom = kit_moves.bom_line_id.bom_id[:1]
        if not bom:
            return {}
        kit_quantity = sale_line.product_uom._compute_quantity(1, bom.product_uom_id)
        _boms, lines = bom.explode(sale_line.product_id, kit_quantity / bom.product_qty)
        needs = {}
        for bom_line, data in lines:
            product = bom_line.product_id
            needs[product] = needs.get(
                product, 0.0
            ) + bom_line.product_uom_id._compute_quantity(data["qty"], product.uom_id)
        return {product: need for product, need in needs.items() if need > 0}

    # Stock that moved (or got committed, reserved, released) changes what Amazon
    # may sell: the offers of these products are exported soon (sold out: at once).
    # The products are read first: confirming, finishing or canceling moves can
    # merge or delete some of them.

    def _action_confirm(self, merge=True, merge_into=False):
        products = self.product_id
        moves = super()._action_confirm(merge=merge, merge_into=merge_into)
        self.env["amazon.offer"]._amazon_stock_changed(products)
        return moves

    def _action_assign(self, force_qty=False):
        products = self.product_id
        result = super()._action_assign(force_qty=force_qty)
        self.env["amazon.offer"]._amazon_stock_changed(products)
        return result

    def _action_done(self, cancel_backorder=False):
        products = self.product_id
        moves = super()._action_done(cancel_backorder=cancel_backorder)
        self.env["amazon.offer"]._amazon_stock_changed(products)
        return moves

    def _action_cancel(self):
        products = self.product_id
        result = super()._action_cancel()
        self.env["amazon.offer"]._amazon_stock_changed(products)
        return result
