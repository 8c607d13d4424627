"""The XML order feeds checked against Amazon's schema for them
(``schemas/order_feeds.xsd``: its comment says where its structure comes from).

Amazon validates every XML feed it is sent and refuses, message by message, what does
not validate (processing report, ``ResultMessageCode`` 5001). :func:`validate` says
what Amazon would refuse: the document's own errors (the envelope, the header) and
each message's, by its position in the document. The connector's tests check every
document it writes with it; the simulator refuses what it finds, as Amazon does.

Plain Python (lxml only): the simulator loads this module from its file.
"""

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from lxml import etree

SCHEMA_FILE = Path(__file__).resolve().parent / "schemas" / "order_feeds.xsd"

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
_MESSAGE_PATH = re.compile(r"^/AmazonEnvelope/Message(?:\[(\d+)\])?(?:/|$)")
_LONG_SET = re.compile(r"is not an element of the set \{.*\}", re.DOTALL)


@dataclass
class Validation:
    """What does not validate: ``document`` (the envelope and header, or a document
    that is not XML) and ``messages``, by the position of the ``Message`` in the
    document (1 for the first). Each error reads like Amazon's 5001 descriptions."""

    document: list[str] = field(default_factory=list)
    messages: dict[int, list[str]] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return not self.document and not self.messages

    def all_errors(self) -> list[str]:
        return [
            *self.document,
            *(
                f"Message {position}: {error}"
                for position, errors in sorted(self.messages.items())
                for error in errors
            ),
        ]


@cache
def schema() -> etree.XMLSchema:
    """The order feeds' schema (parsed once)."""
    return etree.XMLSchema(etree.parse(str(SCHEMA_FILE), parser=_PARSER))


def _describe(entry) -> str:
    message = _LONG_SET.sub("is not one of the values allowed", entry.message)
    return f"XML Parsing Error at Line {entry.line}: {message}"


def validate(content: bytes | etree._Element) -> Validation:
    """Check an order feed document (bytes, or its parsed root) against the schema."""
    result = Validation()
    if isinstance(content, bytes):
        try:
            root = etree.fromstring(content, parser=_PARSER)
        except (etree.XMLSyntaxError, ValueError) as error:
            result.document.append(f"XML Parsing Error: {error}")
            return result
    else:
        root = content
    validator = schema()
    if validator.validate(root):
        return result
    for entry in validator.error_log:
        match = _MESSAGE_PATH.match(entry.path or "")
        if match:
            position = int(match.group(1) or 1)
            result.messages.setdefault(position, []).append(_describe(entry))
        else:
            result.document.append(_describe(entry))
    return result


def assert_valid(content: bytes) -> None:
    """Raise ``ValueError`` listing every error unless ``content`` validates."""
    errors = validate(content).all_errors()
    if errors:
        raise ValueError("; ".join(errors))
