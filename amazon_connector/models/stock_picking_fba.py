# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from collections import defaultdict
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..amazon.ledger_vocabulary import RECEIPTS

#: Days after its validation before a transfer whose units Amazon no longer
#: shows inbound counts as closed by Amazon: the summaries lag the ledger.
INBOUND_CLOSE_DAYS = 2
#: The same for a transfer Amazon has received nothing of yet: the parcels
#: travel, then Amazon's receiving takes days (a week or two at busy times),
#: so only a transfer validated more than two weeks ago counts as closed.
INBOUND_NOTHING_RECEIVED_CLOSE_DAYS = 14

INBOUND_STATUSES = [
    ("waiting", "Waiting"),  # not sent yet, or Amazon received nothing yet
    ("receiving", "Receiving"),  # Amazon is receiving the units
    ("received", "Received"),  # every unit sent is in Amazon's stock
    ("missing", "Units Missing"),  # Amazon closed the shipment without some units
]


class StockPicking(models.Model):
    """A transfer that sends stock to Amazon (its account's *Send to Amazon*
    type), with Amazon's inbound shipment id, or the receipt of units Amazon
    removed and sends back.

    A Send to Amazon transfer compares the units it sent with the units the
    ledger's receipts of its shipment brought into the FBA stock, product by
    product; once Amazon has closed the shipment (the seller says so, or
    Amazon's summaries show none of its units inbound any more), the units
    never received are missing: the seller claims them, and the settlement's
    MISSING_FROM_INBOUND reimbursements show against the transfer."""

    # One model in several files, each named for the part it holds.
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "stock.picking"

    amazon_fba_account_id = fields.Many2one(
        "amazon.account",
        string="Amazon FBA Account",
        compute="_compute_amazon_fba_account_id",
        store=True,
        readonly=True,
        index="btree_not_null",
        copy=False,
    )
    amazon_inbound_shipment_id = fields.Char(
        string="Amazon Shipment ID",
        copy=False,
        index="btree_not_null",
        help="Amazon's inbound shipment (FBA15…): its receipts in the ledger move "
        "these units into the FBA stock.",
    )
    amazon_removal_order_id = fields.Char(readonly=True, copy=False)
    amazon_fba_event_ids = fields.One2many(
        "amazon.fba.event", "picking_id", string="Amazon Ledger Events"
    )
    amazon_fba_reimbursement_ids = fields.One2many(
        "amazon.settlement.line",
        "amazon_fba_picking_id",
        string="Amazon Reimbursements",
        groups="amazon_connector.group_amazon_user,account.group_account_invoice",
    )
    amazon_inbound_closed = fields.Boolean(
        string="Shipment Closed at Amazon",
        readonly=True,
        copy=False,
        help="Amazon receives no more units of this shipment: the units it has "
        "not received are missing.",
    )
    amazon_fba_units_sent = fields.Integer(
        string="Units Sent",
        compute="_compute_amazon_inbound",
        store=True,
        help="The units this transfer sent to Amazon (its done quantities).",
    )
    amazon_fba_units_received = fields.Integer(
        string="Units Received by Amazon",
        compute="_compute_amazon_inbound",
        store=True,
        help="The units the ledger's receipts of this shipment brought into "
        "Amazon's stock.",
    )
    amazon_fba_units_missing = fields.Integer(
        string="Units Not Received",
        compute="_compute_amazon_inbound",
        store=True,
        help="Units sent that Amazon has not received, product by product.",
    )
    amazon_inbound_status = fields.Selection(
        INBOUND_STATUSES,
        compute="_compute_amazon_inbound",
        store=True,
        index="btree_not_null",
    )

    # ------------------------------------------------------------------ account

    @api.depends("picking_type_id")
    def _compute_amazon_fba_account_id(self):
        """A transfer of an account's Send to Amazon type is that account's; any
        other keeps the account it was given (a removal's receipt)."""
        accounts = (
            self.env["amazon.account"]
            .sudo()
            .with_context(active_test=False)
            .search([("fba_send_picking_type_id", "in", self.picking_type_id.ids)])
        )
        by_type = {account.fba_send_picking_type_id: account for account in accounts}
        for picking in self:
            account = by_type.get(picking.picking_type_id)
            picking.amazon_fba_account_id = (
                account.id if account else picking.amazon_fba_account_id
            )

    def _amazon_is_fba_send(self):
        """Whether this transfer sends stock to its account's Amazon warehouses."""
        self.ensure_one()
        account = self.sudo().amazon_fba_account_id
        return (
            bool(account) and self.picking_type_id == account.fba_send_picking_type_id
        )

    # ------------------------------------------------------------------ inbound

    @api.depends(
        "state",
        "picking_type_id",
        "amazon_fba_account_id",
        "amazon_inbound_closed",
        "move_ids.state",
        "move_ids.quantity",
        "amazon_fba_event_ids.event_type",
        "amazon_fba_event_ids.product_id",
        "amazon_fba_event_ids.quantity",
    )
    def _compute_amazon_inbound(self):
        for picking in self:
            if picking.state == "cancel" or not picking._amazon_is_fba_send():
                picking.update(
                    {
                        "amazon_fba_units_sent": 0,
                        "amazon_fba_units_received": 0,
                        "amazon_fba_units_missing": 0,
                        "amazon_inbound_status": False,
                    }
                )
                continue
            sent, received = picking._amazon_inbound_units()
            missing = sum(
                max(quantity - received.get(product, 0), 0)
                for product, quantity in sent.items()
            )
            total_received = sum(received.values())
            if picking.state != "done" or not (
                total_received or picking.amazon_inbound_closed
            ):
                status = "waiting"
            elif not missing:
                status = "received"
            elif picking.amazon_inbound_closed:
                status = "missing"
            else:
                status = "receiving"
            picking.update(
                {
                    "amazon_fba_units_sent": sum(sent.values()),
                    "amazon_fba_units_received": total_received,
                    "amazon_fba_units_missing": missing,
                    "amazon_inbound_status": status,
                }
            )

    def _amazon_inbound_units(self):
        """({product: units sent}, {product: units Amazon received}) of this
        transfer; units sent count once it is done. A receipt whose SKU no
        product is bound to yet counts under no product."""
        self.ensure_one()
        sent = defaultdict(int)
        if self.state == "done":
            for move in self.move_ids.filtered(lambda m: m.state == "done"):
                sent[move.product_id] += round(
                    move.product_uom._compute_quantity(
                        move.quantity, move.product_id.uom_id
                    )
                )
        received = defaultdict(int)
        for event in self.sudo().amazon_fba_event_ids:
            if event.event_type == RECEIPTS:
                received[event.product_id.with_env(self.env)] += event.quantity
        return dict(sent), dict(received)

    def _amazon_missing_units(self, product):
        """The units of ``product`` this transfer sent that Amazon never received."""
        sent, received = self._amazon_inbound_units()
        return max(sent.get(product, 0) - received.get(product, 0), 0)

    def _action_done(self):
        without_id = self.filtered(
            lambda p: not p.amazon_inbound_shipment_id and p._amazon_is_fba_send()
        )
        if without_id:
            raise UserError(
                _(
                    "Enter Amazon's shipment ID (FBA15…, from Send to Amazon in "
                    "Seller Central) on %s before validating: without it, Amazon's "
                    "receipts cannot be matched to the units sent.",
                    ", ".join(without_id.mapped("name")),
                )
            )
        return super()._action_done()

    def action_amazon_inbound_close(self):
        """The seller's word that Amazon closed the shipment: the units it has
        not received are missing."""
        transfers = self.filtered(
            lambda p: p.state == "done" and p._amazon_is_fba_send()
        )
        if not transfers:
            raise UserError(
                _("Only a validated Send to Amazon transfer can be closed at Amazon.")
            )
        transfers.amazon_inbound_closed = True
        return True

    def action_amazon_inbound_reopen(self):
        """Amazon is still receiving: the units not received are not missing."""
        self.amazon_inbound_closed = False
        return True

    # ------------------------------------------------------------------ removal

    def _amazon_removal_lost(self, event, units, line):
        """Amazon lost ``units`` of the removal ``event`` (units of this
        removal's receipt) on their way back, as its REMOVAL_ORDER_LOST
        reimbursement ``line`` says: they leave In Transit for the account's
        loss location, and the receipt (or its backorder) awaits that many
        fewer, cancelled when it awaits none. At most the units still awaited;
        once per event and line. Returns the units moved."""
        self.ensure_one()
        account = self.amazon_fba_account_id
        key = f"REMOVAL_ORDER_LOST:{line.id}:{event.id}"
        if self.env["stock.move"].search_count(
            [
                ("amazon_ledger_account_id", "=", account.id),
                ("amazon_ledger_key", "=", key),
            ]
        ):
            return 0
        product = event.product_id
        awaited = (self | self.backorder_ids).move_ids.filtered(
            lambda m: m.product_id == product and m.state not in ("done", "cancel")
        )
        units = min(units, round(sum(awaited.mapped("product_qty"))))
        if units <= 0:
            return 0
        awaited._do_unreserve()
        left = units
        for move in awaited.sorted("id"):
            taken = min(move.product_uom_qty, left)
            left -= taken
            if taken >= move.product_uom_qty:
                move._action_cancel()
            else:
                move.product_uom_qty -= taken
            if not left:
                break
        self._amazon_removal_loss_move(product, units, key)
        awaited.filtered(lambda m: m.state != "cancel")._action_assign()
        self.message_post(
            body=_(
                "Amazon lost %(units)s unit(s) of %(product)s of this removal on "
                "their way back (reimbursed as REMOVAL_ORDER_LOST in settlement "
                "%(settlement)s): they are booked as a loss and no longer "
                "awaited here.",
                units=units,
                product=product.display_name,
                settlement=line.settlement_id.display_name,
            )
        )
        return units

    def _amazon_removal_loss_move(self, product, units, key):
        """The done move of ``units`` lost from In Transit to the loss location."""
        account = self.amazon_fba_account_id
        move = self.env["stock.move"].create(
            {
                "name": _("Amazon: removal lost on its way back"),
                "origin": self.amazon_removal_order_id or self.name,
                "product_id": product.id,
                "product_uom": product.uom_id.id,
                "product_uom_qty": units,
                "location_id": account._amazon_fba_transit_location().id,
                "location_dest_id": account._amazon_fba_loss_location().id,
                "company_id": account.company_id.id,
                "amazon_ledger_account_id": account.id,
                "amazon_ledger_key": key,
                "amazon_ledger_reason": "REMOVAL_ORDER_LOST",
            }
        )
        move._action_confirm()
        move.quantity = units
        move.picked = True
        move._action_done()
        return move

    @api.model
    def _amazon_fba_inbound_check(self, account, summaries):
        """Flag the Send to Amazon transfers of ``account`` whose shipment Amazon
        has closed (no unit of it inbound any more in ``summaries``, a list of
        ``FbaSummary``) with units never received. Called after each
        comparison.

        A transfer counts as closed when none of its products shows units
        inbound and it was validated more than ``INBOUND_CLOSE_DAYS`` days ago
        with at least one unit received, or more than
        ``INBOUND_NOTHING_RECEIVED_CLOSE_DAYS`` days ago with none received
        (then every unit it sent is missing). Amazon's inbound figure is per
        SKU, so another shipment of the same product on its way keeps it
        open. Without summaries nothing is concluded. Returns the transfers
        closed now."""
        if not summaries or not account.fba_send_picking_type_id:
            return self.browse()
        now = fields.Datetime.now()
        # The FBA run's job: whoever queued it, the transfers are checked.
        open_transfers = self.sudo().search(
            [
                ("picking_type_id", "=", account.fba_send_picking_type_id.id),
                ("amazon_fba_account_id", "=", account.id),
                ("state", "=", "done"),
                ("amazon_inbound_closed", "=", False),
                "|",
                "&",
                ("amazon_inbound_status", "=", "receiving"),
                ("date_done", "<", now - timedelta(INBOUND_CLOSE_DAYS)),
                "&",
                ("amazon_inbound_status", "=", "waiting"),
                (
                    "date_done",
                    "<",
                    now - timedelta(INBOUND_NOTHING_RECEIVED_CLOSE_DAYS),
                ),
            ]
        )
        if not open_transfers:
            return self.browse()
        inbound = self._amazon_inbound_by_product(account, summaries)
        closed = open_transfers.filtered(
            lambda p: not any(inbound.get(product) for product in p.move_ids.product_id)
        )
        for picking in closed:
            picking.amazon_inbound_closed = True
            picking.message_post(
                body=_(
                    "Amazon shows no unit of shipment %(shipment)s inbound any more: "
                    "the shipment is closed with %(missing)s unit(s) never received. "
                    "File a claim in Seller Central.",
                    shipment=picking.amazon_inbound_shipment_id,
                    missing=picking.amazon_fba_units_missing,
                )
            )
        return closed.with_env(self.env)

    @api.model
    def _amazon_inbound_by_product(self, account, summaries):
        """{product: units inbound at Amazon} of ``summaries``, their SKUs bound
        to products by the account's offers and its ledger's receipts."""
        skus = {summary.sku for summary in summaries if summary.inbound}
        if not skus:
            return {}
        product_of = {}
        for event in (
            self.env["amazon.fba.event"]
            .sudo()
            .search(
                [
                    ("account_id", "=", account.id),
                    ("sku", "in", list(skus)),
                    ("product_id", "!=", False),
                ]
            )
        ):
            product_of[event.sku] = event.product_id
        for offer in (
            self.env["amazon.offer"]
            .sudo()
            .search(
                [
                    ("account_id", "=", account.id),
                    ("sku", "in", list(skus)),
                    ("product_id", "!=", False),
                ]
            )
        ):
            product_of[offer.sku] = offer.product_id
        inbound = defaultdict(int)
        for summary in summaries:
            product = product_of.get(summary.sku)
            if product and summary.inbound:
                inbound[product.with_env(self.env)] += summary.inbound
        return inbound
