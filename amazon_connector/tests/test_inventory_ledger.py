"""Amazon's Inventory Ledger detail report read (pure Python, no database): the API's
tab-separated report and Seller Central's quoted CSV download, columns by name in the
languages and encodings sellers get, the ledger day, identical rows numbered so that
each keeps its own key, bad rows named and the others kept; and the ledger's words
(reason codes, dispositions). The fixtures in data/ledger/ say where their shape
comes from (README.md there)."""

import codecs
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from ..amazon import ledger_vocabulary as vocabulary
from ..amazon.inventory_ledger import (
    REPORT_TYPE,
    LedgerEvent,
    ledger_key,
    read_inventory_ledger,
)

DATA = Path(__file__).parent / "data" / "ledger"
HEADER = (
    "Date\tFNSKU\tASIN\tMSKU\tTitle\tEvent Type\tReference ID\tQuantity\t"
    "Fulfillment Center\tDisposition\tReason\tCountry\tReconciled Quantity\t"
    "Unreconciled Quantity\tDate and Time"
)


def fixture(name: str) -> bytes:
    return (DATA / name).read_bytes()


def tsv(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join((header, *rows)) + "\n").encode()


def row(
    day="07/06/2026",
    event_type="Shipments",
    quantity="-1",
    fnsku="X004XONY53",
    sku="FB-COF-250",
    reference="",
    disposition="SELLABLE",
    reason="",
    moment="2026-07-06T00:00:00-0700",
    title="Example Coffee",
) -> str:
    cells = [day, fnsku, "B0G51NDRX4", sku, title, event_type, reference, quantity]
    cells += ["ACY1", disposition, reason, "US", "", "", moment]
    return "\t".join(cells)


# -- Seller Central's download (comma-separated, quoted, UTF-8 with BOM) --------


def test_download_rows_read_with_every_column():
    reading = read_inventory_ledger(fixture("ledger_us_download_2026.csv"))
    assert len(reading.events) == 13
    first = reading.events[0]
    assert first == LedgerEvent(
        day=date(2026, 7, 6),
        fnsku="X004XONY53",
        asin="B0G51NDRX4",
        sku="FB-COF-250",
        title="Example Coffee, Medium Roast 250g",  # the comma inside quotes
        event_type="Shipments",
        reference_id=None,
        quantity=-1,
        fulfillment_center="ACY1",
        disposition="SELLABLE",
        reason=None,
        country="US",
        reconciled_quantity=None,
        unreconciled_quantity=None,
        moment=datetime(2026, 7, 6, 7, 0, tzinfo=timezone.utc),
        occurrence=1,
        line=2,
        store=None,
    )
    by_type = {}
    for event in reading.events:
        by_type.setdefault(event.event_type, []).append(event)
    receipt = by_type["Receipts"][0]
    assert (receipt.reference_id, receipt.quantity) == ("FBA15K7Q2ZB1", 24)
    assert by_type["CustomerReturns"][0].disposition == "CUSTOMER_DAMAGED"
    assert [e.quantity for e in by_type["WhseTransfers"]] == [-3, 3]  # "+3"
    lost = next(e for e in by_type["Adjustments"] if e.reason == "M")
    assert (lost.reconciled_quantity, lost.unreconciled_quantity) == (0, 1)
    assert [e.reason for e in by_type["Adjustments"]] == ["M", "E", "P", "G"]


def test_identical_rows_are_numbered_in_file_order_and_keep_their_keys():
    reading = read_inventory_ledger(fixture("ledger_us_download_2026.csv"))
    shipments = [e for e in reading.events if e.fnsku == "X004XONY53"][:3]
    assert [(e.event_type, e.occurrence, e.line) for e in shipments] == [
        ("Shipments", 1, 2),
        ("Shipments", 2, 3),
        ("Shipments", 3, 4),
    ]
    keys = [ledger_key(e) for e in reading.events]
    assert len(set(keys)) == len(keys)  # three identical rows, three keys
    assert keys[0] == "2026-07-06|X004XONY53|Shipments||ACY1|SELLABLE||-1|1"
    again = read_inventory_ledger(fixture("ledger_us_download_2026.csv"))
    assert [ledger_key(e) for e in again.events] == keys  # read twice: same keys


