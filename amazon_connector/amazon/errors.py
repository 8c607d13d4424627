"""The errors the wire layer raises.

Messages never carry secrets or buyer personal data: they name the operation, Amazon's
error code and message, and the request id, so they can be shown to users and logged.
"""


class AmazonError(Exception):
    """Base class of every error raised by the wire layer."""

    def __init__(
        self,
        message: str,
        *,
        operation: str | None = None,
        status: int | None = None,
        code: str | None = None,
        request_id: str | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.operation = operation
        self.status = status
        self.code = code
        self.request_id = request_id


class AmazonPermanentError(AmazonError):
    """Amazon refused the request (4xx) or answered something unusable: retrying the
    same request will not help."""


class AmazonAuthError(AmazonPermanentError):
    """The credentials were refused (wrong or revoked refresh token, wrong client):
    the account must be reconnected."""


class AmazonPaginationExpired(AmazonPermanentError):
    """Amazon refused a pagination token (expired after 24 hours, or already used):
    the list must be read again from its first page."""


class AmazonRetryableError(AmazonError):
    """A transient failure (throttling, 5xx, timeout, network) that outlived the
    adapter's bounded retries. ``retry_after`` is the number of seconds to wait
    before trying again (queue_job turns it into a later retry)."""

    def __init__(self, message: str, *, retry_after: float, **kwargs):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class AmazonDataError(ValueError):
    """Amazon sent data the connector cannot map (unknown currency or country,
    malformed money, missing items...). Raised for one order or one line alone."""
