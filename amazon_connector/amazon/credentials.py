"""The LWA credentials of one connected Amazon account.

The secrets are kept out of ``repr()``/``str()`` so that an object logged or shown in
a traceback never reveals them.
"""

import hashlib
from dataclasses import dataclass

_MASK = "***"


@dataclass(frozen=True, repr=False)
class AmazonCredentials:
    """LWA client id and secret of the developer application, and the refresh token
    the seller granted it."""

    client_id: str
    client_secret: str
    refresh_token: str

    def __post_init__(self):
        for name in ("client_id", "client_secret", "refresh_token"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"AmazonCredentials.{name} must be a non-empty string")

    def __repr__(self) -> str:
        return (
            f"AmazonCredentials(client_id={self.client_id!r}, "
            f"client_secret={_MASK}, refresh_token={_MASK})"
        )

    __str__ = __repr__

    def fingerprint(self, *extra: str) -> str:
        """A stable, one-way digest of the credentials (plus ``extra`` strings): a
        cache or throttle key that identifies the account without revealing it."""
        material = "\0".join(
            (self.client_id, self.client_secret, self.refresh_token, *extra)
        )
        return hashlib.sha256(material.encode("utf-8")).hexdigest()

    def secrets(self) -> tuple[str, str]:
        """The values that must never be logged (used to scrub messages)."""
        return (self.client_secret, self.refresh_token)
