"""The words of Amazon's returns reports: where a returned unit goes (FBA's
detailed dispositions), what the buyer said (return reason codes), and who pays
the return label.

Sources: Seller Central's help on the FBA customer returns report and the
returns report (field lists, dispositions), the Reports API's report type
values (``reports_2021-06-30.json`` names no columns), and sellers' published
reports (see each fixture's header for its source).

Plain Python: no Odoo here.
"""

#: FBA's detailed dispositions of a returned unit. Only SELLABLE goes back to the
#: account's FBA stock; the others go to its unsellable location.
SELLABLE = "SELLABLE"
UNSELLABLE_DISPOSITIONS = (
    "CUSTOMER_DAMAGED",
    "DEFECTIVE",
    "CARRIER_DAMAGED",
    "DISTRIBUTOR_DAMAGED",
    "EXPIRED",
    "WAREHOUSE_DAMAGED",
)
DISPOSITIONS = (SELLABLE, *UNSELLABLE_DISPOSITIONS)


def is_sellable(disposition: str | None) -> bool:
    """A returned unit Amazon put back in its fulfillable stock."""
    return (disposition or "").strip().upper() == SELLABLE


#: What the buyer said, by Amazon's return reason code: the codes of the FBA
#: customer returns report's ``reason`` column (sellers' published reason tables
#: and analysis tools quoting their files: DEFECTIVE, UNWANTED_ITEM, SWITCHEROO,
#: the UNDELIVERABLE_* family...). The merchant returns report writes the same
#: reasons with a ``CR-`` prefix (``CR-DEFECTIVE``) and Amazon's own page reasons
#: with ``AMZ-PG-`` (:data:`MERCHANT_REASON_TEXTS`).
REASON_TEXTS: dict[str, str] = {
    "DEFECTIVE": "Item defective",
    "QUALITY_UNACCEPTABLE": "Quality not as expected",
    "UNWANTED_ITEM": "No longer wanted",
    "NOT_AS_DESCRIBED": "Not as described",
    "ORDERED_WRONG_ITEM": "Ordered the wrong item",
    "MISORDERED": "Ordered the wrong style, size or colour",
    "DAMAGED_BY_CARRIER": "Damaged in transit",
    "DAMAGED_BY_FC": "Damaged before shipping",
    "SWITCHEROO": "Wrong item sent",
    "MISSED_ESTIMATED_DELIVERY": "Arrived too late",
    "NEVER_ARRIVED": "Never arrived",
    "FOUND_BETTER_PRICE": "Found a better price",
    "UNAUTHORIZED_PURCHASE": "Unauthorised purchase",
    "EXTRA_ITEM": "Extra item in the parcel",
    "MISSING_PARTS": "Parts or accessories missing",
    "NOT_COMPATIBLE": "Not compatible",
    "PART_NOT_COMPATIBLE": "Part not compatible",
    "EXCESSIVE_INSTALLATION": "Too hard to install",
    "WARRANTY": "Defective after arrival (warranty)",
    "APPAREL_TOO_SMALL": "Too small",
    "APPAREL_TOO_LARGE": "Too large",
    "APPAREL_STYLE": "Style not as expected",
    "JEWELRY_TOO_SMALL": "Too small",
    "JEWELRY_TOO_LARGE": "Too large",
    "NO_REASON_GIVEN": "No reason given",
    "UNKNOWN_OTHER_REASON": "Other reason",
    "UNDELIVERABLE_REFUSED": "Refused by the buyer",
    "UNDELIVERABLE_UNCLAIMED": "Not collected by the buyer",
    "UNDELIVERABLE_UNKNOWN": "Undeliverable",
    "UNDELIVERABLE_INSUFFICIENT_ADDRESS": "Undeliverable: incomplete address",
    "UNDELIVERABLE_FAILED_DELIVERY_ATTEMPTS": "Undeliverable: delivery attempts failed",
    "UNDELIVERABLE_CARRIER_MISS_SORTED": "Undeliverable: missorted by the carrier",
    "UNDELIVERABLE_MISSING_LABEL": "Undeliverable: label missing",
}

#: Reasons only the merchant returns report writes (Amazon's product page reasons,
#: ``AMZ-PG-``): AMZ-PG-BAD-DESC and AMZ-PG-MISORDERED in sellers' reason tables,
#: AMZ-PG-APP-TOO-SMALL/-LARGE in an Amazon.es XML report, AMZ-PG-WJ-TOO-SMALL in a
#: US report (2025).
MERCHANT_REASON_TEXTS: dict[str, str] = {
    "AMZ-PG-BAD-DESC": "Not as described",
    "AMZ-PG-MISORDERED": "Ordered the wrong style, size or colour",
    "AMZ-PG-APP-TOO-SMALL": "Too small",
    "AMZ-PG-APP-TOO-LARGE": "Too large",
    "AMZ-PG-APP-STYLE": "Style not as expected",
    "AMZ-PG-WJ-TOO-SMALL": "Too small",
    "AMZ-PG-WJ-TOO-LARGE": "Too large",
}

#: The prefixes the merchant report puts before a reason code, stripped (in this
#: order, each once) to read what is left.
_REASON_PREFIXES = ("CR-", "AMZ-PG-", "AMZ-")


def is_reason_code(text: str | None) -> bool:
    """A reason as Amazon codes it (``DEFECTIVE``, ``CR-DEFECTIVE``), not a text a
    localised report wrote out (``Artikel defekt``)."""
    value = (text or "").strip()
    return bool(value) and all(c.isupper() or c.isdigit() or c in "-_" for c in value)


def reason_text(code: str | None) -> str:
    """The plain English text of a return reason code: ``DEFECTIVE`` and
    ``CR-DEFECTIVE`` -> "Item defective". An unknown code is made readable
    (``CR-SOME_NEW_REASON`` -> "Some new reason"); a text that is no code is given
    back as it is; nothing -> ""."""
    value = (code or "").strip()
    if not is_reason_code(value):
        return value
    if value in MERCHANT_REASON_TEXTS:
        return MERCHANT_REASON_TEXTS[value]
    if value in REASON_TEXTS:
        return REASON_TEXTS[value]
    rest = value
    for prefix in _REASON_PREFIXES:
        if rest.startswith(prefix):
            rest = rest[len(prefix) :]
    if rest in REASON_TEXTS:
        return REASON_TEXTS[rest]
    words = rest.replace("-", " ").replace("_", " ").split()
    readable = " ".join(words).lower()
    return readable[:1].upper() + readable[1:] if readable else value


#: Who pays a merchant return's label, as the report writes it.
LABEL_PAYERS = ("Customer", "Seller", "Amazon")

#: Resolutions of the merchant returns report that mean the item does not come
#: back (Amazon refunds and lets the buyer keep it), compared without case.
RETURNLESS_WORDS = ("returnless",)


#: Label types that say no label was issued: the item is not sent back. An empty
#: cell says nothing (the column may just be missing or not yet filled).
NO_LABEL_TYPES = ("nolabel", "none", "nolabelrequired")


def is_returnless(resolution: str | None, label_type: str | None = None) -> bool:
    """Amazon refunds without the item coming back: the resolution or the label
    type says returnless (``ReturnlessRefund``, label type ``Returnless``), or the
    label type says no label was issued (``NoLabel``)."""
    text = f"{resolution or ''} {label_type or ''}".lower()
    if any(word in text for word in RETURNLESS_WORDS):
        return True
    compact = "".join(c for c in (label_type or "").lower() if c.isalnum())
    return compact in NO_LABEL_TYPES
