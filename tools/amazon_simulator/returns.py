"""Customer returns of the simulator's orders, and Amazon's two returns reports of
them.

A return (``SimulatorState.add_return``) is recorded for units Amazon shipped and
that were not returned yet: a merchant-fulfilled order's return gets an Amazon RMA id
and a return label (carrier, tracking id, cost, who pays it), unless Amazon refunds
without the item coming back (returnless: no label); an FBA order's return comes back
to a fulfilment centre, one license plate number per unit, with the disposition
Amazon gave the unit.

The reports, built when createReport asks them, hold the returns whose date (the
return request date of a merchant return, the return date of an FBA unit) lies in
dataStartTime..dataEndTime, in the marketplaces asked:

- ``GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE``: one row per returned item of an RMA,
  the 32 columns of the file a US seller received in August 2025 (``Order ID`` ...
  ``Refunded Amount``), dates ``14-Jul-2025``; Amazon refuses more than 60 days a
  report (:func:`window_error`: the report ends FATAL with an error document);
- ``GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA``: one row per returned unit, the 13
  documented columns, the return date in ISO 8601 with its offset.

Variants (:data:`STYLES`, ``SimulatorState.returns_report_style``; by default Japan's
marketplace gets ``jp``, the others ``en``): ``de``, German column names, decimal
comma and dotted dates in cp1252; ``jp``, Japanese column names, ``2026/12/02``
dates, in cp932. The German and Japanese names are Seller Central's labels as the
connector's column table lists them (unverified against a real file there too).
"""

from __future__ import annotations

import random
import string
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from .fba_ledger import fnsku_of
from .marketplaces import BY_ID
from .money import local_format
from .timeutil import iso, parse_iso

MERCHANT_REPORT_TYPE = "GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE"
FBA_REPORT_TYPE = "GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA"
REPORT_TYPES = frozenset({MERCHANT_REPORT_TYPE, FBA_REPORT_TYPE})
#: Amazon gives 60 days of merchant returns a report at most.
MAX_MERCHANT_DAYS = 60
STYLES = ("en", "de", "jp")
#: FBA's detailed dispositions of a returned unit.
DISPOSITIONS = (
    "SELLABLE",
    "CUSTOMER_DAMAGED",
    "DEFECTIVE",
    "CARRIER_DAMAGED",
    "DISTRIBUTOR_DAMAGED",
    "EXPIRED",
    "WAREHOUSE_DAMAGED",
)
#: Reasons a generated return gives (the FBA report's codes; the merchant report
#: writes them with a ``CR-`` prefix), with their weights.
REASONS = (
    ("DEFECTIVE", 20),
    ("UNWANTED_ITEM", 25),
    ("NOT_AS_DESCRIBED", 10),
    ("ORDERED_WRONG_ITEM", 8),
    ("DAMAGED_BY_CARRIER", 6),
    ("QUALITY_UNACCEPTABLE", 8),
    ("APPAREL_TOO_SMALL", 5),
    ("FOUND_BETTER_PRICE", 5),
    ("SWITCHEROO", 2),
    ("MISSED_ESTIMATED_DELIVERY", 3),
    ("NO_REASON_GIVEN", 8),
)
_CARRIERS = {"US": "USPS", "UK": "Royal Mail", "JP": "ヤマト運輸", "CA": "Canada Post"}
_FULFILLMENT_CENTERS = {"US": "LEX1", "UK": "LTN4", "JP": "NRT5", "DE": "LEJ1"}
#: What the options of ``add_return`` may set.
OPTIONS = frozenset(
    {
        "status",
        "resolution",
        "carrier",
        "tracking",
        "label_cost",
        "label_payer",
        "delivered_at",
        "fulfillment_center",
        "customer_comments",
        "rma",
    }
)

