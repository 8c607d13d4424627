"""``AmazonSimulator``: the state plus an HTTP server on loopback in a daemon thread."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime

from .auth import TokenIssuer
from .marketplaces import DEFAULT_CODES
from .ratelimit import RateLimiter
from .server import SimulatorServer
from .state import SimulatorState

_logger = logging.getLogger(__name__)


class AmazonSimulator:
    """A local fake of the Selling Partner API.

    ``python-amazon-sp-api`` works against it with ``endpoint=sim.url`` and an LWA
    token client pointed at ``sim.token_url``.
    """

    def __init__(
        self,
        seed: int = 42,
        seller_id: str = "A1SIMSELLER0001",
        client_id: str = "sim-client-id",
        client_secret: str = "sim-client-secret",
        refresh_token: str = "sim-refresh-token",
        host: str = "127.0.0.1",
        port: int = 0,
        enforce_rate_limits: bool = False,
        clock: Callable[[], datetime] | None = None,
        *,
        rate_limits: dict[str, tuple[float, int]] | None = None,
        marketplaces: tuple[str, ...] = DEFAULT_CODES,
        orders: int = 0,
    ):
        self.seller_id = seller_id
        self.host = host
        self.port = port
        self.enforce_rate_limits = enforce_rate_limits
        self.rate_limits = rate_limits
        self.issuer = TokenIssuer(client_id, client_secret, refresh_token)
        self.state = SimulatorState(
            seed=seed, seller_id=seller_id, marketplaces=marketplaces, clock=clock
        )
        if orders:
            self.state.generate_orders(orders, marketplaces=marketplaces)
        self._server: SimulatorServer | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    @property
    def credentials(self) -> dict:
        return {
            "client_id": self.issuer.client_id,
            "client_secret": self.issuer.client_secret,
            "refresh_token": self.issuer.refresh_token,
            "seller_id": self.seller_id,
        }

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("The simulator is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def token_url(self) -> str:
        return f"{self.url}/auth/o2/token"

    def start(self) -> AmazonSimulator:
        if self._server is not None:
            return self
        self._stopping.clear()
        limiter = RateLimiter(self.rate_limits) if self.enforce_rate_limits else None
        self._server = SimulatorServer(
            (self.host, self.port),
            self.state,
            self.issuer,
            limiter,
            self._stopping,
            self.rate_limits,
        )
        self.state.base_url = self.url
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="amazon-simulator",
            daemon=True,
        )
        self._thread.start()
        _logger.info("Amazon simulator listening on %s", self.url)
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def client(self, timeout: float = 5):
        """An ``httpx.Client`` of the running simulator with a fresh access token
        (for tests calling it directly); close it after use (``with``)."""
        import httpx  # noqa: PLC0415 -- the simulator itself needs only the stdlib

        creds = self.credentials
        token = httpx.post(
            self.token_url,
            data={
                "grant_type": "refresh_token",
                "refresh_token": creds["refresh_token"],
                "client_id": creds["client_id"],
                "client_secret": creds["client_secret"],
            },
            timeout=timeout,
        ).json()["access_token"]
        return httpx.Client(
            base_url=self.url, headers={"x-amz-access-token": token}, timeout=timeout
        )

    def revoke_access_tokens(self) -> None:
        """Make every access token issued so far invalid (the next call gets 403)."""
        self.issuer.revoke_all()

    def __enter__(self) -> AmazonSimulator:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()
