"""devenv's PostgreSQL: any subset of the PG* variables, bad ones, a server that does
not answer, and the private cluster told apart by what the set-up started."""

import configparser
import contextlib
import itertools
import os
import shutil
import socket
import subprocess
import sys
import tempfile

import devenv
import pytest
import run_demo
from tool_runs import setup_errors

PG_VARS = ("PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE")
VALUES = {
    "PGHOST": "db.example.test",
    "PGPORT": "5433",
    "PGUSER": "odoo",
    "PGPASSWORD": "secret",
    "PGDATABASE": "somedb",
}
ODOO_OPTION = {
    "PGHOST": "db_host",
    "PGPORT": "db_port",
    "PGUSER": "db_user",
    "PGPASSWORD": "db_password",
}
SUBSETS = [
    subset
    for size in range(1, len(PG_VARS) + 1)
    for subset in itertools.combinations(PG_VARS, size)
]


@pytest.fixture
def no_pg_env(monkeypatch):
    for name in (*PG_VARS, "PGCONNECT_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.fixture
def probes(no_pg_env):
    """Replace the server probe (no server needed); record what it was asked."""
    calls = []
    no_pg_env.setattr(devenv, "_probe_server", calls.append)
    return calls


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def config_options(tmp_path, db):
    path = tmp_path / "odoo.conf"
    devenv.write_config(path, tmp_path, db, "somedb_test", tmp_path / "data")
    parser = configparser.ConfigParser()
    parser.read(path)
    return dict(parser["options"])


# --------------------------------------------------------------------------- PG* subsets


@pytest.mark.parametrize("subset", SUBSETS, ids="+".join)
def test_any_subset_of_pg_variables_names_the_external_server(subset, probes, tmp_path):
    with pytest.MonkeyPatch.context() as mp:
        for name in subset:
            mp.setenv(name, VALUES[name])
        with devenv.postgres() as db:
            assert db.private is False
            expected = {ODOO_OPTION[n]: VALUES[n] for n in subset if n in ODOO_OPTION}
            assert dict(db) == expected
            options = config_options(tmp_path, db)
    assert probes == [{name: VALUES[name] for name in subset}]
    db_options = {k: v for k, v in options.items() if k.startswith("db_")}
    # Only what is set is written: libpq's defaults for the rest, never an empty value.
    assert db_options == {"db_name": "somedb_test", **expected}


def test_empty_pg_variables_count_as_unset(probes):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PGHOST", "/var/run/postgresql")
        mp.setenv("PGPORT", "")
        mp.setenv("PGUSER", "")
        assert devenv.pg_settings() == {"PGHOST": "/var/run/postgresql"}
        mp.setenv("PGHOST", "")
        assert devenv.pg_settings() == {}


def test_pghost_without_pgport_is_a_valid_odoo_config(probes, tmp_path):
    """The original crash: Odoo read ``db_port =`` as an invalid integer."""
    pytest.importorskip("odoo")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PGHOST", "/tmp")
        with devenv.postgres() as db:
            config = tmp_path / "odoo.conf"
            devenv.write_config(config, tmp_path, db, "x", tmp_path / "data")
    assert "db_port" not in config.read_text()
    script = (
        "import sys; from odoo.tools import config; "
        "config.parse_config(['-c', sys.argv[1]]); "
        "print(config['db_host'], config['db_port'])"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(config)],
        capture_output=True,
        text=True,
        check=False,
        env={k: v for k, v in os.environ.items() if k != "ODOO_RC"},
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["/tmp", "False"]


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("port", ["abc", "0", "65536", "54 32", "-1", "5432,5433"])
def test_bad_pgport_is_refused_before_anything_else(port, no_pg_env):
    no_pg_env.setenv("PGPORT", port)

    def must_not_run(*args, **kwargs):
        raise AssertionError("the set-up went on past a bad PGPORT")

    for step in ("odoo_source", "venv", "_probe_server", "run"):
        no_pg_env.setattr(devenv, step, must_not_run)
    with pytest.raises(devenv.SetupError) as error:
        with devenv.fresh_database("never"):
            pass
    assert str(error.value).startswith(f"PGPORT={port} is not a TCP port number")


@pytest.mark.parametrize("script", ["run_tests.py", "run_demo.py"])
def test_bad_pgport_exits_2_with_one_message(script, no_pg_env, tmp_path):
    """Through the commands: exit 2, one line, no traceback, nothing else tried
    (ODOO_SRC is wrong too: its message would come first if Odoo were looked at)."""
    env = dict(
        os.environ,
        PGPORT="abc",
        ODOO_SRC=str(tmp_path / "no-odoo"),
        AMAZON_CONNECTOR_CACHE=str(tmp_path / "cache"),
    )
    errors = setup_errors(script, env, *(["--check"] if "demo" in script else []))
    assert errors == [
        "error: PGPORT=abc is not a TCP port number (1-65535): set it to the port of "
        "the PostgreSQL server, or unset it for libpq's default (5432)."
    ]
    assert not (tmp_path / "cache").exists()


def test_pguser_postgres_is_refused(no_pg_env):
    no_pg_env.setenv("PGUSER", "postgres")
    with pytest.raises(devenv.SetupError, match="PGUSER=postgres"):
        devenv.check_postgres()


needs_psql = pytest.mark.skipif(
    not shutil.which("psql") and not devenv._pg_bindir(), reason="no psql"
)


@needs_psql
def test_a_server_refusing_the_connection_is_one_setup_error(no_pg_env):
    port = free_port()
    no_pg_env.setenv("PGHOST", "127.0.0.1")
    no_pg_env.setenv("PGPORT", str(port))
    no_pg_env.setenv("PGPASSWORD", "hunter2")
    with pytest.raises(devenv.SetupError) as error:
        devenv.check_postgres()
    message = str(error.value)
    assert message.startswith(
        f"The PostgreSQL server named by PGHOST=127.0.0.1, PGPORT={port}, "
        "PGPASSWORD=*** does not answer or refuses the connection: "
    )
    assert "Connection refused" in message
    assert "\n" not in message
    assert "hunter2" not in message
    # postgres() itself refuses too, before yielding anything.
    with pytest.raises(devenv.SetupError, match="refuses the connection"):
        with devenv.postgres():
            raise AssertionError("postgres() yielded a server that does not answer")


@needs_psql
def test_a_refusing_server_stops_run_tests_with_exit_2(no_pg_env, tmp_path):
    env = dict(
        os.environ,
        PGHOST="127.0.0.1",
        PGPORT=str(free_port()),
        ODOO_SRC=str(tmp_path / "no-odoo"),
    )
    errors = setup_errors("run_tests.py", env, timeout=120)
    assert len(errors) == 1
    assert "does not answer or refuses the connection" in errors[0]


# --------------------------------------------------------------------------- who drops


class Recorder:
    def __init__(self):
        self.drops = []

    def drop_database(self, name, *, force=False, strict=True):
        self.drops.append((name, strict))


@pytest.fixture
def recorder(monkeypatch):
    rec = Recorder()
    monkeypatch.setattr(devenv, "drop_database", rec.drop_database)
    return rec


def test_demo_drops_its_database_on_an_external_server_in_tmp(recorder):
    """A PG* server whose socket is in /tmp is not the private cluster."""
    server = devenv.PostgresServer(
        {"db_host": tempfile.gettempdir(), "db_port": "5439"}, private=False
    )
    with run_demo.demo_database(server, "amazon_demo"):
        assert recorder.drops == [("amazon_demo", True)]  # an old one, at start
    assert recorder.drops == [("amazon_demo", True), ("amazon_demo", False)]


def test_demo_leaves_the_private_cluster_alone(recorder):
    server = devenv.PostgresServer(
        {"db_host": "/srv/elsewhere", "db_port": "54329", "db_user": "odoo"},
        private=True,
    )
    with run_demo.demo_database(server, "amazon_demo"):
        pass
    assert recorder.drops == []


@pytest.mark.parametrize("private", [True, False])
@pytest.mark.parametrize("install_fails", [False, True])
def test_fresh_database_drops_only_on_an_external_server(
    private, install_fails, recorder, monkeypatch, tmp_path
):
    """Also when the install fails: Odoo created the database before failing."""
    server = devenv.PostgresServer(
        {"db_host": "/tmp", "db_port": "5439"}, private=private
    )
    created = []

    @contextlib.contextmanager
    def fake_postgres():
        yield server

    def fake_create_database(env_path, odoo_src, config, name, modules, log_file):
        created.append(name)
        if install_fails:
            raise devenv.SetupError("install failed")

    monkeypatch.setattr(devenv, "check_postgres", lambda: None)
    monkeypatch.setattr(devenv, "odoo_source", lambda: tmp_path)
    monkeypatch.setattr(devenv, "venv", lambda src: tmp_path / "venv")
    monkeypatch.setattr(devenv, "postgres", fake_postgres)
    monkeypatch.setattr(devenv, "create_database", fake_create_database)
    with contextlib.suppress(devenv.SetupError):
        with devenv.fresh_database("t") as database:
            assert database.name == created[0]
            assert recorder.drops == []
    assert recorder.drops == ([] if private else [(created[0], False)])


def test_drop_database_ends_sessions_only_after_a_plain_drop_failed(
    monkeypatch, capsys
):
    """A plain drop waits for autovacuum; --force fails on it without
    pg_signal_backend: the demo's clean-up tries plain first."""
    calls = []
    busy = 'dropdb: error: database removal failed: ERROR:  database "x" is in use\n'

    def fake_run(cmd, **kwargs):
        calls.append(cmd[3:])
        code = 0 if "--force" in cmd else 1
        return subprocess.CompletedProcess(cmd, code, "", "" if code == 0 else busy)

    monkeypatch.setattr(devenv, "_client", lambda name: name)
    monkeypatch.setattr(devenv, "run", fake_run)
    devenv.drop_database("x", force=True)
    assert calls == [["x"], ["--force", "x"]]

    calls.clear()
    with pytest.raises(devenv.SetupError) as error:
        devenv.drop_database("x")
    assert calls == [["x"]]
    assert str(error.value) == (
        'could not drop the database x: database removal failed: ERROR: database "x" '
        "is in use"
    )
    devenv.drop_database("x", strict=False)  # a clean-up: logged, not raised
    assert "could not drop the database x" in capsys.readouterr().err


# --------------------------------------------------------------------------- real clusters


needs_binaries = pytest.mark.skipif(
    devenv._pg_bindir() is None, reason="no PostgreSQL server binaries"
)


def psql(db, sql, database="postgres"):
    env = {k: v for k, v in os.environ.items() if k not in PG_VARS}
    cmd = [devenv._client("psql"), "-X", "-w", "-At", "-c", sql, "-d", database]
    cmd += ["-h", db["db_host"], "-p", db["db_port"], "-U", db.get("db_user", "odoo")]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, check=True)


