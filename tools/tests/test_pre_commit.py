"""``.pre-commit-config.yaml`` runs the checks of ``./tools/lint``, no more, no less:
each hook calls ``tools/lint CHECK`` for one check the script runs, so the two lists
cannot drift apart."""

import re
import subprocess
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
LINT = REPO / "tools" / "lint"


def _lint_checks():
    """The checks ``./tools/lint`` runs without arguments, and the labels of its
    ``case``: the same names, or the script itself is inconsistent."""
    text = LINT.read_text()
    (listed,) = re.findall(r"^all=\(([^)]*)\)$", text, flags=re.MULTILINE)
    labels = re.findall(r"^\s+([\w-]+)\) ", text, flags=re.MULTILINE)
    return listed.split(), labels


def _hooks():
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text())
    return [hook for repo in config["repos"] for hook in repo["hooks"]]


def test_lint_lists_each_check_once():
    listed, labels = _lint_checks()
    assert listed == labels
    assert {"ruff-check", "ruff-format", "pylint-odoo"} <= set(listed)


def test_pre_commit_hooks_are_the_lint_checks():
    listed, _labels = _lint_checks()
    hooks = _hooks()
    assert [hook["id"] for hook in hooks] == listed
    for hook in hooks:
        # The same command as ./tools/lint, with the project's tool versions.
        assert hook["entry"] == f"tools/lint {hook['id']}"
        assert hook["language"] == "system"
        assert hook["pass_filenames"] is False


def test_lint_refuses_an_unknown_check():
    result = subprocess.run(
        [LINT, "no-such-check"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    assert "unknown check no-such-check" in result.stderr
    assert "ruff-check" in result.stderr