_MERCHANT_COLUMNS = (
    # key, en (US file, 2025), de, jp
    ("order", "Order ID", "Bestellnummer", "注文番号"),
    ("order_date", "Order date", "Bestelldatum", "注文日"),
    (
        "request_date",
        "Return request date",
        "Datum der Rücksendeanforderung",
        "返品リクエスト日",
    ),
    (
        "status",
        "Return request status",
        "Status der Rücksendeanforderung",
        "返品リクエストのステータス",
    ),
    ("rma", "Amazon RMA ID", "Amazon-RMA-Nummer", "Amazon RMA番号"),
    ("merchant_rma", "Merchant RMA ID", "Händler-RMA-ID", "出品者RMA番号"),
    ("label_type", "Label type", "Etikettentyp", "ラベルの種類"),
    ("label_cost", "Label cost", "Etikettenkosten", "ラベル料金"),
    ("currency", "Currency code", "Währungscode", "通貨コード"),
    ("carrier", "Return carrier", "Versandunternehmen der Rücksendung", "返品配送業者"),
    ("tracking", "Tracking ID", "Sendungsnummer", "追跡番号"),
    (
        "label_payer",
        "Label to be paid by",
        "Etikett zu zahlen von",
        "ラベル料金の支払者",
    ),
    ("a_to_z", "A-to-Z Claim", "A-bis-z-Garantieantrag", "Aマーケットプレイス保証申請"),
    ("prime", "Is prime", "Ist Prime", "プライム"),
    ("asin", "ASIN", "ASIN", "ASIN"),
    ("sku", "Merchant SKU", "Händler-SKU", "出品者SKU"),
    ("title", "Item Name", "Artikelname", "商品名"),
    ("quantity", "Return quantity", "Rücksendemenge", "返品数量"),
    ("reason", "Return Reason", "Rücksendegrund", "返品理由"),
    ("in_policy", "In policy", "Richtlinienkonform", "ポリシー内"),
    ("return_type", "Return type", "Rücksendetyp", "返品タイプ"),
    ("resolution", "Resolution", "Lösung", "解決方法"),
    ("invoice", "Invoice number", "Rechnungsnummer", "請求書番号"),
    ("delivered", "Return delivery date", "Zustelldatum der Rücksendung", "返品配達日"),
    ("order_amount", "Order Amount", "Bestellbetrag", "注文金額"),
    ("order_quantity", "Order quantity", "Bestellmenge", "注文数量"),
    ("", "SafeT Action reason", "SafeT Action reason", "SafeT Action reason"),
    ("", "SafeT claim id", "SAFE-T-Antrags-ID", "SafeT claim id"),
    ("", "SafeT claim state", "SafeT claim state", "SafeT claim state"),
    (
        "",
        "SafeT claim creation time",
        "SafeT claim creation time",
        "SafeT claim creation time",
    ),
    (
        "",
        "SafeT claim reimbursement amount",
        "SafeT claim reimbursement amount",
        "SafeT claim reimbursement amount",
    ),
    ("refunded", "Refunded Amount", "Erstatteter Betrag", "返金額"),
)
_FBA_COLUMNS = (
    ("return_date", "return-date", "Rücksendedatum", "返品日"),
    ("order", "order-id", "Bestellnummer", "注文番号"),
    ("sku", "sku", "Händler-SKU", "出品者SKU"),
    ("asin", "asin", "asin", "ASIN"),
    ("fnsku", "fnsku", "fnsku", "FNSKU"),
    ("title", "product-name", "Produktname", "商品名"),
    ("quantity", "quantity", "Menge", "数量"),
    ("fc", "fulfillment-center-id", "Logistikzentrum", "フルフィルメントセンター"),
    ("disposition", "detailed-disposition", "Detaillierter Zustand", "詳細な状態"),
    ("reason", "reason", "Grund", "理由"),
    ("status", "status", "Status", "ステータス"),
    ("lpn", "license-plate-number", "Kennzeichennummer", "ライセンスプレート番号"),
    ("comments", "customer-comments", "Kundenkommentare", "購入者のコメント"),
)
_ENCODINGS = {
    "en": ("utf-8", "UTF-8"),
    "de": ("cp1252", "windows-1252"),
    "jp": ("cp932", "Windows-31J"),
}
_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


# -- recording a return