@needs_binaries
def test_private_cluster_is_private_though_its_socket_is_in_tmp(no_pg_env):
    with devenv.postgres() as private:
        assert private.private is True
        assert private["db_host"].startswith(tempfile.gettempdir())
        assert psql(private, "select 1").stdout.strip() == "1"

        # The same server reached through PG* variables, socket in /tmp: external.
        no_pg_env.setenv("PGHOST", private["db_host"])
        no_pg_env.setenv("PGPORT", private["db_port"])
        no_pg_env.setenv("PGUSER", "odoo")
        with devenv.postgres() as external:
            assert external.private is False
            assert dict(external) == dict(private)

            # The demo twice on it: the first run's database is dropped at the start
            # of the second (a killed run), and each run drops its own at the end.
            psql(private, "create database amazon_demo_twice")
            with run_demo.demo_database(external, "amazon_demo_twice"):
                assert not _exists(private, "amazon_demo_twice")
                psql(private, "create database amazon_demo_twice")
            assert not _exists(private, "amazon_demo_twice")
    workdir = private["db_host"]
    assert not os.path.exists(workdir), "the private cluster's files stay behind"


def _exists(db, name):
    sql = f"select count(*) from pg_database where datname = '{name}'"
    return psql(db, sql).stdout.strip() == "1"


@needs_binaries
def test_a_role_without_createdb_is_refused(no_pg_env):
    with devenv.postgres() as private:
        psql(private, "create role nocreate login")
        no_pg_env.setenv("PGHOST", private["db_host"])
        no_pg_env.setenv("PGPORT", private["db_port"])
        no_pg_env.setenv("PGUSER", "nocreate")
        with pytest.raises(
            devenv.SetupError, match="nocreate may not create databases"
        ):
            devenv.check_postgres()
