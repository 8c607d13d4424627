"""Developer environment for amazon_connector: Odoo 18.0 source, virtualenv, PostgreSQL.

Used by ``tools/run-tests`` and ``tools/run-demo``. Everything it builds lives outside
the clone, under ``$AMAZON_CONNECTOR_CACHE`` (default ``~/.cache/amazon_connector``):

- the Odoo 18.0 source tree: ``$ODOO_SRC`` when set; else a tree extracted earlier into
  the cache; else one extracted from a local git mirror named by ``$ODOO_GIT_DIR``
  (and ``$ODOO_GIT_COMMIT``); else the official 18.0 source archive when online;
- a virtualenv keyed on the Python version, the Odoo requirements and ours, with the
  local Amazon simulator (``tools/amazon_simulator``) installed editable;
- PostgreSQL: the server named by the standard ``PG*`` variables when any is set
  (libpq's defaults for the others; it must answer), else a private throwaway cluster
  started with the machine's PostgreSQL binaries;
- for the browser tours, Chromium or Google Chrome on PATH (``chrome()``), Debian's
  ``chromium`` package installed when missing on a machine where we are root with
  apt-get (CI).

Only the standard library is used here: it runs before the virtualenv exists.
"""

import argparse
import contextlib
import fcntl
import hashlib
import json
import os
import pwd
import re
import resource
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CACHE = Path(
    os.environ.get(
        "AMAZON_CONNECTOR_CACHE", Path.home() / ".cache" / "amazon_connector"
    )
)
ODOO_ARCHIVE_URL = "https://github.com/odoo/odoo/archive/refs/heads/18.0.tar.gz"
# Odoo's requirements build cbor2 from source, whose setup.py still imports
# pkg_resources: setuptools 81 removed it, so every build environment gets setuptools<81.
BUILD_CONSTRAINTS = "setuptools<81\n"
# The set-up never takes "whatever is newest": the packaging tools are tested ranges.
# pip >= 25.3 has --build-constraint, the only way pip 26.3+ constrains the isolated
# build environments (PIP_CONSTRAINT no longer reaches them there).
PIP_RANGE = "pip>=25.3,<26.4"
SETUP_TOOLS = (PIP_RANGE, "wheel>=0.43,<0.47", "setuptools>=69,<81")
# python-ldap is only used by Odoo's auth_ldap module and needs the LDAP C headers to
# build: leaving it out keeps the set-up free of system packages.
SKIPPED_ODOO_REQUIREMENTS = ("python-ldap",)
#: The local Amazon simulator's project: tools/requirements-dev.txt installs it
#: (editable); its own requirements are part of the virtualenv's key.
SIMULATOR = REPO / "tools" / "amazon_simulator"
SIMULATOR_DIST = "amazon_connector_simulator"


class SetupError(Exception):
    """Something the environment needs is missing; the message says how to provide it."""


def log(message):
    print(f"[devenv] {message}", file=sys.stderr, flush=True)


def run(cmd, **kwargs):
    kwargs.setdefault("check", True)
    return subprocess.run([str(c) for c in cmd], **kwargs)


# --------------------------------------------------------------------------- Odoo source


def _is_odoo_18(path: Path) -> bool:
    release = path / "odoo" / "release.py"
    if not release.is_file() or not (path / "addons" / "sale").is_dir():
        return False
    return "version_info = (18, 0," in release.read_text()


def odoo_source() -> Path:
    """Return an Odoo 18.0 source tree, extracting or downloading it when needed."""
    explicit = os.environ.get("ODOO_SRC")
    if explicit:
        path = Path(explicit).expanduser().resolve()
        if not _is_odoo_18(path):
            raise SetupError(
                f"ODOO_SRC={explicit} is not an Odoo 18.0 source tree (expected "
                "odoo/release.py with version 18.0 and addons/sale). Point ODOO_SRC at a "
                "checkout of Odoo's 18.0 branch."
            )
        return path
    cached = CACHE / "odoo-18.0"
    if _is_odoo_18(cached):
        return cached
    git_dir = os.environ.get("ODOO_GIT_DIR")
    if git_dir:
        commit = os.environ.get("ODOO_GIT_COMMIT", "HEAD")
        log(f"extracting Odoo {commit} from {git_dir} into {cached}")
        return _extract(cached, lambda tmp: _git_archive(git_dir, commit, tmp))
    log(f"downloading the official Odoo 18.0 source into {cached}")
    try:
        return _extract(cached, _download_archive)
    except OSError as exc:
        raise SetupError(
            "Odoo 18.0 source not found and it could not be downloaded "
            f"({exc}). Set ODOO_SRC to an Odoo 18.0 source tree (a checkout of "
            "github.com/odoo/odoo, branch 18.0), or ODOO_GIT_DIR (+ ODOO_GIT_COMMIT) to "
            "a git repository holding it."
        ) from exc


