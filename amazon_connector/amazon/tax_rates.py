"""The tax rate behind Amazon's tax amounts.

Amazon states tax amounts, not rates. Odoo needs a rate: one whose tax, computed the
way Odoo computes it and rounded to the currency, gives Amazon's amount back. The
choice, in order:

1. a *preferred* rate (the rate of the item's own product line, for its shipping,
   gift wrap and promotion lines) that comes within one currency unit of Amazon's
   amount: small lines have too few cents to tell rates apart;
2. a *known* rate (the company's existing taxes) that reproduces the amount exactly;
3. the simplest rate with at most one decimal (19, 7.7...) within one currency unit:
   Amazon and Odoo may round a half cent differently, and a "19.97 %" tax made up to
   match a rounding would litter the tax reports;
4. the simplest rate with two or three decimals (14.975) that reproduces it exactly;
5. the raw ratio, to four decimals.
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
    amount: Decimal,
    tax: Decimal,
    *,
    price_include: bool,
    decimals: int,
    preferred=(),
    known=(),
) -> Decimal | None:
    """The rate (in %) that turns ``amount`` into Amazon's ``tax``; see the module
    docstring for the order of preference.

    ``amount`` is the line's tax-included total when ``price_include``, else its
    amount before tax. Negative amounts (promotions) are read as positive. Returns
    None when there is no tax.
    """
    if not tax:
        return None
    amount, tax = abs(amount), abs(tax)
    base = amount - tax if price_include else amount
    if base <= 0:
        return None
    unit = Decimal(1).scaleb(-decimals)

    def gap(rate):
        computed = tax_for_rate(
            amount, rate, price_include=price_include, decimals=decimals
        )
        return abs(computed - tax)

    for rate in preferred:
        if rate and gap(Decimal(rate)) <= unit:
            return Decimal(rate)
    for rate in known:
        if rate and gap(Decimal(rate)) == 0:
            return Decimal(rate)
    raw = tax / base * HUNDRED
    candidates = [
        raw.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        for places in range(4)
    ]
    for candidate in candidates[:2]:
        if candidate > 0 and gap(candidate) <= unit:
            return candidate
    for candidate in candidates[2:]:
        if candidate > 0 and gap(candidate) == 0:
            return candidate
    return raw.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
