# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""The offers' stock and price export: what changed since Amazon last accepted a
value, planned, written as JSON_LISTINGS_FEED documents and handed to
``amazon.feed`` (Amazon's verdict: ``amazon_offer_feed_owner.py``)."""

import logging
from collections import Counter, defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

from odoo.addons.queue_job.job import identity_exact

from ..amazon.errors import AmazonAuthError
from ..amazon.fulfillment import MERCHANT
from ..amazon.listings_feed import (
    CONTENT_TYPE as LISTINGS_CONTENT_TYPE,
)
from ..amazon.listings_feed import (
    FEED_TYPE as LISTINGS_FEED_TYPE,
)
from ..amazon.listings_feed import (
    MAX_MESSAGES,
    build_listings_feed,
    chunked,
    listings_message,
    price_patch,
    stock_patch,
)
from ..const import OFFER_ERROR, OFFER_PENDING
from .amazon_job import amazon_job

_logger = logging.getLogger(__name__)

# A job waits a few seconds for Amazon's quota at most; the rest is its retry.
JOB_SESSION = {"max_wait": 5.0, "max_attempts": 3}


class AmazonOffer(models.Model):
    """The stock and price export of offers."""

    # One model in several files, each named for the part it holds.
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "amazon.offer"

    # ------------------------------------------------------------------ actions

    def action_export(self):
        """Send these offers' stock and price now (even unchanged ones): for
        those who may change offers (Amazon administrators)."""
        self.check_access("write")
        for account in self.account_id:
            offers = self.filtered(lambda o, a=account: o.account_id == a)
            self._amazon_queue_export(account, offer_ids=offers.ids, force=True)
        return self.account_id[:1]._notify(
            self.env._("Export queued"),
            self.env._("%s offer(s) will be sent to Amazon.", len(self)),
            "info",
        )

    @api.model
    def _amazon_export_of(self, accounts, *, stock, price):
        """The accounts' Export Stock / Export Prices buttons: queue the export
        of what changed, one feed per account; a UserError when an account may
        not call Amazon."""
        accounts.check_access("write")
        accounts._amazon_job_check(UserError)
        for account in accounts:
            self._amazon_queue_export(account, stock=stock, price=price)
        return accounts._notify(
            self.env._("Export queued"),
            self.env._("What changed is sent to Amazon in one feed per account."),
            "info",
        )

    @api.model
    def _amazon_queue_export(
        self, account, *, stock=True, price=True, offer_ids=None, force=False
    ):
        """Queue the export of ``account`` (see :meth:`_amazon_export`); return
        the job."""
        job = self.with_delay(
            identity_key=identity_exact,
            description=self.env._("Send stock and prices to %s", account.name),
        )._amazon_export(
            account, stock=stock, price=price, offer_ids=offer_ids, force=force
        )
        return job

    @api.model
    def _cron_amazon_export(self):
        """Scheduled action (and its triggers): queue the export of every
        connected account, when the connector is on in Settings."""
        accounts = self.env["amazon.account"]
        if not accounts._amazon_connector_enabled():
            return
        for account in accounts.search([("state", "!=", "draft")]):
            self._amazon_queue_export(account)

    # ------------------------------------------------------------------ export

    @api.model
    @amazon_job
    def _amazon_export(
        self, account, stock=True, price=True, offer_ids=None, force=False
    ):
        """Job: one JSON_LISTINGS_FEED (more above 25,000 messages) with what
        changed since Amazon last accepted a value. Idempotent: a value on its
        way to Amazon, or that Amazon refused, is not sent again until it changes
        (or ``force``).

        The feed's report makes the account's last stock and prices runs; the
        offers this job puts in error (no product type) make them failed at
        once."""
        self = self.sudo()
        try:
            with account._amazon_job_session(**JOB_SESSION) as adapter:
                self._amazon_check_channels(account, adapter, offer_ids=offer_ids)
        except AmazonAuthError as error:
            # The session marked the account; the offers not confirmed yet wait.
            _logger.info(
                "Amazon account %s: channels not checked: %s", account.id, error
            )
        plan, missing_type = self._amazon_export_plan(
            account, stock=stock, price=price, offer_ids=offer_ids, force=force
        )
        if missing_type:
            self._amazon_mark_untyped(account, missing_type)
        feeds = self.env["amazon.feed"]
        for document, mapping, chunk in self._amazon_feed_documents(account, plan):
            feeds |= self._amazon_create_feed(account, document, mapping, chunk)
        for feed in feeds:
            feed._amazon_queue_submit()
        if not feeds:
            return self.env._("Nothing changed: nothing sent.")
        return self.env._(
            "%(count)s offer(s) sent in %(feeds)s feed(s).",
            count=len(plan),
            feeds=len(feeds),
        )

    @api.model
    def _amazon_mark_untyped(self, account, missing_type):
        """The offers that cannot be sent for want of a product type (``{offer
        id: kinds}``, see :meth:`_amazon_export_plan`) in error, and the
        account's last runs of what they would have sent failed."""
        newly = self.browse(list(missing_type)).filtered(
            lambda o: o.state != OFFER_ERROR
        )
        newly.write(
            {
                "state": OFFER_ERROR,
                "error": self.env._(
                    "No product type: Amazon needs the listing's product type "
                    "(e.g. PRODUCT, SHIRT) to change it."
                ),
            }
        )
        kinds = Counter(kind for o in newly for kind in missing_type[o.id])
        for kind, count in sorted(kinds.items()):
            account._amazon_record_run(
                kind,
                self.env._(
                    "%(count)s offer(s) not sent: no product type (%(skus)s)",
                    count=count,
                    skus=", ".join(
                        newly.filtered(
                            lambda o, k=kind: k in missing_type[o.id]
                        ).mapped("sku")[:5]
                    ),
                ),
                failed=True,
            )

    @api.model
    def _amazon_export_plan(
        self, account, stock=True, price=True, offer_ids=None, force=False
    ):
        """What the export sends: ``[((row, qty, price), patches)]`` for the
        offers whose stock or price changed, and the offers that cannot be sent
        for want of a product type (``{offer id: ("stock", "prices") or part}``,
        what each would have sent). Stock is read in a constant number of
        queries; prices from the pricelists go through the ORM."""
        if offer_ids is None:
            rows = self._amazon_offer_rows(account)
        else:
            rows = [
                r
                for r in self.browse(offer_ids).exists()._amazon_offer_rows()
                if r["account_id"] == account.id
            ]
        # Who fulfils an offer not confirmed by Amazon: nothing is sent for it.
        rows = [r for r in rows if r["product_id"] and not r["channel_unknown"]]
        availability = self._amazon_compute_availability(rows) if stock else {}
        prices = {}
        if price:
            priced = [r["id"] for r in rows if r["sync_price"] and r["marketplace_id"]]
            prices = self.browse(priced)._amazon_prices()
        marketplaces = {m.id: m for m in account.marketplace_ids}
        plan, missing_type = [], {}
        for row in rows:
            qty = self._amazon_qty_to_send(row, availability, force)
            amount = self._amazon_price_to_send(row, prices, marketplaces, force)
            if qty is None and amount is None:
                continue
            if not (row["product_type"] or "").strip():
                missing_type[row["id"]] = run_kinds(qty, amount)
                continue
            patches = []
            if qty is not None:
                patches.append(stock_patch(qty, row["handling_time"]))
            if amount is not None:
                marketplace = marketplaces[row["marketplace_id"]]
                currency = marketplace.currency_id
                patches.append(
                    price_patch(
                        marketplace.marketplace_id,
                        currency.name,
                        amount,
                        decimals=currency.decimal_places,
                        minimum=row["minimum_price"] or None,
                        maximum=row["maximum_price"] or None,
                    )
                )
            plan.append(((row, qty, amount), patches))
        return plan, missing_type

    @api.model
    def _amazon_feed_documents(self, account, plan):
        """The JSON_LISTINGS_FEED documents of ``plan``, 25,000 messages each:
        ``[(document, {message id: offer id})]``."""
        documents = []
        for chunk in chunked(plan, MAX_MESSAGES):
            messages, mapping = [], {}
            for message_id, ((row, _qty, _price), patches) in enumerate(chunk, start=1):
                messages.append(
                    listings_message(
                        message_id, row["sku"], row["product_type"].strip(), patches
                    )
                )
                mapping[message_id] = row["id"]
            documents.append(
                (build_listings_feed(account.seller_id, messages), mapping, chunk)
            )
        return documents

    @api.model
    def _amazon_qty_to_send(self, row, availability, force):
        """The quantity to send for ``row``, or None when Amazon has it, has it on
        its way, or refused it already."""
        figure = availability.get(row["id"])
        if (
            figure is None
            or not row["sync_stock"]
            # Amazon fulfils it, or may: never a DEFAULT quantity, whatever
            # Send Stock says (it would make the listing merchant-fulfilled).
            or row["fulfillment_channel"] != MERCHANT
            or row["channel_unknown"]
        ):
            return None
        qty = figure.quantity
        if force or row["resend"]:
            return qty
        if _attempt_stands(row):
            # Compared with what is on its way (or was refused), not with what
            # Amazon had before: a sale meanwhile must not be forgotten.
            return None if qty == row["attempted_qty"] else qty
        if (
            row["last_sent_qty_date"]
            and qty == row["last_sent_qty"]
            and row["handling_time"] == row["last_sent_handling_time"]
        ):
            return None
        return qty

    @api.model
    def _amazon_price_to_send(self, row, prices, marketplaces, force):
        amount = prices.get(row["id"])
        if not amount or row["marketplace_id"] not in marketplaces:
            return None
        digits = marketplaces[row["marketplace_id"]].currency_id.decimal_places
        if force or row["resend"]:
            return amount

        def same(other):
            return float_compare(amount, other, precision_digits=digits) == 0

        if _attempt_stands(row):
            return None if same(row["attempted_price"]) else amount
        if row["last_sent_price_date"] and same(row["last_sent_price"]):
            return None
        return amount

    @api.model
    def _amazon_create_feed(self, account, document, mapping, chunk):
        """The feed of ``document``; its offers pending with what was sent."""
        feed = self.env["amazon.feed"]._amazon_create(
            account,
            LISTINGS_FEED_TYPE,
            document,
            LISTINGS_CONTENT_TYPE,
            self.browse(list(mapping.values())),
            mapping,
        )
        now = fields.Datetime.now()
        # Grouped by value, so that a feed of 25,000 offers is a few writes.
        groups = defaultdict(list)
        for (row, qty, price), _patches in chunk:
            groups[(qty, price)].append(row["id"])
        for (qty, price), ids in groups.items():
            values = {
                "state": OFFER_PENDING,
                "feed_id": feed.id,
                "attempted_at": now,
                "resend": False,
                "error": False,
            }
            if qty is not None:
                values["attempted_qty"] = qty
            if price is not None:
                values["attempted_price"] = price
            self.browse(ids).write(values)
        return feed


def _attempt_stands(row):
    """The last value sent is still what counts: on its way to Amazon (a feed
    not answered yet) or refused by it."""
    return bool(row["attempted_at"]) and (
        row["feed_in_flight"] or (row["state"] == OFFER_ERROR and not row["feed_id"])
    )


def run_kinds(qty, price):
    """The synchronisations a listings message is part of (``amazon.sync.run``
    kinds): stock when it sets a quantity, prices when it sets a price."""
    return (("prices",) if price is not None else ()) + (
        ("stock",) if qty is not None else ()
    )
