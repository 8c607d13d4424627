# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""amazon.report: requested (createReport, getReport as later jobs) or found
(getReports), its document handed to its owner, and what Amazon answers badly:
CANCELLED, FATAL, a report never ready, an owner deleted meanwhile; Retry.

The reports are the simulator's: the All Listings Report it builds from its
listings (createReport) and the V2 settlement reports it publishes (getReports)."""

from unittest.mock import patch

from lxml import etree
from psycopg2 import IntegrityError

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval

from .common import AmazonSimulatorCommon
from .job_runner import run_jobs
from .test_upgrade import _migration

LISTINGS = "GET_MERCHANT_LISTINGS_ALL_DATA"
SETTLEMENT = "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2"


@tagged("post_install", "-at_install")
class TestReport(AmazonSimulatorCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account.state = "connected"
        cls.owner_class = type(cls.env["amazon.report.owner"])

    def setUp(self):
        super().setUp()
        state = self.simulator.state
        with state.lock:
            state.reports.clear()
            state.listings.clear()
        self.addCleanup(setattr, state, "report_processing_polls", 1)
        self.handed = []
        for name in (
            "_amazon_report_done",
            "_amazon_report_failed",
            "_amazon_report_cancelled",
        ):
            self.startPatcher(
                patch.object(self.owner_class, name, self._owner_hook(name))
            )

    def _owner_hook(self, name):
        def hook(owner, report, argument):
            self.handed.append((name, owner, report, argument))
            return f"{name} said so"

        return hook

    def request(self, owner=None, retry=True):
        report = self.env["amazon.report"]._amazon_create(
            self.account,
            LISTINGS,
            owner if owner is not None else self.env["amazon.report.owner"],
            marketplaces=self.marketplace_de,
        )
        with run_jobs(retry=retry) as run:
            report._amazon_queue_request()
        self.run = run
        return report

    def test_a_requested_report_is_polled_then_handed_to_its_owner(self):
        self.simulator.state.report_processing_polls = 3
        self.simulator.state.add_listing("REP-1", marketplace="DE", quantity=4)
        report = self.request()
        self.assertEqual(
            self.run.methods(),
            ["_amazon_request", "_amazon_poll", "_amazon_poll", "_amazon_poll"],
        )
        self.assertEqual([round(d) for d in self.run.delays], [30, 60, 120])
        self.assertEqual((report.state, report.polls), ("done", 3))
        self.assertEqual(report.amazon_status, "DONE")
        self.assertTrue(report.amazon_report_ref and report.amazon_document_ref)
        self.assertEqual(report.result, "_amazon_report_done said so")
        [(name, owner, handed_report, document)] = self.handed
        self.assertEqual(
            (name, owner._name, handed_report),
            ("_amazon_report_done", "amazon.report.owner", report),
        )
        self.assertIn(b"REP-1", document.content)
        self.assertEqual(report.document_charset, document.charset)
        self.assertTrue(report.document)
        self.assertFalse(report.next_check)

    def test_a_poll_that_already_ran_does_nothing(self):
        self.simulator.state.add_listing("REP-2", marketplace="DE", quantity=1)
        report = self.request()
        self.assertEqual(report.state, "done")
        calls = len(self.simulator.state.calls)
        self.assertIn("already ran", report._amazon_poll(report.polls))
        self.assertIn("already", report._amazon_request())
        self.assertEqual(len(self.simulator.state.calls), calls, "Amazon not asked")
        self.assertEqual(len(self.handed), 1)

    def test_cancelled_is_done_with_a_note_not_an_error(self):
        # The simulator cancels a report with no data: no listing on DE.
        report = self.request()
        self.assertEqual(report.state, "cancelled")
        self.assertFalse(report.document)
        [(name, _owner, _report, note)] = self.handed
        self.assertEqual(name, "_amazon_report_cancelled")
        self.assertIn("no data", note)
        self.assertEqual(report.result, "_amazon_report_cancelled said so")

    def test_fatal_is_an_error_with_amazons_document(self):
        self.simulator.state.add_listing("REP-3", marketplace="DE", quantity=1)
        self.simulator.state.inject_fault("createReport", "fatal")
        report = self.request()
        self.assertEqual((report.state, report.amazon_status), ("fatal", "FATAL"))
        [(name, _owner, _report, reason)] = self.handed
        self.assertEqual(name, "_amazon_report_failed")
        self.assertIn("FATAL", reason)
        self.assertIn("errorDetails", reason, "Amazon's error document quoted")
        self.assertTrue(report.document, "Amazon's error document kept")

    def test_a_report_never_ready_ends_in_error_and_can_be_retried(self):
        state = self.simulator.state
        state.add_listing("REP-4", marketplace="DE", quantity=2)
        state.report_processing_polls = 10**6
        report = self.request()
        self.assertEqual((report.state, report.polls), ("error", 30))
        self.assertEqual(self.handed[-1][0], "_amazon_report_failed")
        self.assertIn("not ready after 30 checks", self.handed[-1][3])
        self.assertEqual(report.result, "_amazon_report_failed said so")
        self.assertEqual(round(self.run.delays[-1]), 300, "the last delay repeats")
        # Amazon gets there: Retry checks the same report again.
        state.report_processing_polls = 1
        with state.lock:
            state.reports[report.amazon_report_ref]["polls"] = 0
        ref = report.amazon_report_ref
        with run_jobs() as run:
            report.with_user(self.amazon_admin).action_retry()
        self.assertEqual(run.methods(), ["_amazon_poll"])
        self.assertEqual((report.state, report.amazon_report_ref), ("done", ref))
        self.assertEqual(self.handed[-1][0], "_amazon_report_done")

    def test_retry_of_a_fatal_report_asks_a_new_one(self):
        self.simulator.state.add_listing("REP-5", marketplace="DE", quantity=1)
        self.simulator.state.inject_fault("createReport", "fatal")
        report = self.request()
        fatal_ref = report.amazon_report_ref
        with run_jobs() as run:
            report.action_retry()
        self.assertEqual(run.methods(), ["_amazon_request", "_amazon_poll"])
        self.assertEqual(report.state, "done")
        self.assertNotEqual(report.amazon_report_ref, fatal_ref)

    def test_only_ended_reports_are_retried_and_by_managers(self):
        self.simulator.state.add_listing("REP-6", marketplace="DE", quantity=1)
        report = self.request()
        with self.assertRaises(UserError):
            report.action_retry()
        self.simulator.state.inject_fault("createReport", "cancelled")
        cancelled = self.request()
        self.assertEqual(cancelled.state, "cancelled")
        with self.assertRaises(UserError):
            cancelled.with_user(self.salesman).action_retry()

    def test_an_owner_deleted_meanwhile_changes_nothing(self):
        self.simulator.state.add_listing("REP-7", marketplace="DE", quantity=1)
        partner = self.env["res.partner"].create({"name": "Gone soon"})
        report = self.env["amazon.report"]._amazon_create(
            self.account, LISTINGS, partner, marketplaces=self.marketplace_de
        )
        self.assertEqual((report.res_model, report.res_id), ("res.partner", partner.id))
        with run_jobs() as run:
            report._amazon_queue_request()
            partner.unlink()
        self.assertEqual(report.state, "done")
        self.assertIn("deleted: nothing changed", report.result)
        self.assertIn("deleted", run.last_result)
        self.assertFalse(self.handed, "no owner to hand it to")

    def test_unreadable_document_is_an_error_and_rolls_the_owner_back(self):
        self.simulator.state.add_listing("REP-8", marketplace="DE", quantity=1)
        partner = self.env["res.partner"].create({"name": "Kept"})

        def done(owner, report, document):
            partner.name = "Changed"
            raise ValueError("column sku missing")

        with patch.object(self.owner_class, "_amazon_report_done", done):
            report = self.request()
        self.assertEqual(report.state, "error")
        self.assertEqual(partner.name, "Kept")
        self.assertEqual(self.handed[-1][0], "_amazon_report_failed")
        self.assertIn("cannot be read: column sku missing", self.handed[-1][3])

    def test_amazon_refusing_the_request_is_an_error(self):
        self.simulator.state.add_listing("REP-9", marketplace="DE", quantity=1)
        report = self.env["amazon.report"]._amazon_create(
            self.account, "GET_NOT_A_REPORT", self.env["amazon.report.owner"]
        )
        with run_jobs() as run:
            report._amazon_queue_request()
        self.assertEqual(run.methods(), ["_amazon_request"])
        self.assertEqual(report.state, "error")
        self.assertIn("Amazon refused the report", self.handed[-1][3])
        self.assertEqual(report.result, "_amazon_report_failed said so")
        self.assertFalse(report.amazon_report_ref)

    def test_found_reports_are_recorded_once_and_downloaded(self):
        state = self.simulator.state
        first = state.add_settlement_report(marketplace="DE")
        second = state.add_settlement_report(marketplace="DE", compress=True)
        owner = self.env["amazon.report.owner"]
        with run_jobs() as run:
            listed, new = self.env["amazon.report"]._amazon_find(
                self.account, SETTLEMENT, owner
            )
            new._amazon_queue_downloads()
        self.assertEqual({f.report_id for f in listed}, {first, second})
        self.assertEqual(set(new.mapped("amazon_report_ref")), {first, second})
        self.assertEqual(run.methods(), ["_amazon_download", "_amazon_download"])
        for report in new:
            self.assertEqual((report.state, report.origin), ("done", "found"))
            self.assertEqual(report.marketplace_ids, self.marketplace_de)
            self.assertTrue(report.data_start and report.data_end)
        documents = [argument for *_rest, argument in self.handed]
        self.assertTrue(
            all(d.content.startswith(b"settlement-id\t") for d in documents),
            "ungzipped",
        )
        # Found again: nothing new.
        with run_jobs() as run:
            listed, new = self.env["amazon.report"]._amazon_find(
                self.account, SETTLEMENT, owner
            )
        self.assertEqual((len(listed), new, run.methods()), (2, new.browse(), []))
        with (
            self.assertRaises(IntegrityError),
            mute_logger("odoo.sql_db"),
            self.cr.savepoint(),
        ):
            self.env["amazon.report"]._amazon_create(
                self.account, SETTLEMENT, owner, amazon_report_ref=first
            )

    def test_a_found_report_in_error_is_taken_up_when_found_again(self):
        state = self.simulator.state
        first = state.add_settlement_report(marketplace="DE")
        skipped = state.add_settlement_report(marketplace="DE")
        skipped_document = state.reports[skipped]["reportDocumentId"]
        owner = self.env["amazon.report.owner"]
        Report = self.env["amazon.report"]

        def refuse(owner, report, document):
            raise UserError(owner.env._("Settlement in a currency nobody sells in"))

        with (
            patch.object(self.owner_class, "_amazon_report_done", refuse),
            run_jobs(),
        ):
            _listed, new = Report._amazon_find(
                self.account, SETTLEMENT, owner, skip_documents={skipped_document}
            )
            new._amazon_queue_downloads()
        self.assertEqual(new.mapped("amazon_report_ref"), [first])
        self.assertEqual(new.state, "error")
        self.assertEqual(
            self.handed[-1][0::3],
            ("_amazon_report_failed", "Settlement in a currency nobody sells in"),
            "the owner's own words are the reason",
        )
        with run_jobs() as run:
            _listed, again = Report._amazon_find(
                self.account, SETTLEMENT, owner, skip_documents={skipped_document}
            )
            again._amazon_queue_downloads()
        self.assertEqual(again, new)
        self.assertEqual(run.methods(), ["_amazon_download"])
        self.assertEqual(new.state, "done")
        self.assertFalse(Report.search([("amazon_report_ref", "=", skipped)]))

    def test_the_reports_menu_lists_them_for_managers(self):
        action = self.env.ref("amazon_connector.action_amazon_report")
        self.assertEqual(action.res_model, "amazon.report")
        menu = self.env.ref("amazon_connector.menu_amazon_report")
        self.assertEqual(
            menu.parent_id, self.env.ref("amazon_connector.menu_amazon_root")
        )
        self.assertIn(
            self.env.ref("amazon_connector.group_amazon_manager"), menu.groups_id
        )
        self.simulator.state.add_listing("REP-10", marketplace="DE", quantity=1)
        report = self.request()
        self.assertEqual(
            self.env["amazon.report"]
            .with_user(self.salesman)
            .search([("id", "=", report.id)]),
            report.with_user(self.salesman),
            "users read them",
        )

    def test_the_upgrade_cancels_the_previous_versions_report_jobs(self):
        """A job of 18.0.1.1.0 waiting to poll a listings report or import a
        settlement report calls a method that is gone: cancelled, said why."""
        waiting = self.env["amazon.settlement"].with_delay()._amazon_fetch(self.account)
        done = self.env["amazon.settlement"].with_delay()._amazon_fetch(self.account)
        kept = self.env["amazon.settlement"].with_delay()._amazon_fetch(self.account)
        for job, method, state in (
            (waiting, "_amazon_import_report", "pending"),
            (done, "_amazon_poll_listings", "done"),
        ):
            self.env.cr.execute(
                "UPDATE queue_job SET method_name = %s, state = %s WHERE uuid = %s",
                [method, state, job.uuid],
            )
        _migration("18.0.1.2.0", "post-report-jobs").migrate(self.env.cr, "18.0.1.1.0")
        self.env.invalidate_all()
        states = {
            record.uuid: (record.state, record.result)
            for record in self.env["queue.job"].search(
                [("uuid", "in", [waiting.uuid, done.uuid, kept.uuid])]
            )
        }
        self.assertEqual(states[waiting.uuid][0], "cancelled")
        self.assertIn("fetch again", states[waiting.uuid][1])
        self.assertEqual(states[done.uuid][0], "done")
        self.assertEqual(states[kept.uuid][0], "pending", "today's jobs stay")

    def test_retry_shows_on_ended_reports_and_the_filters_find_them(self):
        Report = self.env["amazon.report"].with_user(self.amazon_admin)
        views = Report.get_views([(False, "form"), (False, "search")])["views"]
        form = etree.fromstring(views["form"]["arch"])
        [button] = form.xpath("//button[@name='action_retry']")
        hidden = button.get("invisible")
        self.simulator.state.add_listing("REP-11", marketplace="DE", quantity=1)
        done = self.request()
        self.simulator.state.inject_fault("createReport", "fatal")
        fatal = self.request()
        waiting = self.env["amazon.report"]._amazon_create(
            self.account, LISTINGS, self.env["amazon.report.owner"]
        )
        for report, shown in ((done, False), (fatal, True), (waiting, False)):
            self.assertEqual(
                not safe_eval(hidden, {"state": report.state}), shown, report.state
            )
        search = etree.fromstring(views["search"]["arch"])
        found = {}
        for name in ("in_progress", "failed"):
            [node] = search.xpath(f"//filter[@name='{name}']")
            found[name] = Report.search(
                [
                    *safe_eval(node.get("domain")),
                    ("id", "in", (done | fatal | waiting).ids),
                ]
            )
        self.assertEqual(found["in_progress"], waiting.with_user(self.amazon_admin))
        self.assertEqual(found["failed"], fatal.with_user(self.amazon_admin))
        for group_by in ("report_type", "state"):
            self.assertTrue(
                search.xpath(f"//filter[@context=\"{{'group_by': '{group_by}'}}\"]")
            )

    def test_reports_are_company_bound(self):
        other = self.env["res.company"].create({"name": "Other Amazon Co"})
        foreign = self.env["amazon.account"].create(
            {
                "name": "Other",
                "seller_id": "A1FOREIGN",
                "region": "eu",
                "company_id": other.id,
            }
        )
        report = self.env["amazon.report"]._amazon_create(
            foreign, LISTINGS, self.env["amazon.report.owner"]
        )
        self.assertFalse(
            self.env["amazon.report"]
            .with_user(self.amazon_admin)
            .search([("id", "=", report.id)])
        )
