# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

import logging

from odoo import api, models
from odoo.tools import float_compare

from odoo.addons.queue_job.job import identity_exact

from ..amazon.errors import AmazonPermanentError, AmazonRetryableError
from ..amazon.listings_report import REPORT_TYPE as LISTINGS_REPORT_TYPE
from ..amazon.listings_report import parse_merchant_listings
from .job_retry import retry_later

_logger = logging.getLogger(__name__)

# Seconds before each check of a requested listings report; the last repeats.
REPORT_POLL_DELAYS = (30, 60, 120, 300)
REPORT_MAX_POLLS = 30
# A job waits a few seconds for Amazon's quota at most; the rest is its retry.
JOB_SESSION = {"max_wait": 5.0, "max_attempts": 3}


class AmazonOffer(models.Model):
    """The listings import (the export, its channel checks, triggers, sold-out
    patches and feed verdicts are in the other ``amazon_offer_*`` files)."""

    _inherit = "amazon.offer"

    # ---------------------------------------------------------- listings import

    @api.model
    def _amazon_request_listings(self, account, marketplace):
        """Job: ask Amazon for the listings report of ``marketplace``; its
        checks follow as later jobs."""
        self = self.sudo()
        blocked = account._amazon_job_blocker()
        if blocked:
            return blocked
        report_id, refused = self._amazon_listings_call(
            account,
            lambda adapter: adapter.create_report(
                LISTINGS_REPORT_TYPE, marketplace_ids=[marketplace.marketplace_id]
            ),
            lambda error: self.env._(
                "Amazon refused the listings report of %(marketplace)s: %(error)s",
                marketplace=marketplace.name,
                error=error,
            ),
        )
        if refused:
            return refused
        return self._amazon_queue_listings_poll(account, marketplace, report_id, 1)

    @api.model
    def _amazon_listings_call(self, account, call, refusal):
        """``(call(adapter), None)`` in a job's SP-API session, or ``(None,
        message)`` when Amazon refused (``refusal(error)``, posted on the
        account); throttling becomes the job's retry."""
        try:
            with account._amazon_session(**JOB_SESSION) as adapter:
                return call(adapter), None
        except AmazonRetryableError as error:
            raise retry_later(error) from error
        except AmazonPermanentError as error:
            return None, account._amazon_listings_message(refusal(error))

    @api.model
    def _amazon_queue_listings_poll(self, account, marketplace, report_id, poll):
        delay = REPORT_POLL_DELAYS[min(poll - 1, len(REPORT_POLL_DELAYS) - 1)]
        job = self.with_delay(
            eta=delay,
            identity_key=identity_exact,
            description=self.env._(
                "Check Amazon listings report %(report)s (%(marketplace)s)",
                report=report_id,
                marketplace=marketplace.name,
            ),
        )._amazon_poll_listings(account, marketplace, report_id, poll)
        if self.env.context.get("queue_job__no_delay"):
            return job.result
        return self.env._(
            "Listings report %(report)s requested; checked in %(delay)s s.",
            report=report_id,
            delay=delay,
        )

    @api.model
    def _amazon_poll_listings(self, account, marketplace, report_id, poll):
        """Job: is the listings report ready? When it is, download and apply it.
        Idempotent: applying a report twice changes nothing."""
        self = self.sudo()
        blocked = account._amazon_job_blocker()
        if blocked:
            return blocked

        def fetch(adapter):
            report = adapter.get_report(report_id)
            status = report.get("processingStatus")
            if status == "DONE" and report.get("reportDocumentId"):
                return status, adapter.download_report(report["reportDocumentId"])
            return status, None

        fetched, refused = self._amazon_listings_call(
            account,
            fetch,
            lambda error: self.env._(
                "Amazon refused to give the listings report %(report)s: %(error)s",
                report=report_id,
                error=error,
            ),
        )
        if refused:
            return refused
        status, document = fetched
        if status in ("IN_QUEUE", "IN_PROGRESS"):
            if poll >= REPORT_MAX_POLLS:
                return account._amazon_listings_message(
                    self.env._(
                        "Amazon was still preparing the listings report %(report)s "
                        "after %(polls)s checks: import the listings again later.",
                        report=report_id,
                        polls=poll,
                    )
                )
            return self._amazon_queue_listings_poll(
                account, marketplace, report_id, poll + 1
            )
        if status == "CANCELLED":
            # Amazon cancels a report that has no data.
            return account._amazon_listings_message(
                self.env._(
                    "Amazon has no listings on %(marketplace)s to report (report "
                    "%(report)s cancelled): nothing imported.",
                    marketplace=marketplace.name,
                    report=report_id,
                )
            )
        if document is None:
            return account._amazon_listings_message(
                self.env._(
                    "Amazon could not produce the listings report of "
                    "%(marketplace)s (%(status)s): import the listings again later.",
                    marketplace=marketplace.name,
                    status=status or "?",
                )
            )
        try:
            listings = parse_merchant_listings(
                document.content,
                charset=document.charset,
                marketplace_id=marketplace.marketplace_id,
                region=account.region,
            )
        except ValueError as error:
            return account._amazon_listings_message(
                self.env._(
                    "The listings report of %(marketplace)s cannot be read: %(error)s",
                    marketplace=marketplace.name,
                    error=error,
                )
            )
        return self._amazon_apply_listings(account, marketplace, listings)

    @api.model
    def _amazon_apply_listings(self, account, marketplace, listings):
        """Create or update the offers of ``marketplace`` from Amazon's listings
        (SKU → product by Internal Reference); return the summary posted on the
        account. Applying the same listings twice writes nothing."""
        rows = listings.rows
        skus = [row.sku for row in rows]
        existing = {}
        for offer in self.with_context(active_test=False).search(
            [
                ("account_id", "=", account.id),
                ("sku", "in", skus),
                ("marketplace_id", "in", (marketplace.id, False)),
            ]
        ):
            # The marketplace's own offer wins over an every-marketplace one.
            if offer.marketplace_id or offer.sku not in existing:
                existing[offer.sku] = offer
        products = {}
        for product in (
            self.env["product.product"]
            .with_company(account.company_id)
            .search(
                [
                    ("default_code", "in", skus),
                    ("company_id", "in", (False, account.company_id.id)),
                ]
            )
        ):
            products.setdefault(product.default_code, product)
        created, updated, unchanged, unmatched = 0, 0, 0, []
        to_create = []
        for row in rows:
            values = {
                "asin": row.asin or False,
                "title": row.title or False,
                "amazon_qty": row.quantity or 0,
                "amazon_price": float(row.price or 0),
                "amazon_status": row.status or False,
            }
            if row.product_type:
                values["product_type"] = row.product_type
            # Who fulfils it: as the report says; when it does not say, the
            # offer keeps its channel and Amazon is asked before any export.
            if row.fulfillment_channel:
                values.update(
                    fulfillment_channel=row.fulfillment_channel,
                    channel_unknown=False,
                    channel_note=row.channel_problem or False,
                )
            else:
                values.update(
                    channel_unknown=True,
                    channel_note=self.env._(
                        "The listings report does not say who fulfils this offer "
                        "(%s): Amazon is asked before anything is sent.",
                        row.channel_text or self.env._("empty"),
                    ),
                )
            offer = existing.get(row.sku)
            product = products.get(row.sku)
            if offer is None:
                to_create.append(
                    {
                        **values,
                        "account_id": account.id,
                        "marketplace_id": marketplace.id,
                        "sku": row.sku,
                        "product_id": product.id if product else False,
                    }
                )
                created += 1
                if not product:
                    unmatched.append(row.sku)
                continue
            if not offer.marketplace_id:
                # Offered the same way everywhere: Amazon's figures differ per
                # marketplace, only what the SKU is applies to it.
                values = {
                    k: v
                    for k, v in values.items()
                    if k
                    in (
                        "asin",
                        "title",
                        "fulfillment_channel",
                        "channel_unknown",
                        "channel_note",
                        "product_type",
                    )
                }
                if (
                    values.get("fulfillment_channel") == "merchant"
                    and offer.fulfillment_channel == "amazon"
                ):
                    # One marketplace's report cannot say Amazon fulfils it
                    # nowhere: Amazon is asked in every marketplace before
                    # anything is sent.
                    values.update(
                        fulfillment_channel="amazon",
                        channel_unknown=True,
                        channel_note=self.env._(
                            "%s's listings report says the seller fulfils this "
                            "offer, which Amazon fulfils elsewhere: Amazon is asked "
                            "in every marketplace before anything is sent.",
                            marketplace.name,
                        ),
                    )
            if not offer.product_id and product:
                values["product_id"] = product.id
            changed = {
                name: value
                for name, value in values.items()
                if _differs(offer, name, value)
            }
            if changed:
                offer.write(changed)
                updated += 1
            else:
                unchanged += 1
            if not offer.product_id:
                unmatched.append(row.sku)
        if to_create:
            self.create(to_create)
        summary = self.env._(
            "Listings of %(marketplace)s imported: %(created)s offer(s) created, "
            "%(updated)s updated, %(unchanged)s unchanged.",
            marketplace=marketplace.name,
            created=created,
            updated=updated,
            unchanged=unchanged,
        )
        if unmatched:
            summary += " " + self.env._(
                "%(count)s SKU(s) match no product's Internal Reference: choose "
                "their product in Sales > Amazon > Offers (filter Unmatched): "
                "%(skus)s",
                count=len(unmatched),
                skus=", ".join(unmatched[:50]) + ("…" if len(unmatched) > 50 else ""),
            )
        if listings.problems:
            summary += " " + self.env._(
                "Problems: %s", "; ".join(listings.problems[:20])
            )
        return account._amazon_listings_message(summary)


def _differs(offer, name, value):
    current = offer[name]
    if isinstance(current, models.BaseModel):
        current = current.id
    if isinstance(current, float) or isinstance(value, float):
        return float_compare(current or 0.0, value or 0.0, precision_digits=4) != 0
    return (current or False) != (value or False)
