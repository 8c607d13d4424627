"""Seconds to read a 50,000-row All Listings Report in each encoding and layout
sellers get, and the ratio to the plain English (documented, UTF-8) one; the goal is
a ratio within 1.5.

The files are written by the simulator (tools/amazon_simulator/listings_report.py,
each layout with its source: documented, Amazon.de's #4140, Japanese in cp932,
custom=true, no status) and read by the connector's parser
(amazon_connector/amazon/listings_report.py), best of ``--rounds``. No database.
"""

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO / "tools"), str(REPO / "amazon_connector")]

from amazon.listings_report import parse_merchant_listings  # noqa: E402
from amazon_simulator.listings_report import build_listings_report  # noqa: E402

DE = "A1PA6795UKMFR9"
JP = "A1VC38T7YXB528"
GOAL = 1.5


def listings(count, marketplace_id, japanese=False):
    """``count`` listings as the simulator's state holds them, a tenth FBA."""
    title = (
        "ステンレス製マグカップ {}" if japanese else "Crème brûlée dish {} \u2013 50 €"
    )
    return {
        f"SKU-{n:06d}": {
            "asin": f"B0{n:08d}",
            "title": title.format(n),
            "open_date": "2026-01-05T10:00:00Z",
            "marketplace_ids": [marketplace_id],
            "status": "Active",
            "fulfillment_channel": (
                ("AMAZON_JP" if japanese else "AMAZON_EU") if n % 10 == 0 else "DEFAULT"
            ),
            "quantity": n % 50,
            "prices": {
                marketplace_id: {
                    "currency": "JPY" if japanese else "EUR",
                    "value_with_tax": str(1980 + n % 100)
                    if japanese
                    else f"{19 + n % 80}.99",
                }
            },
        }
        for n in range(count)
    }


def files(count):
    """(name, content, charset, marketplace id) of each variant."""
    europe = listings(count, DE)
    japan = listings(count, JP, japanese=True)
    plain = build_listings_report(europe, [DE]).content
    return [
        ("English, UTF-8 (documented)", plain, "UTF-8", DE),
        (
            "English, UTF-8 with BOM",
            build_listings_report(europe, [DE], bom=True).content,
            None,
            DE,
        ),
        (
            "English, cp1252, no charset",
            plain.decode("utf-8").encode("cp1252"),
            None,
            DE,
        ),
        (
            "Amazon.de #4140, UTF-8",
            build_listings_report(europe, [DE], layout="de-4140").content,
            None,
            DE,
        ),
        (
            "custom=true #4864, UTF-8",
            build_listings_report(europe, [DE], layout="custom").content,
            None,
            DE,
        ),
        (
            "no status #5216, UTF-8",
            build_listings_report(europe, [DE], layout="no-status").content,
            None,
            DE,
        ),
        (
            "Japanese headers, cp932, no charset",
            build_listings_report(japan, [JP], layout="ja").content,
            None,
            JP,
        ),
        (
            "Japanese headers, cp932, Shift_JIS declared",
            build_listings_report(japan, [JP], layout="ja").content,
            "Shift_JIS",
            JP,
        ),
    ]


def measure(content, charset, marketplace_id, rounds, count):
    best = None
    for _ in range(rounds):
        started = time.perf_counter()
        result = parse_merchant_listings(
            content, charset=charset, marketplace_id=marketplace_id
        )
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    if len(result.rows) != count:
        raise SystemExit(f"read {len(result.rows)} rows of {count}")
    return best


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    print(
        f"Listings report: seconds to read {args.rows:,} rows (best of {args.rounds})"
    )
    base = None
    worst = 0.0
    for name, content, charset, marketplace_id in files(args.rows):
        seconds = measure(content, charset, marketplace_id, args.rounds, args.rows)
        base = base or seconds
        ratio = seconds / base
        worst = max(worst, ratio)
        print(f"  {name:<45} {seconds:7.3f}s  {ratio:4.2f}x  {len(content):>10,} bytes")
    print(
        f"  worst ratio {worst:.2f}x (goal: within {GOAL}x): "
        + ("met" if worst <= GOAL else "NOT met")
    )
    return 0 if worst <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
