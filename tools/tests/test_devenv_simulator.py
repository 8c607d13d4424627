"""The virtualenv's simulator (tools/devenv.py): installed editable from a clone, it
is reinstalled from the running clone once the clone it came from is gone."""

import json

import devenv


def _fake_venv(tmp_path, source):
    venv = tmp_path / "venv"
    record = venv / "lib" / "python3.11" / "site-packages"
    record = record / f"{devenv.SIMULATOR_DIST}-1.0.0.dist-info"
    record.mkdir(parents=True)
    url = {"url": source.as_uri(), "dir_info": {"editable": True}}
    (record / "direct_url.json").write_text(json.dumps(url))
    return venv


def test_simulator_source_is_the_clone_it_was_installed_from(tmp_path):
    source = tmp_path / "clone" / "tools" / "amazon_simulator"
    source.mkdir(parents=True)
    (source / "pyproject.toml").write_text("[project]\n")
    assert devenv._simulator_source(_fake_venv(tmp_path, source)) == source


def test_simulator_source_gone_or_missing_is_none(tmp_path):
    gone = tmp_path / "deleted-clone" / "tools" / "amazon_simulator"
    assert devenv._simulator_source(_fake_venv(tmp_path, gone)) is None
    assert devenv._simulator_source(tmp_path / "no-venv") is None
