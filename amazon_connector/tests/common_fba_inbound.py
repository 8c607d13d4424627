# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""Shared set-up of the Send to Amazon and reimbursement tests: two products in
the warehouse, the account's Send to Amazon type, and the Inventory Ledger rows
(``amazon.fba.event``) as the ledger import records them.

The ledger rows carry the columns of ``GET_LEDGER_DETAIL_VIEW_DATA`` (Date,
FNSKU, ASIN, MSKU, Event Type, Reference ID, Quantity, Fulfillment Center,
Disposition, Reason) as the reference's "FBA inventory" bullet names them, with
Amazon's shapes: inbound shipment ids ``FBA15…``, FNSKUs ``X00…``, fulfilment
centres ``LEJ1``, reason codes ``M`` (misplaced), ``F`` (found), ``6``
(damaged at Amazon's fulfilment centre)."""

import itertools
from datetime import date, timedelta

from odoo import Command, fields

from .common import AmazonCommon

_KEYS = itertools.count(1)


class AmazonFbaInboundCommon(AmazonCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mug = cls.env["product.product"].create(
            {"name": "Mug", "default_code": "MUG", "is_storable": True}
        )
        cls.lamp = cls.env["product.product"].create(
            {"name": "Lamp", "default_code": "LAMP", "is_storable": True}
        )
        cls.send_type = cls.account._amazon_fba_send_picking_type()
        cls.warehouse = cls.account._amazon_fba_warehouse()
        for product in cls.mug | cls.lamp:
            cls.env["stock.quant"]._update_available_quantity(
                product, cls.warehouse.lot_stock_id, 100
            )

    def send(self, *lines, shipment="FBA15TESTAAA", validate=True, days_ago=0):
        """A Send to Amazon transfer of ``lines`` ((product, units)…),
        validated ``days_ago`` days ago unless told."""
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": self.send_type.id,
                "location_id": self.send_type.default_location_src_id.id,
                "location_dest_id": self.send_type.default_location_dest_id.id,
                "amazon_inbound_shipment_id": shipment,
                "move_ids": [
                    Command.create(
                        {
                            "name": product.name,
                            "product_id": product.id,
                            "product_uom_qty": units,
                            "product_uom": product.uom_id.id,
                            "location_id": self.send_type.default_location_src_id.id,
                            "location_dest_id": (
                                self.send_type.default_location_dest_id.id
                            ),
                        }
                    )
                    for product, units in lines
                ],
            }
        )
        if validate:
            self.validate(picking)
            picking.date_done = fields.Datetime.now() - timedelta(days=days_ago)
        return picking

    def validate(self, picking):
        picking.action_confirm()
        picking.action_assign()
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        self.assertIs(picking.button_validate(), True)
        self.assertEqual(picking.state, "done")

    def event(self, event_type, sku, quantity, product=None, **values):
        """One ledger row as the ledger import records it."""
        values = {
            "account_id": self.account.id,
            "key": f"test-{next(_KEYS)}",
            "date": date(2026, 11, 3),
            "event_type": event_type,
            "sku": sku,
            "fnsku": f"X00{sku[:7]}",
            "quantity": quantity,
            "fulfillment_center": "LEJ1",
            "disposition": "SELLABLE",
            "product_id": product.id if product else False,
            "state": "moved" if product else "unbound",
            **values,
        }
        return self.env["amazon.fba.event"].create(values)

    def receipt(self, picking, product, units, **values):
        """Amazon's receipt of ``units`` of ``picking``'s shipment."""
        return self.event(
            "Receipts",
            product.default_code,
            units,
            product,
            reference_id=picking.amazon_inbound_shipment_id,
            picking_id=picking.id,
            **values,
        )
