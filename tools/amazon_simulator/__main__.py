"""Run the simulator: ``python -m amazon_simulator --port 8899 --orders 40``."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading

from .simulator import AmazonSimulator


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="amazon_simulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8899)
    parser.add_argument("--orders", type=int, default=40, help="orders to generate")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--fba-stock",
        type=int,
        default=None,
        metavar="UNITS",
        help="give the generated FBA orders' SKUs FBA stock, UNITS to spare each",
    )
    parser.add_argument(
        "--settlements",
        action="store_true",
        help="publish a settlement report per marketplace",
    )
    parser.add_argument(
        "--unlimited-quota",
        action="store_true",
        help="serve without enforcing Amazon's usage plans (enforced by default)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s"
    )

    sim = AmazonSimulator(
        seed=args.seed,
        host=args.host,
        port=args.port,
        unlimited_quota="--unlimited-quota" if args.unlimited_quota else None,
        orders=args.orders,
        fba_stock=args.fba_stock,
    )
    sim.start()
    if args.settlements:
        sim.state.generate_settlement_reports()
    done = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: done.set())
    # The one line a script or a person reads to connect (credentials are fake).
    sys.stdout.write(
        json.dumps({"url": sim.url, "token_url": sim.token_url, **sim.credentials})
        + "\n"
    )
    sys.stdout.flush()
    while not done.wait(0.2):
        pass
    sim.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
