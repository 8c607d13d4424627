# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""The Amazon Overview: one dashboard card per account (Sales > Amazon > Overview).

Each figure is a count of the records one of the standard lists shows with one of
its filters, and opens that list so filtered: the count and the list are computed
from the same domain. Every figure is one grouped read for all the cards at once.
"""

import json
from collections import defaultdict
from datetime import datetime, time, timedelta

import pytz

from odoo import _, api, fields, models
from odoo.osv import expression
from odoo.tools.misc import format_date
from odoo.tools.safe_eval import safe_eval

from ..amazon.fulfillment import MERCHANT
from ..amazon.order_payload import PENDING_ORDER_STATUSES, TO_SHIP_ORDER_STATUSES

#: Days of the orders graph, today included.
GRAPH_DAYS = 14

#: figure -> (model, field holding the account)
FIGURES = {
    "to_ship": ("sale.order", "amazon_account_id"),
    "late": ("sale.order", "amazon_account_id"),
    "pending": ("sale.order", "amazon_account_id"),
    "failed_imports": ("amazon.order.import", "account_id"),
    "shipments_waiting": ("stock.picking", "amazon_account_id"),
    "shipments_failed": ("stock.picking", "amazon_account_id"),
    "offers_error": ("amazon.offer", "account_id"),
    "offers_sold_out": ("amazon.offer", "account_id"),
    "fba_differences": ("amazon.fba.difference", "account_id"),
    "vat_to_upload": ("account.move", "amazon_account_id"),
    "vat_refused": ("account.move", "amazon_account_id"),
}
#: figure -> (action, search filter of that action's search view it switches on)
FIGURE_ACTIONS = {
    "to_ship": ("amazon_connector.action_amazon_orders", "amazon_to_ship_today"),
    "late": ("amazon_connector.action_amazon_orders", "amazon_late"),
    "pending": ("amazon_connector.action_amazon_orders", "amazon_pending"),
    "failed_imports": ("amazon_connector.action_amazon_order_import", "failed"),
    "shipments_waiting": (
        "amazon_connector.action_amazon_shipments",
        "amazon_to_confirm",
    ),
    "shipments_failed": ("amazon_connector.action_amazon_shipments", "amazon_error"),
    "offers_error": ("amazon_connector.action_amazon_offer", "in_error"),
    "offers_sold_out": ("amazon_connector.action_amazon_offer", "sold_out"),
    "fba_differences": ("amazon_connector.action_amazon_fba_difference", "open"),
    "vat_to_upload": (
        "amazon_connector.action_amazon_vat_invoices",
        "amazon_vat_to_upload",
    ),
    "vat_refused": (
        "amazon_connector.action_amazon_vat_invoices",
        "amazon_vat_refused",
    ),
}


class AmazonAccountOverview(models.AbstractModel):
    """The figures of an account's overview card; ``amazon.account`` inherits it."""

    _name = "amazon.account.overview"
    _description = "Amazon Account Overview"

    overview_to_ship = fields.Integer(
        string="To Ship Today",
        compute="_compute_overview",
        help="Merchant orders with items to ship whose latest ship date is today or "
        "already past.",
    )
    overview_late = fields.Integer(string="Late", compute="_compute_overview")
    overview_pending = fields.Integer(
        string="Pending",
        compute="_compute_overview",
        help="Orders Amazon has not confirmed yet (payment pending); their "
        "quantities are reserved.",
    )
    overview_failed_imports = fields.Integer(
        string="Orders Failed to Import", compute="_compute_overview"
    )
    overview_shipments_waiting = fields.Integer(
        string="Shipments to Confirm", compute="_compute_overview"
    )
    overview_shipments_failed = fields.Integer(
        string="Shipments Refused", compute="_compute_overview"
    )
    overview_offers_error = fields.Integer(
        string="Offers Refused", compute="_compute_overview"
    )
    overview_offers_sold_out = fields.Integer(
        string="Offers Sold Out", compute="_compute_overview"
    )
    overview_fba_differences = fields.Integer(
        string="FBA Quantities Differing",
        compute="_compute_overview",
        help="Products whose FBA quantity in Odoo differs from Amazon's, as the "
        "last comparison found them.",
    )
    overview_vat_to_upload = fields.Integer(
        string="Invoices to Upload",
        compute="_compute_overview",
        help="Invoices and credit notes of Amazon orders waiting to be uploaded to "
        "Amazon as VAT invoices.",
    )
    overview_vat_refused = fields.Integer(
        string="Invoices Refused by Amazon",
        compute="_compute_overview",
        help="Uploaded VAT invoices and credit notes Amazon refused (its message "
        "is on each).",
    )
    overview_last_settlement_id = fields.Many2one(
        "amazon.settlement", string="Last Settlement", compute="_compute_overview"
    )
    overview_last_settlement_total = fields.Monetary(
        string="Last Settlement Total",
        compute="_compute_overview",
        currency_field="overview_last_settlement_currency_id",
    )
    overview_last_settlement_currency_id = fields.Many2one(
        "res.currency", compute="_compute_overview"
    )
    overview_runs = fields.Json(
        string="Last Synchronisations",
        compute="_compute_overview",
        help="The last run of each synchronisation: when, and how it ended.",
    )
    overview_graph = fields.Text(
        string="Orders per Day",
        compute="_compute_overview",
        help="Orders per purchase day and marketplace, the last two weeks.",
    )

    # ------------------------------------------------------------------ figures

    @api.model
    def _overview_domains(self):
        """Per figure, the domain of its records, all accounts; the same as the
        filter the figure's list opens with (see the filters of the search views)."""
        today = fields.Date.context_today(self)
        # The search filters compare with the user's day at midnight, as a string.
        today_start = datetime.combine(today, time.min)
        tomorrow_start = today_start + timedelta(days=1)
        unshipped = [
            ("amazon_items_unshipped", ">", 0),
            ("amazon_status", "in", TO_SHIP_ORDER_STATUSES),
        ]
        return {
            "to_ship": [*unshipped, ("amazon_latest_ship_date", "<", tomorrow_start)],
            "late": [*unshipped, ("amazon_latest_ship_date", "<", today_start)],
            "pending": [("amazon_status", "in", PENDING_ORDER_STATUSES)],
            "failed_imports": [("state", "=", "failed")],
            "shipments_waiting": [("amazon_sync_state", "=", "to_confirm")],
            "shipments_failed": [("amazon_sync_state", "=", "error")],
            "offers_error": [("state", "=", "error")],
            "offers_sold_out": [
                ("fulfillment_channel", "=", MERCHANT),
                ("last_sent_qty_date", "!=", False),
                ("last_sent_qty", "=", 0),
            ],
            "fba_differences": [("state", "=", "open")],
            "vat_to_upload": [("amazon_vat_upload_state", "=", "to_upload")],
            "vat_refused": [("amazon_vat_upload_state", "=", "refused")],
        }

    def _compute_overview(self):
        accounts = self.filtered("id")
        counts = defaultdict(dict)
        domains = self._overview_domains()
        for figure, (model_name, account_field) in FIGURES.items():
            Model = self.env[model_name]
            if not accounts or not Model.has_access("read"):
                continue
            domain = [(account_field, "in", accounts.ids)]
            domain += domains[figure]
            for account, count in Model._read_group(
                domain, [account_field], ["__count"]
            ):
                counts[account.id][figure] = count
        settlements = accounts._overview_last_settlements()
        runs = accounts._overview_runs()
        graphs = accounts._overview_graphs()
        for account in self:
            figures = counts[account.id]
            for figure in FIGURES:
                account[f"overview_{figure}"] = figures.get(figure, 0)
            settlement = settlements.get(account.id, self.env["amazon.settlement"])
            account.overview_last_settlement_id = settlement
            account.overview_last_settlement_total = settlement.total_amount
            account.overview_last_settlement_currency_id = settlement.currency_id
            account.overview_runs = runs.get(account.id, [])
            account.overview_graph = json.dumps(
                graphs.get(account.id) or self._overview_empty_graph()
            )

    def _overview_last_settlements(self):
        """Per account id, its settlement of the latest deposit (the newest one
        among several of the same deposit)."""
        Settlement = self.env["amazon.settlement"]
        if not self or not Settlement.has_access("read"):
            return {}
        latest = Settlement._read_group(
            [("account_id", "in", self.ids), ("deposit_date", "!=", False)],
            ["account_id"],
            ["deposit_date:max"],
        )
        if not latest:
            return {}
        domain = expression.OR(
            [("account_id", "=", account.id), ("deposit_date", "=", deposit)]
            for account, deposit in latest
        )
        result = {}
        for settlement in Settlement.search(domain, order="end_date desc, id desc"):
            result.setdefault(settlement.account_id.id, settlement)
        return result

    def _overview_runs(self):
        """Per account id, the last run of each synchronisation, for the card."""
        Run = self.env["amazon.sync.run"]
        if not self or not Run.has_access("read"):
            return {}
        kinds = dict(Run._fields["kind"]._description_selection(self.env))
        states = dict(Run._fields["state"]._description_selection(self.env))
        result = defaultdict(list)
        for run in Run.search([("account_id", "in", self.ids)]):
            result[run.account_id.id].append(
                {
                    "kind": run.kind,
                    "label": kinds[run.kind],
                    "date": fields.Datetime.to_string(run.date),
                    "when": self._overview_when(run.date),
                    "state": run.state,
                    "state_label": states[run.state],
                    "summary": run.summary or "",
                }
            )
        order = list(kinds)
        for runs in result.values():
            runs.sort(key=lambda run: order.index(run["kind"]))
        return result

    def _overview_when(self, moment):
        """``moment`` as the user reads it: a time today, else a date and time."""
        local = fields.Datetime.context_timestamp(self, moment)
        if local.date() == fields.Date.context_today(self):
            return local.strftime("%H:%M")
        return f"{format_date(self.env, local.date())} {local:%H:%M}"

    def _overview_graphs(self):
        """Per account id, the orders per purchase day and marketplace of the last
        ``GRAPH_DAYS`` days (the user's days), as the graph widget reads them."""
        if not self or not self.env["sale.order"].has_access("read"):
            return {}
        days = self._overview_days()
        # The user's first midnight, in UTC as stored.
        tz_name = self.env.context.get("tz") or self.env.user.tz or "UTC"
        tz = pytz.timezone(tz_name)
        start = tz.localize(datetime.combine(days[0], time.min))
        start = start.astimezone(pytz.utc).replace(tzinfo=None)
        # Grouped by the user's days, as the web client asks (its context's tz).
        groups = (
            self.env["sale.order"]
            .with_context(tz=tz_name)
            ._read_group(
                [
                    ("amazon_account_id", "in", self.ids),
                    ("amazon_purchase_date", ">=", start),
                ],
                [
                    "amazon_account_id",
                    "amazon_marketplace_id",
                    "amazon_purchase_date:day",
                ],
                ["__count"],
            )
        )
        per_account = defaultdict(lambda: defaultdict(lambda: [0] * len(days)))
        for account, marketplace, day, count in groups:
            day = day.date() if isinstance(day, datetime) else day
            if day in days:
                series = per_account[account.id][marketplace]
                series[days.index(day)] += count
        labels = self._overview_empty_graph()["labels"]
        result = {}
        for account_id, series in per_account.items():
            result[account_id] = {
                "labels": labels,
                "datasets": [
                    {"label": marketplace.name or _("No marketplace"), "data": data}
                    for marketplace, data in sorted(
                        series.items(), key=lambda item: item[0].name or ""
                    )
                ],
            }
        return result

    @api.model
    def _overview_days(self):
        today = fields.Date.context_today(self)
        return [today - timedelta(days=n) for n in range(GRAPH_DAYS - 1, -1, -1)]

    @api.model
    def _overview_empty_graph(self):
        days = self._overview_days()
        return {
            "labels": [format_date(self.env, day, date_format="d MMM") for day in days],
            "datasets": [],
        }

    # ------------------------------------------------------------------ actions

    def action_overview_open(self):
        """Open the list behind a figure of the card (``figure`` in the context),
        filtered as the figure counts."""
        self.ensure_one()
        figure = self.env.context.get("figure")
        if figure not in FIGURE_ACTIONS:
            return False
        xmlid, search_filter = FIGURE_ACTIONS[figure]
        _model, account_field = FIGURES[figure]
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        context = {
            key: value
            for key, value in self._overview_action_context(action).items()
            if not key.startswith("search_default_")
        }
        context[f"search_default_{search_filter}"] = 1
        action["context"] = context
        base = action.get("domain") or []
        if isinstance(base, str):
            base = self._overview_eval(base)
        action["domain"] = [*base, (account_field, "=", self.id)]
        label = self._fields[f"overview_{figure}"]._description_string(self.env)
        action["name"] = f"{self.name}: {label}"
        return action

    def action_overview_last_settlement(self):
        self.ensure_one()
        settlement = self.overview_last_settlement_id
        if not settlement:
            return self.action_view_settlements()
        return {
            "type": "ir.actions.act_window",
            "res_model": "amazon.settlement",
            "res_id": settlement.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    @api.model
    def _overview_action_context(self, action):
        context = action.get("context") or {}
        if isinstance(context, str):
            context = self._overview_eval(context)
        return context

    @api.model
    def _overview_eval(self, text):
        return safe_eval(text, {"uid": self.env.uid, "context": self.env.context})
