"""The columns of the All Listings Report (``GET_MERCHANT_LISTINGS_ALL_DATA``) by what
they mean, whatever the spelling Amazon used, and the text of the file.

Amazon writes the header in the account's report language and changes it without
notice: the British ``fulfilment-channel``, ``Deprecated column`` placeholders and
extra columns anywhere (amzn/selling-partner-api-models #3999, #4140), another order
with ``reportOptions`` ``custom=true`` (#4864), no ``status`` (#1706, #5216). A column
is therefore found by any of its known names (:data:`COLUMN_NAMES`), compared without
case, spaces, hyphens or underscores (``Seller SKU``, ``seller_sku`` and
``seller-sku`` are one name) and in Unicode's compatible form (full-width letters).

Sources of the names, per language (each group below repeats its own):

* [DOC] Amazon's report documentation, "Inventory reports", All Listings Report
  (developer-docs.amazon.com/sp-api/docs/report-type-values-inventory), quoted in
  amzn/selling-partner-api-models #4557 and #5216.
* [4140] the header of real files quoted in #3999 (US account) and #4140
  (Amazon.de, ``A1PA6795UKMFR9``); [4864] the ``custom=true`` layouts quoted in #4864.
* [PHP] a published multi-language column table of this report in an open-source
  seller tool (PHP; German, Chinese, Italian, French, Japanese and Spanish names taken
  from sellers' files), found by code search; names only.
* [GO] a published Japanese All Listings Report structure in an open-source SP-API
  client (Go), field by field; names only.
* [REF] the localised names listed by sellers' integrators for Spanish, Polish and
  Chinese headers (``Columna en desuso``, ``sku-sprzedawcy``, ``kanał-realizacji``,
  ``卖家 SKU``, ``配送渠道``).
* [UNVERIFIED] Amazon's localised Seller Central column label, not seen in a
  published file: kept because a report in that language would otherwise be refused,
  and marked so that a real file can confirm or correct it.
"""

from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass

from .report_header import ReportHeader, decode_by_header, strict_text

SKU = "seller-sku"
ASIN = "asin1"
ASIN_OTHER = "asin"
TITLE = "item-name"
PRICE = "price"
QUANTITY = "quantity"
CHANNEL = "fulfillment-channel"
STATUS = "status"
PRODUCT_ID = "product-id"
PRODUCT_ID_TYPE = "product-id-type"
OPEN_DATE = "open-date"
PRODUCT_TYPE = "product-type"

#: The columns without which the report is refused.
REQUIRED = (SKU, CHANNEL)

