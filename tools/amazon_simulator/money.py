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


def local_format(value: Decimal, currency: str, decimal_comma: bool) -> str:
    """Format an amount as settlement flat files do ("95,00" with a decimal comma)."""
    text = str(quantize(value, currency))
    return text.replace(".", ",") if decimal_comma else text
