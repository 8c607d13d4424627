# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

import base64
import json
import logging
from collections import Counter, defaultdict

from odoo import api, fields, models
from odoo.tools import float_compare

from odoo.addons.queue_job.job import identity_exact

from ..amazon.errors import AmazonAuthError, AmazonPermanentError, AmazonRetryableError
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
    parse_listings_report,
    price_patch,
    stock_patch,
)
from ..amazon.listings_report import (
    AMAZON,
    MERCHANT,
    channel_of_listings_item,
)
from ..amazon.processing_report import UnclearReport
from .job_retry import retry_later

_logger = logging.getLogger(__name__)

# Seconds a burst of stock moves waits before the export runs (one feed for all).
EXPORT_DEBOUNCE = 60
# Above this many offers sold out at once (an inventory count), they go in the
# export's feed rather than one patchListingsItem each.
SOLD_OUT_PATCH_LIMIT = 20
PRECOMMIT_KEY = "amazon_connector.stock_changed"
# A job waits a few seconds for Amazon's quota at most; the rest is its retry.
JOB_SESSION = {"max_wait": 5.0, "max_attempts": 3}
STOCK_PATH = "/attributes/fulfillment_availability"
# getListingsItem calls one export makes at most to learn who fulfils new offers
# (Amazon's rate is 5 a second); the others are asked at the next export.
CHANNEL_CHECKS_PER_EXPORT = 200
PRICE_PATH = "/attributes/purchasable_offer"


