"""Where Amazon is with a feed or a report: the ``processingStatus`` vocabulary of
the Feeds API 2021-06-30 and the Reports API 2021-06-30 (the same five values in
both models, ``feeds_2021-06-30.json`` and ``reports_2021-06-30.json``), and the
reference of the document Amazon produced."""

from dataclasses import dataclass

IN_QUEUE = "IN_QUEUE"
IN_PROGRESS = "IN_PROGRESS"
DONE = "DONE"
CANCELLED = "CANCELLED"
FATAL = "FATAL"

#: Every status Amazon's models define.
PROCESSING_STATUSES = (IN_QUEUE, IN_PROGRESS, DONE, CANCELLED, FATAL)
#: Amazon is still working: ask again later.
STILL_PROCESSING = frozenset({IN_QUEUE, IN_PROGRESS})
#: Amazon stopped without the result asked for (a feed or report CANCELLED has
#: nothing to read; a FATAL one may have a report of what went wrong).
ENDED_WITHOUT_RESULT = frozenset({CANCELLED, FATAL})


@dataclass(frozen=True)
class Processing:
    """One answer of getFeed or getReport: the status and the id of the document
    Amazon produced (``resultFeedDocumentId`` / ``reportDocumentId``), if any."""

    status: str
    document_id: str | None = None

    @property
    def pending(self) -> bool:
        return self.status in STILL_PROCESSING

    @classmethod
    def from_feed(cls, payload: dict) -> "Processing":
        return cls(
            status=str(payload.get("processingStatus") or ""),
            document_id=payload.get("resultFeedDocumentId") or None,
        )

    @classmethod
    def from_report(cls, payload: dict) -> "Processing":
        return cls(
            status=str(payload.get("processingStatus") or ""),
            document_id=payload.get("reportDocumentId") or None,
        )
