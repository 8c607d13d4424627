# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

ADDON = "amazon_connector"


@tagged("post_install", "-at_install")
class TestColumnsOnOtherModulesTables(TransactionCase):
    """The connector sits inside a seller's ERP: a column it adds to another
    module's table is never NOT NULL in the database. Rows of those tables are
    created by code that does not know the column (Odoo's at-install tests of the
    modules below this one, ``-u stock``, raw inserts by other addons), and a NOT NULL
    column would make every such insert fail."""

    def _added_columns(self):
        """(table, column) of every stored field this addon adds to a model another
        module owns."""
        added = []
        for model_name in self.env.registry:
            model = self.env[model_name]
            if model._abstract or not model._auto or model._original_module == ADDON:
                continue
            for name, field in model._fields.items():
                if field._module == ADDON and field.store and field.column_type:
                    added.append((model._table, name))
        return added

    def test_no_column_added_to_another_modules_table_is_not_null(self):
        added = self._added_columns()
        # Not vacuous: the delivery's sync state and the order's Amazon reference
        # are among them.
        self.assertIn(("stock_picking", "amazon_sync_state"), added)
        self.assertIn(("sale_order", "amazon_order_ref"), added)
        self.env.cr.execute(
            """
            SELECT table_name, column_name, is_nullable
              FROM information_schema.columns
             WHERE table_schema = current_schema()
               AND (table_name, column_name) IN %s
            """,
            [tuple(added)],
        )
        found = {
            (table, column): nullable
            for table, column, nullable in self.env.cr.fetchall()
        }
        self.assertEqual(
            set(found), set(added), "every added column is in the database"
        )
        not_null = sorted(
            f"{t}.{c}" for (t, c), nullable in found.items() if nullable == "NO"
        )
        self.assertFalse(
            not_null,
            "columns added to other modules' tables must be nullable (a Python "
            "default, a computed field or NULL meaning 'nothing to do')",
        )

    def test_a_delivery_inserted_without_the_connector_columns(self):
        """What Odoo's own code does while the registry does not know the
        connector yet: insert a picking naming only the columns of its modules."""
        picking_type = self.env.ref("stock.picking_type_out")
        ours = {
            column
            for table, column in self._added_columns()
            if table == "stock_picking"
        }
        self.env.cr.execute(
            """
            SELECT column_name FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name = 'stock_picking'
               AND is_nullable = 'NO' AND column_default IS NULL
            """
        )
        required = {column for (column,) in self.env.cr.fetchall()} - ours
        values = {
            "name": "WH/OUT/RAW",
            "picking_type_id": picking_type.id,
            "location_id": picking_type.default_location_src_id.id,
            "location_dest_id": self.env.ref("stock.stock_location_customers").id,
            "company_id": self.env.company.id,
            "move_type": "direct",
            "state": "draft",
        }
        self.assertLessEqual(
            required, set(values), "the insert names every required column"
        )
        columns = sorted(values)
        self.env.cr.execute(
            SQL(
                "INSERT INTO stock_picking (%s) VALUES %s RETURNING id",
                SQL(", ").join(SQL.identifier(column) for column in columns),
                tuple(values[column] for column in columns),
            )
        )
        picking = self.env["stock.picking"].browse(self.env.cr.fetchone()[0])
        self.assertFalse(picking.amazon_sync_state, "nothing to tell Amazon")
        self.assertNotIn(
            picking,
            self.env["stock.picking"].search([("amazon_sync_state", "!=", False)]),
        )
