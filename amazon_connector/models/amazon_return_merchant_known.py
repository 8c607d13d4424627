# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from collections import defaultdict

from odoo import api, models

from .amazon_return_merchant import return_line_values


class AmazonReturnMerchantKnown(models.Model):
    """A merchant return Amazon reports again (overlapping reports, a later
    status): what it says now is taken, never a second return; its transfer is
    canceled when nothing comes back, made late when something now does."""

    # One model in several files, each named for the part it holds.
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "amazon.return"

    def _amazon_update_merchant(self, merchant_return, transfer_ids, outcome):
        """Take what Amazon says now of this known return (status, delivered
        date, label...); never a second return or transfer. A request Amazon
        ended before anything came back, or refunded without the item, cancels
        the transfer still waiting; a return without transfer gets one once its
        parcel comes back and units of it are left to return. ``transfer_ids``:
        its transfers' ids. Return whether anything changed."""
        self.ensure_one()
        values = {
            name: value
            for name, value in self._amazon_merchant_values(merchant_return).items()
            if _differs(self[name], value)
        }
        if values:
            self.write(values)
        transfers = self.env["stock.picking"].browse(transfer_ids)
        if not transfers:
            return self._amazon_late_transfer(merchant_return, outcome) or bool(values)
        waiting = transfers.filtered(lambda p: p.state not in ("done", "cancel"))
        if waiting and (
            self.returnless
            or (self._amazon_request_ended() and not self.delivered_date)
        ):
            waiting.action_cancel()
            self.message_post(
                body=self.env._(
                    "Amazon says nothing comes back (%(status)s): the return "
                    "transfer %(transfer)s is canceled.",
                    status=self.amazon_status or self.resolution or "?",
                    transfer=", ".join(waiting.mapped("name")),
                )
            )
            return True
        return bool(values)

    def _amazon_late_transfer(self, merchant_return, outcome):
        """The transfer of a known return that had none: made when its parcel
        comes back (or Amazon still waits for it) and the order delivered units
        not returned yet (the delivery done since). Return whether one was."""
        self.ensure_one()
        if not self._amazon_expects_parcel():
            return False
        matches = self._amazon_match_items(
            self.account_id, self.order_id, merchant_return.items
        )
        if not any(m.sale_line and m.product_qty for m in matches):
            return False
        made = self._amazon_make_transfers(matches)
        if not made:
            return False
        self.line_ids.unlink()
        self.write(
            {"line_ids": [(0, 0, ret_line) for ret_line in return_line_values(matches)]}
        )
        outcome.transfers += len(made)
        self.message_post(
            body=self.env._(
                "The parcel comes back: the return transfer %s is made.",
                ", ".join(made.mapped("name")),
            )
        )
        return True

    def _amazon_expects_parcel(self):
        """Whether something comes back: not when Amazon refunds without the
        item, or ended the request before the parcel reached the seller."""
        self.ensure_one()
        return not self.returnless and (
            bool(self.delivered_date) or not self._amazon_request_ended()
        )

    @api.model
    def _amazon_transfers_of(self, returns):
        """{return id: [its transfers' ids]} of ``returns``, in one search."""
        ids = [ret.id for ret in returns]
        by_return = defaultdict(list)
        if ids:
            for picking in self.env["stock.picking"].search_read(
                [("amazon_return_id", "in", ids)], ["amazon_return_id"]
            ):
                by_return[picking["amazon_return_id"][0]].append(picking["id"])
        return by_return


def _differs(current, value):
    if isinstance(current, float) or isinstance(value, float):
        return round(current or 0.0, 6) != round(value or 0.0, 6)
    return (current or False) != (value or False)
