# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestMarketplaceData(TransactionCase):
    def test_every_sp_api_marketplace_is_shipped(self):
        marketplaces = self.env["amazon.marketplace"].search([])
        self.assertEqual(len(marketplaces), 23)
        by_code = {m.code: m for m in marketplaces}
        de = by_code["DE"]
        self.assertEqual(de.marketplace_id, "A1PA6795UKMFR9")
        self.assertEqual(de.name, "Amazon.de")
        self.assertEqual(de.region, "eu")
        self.assertEqual(de.country_id.code, "DE")
        self.assertEqual(de.currency_id.name, "EUR")
        self.assertEqual(by_code["UK"].country_id.code, "GB")
        self.assertEqual(by_code["JP"].currency_id.name, "JPY")
        self.assertEqual(by_code["JP"].region, "fe")
        self.assertEqual(by_code["US"].region, "na")
        regions = {
            region: len(marketplaces.filtered(lambda m, r=region: m.region == r))
            for region in ("na", "eu", "fe")
        }
        self.assertEqual(regions, {"na": 4, "eu": 16, "fe": 3})
