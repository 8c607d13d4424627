"""Run the order-import benchmark on a fresh Odoo 18.0 database.

Sets everything up with tools/devenv.py (Odoo source, virtualenv, PostgreSQL: a
private throwaway cluster unless the PG* variables name a server), installs
amazon_connector on a brand-new database, then runs tools/bench/bench_import.py in
the virtualenv. Extra arguments go to bench_import.py (--orders, --rounds,
--call-orders). Only the standard library is used here: it runs before the
virtualenv exists.
"""

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import devenv  # noqa: E402


def main(bench_args):
    started = time.monotonic()
    try:
        with devenv.fresh_database("amazon_connector_bench") as database:
            code = subprocess.call(
                [
                    database.python(),
                    HERE / "bench_import.py",
                    *("-c", database.config, "-d", database.name),
                    *bench_args,
                ],
                cwd=devenv.REPO,
            )
    except devenv.SetupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"run_bench: {time.monotonic() - started:.0f}s in all (set-up included)")
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
