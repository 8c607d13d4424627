"""Amazon's carrier codes: the values of confirmShipment's ``carrierCode`` and of the
fulfillment feed's ``CarrierCode``.

The codes are Amazon's, spelt as Amazon spells them (``"YamatoTransport"``,
``"Polish Post"``, ``"AT POST"``, ``"BPOST"``...): Amazon matches them exactly. A
carrier not in Amazon's list goes as :data:`OTHER` with its name in ``carrierName``.
The list is the common carriers of the US, EU, UK, JP, AU, CA and IN marketplaces, not
all of Amazon's several hundred codes; each is a value of the ``CarrierCode``
enumeration of Amazon's ``amzn-base.xsd``. ``schemas/order_feeds.xsd`` enumerates
exactly these codes (a test keeps the two together), so a code missing here goes as
``Other`` with the carrier's name. ``Evri`` is not one: Amazon lists the carrier as
``Hermes UK`` (an Evri carrier without that code goes by name).
"""

import re

OTHER = "Other"

#: (code, label) pairs; labels are the carriers' usual names.
CARRIER_CODES: tuple[tuple[str, str], ...] = (
    # United States
    ("USPS", "USPS"),
    ("UPS", "UPS"),
    ("UPS Mail Innovations", "UPS Mail Innovations"),
    ("UPS Freight", "UPS Freight"),
    ("FedEx", "FedEx"),
    ("FedEx SmartPost", "FedEx SmartPost"),
    ("Fedex Freight", "FedEx Freight"),
    ("DHL", "DHL"),
    ("DHL Express", "DHL Express"),
    ("DHL eCommerce", "DHL eCommerce"),
    ("DHL Global Mail", "DHL Global Mail"),
    ("OnTrac", "OnTrac"),
    ("Lasership", "LaserShip"),
    ("Newgistics", "Newgistics"),
    ("Streamlite", "Streamlite"),
    ("OSM", "OSM Worldwide"),
    ("Blue Package", "Blue Package Delivery"),
    ("First Mile", "First Mile"),
    ("Amazon Shipping", "Amazon Shipping"),
    # United Kingdom and Ireland
    ("Royal Mail", "Royal Mail"),
    ("Parcelforce", "Parcelforce"),
    ("Yodel", "Yodel"),
    ("Hermes", "Hermes"),
    ("Hermes UK", "Evri (Hermes UK)"),
    ("DPD Local", "DPD Local"),
    ("UK Mail", "UK Mail"),
    ("APC Overnight", "APC Overnight"),
    ("Arrow XL", "Arrow XL"),
    ("Tuffnells", "Tuffnells"),
    ("Whistl", "Whistl"),
    ("City Link", "City Link"),
    ("DX Freight", "DX Freight"),
    # Germany, Austria, Switzerland
    ("Deutsche Post", "Deutsche Post"),
    ("DHL Home Delivery", "DHL Home Delivery"),
    ("Hermes Logistik Gruppe", "Hermes Germany"),
    ("Hermes Einrichtungsservice", "Hermes Einrichtungsservice"),
    ("DPD", "DPD"),
    ("GLS", "GLS"),
    ("GO!", "GO! Express"),
    ("Trans-o-Flex", "trans-o-flex"),
    ("IDS Netzwerk", "IDS Logistik"),
    ("Rhenus", "Rhenus"),
    ("DACHSER", "Dachser"),
    ("DB Schenker", "DB Schenker"),
    ("Kuehne+Nagel", "Kuehne+Nagel"),
    ("AT POST", "Austrian Post"),
    ("Swiss post", "Swiss Post"),
    # France
    ("La Poste", "La Poste"),
    ("Colissimo", "Colissimo"),
    ("Chronopost", "Chronopost"),
    ("Colis Prive", "Colis Privé"),
    ("Mondial Relay", "Mondial Relay"),
    ("Geodis Calberson", "Geodis Calberson"),
    ("Heppner", "Heppner"),
    # Spain and Portugal
    ("Correos", "Correos"),
    ("Correos Express", "Correos Express"),
    ("Seur", "SEUR"),
    ("MRW", "MRW"),
    ("Nacex", "Nacex"),
    ("CTTExpress", "CTT Express"),
    ("TIPSA", "TIPSA"),
    ("Envialia", "Envialia"),
    # Italy
    ("BRT", "BRT (Bartolini)"),
    ("Poste Italiane", "Poste Italiane"),
    ("SDA", "SDA"),
    ("TNT", "TNT"),
    ("Nexive", "Nexive"),
    ("Milkman", "Milkman"),
    # Benelux, Nordics, Poland
    ("PostNL", "PostNL"),
    ("BPOST", "bpost"),
    ("PostNord", "PostNord"),
    ("InPost", "InPost"),
    ("Polish Post", "Poczta Polska"),
    ("DHLPL", "DHL Poland"),
    # Canada
    ("Canada Post", "Canada Post"),
    ("PUROLATOR", "Purolator"),
    # Japan
    ("Japan Post", "Japan Post"),
    ("YamatoTransport", "Yamato Transport"),
    ("SagawaExpress", "Sagawa Express"),
    ("SEINO TRANSPORTATION", "Seino Transportation"),
    ("NipponExpress", "Nippon Express"),
    # Australia
    ("Australia Post", "Australia Post"),
    ("Australia Post-Consignment", "Australia Post (consignment)"),
    ("Australia Post-ArticleId", "Australia Post (article id)"),
    ("StarTrack-ArticleID", "StarTrack (article id)"),
    ("StarTrack-Consignment", "StarTrack (consignment)"),
    ("Toll Global Express", "Toll"),
    ("CouriersPlease", "CouriersPlease"),
    ("Sendle", "Sendle"),
    ("Fastway", "Fastway (Aramex Australia)"),
    # India
    ("BlueDart", "Blue Dart"),
    ("Delhivery", "Delhivery"),
    ("India Post", "India Post"),
    ("DTDC", "DTDC"),
    ("Ecom Express", "Ecom Express"),
    ("Xpressbees", "Xpressbees"),
    # Middle East, Asia, worldwide
    ("Aramex", "Aramex"),
    ("Emirates Post", "Emirates Post"),
    ("Singapore Post", "Singapore Post"),
    ("Ninjavan", "Ninja Van"),
    ("China Post", "China Post"),
    ("SF Express", "SF Express"),
    ("Yun Express", "YunExpress"),
    ("4PX", "4PX"),
    ("Asendia", "Asendia"),
    ("Landmark Global", "Landmark Global"),
    ("Spring GDS", "Spring GDS"),
    (OTHER, "Other (carrier name given)"),
)

_CODES = frozenset(code for code, _label in CARRIER_CODES)
_BY_KEY = {re.sub(r"[\s_-]", "", code).casefold(): code for code in _CODES}


def is_known(code: str | None) -> bool:
    """Whether ``code`` is one of :data:`CARRIER_CODES`, spelt exactly."""
    return code in _CODES


def canonical(code: str | None) -> str | None:
    """The code of :data:`CARRIER_CODES` that ``code`` means, ignoring case, spaces,
    ``-`` and ``_`` (``"dhl ecommerce"`` → ``"DHL eCommerce"``); ``None`` if none."""
    if not code:
        return None
    return _BY_KEY.get(re.sub(r"[\s_-]", "", code).casefold())
