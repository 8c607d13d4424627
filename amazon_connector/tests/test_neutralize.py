# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from odoo.modules.neutralize import get_installed_modules, get_neutralization_queries
from odoo.tests import tagged

from .common import AmazonCommon


@tagged("post_install", "-at_install")
class TestNeutralize(AmazonCommon):
    def test_copied_database_never_talks_to_amazon(self):
        self.assertIn("amazon_connector", get_installed_modules(self.env.cr))
        (query,) = get_neutralization_queries(["amazon_connector"])
        crons = self.env["ir.cron"].search(
            [("ir_actions_server_id.model_id.model", "like", "amazon.%")]
        )
        self.assertTrue(crons)
        other_cron = self.env.ref("queue_job.ir_cron_autovacuum_queue_jobs")
        (crons | other_cron).active = True
        self.assertTrue(self.account.active)
        self.env.flush_all()
        self.env.cr.execute(query)
        self.env.invalidate_all()
        self.assertFalse(self.account.active)
        self.assertFalse(any(crons.mapped("active")))
        self.assertTrue(other_cron.active, "only the connector's own crons are touched")
