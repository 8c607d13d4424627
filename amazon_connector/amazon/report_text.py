"""The text of a report Amazon serves: its encoding is not always declared and
depends on the marketplace (Japanese files are Shift_JIS/cp932)."""

import codecs

JAPAN = "A1VC38T7YXB528"
#: The encoding of files that are not UTF-8, by marketplace id (default cp1252).
LEGACY_ENCODINGS: dict[str, str] = {JAPAN: "cp932"}
DEFAULT_LEGACY_ENCODING = "cp1252"

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
#: Amazon announces Japanese files as Shift_JIS or Windows-31J: cp932 is their
#: superset (NEC and IBM extensions such as circled numbers, Windows' wave dash).
_CP932_NAMES = frozenset({"shift_jis", "cp932", "windows-31j", "windows_31j", "x-sjis"})


def _codec(charset: str | None) -> str | None:
    """The Python codec of a declared charset; None when unknown."""
    if not charset:
        return None
    name = charset.strip().strip("\"'").lower()
    if name in _CP932_NAMES:
        return "cp932"
    try:
        found = codecs.lookup(name).name
    except LookupError:
        return None
    return "cp932" if found in _CP932_NAMES else found


def _decoded(content: bytes, codec: str) -> str | None:
    """``content`` in ``codec``, or None when it is not valid in it."""
    try:
        return content.decode(codec)
    except UnicodeDecodeError:
        return None


def decode_report(
    content: bytes, *, charset: str | None = None, marketplace_id: str | None = None
) -> str:
    """The text of a report: by its byte order mark, else the ``charset`` Amazon
    declared (an unknown name is ignored), else UTF-8, else the marketplace's legacy
    encoding (:data:`LEGACY_ENCODINGS`). Never fails: after a byte order mark or in
    the legacy encoding, a byte that is not valid becomes U+FFFD rather than
    failing the whole file."""
    content = bytes(content)
    for bom, codec in _BOMS:
        if content.startswith(bom):
            return content.decode(codec, "replace")
    for codec in (_codec(charset), "utf-8"):
        text = _decoded(content, codec) if codec else None
        if text is not None:
            return text
    legacy = LEGACY_ENCODINGS.get(marketplace_id or "", DEFAULT_LEGACY_ENCODING)
    return content.decode(legacy, "replace")


class Columns:
    """A report's header row: the index of each column by its lower-cased name, so
    that cells are read by name, never by position (Amazon adds and moves
    columns)."""

    def __init__(self, header: list[str]):
        self.names = [name.strip().lstrip("\ufeff").strip() for name in header]
        self.index: dict[str, int] = {}
        for position, name in enumerate(self.names):
            self.index.setdefault(name.lower(), position)

    def has(self, name: str) -> bool:
        return name in self.index

    def missing(self, names) -> list[str]:
        """Those of ``names`` the header does not have."""
        return [name for name in names if name not in self.index]

    def get(self, row: list[str], name: str) -> str:
        """The stripped cell of ``name`` ("" when the column or the cell is absent)."""
        position = self.index.get(name)
        if position is None or position >= len(row):
            return ""
        return row[position].strip()
