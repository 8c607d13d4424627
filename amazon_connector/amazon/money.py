"""Money as Amazon sends it: ``{"amount": "12.34", "currencyCode": "EUR"}``.

Amazon writes amounts as decimal strings (the model's ``Decimal`` type); they are read
into :class:`decimal.Decimal`, never ``float``, and checked against the number of
decimals the currency has (JPY has none, so ``"10.5"`` JPY is refused).
"""

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .errors import AmazonDataError

# ISO 4217 active codes and their minor units (decimals). Every currency of an Amazon
# marketplace is in MARKETPLACE_CURRENCIES below; the others let an order in a less
# usual currency still be parsed rather than refused.
CURRENCY_DECIMALS: dict[str, int] = {
    **dict.fromkeys(
        (
            "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BRL "
            "BSD BTN BWP BYN BZD CAD CDF CHF CNY COP CRC CUP CVE CZK DKK DOP DZD EGP "
            "ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS "
            "INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD "
            "MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN "
            "PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD "
            "SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD UYU UZS VES "
            "WST XCD XCG YER ZAR ZMW ZWG"
        ).split(),
        2,
    ),
    **dict.fromkeys(
        "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX VND VUV XAF XOF XPF".split(), 0
    ),
    **dict.fromkeys("BHD IQD JOD KWD LYD OMR TND".split(), 3),
}

# The currencies of the Amazon marketplaces the connector knows (SP-API.md).
MARKETPLACE_CURRENCIES: frozenset[str] = frozenset(
    "USD CAD MXN BRL GBP EUR SEK PLN TRY AED SAR EGP INR ZAR JPY AUD SGD".split()
)

_CURRENCY_CODE = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True)
class Money:
    """An exact amount in one currency."""

    amount: Decimal
    currency: str

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


def data_error(order_id: str | None, field: str, problem: str) -> AmazonDataError:
    """Build the error raised for unmappable data, with ``order_id`` and ``field``
    attributes so callers can report it without parsing the message."""
    error = AmazonDataError(f"Amazon order {order_id or '?'}: {field}: {problem}")
    error.order_id = order_id
    error.field = field
    return error


def currency_decimals(currency: str) -> int:
    """Number of decimals of ``currency``; raise AmazonDataError if it is unknown."""
    try:
        return CURRENCY_DECIMALS[currency]
    except KeyError:
        raise AmazonDataError(f"Unknown currency code {currency!r}") from None


def quantize(amount: Decimal, currency: str) -> Decimal:
    """Round ``amount`` half-up to the decimals of ``currency`` (JPY: none)."""
    exponent = Decimal(1).scaleb(-currency_decimals(currency))
    return amount.quantize(exponent, rounding=ROUND_HALF_UP)


def parse_amount(value, *, field: str, order_id: str | None) -> Decimal:
    """Read an amount written as a decimal string (an int is accepted too)."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise data_error(
            order_id, field, f"amount is not a number ({type(value).__name__})"
        )
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise data_error(
            order_id, field, f"amount {str(value)[:20]!r} is not a number"
        ) from None
    if not amount.is_finite():
        raise data_error(
            order_id, field, f"amount {str(value)[:20]!r} is not a finite number"
        )
    return amount


def parse_money(
    value: dict | None,
    *,
    field: str,
    order_id: str | None,
    expected_currency: str | None = None,
) -> Money | None:
    """Turn Amazon's Money object into :class:`Money`; ``None`` stays ``None``.

    Raise AmazonDataError when the amount is not a number, has more decimals than the
    currency allows, or the currency code is missing, unknown, or differs from
    ``expected_currency`` (the order's currency).
    """
    if value is None:
        return None
    if not isinstance(value, dict):
        raise data_error(order_id, field, "money is not an object")
    if value.get("amount") is None:
        raise data_error(order_id, field, "amount is missing")
    amount = parse_amount(value["amount"], field=field, order_id=order_id)
    currency = value.get("currencyCode")
    if not currency or not isinstance(currency, str):
        raise data_error(order_id, field, "currencyCode is missing")
    currency = currency.strip().upper()
    if not _CURRENCY_CODE.match(currency) or currency not in CURRENCY_DECIMALS:
        raise data_error(order_id, field, f"unknown currency code {currency[:8]!r}")
    if expected_currency and currency != expected_currency:
        raise data_error(
            order_id,
            field,
            f"currency {currency} differs from the order currency {expected_currency}",
        )
    if quantize(amount, currency) != amount:
        raise data_error(
            order_id,
            field,
            f"amount {amount} has more decimals than {currency} allows "
            f"({CURRENCY_DECIMALS[currency]})",
        )
    return Money(amount=amount, currency=currency)