#: Known names of each column the connector reads, by language.
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    SKU: (
        # English [DOC], [4140], [4864]
        "seller-sku",
        # German [PHP]
        "Händler-SKU",
        # French [PHP]
        "sku-vendeur",
        # Italian [PHP]
        "SKU venditore",
        # Spanish [PHP], [REF]
        "SKU del vendedor",
        # Dutch [UNVERIFIED]
        "SKU van verkoper",
        # Polish [REF]
        "sku-sprzedawcy",
        # Swedish [UNVERIFIED]
        "Säljar-SKU",
        # Turkish [UNVERIFIED]
        "Sat\u0131c\u0131 SKU",
        # Japanese [PHP], [GO]
        "出品者SKU",
        # Chinese [PHP], [REF]
        "卖家 SKU",
    ),
    ASIN: (
        # English [DOC]; Japanese "ASIN 1" is the same name once spaces are
        # dropped [PHP]; the letters are Latin in every language.
        "asin1",
    ),
    ASIN_OTHER: (
        # A plain "ASIN" column, read when asin1 is empty [PHP].
        "asin",
    ),
    TITLE: (
        # English [DOC]
        "item-name",
        # German [PHP]
        "Artikelbezeichnung",
        # French [PHP]
        "nom-produit",
        # Italian [PHP]
        "Nome dell'articolo",
        # Spanish [PHP]
        "Título del producto",
        # Dutch [UNVERIFIED]
        "Artikelnaam",
        # Polish [UNVERIFIED]
        "nazwa-produktu",
        # Swedish [UNVERIFIED]
        "Artikelnamn",
        # Turkish [UNVERIFIED]
        "Ürün ad\u0131",
        # Japanese [PHP], [GO]
        "商品名",
        # Chinese [PHP]
        "商品名称",
    ),
    PRICE: (
        # English [DOC]
        "price",
        # German [PHP]
        "Preis",
        # French [UNVERIFIED]
        "prix",
        # Italian [PHP]
        "Prezzo",
        # Spanish [UNVERIFIED]
        "Precio",
        # Dutch [UNVERIFIED]
        "Prijs",
        # Polish [UNVERIFIED]
        "cena",
        # Swedish [UNVERIFIED]
        "Pris",
        # Turkish [UNVERIFIED]
        "Fiyat",
        # Japanese [PHP], [GO]
        "価格",
        # Chinese [UNVERIFIED]
        "价格",
    ),
    QUANTITY: (
        # English [DOC]
        "quantity",
        # German [PHP]
        "Menge",
        # French [UNVERIFIED]
        "quantité",
        # Italian [PHP]
        "Quantità",
        # Spanish [UNVERIFIED]
        "Cantidad",
        # Dutch [UNVERIFIED]
        "Aantal",
        # Polish [UNVERIFIED]
        "ilość",
        # Swedish [UNVERIFIED]
        "Antal",
        # Turkish [UNVERIFIED]
        "Miktar",
        # Japanese and Chinese (one word in both) [PHP], [GO]
        "数量",
    ),
    CHANNEL: (
        # English: American [DOC], British [4140]
        "fulfillment-channel",
        "fulfilment-channel",
        # German [PHP]
        "Versender",
        # French [PHP]
        "canal-traitement",
        # Italian [PHP]
        "Canale di gestione",
        # Spanish [PHP], [REF]
        "Canal de gestión logística",
        # Dutch [UNVERIFIED]
        "Afhandelingskanaal",
        # Polish [REF]
        "kanał-realizacji",
        # Swedish [UNVERIFIED]
        "Distributionskanal",
        # Turkish [UNVERIFIED]
        "Gönderim kanal\u0131",
        # Japanese [PHP], [GO]
        "フルフィルメント・チャンネル",
        # Chinese [PHP], [REF]
        "配送渠道",
    ),
    STATUS: (
        # English [DOC]; German "Status" is the same word [PHP]
        "status",
        # French [PHP]
        "état",
        # Italian [PHP]
        "stato",
        # Spanish [PHP]
        "estado",
        # Dutch [UNVERIFIED]
        "Staat",
        # Polish [UNVERIFIED]
        "stan",
        # Swedish [UNVERIFIED]
        "Tillstånd",
        # Turkish [UNVERIFIED]
        "Durum",
        # Japanese [PHP], [GO]
        "ステータス",
        # Chinese [PHP]
        "状态",
    ),
    PRODUCT_ID: (
        # English [DOC]
        "product-id",
        # German [PHP]
        "Produkt-ID",
        # French [PHP]
        "id-produit",
        # Italian [PHP]
        "Identificativo del prodotto",
        # Spanish [PHP]
        "Identificador del producto",
        # Dutch [UNVERIFIED]
        "Product-ID",
        # Polish [UNVERIFIED]
        "identyfikator-produktu",
        # Swedish [UNVERIFIED]
        "Produkt-id",
        # Turkish [UNVERIFIED]
        "Ürün kimliği",
        # Japanese [PHP], [GO]
        "商品ID",
        # Chinese [PHP]
        "商品编码",
    ),
    PRODUCT_ID_TYPE: (
        # English [DOC]
        "product-id-type",
        # German [PHP]
        "Produkt-ID-Typ",
        # French [PHP]
        "type-id-produit",
        # Italian [PHP]
        "Tipo di identificativo del prodotto",
        # Spanish [PHP]
        "Tipo de identificador de producto",
        # Dutch [UNVERIFIED]
        "Product-ID-type",
        # Polish [UNVERIFIED]
        "typ-identyfikatora-produktu",
        # Swedish [UNVERIFIED]
        "Produkt-id-typ",
        # Turkish [UNVERIFIED]
        "Ürün kimliği türü",
        # Japanese [PHP], [GO]
        "商品IDタイプ",
        # Chinese [PHP]
        "商品编码类型",
    ),
    OPEN_DATE: (
        # English [DOC]
        "open-date",
        # German [PHP]
        "Erstellungsdatum",
        # French [UNVERIFIED]
        "date-ouverture",
        # Italian [PHP]
        "Data di creazione",
        # Spanish [PHP]
        "Fecha de creación",
        # Dutch [UNVERIFIED]
        "Aanmaakdatum",
        # Polish [UNVERIFIED]
        "data-utworzenia",
        # Swedish [UNVERIFIED]
        "Skapandedatum",
        # Turkish [UNVERIFIED]
        "Oluşturma tarihi",
        # Japanese [PHP], [GO]
        "出品日",
        # Chinese [PHP]
        "开售日期",
    ),
    PRODUCT_TYPE: (
        # Not in the documented layout; some custom layouts carry it [UNVERIFIED].
        "product-type",
    ),
}

#: Placeholders Amazon keeps "to preserve the ordinals" (Amazon's answer in #4140):
#: English [4140], Spanish [REF]; never a column the connector reads.
DEPRECATED_NAMES = ("Deprecated column", "Columna en desuso")

#: Amazon's fulfilment network codes by the marketplace's region: a code of another
#: region in a report is read as fulfilled by Amazon and named as a problem.
#: Codes from Amazon's Listings Items API documentation (fulfillment_channel_code).
REGION_CHANNEL_CODES = {"na": "AMAZON_NA", "eu": "AMAZON_EU", "fe": "AMAZON_JP"}


def normalise(name: str) -> str:
    """A header name as compared: compatible Unicode, no case, no separators."""
    text = unicodedata.normalize("NFKC", name or "").casefold()
    return "".join(c for c in text if not c.isspace() and c not in "-_\ufeff")


