# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""18.0.1.1.0: a delivery with nothing to tell Amazon has no Amazon sync state.

Up to 18.0.1.0.0 ``stock_picking.amazon_sync_state`` was NOT NULL with the value
``none``; the ORM has dropped the NOT NULL by now, this turns ``none`` into NULL.
"""


def migrate(cr, version):
    cr.execute(
        "UPDATE stock_picking SET amazon_sync_state = NULL "
        "WHERE amazon_sync_state = 'none'"
    )
