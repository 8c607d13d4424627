# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""Amazon buyers' personal data replaced with neutral values once Amazon's
retention period has passed (Amazon's Data Protection Policy: no longer than 30
days after the order's delivery, longer only what the law requires).

Which contacts are due is one query (``_amazon_retention_due``); a batch of them is
anonymised in a constant number of queries (``_amazon_anonymize``), its chatter
scrubbed with it. The contacts stay linked to their orders, deliveries, invoices,
returns and settlements: only the values that identify a person change.
"""

import functools
import re

from odoo import api, models
from odoo.tools import SQL

#: What identifies the person: emptied. The zip, city, region and country stay:
#: with no name nor street they identify no one, and taxes (the destination of an
#: OSS sale) and statistics need them.
PERSONAL_FIELDS = ("street", "street2", "phone", "mobile", "email", "function")

#: Models whose references to a contact are the connector's own (checked one by
#: one below) or Odoo's plumbing rather than documents: not a reason to keep a
#: buyer's data.
OWN_OR_TECHNICAL_PREFIXES = (
    "amazon.",
    "mail.",
    "bus.",
    "stock.",
    "account.",
    "sale.order",
    "procurement.group",
)

#: The contacts of an account whose personal data is due (see
#: ``_amazon_retention_due``).
DUE_QUERY = """
WITH finished AS (
    SELECT so.id FROM sale_order so
     WHERE so.amazon_account_id = %(account)s
       AND ((so.state = 'cancel'
             AND COALESCE(so.amazon_last_update, so.write_date)
                 < %(cutoff)s)
            OR (so.state = 'sale'
                AND EXISTS (SELECT 1 FROM stock_picking sp
                             WHERE sp.sale_id = so.id
                               AND sp.state = 'done')
                AND NOT EXISTS (
                    SELECT 1 FROM stock_picking sp
                     WHERE sp.sale_id = so.id
                       AND (sp.state NOT IN ('done', 'cancel')
                            OR sp.date_done >= %(cutoff)s))))
),
uses AS (
    SELECT u.partner, bool_and(f.id IS NOT NULL) AS done
      FROM (SELECT partner_id AS partner, id FROM sale_order
            UNION SELECT partner_invoice_id, id FROM sale_order
            UNION SELECT partner_shipping_id, id FROM sale_order) u
      LEFT JOIN finished f ON f.id = u.id
     GROUP BY u.partner
)
SELECT p.id
  FROM res_partner p
  JOIN res_partner c ON c.id = p.commercial_partner_id
  LEFT JOIN uses pu ON pu.partner = p.id
  LEFT JOIN uses cu ON cu.partner = c.id
 WHERE c.amazon_account_id = %(account)s
   AND p.amazon_anonymized IS NOT TRUE
   AND p.id IS DISTINCT FROM %(guest)s
   AND EXISTS (SELECT 1 FROM res_partner_res_partner_category_rel t
                WHERE t.partner_id = c.id AND t.category_id = %(tag)s)
   AND COALESCE(pu.done, CASE WHEN p.id != c.id THEN cu.done END)
   AND NOT EXISTS (
       SELECT 1 FROM sale_order so
        WHERE so.partner_id = c.id
          AND so.amazon_account_id IS DISTINCT FROM %(account)s)
   %(outside_p)s
   %(outside_c)s
 ORDER BY p.id
"""

#: An invoice or journal item that is not an Amazon invoice or settlement entry, or
#: a transfer of no Amazon order, names the contact ``%(partner)s``.
OUTSIDE_ACCOUNTING_AND_TRANSFERS = """
AND NOT EXISTS (
    SELECT 1 FROM account_move m
     WHERE m.partner_id = %(partner)s
       AND m.amazon_account_id IS NULL
       AND m.amazon_settlement_id IS NULL)
AND NOT EXISTS (
    SELECT 1 FROM account_move m
     WHERE m.partner_shipping_id = %(partner)s
       AND m.amazon_account_id IS NULL
       AND m.amazon_settlement_id IS NULL)
AND NOT EXISTS (
    SELECT 1 FROM account_move_line ml
      JOIN account_move m ON m.id = ml.move_id
     WHERE ml.partner_id = %(partner)s
       AND m.amazon_account_id IS NULL
       AND m.amazon_settlement_id IS NULL)
AND NOT EXISTS (
    SELECT 1 FROM stock_picking sp
      LEFT JOIN sale_order so ON so.id = sp.sale_id
     WHERE sp.partner_id = %(partner)s
       AND so.amazon_account_id IS NULL)
"""

#: Invoices and credit notes that tax law keeps with the buyer's name and address.
CUSTOMER_DOCUMENTS = ("out_invoice", "out_refund", "out_receipt")


class ResPartner(models.Model):
    # One model in several files, each named for the part it holds.
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "res.partner"

    # ------------------------------------------------------------ who is due

    @api.model
    def _amazon_retention_due(self, account, cutoff):
        """The ids of ``account``'s buyer contacts whose personal data is due:
        every order of the contact (or, for a contact no order names, of its
        buyer) is an order of this account, delivered (all its transfers done,
        the last before ``cutoff``) or canceled before ``cutoff``, and no document
        outside the connector (another order, an invoice, a transfer, a lead, a
        user...) names the contact or its buyer (a customer the seller also has
        outside Amazon is left whole). Only contacts the connector made for Amazon
        buyers: their buyer has the account and the Amazon tag; never the
        account's shared guest customer itself."""
        self.flush_model()
        self.env["sale.order"].flush_model()
        self.env["stock.picking"].flush_model()
        self.env["account.move"].flush_model()
        query = SQL(
            DUE_QUERY,
            account=account.id,
            cutoff=cutoff,
            guest=account.guest_partner_id.id or None,
            tag=self.env.ref("amazon_connector.partner_category_amazon").id,
            outside_p=self._amazon_used_outside(SQL("p.id")),
            outside_c=self._amazon_used_outside(SQL("c.id")),
        )
        self.env.cr.execute(query)
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _amazon_used_outside(self, partner):
        """``AND NOT EXISTS`` a document outside the connector that names the
        contact ``partner`` (an SQL expression): an invoice or journal item that
        is not an Amazon invoice or settlement entry, a transfer of no Amazon
        order, or a row of any other table (a lead, a purchase, a user, a bank
        account...): the installed modules' stored many-to-one fields to
        contacts, but the connector's own tables and the ones checked here."""
        clauses = [SQL(OUTSIDE_ACCOUNTING_AND_TRANSFERS, partner=partner)]
        self.env.cr.execute(
            SQL(
                """
                SELECT m.model, f.name FROM ir_model_fields f
                  JOIN ir_model m ON m.id = f.model_id
                 WHERE f.ttype = 'many2one' AND f.relation = 'res.partner'
                   AND f.store ORDER BY m.model, f.name
                """
            )
        )
        for model_name, field_name in self.env.cr.fetchall():
            if model_name == "res.partner" or model_name.startswith(
                OWN_OR_TECHNICAL_PREFIXES
            ):
                continue
            Model = self.env.get(model_name)
            field = Model._fields.get(field_name) if Model is not None else None
            if (
                field is None
                or not field.store
                or field.type != "many2one"
                or Model._transient
                or Model._abstract
                or not Model._auto
            ):
                continue
            clauses.append(
                SQL(
                    "AND NOT EXISTS (SELECT 1 FROM %s o WHERE o.%s = %s)",
                    SQL.identifier(Model._table),
                    SQL.identifier(field_name),
                    partner,
                )
            )
        return SQL(" ").join(clauses)

    # ------------------------------------------------------------ anonymise

    def _amazon_anonymize(self):
        """Replace the personal data of these buyer contacts with neutral values
        and scrub it from the chatter of their orders, transfers, invoices and of
        themselves; mark them anonymised. In a constant number of queries.

        A buyer named by a posted invoice or credit note keeps the name and
        address the invoice needs (tax law); its phone and e-mail relay go. A
        business buyer (a company) keeps its company data (name, VAT, address):
        not personal data; the persons under it do not."""
        if not self:
            return
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT partner_id FROM account_move
                 WHERE partner_id = ANY(%s) AND state = 'posted'
                   AND move_type IN %s
                """,
                self.ids,
                CUSTOMER_DOCUMENTS,
            )
        )
        invoiced = {row[0] for row in self.env.cr.fetchall()}
        kept = self.filtered(lambda p: p.id in invoiced or p.is_company)
        personal = self._amazon_personal_strings()
        erased = dict.fromkeys(PERSONAL_FIELDS, False)
        (self - kept)._amazon_overwrite(
            {
                **erased,
                "name": self.env._("Anonymised Amazon buyer"),
                "amazon_anonymized": True,
            }
        )
        kept._amazon_overwrite(
            {
                **dict.fromkeys(("phone", "mobile", "email", "function"), False),
                "amazon_anonymized": True,
            }
        )
        self._amazon_scrub_chatter(personal)

    def _amazon_overwrite(self, values):
        """Write ``values`` (plain stored fields) on these contacts in one query,
        then let Odoo recompute what depends on them (display names, normalised
        e-mail...). Not through ``write()``: its syncing of each contact to its
        children (one write per contact) and its tracking (which would keep the
        old values) have no place in an anonymisation."""
        if not self:
            return
        names = list(values)
        self.flush_recordset(names)
        self.env.cr.execute(
            SQL(
                "UPDATE res_partner SET %s, write_uid = %s, "
                "write_date = (now() AT TIME ZONE 'UTC') WHERE id = ANY(%s)",
                SQL(", ").join(
                    SQL("%s = %s", SQL.identifier(name), value or None)
                    if name != "amazon_anonymized"
                    else SQL("%s = %s", SQL.identifier(name), bool(value))
                    for name, value in values.items()
                ),
                self.env.uid,
                self.ids,
            )
        )
        self.invalidate_recordset([*names, "write_uid", "write_date"])
        self.modified(names)
        self.env.flush_all()

    def _amazon_personal_strings(self):
        """{contact id: its texts that identify a person (name, street, phone,
        e-mail...)}, as they are before anonymisation."""
        texts = {}
        for partner in self:
            texts[partner.id] = {
                value
                for name in ("name", *PERSONAL_FIELDS)
                if not (partner.is_company and name == "name")
                for value in [(partner[name] or "").strip()]
                if len(value) >= 3
            }
        return texts

    def _amazon_scrub_chatter(self, personal):
        """Scrub the ``personal`` texts ({contact id: its texts}) from the
        messages and tracking values of these contacts, of the orders that name
        them and of those orders' transfers and invoices (each document's
        messages of its own contacts' texts); contacts tracked by reference show
        the neutral name."""
        neutral = self.env._("Anonymised Amazon buyer")
        documents = self._amazon_chatter_documents()
        rows = []
        for model, ids in documents.items():
            rows += self.env.execute_query(
                SQL(
                    """
                    SELECT id, model, res_id, body, subject, record_name
                      FROM mail_message WHERE model = %s AND res_id = ANY(%s)
                    """,
                    model,
                    list(ids),
                )
            )

        def texts_of(model, res_id):
            return frozenset(
                text
                for partner in documents[model][res_id]
                for text in personal.get(partner, ())
            )

        message_texts = {row[0]: texts_of(row[1], row[2]) for row in rows}
        self._amazon_update_rows(
            "mail_message",
            ("body", "subject", "record_name"),
            _scrubbed_rows(
                [(row[0], *row[3:]) for row in rows], message_texts, neutral
            ),
        )
        self._amazon_scrub_tracking(message_texts, neutral)
        self.env["mail.message"].invalidate_model()
        self.env["mail.tracking.value"].invalidate_model()

    def _amazon_scrub_tracking(self, message_texts, neutral):
        """Scrub the tracking values of the messages of ``message_texts`` ({id:
        texts}) of their texts; these contacts tracked by reference (on any
        document) show ``neutral``."""
        values = self.env.execute_query(
            SQL(
                """
                SELECT id, mail_message_id, old_value_char, new_value_char
                  FROM mail_tracking_value WHERE mail_message_id = ANY(%s)
                """,
                list(message_texts),
            )
        )
        self._amazon_update_rows(
            "mail_tracking_value",
            ("old_value_char", "new_value_char"),
            _scrubbed_rows(
                [(row[0], *row[2:]) for row in values],
                {row[0]: message_texts[row[1]] for row in values},
                neutral,
            ),
        )
        for side in ("old", "new"):
            self.env.cr.execute(
                SQL(
                    """
                    UPDATE mail_tracking_value SET %(char)s = %(neutral)s
                     WHERE %(ref)s = ANY(%(ids)s)
                       AND field_id IN (SELECT id FROM ir_model_fields
                                         WHERE ttype = 'many2one'
                                           AND relation = 'res.partner')
                    """,
                    char=SQL.identifier(f"{side}_value_char"),
                    ref=SQL.identifier(f"{side}_value_integer"),
                    neutral=neutral,
                    ids=self.ids,
                )
            )

    def _amazon_chatter_documents(self):
        """{model: {record id: ids of these contacts it names}}: these contacts,
        the orders that name them, those orders' transfers and the invoices
        that name them."""
        documents = {"res.partner": {pid: {pid} for pid in self.ids}}
        names = set(self.ids)
        orders = documents["sale.order"] = {}
        for order, *partners in self.env.execute_query(
            SQL(
                """
                SELECT id, partner_id, partner_invoice_id, partner_shipping_id
                  FROM sale_order
                 WHERE partner_id = ANY(%(ids)s) OR partner_invoice_id = ANY(%(ids)s)
                    OR partner_shipping_id = ANY(%(ids)s)
                """,
                ids=self.ids,
            )
        ):
            orders[order] = names.intersection(partners)
        pickings = documents["stock.picking"] = {}
        for picking, sale, partner in self.env.execute_query(
            SQL(
                """
                SELECT id, sale_id, partner_id FROM stock_picking
                 WHERE sale_id = ANY(%s) OR partner_id = ANY(%s)
                """,
                list(orders),
                self.ids,
            )
        ):
            pickings[picking] = orders.get(sale, set()) | names.intersection({partner})
        moves = documents["account.move"] = {}
        for move, *partners in self.env.execute_query(
            SQL(
                """
                SELECT id, partner_id, partner_shipping_id FROM account_move
                 WHERE partner_id = ANY(%(ids)s) OR partner_shipping_id = ANY(%(ids)s)
                """,
                ids=self.ids,
            )
        ):
            moves[move] = names.intersection(partners)
        return documents

    def _amazon_update_rows(self, table, columns, rows):
        """Write ``rows`` ((id, *values of columns)) into ``table`` in one query."""
        if not rows:
            return
        values = SQL(", ").join(
            SQL("(%s, %s)", row[0], SQL(", ").join(SQL("%s", v) for v in row[1:]))
            for row in rows
        )
        self.env.cr.execute(
            SQL(
                "UPDATE %s t SET %s FROM (VALUES %s) AS v(id, %s) WHERE t.id = v.id",
                SQL.identifier(table),
                SQL(", ").join(
                    SQL("%s = v.%s", SQL.identifier(c), SQL.identifier(c))
                    for c in columns
                ),
                values,
                SQL(", ").join(SQL.identifier(c) for c in columns),
            )
        )


@functools.lru_cache(maxsize=1024)
def _texts_pattern(texts):
    """A case-insensitive pattern of the words ``texts``, longest first."""
    ordered = sorted(texts, key=len, reverse=True)
    alternatives = "|".join(re.escape(text) for text in ordered)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def _scrubbed(value, texts, neutral):
    """``value`` with ``neutral`` in place of each of ``texts`` in it (a pattern
    compiled only for a value that holds some of them)."""
    if not value or not texts:
        return value
    value = str(value)
    lowered = value.lower()
    found = frozenset(text for text in texts if text.lower() in lowered)
    return _texts_pattern(found).sub(neutral, value) if found else value


def _scrubbed_rows(rows, texts, neutral):
    """The ``rows`` ((id, *values)) some value of which holds one of their texts
    (``texts`` {id: texts}), with ``neutral`` in place of each."""
    changed = []
    for row_id, *values in rows:
        scrubbed = [_scrubbed(v, texts.get(row_id), neutral) for v in values]
        if scrubbed != [str(v) if v else v for v in values]:
            changed.append((row_id, *scrubbed))
    return changed
