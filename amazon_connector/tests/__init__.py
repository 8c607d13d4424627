# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
# Odoo's test runner (odoo-bin --test-tags /amazon_connector) runs the test classes of
# the modules imported here: every module holding Odoo test cases (TransactionCase...).
# The plain pytest modules of the wire layer (adapter, payload parsing, simulator...)
# are not listed: pytest alone runs them. test_odoo_test_loader.py fails naming any
# Odoo test module missing here.
from . import test_account
from . import test_api_log
from . import test_connection
from . import test_i18n
from . import test_marketplace_data
from . import test_neutralize
from . import test_order_cancel
from . import test_order_import
from . import test_order_import_access
from . import test_order_import_companies
from . import test_order_import_money
from . import test_order_import_money_lines
from . import test_order_import_robustness
from . import test_order_import_vat
from . import test_order_import_windows
from . import test_order_vat_included
from . import test_offer_availability
from . import test_offer_export
from . import test_offer_listings_import
from . import test_report
from . import test_returns_fetch
from . import test_returns_merchant
from . import test_order_views
from . import test_other_modules_tables
from . import test_overview
from . import test_security
from . import test_settings
from . import test_settlement_views
from . import test_settlement_booking
from . import test_settlement_cases
from . import test_settlement_formats
from . import test_settlement_real_files
from . import test_settlement_refunds
from . import test_shipment_confirmation
from . import test_shipment_feed
from . import test_shipment_invoices
from . import test_shipment_kits
from . import test_shipment_packages
from . import test_sync_runs
from . import test_tour_checks
from . import test_tours
from . import test_upgrade
from . import test_returns_fba
from . import test_fba_inbound
from . import test_fba_reimbursement
from . import test_fba_difference
from . import test_fba_ledger
from . import test_fba_ledger_fetch
from . import test_fba_month
from . import test_vat_invoice_report
from . import test_business_buyer
from . import test_vat_invoice_upload
from . import test_pii_retention