def _git_archive(git_dir, commit, target: Path):
    archive = subprocess.Popen(
        ["git", "--git-dir", git_dir, "archive", commit], stdout=subprocess.PIPE
    )
    run(["tar", "-x", "-C", target], stdin=archive.stdout)
    if archive.wait() != 0:
        raise SetupError(f"git archive of {commit} from ODOO_GIT_DIR={git_dir} failed")


def _download_archive(target: Path):
    with urllib.request.urlopen(ODOO_ARCHIVE_URL, timeout=60) as response:
        with tarfile.open(fileobj=response, mode="r|gz") as tar:
            tar.extractall(target, filter="data")
    (inner,) = list(target.iterdir())
    for child in inner.iterdir():
        child.rename(target / child.name)
    inner.rmdir()


def _extract(destination: Path, fill) -> Path:
    """Fill a temporary folder, then rename it into place: an interrupted run
    leaves no half tree. Concurrent runs extract once (a lock file)."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    with open(destination.parent / f"{destination.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _is_odoo_18(destination):
            return destination
        # A run killed mid-extraction leaves its temporary folder: no one else
        # extracts while we hold the lock, so any such folder is garbage.
        for leftover in destination.parent.glob("odoo-src-*"):
            shutil.rmtree(leftover, ignore_errors=True)
        tmp = Path(tempfile.mkdtemp(prefix="odoo-src-", dir=destination.parent))
        try:
            fill(tmp)
            if not _is_odoo_18(tmp):
                raise SetupError(f"the extracted tree in {tmp} is not Odoo 18.0")
            shutil.rmtree(destination, ignore_errors=True)
            tmp.rename(destination)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return destination


# --------------------------------------------------------------------------- virtualenv


def _python() -> str:
    python = os.environ.get("PYTHON") or shutil.which("python3") or sys.executable
    version = run(
        [python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    major, minor = (int(x) for x in version.split("."))
    if not (3, 10) <= (major, minor) < (3, 13):
        raise SetupError(
            f"{python} is Python {version}; Odoo 18.0 needs Python 3.10 to 3.12. "
            "Set PYTHON to such an interpreter."
        )
    return python


def _odoo_requirements(odoo_src: Path) -> str:
    lines = (odoo_src / "requirements.txt").read_text().splitlines()
    kept = [
        line
        for line in lines
        if not any(
            line.strip().lower().startswith(s) for s in SKIPPED_ODOO_REQUIREMENTS
        )
    ]
    return "\n".join(kept) + "\n"


def venv(odoo_src: Path) -> Path:
    """Return a virtualenv with Odoo, the addon's requirements and the test tools."""
    python = _python()
    ours = [REPO / "requirements.txt", REPO / "tools" / "requirements-dev.txt"]
    key = hashlib.sha256()
    for part in [
        python,
        str(odoo_src),
        _odoo_requirements(odoo_src),
        BUILD_CONSTRAINTS,
        *SETUP_TOOLS,
    ]:
        key.update(part.encode())
    for path in [*ours, SIMULATOR / "pyproject.toml"]:
        key.update(path.read_bytes())
    path = CACHE / f"venv-{key.hexdigest()[:12]}"
    if (path / ".complete").is_file() and _simulator_source(path) is not None:
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    # Two runs at once (tests and the demo, two terminals) build it once: the
    # second waits for the first. A venv without its marker was left half-built
    # by an interrupted run and is built again from scratch.
    with open(CACHE / f"{path.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (path / ".complete").is_file():
            _build_venv(path, python, odoo_src, ours)
        elif _simulator_source(path) is None:
            _reinstall_simulator(path)
    return path


def _simulator_source(venv_path: Path) -> Path | None:
    """The folder the virtualenv's editable simulator runs from, or ``None`` when it
    is gone. A virtualenv serves every clone with the same requirements: it runs the
    simulator of the clone that built it (each clone's tools put their own
    ``tools/`` first on the path), until that clone is deleted."""
    for record in venv_path.glob(f"lib/python*/site-packages/{SIMULATOR_DIST}-*"):
        try:
            url = json.loads((record / "direct_url.json").read_text())["url"]
        except (OSError, ValueError, KeyError):
            return None
        source = Path(urllib.request.url2pathname(url.removeprefix("file://")))
        return source if (source / "pyproject.toml").is_file() else None
    return None


def _reinstall_simulator(venv_path: Path):
    log(f"the virtualenv's simulator is gone: installing {SIMULATOR} (editable)")
    pip, env = _pip_with_build_constraints(
        venv_path / "bin" / "python", venv_path / "build-constraints.txt"
    )
    run([*pip, "install", "-q", "--no-deps", "-e", SIMULATOR], env=env)


def _build_venv(path: Path, python: str, odoo_src: Path, ours: list[Path]):
    log(f"building the virtualenv {path} (a few minutes the first time)")
    started = time.monotonic()
    shutil.rmtree(path, ignore_errors=True)
    run([python, "-m", "venv", path])
    python_in_venv = path / "bin" / "python"
    constraints = path / "build-constraints.txt"
    constraints.write_text(BUILD_CONSTRAINTS)
    requirements = path / "odoo-requirements.txt"
    requirements.write_text(_odoo_requirements(odoo_src))
    # The venv's own pip may be older than 25.3: PIP_CONSTRAINT constrains that first
    # step's build environments (nothing is built from source in it anyway).
    env = dict(os.environ, PIP_CONSTRAINT=str(constraints))
    env.pop("PIP_BUILD_CONSTRAINT", None)
    pip = [python_in_venv, "-m", "pip", "--disable-pip-version-check"]
    run([*pip, "install", "-q", *SETUP_TOOLS], env=env)
    pip, env = _pip_with_build_constraints(python_in_venv, constraints)
    run([*pip, "install", "-q", "-r", requirements], env=env)
    # Odoo itself, as an installed distribution (queue_job's wheel requires odoo 18.0).
    run(
        [
            *pip,
            "install",
            "-q",
            "--no-deps",
            "--config-settings",
            "editable_mode=compat",
            "-e",
            odoo_src,
        ],
        env=env,
    )
    for req in ours:  # from the clone's root: the simulator's path is relative
        run([*pip, "install", "-q", "-r", req], env=env, cwd=REPO)
    (path / ".complete").write_text("ok\n")
    log(f"virtualenv built in {time.monotonic() - started:.0f}s")


def _pip_with_build_constraints(python: Path, constraints: Path):
    """The pip command and environment that constrain isolated builds with
    ``constraints``, the way the installed pip honours it: ``--build-constraint``
    from pip 25.3 on, ``PIP_CONSTRAINT`` before (which 26.3 no longer applies there)."""
    version = run(
        [python, "-c", "import pip; print(pip.__version__)"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    pip = [python, "-m", "pip", "--disable-pip-version-check"]
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PIP_CONSTRAINT", "PIP_BUILD_CONSTRAINT")
    }
    if _version_tuple(version) >= (25, 3):
        env["PIP_BUILD_CONSTRAINT"] = str(constraints)
    else:
        env["PIP_CONSTRAINT"] = str(constraints)
    return pip, env


def _version_tuple(version: str) -> tuple[int, ...]:
    parts = []
    for piece in version.split(".")[:3]:
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits or 0))
    return tuple(parts)


