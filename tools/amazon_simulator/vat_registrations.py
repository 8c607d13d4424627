"""The VAT registration of an Amazon Business buyer (``tax.taxRegistrations``
item of ``entityType`` ``BUYER``), shaped like the official examples of
``orders_2026-01-01.json`` (the Amazon.com.br business order
``171-2345678-9012345``, type ``VAT``; the Amazon.com.tr order
``028-1234567-8901234`` for ``taxRegistrationAddress`` and
``taxInvoicing.buyerInvoicePreference``). The numbers are made up: they have the
length and letters of the country's numbers (the EU's VIES formats), not a valid
check digit.
"""

from __future__ import annotations

import string

#: Marketplace countries of the EU and the UK, where buyers' VAT numbers count.
VAT_COUNTRIES = frozenset(
    "AT BE BG CY CZ DE DK EE ES FI FR GB GR HR HU IE IT LT LU LV MT NL PL PT RO SE "
    "SI SK".split()
)
#: A VAT number no country's format accepts (too short for Germany's nine digits).
INVALID_VAT_NUMBER = "DE12345"


def vat_number(country: str, digits: int) -> str:
    """A VAT number of ``country`` in its format, made from ``digits`` (nine)."""
    body = f"{digits:09d}"[-9:]
    if country == "FR":
        body = f"{digits % 100:02d}{body}"  # two key characters, SIREN
    elif country == "IT":
        body = f"{body}{digits % 100:02d}"  # eleven digits
    elif country == "ES":
        body = f"X{body[:7]}{string.ascii_uppercase[digits % 26]}"
    elif country == "NL":
        body = f"{body}B01"
    return f"{country}{body}"


def buyer_registration(buyer: dict, address: dict, number: str) -> dict:
    """The order's ``tax`` block: the buyer's VAT registration at ``address``."""
    return {
        "taxRegistrations": [
            {
                "entityType": "BUYER",
                "taxRegistrationType": "VAT",
                "taxRegistrationNumber": number,
                "legalName": buyer["buyerCompanyName"],
                "taxRegistrationAddress": {
                    key: address[key]
                    for key in (
                        "name",
                        "companyName",
                        "addressLine1",
                        "city",
                        "postalCode",
                        "countryCode",
                    )
                    if key in address
                },
            }
        ],
        "taxInvoicing": {"buyerInvoicePreference": "BUSINESS"},
    }
