"""The reasons of the settlement's ``FBA Inventory Reimbursement`` rows (their
amount-description) and what in the Inventory Ledger each one pays for.

The reasons are those sellers' V2 settlement files carry (``settlement_vocabulary``:
WAREHOUSE_LOST, WAREHOUSE_DAMAGE, MISSING_FROM_INBOUND, REMOVAL_ORDER_LOST,
REVERSAL_REIMBURSEMENT, CUSTOMER_RETURN…) and the ``reason`` of Amazon's
Finances API ``FBAInventoryReimbursement`` adjustments
(amzn/selling-partner-api-models, ``financesV0.json``). Only these five
reasons name a loss the ledger records; the others (a customer's return, a
fee corrected…) pay for none.

Plain Python: no Odoo here.
"""

from __future__ import annotations

#: The amount-type of a reimbursement row.
REIMBURSEMENT_AMOUNT_TYPE = "FBA Inventory Reimbursement"

#: What a reimbursement pays for.
LOST = "lost"  # a unit the ledger adjusted as lost (M, 5…)
DAMAGED = "damaged"  # a sellable unit the ledger adjusted as damaged (E, 6, 7…)
INBOUND = "inbound"  # units of a Send to Amazon shipment Amazon never received
REMOVAL = "removal"  # units of a removal lost on their way back (VendorReturns)
REVERSAL = "reversal"  # Amazon takes the money back: it found the unit (F)

_PAYS_FOR = {
    "WAREHOUSE_LOST": LOST,
    "WAREHOUSE_DAMAGE": DAMAGED,
    "MISSING_FROM_INBOUND": INBOUND,
    "REMOVAL_ORDER_LOST": REMOVAL,
    "REVERSAL_REIMBURSEMENT": REVERSAL,
}

#: The reasons that pay for a loss the ledger records (their spelling in the
#: settlement files).
LOSS_REASONS = tuple(_PAYS_FOR)


def reimbursed_units(quantity: int | None) -> int:
    """The units a reimbursement row pays for: its quantity, one when it
    carries none."""
    return abs(quantity or 0) or 1


def reimbursed_loss(reason: str | None) -> str | None:
    """What the reimbursement of ``reason`` pays for in the ledger (``LOST``,
    ``DAMAGED``, ``INBOUND``, ``REMOVAL``, ``REVERSAL``), None for a reason that
    pays for no ledger loss (a customer's return, a fee) or nobody documents."""
    return _PAYS_FOR.get((reason or "").strip().upper())
