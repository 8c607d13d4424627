"""tools/measure_code.py counts what it says on a small tree written here, and
measures a git revision as well as the working tree."""

import subprocess

import measure_code


def _repeated(indent):
    """Seven lines that differ only in indentation from one copy to the next."""
    return "\n".join(f"{indent}total = total + value_{n} * {n}" for n in range(7))


REPEATED = _repeated(" " * 8)

MODEL = f"""\
from odoo import models


class Offer(models.Model):
    _name = "x.offer"

    def _short(self):
        return 1

    def _long(self, values):
        total = 0
{REPEATED}
        return total

    def _job(self, account):
        if account._amazon_job_blocker():
            return "blocked"
        try:
            account.call()
        except AmazonRetryableError:
            pass
        try:
            account.call()
        except (ValueError, errors.AmazonRetryableError):
            pass
        return self.with_context(queue_job__no_delay=True)
"""

ACCOUNT = f"""\
class Account:
    def _amazon_job_blocker(self):
        return None

    def _other(self, values):
        total = 0
{REPEATED}
        # the same five lines again: too short to count
        total = total + value_0 * 0
        total = total + value_1 * 1
        total = total + value_2 * 2
        total = total + value_3 * 3
        total = total + value_4 * 4
        # queue_job__no_delay in a comment counts as a mention
        return total
"""

TEST = f"""\
def test_it(values):
    total = 0
{_repeated(" " * 4)}
    try:
        pass
    except AmazonRetryableError:
        pass
"""


def _tree(root):
    files = {
        "amazon_connector/models/offer.py": MODEL,
        "amazon_connector/models/account.py": ACCOUNT,
        "amazon_connector/tests/test_offer.py": TEST,
        "amazon_connector/wizards/__init__.py": "",
        "amazon_connector/amazon/wire.py": "def helper():\n    return 1\n",
    }
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_measures_of_a_small_tree(tmp_path):
    measures = measure_code.measure(_tree(tmp_path))
    offer = "amazon_connector/models/offer.py"
    assert measures.largest_model_file.path == offer
    assert measures.largest_model_file.lines == len(MODEL.splitlines())
    method = measures.longest_model_method
    account = "amazon_connector/models/account.py"
    assert (method.path, method.name, method.lines) == (account, "Account._other", 17)
    assert measures.longest_function == method  # longer than the wire's helper
    # Two excepts in the model (alone and in a tuple); the test's is not counted.
    assert [p.line for p in measures.retryable_catches] == [26, 30]
    # The call, not the definition in account.py.
    assert [str(p) for p in measures.blocker_checks] == [f"{offer}:22"]
    assert measures.no_delay_mentions == 2
    # The seven lines repeated in offer.py and account.py: one pair; not the test's
    # copy (tests are left out), not the five-line repeat.
    ((first, second, length),) = measures.repeats
    assert (first.path, second.path, length) == (
        "amazon_connector/models/account.py",
        offer,
        8,  # "total = 0" and the seven lines
    )
    assert (first.line, second.line) == (6, 11)


def test_measures_a_git_revision_apart_from_the_working_tree(tmp_path, capsys):
    repo = _tree(tmp_path / "repo")
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "tiny"], check=True)
    (repo / "amazon_connector/models/offer.py").write_text("x = 1\n")
    before = measure_code.measure_revision("HEAD", repo)
    after = measure_code.measure_revision(None, repo)
    assert before.largest_model_file.path.endswith("offer.py")
    assert after.largest_model_file.path.endswith("account.py")
    assert (len(before.retryable_catches), len(after.retryable_catches)) == (2, 0)
    assert (len(before.repeats), len(after.repeats)) == (1, 0)