# --------------------------------------------------------------------------- PostgreSQL

# The standard libpq variables: any of them set (non-empty) means "use that server",
# with libpq's defaults for the others (local socket, port 5432, the OS user name).
# Each maps to the Odoo option written for it; PGDATABASE has none (Odoo names and
# creates its own databases, from the maintenance database "postgres").
PG_VARIABLES = {
    "PGHOST": "db_host",
    "PGPORT": "db_port",
    "PGUSER": "db_user",
    "PGPASSWORD": "db_password",
    "PGDATABASE": None,
}
PRIVATE_PORT = "54329"  # the private cluster listens on its own socket directory only
CONNECT_TIMEOUT = 10  # seconds for the probe of a PG* server (PGCONNECT_TIMEOUT wins)


class PostgresServer(dict):
    """Odoo's db_* options for a server (only those that are set: libpq's defaults
    apply to the others), and ``private``: True only for the throwaway cluster that
    ``postgres()`` started itself, which goes away whole with its databases. Nothing
    else (the socket path, the variables) tells the two apart."""

    def __init__(self, options: dict, *, private: bool):
        super().__init__(options)
        self.private = private


def pg_settings() -> dict:
    """The PG* variables that are set, checked: {} means the private cluster."""
    settings = {name: os.environ[name] for name in PG_VARIABLES if os.environ.get(name)}
    port = settings.get("PGPORT")
    if port is not None and not (
        port.isascii() and port.isdigit() and 0 < int(port) < 65536
    ):
        raise SetupError(
            f"PGPORT={port} is not a TCP port number (1-65535): set it to the port of "
            "the PostgreSQL server, or unset it for libpq's default (5432)."
        )
    if settings.get("PGUSER") == "postgres":
        raise SetupError(
            "PGUSER=postgres: Odoo refuses to run as the postgres superuser. Create a "
            "role with CREATEDB (createuser -d odoo) and set PGUSER to it."
        )
    return settings


