"""Measure the addon's code: the figures issue 20 ("one shape for every conversation
with Amazon") sets goals for, for the working tree or any git revision.

    python3 tools/measure_code.py                  # the working tree
    python3 tools/measure_code.py --rev dc6c280    # a revision
    python3 tools/measure_code.py --before dc6c280 # that revision beside the tree
    python3 tools/measure_code.py --list           # and every repeated pair

``make measure ARGS=...`` runs it. Printed:

- the largest model file: lines of the longest ``.py`` file in
  ``amazon_connector/models/`` and ``amazon_connector/wizards/``;
- the longest method there (file, ``Class.method``, lines from ``def`` to its last
  line), and the longest function or method anywhere in the addon outside its tests;
- the places that catch Amazon's retryable error (an ``except`` naming
  ``AmazonRetryableError``, alone or in a tuple) and those that check the job blocker
  (calls of ``_amazon_job_blocker(``; its definition is not a call), outside tests;
- the ``queue_job__no_delay`` mentions in ``amazon_connector/models/``;
- the pairs of places outside tests that repeat six or more lines: the addon's
  Python, XML and JavaScript files without ``tests`` folders, compared as
  normalised lines (stripped, inner white space collapsed; blank lines and lines of
  brackets and punctuation only are left out). A repeated run of any length counts
  once per pair of places.

Only the standard library: it runs with any Python 3.10+, no virtualenv needed.
"""

from __future__ import annotations

import argparse
import ast
import itertools
import re
import subprocess
import sys
import tarfile
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ADDON = "amazon_connector"
MODEL_FOLDERS = ("models", "wizards")
REPEAT_SUFFIXES = (".py", ".xml", ".js")
#: Consecutive normalised lines that make a repeat.
MIN_REPEAT = 6
RETRYABLE_ERROR = "AmazonRetryableError"
BLOCKER = "_amazon_job_blocker"
NO_DELAY = "queue_job__no_delay"
#: A line of brackets, commas, colons and quotes only says nothing by itself.
PUNCTUATION_ONLY = re.compile(r"^[\s()\[\]{},;:'\"`<>/]*$")


@dataclass(frozen=True)
class Place:
    path: str
    line: int

    def __str__(self):
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Unit:
    """A file or a function, and its length in lines."""

    path: str
    name: str
    lines: int

    def __str__(self):
        path = self.path.removeprefix(f"{ADDON}/")  # the table stays narrow
        where = f"{path} {self.name}" if self.name else path
        return f"{self.lines} ({where})"


@dataclass
class Measures:
    largest_model_file: Unit | None = None
    longest_model_method: Unit | None = None
    longest_function: Unit | None = None
    retryable_catches: list[Place] = field(default_factory=list)
    blocker_checks: list[Place] = field(default_factory=list)
    no_delay_mentions: int = 0
    repeats: list[tuple[Place, Place, int]] = field(default_factory=list)

    def rows(self) -> list[tuple[str, str]]:
        return [
            ("largest model file (lines)", str(self.largest_model_file or "-")),
            ("longest method in models/wizards", str(self.longest_model_method or "-")),
            ("longest function outside tests", str(self.longest_function or "-")),
            (f"except {RETRYABLE_ERROR} places", str(len(self.retryable_catches))),
            (f"{BLOCKER}() checks", str(len(self.blocker_checks))),
            (f"{NO_DELAY} in models/", str(self.no_delay_mentions)),
            (f"pairs repeating >= {MIN_REPEAT} lines", str(len(self.repeats))),
        ]


# --------------------------------------------------------------------------- sources


def _is_test(relative: Path) -> bool:
    return "tests" in relative.parts


def _addon_files(root: Path, suffixes) -> list[Path]:
    addon = root / ADDON
    return sorted(
        path
        for path in addon.rglob("*")
        if path.is_file()
        and path.suffix in suffixes
        and not _is_test(path.relative_to(root))
        and "__pycache__" not in path.parts
    )


def _model_files(root: Path) -> list[Path]:
    return sorted(
        path
        for folder in MODEL_FOLDERS
        for path in (root / ADDON / folder).glob("*.py")
    )


