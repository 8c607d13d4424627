"""The columns of Amazon's two returns reports by what they mean, whatever the
language of the header, and the text of the file.

A column is found by any of its known names, compared as
:func:`.listings_columns.normalise` does (no case, spaces, hyphens or underscores,
compatible Unicode): ``Amazon RMA ID``, ``amazon-rma-id`` and the XML variant's
``amazon_rma_id`` are one name. Amazon writes the header in the account's report
language and adds columns over the years (the SafeT columns, ``Order Item ID``), so
cells are always read by name, never by position.

Sources of the names (each group below repeats its own):

* [DOC] SP-API.md's "Returns" bullet (Amazon's report type documentation and
  Seller Central's help on the returns reports).
* [US25] the header of a returns report a US seller downloaded through the SP-API in
  August 2025 and published with its request log on GitHub (``Order ID`` ...
  ``SafeT claim reimbursement amount``, ``Refunded Amount``); [BR26] a Brazilian
  seller's test fixture of the same report (``Order Item ID`` appended).
* [ES20] a ``GET_XML_RETURNS_DATA_BY_RETURN_DATE`` document of an Amazon.es seller
  quoted in an open-source ERP connector (``return_details``/``item_details``
  elements, ``return_reason_code``, ``refund_amount``).
* [FBA] the header of ``GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA`` as an
  open-source PHP client checks it (``EXPECTED_HEADER`` of its FBA returns
  report class) and as a seller's analysis tool shows a 2025 file.
* [DE-TOOL] the German names an open-source German seller tool accepts for the
  merchant returns report (TypeScript), names only, not a file.
* [UNVERIFIED] the localised Seller Central label, not seen in a published file:
  kept so that a report in that language is read, marked so that a real file can
  confirm or correct it.

Plain Python: no Odoo here.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .listings_columns import normalise
from .report_header import ReportHeader, decode_by_header
from .report_text import _codec

# -- the merchant returns report (GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE)
ORDER_ID = "order-id"
ORDER_DATE = "order-date"
REQUEST_DATE = "return-request-date"
REQUEST_STATUS = "return-request-status"
RMA_ID = "amazon-rma-id"
MERCHANT_RMA_ID = "merchant-rma-id"
LABEL_TYPE = "label-type"
LABEL_COST = "label-cost"
CURRENCY = "currency-code"
CARRIER = "return-carrier"
TRACKING_ID = "tracking-id"
LABEL_PAYER = "label-to-be-paid-by"
A_TO_Z_CLAIM = "a-to-z-claim"
IS_PRIME = "is-prime"
ASIN = "asin"
MERCHANT_SKU = "merchant-sku"
ITEM_NAME = "item-name"
RETURN_QUANTITY = "return-quantity"
RETURN_REASON = "return-reason"
IN_POLICY = "in-policy"
RETURN_TYPE = "return-type"
RESOLUTION = "resolution"
INVOICE_NUMBER = "invoice-number"
DELIVERY_DATE = "return-delivery-date"
ORDER_AMOUNT = "order-amount"
ORDER_QUANTITY = "order-quantity"
SAFET_CLAIM_ID = "safet-claim-id"
REFUNDED_AMOUNT = "refunded-amount"
ORDER_ITEM_ID = "order-item-id"

#: Known names of each column of the merchant returns report, by language.
MERCHANT_COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    # English [DOC], [US25]; German [DE-TOOL]; French, Japanese [UNVERIFIED]
    ORDER_ID: ("Order ID", "Bestellnummer", "Numéro de commande", "注文番号"),
    ORDER_DATE: ("Order date", "Bestelldatum", "Date de commande", "注文日"),
    REQUEST_DATE: (
        "Return request date",
        "Datum der Rücksendeanforderung",
        "Rücksendeanforderungsdatum",
        "Date de la demande de retour",
        "返品リクエスト日",
    ),
    REQUEST_STATUS: (
        "Return request status",
        "Status der Rücksendeanforderung",
        "Statut de la demande de retour",
        "返品リクエストのステータス",
    ),
    RMA_ID: (
        "Amazon RMA ID",
        "Amazon-RMA-Nummer",  # [DE-TOOL]
        "ID RMA Amazon",
        "Amazon RMA番号",
    ),
    MERCHANT_RMA_ID: (
        "Merchant RMA ID",
        "Händler-RMA-ID",
        "ID RMA du vendeur",
        "出品者RMA番号",
    ),
    LABEL_TYPE: ("Label type", "Etikettentyp", "Type d'étiquette", "ラベルの種類"),
    LABEL_COST: (
        "Label cost",
        "Etikettenkosten",
        "Coût de l'étiquette",
        "ラベル料金",
    ),
    CURRENCY: ("Currency code", "Währungscode", "Code de devise", "通貨コード"),
    CARRIER: (
        "Return carrier",
        "Versandunternehmen der Rücksendung",
        "Transporteur du retour",
        "返品配送業者",
    ),
    TRACKING_ID: (
        "Tracking ID",
        "Sendungsnummer",  # [DE-TOOL]
        "Trackingnummer",  # [DE-TOOL]
        "Numéro de suivi",
        "追跡番号",
    ),
    LABEL_PAYER: (
        "Label to be paid by",
        "Etikett zu zahlen von",
        "Étiquette payée par",
        "ラベル料金の支払者",
    ),
    A_TO_Z_CLAIM: (
        "A-to-Z Claim",
        "A-bis-z-Garantieantrag",
        "Réclamation A à Z",
        "Aマーケットプレイス保証申請",
    ),
    IS_PRIME: ("Is prime", "Ist Prime", "Prime", "プライム"),
    ASIN: ("ASIN",),  # Latin letters in every language
    MERCHANT_SKU: (
        "Merchant SKU",
        "Händler-SKU",  # [DE-TOOL]
        "SKU du vendeur",
        "出品者SKU",
    ),
    ITEM_NAME: (
        "Item Name",
        "Artikelname",  # [DE-TOOL]
        "Nom de l'article",
        "商品名",
    ),
    RETURN_QUANTITY: (
        "Return quantity",
        "Rücksendemenge",  # [DE-TOOL]
        "Quantité retournée",
        "返品数量",
    ),
    RETURN_REASON: (
        "Return Reason",
        "return_reason_code",  # the XML variant's element [ES20]
        "Rücksendegrund",  # [DE-TOOL]
        "Motif du retour",
        "返品理由",
    ),
    IN_POLICY: (
        "In policy",
        "Richtlinienkonform",
        "Conforme à la politique",
        "ポリシー内",
    ),
    RETURN_TYPE: ("Return type", "Rücksendetyp", "Type de retour", "返品タイプ"),
    RESOLUTION: ("Resolution", "Lösung", "Résolution", "解決方法"),  # Lösung [DE-TOOL]
    INVOICE_NUMBER: (
        "Invoice number",
        "Rechnungsnummer",
        "Numéro de facture",
        "請求書番号",
    ),
    DELIVERY_DATE: (
        "Return delivery date",
        "Zustelldatum der Rücksendung",  # [DE-TOOL]
        "Date de livraison du retour",
        "返品配達日",
    ),
    ORDER_AMOUNT: (
        "Order Amount",
        "Bestellbetrag",  # [DE-TOOL]
        "Montant de la commande",
        "注文金額",
    ),
    ORDER_QUANTITY: (
        "Order quantity",
        "Bestellmenge",
        "Quantité commandée",
        "注文数量",
    ),
    SAFET_CLAIM_ID: ("SafeT claim id", "SAFE-T-Antrags-ID"),  # [US25], [DE-TOOL]
    REFUNDED_AMOUNT: (
        "Refunded Amount",
        "refund_amount",  # the XML variant's element [ES20]
        "Erstatteter Betrag",  # [DE-TOOL]
        "Montant remboursé",
        "返金額",
    ),
    ORDER_ITEM_ID: ("Order Item ID", "Bestellpositions-ID", "注文商品番号"),  # [BR26]
}

# -- the FBA customer returns report (GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA)
RETURN_DATE = "return-date"
SKU = "sku"
FNSKU = "fnsku"
PRODUCT_NAME = "product-name"
QUANTITY = "quantity"
FULFILLMENT_CENTER = "fulfillment-center-id"
DISPOSITION = "detailed-disposition"
REASON = "reason"
STATUS = "status"
LICENSE_PLATE = "license-plate-number"
COMMENTS = "customer-comments"

#: Known names of each column of the FBA customer returns report: English [DOC],
#: [FBA]; German, French and Japanese [UNVERIFIED].
FBA_COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    RETURN_DATE: ("return-date", "Rücksendedatum", "date-retour", "返品日"),
    ORDER_ID: ("order-id", "Bestellnummer", "numéro-commande", "注文番号"),
    SKU: ("sku", "Händler-SKU", "SKU vendeur", "出品者SKU"),
    ASIN: ("asin",),
    FNSKU: ("fnsku",),
    PRODUCT_NAME: ("product-name", "Produktname", "nom-produit", "商品名"),
    QUANTITY: ("quantity", "Menge", "quantité", "数量"),
    FULFILLMENT_CENTER: (
        "fulfillment-center-id",
        "Logistikzentrum",
        "centre-de-distribution",
        "フルフィルメントセンター",
    ),
    DISPOSITION: (
        "detailed-disposition",
        "Detaillierter Zustand",
        "état-détaillé",
        "詳細な状態",
    ),
    REASON: ("reason", "Grund", "motif", "理由"),
    STATUS: ("status", "statut", "ステータス"),  # German "Status" is the same word
    LICENSE_PLATE: (
        "license-plate-number",
        "Kennzeichennummer",
        "numéro-de-plaque",
        "ライセンスプレート番号",
    ),
    COMMENTS: (
        "customer-comments",
        "Kundenkommentare",
        "commentaires-client",
        "購入者のコメント",
    ),
}


def _by_name(names: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {
        normalise(name): column for column, known in names.items() for name in known
    }


_MERCHANT = _by_name(MERCHANT_COLUMN_NAMES)
_FBA = _by_name(FBA_COLUMN_NAMES)


@dataclass(frozen=True)
class ReturnsHeader(ReportHeader):
    """Where each known column is (``index[ORDER_ID]``), and the header's names."""

    def found(self) -> str:
        """The header's names, for an error message."""
        text = ", ".join(name for name in self.names if name)
        return text if len(text) <= 600 else text[:600] + "…"


