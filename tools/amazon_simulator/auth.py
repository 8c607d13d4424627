"""Login with Amazon (LWA) for the simulator.

Access tokens are verifiable without server-side storage (an HMAC of a nonce keyed by
the app credentials), so a token cached by python-amazon-sp-api for one simulator is
still accepted by another simulator started with the same credentials.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

TOKEN_PREFIX = "Atza|sim-"
EXPIRES_IN = 3600


class TokenIssuer:
    def __init__(self, client_id: str, client_secret: str, refresh_token: str):
        self.client_id = client_id
        self.client_secret = client_secret
        self.refresh_token = refresh_token
        self.generation = 0

    def _key(self) -> bytes:
        material = "\n".join(
            (
                self.client_id,
                self.client_secret,
                self.refresh_token,
                str(self.generation),
            )
        )
        return hashlib.sha256(material.encode()).digest()

    def _sign(self, nonce: str) -> str:
        return hmac.new(self._key(), nonce.encode(), hashlib.sha256).hexdigest()[:32]

    def token_response(self, form: dict[str, str]) -> tuple[int, dict]:
        """(status, body) answering an LWA token request."""
        if form.get("grant_type") != "refresh_token":
            return 400, {
                "error": "unsupported_grant_type",
                "error_description": "The authorization grant type is not supported.",
            }
        if not (
            hmac.compare_digest(form.get("client_id", ""), self.client_id)
            and hmac.compare_digest(form.get("client_secret", ""), self.client_secret)
        ):
            return 401, {
                "error": "invalid_client",
                "error_description": "Client authentication failed",
            }
        if not hmac.compare_digest(form.get("refresh_token", ""), self.refresh_token):
            return 400, invalid_grant_body()
        nonce = secrets.token_hex(12)
        return 200, {
            "access_token": f"{TOKEN_PREFIX}{nonce}.{self._sign(nonce)}",
            "refresh_token": self.refresh_token,
            "token_type": "bearer",
            "expires_in": EXPIRES_IN,
        }

    def is_valid(self, token: str | None) -> bool:
        if not token or not token.startswith(TOKEN_PREFIX):
            return False
        nonce, _sep, signature = token[len(TOKEN_PREFIX) :].partition(".")
        return bool(signature) and hmac.compare_digest(signature, self._sign(nonce))

    def revoke_all(self) -> None:
        """Invalidate every access token issued so far."""
        self.generation += 1


def invalid_grant_body() -> dict:
    return {
        "error": "invalid_grant",
        "error_description": (
            "The request has an invalid grant parameter : refresh_token"
        ),
    }
