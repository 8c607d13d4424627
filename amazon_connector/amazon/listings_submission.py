"""Amazon's answer to ``patchListingsItem``: the ``ListingsItemSubmissionResponse``
of the Listings Items API 2021-08-01 (``listingsItems_2021-08-01.json``), its
status and the issues that stopped it."""

from dataclasses import dataclass

ACCEPTED = "ACCEPTED"
INVALID = "INVALID"
VALID = "VALID"
#: Every submission status Amazon's model defines.
SUBMISSION_STATUSES = (ACCEPTED, INVALID, VALID)
#: The issue severity that stops a submission (the others are WARNING, INFO).
ERROR = "ERROR"


@dataclass(frozen=True)
class Submission:
    """One submission's outcome: Amazon's status and its errors, each as
    ``"Amazon <code>: <message>"``."""

    status: str | None
    errors: tuple[str, ...] = ()

    @property
    def accepted(self) -> bool:
        return self.status == ACCEPTED and not self.errors

    @classmethod
    def from_answer(cls, answer: dict) -> "Submission":
        """The outcome of Amazon's answer; an issue without a severity counts as
        an error."""
        return cls(
            status=answer.get("status"),
            errors=tuple(
                f"Amazon {issue.get('code')}: {issue.get('message')}"
                for issue in answer.get("issues") or []
                if issue.get("severity", ERROR) == ERROR
            ),
        )
