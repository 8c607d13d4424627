"""The tax rate behind Amazon's tax amounts.

Amazon states tax amounts, not rates. Odoo needs a rate: the one whose tax, computed
the way Odoo computes it and rounded to the currency, gives Amazon's amount back. The
simplest such rate wins (19 before 19.0 before 18.99...), so ordinary VAT rates come
out as the company's usual taxes.
"""

from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)


def tax_for_rate(
    amount: Decimal, rate: Decimal, *, price_include: bool, decimals: int
) -> Decimal:
    """The tax Odoo computes for ``amount`` (tax included or not) at ``rate`` %."""
    step = Decimal(1).scaleb(-decimals)
    if price_include:
        tax = amount - amount / (1 + rate / HUNDRED)
    else:
        tax = amount * rate / HUNDRED
    return tax.quantize(step, rounding=ROUND_HALF_UP)


def infer_rate(
    amount: Decimal, tax: Decimal, *, price_include: bool, decimals: int
) -> Decimal | None:
    """The simplest rate (in %) that turns ``amount`` into Amazon's ``tax``.

    ``amount`` is the line's tax-included total when ``price_include``, else its
    amount before tax. Returns None when there is no tax, and the raw rate (rounded
    to 4 decimals) when no simpler one reproduces the amount (tiny lines).
    """
    if not tax:
        return None
    base = amount - tax if price_include else amount
    if base <= 0:
        return None
    raw = tax / base * HUNDRED
    for places in range(0, 4):
        candidate = raw.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        if candidate > 0 and (
            tax_for_rate(
                amount, candidate, price_include=price_include, decimals=decimals
            )
            == tax
        ):
            return candidate
    return raw.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
