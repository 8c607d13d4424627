"""Run the whole test suite on a fresh Odoo 18.0 database.

Sets everything up (see devenv.py; PostgreSQL and the browser the tours run in are
checked first, a missing one stops the run at once saying what to install), installs
amazon_connector on a brand-new database so a broken record or access rule fails the
run, then runs every test with pytest and pytest-odoo: one pytest summary line counts
them all. Extra arguments go to pytest. pytest runs Odoo's HTTP server
(``--odoo-http``): the browser tours (HttpCase) run there too.

For a full pytest run, the addon's Odoo tests also run with Odoo's own runner
(``odoo-bin -u amazon_connector --test-tags /amazon_connector``, what OCA's CI runs),
at the same time as pytest (each is one busy process: on two cores side by side they
take the time of the longer one), on a copy of the fresh database taken before pytest
ran: the run fails unless both passed and that runner found tests; its report comes
after pytest's. The web bundles its browser tours need are built on that copy first,
and the time of its tours is summed up. Then, on the same copy, Odoo's own suites of
the modules the addon extends (``sale_stock``, ``stock_delivery``,
``sale_management``) run with the addon installed, at-install and post-install: the
run fails unless they pass too. ``AMAZON_ODOO_RUNNER=0`` leaves that
step out; ``AMAZON_ODOO_RUNNER=1`` runs it even after a selection of tests (pytest
arguments naming files or node ids, ``-k``, ``-m``...).
"""

import contextlib
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import devenv

ODOO_RUNNER_ENV = "AMAZON_ODOO_RUNNER"
#: pytest options after which the run is a selection, not the whole suite.
SELECTING = ("-k", "-m", "--lf", "--ff", "--sw", "--deselect", "--co")
SUMMARY = re.compile(
    r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database"
)
FAILURE = re.compile(r" (ERROR|CRITICAL) .*?: (FAIL|ERROR): ")
#: queue_job starts its job runner with any threaded Odoo HTTP server that does not
#: stop after init, as pytest-odoo's (--odoo-http) does: it would run, against the
#: test database and through that server, the jobs it finds there. The tests perform
#: their jobs themselves; capacity 0 keeps the runner from starting.
NO_JOB_RUNNER = {"ODOO_QUEUE_JOB_CHANNELS": "root:0"}
#: Before post-install tests that include an HttpCase (the browser tours), Odoo's
#: runner builds every web bundle the database's pages may load: about a minute
#: here. Built in the background on its copy of the database while pytest runs, it
#: is ready when the runner starts.
BUILD_BUNDLES = """\
import time
started = time.monotonic()
env["ir.qweb"]._pregenerate_assets_bundles()
env.cr.commit()
print(f"{time.monotonic() - started:.0f}")
"""
TOUR_TIME = re.compile(r"browser tour (\S+) took ([\d.]+) s")


def say(message):
    print(f"[run-tests] {message}", file=sys.stderr, flush=True)


def _whole_suite(pytest_args) -> bool:
    """Whether the pytest arguments run every test (no file, node id, -k...)."""
    for arg in pytest_args:
        if arg.split("=")[0] in SELECTING or arg.startswith("--collect-only"):
            return False
        if not arg.startswith("-") and (devenv.REPO / arg.split("::")[0]).exists():
            return False
    return True


def _odoo_runner_skipped(pytest_args) -> str | None:
    """Why Odoo's own runner is left out of this run, or ``None``."""
    wanted = os.environ.get(ODOO_RUNNER_ENV, "")
    if wanted == "0":
        return f"{ODOO_RUNNER_ENV}=0"
    if wanted != "1" and not _whole_suite(pytest_args):
        return f"a selection of tests; {ODOO_RUNNER_ENV}=1 runs it"
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def pristine_copy(database):
    """A copy (with its filestore) of the freshly installed ``database``, taken before
    pytest commits anything in it; dropped after the block."""
    name = f"{database.name}_odoo"
    odoo_db = [*devenv.odoo_bin(database.env_path, database.odoo_src), "db"]
    odoo_db += ["-c", database.config]
    started = time.monotonic()
    copied = devenv.run(
        [*odoo_db, "duplicate", database.name, name],
        capture_output=True,
        text=True,
        check=False,
    )
    if copied.returncode != 0:
        raise devenv.SetupError(
            f"copying {database.name} to {name} failed:\n{copied.stderr[-3000:]}"
        )
    say(
        f"{name}: a copy of the fresh database for Odoo's own test runner, in "
        f"{time.monotonic() - started:.0f}s"
    )
    try:
        yield name
    finally:
        devenv.run([*odoo_db, "drop", name], capture_output=True, check=False)