def _read_header(cells: list[str], by_name: dict[str, str]) -> ReturnsHeader:
    names = tuple(cell.strip().lstrip("\ufeff").strip() for cell in cells)
    index: dict[str, int] = {}
    for position, name in enumerate(names):
        column = by_name.get(normalise(name))
        if column is not None:
            index.setdefault(column, position)  # the first one counts
    return ReturnsHeader(index=index, names=names)


def merchant_header(cells: list[str]) -> ReturnsHeader:
    """The :class:`ReturnsHeader` of a merchant returns report's header row."""
    return _read_header(cells, _MERCHANT)


def fba_header(cells: list[str]) -> ReturnsHeader:
    """The :class:`ReturnsHeader` of an FBA customer returns report's header row."""
    return _read_header(cells, _FBA)


def merchant_column(name: str) -> str | None:
    """The merchant report's column a name (a header cell, an XML element) means."""
    return _MERCHANT.get(normalise(name))


def decode_returns(content: bytes, charset: str | None, header_of, wanted: str) -> str:
    """The text of a returns report: after a UTF-8 byte order mark, UTF-8; else the
    first of the declared charset, UTF-8, cp932 (Japan) and cp1252 in which the
    header line names the ``wanted`` column (``header_of`` reads a header row);
    else the first in which the whole file is valid; else cp1252 with U+FFFD for
    the bytes it lacks (the bad rows then say so; nothing is silently dropped)."""
    content = bytes(content)
    if content.startswith(codecs.BOM_UTF8):
        return content[len(codecs.BOM_UTF8) :].decode("utf-8", "replace")
    candidates = list(dict.fromkeys(c for c in (_codec(charset), "utf-8") if c))
    candidates += [c for c in ("cp932", "cp1252") if c not in candidates]
    text = decode_by_header(
        content, candidates, lambda cells: header_of(cells).has(wanted)
    )
    return content.decode("cp1252", "replace") if text is None else text


def whole_quantity(text: str) -> int:
    """A quantity of units: a whole number of at least 1. Raises ValueError."""
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        raise ValueError(text) from None
    if not number.is_finite() or number < 1 or number != number.to_integral_value():
        raise ValueError(text)
    return int(number)
