"""Where the columns of a tab-separated Amazon report are, found by name, and the
encoding that makes its header readable: what the listings and the returns
readers share (each maps its own column names).

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


def strict_text(content: bytes, codec: str) -> str | None:
    """``content`` decoded with ``codec``, or None when it is not valid text in
    it (undecodable bytes, or NULs: a binary file)."""
    try:
        text = content.decode(codec)
    except UnicodeDecodeError:
        return None
    return None if "\x00" in text else text


def decode_by_header(content: bytes, candidates, names_wanted) -> str | None:
    """``content`` in the first of the ``candidates`` codecs whose header line
    ``names_wanted(cells)`` recognises; else in the first in which the whole
    file is valid; None when it is valid in none."""
    end = content.find(b"\n")
    head = content if end < 0 else content[:end]
    decodable = []
    for codec in candidates:
        line = strict_text(head, codec)
        if line is None:
            continue
        decodable.append(codec)
        if names_wanted(line.rstrip("\r").split("\t")):
            text = strict_text(content, codec)
            if text is not None:
                return text
    for codec in decodable:
        text = strict_text(content, codec)
        if text is not None:
            return text
    return None