class AmazonOffer(models.Model):
    """Stock and prices sent to Amazon, and Amazon's verdict."""

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
    def _amazon_queue_export(
        self, account, *, stock=True, price=True, offer_ids=None, force=False
    ):
        job = self.with_delay(
            identity_key=identity_exact,
            description=self.env._("Send stock and prices to %s", account.name),
        )._amazon_export(
            account, stock=stock, price=price, offer_ids=offer_ids, force=force
        )
        return job.result if self.env.context.get("queue_job__no_delay") else job

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
        blocked = account._amazon_job_blocker()
        if blocked:
            return blocked
        self._amazon_check_channels(account, offer_ids=offer_ids)
        plan, missing_type = self._amazon_export_plan(
            account, stock=stock, price=price, offer_ids=offer_ids, force=force
        )
        if missing_type:
            newly = self.browse(list(missing_type)).filtered(
                lambda o: o.state != "error"
            )
            newly.write(
                {
                    "state": "error",
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
                missing_type[row["id"]] = _kinds(qty, amount)
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
            or row["fulfillment_channel"] != "merchant"
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
                "state": "pending",
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

    # ------------------------------------------------ who fulfils each offer

    @api.model
    def _amazon_check_channels(self, account, offer_ids=None):
        """Ask Amazon (getListingsItem) who fulfils the offers of ``account``
        (or ``offer_ids``) it has not confirmed yet, before anything is sent for
        them: the connector never decides it. An offer Amazon does not know, or
        whose listing does not say, stays unconfirmed with the reason on it (and
        is asked again at the next export). Returns the offers checked."""
        domain = [
            ("account_id", "=", account.id),
            ("channel_unknown", "=", True),
            ("product_id", "!=", False),
        ]
        if offer_ids is not None:
            domain.append(("id", "in", list(offer_ids)))
        offers = self.search(domain, limit=CHANNEL_CHECKS_PER_EXPORT + 1, order="id")
        if len(offers) > CHANNEL_CHECKS_PER_EXPORT:
            offers = offers[:CHANNEL_CHECKS_PER_EXPORT]
            self._amazon_trigger_export()
        if not offers:
            return offers
        asked = self.browse()
        try:
            with account._amazon_session(**JOB_SESSION) as adapter:
                for offer in offers:
                    offer._amazon_ask_channel(adapter)
                    asked |= offer
        except AmazonAuthError as error:
            account._amazon_mark_error(error)
        except AmazonRetryableError as error:
            # Throttled: the others wait for the next export, nothing is sent.
            (offers - asked).write(
                {
                    "channel_note": self.env._(
                        "Amazon could not be asked who fulfils this offer yet "
                        "(%s): nothing is sent until it answers.",
                        error,
                    )
                }
            )
            self._amazon_trigger_export()
        return asked

    def _amazon_ask_channel(self, adapter):
        """One offer's getListingsItem, in every marketplace it is offered in:
        Amazon fulfils it if it does in any of them."""
        self.ensure_one()
        marketplaces = self.marketplace_id or self.account_id.marketplace_ids
        channels, missing = set(), []
        for marketplace in marketplaces:
            try:
                item = adapter.get_listings_item(
                    self.sku,
                    marketplace_ids=[marketplace.marketplace_id],
                    included_data=["summaries", "fulfillmentAvailability"],
                )
            except AmazonPermanentError as error:
                if error.status == 404:
                    missing.append(marketplace.name)
                    continue
                if isinstance(error, AmazonAuthError):
                    raise
                self.write({"channel_note": str(error)})
                return
            channels.add(channel_of_listings_item(item))
        if AMAZON in channels:
            channel = AMAZON
        elif MERCHANT in channels and None not in channels:
            channel = MERCHANT
        else:
            channel = None
        if channel is None:
            self.write(
                {
                    "channel_note": self.env._(
                        "Amazon has no listing of %(sku)s in %(marketplaces)s: "
                        "nothing is sent until it has one.",
                        sku=self.sku,
                        marketplaces=", ".join(missing),
                    )
                    if missing and not channels
                    else self.env._(
                        "Amazon's listing of %s does not say who fulfils it: "
                        "nothing is sent.",
                        self.sku,
                    )
                }
            )
            return
        values = {"channel_unknown": False, "channel_note": False}
        if channel != self.fulfillment_channel:
            values["fulfillment_channel"] = channel
            values["channel_note"] = self.env._(
                "Amazon says %s: set from its listing.",
                self.env._("Amazon fulfils this offer")
                if channel == AMAZON
                else self.env._("the seller fulfils this offer"),
            )
        self.write(values)

    # ------------------------------------------------------------ the verdict

    def _amazon_feed_done(self, feed, report):
        """The listings feed's processing report: each message's verdict on its
        offer. "Last sent" records only what Amazon accepted."""
        mapping = {int(k): v for k, v in (feed.messages or {}).items()}
        offers = feed._amazon_records()
        try:
            verdicts = parse_listings_report(report, mapping)
        except UnclearReport as error:
            return offers._amazon_feed_retry(
                feed,
                self.env._(
                    "Amazon's report of feed %(feed)s does not say what became of "
                    "each offer (%(reason)s): sent again at the next export.",
                    feed=feed.amazon_feed_ref,
                    reason=error,
                ),
            )
        sent = _sent_values(feed)
        now = fields.Datetime.now()
        # Sold out (patchListingsItem) after this feed left with a quantity:
        # Amazon now holds the feed's older quantity, checked again below.
        raced = offers.filtered(
            lambda o: (
                o.last_sent_qty == 0
                and o.last_sent_qty_date
                and o.last_sent_qty_date >= feed.create_date
            )
        )
        accepted = defaultdict(list)
        refused = 0
        kinds_accepted, kinds_refused = Counter(), Counter()
        by_id = {offer.id: offer for offer in offers}
        for message_id, offer_id in mapping.items():
            offer = by_id.get(offer_id)
            verdict = verdicts.get(message_id)
            if offer is None or verdict is None:
                continue
            current = offer.feed_id == feed
            qty, handling_time, price = sent.get(message_id, (None, None, None))
            warning = "\n".join(verdict.warnings) or False
            if verdict.accepted:
                accepted[(qty, handling_time, price, current, warning)].append(offer.id)
                kinds_accepted.update(_kinds(qty, price))
                continue
            refused += 1
            kinds_refused.update(_kinds(qty, price))
            if current:
                offer.write(
                    {
                        "state": "error",
                        "feed_id": False,
                        "error": "\n".join(verdict.errors),
                        "warning": warning,
                    }
                )
        for (qty, handling_time, price, current, warning), ids in accepted.items():
            values = {}
            if qty is not None:
                values.update(
                    last_sent_qty=qty,
                    last_sent_qty_date=now,
                    last_sent_handling_time=handling_time or 0,
                )
            if price is not None:
                values.update(last_sent_price=price, last_sent_price_date=now)
            if current:
                values.update(state="ok", feed_id=False, error=False, warning=warning)
            self.browse(ids).write(values)
        raced = raced.filtered(lambda o: o.last_sent_qty > 0)
        if raced:
            self._amazon_stock_changed(raced.product_id)
        self._amazon_record_verdicts(feed.account_id, kinds_accepted, kinds_refused)
        return self.env._(
            "%(ok)s offer(s) accepted by Amazon, %(refused)s refused.",
            ok=sum(len(ids) for ids in accepted.values()),
            refused=refused,
        )

    @api.model
    def _amazon_record_verdicts(self, account, accepted, refused):
        """The account's last stock and prices runs from a listings feed's
        verdicts (``Counter`` of messages per kind): each kind the feed
        carried, failed when Amazon refused any of its values."""
        for kind in sorted(set(accepted) | set(refused)):
            counts = {"refused": refused[kind], "total": accepted[kind] + refused[kind]}
            if kind == "stock":
                summary = (
                    self.env._(
                        "Amazon refused %(refused)s of %(total)s quantity(ies)",
                        **counts,
                    )
                    if refused[kind]
                    else self.env._("%(total)s quantity(ies) sent to Amazon", **counts)
                )
            else:
                summary = (
                    self.env._(
                        "Amazon refused %(refused)s of %(total)s price(s)", **counts
                    )
                    if refused[kind]
                    else self.env._("%(total)s price(s) sent to Amazon", **counts)
                )
            account._amazon_record_run(kind, summary, failed=bool(refused[kind]))

    def _amazon_feed_failed(self, feed, reason):
        """Amazon ended the feed FATAL or CANCELLED: its offers stay pending with
        the reason and are sent again at the next export."""
        return feed._amazon_records()._amazon_feed_retry(
            feed,
            self.env._(
                "Feed %(feed)s failed, sent again at the next export: %(reason)s",
                feed=feed.amazon_feed_ref or feed.id,
                reason=reason,
            ),
        )

    def _amazon_feed_retry(self, feed, reason):
        """Nothing of the feed is known applied: its offers pending with
        ``reason``, the account's last runs of what it carried failed."""
        self.filtered(lambda o: o.feed_id == feed).write(
            {
                "state": "pending",
                "feed_id": False,
                "attempted_at": False,
                "error": reason,
            }
        )
        carried = {
            kind
            for qty, _ht, price in _sent_values(feed).values()
            for kind in _kinds(qty, price)
        }
        # A document that cannot be read back: whatever it carried failed.
        for kind in sorted(carried or ("prices", "stock")):
            feed.account_id._amazon_record_run(kind, reason, failed=True)
        return reason

    # ------------------------------------------------------- sooner than cron

    @api.model
    def _amazon_stock_changed(self, products):
        """Stock of ``products`` moved (or a Pending order reserved or released
        them): their offers (and their kits' offers) are checked once, when the
        transaction commits, however many moves it made."""
        product_ids = set(products.ids)
        if not product_ids:
            return
        data = self.env.cr.precommit.data
        pending = data.get(PRECOMMIT_KEY)
        if pending is None:
            pending = data[PRECOMMIT_KEY] = set()
            self.env.cr.precommit.add(self.sudo()._amazon_stock_check)
        pending |= product_ids

    @api.model
    def _amazon_stock_check(self):
        """Precommit hook: see :meth:`_amazon_stock_recheck`. It runs after the
        transaction's own flush, so it flushes what it wrote (as mail's
        tracking does)."""
        product_ids = self.env.cr.precommit.data.pop(PRECOMMIT_KEY, set())
        self._amazon_stock_recheck(product_ids)
        self.env.flush_all()

    @api.model
    def _amazon_stock_recheck(self, product_ids):
        """Export soon the offers of the products whose stock changed in this
        transaction; an offer that just sold out is sent at once, alone (a
        burst of them goes with the export instead)."""
        products = self.env["product.product"].browse(product_ids).exists()
        if not products or not self.env["amazon.account"]._amazon_connector_enabled():
            return
        offers = self._amazon_offers_of(products)
        if not offers:
            return
        self._amazon_trigger_export()
        selling = offers.filtered(
            lambda o: (
                o.sync_stock
                and o.fulfillment_channel == "merchant"
                and not o.channel_unknown
                and o._amazon_may_be_selling()
            )
        )
        if not selling:
            return
        figures = selling._amazon_availability()
        sold_out = selling.filtered(
            lambda o: o.id in figures and figures[o.id].quantity == 0
        )
        if len(sold_out) > SOLD_OUT_PATCH_LIMIT:
            return  # the export, triggered above, sends them in one feed
        for offer in sold_out:
            offer.with_delay(
                identity_key=identity_exact,
                description=self.env._("Tell Amazon %s sold out", offer.sku),
            )._amazon_send_sold_out()

    def _amazon_may_be_selling(self):
        """Amazon may be offering units of this offer: it accepted some, was
        never told, or has units on their way to it."""
        self.ensure_one()
        return (
            self.last_sent_qty > 0
            or not self.last_sent_qty_date
            or bool(self.feed_id and self.attempted_qty > 0)
        )

    @api.model
    def _amazon_prices_changed(self, products=None):
        """A product's price or an Amazon pricelist changed: export soon (the
        export compares every price with what Amazon accepted)."""
        if not self.env["amazon.account"]._amazon_connector_enabled():
            return
        domain = [("sync_price", "=", True)]
        if products is not None:
            domain.append(("product_id", "in", products.ids))
        if self.sudo().search_count(domain, limit=1):
            self._amazon_trigger_export()

    @api.model
    def _amazon_offers_of(self, products):
        """The active offers of ``products`` and of the kits they are part of."""
        product_ids = set(products.ids)
        if "mrp.bom" in self.env:
            self.env.flush_all()
            self.env.cr.execute(
                """
                SELECT pp.id FROM mrp_bom_line bl
                  JOIN mrp_bom b ON b.id = bl.bom_id
                  JOIN product_product pp ON pp.product_tmpl_id = b.product_tmpl_id
                   AND (b.product_id IS NULL OR b.product_id = pp.id)
                 WHERE bl.product_id = ANY(%s) AND b.type = 'phantom' AND b.active
                """,
                [list(product_ids)],
            )
            product_ids |= {row[0] for row in self.env.cr.fetchall()}
        return self.search([("product_id", "in", list(product_ids))])

    @api.model
    def _amazon_trigger_export(self):
        """Run the export cron in a minute, unless a run is already due: a burst
        of moves makes one feed."""
        cron = self.sudo().env.ref(
            "amazon_connector.ir_cron_amazon_export_offers", raise_if_not_found=False
        )
        if not cron or not cron.active:
            return
        self.env.cr.execute(
            "SELECT 1 FROM ir_cron_trigger WHERE cron_id = %s AND call_at >= %s"
            " LIMIT 1",
            [cron.id, fields.Datetime.now()],
        )
        if not self.env.cr.fetchone():
            cron._trigger(
                fields.Datetime.add(fields.Datetime.now(), seconds=EXPORT_DEBOUNCE)
            )

    def _amazon_send_sold_out(self):
        """Job: tell Amazon at once (patchListingsItem) that this offer sold out.
        Idempotent: nothing is sent when it is not at 0 any more, or Amazon has
        0 already."""
        self.ensure_one()
        offer = self.sudo()
        if not offer.exists() or not offer.active:
            return self.env._("Nothing done: the offer no longer exists.")
        blocked = offer.account_id._amazon_job_blocker()
        if blocked:
            return blocked
        if offer.channel_unknown or offer.fulfillment_channel != "merchant":
            return self.env._(
                "Nothing done: %s is not a confirmed merchant-fulfilled offer.",
                offer.sku,
            )
        figure = offer._amazon_availability().get(offer.id)
        if figure is None or figure.quantity != 0 or not offer.sync_stock:
            return self.env._("Nothing done: %s is not sold out.", offer.sku)
        if not offer._amazon_may_be_selling():
            return self.env._("Nothing done: Amazon has 0 of %s already.", offer.sku)
        if not (offer.product_type or "").strip():
            return self.env._("Nothing done: %s has no product type.", offer.sku)
        marketplaces = offer.marketplace_id or offer.account_id.marketplace_ids
        try:
            with offer.account_id._amazon_session(**JOB_SESSION) as adapter:
                answer = adapter.patch_listings_item(
                    offer.sku,
                    marketplace_ids=marketplaces.mapped("marketplace_id"),
                    product_type=offer.product_type.strip(),
                    patches=[stock_patch(0, offer.handling_time)],
                )
        except AmazonRetryableError as error:
            raise retry_later(error) from error
        except AmazonPermanentError as error:
            if isinstance(error, AmazonAuthError):
                offer.account_id._amazon_mark_error(error)
            offer.write({"state": "error", "error": str(error)})
            offer._amazon_record_sold_out(str(error))
            return str(error)
        issues = [
            f"Amazon {issue.get('code')}: {issue.get('message')}"
            for issue in answer.get("issues") or []
            if issue.get("severity", "ERROR") == "ERROR"
        ]
        if answer.get("status") == "ACCEPTED" and not issues:
            offer.write(
                {
                    "last_sent_qty": 0,
                    "last_sent_qty_date": fields.Datetime.now(),
                    "last_sent_handling_time": offer.handling_time,
                    "attempted_qty": 0,
                    "attempted_at": fields.Datetime.now(),
                    "state": "ok" if not offer.feed_id else offer.state,
                    "error": False,
                }
            )
            offer._amazon_record_sold_out()
            return self.env._("%s sold out: Amazon told.", offer.sku)
        message = "\n".join(issues) or self.env._(
            "Amazon answered %s.", answer.get("status")
        )
        offer.write({"state": "error", "error": message})
        offer._amazon_record_sold_out(message)
        return message

    def _amazon_record_sold_out(self, error=None):
        """The sold-out patch as the account's last stock run."""
        self.ensure_one()
        self.account_id._amazon_record_run(
            "stock",
            self.env._(
                "Amazon refused the quantity 0 of %(sku)s: %(error)s",
                sku=self.sku,
                error=error,
            )
            if error
            else self.env._("%s sold out: Amazon told", self.sku),
            failed=bool(error),
        )


def _attempt_stands(row):
    """The last value sent is still what counts: on its way to Amazon (a feed
    not answered yet) or refused by it."""
    return bool(row["attempted_at"]) and (
        row["feed_in_flight"] or (row["state"] == "error" and not row["feed_id"])
    )


def _kinds(qty, price):
    """The synchronisations a listings message is part of (``amazon.sync.run``
    kinds): stock when it sets a quantity, prices when it sets a price."""
    return (("prices",) if price is not None else ()) + (
        ("stock",) if qty is not None else ()
    )


def _sent_values(feed):
    """{message id: (quantity, handling time, price)} of the feed's own
    document: what each message asked Amazon to set (None where it did not say)."""
    try:
        document = json.loads(base64.b64decode(feed.document))
    except (ValueError, TypeError):
        return {}
    values = {}
    for message in document.get("messages", []):
        qty = handling_time = price = None
        for patch in message.get("patches", []):
            value = (patch.get("value") or [{}])[0]
            if patch.get("path") == STOCK_PATH:
                qty = value.get("quantity")
                handling_time = value.get("lead_time_to_ship_max_days")
            elif patch.get("path") == PRICE_PATH:
                schedule = (value.get("our_price") or [{}])[0].get("schedule") or [{}]
                price = schedule[0].get("value_with_tax")
        values[message.get("messageId")] = (qty, handling_time, price)
    return values
