"""The whole test suite's wall time against a base revision, in one run.

``python3 tools/bench/bench_suite_time.py [--base REV] [pytest args]`` checks REV out
in a temporary git worktree and runs ``./tools/run-tests`` there, then here, one after
the other on the same machine (pytest only: ``AMAZON_ODOO_RUNNER=0``; each run sets up
its own fresh database, which is timed apart), and prints both times, pytest's summary
of each and the ratio. The default base is the last revision whose tests ran without
Amazon's quotas (the simulator then served at 1,000 requests a second): the ratio is
the cost of enforcing Amazon's real quotas in every test (goal: at most 1.2).
Only the standard library is used here.
"""

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
#: The parent of "Simulator: Amazon's usage plans read from Amazon's models,
#: enforced by default on a clock the tests move".
BEFORE_QUOTAS = "9103e59^"
GOAL = 1.2
#: Both runs read Amazon's models from this clone's ``../shared`` (the base's
#: worktree has none beside it): the same tests run, none skipped for want of them.
SHARED = (
    {"AMAZON_SHARED_DIR": str(REPO.parent / "shared")}
    if (REPO.parent / "shared").is_dir() and not os.environ.get("AMAZON_SHARED_DIR")
    else {}
)
SUMMARY = re.compile(r"^(?:=+ )?(\d+ (?:passed|failed).*?) in ([\d.]+)s", re.MULTILINE)
SETUP = re.compile(r"set-up took (\d+)s")


def run_suite(tree: Path, pytest_args):
    """(wall seconds, set-up seconds, pytest's summary, pytest's seconds)."""
    started = time.monotonic()
    result = subprocess.run(
        [str(tree / "tools" / "run-tests"), "-q", *pytest_args],
        cwd=tree,
        env=dict(os.environ, AMAZON_ODOO_RUNNER="0", **SHARED),
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.monotonic() - started
    output = result.stdout + result.stderr
    summary = SUMMARY.findall(output)
    setup = SETUP.findall(output)
    if not summary:
        sys.exit(f"the test command ended without a pytest summary:\n{output[-3000:]}")
    text, seconds = summary[-1]
    return wall, float(setup[-1]) if setup else 0.0, text, float(seconds)


def main(argv):
    base = BEFORE_QUOTAS
    if argv[:1] == ["--base"]:
        base, argv = argv[1], argv[2:]
    with tempfile.TemporaryDirectory(prefix="amazon-connector-base-") as tmp:
        tree = Path(tmp) / "base"
        subprocess.run(
            ["git", "worktree", "add", "--detach", "-q", str(tree), base],
            cwd=REPO,
            check=True,
        )
        try:
            before = run_suite(tree, argv)
        finally:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(tree)],
                cwd=REPO,
                check=False,
            )
    after = run_suite(REPO, argv)
    print(f"test suite wall time, {base} against the working tree:")
    for name, (wall, setup, text, seconds) in (("before", before), ("now", after)):
        print(
            f"  {name:6} {wall:7.1f} s in all, set-up {setup:5.0f} s, pytest "
            f"{seconds:7.1f} s ({text})"
        )
    ratio = after[3] / before[3]
    print(
        f"  ratio (pytest's time, now / before): {ratio:.2f} "
        f"(goal <= {GOAL}: {'met' if ratio <= GOAL else 'NOT met'})"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
