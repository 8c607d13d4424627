"""Amazon's FBA customer returns report
(``GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA``): one row per returned unit (or
units of one license plate number), where Amazon put it.

Tab-separated with a header row (``return-date``, ``order-id``, ``sku``, ``asin``,
``fnsku``, ``product-name``, ``quantity``, ``fulfillment-center-id``,
``detailed-disposition``, ``reason``, ``status``, ``license-plate-number``,
``customer-comments``), columns found by name in any language
:mod:`.returns_columns` knows; the return date is ISO 8601 with its offset
(``2025-06-05T15:31:40+00:00``). A row without order id or SKU, or whose quantity
is not a whole number of at least 1, is left out and named in ``problems`` with its
line; the other rows are read all the same.

Plain Python: no Odoo here.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from . import returns_columns as col
from .local_format import parse_amazon_datetime

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
    line: int = 0  # its line in the file (the header is 1)


@dataclass(frozen=True)
class FbaReturnsReading:
    returns: tuple[FbaReturn, ...]
    problems: tuple[tuple[int, str], ...] = ()


def _row(header: col.ReturnsHeader, cells: list[str], line: int, problems: list):
    """The FbaReturn of one line, or None (the problem is recorded)."""

    def text(column: str) -> str | None:
        return header.get(cells, column) or None

    order, sku = text(col.ORDER_ID), text(col.SKU)
    if not order:
        problems.append((line, "no order-id, the row is left out"))
        return None
    if not sku:
        problems.append((line, "no sku, the row is left out"))
        return None
    quantity_text = text(col.QUANTITY) or ""
    try:
        quantity = col.whole_quantity(quantity_text)
    except ValueError:
        problems.append(
            (
                line,
                f"quantity {quantity_text!r} is not a whole number of at least 1, "
                "the row is left out",
            )
        )
        return None
    return_date = None
    date_text = text(col.RETURN_DATE)
    if date_text:
        try:
            return_date = parse_amazon_datetime(date_text)
        except ValueError as error:
            problems.append((line, f"return-date {date_text!r}: {error}, left empty"))
    disposition = text(col.DISPOSITION)
    return FbaReturn(
        return_date=return_date,
        order_ref=order,
        sku=sku,
        asin=text(col.ASIN),
        fnsku=text(col.FNSKU),
        product_name=text(col.PRODUCT_NAME),
        quantity=quantity,
        fulfillment_center=text(col.FULFILLMENT_CENTER),
        disposition=disposition.upper() if disposition else None,
        reason_code=text(col.REASON),
        status=text(col.STATUS),
        license_plate_number=text(col.LICENSE_PLATE),
        customer_comments=text(col.COMMENTS),
        line=line,
    )


def read_fba_returns(content: bytes, charset: str | None = None) -> FbaReturnsReading:
    """Read an FBA customer returns report (``charset`` as the download declared
    it). Raises ValueError when the document is empty or its header has no
    order-id or no sku column in a language the connector knows."""
    text = col.decode_returns(bytes(content), charset, col.fba_header, col.ORDER_ID)
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter="\t", quoting=csv.QUOTE_NONE
    )
    header = None
    returns: list[FbaReturn] = []
    problems: list[tuple[int, str]] = []
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        if header is None:
            header = col.fba_header(cells)
            missing = [c for c in (col.ORDER_ID, col.SKU) if not header.has(c)]
            if missing:
                found = header.found()
                raise ValueError(
                    "this is not an FBA customer returns report: its header has no "
                    f"{' and no '.join(missing)} column in a language the connector "
                    "knows" + (f" (the columns are: {found})" if found else "")
                )
            continue
        found_return = _row(header, cells, reader.line_num, problems)
        if found_return is not None:
            returns.append(found_return)
    if header is None:
        raise ValueError("the FBA customer returns report is empty: no header row")
    return FbaReturnsReading(returns=tuple(returns), problems=tuple(problems))
