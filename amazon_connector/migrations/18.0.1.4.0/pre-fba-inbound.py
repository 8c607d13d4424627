# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""18.0.1.4.0: the Send to Amazon figures of transfers, created empty.

The transfer's FBA account, units sent, received and missing and inbound status
are stored computed fields: Odoo would compute them for every transfer of the
database while upgrading. Before this version no account has a Send to Amazon
type, so no transfer has an FBA account nor figures: the columns are created
empty (NULL), which is what the computation would give, and the upgrade
computes nothing.
"""

from odoo.tools import sql

COLUMNS = (
    ("amazon_fba_account_id", "int4"),
    ("amazon_fba_units_sent", "int4"),
    ("amazon_fba_units_received", "int4"),
    ("amazon_fba_units_missing", "int4"),
    ("amazon_inbound_status", "varchar"),
)


def migrate(cr, version):
    if not version:
        return
    for column, column_type in COLUMNS:
        if not sql.column_exists(cr, "stock_picking", column):
            sql.create_column(cr, "stock_picking", column, column_type)
