# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

import logging
from collections import Counter
from decimal import Decimal

import psycopg2

from odoo import Command, api, models

from odoo.addons.queue_job.exception import RetryableJobError

from ..amazon.fulfillment import AMAZON, MERCHANT
from ..amazon.order_payload import ORDER_STATUSES, AmazonOrder, read_orders
from .amazon_order_batch import OrderBatch, naive_utc

_logger = logging.getLogger(__name__)

# The database constraints a concurrent import of the same order violates.
CONCURRENCY_CONSTRAINTS = ("amazon_order_uniq", "order_uniq")


class AmazonOrderSync(models.AbstractModel):
    """Turns parsed Amazon orders into sales orders: create, complete, cancel, update.

    One call handles a page of orders with lookups prefetched for the whole page, so
    the number of queries per order does not grow with the catalogue or the customer
    base (``amazon_order_batch.py``). Each order runs in its own savepoint: a bad
    one is recorded on its import record and never blocks the others. The order's
    lines are made in ``amazon_order_sync_lines.py``.
    """

    _name = "amazon.order.sync"
    _description = "Amazon Order Synchronization"

    @api.model
    def _sync_payloads(self, account, payloads, *, force=False, initial=False):
        """Import or update the orders of ``payloads`` (Amazon's ``Order``
        objects, read by the wire layer); return counts per outcome.

        ``force`` re-applies an order even when Amazon's lastUpdatedTime is not newer
        (Retry, Import one order); ``initial`` accepts orders created before the
        account's "import orders from" moment (the sweep of orders still Unshipped
        at that moment, or an order asked for by number).
        """
        readings = read_orders(payloads)
        batch = OrderBatch(self.env, account, readings)
        outcomes = Counter(
            self._sync_reading(batch, reading, force, initial) for reading in readings
        )
        batch.flush()
        return outcomes

    def _sync_reading(self, batch, reading, force, initial):
        """Apply one order read from Amazon in its own savepoint; record it on its
        import record and return its outcome (``failed`` when it could not be)."""
        ref = reading.order_ref or "?"
        try:
            with batch.unit_of_work(), self.env.cr.savepoint():
                if reading.error:
                    raise reading.error
                order = reading.order
                outcome, sale_order, reason = self._sync_order(
                    batch, order, force, initial
                )
        except psycopg2.IntegrityError as error:
            if any(name in str(error) for name in CONCURRENCY_CONSTRAINTS):
                raise RetryableJobError(
                    f"Amazon order {ref} is being imported by another job",
                    seconds=30,
                ) from error
            batch.record(ref, "failed", error=str(error))
            return "failed"
        except psycopg2.OperationalError:
            raise  # serialization failure, lock: queue_job retries the job
        except RetryableJobError:
            raise
        except Exception as error:
            _logger.info("Amazon order %s could not be imported: %s", ref, error)
            batch.record(ref, "failed", error=str(error))
            return "failed"
        batch.record(
            order.order_id,
            "skipped" if outcome == "skipped" else "done",
            sale_order=sale_order,
            last_update=order.last_updated_time,
            error=reason or False,
        )
        return outcome

    # ------------------------------------------------------------------ one order

    def _sync_order(self, batch, order: AmazonOrder, force, initial):
        """Apply one order; return its outcome (created, created_pending,
        confirmed, updated, unchanged, canceled, review, skipped), its sales order
        and, for a skipped order, why."""
        sale_order = batch.orders.get(order.order_id)
        if (
            sale_order
            and not force
            and sale_order.amazon_last_update
            and naive_utc(order.last_updated_time) <= sale_order.amazon_last_update
        ):
            return "unchanged", sale_order, None
        if not sale_order:
            reason = self._skip_reason(batch.account, order, initial)
            if reason:
                return "skipped", sale_order, reason
            return *self._create(batch, order), None
        return *self._update(batch, sale_order, order), None

    @api.model
    def _skip_reason(self, account, order, initial):
        if (
            not initial
            and account.import_orders_from
            and naive_utc(order.created_time) < account.import_orders_from
        ):
            return self.env._("created before the account's import start")
        if order.is_fulfilled_by_amazon and not order.is_shipped:
            return self.env._("fulfilled by Amazon, imported once Amazon ships it")
        if order.is_pending and not account.import_pending_orders:
            return self.env._("pending, and pending orders are not imported")
        if order.is_ended:
            return self.env._("canceled before it was imported")
        return None

    def _create(self, batch, order):
        marketplace = batch.marketplace(order)
        customer = self._customer_values(batch, order)
        lines, review = self._line_values(batch, order, customer)
        values = {
            **self._header_values(batch, order, marketplace),
            **customer,
            "order_line": [Command.create(line) for line in lines],
        }
        if order.is_pending:
            values.update(
                amazon_reserved=True,
                amazon_last_action=self.env._(
                    "Pending on %s: quotation reserves the stock", marketplace.name
                ),
            )
        else:
            values["amazon_last_action"] = self.env._(
                "Created from %s", marketplace.name
            )
        sale_order = (
            self.env["sale.order"]
            .with_company(batch.account.company_id)
            .with_context(mail_create_nosubscribe=True)
            .create(values)
        )
        batch.orders[order.order_id] = sale_order
        sale_order.message_post(
            body=self.env._(
                "Amazon order %(ref)s from %(marketplace)s.",
                ref=order.order_id,
                marketplace=marketplace.name,
            )
        )
        self._check_total(batch, sale_order, order)
        if not order.is_pending:
            self._confirm(batch, sale_order, order)
        if review:
            sale_order._amazon_flag_for_review(*review)
        self._flag_refused_vat(batch, sale_order, order)
        if self._flag_if_shipped_outside_odoo(sale_order, order):
            return "review", sale_order
        return ("created_pending" if order.is_pending else "created"), sale_order

    def _update(self, batch, sale_order, order):
        values = self._status_values(order)
        outcome = "updated"
        if order.is_canceled:
            return self._cancel(sale_order, values), sale_order
        if order.is_confirmed and sale_order.state == "draft":
            # The Pending quotation becomes the real order: same record, completed.
            sale_order.order_line.unlink()
            customer = self._customer_values(batch, order)
            lines, review = self._line_values(batch, order, customer)
            marketplace = batch.marketplace(order)
            sale_order.write(
                {
                    **values,
                    **customer,
                    # Set again with the buyer: Odoo recomputes them from the partner.
                    "pricelist_id": batch.pricelist(marketplace, order).id,
                    "team_id": batch.account.team_id.id,
                    "user_id": batch.account.team_id.user_id.id,
                    "order_line": [Command.create(line) for line in lines],
                    "amazon_reserved": False,
                    "amazon_last_action": self.env._(
                        "Confirmed by Amazon: order completed and confirmed"
                    ),
                }
            )
            self._check_total(batch, sale_order, order)
            self._confirm(batch, sale_order, order)
            if review:
                sale_order._amazon_flag_for_review(*review)
            self._flag_refused_vat(batch, sale_order, order)
            return "confirmed", sale_order
        if sale_order.amazon_status != values.get("amazon_status") or (
            sale_order.amazon_status_raw != values.get("amazon_status_raw")
        ):
            values["amazon_last_action"] = self.env._(
                "Amazon status: %s", order.status.replace("_", " ").capitalize()
            )
        sale_order.write(values)
        if self._flag_if_shipped_outside_odoo(sale_order, order):
            outcome = "review"
        return outcome, sale_order

    def _flag_refused_vat(self, batch, sale_order, order):
        """The buyer's VAT number Odoo's check refused: the customer was made
        without it; the number is kept in the order's chatter and the order is
        flagged for the seller to check it with the buyer."""
        refused = batch.refused_vats.pop(order.order_id, None)
        if not refused:
            return
        note = self.env._(
            "Amazon Business order %(ref)s: the buyer's VAT number %(vat)s is not "
            "valid for Odoo, so the customer %(customer)s was created or kept "
            "without it. Check the number with the buyer, set it on the customer, "
            "then invoice.",
            ref=order.order_id,
            vat=refused,
            customer=sale_order.partner_id.display_name,
        )
        sale_order.message_post(body=note, subtype_xmlid="mail.mt_note")
        sale_order._amazon_flag_for_review(
            self.env._("Amazon buyer's VAT number not valid: %s", refused), note
        )

    def _flag_if_shipped_outside_odoo(self, sale_order, order):
        """Amazon says units of a merchant order shipped while no Odoo delivery of
        it is done: flag it (once) rather than leave its delivery silently open."""
        shipped = sum(item.quantity_shipped for item in order.items)
        if (
            not shipped
            or order.is_fulfilled_by_amazon
            or sale_order.state != "sale"
            or sale_order.amazon_needs_review
            or sale_order._amazon_done_deliveries()
        ):
            return False
        sale_order._amazon_flag_for_review(
            self.env._("Amazon shipped what Odoo did not deliver"),
            self.env._(
                "Amazon reports %(count)s unit(s) of order %(ref)s shipped, but no "
                "delivery of it is done in Odoo (shipped outside Odoo?): validate the "
                "delivery with what left, or cancel it.",
                count=shipped,
                ref=order.order_id,
            ),
            last_action=self.env._(
                "Shipped outside Odoo (Amazon: %s unit(s)): to review", shipped
            ),
        )
        return True

    def _cancel(self, sale_order, values):
        if sale_order.state == "cancel":
            sale_order.write(values)
            return "unchanged"
        if sale_order._amazon_done_deliveries():
            # What left stays delivered; what had not left will not.
            open_deliveries = sale_order._amazon_open_deliveries()
            open_deliveries.action_cancel()
            sale_order.write(values)
            sale_order._amazon_flag_for_review(
                self.env._("Amazon canceled a shipped order"),
                self.env._(
                    "Amazon canceled order %(ref)s after part of it shipped: "
                    "%(canceled)s. Check the shipped units (return?) and the invoice.",
                    ref=sale_order.amazon_order_ref,
                    canceled=(
                        self.env._(
                            "its open deliveries %s are canceled",
                            ", ".join(open_deliveries.mapped("name")),
                        )
                        if open_deliveries
                        else self.env._("nothing was left to deliver")
                    ),
                ),
                last_action=(
                    self.env._(
                        "Canceled by Amazon after shipping: backorder canceled, "
                        "to review"
                    )
                    if open_deliveries
                    else self.env._("Canceled by Amazon after shipping: to review")
                ),
            )
            return "review"
        was_reserved = sale_order.amazon_reserved
        sale_order._action_cancel()
        sale_order.write(
            {
                **values,
                "amazon_reserved": False,
                "amazon_last_action": (
                    self.env._("Canceled by Amazon; reservation released")
                    if was_reserved
                    else self.env._("Canceled by Amazon; stock restored")
                ),
            }
        )
        return "canceled"

    def _confirm(self, batch, sale_order, order):
        # The buyer does not become a follower (see SaleOrder.message_subscribe).
        sale_order.action_confirm()
        if order.is_fulfilled_by_amazon:
            self._deliver_from_fba(batch, sale_order)

    def _deliver_from_fba(self, batch, sale_order):
        """Deliver an order Amazon shipped from its own warehouse: out of the
        account's FBA location, never the seller's own stock."""
        location = batch.account._amazon_fba_location()
        for picking in sale_order.picking_ids.filtered(
            lambda p: p.state not in ("done", "cancel")
        ):
            picking.write({"location_id": location.id})
            picking.move_ids.write({"location_id": location.id})
            for move in picking.move_ids:
                move.quantity = move.product_uom_qty
            picking.move_ids.picked = True
            picking.with_context(
                skip_sms=True, cancel_backorder=True, skip_backorder=True
            )._action_done()
        sale_order.amazon_last_action = self.env._(
            "Shipped by Amazon (FBA) from %s", location.display_name
        )

    def _check_total(self, batch, sale_order, order):
        """Add a rounding line when Odoo's taxes land a cent away from Amazon's
        total (tax-excluded marketplaces round each tax on its own)."""
        if order.is_pending or order.grand_total is None:
            return
        currency = sale_order.currency_id
        difference = Decimal(str(order.grand_total.amount)) - Decimal(
            str(currency.round(sale_order.amount_total))
        )
        if not currency.is_zero(float(difference)):
            sale_order.write(
                {
                    "order_line": [
                        Command.create(
                            {
                                "product_id": batch.placeholder("promotion").id,
                                "name": self.env._("Rounding difference with Amazon"),
                                "product_uom_qty": 1,
                                "price_unit": float(difference),
                                "tax_id": [Command.clear()],
                                "sequence": 1000,
                            }
                        )
                    ]
                }
            )

    # ------------------------------------------------------------------ values

    def _status_values(self, order):
        return {
            "amazon_status": order.status if order.status in ORDER_STATUSES else False,
            "amazon_status_raw": order.status,
            "amazon_fulfilled_by": (
                order.fulfilled_by
                if order.fulfilled_by in (MERCHANT, AMAZON)
                else False
            ),
            "amazon_is_prime": order.is_prime,
            "amazon_tax_reporting_scheme": ", ".join(
                sorted({i.tax_reporting_scheme for i in order.items} - {None})
            )
            or False,
            "amazon_is_business": order.is_business,
            "amazon_buyer_po_number": order.buyer_po_number or False,
            "amazon_latest_ship_date": naive_utc(order.latest_ship_date),
            "amazon_last_update": naive_utc(order.last_updated_time),
            "amazon_items_shipped": sum(item.quantity_shipped for item in order.items),
            "amazon_items_unshipped": sum(
                item.quantity_unshipped for item in order.items
            ),
        }

    def _header_values(self, batch, order, marketplace):
        account = batch.account
        return {
            **self._status_values(order),
            "company_id": account.company_id.id,
            "amazon_account_id": account.id,
            "amazon_marketplace_id": marketplace.id,
            "amazon_order_ref": order.order_id,
            "amazon_purchase_date": naive_utc(order.created_time),
            "client_order_ref": order.order_id,
            "origin": f"{marketplace.name} {order.order_id}",
            "date_order": naive_utc(order.created_time),
            "pricelist_id": batch.pricelist(marketplace, order).id,
            "team_id": account.team_id.id,
            "user_id": account.team_id.user_id.id,
            "warehouse_id": account.warehouse_id.id,
        }

    def _customer_values(self, batch, order):
        if order.is_pending:
            partner = batch.placeholder("pending_partner")
            return {
                "partner_id": partner.id,
                "partner_invoice_id": partner.id,
                "partner_shipping_id": partner.id,
            }
        customer, delivery = batch.customer(order)
        return {
            "partner_id": customer.id,
            "partner_invoice_id": customer.id,
            "partner_shipping_id": delivery.id,
        }