class BundlesInBackground:
    """``BUILD_BUNDLES`` run by ``odoo-bin shell`` on ``db_name``, in the
    background; ``wait()`` says how it went. A failure only costs time: Odoo's
    runner builds what is missing itself."""

    def __init__(self, database, db_name):
        self.db_name = db_name
        self.output = tempfile.TemporaryFile("w+")
        self.process = subprocess.Popen(
            [
                *devenv.odoo_bin(database.env_path, database.odoo_src),
                "shell",
                *("-c", database.config, "-d", db_name),
                "--no-http",
                "--log-level=warn",
            ],
            stdin=subprocess.PIPE,
            stdout=self.output,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.process.stdin.write(BUILD_BUNDLES)
        self.process.stdin.close()

    def wait(self, say=say):
        started = time.monotonic()
        code = self.process.wait()
        self.output.seek(0)
        lines = self.output.read().strip().splitlines()
        waited = time.monotonic() - started
        if code == 0 and lines and lines[-1].isdigit():
            say(
                f"{self.db_name}: the web bundles for Odoo's runner were built in the "
                f"background in {lines[-1]}s (waited {waited:.0f}s for them)"
            )
        else:
            say(
                f"{self.db_name}: building the web bundles in the background failed "
                f"(exit code {code}); Odoo's runner builds them itself:\n"
                + "\n".join(lines[-20:])
            )

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(30)
        self.output.close()


@dataclass(frozen=True)
class Suite:
    """What Odoo's runner updates on the database and which tests it runs then."""

    title: str
    update: tuple[str, ...]

    @property
    def tags(self) -> str:
        return ",".join(f"/{module}" for module in self.update)


#: The addon's own Odoo tests (what OCA's CI runs).
ADDON_SUITE = Suite(
    "Odoo's own test runner (odoo-bin --test-tags /amazon_connector)",
    ("amazon_connector",),
)
#: Odoo's own suites of the modules the connector extends, with the connector
#: installed: updating them runs their at-install tests while the registry does
#: not know the connector yet (its columns are in the database all the same), then
#: their post-install tests with it. A connector must not break the ERP it sits in.
ODOO_SUITES = Suite(
    "Odoo's own suites with the connector installed (odoo-bin -u --test-tags "
    "/sale_stock,/stock_delivery,/sale_management)",
    ("sale_stock", "stock_delivery", "sale_management"),
)


def odoo_runner(database, db_name, suite=ADDON_SUITE, say=say) -> int:
    """Run ``suite`` with odoo-bin on ``db_name``; 0 when it ran tests and none
    failed. Says (through ``say``) what it ran, skipped and what failed."""
    started = time.monotonic()
    handle, name = tempfile.mkstemp(
        prefix="amazon-connector-odoo-tests-", suffix=".log"
    )
    os.close(handle)
    log_file = Path(name)
    result = devenv.run(
        [
            *devenv.odoo_bin(database.env_path, database.odoo_src),
            *("-c", database.config, "-d", db_name),
            *("-u", ",".join(suite.update), "--test-tags", suite.tags),
            "--stop-after-init",
            f"--http-port={_free_port()}",
            "--log-level=info",
            f"--logfile={log_file}",
        ],
        check=False,
        stderr=subprocess.DEVNULL,  # the log file has it all; the failures are below
    )
    text = log_file.read_text(errors="replace")
    elapsed = time.monotonic() - started
    lines = text.splitlines()
    found = SUMMARY.findall(text)
    failed, errors, tests = (int(n) for n in found[-1]) if found else (0, 0, 0)
    skipped = [ln.split(" skipped ", 1)[1] for ln in lines if " skipped " in ln]
    say(
        f"{suite.title}: {tests} tests, {failed} failed, {errors} error(s), "
        f"{len(skipped)} skipped, in {elapsed:.0f}s"
    )
    tours = [(name, float(seconds)) for name, seconds in TOUR_TIME.findall(text)]
    if tours:
        say(
            f"  browser tours under Odoo's runner: {len(tours)} tours in "
            f"{sum(seconds for _name, seconds in tours):.1f} s ("
            + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in tours)
            + ")"
        )
    for line in skipped:
        say(f"  skipped {line}")
    if result.returncode == 0 and found and tests > 0 and not failed and not errors:
        log_file.unlink()
        return 0
    why = "it ran no test" if not tests else "tests failed"
    if not found:
        why = f"it ended without a test summary (exit code {result.returncode})"
    say(f"{suite.title} failed: {why}")
    problems = [ln for ln in lines if FAILURE.search(ln)]
    say("\n".join(problems or lines[-60:]))
    say(f"its whole log: {log_file}")
    return 1


