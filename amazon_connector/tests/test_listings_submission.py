"""Amazon's answer to patchListingsItem read into a Submission (pure Python, no
database). The answers follow ``ListingsItemSubmissionResponse`` and ``Issue`` of
Amazon's model ``listingsItems_2021-08-01.json``."""

import pytest

from ..amazon.listings_submission import ACCEPTED, INVALID, Submission


def test_an_accepted_submission_without_errors_is_accepted():
    answer = {
        "sku": "SKU-1",
        "status": ACCEPTED,
        "submissionId": "f1dc2914-75dd-11ea-bc55-0242ac130003",
        "issues": [
            {"code": "99001", "message": "Just so you know.", "severity": "INFO"},
            {"code": "18027", "message": "Check it.", "severity": "WARNING"},
        ],
    }
    submission = Submission.from_answer(answer)
    assert submission.accepted
    assert submission.errors == ()


@pytest.mark.parametrize(
    "answer, errors",
    [
        (
            {
                "status": INVALID,
                "issues": [
                    {"code": "90220", "message": "Refused.", "severity": "ERROR"},
                    {"code": "18027", "message": "Check it.", "severity": "WARNING"},
                ],
            },
            ("Amazon 90220: Refused.",),
        ),
        # An issue without a severity stops the submission.
        (
            {"status": ACCEPTED, "issues": [{"code": "1", "message": "Odd."}]},
            ("Amazon 1: Odd.",),
        ),
        ({"status": INVALID}, ()),
        ({}, ()),
    ],
)
def test_a_submission_with_errors_or_not_accepted_is_refused(answer, errors):
    submission = Submission.from_answer(answer)
    assert not submission.accepted
    assert submission.errors == errors
    assert submission.status == answer.get("status")
