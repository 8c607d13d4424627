"""devenv's browser for the tours: the first of Odoo's names on PATH, its version
checked, Debian's chromium installed when missing and the machine allows it, else
one message saying what to install. Fake browsers and a fake apt-get on PATH."""

import os
import stat
import subprocess
import sys

import devenv
import pytest
from tool_runs import TOOLS, setup_errors


def executable(path, script):
    path.write_text("#!/bin/sh\nPATH=/usr/bin:/bin\n" + script)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def fake_browser(bindir, name, version):
    """A browser printing ``version`` as Chromium does, and on standard error the
    shell warning Debian's wrapper script prints."""
    return executable(
        bindir / name,
        "echo '/usr/bin/chromium: 9: [: 25324732416: unexpected operator' >&2\n"
        f"echo 'Chromium {version} built on Debian GNU/Linux 12 (bookworm)'\n",
    )


@pytest.fixture
def bindir(tmp_path, monkeypatch):
    """An empty PATH of our own: no browser, no apt-get."""
    path = tmp_path / "bin"
    path.mkdir()
    monkeypatch.setenv("PATH", str(path))
    return path


def test_the_first_browser_odoo_would_start_is_checked(bindir):
    fake_browser(bindir, "chromium", "156.0.8078.114")
    assert devenv.chrome() == devenv.Browser(str(bindir / "chromium"), 156)
    # Odoo's ChromeBrowser takes google-chrome first: so does the check.
    fake_browser(bindir, "google-chrome", "126.0.6478.182")
    assert devenv.chrome() == devenv.Browser(str(bindir / "google-chrome"), 126)


def test_names_in_odoos_order():
    assert devenv.CHROME_NAMES == (
        "google-chrome",
        "chromium",
        "chromium-browser",
        "google-chrome-stable",
    )


def test_too_old_says_what_to_install(bindir):
    fake_browser(bindir, "chromium-browser", "104.0.5112.101")
    with pytest.raises(devenv.SetupError) as error:
        devenv.chrome()
    message = str(error.value)
    assert message.startswith(
        f"{bindir / 'chromium-browser'} is version 104, too old for Odoo 18.0."
    )
    assert "Chromium or Google Chrome 105 or newer" in message
    assert "apt-get install chromium" in message


def test_no_version_printed(bindir):
    executable(bindir / "chromium", "echo 'no idea'\nexit 3\n")
    with pytest.raises(devenv.SetupError, match="printed no version"):
        devenv.chrome()


def test_missing_without_apt_says_what_to_install(bindir, monkeypatch):
    monkeypatch.setattr(os, "geteuid", lambda: 0)  # root, but no apt-get on PATH
    with pytest.raises(devenv.SetupError) as error:
        devenv.chrome()
    message = str(error.value)
    assert message.startswith("Chromium not found. The browser tours")
    assert "google-chrome, chromium, chromium-browser, google-chrome-stable" in message
    assert "apt-get install chromium" in message


def test_missing_not_root_is_not_installed(bindir, monkeypatch):
    executable(bindir / "apt-get", f"touch {bindir}/apt-was-called\n")
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    with pytest.raises(devenv.SetupError, match="Chromium not found"):
        devenv.chrome()
    assert not (bindir / "apt-was-called").exists()


def test_missing_as_root_with_apt_installs_debians_chromium(bindir, monkeypatch):
    """apt-get install fails on a fresh machine's empty lists: update, then again."""
    calls = bindir / "calls"
    executable(
        bindir / "apt-get",
        f'echo "$@" >> {calls}\n'
        'case "$1" in update) touch ' + str(bindir / "updated") + "; exit 0;; esac\n"
        f"[ -e {bindir}/updated ] || exit 100\n"
        f"cat > {bindir}/chromium <<'EOF'\n#!/bin/sh\necho 'Chromium 156.0.1.2'\nEOF\n"
        f"chmod +x {bindir}/chromium\n",
    )
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    assert devenv.chrome() == devenv.Browser(str(bindir / "chromium"), 156)
    assert calls.read_text().splitlines() == [
        "install -y -q chromium",
        "update -q",
        "install -y -q chromium",
    ]


def test_apt_failing_says_so(bindir, monkeypatch):
    executable(
        bindir / "apt-get", "echo 'E: Unable to locate package chromium'\nexit 100\n"
    )
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    with pytest.raises(devenv.SetupError) as error:
        devenv.chrome()
    assert "apt-get install chromium failed" in str(error.value)
    assert "E: Unable to locate package chromium" in str(error.value)


def test_run_tests_without_a_browser_exits_2_with_one_message(bindir, tmp_path):
    """Before anything else is set up: exit 2, one line saying what to install."""
    env = dict(
        os.environ,
        PATH=str(bindir),  # no browser, no apt-get
        ODOO_SRC=str(tmp_path / "no-odoo"),
        AMAZON_CONNECTOR_CACHE=str(tmp_path / "cache"),
    )
    errors = setup_errors("run_tests.py", env)
    assert len(errors) == 1, errors
    assert errors[0].startswith("error: Chromium not found. The browser tours")
    assert "apt-get install chromium" in errors[0]


def test_the_real_browser_under_odoos_memory_limit():
    """An Odoo process (pytest-odoo's HTTP server, limit_memory_hard 2.5 GB) passes
    its address-space limit on; Chromium does not start under it, so the check lifts
    it as Odoo's ChromeBrowser does. The machine's own browser, the one the tours use."""
    code = (
        "import resource, sys\n"
        f"sys.path.insert(0, {str(TOOLS)!r})\n"
        "_soft, hard = resource.getrlimit(resource.RLIMIT_AS)\n"
        "resource.setrlimit(resource.RLIMIT_AS, (2560 * 1024 * 1024, hard))\n"
        "import devenv\n"
        "print(devenv.chrome().version)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.split()[-1]) >= devenv.MIN_CHROME_VERSION
