"""Benchmark of the SP-API adapter against the Amazon simulator.

1. Rate limits under a 429 storm: a burst of getOrder calls against a simulator that
   enforces a small usage plan, with the adapter starting from an optimistic guess
   (as when other workers use the same quota). Prints the HTTP calls made against
   the minimum (one per order) and the elapsed time against the minimum the plan
   allows.
2. Overhead: the adapter's time per getOrder against a bare python-amazon-sp-api
   call to the same simulator (goal: ratio <= 1.1).

Run: python tools/bench/bench_adapter.py [--calls N] [--rounds R]
Prints results only; nothing is asserted.
"""

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO / "tools"), str(REPO / "amazon_connector")]

from amazon.adapter import DEFAULT_INCLUDED_DATA, SpApiAdapter  # noqa: E402
from amazon.credentials import AmazonCredentials  # noqa: E402
from amazon.sp_api_compat import ApiEndpoint  # noqa: E402
from amazon.throttle import ThrottleRegistry  # noqa: E402
from amazon_simulator import AmazonSimulator  # noqa: E402
from sp_api.api import Orders  # noqa: E402
from sp_api.auth import AccessTokenClient  # noqa: E402
from sp_api.base.credential_provider import FromCodeCredentialProvider  # noqa: E402

STORM_PLAN = (20.0, 5)  # getOrder: requests per second, burst (simulator side)
OPTIMISTIC_PLAN = (1000.0, 100)  # what the adapter believes before any answer


def credentials_of(sim) -> AmazonCredentials:
    c = sim.credentials
    return AmazonCredentials(c["client_id"], c["client_secret"], c["refresh_token"])


def storm(calls: int, workers: int) -> dict:
    """``workers`` adapters (separate processes in real life: separate throttle
    registries) fetch ``calls`` orders in total from one account."""
    rate, burst = STORM_PLAN
    with AmazonSimulator(seed=7, rate_limits={"getOrder": STORM_PLAN}) as sim:
        order_ids = sim.state.generate_orders(min(calls, 50))
        failures = []

        def work(share: int):
            adapter = SpApiAdapter(
                credentials_of(sim),
                "eu",
                endpoint_url=sim.url,
                token_url=sim.token_url,
                max_attempts=10,
                backoff_base=0.05,
                throttle=ThrottleRegistry(overrides={"getOrder": OPTIMISTIC_PLAN}),
            )
            with adapter:
                for index in range(share):
                    try:
                        adapter.get_order(order_ids[index % len(order_ids)])
                    except Exception as error:  # reported, not raised
                        failures.append(type(error).__name__)

        adapter_warmup = SpApiAdapter(
            credentials_of(sim), "eu", endpoint_url=sim.url, token_url=sim.token_url
        )
        with adapter_warmup:
            adapter_warmup.get_marketplace_participations()  # token fetched once
        sim.state.reset_calls()
        shares = [
            calls // workers + (1 if i < calls % workers else 0) for i in range(workers)
        ]
        threads = [threading.Thread(target=work, args=(share,)) for share in shares]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        made = [c for c in sim.state.calls if c["operation"] == "getOrder"]
    minimum_time = max(0.0, (calls - burst) / rate)
    return {
        "workers": workers,
        "calls": calls,
        "http_calls": len(made),
        "throttled": sum(1 for c in made if c["status"] == 429),
        "failures": len(failures),
        "elapsed": elapsed,
        "minimum_time": minimum_time,
    }


class _BareTokenClient(AccessTokenClient):
    scheme = "http://"
    host = ""  # set per simulator


def overhead(calls: int, rounds: int) -> dict:
    huge = (1e6, 10**6)
    with AmazonSimulator(seed=11, rate_limits={"getOrder": huge}) as sim:
        order_id = sim.state.generate_orders(1)[0]
        c = sim.credentials
        _BareTokenClient.host = sim.url[len("http://") :]
        bare = Orders(
            version="2026-01-01",
            marketplace=ApiEndpoint(sim.url, "A1PA6795UKMFR9", "eu-west-1"),
            credentials={
                "lwa_app_id": c["client_id"],
                "lwa_client_secret": c["client_secret"],
                "refresh_token": c["refresh_token"],
            },
            credential_providers=(FromCodeCredentialProvider,),
            auth_token_client_class=_BareTokenClient,
        )
        included = ",".join(DEFAULT_INCLUDED_DATA)
        adapter = SpApiAdapter(
            credentials_of(sim),
            "eu",
            endpoint_url=sim.url,
            token_url=sim.token_url,
            throttle=ThrottleRegistry(overrides={"getOrder": huge}),
        )

        def bare_call():
            return bare.get_order(order_id, includedData=included).payload

        def adapter_call():
            return adapter.get_order(order_id)

        assert bare_call()["order"] == adapter_call()  # same data, both warmed up
        per_call = {"bare": [], "adapter": []}
        for _round in range(rounds):
            for name, call in (("bare", bare_call), ("adapter", adapter_call)):
                started = time.perf_counter()
                for _ in range(calls):
                    call()
                per_call[name].append((time.perf_counter() - started) / calls)
        adapter.close()
        bare.close()
    bare_ms = statistics.median(per_call["bare"]) * 1000
    adapter_ms = statistics.median(per_call["adapter"]) * 1000
    return {"bare_ms": bare_ms, "adapter_ms": adapter_ms, "ratio": adapter_ms / bare_ms}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=80, help="calls in the 429 storm")
    parser.add_argument("--overhead-calls", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)

    rate, burst = STORM_PLAN
    print(f"1. 429 storm: getOrder limited to {rate:g}/s, burst {burst} (simulator)")
    for workers in (1, 3):
        r = storm(args.calls, workers)
        print(
            f"   {r['workers']} worker(s): {r['calls']} orders, {r['http_calls']} HTTP "
            f"calls ({r['throttled']} answered 429, {r['failures']} failed) -> "
            f"calls/minimum = {r['http_calls'] / r['calls']:.2f}; "
            f"time {r['elapsed']:.2f} s vs minimum {r['minimum_time']:.2f} s -> "
            f"{r['elapsed'] / r['minimum_time']:.2f}"
        )
    o = overhead(args.overhead_calls, args.rounds)
    print(
        f"2. Overhead per getOrder ({args.rounds} rounds x {args.overhead_calls} "
        f"calls, median): bare python-amazon-sp-api {o['bare_ms']:.3f} ms, adapter "
        f"{o['adapter_ms']:.3f} ms -> ratio {o['ratio']:.3f} (goal <= 1.1)"
    )


if __name__ == "__main__":
    main()