class RunnerBesidePytest:
    """Odoo's runner on the pristine copy, in a thread while pytest runs (each is
    one busy process; on two cores side by side they take the time of the longer
    one, not the sum). Its report is kept and printed after pytest's."""

    def __init__(self, database, db_name, bundles):
        self.messages = []
        self.code = None
        self.thread = threading.Thread(
            target=self._run, args=(database, db_name, bundles), daemon=True
        )
        self.thread.start()

    def _run(self, database, db_name, bundles):
        try:
            bundles.wait(say=self.messages.append)
            self.code = odoo_runner(database, db_name, say=self.messages.append)
            # Then, on the same copy, Odoo's own suites of the modules the addon
            # extends (after the addon's tests: those need the bundles first).
            self.code |= odoo_runner(
                database, db_name, ODOO_SUITES, say=self.messages.append
            )
        except Exception as error:  # reported below as the runner's failure
            self.messages.append(f"Odoo's own test runner failed to run: {error}")
            self.code = 1

    def result(self) -> int:
        self.thread.join()
        for message in self.messages:
            say(message)
        return self.code


def main(pytest_args):
    skip_odoo_runner = _odoo_runner_skipped(pytest_args)
    try:
        # Before the long steps, what stops them: PostgreSQL, then the browser the
        # tours run in.
        devenv.check_postgres()
        devenv.chrome()
        with (
            # mrp beside the addon (which does not depend on it): the kit tests
            # need phantom bills of materials. The demo and the benchmarks install
            # the addon alone.
            devenv.fresh_database(
                "amazon_connector_test", modules="amazon_connector,mrp"
            ) as database,
            contextlib.ExitStack() as stack,
        ):
            runner = None
            if not skip_odoo_runner:
                copy = stack.enter_context(pristine_copy(database))
                bundles = BundlesInBackground(database, copy)
                stack.callback(bundles.stop)
                runner = RunnerBesidePytest(database, copy, bundles)
            code = subprocess.call(
                [
                    database.python(),
                    "-m",
                    "pytest",
                    f"--odoo-config={database.config}",
                    f"--odoo-database={database.name}",
                    "--odoo-log-level=warn",
                    # pytest imports the test modules before Odoo's test mode is
                    # on; Odoo logs that as an error with a stack: not ours.
                    "--odoo-extra=log-handler=odoo.tests.common:CRITICAL",
                    # Odoo's HTTP server in the pytest process: pytest-odoo skips
                    # every HttpCase (the browser tours) without it.
                    "--odoo-http",
                    *pytest_args,
                ],
                cwd=devenv.REPO,
                env=dict(os.environ, ODOO_RC=str(database.config), **NO_JOB_RUNNER),
            )
            runner_code = runner.result() if runner else None
            if code == 5:
                print("error: pytest collected no test", file=sys.stderr)
                return 1
            if skip_odoo_runner:
                say(f"Odoo's own test runner: not run ({skip_odoo_runner})")
            elif code == 0:
                code = runner_code
    except devenv.SetupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
