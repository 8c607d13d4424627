# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""18.0.1.2.0: a delivery's packages told to Amazon become records.

Up to 18.0.1.1.0 ``stock_picking.amazon_packages`` held them as a JSON list of
dicts: ``key``, ``name``, ``ref`` (the package reference id), ``items``
({orderItemId: units}), ``tracking`` and ``confirmed``. Each becomes an
``amazon.shipment.package`` with its items (confirmed, sent in the delivery's
feed in flight, or to send). A package in any other shape is kept as it was
(``legacy_data``) in the state ``unclear``: listed on its delivery, never sent,
never lost. The column is read as it was: Odoo drops it after the post scripts,
with the removed field. A delivery that already has package records is left alone
(the script may run again).
"""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)


def _units(items):
    """{orderItemId: units} of a package's ``items``, or None when unreadable."""
    if not isinstance(items, dict) or not items:
        return None
    units = {}
    for item_id, quantity in items.items():
        if isinstance(quantity, bool) or not isinstance(quantity, int | float):
            return None
        if quantity < 0 or quantity != int(quantity):
            return None
        units[str(item_id)] = int(quantity)
    return units


def _read_package(package):
    """(values, units) of a package in 18.0.1.1.0's shape, or None."""
    if not isinstance(package, dict):
        return None
    reference, tracking = package.get("ref"), package.get("tracking")
    confirmed = package.get("confirmed", False)
    units = _units(package.get("items"))
    if isinstance(reference, bool) or not isinstance(reference, int) or reference < 1:
        return None
    if units is None or not isinstance(confirmed, bool):
        return None
    if tracking is not None and not isinstance(tracking, str):
        return None
    values = {
        "key": str(package.get("key") or ""),
        "name": str(package.get("name") or ""),
        "reference": reference,
        "tracking_number": tracking or False,
        "state": "confirmed" if confirmed else "to_send",
    }
    return values, units


def _package_values(picking, sequence, package):
    read = _read_package(package)
    if read is None:
        name = package.get("name") if isinstance(package, dict) else None
        return {
            "picking_id": picking.id,
            "sequence": sequence,
            "name": str(name or ""),
            "state": "unclear",
            "legacy_data": package,
            "error": picking.env._(
                "Kept from an earlier version in a shape this one does not read."
            ),
        }
    values, units = read
    if values["state"] == "to_send" and picking.amazon_feed_id:
        values.update(state="sent", feed_id=picking.amazon_feed_id.id)
    values.update(
        picking_id=picking.id,
        sequence=sequence,
        item_ids=picking._amazon_package_items(units),
    )
    return values


def migrate(cr, version):
    cr.execute(
        "SELECT 1 FROM information_schema.columns "
        "WHERE table_name = 'stock_picking' AND column_name = 'amazon_packages'"
    )
    if not cr.fetchone():
        return
    cr.execute(
        "SELECT id, amazon_packages FROM stock_picking p "
        "WHERE amazon_packages IS NOT NULL AND NOT EXISTS ("
        "  SELECT 1 FROM amazon_shipment_package s WHERE s.picking_id = p.id"
        ") ORDER BY id"
    )
    rows = cr.fetchall()
    env = api.Environment(cr, SUPERUSER_ID, {})
    values, unclear = [], 0
    for picking_id, packages in rows:
        picking = env["stock.picking"].browse(picking_id)
        if not isinstance(packages, list):
            packages = [packages]
        for sequence, package in enumerate(packages):
            values.append(_package_values(picking, sequence, package))
            unclear += values[-1]["state"] == "unclear"
    env["amazon.shipment.package"].create(values)
    if unclear:
        _logger.warning(
            "%s package(s) of deliveries kept as they were (state unclear): "
            "their shape is not the one 18.0.1.1.0 wrote.",
            unclear,
        )
