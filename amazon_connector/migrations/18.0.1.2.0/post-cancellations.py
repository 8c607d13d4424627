# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""18.0.1.2.0: the seller's cancellations become records.

Up to 18.0.1.1.0 an order kept its seller cancellations as a JSON list in
``sale_order.amazon_cancellations``, one entry per cancellation::

    {"feed": <amazon.feed id>, "message": <message id in the feed>,
     "reason": <Amazon's cancel reason>, "whole": <bool>, "units": <int>,
     "items": [<Amazon order item id>, ...],
     "state": "sent" | "informed" | "refused" | "failed" | "unclear",
     "error": <Amazon's message> | false}

and the acknowledgement feeds were owned by ``sale.order`` (their ``messages``
mapped each message to the order). Each entry becomes an
``amazon.order.cancellation`` with its items, dated by its feed; each feed is
handed to the new records (a feed still waiting for Amazon's answer lands on
them). An entry whose state this version does not know is kept as ``unclear``
with the entry's text as Amazon's message, and listed in the log; an entry that
cannot be read at all is posted on its order's chatter and listed. The column is
only read here: Odoo drops it when the upgrade removes the old field.
"""

import json
import logging

from odoo import SUPERUSER_ID, api
from odoo.fields import Command
from odoo.tools.sql import column_exists

_logger = logging.getLogger(__name__)

OLD_COLUMN = "amazon_cancellations"
KNOWN_STATES = frozenset({"sent", "informed", "refused", "failed", "unclear"})


def migrate(cr, version):
    if not version or not column_exists(cr, "sale_order", OLD_COLUMN):
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    cr.execute(
        "SELECT id, amazon_cancellations FROM sale_order "
        "WHERE amazon_cancellations IS NOT NULL ORDER BY id"
    )
    rows = cr.fetchall()
    Cancellation = env["amazon.order.cancellation"]
    reasons = {code for code, _label in Cancellation._fields["reason"].selection}
    feeds = env["amazon.feed"]
    unknown, unreadable = [], []
    for order_id, log in rows:
        order = env["sale.order"].browse(order_id)
        if order.amazon_cancellation_ids:  # migrated already
            continue
        if isinstance(log, str):
            log = json.loads(log)
        for entry in log if isinstance(log, list) else [log]:
            if not isinstance(entry, dict) or entry.get("reason") not in reasons:
                unreadable.append((order, entry))
                continue
            values, state_known = _values(env, order, entry)
            if not state_known:
                unknown.append((order, entry.get("state")))
            cancellation = Cancellation.create(values)
            feeds |= cancellation.feed_id
    for feed in feeds:
        _hand_feed_over(env, feed)
    _date_from_feeds(cr)
    for order, entry in unreadable:
        order.message_post(
            body=env._(
                "A seller cancellation of the previous version could not be read; "
                "its record was: %s",
                json.dumps(entry),
            ),
            subtype_xmlid="mail.mt_note",
        )
    if unknown:
        _logger.warning(
            "Seller cancellations kept as unclear (state unknown): %s",
            ", ".join(f"{o.amazon_order_ref or o.name} ({s!r})" for o, s in unknown),
        )
    if unreadable:
        _logger.warning(
            "Seller cancellations that could not be read, posted on their order: %s",
            ", ".join(o.amazon_order_ref or o.name for o, _entry in unreadable),
        )


def _values(env, order, entry):
    """(the values of the cancellation of ``entry``, whether its state is known)."""
    state = entry.get("state")
    error = entry.get("error") or False
    state_known = state in KNOWN_STATES
    if not state_known:
        error = env._(
            "State %(state)r unknown to this version; the previous version's "
            "record: %(entry)s",
            state=state,
            entry=json.dumps(entry),
        )
        state = "unclear"
    feed = env["amazon.feed"].browse(entry.get("feed") or []).exists()
    lines = order.order_line.filtered("amazon_order_item_id")
    item_ids = [str(item_id) for item_id in entry.get("items") or []]
    items = [
        Command.create(
            {
                "order_item_id": item_id,
                "sale_line_id": lines.filtered(
                    lambda line, i=item_id: line.amazon_order_item_id == i
                )[:1].id,
                # The log counted the units of the whole cancellation only.
                "quantity": entry.get("units") or 0 if len(item_ids) == 1 else 0,
            }
        )
        for item_id in item_ids
    ]
    return {
        "order_id": order.id,
        "reason": entry["reason"],
        "whole": bool(entry.get("whole")),
        "units": entry.get("units") or 0,
        "feed_id": feed.id,
        "message_id": entry.get("message") or 0,
        "state": state,
        "error": error,
        "item_ids": items,
    }, state_known


def _hand_feed_over(env, feed):
    """The acknowledgement ``feed``'s messages now speak for the cancellations."""
    cancellations = env["amazon.order.cancellation"].search([("feed_id", "=", feed.id)])
    feed.write(
        {
            "res_model": "amazon.order.cancellation",
            "messages": {str(c.message_id): c.id for c in cancellations},
        }
    )


def _date_from_feeds(cr):
    """A migrated cancellation was made with its feed, answered when it was."""
    cr.execute(
        """
        UPDATE amazon_order_cancellation c
           SET create_date = f.create_date,
               answered_at = CASE WHEN c.state NOT IN ('to_send', 'sent')
                                  THEN f.processed_at END
          FROM amazon_feed f
         WHERE f.id = c.feed_id AND c.answered_at IS NULL
           AND c.create_date > f.create_date
        """
    )
