# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from odoo import api, fields, models

from ..amazon.shipment import Package, ShippedItem

#: What Amazon knows of a package. ``confirmed`` is the only state the
#: confirmation reads (a confirmed package is never sent again); the others say
#: where a package not confirmed yet stands. ``unclear``: kept from an earlier
#: version in a shape this one does not read (``legacy_data``), never sent.
PACKAGE_STATES = [
    ("to_send", "To Send"),
    ("sent", "Sent in a Feed"),
    ("confirmed", "Confirmed"),
    ("refused", "Refused"),
    ("unclear", "Unclear"),
]


class AmazonShipmentPackage(models.Model):
    """A package of a delivery as told to Amazon: its reference (stable across
    retries, so Amazon edits a package instead of adding one), its items, its
    tracking number and carrier, and what Amazon answered."""

    _name = "amazon.shipment.package"
    _description = "Amazon Shipment Package"
    _order = "picking_id, sequence, id"

    picking_id = fields.Many2one(
        "stock.picking",
        string="Delivery",
        required=True,
        ondelete="cascade",
        index=True,
        readonly=True,
    )
    sequence = fields.Integer(readonly=True)
    key = fields.Char(
        readonly=True,
        help="The delivery's package this one stands for (a destination package, "
        "or the delivery itself when it has none).",
    )
    name = fields.Char(string="Package", readonly=True)
    reference = fields.Integer(
        string="Package Reference",
        readonly=True,
        help="The package reference id Amazon knows the package by, unique in the "
        "order.",
    )
    tracking_number = fields.Char(readonly=True)
    carrier_code = fields.Char(readonly=True, help="The carrier code as sent.")
    carrier_name = fields.Char(readonly=True, help="The carrier name as sent.")
    shipping_method = fields.Char(readonly=True, help="The ship method as sent.")
    item_ids = fields.One2many(
        "amazon.shipment.package.item", "package_id", string="Items", readonly=True
    )
    state = fields.Selection(
        PACKAGE_STATES, default="to_send", required=True, readonly=True, index=True
    )
    error = fields.Text(string="Amazon's Answer", readonly=True)
    feed_id = fields.Many2one(
        "amazon.feed", string="Fulfillment Feed", readonly=True, ondelete="set null"
    )
    legacy_data = fields.Json(
        readonly=True,
        help="The package as an earlier version stored it, when this version "
        "could not read it.",
    )
    items_text = fields.Char(string="Items and Quantities", compute="_compute_items")

    @api.depends("item_ids.quantity", "item_ids.amazon_order_item_id")
    def _compute_items(self):
        for package in self:
            package.items_text = ", ".join(
                self.env._(
                    "%(qty)s x %(product)s (item %(item)s)",
                    qty=item.quantity,
                    product=item._amazon_product_label(),
                    item=item.amazon_order_item_id,
                )
                for item in package.item_ids
            )

    def _amazon_units(self):
        """{orderItemId: units} of the package."""
        self.ensure_one()
        return {item.amazon_order_item_id: item.quantity for item in self.item_ids}

    def _amazon_package(self):
        """The package as the wire layer takes it."""
        self.ensure_one()
        return Package(
            reference=self.reference,
            items=tuple(
                ShippedItem(item_id, quantity)
                for item_id, quantity in self._amazon_units().items()
            ),
            tracking_number=self.tracking_number or None,
        )

    def _amazon_told(self):
        """The packages that count as told to Amazon or to tell it: all but those
        an upgrade could not read (``unclear``: never counted nor sent)."""
        return self.filtered(lambda package: package.state != "unclear")

    def _amazon_update(self, values, units):
        """The package as the delivery holds it now (``values``, ``units``): it
        stays confirmed only when Amazon was told these very items and tracking
        number; otherwise it is to send again, under the same reference."""
        self.ensure_one()
        same_items = self._amazon_units() == units
        confirmed = (
            self.state == "confirmed"
            and same_items
            and (self.tracking_number or None) == values["tracking_number"]
        )
        if not same_items:
            self.item_ids.unlink()
            values["item_ids"] = self.picking_id._amazon_package_items(units)
        if not confirmed:
            values.update(state="to_send", error=False, feed_id=False)
        self.write(values)
        return self

    def _amazon_sent_with(self, carrier, **values):
        """Record the carrier the packages are sent with (as sent)."""
        self.write(
            {
                "carrier_code": carrier.code,
                "carrier_name": carrier.name,
                "shipping_method": carrier.shipping_method,
                **values,
            }
        )
