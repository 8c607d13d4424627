# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""18.0.1.2.0: the fulfillment feed's job belongs to the deliveries.

``_amazon_send_fulfillment_feed`` moved from ``amazon.account`` to
``stock.picking``; its queue job function (channel and retry pattern, a
``noupdate`` record) follows it. A job queued before the upgrade on the account
still runs: the account hands it to its deliveries.
"""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    function = env.ref(
        "amazon_connector.queue_job_function_fulfillment_feed",
        raise_if_not_found=False,
    )
    if function:
        function.model_id = env.ref("stock.model_stock_picking")
