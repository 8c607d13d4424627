"""A report Amazon holds, as getReports lists it (the ``Report`` object of the
Reports API 2021-06-30, ``reports_2021-06-30.json``), typed: the connector never
reads the payload's raw keys."""

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class FoundReport:
    """One report of getReports: Amazon's ids, its type, the marketplaces and the
    period it covers (``dataStartTime`` / ``dataEndTime``, aware datetimes, None
    when Amazon does not say), its status and the id of its document (None until
    Amazon has produced one)."""

    report_id: str
    report_type: str
    status: str
    document_id: str | None = None
    marketplace_ids: tuple[str, ...] = ()
    data_start: datetime | None = None
    data_end: datetime | None = None

    @classmethod
    def from_payload(cls, payload: dict) -> "FoundReport":
        return cls(
            report_id=str(payload.get("reportId") or ""),
            report_type=str(payload.get("reportType") or ""),
            status=str(payload.get("processingStatus") or ""),
            document_id=payload.get("reportDocumentId") or None,
            marketplace_ids=tuple(str(m) for m in payload.get("marketplaceIds") or ()),
            data_start=_datetime(payload.get("dataStartTime")),
            data_end=_datetime(payload.get("dataEndTime")),
        )


def _datetime(value) -> datetime | None:
    """An ISO 8601 date-time of Amazon (``2024-05-01T00:00:00Z`` or with an
    offset); None when absent or unreadable (the period is informative only)."""
    if not value or not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
