"""Running a tools/ command the way a user does, for the tests of its set-up."""

import subprocess
import sys

import devenv

TOOLS = devenv.REPO / "tools"


def setup_errors(script, env, *args, timeout=60):
    """Run ``tools/<script>``, which must stop in its set-up: exit 2, no traceback.
    Its ``error:`` lines (one message is one line)."""
    done = subprocess.run(
        [sys.executable, TOOLS / script, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    return [line for line in done.stderr.splitlines() if line.startswith("error:")]