_BY_NAME: dict[str, str] = {
    normalise(name): column for column, names in COLUMN_NAMES.items() for name in names
}
_DEPRECATED = frozenset(normalise(name) for name in DEPRECATED_NAMES)


class ListingsFileError(ValueError):
    """A listings report the connector refuses as a whole (nothing is applied)."""


@dataclass(frozen=True)
class ListingsHeader(ReportHeader):
    """Where each column the connector reads is (``index[SKU]``), and the header's
    own names (for messages)."""

    def found(self) -> str:
        """The header's names, placeholders left out, for an error message."""
        names = [n for n in self.names if n and normalise(n) not in _DEPRECATED]
        text = ", ".join(names)
        return text if len(text) <= 1000 else text[:1000] + "…"


def read_header(cells: list[str]) -> ListingsHeader:
    """The :class:`ListingsHeader` of a header row. Raises
    :class:`ListingsFileError` when a column the connector reads is there twice
    under names that mean it (``seller-sku`` and ``Händler-SKU``, say): which one
    holds the SKU cannot be told."""
    names = tuple(cell.strip().lstrip("\ufeff").strip() for cell in cells)
    index: dict[str, int] = {}
    for position, name in enumerate(names):
        column = _BY_NAME.get(normalise(name))
        if column is None:
            continue
        if column in index:
            if column in REQUIRED:
                raise ListingsFileError(
                    f"the listings report has the {column} column twice "
                    f"({names[index[column]]!r} and {name!r}): which one holds "
                    "it cannot be told; nothing was imported"
                )
            continue  # the first one counts
        index[column] = position
    return ListingsHeader(index=index, names=names)


def check_required(header: ListingsHeader) -> None:
    """Raise :class:`ListingsFileError` naming the columns found when the SKU or
    the fulfilment channel column is missing."""
    missing = [column for column in REQUIRED if not header.has(column)]
    if missing:
        found = header.found()
        raise ListingsFileError(
            f"the listings report has no {' and no '.join(missing)} column in a "
            "language the connector knows; nothing was imported ("
            + (f"the columns found are: {found}" if found else "the file is empty")
            + ")"
        )


# -- the text of the file

_JAPAN = "A1VC38T7YXB528"
#: Amazon announces Japanese files as Shift_JIS or Windows-31J: cp932 is their
#: superset (NEC and IBM extensions such as circled numbers).
_CP932 = frozenset({"shift_jis", "shiftjis", "sjis", "x-sjis", "cp932", "windows-31j"})


def _declared(charset: str | None) -> str | None:
    name = (charset or "").strip().strip("\"'").lower().replace("_", "-")
    if not name:
        return None
    if name in _CP932 or name.replace("-", "_") in _CP932:
        return "cp932"
    try:
        found = codecs.lookup(name).name
    except LookupError:
        return None
    if found in ("shift_jis", "cp932"):
        return "cp932"
    if found == "latin-1" or found.startswith("iso8859"):
        return "cp1252"  # what "ISO-8859-1" means on the web (WHATWG)
    return found if found in ("utf-8", "cp1252") else None


def decode_listings(
    content: bytes, *, charset: str | None = None, marketplace_id: str | None = None
) -> str:
    """The text of the report: UTF-8 (with or without a byte order mark), cp1252 or
    Shift_JIS/cp932, nothing else.

    The encoding is chosen by the header: the first of the declared charset, UTF-8,
    the marketplace's own (cp932 in Japan, cp1252 elsewhere) and the other one in
    which the header line names the SKU column; else the first in which the whole
    file is valid (then refused for its header). Raises
    :class:`ListingsFileError` when the file is valid in none of them."""
    content = bytes(content)
    if content.startswith(codecs.BOM_UTF8):
        text = strict_text(content[len(codecs.BOM_UTF8) :], "utf-8")
        if text is None:
            raise ListingsFileError(
                "the listings report starts as UTF-8 but is not valid UTF-8; "
                "nothing was imported"
            )
        return text
    legacy = ("cp932", "cp1252") if marketplace_id == _JAPAN else ("cp1252", "cp932")
    candidates = list(
        dict.fromkeys(c for c in (_declared(charset), "utf-8", *legacy) if c)
    )
    text = decode_by_header(
        content, candidates, lambda cells: SKU in read_header_quietly(cells)
    )
    if text is not None:
        return text
    raise ListingsFileError(
        "the listings report is not text in UTF-8, cp1252 or Shift_JIS (cp932); "
        "nothing was imported"
    )


def read_header_quietly(cells: list[str]) -> dict[str, int]:
    """The columns a header row names (duplicates not refused): for guessing."""
    found: dict[str, int] = {}
    for position, cell in enumerate(cells):
        column = _BY_NAME.get(normalise(cell))
        if column is not None:
            found.setdefault(column, position)
    return found


def channel_code(text: str) -> str:
    """A fulfilment channel cell as a code (``DEFAULT``, ``AMAZON_EU``...)."""
    return (text or "").strip().upper().replace("-", "_").replace(" ", "_")