def _returned(returns: list[dict], order_id: str) -> Counter:
    """Units of each order item already returned."""
    counted: Counter = Counter()
    for entry in returns:
        if entry["order_id"] == order_id:
            for item in entry["items"]:
                counted[item["orderItemId"]] += item["quantity"]
    return counted


def returnable(order: dict, returns: list[dict]) -> dict[str, int]:
    """Units of each order item shipped and not returned yet."""
    returned = _returned(returns, order["orderId"])
    left = {}
    for item in order["orderItems"]:
        shipped = item.get("fulfillment", {}).get("quantityFulfilled", 0)
        units = shipped - returned[item["orderItemId"]]
        if units > 0:
            left[item["orderItemId"]] = units
    return left


def _wanted(order: dict, returns: list[dict], items: dict | None) -> dict[str, int]:
    left = returnable(order, returns)
    if items is None:
        if not left:
            raise ValueError(
                f"Order {order['orderId']} has no shipped unit left to return."
            )
        return left
    if not isinstance(items, dict) or not items:
        raise ValueError("items must map order item ids to units returned.")
    known = {i["orderItemId"] for i in order["orderItems"]}
    for item_id, units in items.items():
        if item_id not in known:
            raise ValueError(f"Order {order['orderId']} has no item {item_id}.")
        if not isinstance(units, int) or isinstance(units, bool) or units < 1:
            raise ValueError(f"Units of item {item_id} must be a whole number >= 1.")
        if units > left.get(item_id, 0):
            raise ValueError(
                f"Item {item_id} of order {order['orderId']}: {units} unit(s) asked "
                f"back, {left.get(item_id, 0)} shipped and not returned yet."
            )
    return dict(items)


def _token(rng: random.Random, size: int, alphabet: str) -> str:
    return "".join(rng.choice(alphabet) for _ in range(size))


def new_return(
    order: dict,
    returns: list[dict],
    *,
    items: dict | None,
    reason_code: str,
    returnless: bool,
    at: datetime,
    disposition: str,
    rng: random.Random,
    **opts,
) -> dict:
    """The record of a return of ``order`` (see ``SimulatorState.add_return``);
    raises ValueError when Amazon would not have it."""
    unknown = sorted(set(opts) - OPTIONS)
    if unknown:
        raise ValueError(f"Unknown return option(s): {', '.join(unknown)}.")
    merchant = order["fulfillment"]["fulfilledBy"] == "MERCHANT"
    if not merchant and returnless:
        raise ValueError(
            "An FBA return comes back to a fulfilment centre: it cannot be returnless."
        )
    if disposition not in DISPOSITIONS:
        raise ValueError(f"disposition must be one of {', '.join(DISPOSITIONS)}.")
    if not reason_code or not isinstance(reason_code, str):
        raise ValueError("reason_code is required.")
    if at < parse_iso(order["createdTime"]):
        raise ValueError("A return cannot be dated before its order.")
    wanted = _wanted(order, returns, items)
    by_id = {i["orderItemId"]: i for i in order["orderItems"]}
    market = BY_ID[order["salesChannel"]["marketplaceId"]]
    entry = {
        "order_id": order["orderId"],
        "marketplace_id": market.marketplace_id,
        "channel": "MERCHANT" if merchant else "AMAZON",
        "order_date": order["createdTime"],
        "date": iso(at),
        "reason_code": reason_code,
        "status": opts.get(
            "status", "Approved" if merchant else "Unit returned to inventory"
        ),
        "prime": "PRIME" in order.get("programs", ()),
        "currency": market.currency,
        "order_amount": order.get("proceeds", {}).get("grandTotal", {}).get("amount"),
        "order_quantity": sum(i["quantityOrdered"] for i in order["orderItems"]),
        "items": [
            {
                "orderItemId": item_id,
                "sku": by_id[item_id]["product"]["sellerSku"],
                "asin": by_id[item_id]["product"].get("asin", ""),
                "title": by_id[item_id]["product"].get("title", ""),
                "quantity": units,
            }
            for item_id, units in wanted.items()
        ],
    }
    if merchant:
        entry.update(_merchant_part(entry, market, returnless, rng, opts))
    else:
        entry.update(_fba_part(entry, market, disposition, rng, opts))
    return entry


