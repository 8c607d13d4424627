"""The SP-API error the request handlers raise and the server turns into a response."""

from __future__ import annotations


class SpApiError(Exception):
    """An error answered with the SP-API error body ``{"errors": [...]}``."""

    def __init__(self, status: int, code: str, message: str, details: str = ""):
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.details = details

    def body(self) -> dict:
        return {
            "errors": [
                {"code": self.code, "message": self.message, "details": self.details}
            ]
        }


def invalid_input(message: str, details: str = "") -> SpApiError:
    return SpApiError(400, "InvalidInput", message, details)


def not_found(message: str = "Resource not found.") -> SpApiError:
    return SpApiError(404, "NotFound", message)


UNAUTHORIZED = SpApiError(
    403, "Unauthorized", "Access to requested resource is denied."
)
QUOTA_EXCEEDED_MESSAGE = "You exceeded your quota for the requested resource."
