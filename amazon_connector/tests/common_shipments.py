# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""Shared set-up of the shipment tests: Amazon orders imported from the simulator,
their deliveries validated as the warehouse does it, the jobs run."""

from datetime import datetime, timedelta, timezone

from odoo.tests import Form

from . import order_factory as factory
from .common_orders import AmazonOrderCommon
from .job_runner import run_jobs


def factory_iso(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class AmazonShipmentCommon(AmazonOrderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        shipping = cls.env["product.product"].create(
            {"name": "Carrier service", "type": "service"}
        )
        cls.dhl = cls.env["delivery.carrier"].create(
            {
                "name": "DHL Paket",
                "product_id": shipping.id,
                "amazon_carrier_code": "DHL",
                "amazon_shipping_method": "Paket",
            }
        )
        cls.courier = cls.env["delivery.carrier"].create(
            {"name": "Kurier Schmidt", "product_id": shipping.id}
        )

    def setUp(self):
        super().setUp()
        with self.simulator.state.lock:
            self.simulator.state.shipment_confirmations.clear()
            self.simulator.state.feeds.clear()

    # ------------------------------------------------------------------ orders

    def amazon_order(self, *items, **options):
        """Publish and import an Unshipped merchant order of ``items``
        (``order_factory.item`` specs, default one lamp); (payload, sale order)."""
        options.setdefault("updated", datetime.now(timezone.utc) - timedelta(minutes=9))
        payload = factory.order(list(items) or [factory.item("SKU-A", 1)], **options)
        return payload, self.import_one(payload)

    def delivery(self, sale_order):
        pickings = sale_order.picking_ids.filtered(
            lambda p: (
                p.state not in ("done", "cancel") and p.picking_type_code == "outgoing"
            )
        )
        self.assertEqual(len(pickings), 1, "one open delivery")
        return pickings

    def validate(
        self, picking, *, carrier=None, tracking=None, quantities=None, packages=None
    ):
        """Validate ``picking`` as the warehouse would: ``quantities`` {product:
        qty} (default all), ``packages`` a list of {product: qty} put each in its
        own package; a backorder is made for what is left."""
        if carrier is not False:
            picking.carrier_id = carrier or self.dhl
        if tracking is not None:
            picking.carrier_tracking_ref = tracking
        picking.action_assign()
        if packages:
            for contents in packages:
                self.pack(picking, contents)
        else:
            for move in picking.move_ids.filtered(lambda m: m.state != "cancel"):
                wanted = (
                    quantities.get(move.product_id, 0)
                    if quantities is not None
                    else move.product_uom_qty
                )
                move.quantity = wanted
        picking.move_ids.picked = True
        result = picking.button_validate()
        if isinstance(result, dict) and result.get("res_model"):
            wizard = Form(
                self.env[result["res_model"]].with_context(**result["context"])
            ).save()
            wizard.process()
        self.assertEqual(picking.state, "done")
        return picking

    def pack(self, picking, contents):
        """Put ``contents`` ({product: qty}) of ``picking`` in a new package."""
        package = self.env["stock.quant.package"].create({})
        for product, quantity in contents.items():
            move = picking.move_ids.filtered(lambda m, p=product: m.product_id == p)
            line = move.move_line_ids.filtered(lambda ml: not ml.result_package_id)[:1]
            if line and line.quantity > quantity:
                line.copy({"quantity": line.quantity - quantity})
            if line:
                line.write({"quantity": quantity, "result_package_id": package.id})
            else:
                self.env["stock.move.line"].create(
                    {
                        "move_id": move.id,
                        "picking_id": picking.id,
                        "product_id": product.id,
                        "quantity": quantity,
                        "location_id": move.location_id.id,
                        "location_dest_id": move.location_dest_id.id,
                        "result_package_id": package.id,
                    }
                )
        return package

    def ship(self, picking, **options):
        """Validate ``picking`` and run the jobs it queues (retrying throttled
        ones); the :class:`JobRun`."""
        with run_jobs(retry=True) as run:
            self.validate(picking, **options)
        self.run = run
        return run

    def confirmations(self, payload=None):
        calls = self.simulator.state.shipment_confirmations
        if payload is None:
            return [c["body"] for c in calls]
        return [c["body"] for c in calls if c["order_id"] == payload["orderId"]]

    def sim_order(self, payload):
        return self.simulator.state.orders[payload["orderId"]]

    def sim_status(self, payload):
        return self.sim_order(payload)["fulfillment"]["fulfillmentStatus"]

    def reimport(self, *payloads):
        """Import again the orders of ``payloads`` as Amazon now has them (their
        change made visible to searchOrders, as two minutes later)."""
        self._reimports = getattr(self, "_reimports", 0) + 1
        moment = factory_iso(
            datetime.now(timezone.utc) - timedelta(minutes=5, seconds=-self._reimports)
        )
        with self.simulator.state.lock:
            for payload in payloads:
                self.sim_order(payload)["lastUpdatedTime"] = moment
        self.import_orders()
