# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""Odoo's FBA quantities against Amazon's: after each FBA run, the account's
FBA (sellable) and FBA Unsellable quantities of every product are compared with
Amazon's inventory summaries (FBA Inventory API); each product whose figures
differ is listed, with what Odoo knows of why, until Reconcile closes it."""

import logging
from collections import defaultdict
from dataclasses import dataclass, field

from odoo import api, fields, models
from odoo.tools import float_compare

from odoo.addons.queue_job.exception import RetryableJobError

from ..amazon.errors import AmazonPaginationExpired
from ..amazon.fba_inventory import inventory_pool, read_inventory_summaries
from ..amazon.fulfillment import AMAZON
from .amazon_job import amazon_job

_logger = logging.getLogger(__name__)

LOCATION_KINDS = [("sellable", "Sellable"), ("unsellable", "Unsellable")]
#: How many SKUs without offer the run's summary names before "…".
_NAMED_SKUS = 20
#: When Amazon refused the summaries' page token twice in a row, read them
#: again from their first page this many seconds later.
_EXPIRED_RETRY_SECONDS = 60
#: The summary's figures a negative value of makes a kind's quantity suspect.
NEGATIVE_FIGURES = {
    "sellable": ("fulfillable", "reserved", "researching"),
    "unsellable": ("unfulfillable",),
}


@dataclass
class AmazonFigures:
    """What Amazon's summaries say of one product (its SKUs added up)."""

    skus: list = field(default_factory=list)
    sellable: int = 0
    unfulfillable: int = 0
    researching: int = 0
    # kind: ["SKU: figure -2"], the figures behind that kind's quantity
    negative: dict = field(default_factory=lambda: defaultdict(list))


