"""``AmazonSimulator``: the state plus an HTTP server on loopback in a daemon thread."""

from __future__ import annotations

import logging
import threading
import time
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

    It enforces Amazon's usage plans (``ratelimit.usage_plans``: rate and burst of
    each operation, read from Amazon's models) on ``quota_clock`` (monotonic
    seconds; a ``ratelimit.QuotaClock`` lets a test move time forward instead of
    waiting). ``rate_limits`` replaces the plans of some operations;
    ``unlimited_quota`` (the reason, required to say so) serves without enforcing
    any, still advertising Amazon's rates. ``orders`` generated at the start;
    ``fba_stock`` gives their FBA orders' SKUs the FBA stock they need and that
    many units more (``SimulatorState.generate_orders``).
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
        clock: Callable[[], datetime] | None = None,
        *,
        rate_limits: dict[str, tuple[float, int]] | None = None,
        quota_clock: Callable[[], float] = time.monotonic,
        unlimited_quota: str | None = None,
        marketplaces: tuple[str, ...] = DEFAULT_CODES,
        orders: int = 0,
        fba_stock: int | None = None,
    ):
        self.seller_id = seller_id
        self.host = host
        self.port = port
        if unlimited_quota is not None and not unlimited_quota.strip():
            raise ValueError("unlimited_quota must say why the quota is lifted")
        self.unlimited_quota = unlimited_quota
        self.rate_limits = rate_limits
        self.quota_clock = quota_clock
        self.issuer = TokenIssuer(client_id, client_secret, refresh_token)
        self.state = SimulatorState(
            seed=seed, seller_id=seller_id, marketplaces=marketplaces, clock=clock
        )
        if orders:
            self.state.generate_orders(
                orders, marketplaces=marketplaces, fba_stock=fba_stock
            )
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
        limiter = RateLimiter(
            self.rate_limits, self.quota_clock, enforce=self.unlimited_quota is None
        )
        self._server = SimulatorServer(
            (self.host, self.port), self.state, self.issuer, limiter, self._stopping
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

    def spend_quota(self, operation: str, hold: float = 0.0) -> int:
        """Use up what is left of ``operation``'s quota, and what refills of it
        for ``hold`` seconds of the quota clock, as another application of the
        same seller would: the calls get Amazon's 429 until it refills. Returns
        the requests that were left."""
        if self._server is None:
            raise RuntimeError("The simulator is not started")
        return self._server.limiter.spend(operation, hold)

    def revoke_access_tokens(self) -> None:
        """Make every access token issued so far invalid (the next call gets 403)."""
        self.issuer.revoke_all()

    def __enter__(self) -> AmazonSimulator:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()
