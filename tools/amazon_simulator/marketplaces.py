"""The marketplaces the simulator knows: ids, currencies and local conventions."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Marketplace:
    code: str
    marketplace_id: str
    name: str
    country: str
    currency: str
    language: str
    domain: str
    #: Rate from EUR, used to price the catalogue in the local currency.
    eur_rate: str
    #: Sales tax (US), VAT or consumption tax rate of Amazon's ``TAX`` breakdown,
    #: applied on top of the item price (or, in the TAX_INCLUDED shape, the part of
    #: it that is VAT), as a string.
    tax_rate: str
    #: Order id prefixes Amazon uses in this region.
    order_prefixes: tuple[str, ...]
    #: Settlement flat files use a comma as decimal separator.
    decimal_comma: bool = False
    #: Encoding of the settlement flat file and the charset announced with it.
    encoding: str = "utf-8"
    charset: str = "UTF-8"
    #: Buyers see prices tax included (all but the US): Amazon sends its orders in
    #: three shapes there, ITEM + TAX on top, ITEM only (the seller calculates the
    #: VAT, the amounts are what the buyer paid), or ITEM with the VAT in it and TAX
    #: giving that VAT part (generator.TAX_SHAPES).
    prices_include_tax: bool = True
    #: How the settlement flat file writes dates: ``iso`` (2026-11-02, America),
    #: ``dotted`` (02.11.2026, continental Europe), ``day_first`` (02/11/2026, the
    #: United Kingdom) or ``japanese`` (2026/11/02).
    settlement_date_style: str = "iso"
    #: The time zone the settlement's date-times are written in (its abbreviation
    #: and its offset from UTC, in hours).
    settlement_time_zone: str = "UTC"
    settlement_utc_offset: int = 0
    #: The monthly Professional selling plan fee and how the file describes it.
    subscription_fee: str = "39.00"
    subscription_description: str = "Subscription Fee"
    #: Rate of Amazon's digital services fee on its fees (None: not charged here).
    digital_services_fee_rate: str | None = None

    @property
    def decimals(self) -> int:
        return 0 if self.currency == "JPY" else 2


MARKETPLACES: dict[str, Marketplace] = {
    m.code: m
    for m in (
        Marketplace(
            "US",
            "ATVPDKIKX0DER",
            "Amazon.com",
            "US",
            "USD",
            "en_US",
            "amazon.com",
            "1.08",
            "0.0825",
            ("111", "112", "113", "114"),
            prices_include_tax=False,
            subscription_fee="39.99",
        ),
        Marketplace(
            "UK",
            "A1F83G8C2ARO7P",
            "Amazon.co.uk",
            "GB",
            "GBP",
            "en_GB",
            "amazon.co.uk",
            "0.86",
            "0.20",
            ("202", "203", "204", "026"),
            settlement_date_style="day_first",
            subscription_fee="25.00",
            digital_services_fee_rate="0.02",
        ),
        Marketplace(
            "DE",
            "A1PA6795UKMFR9",
            "Amazon.de",
            "DE",
            "EUR",
            "de_DE",
            "amazon.de",
            "1",
            "0.19",
            ("302", "303", "304", "028"),
            decimal_comma=True,
            settlement_date_style="dotted",
        ),
        Marketplace(
            "FR",
            "A13V1IB3VIYZZH",
            "Amazon.fr",
            "FR",
            "EUR",
            "fr_FR",
            "amazon.fr",
            "1",
            "0.20",
            ("402", "403", "404", "171"),
            decimal_comma=True,
            settlement_date_style="dotted",
            digital_services_fee_rate="0.03",
        ),
        Marketplace(
            "IT",
            "APJ6JRA9NG5V4",
            "Amazon.it",
            "IT",
            "EUR",
            "it_IT",
            "amazon.it",
            "1",
            "0.22",
            ("402", "403", "404", "171"),
            decimal_comma=True,
            settlement_date_style="dotted",
            digital_services_fee_rate="0.03",
        ),
        Marketplace(
            "ES",
            "A1RKKUPIHCS9HS",
            "Amazon.es",
            "ES",
            "EUR",
            "es_ES",
            "amazon.es",
            "1",
            "0.21",
            ("402", "403", "404", "171"),
            decimal_comma=True,
            settlement_date_style="dotted",
            digital_services_fee_rate="0.03",
        ),
        Marketplace(
            "JP",
            "A1VC38T7YXB528",
            "Amazon.co.jp",
            "JP",
            "JPY",
            "ja_JP",
            "amazon.co.jp",
            "160",
            "0.10",
            ("249", "250", "503"),
            encoding="cp932",
            charset="Windows-31J",
            settlement_date_style="japanese",
            settlement_time_zone="JST",
            settlement_utc_offset=9,
            subscription_fee="4900",
            subscription_description="月額登録料",
        ),
    )
}

BY_ID: dict[str, Marketplace] = {m.marketplace_id: m for m in MARKETPLACES.values()}

DEFAULT_CODES = ("DE", "UK", "US", "JP", "FR", "IT", "ES")


def by_code(code: str) -> Marketplace:
    try:
        return MARKETPLACES[code.upper()]
    except KeyError:
        raise ValueError(f"Unknown marketplace code {code!r}") from None
