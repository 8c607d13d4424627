"""The words of Amazon's returns reports: where a returned unit goes (FBA's
detailed dispositions), what the buyer said (return reason codes), and who pays
the return label.

Sources: Seller Central's help on the FBA customer returns report and the
returns report (field lists, dispositions), the Reports API's report type
values (``reports_2021-06-30.json`` names no columns), and sellers' published
reports (see each fixture's header for its source).

Plain Python: no Odoo here.
"""

#: FBA's detailed dispositions of a returned unit. Only SELLABLE goes back to the
#: account's FBA stock; the others go to its unsellable location.
SELLABLE = "SELLABLE"
UNSELLABLE_DISPOSITIONS = (
    "CUSTOMER_DAMAGED",
    "DEFECTIVE",
    "CARRIER_DAMAGED",
    "DISTRIBUTOR_DAMAGED",
    "EXPIRED",
    "WAREHOUSE_DAMAGED",
)
DISPOSITIONS = (SELLABLE, *UNSELLABLE_DISPOSITIONS)


def is_sellable(disposition: str | None) -> bool:
    """A returned unit Amazon put back in its fulfillable stock."""
    return (disposition or "").strip().upper() == SELLABLE
