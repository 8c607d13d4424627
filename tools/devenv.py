"""Developer environment for amazon_connector: Odoo 18.0 source, virtualenv, PostgreSQL.

Used by ``tools/run-tests`` and ``tools/run-demo``. Everything it builds lives outside
the clone, under ``$AMAZON_CONNECTOR_CACHE`` (default ``~/.cache/amazon_connector``):

- the Odoo 18.0 source tree: ``$ODOO_SRC`` when set; else a tree extracted earlier into
  the cache; else one extracted from a local git mirror named by ``$ODOO_GIT_DIR``
  (and ``$ODOO_GIT_COMMIT``); else the official 18.0 source archive when online;
- a virtualenv keyed on the Python version, the Odoo requirements and ours;
- PostgreSQL: the server named by the standard ``PG*`` variables when one answers,
  else a private throwaway cluster started with the machine's PostgreSQL binaries.

Only the standard library is used here: it runs before the virtualenv exists.
"""

import argparse
import contextlib
import hashlib
import json
import os
import pwd
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
    destination.parent.mkdir(parents=True, exist_ok=True)
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
    for path in ours:
        key.update(path.read_bytes())
    path = CACHE / f"venv-{key.hexdigest()[:12]}"
    if (path / ".complete").is_file():
        return path
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
    for req in ours:
        run([*pip, "install", "-q", "-r", req], env=env)
    (path / ".complete").write_text("ok\n")
    log(f"virtualenv built in {time.monotonic() - started:.0f}s")
    return path


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


def _uses_external_server() -> bool:
    return any(os.environ.get(v) for v in ("PGHOST", "PGPORT", "PGUSER"))


def _external_server() -> dict | None:
    if not _uses_external_server():
        return None
    params = {
        "db_host": os.environ.get("PGHOST", ""),
        "db_port": os.environ.get("PGPORT", ""),
        "db_user": os.environ.get("PGUSER", ""),
        "db_password": os.environ.get("PGPASSWORD", ""),
    }
    if params["db_user"] == "postgres":
        raise SetupError(
            "PGUSER=postgres: Odoo refuses to run as the postgres superuser. Create a "
            "role with CREATEDB (createuser -d odoo) and set PGUSER to it."
        )
    probe = run(
        ["psql", "-Atc", "select 1", "-d", "postgres"], capture_output=True, check=False
    )
    if probe.returncode != 0:
        raise SetupError(
            "The PostgreSQL server named by the PG* variables does not answer: "
            f"{probe.stderr.decode().strip()}. Fix PGHOST/PGPORT/PGUSER/PGPASSWORD or "
            "unset them to use a private throwaway cluster."
        )
    return params


@contextlib.contextmanager
def postgres():
    """Yield Odoo db_* options for a server that stays up for the block."""
    external = _external_server()
    if external:
        log("using the PostgreSQL server named by the PG* variables")
        yield external
        return
    bindir = _pg_bindir()
    if not bindir:
        raise SetupError(
            "PostgreSQL not found: install the server binaries (Debian/Ubuntu: "
            "apt-get install postgresql) or point PGHOST/PGPORT/PGUSER/PGPASSWORD at a "
            "running server."
        )
    workdir = Path(tempfile.mkdtemp(prefix="amazon-connector-pg-"))
    owner = None
    if os.geteuid() == 0:
        # initdb and postgres refuse to run as root: run the cluster as 'postgres'.
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError as exc:
            raise SetupError(
                "Running as root and there is no 'postgres' system user to own a "
                "private cluster: create one (useradd postgres) or set PG* variables."
            ) from exc
        os.chown(workdir, owner.pw_uid, owner.pw_gid)
    as_owner = ["runuser", "-u", owner.pw_name, "--"] if owner else []
    data = workdir / "data"
    port = "54329"
    try:
        run(
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
            stdout=subprocess.DEVNULL,
        )
        options = (
            f"-k {workdir} -p {port} -c listen_addresses='' -c fsync=off "
            "-c full_page_writes=off -c synchronous_commit=off -c max_connections=100"
        )
        run(
            [
                *as_owner,
                *(bindir / "pg_ctl", "-D", data, "-l", workdir / "server.log"),
                *("-o", options, "-w", "start"),
            ],
            stdout=subprocess.DEVNULL,
        )
        log(f"private PostgreSQL cluster up in {workdir}")
        yield {"db_host": str(workdir), "db_port": port, "db_user": "odoo"}
    finally:
        run(
            [*as_owner, bindir / "pg_ctl", "-D", data, "-m", "immediate", "stop"],
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        shutil.rmtree(workdir, ignore_errors=True)


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
def fresh_database(prefix):
    """Yield a brand-new database with amazon_connector installed (Odoo source,
    virtualenv and PostgreSQL set up as needed); it is gone after the block."""
    odoo_src = odoo_source()
    env_path = venv(odoo_src)
    with postgres() as db, tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        name = f"{prefix}_{os.getpid()}_{int(time.time())}"
        config = tmp / "odoo.conf"
        write_config(config, odoo_src, db, name, tmp / "data")
        create_database(
            env_path, odoo_src, config, name, "amazon_connector", tmp / "install.log"
        )
        try:
            yield FreshDatabase(env_path, odoo_src, config, name)
        finally:
            if _uses_external_server():  # a private cluster goes away whole
                run(["dropdb", "--if-exists", name], check=False)


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