def test_a_day_in_two_overlapping_reports_has_the_same_keys():
    day_before = row(day="07/05/2026", moment="2026-07-05T00:00:00-0700")
    day = [row(), row(), row(event_type="Receipts", quantity="5", reference="FBA1")]
    wide = read_inventory_ledger(tsv(day_before, row(), day_before, *day[1:]))
    narrow = read_inventory_ledger(tsv(*day))
    wide_keys = {ledger_key(e) for e in wide.events}
    narrow_keys = [ledger_key(e) for e in narrow.events]
    assert len(narrow_keys) == 3
    assert set(narrow_keys) <= wide_keys


def test_the_key_ignores_the_title():
    """A listing renamed between two downloads is the same movement."""
    before = read_inventory_ledger(tsv(row(title="Coffee")))
    after = read_inventory_ledger(tsv(row(title="Coffee, light roast")))
    assert ledger_key(before.events[0]) == ledger_key(after.events[0])


def test_bad_rows_are_named_with_their_line_and_the_others_read():
    reading = read_inventory_ledger(fixture("ledger_us_download_2026.csv"))
    assert reading.problems == (
        (14, "quantity 'abc' is not a whole number, the row is left out"),
        (15, "no FNSKU and no MSKU, the row is left out"),
        (16, "no date, the row is left out"),
        (17, "unknown event type 'Teleportation', the row is left out"),
    )
    assert 14 not in {e.line for e in reading.events}
    assert reading.events[-1].line == 18  # the row after the bad ones is read


def test_date_and_time_gives_the_day_only_when_date_is_empty():
    reading = read_inventory_ledger(fixture("ledger_us_download_2026.csv"))
    late = reading.events[-1]
    # 22:30 in Amazon's local time on the 7th is the 8th in UTC: the day is the 7th
    assert late.day == date(2026, 7, 7)
    assert late.moment == datetime(2026, 7, 8, 5, 30, tzinfo=timezone.utc)
    both = read_inventory_ledger(tsv(row(moment="2026-07-07T01:00:00+0000")))
    assert both.events[0].day == date(2026, 7, 6)  # the Date column wins


# -- the API's tab-separated report and other layouts ---------------------------


def test_tab_separated_download_without_store_column():
    reading = read_inventory_ledger(fixture("ledger_es_tab_2026.txt"))
    assert not reading.problems
    assert [(e.event_type, e.quantity, e.occurrence) for e in reading.events] == [
        ("Shipments", -1, 1),
        ("Shipments", -1, 2),
        ("CustomerReturns", 1, 1),
        ("Adjustments", 1, 1),
        ("Adjustments", -2, 1),
    ]
    found = reading.events[3]
    assert found.title == 'Molinillo 12" de acero'  # a bare quote is a character
    assert (found.reason, found.reconciled_quantity) == ("F", 1)
    assert found.moment == datetime(2026, 7, 19, 23, 0, tzinfo=timezone.utc)
    assert reading.events[4].day == date(2026, 7, 21)
    assert all(e.store is None for e in reading.events)


def test_tab_separated_report_with_quoted_cells():
    lines = (HEADER, row(title="Mug, 12 oz"), row())
    cells = [line.split("\t") for line in lines]
    cells[1][4] = 'Mug\t12 "oz"'  # a tab and quotes inside a quoted cell
    quoted = "\n".join(
        "\t".join('"{}"'.format(cell.replace('"', '""')) for cell in line)
        for line in cells
    )
    reading = read_inventory_ledger(quoted.encode())
    assert not reading.problems
    assert [e.occurrence for e in reading.events] == [1, 2]
    assert reading.events[0].title == 'Mug\t12 "oz"'


def test_event_types_and_dispositions_as_written_by_hand():
    reading = read_inventory_ledger(
        tsv(
            row(event_type="Customer Returns", disposition="Customer Damaged"),
            row(event_type="WHSE_TRANSFERS", disposition="warehouse-damaged"),
        )
    )
    assert [(e.event_type, e.disposition) for e in reading.events] == [
        ("CustomerReturns", "CUSTOMER_DAMAGED"),
        ("WhseTransfers", "WAREHOUSE_DAMAGED"),
    ]


def test_german_header_in_cp1252_with_dotted_dates():
    reading = read_inventory_ledger(fixture("ledger_de_cp1252.csv"), day_first=True)
    assert [(e.day, e.event_type, e.quantity) for e in reading.events] == [
        (date(2026, 8, 3), "Shipments", -1),
        (date(2026, 8, 3), "CustomerReturns", 1),
        (date(2026, 8, 4), "Adjustments", -1),
    ]
    first = reading.events[0]
    assert first.sku == "KAFFEE-MÜHLE"
    assert first.title == "Kaffeemühle „Größe M“ \u2013 12 €"
    assert reading.events[1].disposition == "DEFECTIVE"
    assert reading.events[2].unreconciled_quantity == 1
    assert reading.problems == (
        (5, "quantity 'zwei' is not a whole number, the row is left out"),
    )


