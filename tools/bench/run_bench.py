"""Run the order-import benchmark on a fresh Odoo 18.0 database.

Sets everything up with tools/devenv.py (Odoo source, virtualenv, PostgreSQL: a
private throwaway cluster unless the PG* variables name a server), installs
amazon_connector on a brand-new database, then runs tools/bench/bench_import.py in
the virtualenv. Extra arguments go to bench_import.py (--orders, --rounds,
--call-orders). Only the standard library is used here: it runs before the
virtualenv exists.
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import devenv  # noqa: E402


def main(bench_args):
    started = time.monotonic()
    try:
        odoo_src = devenv.odoo_source()
        env_path = devenv.venv(odoo_src)
        with devenv.postgres() as db, tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            db_name = f"amazon_connector_bench_{os.getpid()}_{int(time.time())}"
            config = tmp / "odoo.conf"
            devenv.write_config(config, odoo_src, db, db_name, tmp / "data")
            devenv.create_database(
                env_path,
                odoo_src,
                config,
                db_name,
                "amazon_connector",
                tmp / "install.log",
            )
            try:
                code = subprocess.call(
                    [
                        env_path / "bin" / "python",
                        HERE / "bench_import.py",
                        *("-c", config, "-d", db_name),
                        *bench_args,
                    ],
                    cwd=devenv.REPO,
                )
            finally:
                if "db_host" in db and not db["db_host"].startswith(
                    tempfile.gettempdir()
                ):
                    subprocess.call(["dropdb", "--if-exists", db_name])
    except devenv.SetupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"run_bench: {time.monotonic() - started:.0f}s in all (set-up included)")
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
