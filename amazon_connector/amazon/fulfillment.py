"""Who ships: the seller (``MERCHANT``) or Amazon from its own stock (``AMAZON``,
FBA). The same two values name an order's ``fulfillment.fulfilledBy`` (Orders API
v2026-01-01, ``MERCHANT`` / ``AMAZON``, lower-cased when read) and an offer's channel
(the listings report's ``fulfillment-channel``: ``DEFAULT`` is the seller,
``AMAZON_NA``, ``AMAZON_EU``... Amazon)."""

MERCHANT = "merchant"
AMAZON = "amazon"
