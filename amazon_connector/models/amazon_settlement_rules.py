# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""Match Again: the amounts no rule explained, booked to suspense, given the
rule of the settlement mapping that explains them now, and moved to its account."""

from odoo import _, fields, models


class AmazonSettlement(models.Model):
    # One model in several files, each named for the part it holds.
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "amazon.settlement"

    def _amazon_apply_rules(self):
        """Give the amounts no rule explained (in suspense for that reason) the
        rule that explains them now. On a booked settlement an entry moves them
        from the suspense account to theirs; a draft entry is dropped, to be made
        again when booked. Returns the lines changed."""
        self.ensure_one()
        Line = self.env["amazon.settlement.line"]
        lines = self.line_ids.filtered(
            lambda li: (
                li.status == "suspense"
                and li.treatment == "suspense"
                and (not li.mapping_id or li.mapping_id.treatment == "suspense")
            )
        )
        move = self.sudo().move_id
        if move.state == "posted":
            # An amount whose suspense item was cleared by hand meanwhile is the
            # accountant's: moving it again would book it twice.
            lines = lines.filtered(
                lambda li: (
                    not (
                        li.sudo().move_line_id.matched_debit_ids
                        or li.sudo().move_line_id.matched_credit_ids
                    )
                )
            )
        if not lines:
            return Line
        match = (
            self.env["amazon.settlement.mapping"]
            ._amazon_rules(self.company_id)
            ._amazon_matcher()
        )
        changed = Line
        for line in lines:
            rule = match(
                line.transaction_type, line.amount_type, line.amount_description
            )
            if not rule or rule.treatment == "suspense":
                continue
            booking = Line._amazon_booking(
                rule, line.transaction_type, line.order_ref, line.marketplace_name
            )
            if booking["treatment"] == "suspense":
                continue
            line.write({"mapping_id": rule.id, **booking})
            changed |= line
        if not changed:
            return changed
        if move.state == "posted":
            self._amazon_reclassify(changed)
        elif move.state == "draft":
            move.unlink()
        return changed

    def _amazon_reclassify(self, lines):
        """Move the amounts of ``lines``, booked to suspense by the settlement's
        entry, to the accounts their rules name now: one entry, its suspense
        item reconciled with theirs."""
        self.ensure_one()
        company = self.company_id
        currency = self.currency_id
        suspense = company._amazon_settlement_account("suspense")
        old_items = lines.sudo().move_line_id.filtered(
            lambda li: li.account_id == suspense and not li.reconciled
        )
        rate = self._amazon_rate(self.move_id.date)
        groups = self._amazon_entry_groups(lines, self._amazon_documents(lines))
        values, counts = self._amazon_reclassify_values(groups, rate, suspense)
        move = self._amazon_new_entry(
            company,
            self.move_id.journal_id,
            fields.Date.context_today(self),
            _(
                "Amazon settlement %s: amounts explained by the mapping",
                self.settlement_ref,
            ),
            values,
        )
        move.action_post()
        items = move.line_ids.sorted("id")
        position = 0
        for group, count in zip(groups, counts, strict=True):
            group["lines"].write({"move_line_id": items[position].id})
            position += count
        lines.filtered(lambda li: li.status == "pending").write({"status": "booked"})
        cleared = old_items | items[-1]
        if currency.is_zero(sum(cleared.mapped("amount_residual_currency"))):
            cleared.reconcile()
        self.message_post(
            body=_(
                "%(count)s amount(s) booked by the mapping in %(entry)s.",
                count=len(lines),
                entry=move._get_html_link(),
            ),
            subtype_xmlid="mail.mt_note",
        )

    def _amazon_reclassify_values(self, groups, rate, suspense):
        """The items of the entry that moves ``groups`` out of ``suspense``: the
        items of each group, then the one that clears the suspense account; and
        how many items each group has."""
        values, counts = [], []
        for group in groups:
            group_values = self._amazon_line_values(group, -group["amount"], rate)
            counts.append(len(group_values))
            values += group_values
        values.append(
            {
                "name": _("Amazon settlement %s: explained", self.settlement_ref),
                "account_id": suspense.id,
                "amount_currency": -sum(v["amount_currency"] for v in values),
                "balance": self.company_id.currency_id.round(
                    -sum(v["balance"] for v in values)
                ),
            }
        )
        for value in values:
            value["currency_id"] = self.currency_id.id
        return values, counts
