# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

import math
from collections import defaultdict

from odoo import Command, _, models

from ..amazon.shipment import (
    Carrier,
    ShipmentError,
    assign_tracking_numbers,
    check_quantities,
)


class IncompleteKits(Exception):
    """The delivery holds only parts of kits: nothing to tell Amazon yet."""


class StockPicking(models.Model):
    """The packages of a delivery as told to Amazon (``amazon.shipment.package``):
    which items each holds, their references, tracking numbers and carrier."""

    # One model in several files, each named for the part it holds.
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "stock.picking"

    def _amazon_package_groups(self):
        """[(key, name, {orderItemId: units})] of the delivery, in package order:
        its done move lines grouped by destination package (no package: one).
        A kit (phantom bill of materials) is one Amazon item: its complete kits
        count, in the first package holding one of its components."""
        self.ensure_one()
        groups = {}
        kit_lines = self.env["sale.order.line"]
        lines = self.move_ids.filtered(lambda m: m.state == "done").move_line_ids
        for line in lines.sorted(lambda ml: (ml.result_package_id.name or "", ml.id)):
            sale_line = line.move_id.sale_line_id
            item_id = sale_line.amazon_order_item_id
            if not item_id or not line.quantity:
                continue
            package = line.result_package_id
            key = f"package:{package.id}" if package else "delivery"
            _key, _name, items = groups.setdefault(
                key, (key, package.name or self.name, defaultdict(float))
            )
            if line.move_id._amazon_is_kit_component():
                if sale_line not in kit_lines:
                    kit_lines |= sale_line
                    items[item_id] += 0  # the package holds (part of) the kit
                continue
            items[item_id] += line.product_uom_id._compute_quantity(
                line.quantity, sale_line.product_uom
            )
        for sale_line in kit_lines:
            kits = self._amazon_kits_completed(sale_line)
            for _key, _name, items in groups.values():
                if sale_line.amazon_order_item_id in items:
                    items[sale_line.amazon_order_item_id] += kits
                    break
        result = []
        for key, name, items in groups.values():
            units = {}
            for item_id, quantity in items.items():
                if not math.isclose(quantity, round(quantity), abs_tol=1e-6):
                    raise ShipmentError(
                        _(
                            "Amazon counts whole units: the delivery ships %(qty)s of "
                            "Amazon item %(item)s.",
                            qty=quantity,
                            item=item_id,
                        )
                    )
                if round(quantity):
                    units[item_id] = round(quantity)
            if units:
                result.append((key, name, units))
        return result

    def _amazon_kits_completed(self, sale_line):
        """How many kits of ``sale_line`` this delivery completes: the kits whose
        every component has left in this or earlier deliveries, less the kits the
        earlier deliveries told Amazon of."""
        order = sale_line.order_id
        deliveries = order.picking_ids.filtered(
            lambda p: (
                p.state == "done"
                and p._amazon_is_buyer_delivery()
                and (p == self or p.date_done <= self.date_done)
            )
        )
        moves = deliveries.move_ids.filtered(
            lambda m: m.state == "done" and m.sale_line_id == sale_line
        )
        per_kit = moves._amazon_kit_needs(sale_line)
        if not per_kit:
            return 0
        shipped = defaultdict(float)
        for move in moves:
            shipped[move.product_id] += move.product_uom._compute_quantity(
                move.quantity, move.product_id.uom_id
            )
        complete = min(
            math.floor(shipped[product] / need + 1e-9)
            for product, need in per_kit.items()
        )
        told = sum(
            item.quantity
            for item in (deliveries - self).amazon_package_ids._amazon_told().item_ids
            if item.amazon_order_item_id == sale_line.amazon_order_item_id
        )
        return max(0, min(complete, round(sale_line.product_uom_qty)) - told)

    def _amazon_carrier(self):
        self.ensure_one()
        carrier = self.carrier_id
        if not carrier:
            raise ShipmentError(
                _(
                    "The delivery has no carrier: set the carrier that took the "
                    "parcel (Amazon must know who delivers it), then Retry."
                )
            )
        return Carrier.of(
            carrier.amazon_carrier_code or None,
            carrier.name,
            carrier.amazon_shipping_method or carrier.name,
        )

    def _amazon_prepare_packages(self):
        """Compute the delivery's packages (stable references, tracking numbers,
        what is already confirmed) and store them; return them in order. Raise
        ``ShipmentError`` when the delivery cannot be confirmed as it is (nothing
        is sent then), ``IncompleteKits`` when it holds only parts of kits."""
        self.ensure_one()
        order = self.sale_id
        groups = self._amazon_package_groups()
        if not groups and any(m._amazon_is_kit_component() for m in self.move_ids):
            raise IncompleteKits()
        if not groups:
            raise ShipmentError(
                _(
                    "The delivery ships no item of Amazon order %s.",
                    order.amazon_order_ref,
                )
            )
        numbers = assign_tracking_numbers(len(groups), self.carrier_tracking_ref)
        shipping = defaultdict(int)
        for _key, _name, units in groups:
            for item_id, quantity in units.items():
                shipping[item_id] += quantity
        check_quantities(dict(shipping), *order._amazon_item_quantities(self))
        known = {p.key: p for p in self.amazon_package_ids._amazon_told()}
        new_keys = [key for key, _n, _u in groups if key not in known]
        references = iter(order._amazon_next_package_references(len(new_keys)))
        packages = self.env["amazon.shipment.package"]
        for sequence, ((key, name, units), tracking) in enumerate(
            zip(groups, numbers, strict=True)
        ):
            previous = known.pop(key, None)
            values = self._amazon_package_values(sequence, key, name, tracking)
            if previous:
                packages |= previous._amazon_update(values, units)
            else:
                values.update(
                    reference=next(references),
                    item_ids=self._amazon_package_items(units),
                )
                packages |= packages.create(values)
        for gone in known.values():
            gone.unlink()
        return packages

    def _amazon_package_values(self, sequence, key, name, tracking):
        return {
            "picking_id": self.id,
            "sequence": sequence,
            "key": key,
            "name": name,
            "tracking_number": tracking,
        }

    def _amazon_package_items(self, units):
        """The ``item_ids`` commands of a package holding ``units``."""
        lines = {
            line.amazon_order_item_id: line
            for line in self.sale_id._amazon_goods_lines()
        }
        return [
            Command.create(
                {
                    "amazon_order_item_id": item_id,
                    "sale_line_id": lines[item_id].id if item_id in lines else False,
                    "quantity": quantity,
                }
            )
            for item_id, quantity in units.items()
        ]

    def _amazon_packages_summary(self):
        carrier = self.carrier_id.name or _("no carrier")
        numbers = [
            p.tracking_number
            for p in self.amazon_package_ids._amazon_told()
            if p.tracking_number
        ]
        if not numbers:
            return _("%s, untracked", carrier)
        first = numbers[0] if len(numbers[0]) <= 10 else f"{numbers[0][:8]}…"
        more = _(" and %s more", len(numbers) - 1) if len(numbers) > 1 else ""
        return f"{carrier} {first}{more}"