def test_german_names_mixed_with_english_ones():
    """MSKU and Disposition kept in English, the centre as Versandzentrum: another
    reading of Seller Central's German labels (unverified, as ours)."""
    header = (
        '"Datum","FNSKU","ASIN","MSKU","Titel","Ereignistyp","Referenz-ID","Menge",'
        '"Versandzentrum","Disposition","Grund","Land"'
    )
    line = '"04.08.2026","X1","B1","SKU-ß","Tasse","Adjustments","7","-1","LEJ1",'
    content = f'{header}\r\n{line}"SELLABLE","M","DE"\r\n'.encode("cp1252")
    reading = read_inventory_ledger(content, "windows-1252", day_first=True)
    event = reading.events[0]
    assert (event.day, event.sku, event.fulfillment_center, event.reason) == (
        date(2026, 8, 4),
        "SKU-ß",
        "LEJ1",
        "M",
    )


def test_french_header_reads_its_dates_day_first_when_told():
    content = fixture("ledger_fr_download.csv")
    reading = read_inventory_ledger(content, day_first=True)
    assert [(e.day, e.event_type, e.reason) for e in reading.events] == [
        (date(2026, 8, 5), "Receipts", None),
        (date(2026, 8, 5), "Adjustments", "Q"),
    ]
    assert reading.events[0].sku == "CAFE-MOULU"
    month_first = read_inventory_ledger(content)
    assert month_first.events[0].day == date(2026, 5, 8)


@pytest.mark.parametrize("charset", [None, "Shift_JIS", "windows-31j"])
def test_japanese_header_in_cp932(charset):
    reading = read_inventory_ledger(fixture("ledger_ja_cp932.tsv"), charset)
    assert not reading.problems
    first = reading.events[0]
    assert (first.day, first.sku, first.title) == (
        date(2026, 8, 6),
        "COFFEE-JP-①",
        "コーヒー豆\uff5e深煎り①",  # a wave dash only cp932 has
    )
    assert reading.events[1].event_type == "WhseTransfers"


def test_utf8_with_and_without_byte_order_mark_read_alike():
    content = fixture("ledger_us_download_2026.csv")
    assert content.startswith(codecs.BOM_UTF8)
    without = read_inventory_ledger(content[len(codecs.BOM_UTF8) :])
    assert without == read_inventory_ledger(content)


@pytest.mark.parametrize(
    "text,day_first,day",
    [
        ("07/06/2026", False, date(2026, 7, 6)),
        ("07/06/2026", True, date(2026, 6, 7)),
        ("7/6/2026", False, date(2026, 7, 6)),
        ("06.07.2026", False, date(2026, 7, 6)),
        ("06.07.2026", True, date(2026, 7, 6)),
        ("2026/07/06", True, date(2026, 7, 6)),
        ("2026-07-06", False, date(2026, 7, 6)),
        ("2026-07-06T23:30:00-0700", False, date(2026, 7, 6)),
    ],
)
def test_date_forms(text, day_first, day):
    reading = read_inventory_ledger(tsv(row(day=text)), day_first=day_first)
    assert not reading.problems
    assert reading.events[0].day == day


@pytest.mark.parametrize("text", ["13/31/2026", "July 6", "2026-02-30"])
def test_a_date_that_is_not_one_is_named(text):
    reading = read_inventory_ledger(tsv(row(day=text), row()))
    assert len(reading.events) == 1
    (line, message), *_ = reading.problems
    assert line == 2
    assert text in message and "left out" in message


@pytest.mark.parametrize(
    "text,quantity", [("-1", -1), ("+2", 2), ("3", 3), ("1.0", 1), ("0", 0)]
)
def test_quantity_is_a_signed_whole_number(text, quantity):
    reading = read_inventory_ledger(tsv(row(quantity=text)))
    assert reading.events[0].quantity == quantity


@pytest.mark.parametrize("text", ["abc", "1.5", "", "1e400", "NaN"])
def test_a_quantity_that_is_not_a_whole_number_is_named(text):
    reading = read_inventory_ledger(tsv(row(quantity=text), row()))
    assert [e.line for e in reading.events] == [3]
    assert reading.problems == (
        (2, f"quantity {text!r} is not a whole number, the row is left out"),
    )