def _merchant_part(entry, market, returnless, rng, opts) -> dict:
    delivered = opts.get("delivered_at")
    part = {
        "rma": opts.get("rma") or f"D{_token(rng, 7, string.ascii_letters)}RRMA",
        "returnless": returnless,
        "resolution": opts.get("resolution")
        or ("ReturnlessRefund" if returnless else "StandardRefund"),
        "delivered": iso(delivered) if delivered else None,
    }
    if returnless:
        part.update(
            label_type="", carrier="", tracking="", label_cost=None, label_payer=""
        )
    else:
        part.update(
            label_type="AmazonPrePaidLabel",
            carrier=opts.get("carrier") or _CARRIERS.get(market.code, "DHL"),
            tracking=opts.get("tracking") or _token(rng, 18, string.digits),
            label_cost=str(
                opts.get("label_cost", "4.95" if market.decimals else "660")
            ),
            label_payer=opts.get("label_payer", "Seller"),
        )
    return part


def _fba_part(entry, market, disposition, rng, opts) -> dict:
    units = []
    for item in entry["items"]:
        for _ in range(item["quantity"]):
            units.append(
                {
                    "orderItemId": item["orderItemId"],
                    "lpn": f"LPN{_token(rng, 10, string.ascii_uppercase + string.digits)}",
                }
            )
    return {
        "fulfillment_center": opts.get("fulfillment_center")
        or _FULFILLMENT_CENTERS.get(market.code, "LEJ1"),
        "disposition": disposition,
        "customer_comments": opts.get("customer_comments", ""),
        "units": units,
    }


def pick_returns(
    orders: list[dict], returns: list[dict], share: float, rng: random.Random
) -> list[dict]:
    """Returns to make of ``share`` of the ``orders`` with units left to return:
    ``{order_id, items, reason_code, returnless, disposition}`` each (one item in
    four partly, a merchant return in ten returnless, an FBA unit in four damaged)."""
    if not 0 <= share <= 1:
        raise ValueError("share must be between 0 and 1.")
    candidates = [o for o in orders if returnable(o, returns)]
    chosen = rng.sample(candidates, round(len(candidates) * share))
    reasons, weights = zip(*REASONS, strict=True)
    picks = []
    for order in sorted(chosen, key=lambda o: o["orderId"]):
        left = returnable(order, returns)
        item_id = rng.choice(sorted(left))
        units = left[item_id] if rng.random() < 0.75 else rng.randint(1, left[item_id])
        merchant = order["fulfillment"]["fulfilledBy"] == "MERCHANT"
        picks.append(
            {
                "order_id": order["orderId"],
                "items": {item_id: units},
                "reason_code": rng.choices(reasons, weights)[0],
                "returnless": merchant and rng.random() < 0.1,
                "disposition": "SELLABLE"
                if merchant or rng.random() < 0.75
                else rng.choice(DISPOSITIONS[1:]),
            }
        )
    return picks


# -- the reports


def window_error(report_type: str, start: datetime, end: datetime) -> str | None:
    """Why Amazon refuses the window of a returns report, or None."""
    if report_type == MERCHANT_REPORT_TYPE and end - start > timedelta(
        days=MAX_MERCHANT_DAYS
    ):
        return (
            f"The date range of a {MERCHANT_REPORT_TYPE} report may not exceed "
            f"{MAX_MERCHANT_DAYS} days (dataStartTime {iso(start)}, dataEndTime "
            f"{iso(end)})."
        )
    return None


@dataclass(frozen=True)
class ReturnsReport:
    content: bytes
    content_type: str
    rows: int


def default_style(marketplace_ids: list[str]) -> str:
    return "jp" if any(BY_ID[m].code == "JP" for m in marketplace_ids) else "en"


