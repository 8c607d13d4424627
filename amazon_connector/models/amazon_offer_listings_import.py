# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from odoo import api, models
from odoo.tools import float_compare

from ..amazon.fulfillment import AMAZON, MERCHANT
from ..amazon.listings_report import REPORT_TYPE as LISTINGS_REPORT_TYPE
from ..amazon.listings_report import parse_merchant_listings

#: What an offer of every marketplace takes from one marketplace's report: what
#: the SKU is, not Amazon's figures, which differ per marketplace.
EVERY_MARKETPLACE_FIELDS = (
    "asin",
    "title",
    "fulfillment_channel",
    "channel_unknown",
    "channel_note",
    "product_type",
)


class AmazonOfferListingsImport(models.Model):
    """The listings import: each marketplace's All Listings Report asked of Amazon
    (an ``amazon.report`` per marketplace, this model its owner) and turned into
    offers, SKU → product by Internal Reference."""

    _name = "amazon.offer"
    _inherit = ["amazon.offer", "amazon.report.owner"]

    @api.model
    def _amazon_request_listings(self, account, marketplace):
        """Ask Amazon for the listings report of ``marketplace``: its report,
        requested and checked as later jobs; return the request's job."""
        report = self.env["amazon.report"]._amazon_create(
            account, LISTINGS_REPORT_TYPE, self, marketplaces=marketplace
        )
        return report._amazon_queue_request()

    # ------------------------------------------------ the report owner's contract

    @api.model
    def _amazon_report_done(self, report, document):
        """Read the listings report and apply it. A report that cannot be read
        raises ``ValueError``: refused whole, nothing applied."""
        self = self.sudo()
        account, marketplace = report.account_id, report.marketplace_ids[:1]
        listings = parse_merchant_listings(
            document.content,
            charset=document.charset,
            marketplace_id=marketplace.marketplace_id,
            region=account.region,
        )
        return self._amazon_apply_listings(account, marketplace, listings)

    @api.model
    def _amazon_report_failed(self, report, reason):
        marketplace = report.marketplace_ids[:1]
        if report.state == "fatal":
            message = self.env._(
                "Amazon could not produce the listings report of %(marketplace)s "
                "(%(status)s): import the listings again later. %(reason)s",
                marketplace=marketplace.name,
                status=report.amazon_status or "?",
                reason=reason,
            )
        else:
            message = self.env._(
                "The listings report of %(marketplace)s was not imported: "
                "%(reason)s Import the listings again later.",
                marketplace=marketplace.name,
                reason=reason,
            )
        return report.account_id._amazon_listings_message(message)

    @api.model
    def _amazon_report_cancelled(self, report, note):
        # Amazon cancels a report that has no data.
        return report.account_id._amazon_listings_message(
            self.env._(
                "Amazon has no listings on %(marketplace)s to report (report "
                "%(report)s cancelled): nothing imported.",
                marketplace=report.marketplace_ids[:1].name,
                report=report.amazon_report_ref,
            )
        )

    # ------------------------------------------------------------ applying

    @api.model
    def _amazon_apply_listings(self, account, marketplace, listings):
        """Create or update the offers of ``marketplace`` from Amazon's listings
        (SKU → product by Internal Reference); return the summary posted on the
        account. Applying the same listings twice writes nothing."""
        rows = listings.rows
        skus = [row.sku for row in rows]
        existing = self._amazon_listed_offers(account, marketplace, skus)
        products = self._amazon_listed_products(account, skus)
        created, updated, unchanged, unmatched = 0, 0, 0, []
        to_create = []
        for row in rows:
            values = self._amazon_listing_values(row)
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
                values = offer._amazon_every_marketplace_values(values, marketplace)
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
        summary = self._amazon_listings_summary(
            marketplace, listings, (created, updated, unchanged), unmatched
        )
        return account._amazon_listings_message(summary)

    @api.model
    def _amazon_listed_offers(self, account, marketplace, skus):
        """{SKU: offer} of the listed SKUs for ``marketplace``."""
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
        return existing

    @api.model
    def _amazon_listed_products(self, account, skus):
        """{Internal Reference: product} of the listed SKUs."""
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
        return products

    @api.model
    def _amazon_listing_values(self, row):
        """The offer's values from one row of the report."""
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
        return values

    def _amazon_every_marketplace_values(self, values, marketplace):
        """What this offer of every marketplace takes of one marketplace's
        ``values``."""
        # Offered the same way everywhere: Amazon's figures differ per
        # marketplace, only what the SKU is applies to it.
        values = {k: v for k, v in values.items() if k in EVERY_MARKETPLACE_FIELDS}
        if (
            values.get("fulfillment_channel") == MERCHANT
            and self.fulfillment_channel == AMAZON
        ):
            # One marketplace's report cannot say Amazon fulfils it
            # nowhere: Amazon is asked in every marketplace before
            # anything is sent.
            values.update(
                fulfillment_channel=AMAZON,
                channel_unknown=True,
                channel_note=self.env._(
                    "%s's listings report says the seller fulfils this "
                    "offer, which Amazon fulfils elsewhere: Amazon is asked "
                    "in every marketplace before anything is sent.",
                    marketplace.name,
                ),
            )
        return values

    @api.model
    def _amazon_listings_summary(self, marketplace, listings, counts, unmatched):
        created, updated, unchanged = counts
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
        return summary


def _differs(offer, name, value):
    current = offer[name]
    if isinstance(current, models.BaseModel):
        current = current.id
    if isinstance(current, float) or isinstance(value, float):
        return float_compare(current or 0.0, value or 0.0, precision_digits=4) != 0
    return (current or False) != (value or False)
