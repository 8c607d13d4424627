# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from odoo import _, models

#: The states Amazon's acceptance moves to ``accepted``: not one to upload (the
#: acceptance may be of the document before its correction; its upload decides).
ACCEPTABLE_STATES = ("uploaded", "refused")
#: The states Amazon's refusal moves to ``refused``: not one queued again after
#: a correction (the refusal is of the upload before).
REFUSABLE_STATES = ("uploaded", "accepted", "refused")


class AccountMove(models.Model):
    """Amazon's verdict on an uploaded VAT invoice or credit note, as its VAT
    invoice data report gives it."""

    # One model in several files, each named for the part it holds.
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "account.move"

    def _amazon_vat_accept(self):
        """Amazon accepted these documents (a refusal's open activity is done);
        return those that changed."""
        moves = self.filtered(lambda m: m.amazon_vat_upload_state in ACCEPTABLE_STATES)
        moves.write(
            {"amazon_vat_upload_state": "accepted", "amazon_vat_upload_error": False}
        )
        # The refusals of both kinds: the report's and the upload's own.
        summaries = (
            self._amazon_vat_refusal_summary(),
            self._amazon_vat_upload_refusal_summary(),
        )
        moves.activity_ids.filtered(lambda a: a.summary in summaries).action_feedback(
            feedback=_("Amazon accepted the document.")
        )
        return moves

    def _amazon_vat_refuse(self, message):
        """Amazon refused these documents with ``message``: state refused,
        Amazon's message kept, what was sent forgotten (sent again on Upload
        Again), one activity for the document's responsible (not
        one per report). Return those that changed."""
        message = message or _("Amazon gave no reason.")
        changed = self.browse()
        for move in self.filtered(
            lambda m: m.amazon_vat_upload_state in REFUSABLE_STATES
        ):
            if (
                move.amazon_vat_upload_state == "refused"
                and move.amazon_vat_upload_error == message
            ):
                continue
            move.write(
                {
                    "amazon_vat_upload_state": "refused",
                    "amazon_vat_upload_error": message,
                    # Amazon has no valid copy: Upload Again sends it.
                    "amazon_vat_upload_digest": False,
                }
            )
            move._amazon_vat_refusal_activity(message)
            changed |= move
        return changed

    def _amazon_vat_refusal_summary(self):
        return _("Amazon refused the VAT invoice")

    def _amazon_vat_refusal_activity(self, message):
        """The refusal's to-do on the document, unless one is still open."""
        self.ensure_one()
        summary = self._amazon_vat_refusal_summary()
        todo = self.env.ref("mail.mail_activity_data_todo")
        if self.activity_ids.filtered(
            lambda a: a.activity_type_id == todo and a.summary == summary
        ):
            return
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=summary,
            note=message,
            user_id=self._amazon_vat_responsible().id,
        )
