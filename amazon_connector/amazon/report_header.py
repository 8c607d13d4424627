"""Where the columns of a tab-separated Amazon report are, found by name: what the
listings and the returns readers share (each maps its own column names).

Plain Python: no Odoo here.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class ReportHeader:
    """Where each column a reader knows is (``index[SKU]``), and the header's own
    names (for messages)."""

    index: dict[str, int]
    names: tuple[str, ...]

    def has(self, column: str) -> bool:
        return column in self.index

    def get(self, row: list[str], column: str) -> str:
        """The stripped cell of ``column`` ("" when absent)."""
        position = self.index.get(column)
        if position is None or position >= len(row):
            return ""
        return row[position].strip()
