# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

import contextlib

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.queue_job.job import identity_exact


class AmazonAccount(models.Model):
    """Amazon's warehouses in Odoo: the account's FBA locations (sellable,
    unsellable, in transit to Amazon, lost), its *Send to Amazon* transfers, and
    the daily FBA run that reads Amazon's Inventory Ledger into stock moves and
    compares Odoo's FBA quantities with Amazon's."""

    # One model in several files, each named for the part it holds.
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "amazon.account"

    sync_fba_inventory = fields.Boolean(
        string="FBA Inventory from Amazon's Ledger",
        default=True,
        help="Every day, read Amazon's Inventory Ledger into the FBA locations "
        "(receipts, returns, removals, losses…) and compare Odoo's FBA quantities "
        "with Amazon's.",
    )
    fba_transit_location_id = fields.Many2one(
        "stock.location",
        string="In Transit to Amazon",
        check_company=True,
        copy=False,
        help="Units sent to Amazon that Amazon has not received yet, and units "
        "Amazon removed and sends back.",
    )
    fba_loss_location_id = fields.Many2one(
        "stock.location",
        string="Amazon Inventory Loss",
        check_company=True,
        copy=False,
        help="Where units Amazon lost, damaged or disposed of go (and units it "
        "found come from): their value is an inventory loss. With automated "
        "valuation it is booked to this location's Stock Valuation Accounts "
        "(Incoming/Outgoing, on the location); without them, as Odoo's own "
        "inventory adjustments are, to the product category's Stock Interim "
        "accounts. Set the location's accounts for a dedicated expense account.",
    )
    fba_send_picking_type_id = fields.Many2one(
        "stock.picking.type",
        string="Send to Amazon",
        check_company=True,
        copy=False,
        help="The transfers that send stock from the warehouse to Amazon.",
    )
    fba_ledger_fetched_until = fields.Date(
        string="Ledger Read Until",
        copy=False,
        help="Amazon's Inventory Ledger is read up to this day (included).",
    )
    fba_synced_at = fields.Datetime(
        string="FBA Compared At",
        readonly=True,
        copy=False,
        help="When Odoo's FBA quantities were last compared with Amazon's.",
    )
    fba_difference_ids = fields.One2many(
        "amazon.fba.difference", "account_id", string="FBA Differences"
    )
    fba_event_ids = fields.One2many("amazon.fba.event", "account_id")

    def _amazon_location(self, field_name, values):
        """The location of ``field_name``, created from ``values`` when missing,
        in the account's company."""
        self.ensure_one()
        if not self[field_name]:
            self.sudo()[field_name] = (
                self.env["stock.location"]
                .sudo()
                .create({"company_id": self.company_id.id, **values})
            )
        return self[field_name]

    def _amazon_fba_transit_location(self):
        """Units between the seller's warehouse and Amazon: a transit location,
        valued like the company's stock."""
        return self._amazon_location(
            "fba_transit_location_id",
            {
                "name": self.env._("Amazon In Transit (%s)", self.name),
                "usage": "transit",
                "location_id": self.env.ref("stock.stock_location_locations").id,
            },
        )

    def _amazon_fba_loss_location(self):
        """Units Amazon lost, damaged or disposed of: a virtual inventory-loss
        location (its moves book the loss)."""
        return self._amazon_location(
            "fba_loss_location_id",
            {
                "name": self.env._("Amazon Inventory Loss (%s)", self.name),
                "usage": "inventory",
                "location_id": self.env.ref(
                    "stock.stock_location_locations_virtual"
                ).id,
            },
        )

    def _amazon_fba_warehouse(self):
        """The warehouse stock is sent to Amazon from, and removals come back to."""
        self.ensure_one()
        return self.env["stock.warehouse"].search(
            [("company_id", "=", self.company_id.id)], limit=1
        )

    def _amazon_fba_send_picking_type(self):
        """The account's *Send to Amazon* operation type (warehouse stock → in
        transit to Amazon), created when missing."""
        self.ensure_one()
        if not self.fba_send_picking_type_id:
            warehouse = self._amazon_fba_warehouse()
            if not warehouse:
                raise UserError(
                    _("%s's company has no warehouse to send stock from.", self.name)
                )
            self.sudo().fba_send_picking_type_id = (
                self.env["stock.picking.type"]
                .sudo()
                .create(
                    {
                        "name": _("Send to Amazon (%s)", self.name),
                        "code": "internal",
                        "sequence_code": "FBA",
                        "warehouse_id": warehouse.id,
                        "company_id": self.company_id.id,
                        "default_location_src_id": warehouse.lot_stock_id.id,
                        "default_location_dest_id": (
                            self._amazon_fba_transit_location().id
                        ),
                    }
                )
            )
        return self.fba_send_picking_type_id

    def _amazon_fba_locations(self):
        """All four FBA locations of the account, created when missing."""
        self.ensure_one()
        return (
            self._amazon_fba_location()
            | self._amazon_fba_unsellable_location()
            | self._amazon_fba_transit_location()
            | self._amazon_fba_loss_location()
        )

    # ------------------------------------------------------------------ actions

    def action_amazon_fba_sync(self):
        """Read Amazon's Inventory Ledger since the last day read (a job per
        account, then one report per marketplace and day), then compare Odoo's
        FBA quantities with Amazon's."""
        self._amazon_job_check(UserError)
        for account in self:
            account._amazon_fba_locations()
            self.env["amazon.fba.event"].with_delay(
                identity_key=identity_exact,
                description=_("Read the FBA inventory ledger of %s", account.name),
            )._amazon_fetch(account)
        return self._notify(
            _("FBA inventory requested"),
            _(
                "Amazon's Inventory Ledger is asked; its movements become stock "
                "moves of the FBA locations and the account lists every product "
                "whose quantity differs from Amazon's."
            ),
            "info",
        )

    @api.model
    def _cron_fba_sync(self):
        """Scheduled action: the FBA run of every connected account that reads
        its ledger."""
        if not self._amazon_connector_enabled():
            return
        for account in self.search(
            [("state", "!=", "draft"), ("sync_fba_inventory", "=", True)]
        ):
            with contextlib.suppress(UserError):  # blocked: nothing to read
                account.action_amazon_fba_sync()
