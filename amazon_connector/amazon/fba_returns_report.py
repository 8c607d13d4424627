"""Amazon's FBA customer returns report
(``GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA``): one row per returned unit (or
units of one license plate number), where Amazon put it.

Plain Python: no Odoo here.
"""

from dataclasses import dataclass
from datetime import datetime

REPORT_TYPE = "GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA"


@dataclass(frozen=True)
class FbaReturn:
    """One row of the report."""

    return_date: datetime | None
    order_ref: str
    sku: str
    asin: str | None
    fnsku: str | None
    product_name: str | None
    quantity: int
    fulfillment_center: str | None
    disposition: str | None  # detailed-disposition: SELLABLE, DEFECTIVE…
    reason_code: str | None
    status: str | None  # "Unit returned to inventory", "Reimbursed"…
    license_plate_number: str | None
    customer_comments: str | None = None


@dataclass(frozen=True)
class FbaReturnsReading:
    returns: tuple[FbaReturn, ...]
    problems: tuple[tuple[int, str], ...] = ()


def read_fba_returns(content: bytes, charset: str | None = None) -> FbaReturnsReading:
    """Read an FBA customer returns report."""
    raise NotImplementedError
