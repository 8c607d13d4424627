"""SP-API regions: production endpoints, AWS regions, LWA token URL."""

from dataclasses import dataclass

PRODUCTION_TOKEN_URL = "https://api.amazon.com/auth/o2/token"


@dataclass(frozen=True)
class SpApiRegion:
    """One SP-API selling region.

    ``default_marketplace_id`` only satisfies python-amazon-sp-api, which wants a
    marketplace per client: the adapter always sends the marketplaces explicitly.
    """

    code: str
    endpoint: str
    aws_region: str
    default_marketplace_id: str


REGIONS: dict[str, SpApiRegion] = {
    "na": SpApiRegion(
        "na", "https://sellingpartnerapi-na.amazon.com", "us-east-1", "ATVPDKIKX0DER"
    ),
    "eu": SpApiRegion(
        "eu", "https://sellingpartnerapi-eu.amazon.com", "eu-west-1", "A1PA6795UKMFR9"
    ),
    "fe": SpApiRegion(
        "fe", "https://sellingpartnerapi-fe.amazon.com", "us-west-2", "A1VC38T7YXB528"
    ),
}


def get_region(code: str) -> SpApiRegion:
    """The region for ``code`` ("na", "eu" or "fe"), case-insensitive."""
    try:
        return REGIONS[(code or "").lower()]
    except KeyError:
        raise ValueError(
            f"Unknown SP-API region {code!r}: expected one of {', '.join(REGIONS)}"
        ) from None