def _date(value: str | None, style: str) -> str:
    if not value:
        return ""
    moment = parse_iso(value)
    if style == "de":
        return moment.strftime("%d.%m.%Y")
    if style == "jp":
        return moment.strftime("%Y/%m/%d")
    return f"{moment.day:02d}-{_MONTHS[moment.month - 1]}-{moment.year}"


def _amount(value, currency: str, style: str) -> str:
    if value in (None, ""):
        return ""
    return local_format(Decimal(str(value)), currency, decimal_comma=style == "de")


def _merchant_rows(entry: dict, style: str) -> list[dict]:
    common = {
        "order": entry["order_id"],
        "order_date": _date(entry["order_date"], style),
        "request_date": _date(entry["date"], style),
        "status": entry["status"],
        "rma": entry["rma"],
        "label_type": entry["label_type"],
        "label_cost": _amount(entry["label_cost"], entry["currency"], style),
        "currency": entry["currency"],
        "carrier": entry["carrier"],
        "tracking": entry["tracking"],
        "label_payer": entry["label_payer"],
        "a_to_z": "N",
        "prime": "Y" if entry["prime"] else "N",
        "in_policy": "Y",
        "return_type": "C-Returns",
        "resolution": entry["resolution"],
        "delivered": _date(entry["delivered"], style),
        "order_amount": _amount(entry["order_amount"], entry["currency"], style),
        "order_quantity": str(entry["order_quantity"]),
    }
    return [
        {
            **common,
            "asin": item["asin"],
            "sku": item["sku"],
            "title": item["title"],
            "quantity": str(item["quantity"]),
            "reason": f"CR-{entry['reason_code']}",
        }
        for item in entry["items"]
    ]


def _fba_rows(entry: dict) -> list[dict]:
    items = {i["orderItemId"]: i for i in entry["items"]}
    return [
        {
            "return_date": parse_iso(entry["date"]).isoformat(),
            "order": entry["order_id"],
            "sku": items[unit["orderItemId"]]["sku"],
            "asin": items[unit["orderItemId"]]["asin"],
            "fnsku": fnsku_of(items[unit["orderItemId"]]["sku"]),
            "title": items[unit["orderItemId"]]["title"],
            "quantity": "1",
            "fc": entry["fulfillment_center"],
            "disposition": entry["disposition"],
            "reason": entry["reason_code"],
            "status": entry["status"],
            "lpn": unit["lpn"],
            "comments": entry["customer_comments"],
        }
        for unit in entry["units"]
    ]


def _clean(value: str) -> str:
    return " ".join(str(value).replace("\t", " ").split())


def build_returns_report(
    report_type: str,
    returns: list[dict],
    marketplace_ids: list[str],
    start: datetime,
    end: datetime,
    style: str | None = None,
) -> ReturnsReport:
    """The report of ``report_type`` of the ``returns`` dated in start..end in
    ``marketplace_ids``, in ``style`` (default: :func:`default_style`)."""
    style = style or default_style(marketplace_ids)
    if style not in STYLES:
        raise ValueError(f"returns report style must be one of {', '.join(STYLES)}")
    merchant = report_type == MERCHANT_REPORT_TYPE
    channel = "MERCHANT" if merchant else "AMAZON"
    chosen = sorted(
        (
            e
            for e in returns
            if e["channel"] == channel
            and e["marketplace_id"] in marketplace_ids
            and start <= parse_iso(e["date"]) <= end
        ),
        key=lambda e: (e["date"], e["order_id"]),
    )
    rows = [
        row
        for entry in chosen
        for row in (_merchant_rows(entry, style) if merchant else _fba_rows(entry))
    ]
    columns = _MERCHANT_COLUMNS if merchant else _FBA_COLUMNS
    position = STYLES.index(style) + 1
    lines = ["\t".join(c[position] for c in columns)]
    lines += ["\t".join(_clean(row.get(c[0], "")) for c in columns) for row in rows]
    encoding, charset = _ENCODINGS[style]
    content = ("\r\n".join(lines) + "\r\n").encode(encoding)
    return ReturnsReport(content, f"text/plain; charset={charset}", len(rows))
