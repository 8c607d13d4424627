"""Money the way Amazon writes it: ``{"amount": "12.34", "currencyCode": "EUR"}``."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def decimals_of(currency: str) -> int:
    return 0 if currency == "JPY" else 2


def quantize(value: Decimal, currency: str) -> Decimal:
    exp = Decimal(1).scaleb(-decimals_of(currency))
    return Decimal(value).quantize(exp, rounding=ROUND_HALF_UP)


def money(value: Decimal, currency: str) -> dict:
    return {"amount": str(quantize(value, currency)), "currencyCode": currency}


def amount_of(money_dict: dict) -> Decimal:
    return Decimal(money_dict["amount"])


def local_format(
    value: Decimal, currency: str, decimal_comma: bool, *, grouping: bool = True
) -> str:
    """Format an amount as settlement flat files do: the decimal mark of the
    marketplace and, from 1000 on, its thousands grouping (``1.234,56`` with a
    decimal comma, ``1,234.56`` with a point, ``-1,980`` yen).

    A currency without decimals is not grouped with points (``1.980`` reads as a
    decimal number): with ``decimal_comma`` yen are written ``1980``.
    """
    amount = quantize(value, currency)
    whole, _, fraction = f"{abs(amount):f}".partition(".")
    decimal_mark, separator = (",", ".") if decimal_comma else (".", ",")
    if grouping and (fraction or separator == ","):
        whole = f"{int(whole):,}".replace(",", separator)
    sign = "-" if amount < 0 else ""
    return sign + whole + (decimal_mark + fraction if fraction else "")