def check_postgres():
    """Fail early, before the long set-up steps, on what would stop ``postgres()``:
    bad PG* variables, a PG* server that does not answer, no PostgreSQL binaries."""
    settings = pg_settings()
    if settings:
        _probe_server(settings)
    else:
        _private_cluster_tools()


def _describe(settings: dict) -> str:
    return ", ".join(
        f"{name}=***" if name == "PGPASSWORD" else f"{name}={value}"
        for name, value in settings.items()
    )


def _one_line(text: str) -> str:
    text = text.strip().removeprefix("psql: error: ").removeprefix("dropdb: error: ")
    return " ".join(text.split()).rstrip(".")


def _pg_bindir() -> Path | None:
    pg_config = shutil.which("pg_config")
    candidates = []
    if pg_config:
        out = run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        candidates.append(Path(out.stdout.strip()))
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(initdb).resolve().parent)
    for candidate in candidates:
        if (candidate / "initdb").is_file() and (candidate / "pg_ctl").is_file():
            return candidate
    return None


def _client(name: str) -> str:
    """A PostgreSQL client program (psql, dropdb): on PATH, else with the server's."""
    found = shutil.which(name)
    if found:
        return found
    bindir = _pg_bindir()
    if bindir and (bindir / name).is_file():
        return str(bindir / name)
    raise SetupError(
        f"{name} not found: install the PostgreSQL client programs (Debian/Ubuntu: "
        "apt-get install postgresql-client), or unset the PG* variables to use a "
        "private throwaway cluster."
    )