class AmazonFbaDifference(models.Model):
    """A product whose FBA quantity in Odoo is not Amazon's (its inventory
    summary), as the last comparison found it: both figures, Amazon's
    explanation where the ledger gives one, and the adjustment that closes it."""

    _name = "amazon.fba.difference"
    _description = "Amazon FBA Quantity Difference"
    _order = "account_id, product_id, location_kind"
    _check_company_auto = True

    account_id = fields.Many2one(
        "amazon.account", required=True, readonly=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    product_id = fields.Many2one(
        "product.product", required=True, readonly=True, check_company=True
    )
    sku = fields.Char(string="SKU", readonly=True)
    location_kind = fields.Selection(LOCATION_KINDS, required=True, readonly=True)
    odoo_qty = fields.Float(
        string="Odoo", digits="Product Unit of Measure", readonly=True
    )
    amazon_qty = fields.Float(
        string="Amazon", digits="Product Unit of Measure", readonly=True
    )
    difference = fields.Float(
        compute="_compute_difference",
        store=True,
        digits="Product Unit of Measure",
        help="Amazon's figure less Odoo's.",
    )
    explanation = fields.Char(
        readonly=True, help="What the ledger says about it, where it says something."
    )
    compared_at = fields.Datetime(readonly=True)
    first_seen_at = fields.Datetime(
        readonly=True,
        help="When the comparisons first found this difference (same product, "
        "location and amount since; a new amount starts again).",
    )
    reconcilable = fields.Boolean(
        compute="_compute_reconcilable",
        store=True,
        help="Amazon's ledger is read past the day the difference was first "
        "seen: a movement of that day would already be in Odoo. Amazon's "
        "summaries are live, the ledger is read up to yesterday: a difference "
        "of today may be a movement the next run brings.",
    )
    state = fields.Selection(
        [("open", "Open"), ("reconciled", "Reconciled")],
        default="open",
        required=True,
        readonly=True,
    )
    move_id = fields.Many2one(
        "stock.move", string="Adjustment", readonly=True, help="What Reconcile did."
    )

    @api.depends("odoo_qty", "amazon_qty")
    def _compute_difference(self):
        for difference in self:
            difference.difference = difference.amazon_qty - difference.odoo_qty

    @api.depends("state", "first_seen_at", "account_id.fba_ledger_fetched_until")
    def _compute_reconcilable(self):
        for difference in self:
            read_until = difference.account_id.fba_ledger_fetched_until
            difference.reconcilable = bool(
                difference.state == "open"
                and difference.first_seen_at
                and read_until
                and difference.first_seen_at.date() <= read_until
            )

    # --------------------------------------------------------------- comparison

    @api.model
    @amazon_job(kind="fba")
    def _amazon_compare(self, account):
        """Job (issue 22, point 3): compare Odoo's FBA quantities of ``account``
        with Amazon's inventory summaries, list every difference, update the FBA
        offers' Amazon quantities, then let the Send to Amazon transfers check
        their shipments. Called when the ledger run has been applied; idempotent
        (the open differences are always the last comparison's)."""
        account = account.sudo()
        if not account.marketplace_ids:
            return self.env._(
                "%s has no marketplace to ask Amazon's FBA stock of.", account.name
            )
        summaries = self._amazon_fetch_summaries(account)
        message = self._amazon_compare_summaries(account, summaries)
        self.env["stock.picking"].sudo()._amazon_fba_inbound_check(account, summaries)
        return account._amazon_listings_message(message)

    @api.model
    def _amazon_fetch_summaries(self, account):
        """Amazon's inventory summaries (``FbaSummary``) of ``account``: those
        of one marketplace per stock pool (``inventory_pool``). With Pan-EU,
        each continental EU marketplace answers the same EU-wide figures
        (amzn/selling-partner-api-models#452): asking two of them would count
        the units twice; the UK, the Americas and the others each have their
        own stock."""
        pools = {}
        for marketplace in account.marketplace_ids:
            pools.setdefault(inventory_pool(marketplace.country_id.code), marketplace)
        summaries = []
        with account._amazon_job_session() as adapter:
            for marketplace in pools.values():
                summaries += self._amazon_marketplace_summaries(adapter, marketplace)
        return summaries

    @api.model
    def _amazon_marketplace_summaries(self, adapter, marketplace):
        """The summaries of one marketplace, read again from the first page
        once when Amazon refuses a page token (valid 30 seconds); refused twice,
        the job is retried later (queue_job), not failed."""
        try:
            return read_inventory_summaries(
                adapter.get_inventory_summaries(marketplace.marketplace_id)
            )
        except AmazonPaginationExpired as error:
            _logger.info(
                "FBA summaries of %s read again from their first page: %s",
                marketplace.code,
                error,
            )
        try:
            return read_inventory_summaries(
                adapter.get_inventory_summaries(marketplace.marketplace_id)
            )
        except AmazonPaginationExpired as error:
            raise RetryableJobError(
                str(error), seconds=_EXPIRED_RETRY_SECONDS
            ) from error

    @api.model
    def _amazon_compare_summaries(self, account, summaries):
        """Compare ``account``'s FBA quantities with ``summaries`` (a list of
        ``FbaSummary``): the open differences of the account replaced by this
        comparison's, the offers' Amazon figures and FNSKU updated. Return the
        outcome in a seller's words."""
        self = self.sudo().with_company(account.company_id)
        account = account.sudo()
        now = fields.Datetime.now()
        offers = self._amazon_summary_offers(account, summaries)
        figures, unbound = self._amazon_figures(summaries, offers)
        self._amazon_update_offers(account, summaries, offers, now)
        odoo = self._amazon_odoo_quantities(account)
        products = self.env["product.product"].browse(
            {product_id for product_id, _kind in odoo} | set(figures)
        )
        untracked = products.filtered(lambda p: not p.is_storable)
        products -= untracked
        explanations = self._amazon_event_explanations(account, products)
        previous = self.search(
            [("account_id", "=", account.id), ("state", "=", "open")]
        )
        seen = {
            (old.product_id.id, old.location_kind): (old.difference, old.first_seen_at)
            for old in previous
        }
        previous.unlink()
        values = []
        for product in products:
            amazon = figures.get(product.id) or AmazonFigures()
            for kind in ("sellable", "unsellable"):
                value = self._amazon_difference_values(
                    product, kind, odoo[(product.id, kind)], amazon, explanations
                )
                if value:
                    values.append(
                        {
                            **value,
                            "account_id": account.id,
                            "compared_at": now,
                            "first_seen_at": self._amazon_first_seen(
                                product, value, seen, now
                            ),
                        }
                    )
        differences = self.create(values)
        account.fba_synced_at = now
        return self._amazon_compare_summary(summaries, differences, unbound, untracked)

    @api.model
    def _amazon_first_seen(self, product, value, seen, now):
        """When the difference of ``value`` was first seen: the previous
        comparison's time for the same product and kind differing by the same
        amount, else ``now``."""
        amount, first_seen_at = seen.get(
            (product.id, value["location_kind"]), (None, None)
        )
        if (
            first_seen_at
            and float_compare(
                amount,
                value["amazon_qty"] - value["odoo_qty"],
                precision_rounding=product.uom_id.rounding,
            )
            == 0
        ):
            return first_seen_at
        return now

    @api.model
    def _amazon_summary_offers(self, account, summaries):
        """{SKU: the account's offers of it} for the SKUs of ``summaries``."""
        offers = defaultdict(lambda: self.env["amazon.offer"])
        for offer in (
            self.env["amazon.offer"]
            .with_context(active_test=False)
            .search(
                [
                    ("account_id", "=", account.id),
                    ("sku", "in", [summary.sku for summary in summaries]),
                ],
                order="active desc, id",
            )
        ):
            offers[offer.sku] |= offer
        return offers

    @api.model
    def _amazon_figures(self, summaries, offers):
        """({product id: AmazonFigures}, [SKU with no product]): Amazon's
        figures added up per product, through the offers of each SKU."""
        figures = defaultdict(AmazonFigures)
        unbound = []
        for summary in summaries:
            product = offers[summary.sku].product_id[:1]
            if not product:
                unbound.append(summary.sku)
                continue
            amazon = figures[product.id]
            amazon.skus.append(summary.sku)
            amazon.sellable += summary.sellable
            amazon.unfulfillable += summary.unfulfillable
            amazon.researching += summary.researching
            for kind, names in NEGATIVE_FIGURES.items():
                amazon.negative[kind] += [
                    f"{summary.sku}: {name} {getattr(summary, name)}"
                    for name in names
                    if getattr(summary, name) < 0
                ]
        return figures, unbound

    @api.model
    def _amazon_update_offers(self, account, summaries, offers, now):
        """The offers of each SKU get its summary's figures and FNSKU; the FBA
        offers of the account Amazon has no summary of hold nothing at Amazon."""
        self.env["amazon.offer"].search(
            [
                ("account_id", "=", account.id),
                ("fulfillment_channel", "=", AMAZON),
                ("sku", "not in", [summary.sku for summary in summaries]),
            ]
        ).write(
            {
                "fba_fulfillable_qty": 0,
                "fba_reserved_qty": 0,
                "fba_inbound_qty": 0,
                "fba_unfulfillable_qty": 0,
                "fba_researching_qty": 0,
                "fba_quantities_at": now,
            }
        )
        for summary in summaries:
            values = {
                "fba_fulfillable_qty": summary.fulfillable,
                "fba_reserved_qty": summary.reserved,
                "fba_inbound_qty": summary.inbound,
                "fba_unfulfillable_qty": summary.unfulfillable,
                "fba_researching_qty": summary.researching,
                "fba_quantities_at": now,
            }
            if summary.fnsku:
                values["fnsku"] = summary.fnsku
            offers[summary.sku].write(values)

    @api.model
    def _amazon_odoo_quantities(self, account, products=None):
        """{(product id, kind): Odoo's quantity} in the account's FBA location
        (``sellable``; its children, not the unsellable location, included) and
        its FBA Unsellable location (``unsellable``), of ``products`` or all."""
        sellable = account._amazon_fba_location()
        unsellable = account._amazon_fba_unsellable_location()
        domains = {
            "sellable": [
                ("location_id", "child_of", sellable.id),
                "!",
                ("location_id", "child_of", unsellable.id),
            ],
            "unsellable": [("location_id", "child_of", unsellable.id)],
        }
        quantities = defaultdict(float)
        Quant = self.env["stock.quant"].sudo()
        for kind, domain in domains.items():
            if products is not None:
                domain = [*domain, ("product_id", "in", products.ids)]
            for product, quantity in Quant._read_group(
                domain, ["product_id"], ["quantity:sum"]
            ):
                quantities[(product.id, kind)] += quantity
        return quantities

    @api.model
    def _amazon_difference_values(self, product, kind, odoo_qty, amazon, notes):
        """The values of the difference of ``product`` in ``kind``, or None when
        Odoo's quantity is Amazon's (and Amazon's figures make sense)."""
        amazon_qty = amazon.sellable if kind == "sellable" else amazon.unfulfillable
        negative = amazon.negative[kind]
        rounding = product.uom_id.rounding
        if (
            float_compare(odoo_qty, amazon_qty, precision_rounding=rounding) == 0
            and not negative
        ):
            return None
        _ = self.env._
        explanation = []
        if negative:
            explanation.append(
                _(
                    "Amazon's summary gives a negative figure (%s): check it in "
                    "Seller Central",
                    ", ".join(negative),
                )
            )
        if float_compare(odoo_qty, 0, precision_rounding=rounding) < 0:
            explanation.append(
                _(
                    "Odoo's quantity is negative: an FBA order delivered units "
                    "Odoo never received at Amazon"
                )
            )
        if kind == "sellable" and amazon.researching:
            explanation.append(
                _("Amazon is researching %s unit(s)", amazon.researching)
            )
        explanation += notes.get((product.id, kind), [])
        return {
            "product_id": product.id,
            "sku": ", ".join(amazon.skus) or False,
            "location_kind": kind,
            "odoo_qty": odoo_qty,
            "amazon_qty": amazon_qty,
            "explanation": "; ".join(explanation) or False,
        }

    @api.model
    def _amazon_compare_summary(self, summaries, differences, unbound, untracked):
        """What the comparison found, in a seller's words."""
        _ = self.env._
        message = _(
            "%(skus)s SKU(s) compared with Amazon's FBA inventory, "
            "%(count)s differ(s).",
            skus=len(summaries),
            count=len(differences),
        )
        if unbound:
            named = ", ".join(unbound[:_NAMED_SKUS])
            if len(unbound) > _NAMED_SKUS:
                named += ", …"
            message += " " + _(
                "%(count)s SKU(s) at Amazon with no product in Odoo (no offer "
                "binds them): %(skus)s.",
                count=len(unbound),
                skus=named,
            )
        if untracked:
            message += " " + _(
                "%(count)s product(s) not tracked in stock, not compared: "
                "%(products)s.",
                count=len(untracked),
                products=", ".join(untracked[:_NAMED_SKUS].mapped("display_name")),
            )
        return message