def _line_count(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


# --------------------------------------------------------------------------- Python


def _functions(tree: ast.AST, prefix=""):
    """(qualified name, node) of every function and method, nested ones included."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield f"{prefix}{node.name}", node
            yield from _functions(node, f"{prefix}{node.name}.")
        elif isinstance(node, ast.ClassDef):
            yield from _functions(node, f"{prefix}{node.name}.")
        else:
            yield from _functions(node, prefix)


def _names(node: ast.AST | None) -> set[str]:
    """The names an ``except`` clause catches (``Name``, ``module.Name``, tuples)."""
    if node is None:
        return set()
    if isinstance(node, ast.Tuple):
        return set().union(*(_names(element) for element in node.elts))
    if isinstance(node, ast.Attribute):
        return {node.attr}
    if isinstance(node, ast.Name):
        return {node.id}
    return set()


def _is_blocker_call(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name == BLOCKER


def _longest(units):
    return max(units, key=lambda unit: unit.lines, default=None)


def _python_measures(root: Path, measures: Measures):
    models = set(_model_files(root))
    model_methods, functions = [], []
    for path in _addon_files(root, (".py",)):
        relative = str(path.relative_to(root))
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=relative)
        for name, node in _functions(tree):
            unit = Unit(relative, name, node.end_lineno - node.lineno + 1)
            functions.append(unit)
            if path in models:
                model_methods.append(unit)
        for node in ast.walk(tree):
            if isinstance(node, ast.ExceptHandler) and RETRYABLE_ERROR in _names(
                node.type
            ):
                measures.retryable_catches.append(Place(relative, node.lineno))
            elif _is_blocker_call(node):
                measures.blocker_checks.append(Place(relative, node.lineno))
    measures.longest_model_method = _longest(model_methods)
    measures.longest_function = _longest(functions)
    measures.largest_model_file = _longest(
        Unit(str(path.relative_to(root)), "", _line_count(path)) for path in models
    )
    measures.no_delay_mentions = sum(
        path.read_text(encoding="utf-8").count(NO_DELAY)
        for path in (root / ADDON / "models").rglob("*.py")
    )


# --------------------------------------------------------------------------- repeats


def _normalised_lines(path: Path) -> list[tuple[int, str]]:
    kept = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        text = " ".join(line.split())
        if text and not PUNCTUATION_ONLY.match(text):
            kept.append((number, text))
    return kept


def repeated_pairs(
    root: Path, size: int = MIN_REPEAT
) -> list[tuple[Place, Place, int]]:
    """Every pair of places (file and first line) that hold the same ``size`` or
    more consecutive normalised lines, with the run's length in normalised lines:
    a run longer than ``size`` is one pair, not one per window."""
    files = {
        str(path.relative_to(root)): _normalised_lines(path)
        for path in _addon_files(root, REPEAT_SUFFIXES)
    }
    windows = defaultdict(list)  # window text -> [(file, index)]
    for name, lines in files.items():
        texts = [text for _number, text in lines]
        for index in range(len(texts) - size + 1):
            windows["\n".join(texts[index : index + size])].append((name, index))
    matches = set()  # ((file a, index a), (file b, index b)), a < b
    for places in windows.values():
        for first, second in itertools.combinations(sorted(places), 2):
            matches.add((first, second))
    pairs = []
    for (file_a, index_a), (file_b, index_b) in sorted(matches):
        if ((file_a, index_a - 1), (file_b, index_b - 1)) in matches:
            continue  # the continuation of a run counted at its start
        length = size
        while (
            (file_a, index_a + length - size + 1),
            (file_b, index_b + length - size + 1),
        ) in matches:
            length += 1
        pairs.append(
            (
                Place(file_a, files[file_a][index_a][0]),
                Place(file_b, files[file_b][index_b][0]),
                length,
            )
        )
    return pairs


# --------------------------------------------------------------------------- trees


def measure(root: Path) -> Measures:
    """The figures of the addon in ``root`` (a folder holding ``amazon_connector/``)."""
    if not (root / ADDON).is_dir():
        raise SystemExit(f"error: no {ADDON}/ in {root}")
    measures = Measures()
    _python_measures(root, measures)
    measures.repeats = repeated_pairs(root)
    return measures


def extract_revision(rev: str, target: Path, repo: Path = REPO) -> Path:
    """The addon of git revision ``rev`` of ``repo``, written into ``target``."""
    archive = subprocess.run(
        ["git", "-C", str(repo), "archive", "--format=tar", rev, ADDON],
        capture_output=True,
        check=False,
    )
    if archive.returncode != 0:
        message = archive.stderr.decode(errors="replace").strip()
        raise SystemExit(f"error: git archive {rev} failed: {message}")
    with tempfile.TemporaryFile() as handle:
        handle.write(archive.stdout)
        handle.seek(0)
        with tarfile.open(fileobj=handle) as tar:
            tar.extractall(target, filter="data")
    return target


def measure_revision(rev: str | None, repo: Path = REPO) -> Measures:
    """The figures of revision ``rev``, or of the working tree when ``None``."""
    if rev is None:
        return measure(repo)
    with tempfile.TemporaryDirectory(prefix="measure-") as tmp:
        return measure(extract_revision(rev, Path(tmp), repo))


def _table(columns: list[tuple[str, Measures]]) -> str:
    """One row per figure, one column per measured tree."""
    labels = [label for label, _value in columns[0][1].rows()]
    values = [[value for _label, value in m.rows()] for _title, m in columns]
    rows = [("", *(title for title, _m in columns))]
    rows += [(label, *cells) for label, *cells in zip(labels, *values, strict=True)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(
            cell.ljust(width) for cell, width in zip(row, widths, strict=True)
        ).rstrip()
        for row in rows
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", help="measure this git revision (default: the tree)")
    parser.add_argument("--before", help="print this revision's figures beside")
    parser.add_argument(
        "--list", action="store_true", help="list every repeated pair and place"
    )
    args = parser.parse_args(argv)
    after_title = args.rev or "working tree"
    columns = []
    if args.before:
        columns.append((args.before, measure_revision(args.before)))
    columns.append((after_title, measure_revision(args.rev)))
    print(_table(columns))
    if args.list:
        for title, measures in columns:
            print(f"\n{title}:")
            for what, places in (
                (f"except {RETRYABLE_ERROR}", measures.retryable_catches),
                (f"{BLOCKER}()", measures.blocker_checks),
            ):
                for place in places:
                    print(f"  {what}: {place}")
            for first, second, length in measures.repeats:
                print(f"  repeat of {length} lines: {first} and {second}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