def test_a_row_with_a_sku_but_no_fnsku_is_read_and_keyed_by_its_sku():
    reading = read_inventory_ledger(tsv(row(fnsku=""), row(fnsku="", sku="OTHER")))
    assert [e.fnsku for e in reading.events] == ["", ""]
    keys = {ledger_key(e) for e in reading.events}
    assert len(keys) == 2


def test_a_bad_reconciled_quantity_is_left_empty_and_said():
    cells = row(reason="M", event_type="Adjustments").split("\t")
    cells[12], cells[13] = "n/a", "2"
    reading = read_inventory_ledger(tsv("\t".join(cells)))
    event = reading.events[0]
    assert (event.reconciled_quantity, event.unreconciled_quantity) == (None, 2)
    assert reading.problems == (
        (2, "reconciled-quantity: quantity 'n/a' is not a whole number, left empty"),
    )


def test_blank_lines_are_skipped_and_lines_still_counted():
    reading = read_inventory_ledger(tsv("", row(), "\t\t", row(quantity="x")))
    assert [e.line for e in reading.events] == [3]
    assert reading.problems[0][0] == 5


# -- files that are no ledger at all --------------------------------------------


def test_a_file_without_a_known_header_is_refused_naming_its_columns():
    with pytest.raises(ValueError) as caught:
        read_inventory_ledger(b"order-id\tsku\tquantity\n1\tA\t1\n")
    message = str(caught.value)
    assert "not an Inventory Ledger detail report" in message
    assert "no Date and no Event Type and no FNSKU or MSKU column" in message
    assert "order-id, sku, quantity" in message


@pytest.mark.parametrize("content", [b"", b"\n\n", codecs.BOM_UTF8])
def test_an_empty_file_is_refused(content):
    with pytest.raises(ValueError, match="empty"):
        read_inventory_ledger(content)


def test_a_binary_file_is_refused():
    with pytest.raises(ValueError, match="not text"):
        read_inventory_ledger(b"PK\x03\x04\x00\x00\x81\x8d\x00")


def test_report_type():
    assert REPORT_TYPE == "GET_LEDGER_DETAIL_VIEW_DATA"


# -- the ledger's words -----------------------------------------------------------


@pytest.mark.parametrize(
    "code,kind",
    [
        ("M", vocabulary.LOST),
        ("5", vocabulary.LOST),
        ("F", vocabulary.FOUND),
        ("E", vocabulary.DAMAGED),
        ("H", vocabulary.DAMAGED),
        ("K", vocabulary.DAMAGED),
        ("U", vocabulary.DAMAGED),
        ("6", vocabulary.DAMAGED),
        ("7", vocabulary.DAMAGED),
        ("D", vocabulary.DISPOSED),
        ("P", vocabulary.DISPOSITION),
        ("Q", vocabulary.DISPOSITION),
        ("3", vocabulary.DISPOSITION),
        ("4", vocabulary.DISPOSITION),
        ("O", vocabulary.CORRECTION),
        ("N", vocabulary.CORRECTION),
        ("1", vocabulary.CORRECTION),
        ("X", vocabulary.CORRECTION),
        (" m ", vocabulary.LOST),
    ],
)
def test_reason_code_kinds(code, kind):
    assert vocabulary.adjustment_kind(code) == kind


def test_reason_labels_are_amazons_words():
    assert vocabulary.reason_label("M") == "Inventory misplaced"
    assert vocabulary.reason_label("F") == "Inventory found"
    assert vocabulary.reason_label("E") == "Damaged at Amazon fulfillment center"
    assert vocabulary.reason_label("5") == "Unrecoverable inventory"


@pytest.mark.parametrize("code", ["G", "Z", "", None])
def test_an_undocumented_reason_code_has_no_kind_and_reads_as_itself(code):
    assert vocabulary.adjustment_kind(code) is None
    assert vocabulary.reason_label(code) == (code or "")


def test_every_reason_code_has_a_known_kind_and_words():
    for code, (kind, label) in vocabulary.REASON_CODES.items():
        assert kind in vocabulary.ADJUSTMENT_KINDS, code
        assert label and label != code, code


def test_dispositions():
    assert vocabulary.is_sellable_disposition("SELLABLE")
    assert vocabulary.is_sellable_disposition(None)  # no disposition: sellable
    for disposition in vocabulary.UNSELLABLE_DISPOSITIONS:
        assert not vocabulary.is_sellable_disposition(disposition), disposition