def _probe_server(settings: dict):
    """Check that the PG* server answers and that its role may create databases."""
    named = f"The PostgreSQL server named by {_describe(settings)}"
    env = dict(os.environ)
    env.setdefault("PGCONNECT_TIMEOUT", str(CONNECT_TIMEOUT))
    query = (
        "select current_user, rolcreatedb or rolsuper from pg_roles "
        "where rolname = current_user"
    )
    cmd = [_client("psql"), "-X", "-w", "-At", "-F", " ", "-c", query, "-d", "postgres"]
    try:
        probe = run(
            cmd,
            capture_output=True,
            text=True,
            check=False,
            env=env,
            timeout=3 * CONNECT_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        detail = f"no answer within {3 * CONNECT_TIMEOUT}s"
    else:
        detail = _one_line(probe.stderr) or f"psql exited with {probe.returncode}"
        if probe.returncode == 0:
            user, _, can_create = probe.stdout.strip().rpartition(" ")
            if can_create == "t":
                return
            raise SetupError(
                f"{named} answers, but its role {user} may not create databases, "
                f"which Odoo needs: ALTER ROLE {user} CREATEDB (or set PGUSER to a "
                "role with CREATEDB)."
            )
    raise SetupError(
        f"{named} does not answer or refuses the connection: {detail} -- fix "
        "PGHOST/PGPORT/PGUSER/PGPASSWORD (a running server, libpq's defaults for what "
        "is unset), or unset all the PG* variables to use a private throwaway cluster."
    )


def drop_database(name: str, *, force=False, strict=True):
    """Drop ``name`` on the PG* server if it exists. ``force``: if sessions are left
    on it, end them (dropdb --force) -- only after a plain drop failed, since a plain
    drop waits for autovacuum where --force fails on it for a role without
    pg_signal_backend. When dropping fails: a SetupError, or with ``strict=False``
    (a clean-up) a logged line."""
    try:
        cmd = [_client("dropdb"), "-w", "--if-exists"]
    except SetupError as exc:
        message = f"could not drop the database {name}: {exc}"
    else:
        for extra in [[], ["--force"]] if force else [[]]:
            result = run(
                [*cmd, *extra, name], capture_output=True, text=True, check=False
            )
            if result.returncode == 0:
                return
        message = f"could not drop the database {name}: {_one_line(result.stderr)}"
    if strict:
        raise SetupError(message)
    log(message)


def _private_cluster_tools():
    """The PostgreSQL server binaries and, when running as root, the user to run
    them as (initdb and postgres refuse root)."""
    bindir = _pg_bindir()
    if not bindir:
        raise SetupError(
            "PostgreSQL not found: install the server binaries (Debian/Ubuntu: "
            "apt-get install postgresql) or point PGHOST/PGPORT/PGUSER/PGPASSWORD at a "
            "running server."
        )
    if os.geteuid() != 0:
        return bindir, None
    try:
        return bindir, pwd.getpwnam("postgres")
    except KeyError as exc:
        raise SetupError(
            "Running as root and there is no 'postgres' system user to own a "
            "private cluster: create one (useradd postgres) or set PG* variables."
        ) from exc


def _run_cluster_step(cmd, what, server_log: Path | None = None):
    result = run(cmd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip()
        if server_log and server_log.exists():
            output += "\n" + "\n".join(server_log.read_text().splitlines()[-20:])
        raise SetupError(f"the private PostgreSQL cluster could not {what}:\n{output}")


@contextlib.contextmanager
def postgres():
    """Yield a ``PostgresServer`` that stays up for the block: the server named by
    the PG* variables when any is set (private=False), else a throwaway cluster
    started here (private=True) and removed after the block."""
    settings = pg_settings()
    if settings:
        _probe_server(settings)
        log(f"using the PostgreSQL server named by {_describe(settings)}")
        options = {
            PG_VARIABLES[name]: value
            for name, value in settings.items()
            if PG_VARIABLES[name]
        }
        yield PostgresServer(options, private=False)
        return
    bindir, owner = _private_cluster_tools()
    workdir = Path(tempfile.mkdtemp(prefix="amazon-connector-pg-"))
    if owner:
        os.chown(workdir, owner.pw_uid, owner.pw_gid)
    as_owner = ["runuser", "-u", owner.pw_name, "--"] if owner else []
    data = workdir / "data"
    server_log = workdir / "server.log"
    try:
        _run_cluster_step(
            [
                *as_owner,
                bindir / "initdb",
                "-D",
                data,
                "-U",
                "odoo",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ],
            f"be created in {data}",
        )
        options = (
            f"-k {workdir} -p {PRIVATE_PORT} -c listen_addresses='' -c fsync=off "
            "-c full_page_writes=off -c synchronous_commit=off -c max_connections=100"
        )
        _run_cluster_step(
            [
                *as_owner,
                *(bindir / "pg_ctl", "-D", data, "-l", server_log),
                *("-o", options, "-w", "start"),
            ],
            "start",
            server_log,
        )
        log(f"private PostgreSQL cluster up in {workdir}")
        yield PostgresServer(
            {"db_host": str(workdir), "db_port": PRIVATE_PORT, "db_user": "odoo"},
            private=True,
        )
    finally:
        if (data / "postmaster.pid").exists():
            run(
                [*as_owner, bindir / "pg_ctl", "-D", data, "-m", "immediate", "stop"],
                check=False,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        shutil.rmtree(workdir, ignore_errors=True)


# --------------------------------------------------------------------------- Chromium

#: The programs Odoo's ChromeBrowser starts, in the order it looks for them on PATH
#: (odoo.tests.common._find_executable, on Linux): the first one found is the one
#: the tours run in, so it is the one checked here.
CHROME_NAMES = ("google-chrome", "chromium", "chromium-browser", "google-chrome-stable")
#: Odoo 18.0's web client needs CSS :has() (its stylesheets use it) and ES2022
#: (Object.hasOwn, Array.prototype.findLast...): Chromium 105 is the first with all
#: of them. An older browser draws a broken page, and a tour fails far from the cause.
MIN_CHROME_VERSION = 105
CHROME_PACKAGE = "chromium"  # Debian's package: /usr/bin/chromium


@dataclass(frozen=True)
class Browser:
    path: str
    version: int


def _what_to_install(problem: str) -> str:
    return (
        f"{problem}. The browser tours (HttpCase.start_tour) run in headless "
        f"Chromium or Google Chrome {MIN_CHROME_VERSION} or newer, found on PATH as "
        f"{', '.join(CHROME_NAMES)}: install it (Debian/Ubuntu: apt-get install "
        f"{CHROME_PACKAGE}; elsewhere Google Chrome) or put it on PATH."
    )


def _chrome_on_path() -> str | None:
    for name in CHROME_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _without_memory_limit():
    """Chromium reserves far more address space than Odoo's limit_memory_hard, which
    an Odoo process (pytest-odoo's HTTP server) passes on to its children: lifted, as
    Odoo's ChromeBrowser does before it starts the browser."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (hard, hard))


def _chrome_version(path: str) -> int:
    """The major version ``path --version`` prints ("Chromium 156.0.8078.114 built
    on Debian...", "Google Chrome 126.0..."). Standard error is not read: Debian's
    wrapper script prints a harmless shell warning there."""
    try:
        result = run(
            [path, "--version"],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
            preexec_fn=_without_memory_limit,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SetupError(_what_to_install(f"{path} --version failed ({exc})")) from exc
    found = re.search(r"\b(\d+)\.\d+\.\d+", result.stdout)
    if result.returncode != 0 or not found:
        said = (
            _one_line(result.stdout + result.stderr) or f"exit code {result.returncode}"
        )
        raise SetupError(
            _what_to_install(f"{path} --version printed no version ({said})")
        )
    return int(found.group(1))


def _may_install_packages() -> bool:
    """Root with apt-get (CI, a container): the set-up may install a package."""
    return os.geteuid() == 0 and shutil.which("apt-get") is not None


def _apt_install(package: str, explain=_what_to_install):
    """``apt-get install -y package``; the package lists are updated first when the
    install fails (a fresh machine has none, or old ones). A failure raises a
    SetupError whose message ``explain`` writes from the problem."""
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    install = ["apt-get", "install", "-y", "-q", package]
    started = time.monotonic()
    result = run(install, capture_output=True, text=True, check=False, env=env)
    if result.returncode != 0:
        run(["apt-get", "update", "-q"], capture_output=True, check=False, env=env)
        result = run(install, capture_output=True, text=True, check=False, env=env)
    if result.returncode != 0:
        said = _one_line("\n".join((result.stdout + result.stderr).splitlines()[-3:]))
        raise SetupError(
            explain(f"apt-get install {package} failed ({said or result.returncode})")
        )
    log(f"installed {package} in {time.monotonic() - started:.0f}s")


def chrome() -> Browser:
    """The browser the tours will run in, checked: the first of ``CHROME_NAMES`` on
    PATH, at least ``MIN_CHROME_VERSION``. Missing, Debian's ``chromium`` package is
    installed when the machine allows it (``_may_install_packages``); otherwise, or
    too old, a SetupError that says what to install."""
    path = _chrome_on_path()
    if path is None and _may_install_packages():
        log(f"no Chromium on PATH: installing Debian's {CHROME_PACKAGE} (apt-get)")
        _apt_install(CHROME_PACKAGE)
        path = _chrome_on_path()
    if path is None:
        raise SetupError(_what_to_install("Chromium not found"))
    version = _chrome_version(path)
    if version < MIN_CHROME_VERSION:
        raise SetupError(
            _what_to_install(f"{path} is version {version}, too old for Odoo 18.0")
        )
    log(f"browser for the tours: {path} (version {version})")
    return Browser(path, version)


# --------------------------------------------------------------------------- PDF

WKHTMLTOPDF_PACKAGE = "wkhtmltopdf"  # Debian's package: /usr/bin/wkhtmltopdf


def wkhtmltopdf() -> str | None:
    """The wkhtmltopdf Odoo prints its PDFs with (invoices, and the VAT invoices the
    connector uploads to Amazon): found on PATH, else Debian's package installed
    when the machine allows it (``_may_install_packages``). None, said, when
    neither: Odoo then cannot print a PDF, and an upload is refused on its invoice."""
    path = shutil.which("wkhtmltopdf")
    if path is None and _may_install_packages():
        log(f"no wkhtmltopdf on PATH: installing Debian's {WKHTMLTOPDF_PACKAGE}")
        try:
            _apt_install(WKHTMLTOPDF_PACKAGE, explain=str)
        except SetupError as error:
            log(f"wkhtmltopdf not installed: {error}")
        path = shutil.which("wkhtmltopdf")
    if path is None:
        log(
            "no wkhtmltopdf: Odoo prints no PDF, so the demo's VAT invoices cannot "
            "be uploaded to Amazon (install it: apt-get install wkhtmltopdf)"
        )
    return path


# --------------------------------------------------------------------------- Odoo


def addons_path(odoo_src: Path) -> str:
    return ",".join(
        [str(odoo_src / "addons"), str(odoo_src / "odoo" / "addons"), str(REPO)]
    )


def write_config(
    path: Path, odoo_src: Path, db: dict, db_name: str, data_dir: Path, **extra
):
    lines = [
        "[options]",
        f"addons_path = {addons_path(odoo_src)}",
        f"db_name = {db_name}",
    ]
    lines += [f"{key} = {value}" for key, value in db.items()]
    lines += [f"data_dir = {data_dir}", "list_db = False", "admin_passwd = admin"]
    lines += [f"{key} = {value}" for key, value in extra.items()]
    path.write_text("\n".join(lines) + "\n")


def odoo_bin(env_path: Path, odoo_src: Path):
    return [env_path / "bin" / "python", odoo_src / "odoo-bin"]


def create_database(env_path, odoo_src, config: Path, db_name, modules, log_file: Path):
    """Install ``modules`` on a fresh database; a broken record fails loudly."""
    started = time.monotonic()
    result = run(
        [
            *odoo_bin(env_path, odoo_src),
            "-c",
            config,
            "-d",
            db_name,
            "-i",
            modules,
            "--without-demo=all",
            "--stop-after-init",
            "--log-level=warn",
            f"--logfile={log_file}",
        ],
        check=False,
    )
    text = log_file.read_text(errors="replace") if log_file.exists() else ""
    problems = [ln for ln in text.splitlines() if " ERROR " in ln or " CRITICAL " in ln]
    for line in text.splitlines():
        if " WARNING " in line and "amazon_connector" in line:
            log(line)
    if result.returncode != 0 or problems:
        tail = "\n".join(text.splitlines()[-60:])
        raise SetupError(f"installing {modules} on {db_name} failed:\n{tail}")
    log(f"database {db_name} with {modules} ready in {time.monotonic() - started:.0f}s")


@dataclass(frozen=True)
class FreshDatabase:
    env_path: Path
    odoo_src: Path
    config: Path
    name: str

    def python(self):
        return self.env_path / "bin" / "python"


@contextlib.contextmanager
def fresh_database(prefix, modules="amazon_connector"):
    """Yield a brand-new database with ``modules`` installed (Odoo source,
    virtualenv and PostgreSQL set up as needed); it is gone after the block."""
    started = time.monotonic()
    check_postgres()  # bad PG* settings fail now, not after the virtualenv's build
    odoo_src = odoo_source()
    env_path = venv(odoo_src)
    with postgres() as db, tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        name = f"{prefix}_{os.getpid()}_{int(time.time())}"
        config = tmp / "odoo.conf"
        write_config(config, odoo_src, db, name, tmp / "data")
        try:
            create_database(
                env_path,
                odoo_src,
                config,
                name,
                modules,
                tmp / "install.log",
            )
            log(
                f"set-up took {time.monotonic() - started:.0f}s (Odoo source, "
                "virtualenv, PostgreSQL, database)"
            )
            yield FreshDatabase(env_path, odoo_src, config, name)
        finally:
            if not db.private:  # a private cluster goes away whole
                drop_database(name, strict=False)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["odoo-src", "venv", "info"])
    args = parser.parse_args(argv)
    try:
        src = odoo_source()
        if args.what == "odoo-src":
            print(src)
        elif args.what == "venv":
            print(venv(src))
        else:
            print(json.dumps({"odoo_src": str(src), "venv": str(venv(src))}))
    except SetupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
