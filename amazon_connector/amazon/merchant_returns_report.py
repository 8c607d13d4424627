"""Amazon's returns report of merchant-fulfilled orders
(``GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE``, 60 days a report at most): one
row per returned item of a return authorisation (RMA).

Plain Python: no Odoo here.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

REPORT_TYPE = "GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE"
XML_REPORT_TYPE = "GET_XML_RETURNS_DATA_BY_RETURN_DATE"
#: Amazon gives 60 days of returns a report at most.
MAX_REPORT_DAYS = 60


@dataclass(frozen=True)
class MerchantReturnItem:
    """One row: an item of a return."""

    sku: str
    asin: str | None
    quantity: int
    order_item_id: str | None = None
    item_name: str | None = None
    reason_code: str | None = None  # Amazon's reason code (e.g. "DEFECTIVE")
    reason: str | None = None  # its text, in the report's words
    refunded_amount: Decimal | None = None


@dataclass(frozen=True)
class MerchantReturn:
    """A return authorisation: the rows of one Amazon RMA id together."""

    order_ref: str
    rma_ref: str
    status: str | None  # Return request status: Approved, Authorized, Closed…
    request_date: date | None
    delivered_date: date | None  # Return delivery date: the parcel reached you
    resolution: str | None  # e.g. "StandardRefund", "ReturnlessRefund"
    return_type: str | None
    label_type: str | None
    label_carrier: str | None
    label_tracking: str | None
    label_cost: Decimal | None
    label_payer: str | None  # as Amazon writes it ("Customer", "Seller", "Amazon")
    currency: str | None
    items: tuple[MerchantReturnItem, ...]
    returnless: bool = False  # Amazon refunds without the item coming back


@dataclass(frozen=True)
class MerchantReturnsReading:
    """What a report held: the returns, and the rows that could not be read (line
    number and why), so one bad row loses nothing else."""

    returns: tuple[MerchantReturn, ...]
    problems: tuple[tuple[int, str], ...] = ()


def read_merchant_returns(
    content: bytes, charset: str | None = None
) -> MerchantReturnsReading:
    """Read a returns report (flat file, or XML when ``content`` is XML)."""
    raise NotImplementedError
