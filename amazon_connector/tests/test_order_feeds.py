"""The XML order feeds and their processing report (pure Python, no database).

The feeds are read back by the simulator's own parsers and processed by its state
(no HTTP), whose reports go through ``parse_processing_report``.
"""

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from amazon_simulator import SimulatorState
from amazon_simulator import feeds as simulator_feeds
from lxml import etree

from ..amazon import carrier_codes
from ..amazon.feed_schema import SCHEMA_FILE, assert_valid, validate
from ..amazon.order_feeds import (
    ACKNOWLEDGEMENT_FEED_TYPE,
    CANCEL_REASONS,
    FULFILLMENT_FEED_TYPE,
    XML_CONTENT_TYPE,
    AcknowledgementMessage,
    CancelledItem,
    FulfillmentMessage,
    acknowledgement_feed,
    fulfillment_feed,
)
from ..amazon.processing_report import (
    MessageResult,
    UnclearReport,
    parse_processing_report,
    report_excerpt,
)
from ..amazon.shipment import Carrier, ShipmentError, ShippedItem

SELLER = "A1SIMSELLER0001"
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)
SHIPPED_AT = datetime(2026, 11, 2, 10, 0, tzinfo=timezone.utc)
PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


def shipment(message_id=1, **changes):
    values = {
        "message_id": message_id,
        "amazon_order_id": "302-0000001-0000001",
        "merchant_fulfillment_id": None,
        "fulfillment_date": SHIPPED_AT,
        "carrier": Carrier.of("DHL", None, "Paket"),
        "tracking_number": "00340434161094042557",
        "items": (ShippedItem("10000000000111", 2),),
    }
    values.update(changes)
    return FulfillmentMessage(**values)


def cancellation(message_id=1, **changes):
    values = {
        "message_id": message_id,
        "amazon_order_id": "302-0000001-0000001",
        "merchant_order_id": None,
        "cancel_reason": "NoInventory",
        "items": (CancelledItem("10000000000111"),),
    }
    values.update(changes)
    return AcknowledgementMessage(**values)


def tags(element):
    return [child.tag for child in element]


# -- POST_ORDER_FULFILLMENT_DATA ------------------------------------------------


def test_constants():
    assert FULFILLMENT_FEED_TYPE == simulator_feeds.FULFILLMENT_FEED
    assert ACKNOWLEDGEMENT_FEED_TYPE == simulator_feeds.ACKNOWLEDGEMENT_FEED
    assert XML_CONTENT_TYPE == "text/xml; charset=UTF-8"


def test_fulfillment_feed_document():
    content = fulfillment_feed(
        SELLER,
        [
            shipment(1, merchant_fulfillment_id="7"),
            shipment(
                2,
                amazon_order_id="302-0000002-0000002",
                fulfillment_date=datetime(2026, 11, 2, 12, 30),  # naive: UTC
                carrier=Carrier.of(None, "Spedizioni Rossi", None),
                tracking_number=None,
                items=(
                    ShippedItem("10000000000333", 1),
                    ShippedItem("10000000000444", 3),
                ),
            ),
        ],
    )
    assert content == (
        b"<?xml version='1.0' encoding='UTF-8'?>\n"
        b'<AmazonEnvelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        b'xsi:noNamespaceSchemaLocation="amzn-envelope.xsd">'
        b"<Header><DocumentVersion>1.01</DocumentVersion>"
        b"<MerchantIdentifier>A1SIMSELLER0001</MerchantIdentifier></Header>"
        b"<MessageType>OrderFulfillment</MessageType>"
        b"<Message><MessageID>1</MessageID><OrderFulfillment>"
        b"<AmazonOrderID>302-0000001-0000001</AmazonOrderID>"
        b"<MerchantFulfillmentID>7</MerchantFulfillmentID>"
        b"<FulfillmentDate>2026-11-02T10:00:00+00:00</FulfillmentDate>"
        b"<FulfillmentData><CarrierCode>DHL</CarrierCode>"
        b"<ShippingMethod>Paket</ShippingMethod>"
        b"<ShipperTrackingNumber>00340434161094042557</ShipperTrackingNumber>"
        b"</FulfillmentData>"
        b"<Item><AmazonOrderItemCode>10000000000111</AmazonOrderItemCode>"
        b"<Quantity>2</Quantity></Item>"
        b"</OrderFulfillment></Message>"
        b"<Message><MessageID>2</MessageID><OrderFulfillment>"
        b"<AmazonOrderID>302-0000002-0000002</AmazonOrderID>"
        b"<FulfillmentDate>2026-11-02T12:30:00+00:00</FulfillmentDate>"
        b"<FulfillmentData><CarrierName>Spedizioni Rossi</CarrierName>"
        b"<ShippingMethod>Spedizioni Rossi</ShippingMethod></FulfillmentData>"
        b"<Item><AmazonOrderItemCode>10000000000333</AmazonOrderItemCode>"
        b"<Quantity>1</Quantity></Item>"
        b"<Item><AmazonOrderItemCode>10000000000444</AmazonOrderItemCode>"
        b"<Quantity>3</Quantity></Item>"
        b"</OrderFulfillment></Message></AmazonEnvelope>"
    )


def test_fulfillment_feed_follows_the_xsd_order():
    content = fulfillment_feed(
        SELLER,
        [
            shipment(
                merchant_fulfillment_id="12",
                items=(ShippedItem("10000000000001", 1),) * 2,
            )
        ],
    )
    root = etree.fromstring(content, PARSER)
    assert tags(root) == ["Header", "MessageType", "Message"]
    fulfillment = root.find("Message/OrderFulfillment")
    assert tags(fulfillment) == [
        "AmazonOrderID",
        "MerchantFulfillmentID",
        "FulfillmentDate",
        "FulfillmentData",
        "Item",  # the two lines of item 1 are one
    ]
    assert fulfillment.findtext("Item/Quantity") == "2"
    assert tags(fulfillment.find("FulfillmentData")) == [
        "CarrierCode",
        "ShippingMethod",
        "ShipperTrackingNumber",
    ]


def test_fulfillment_feed_round_trips_through_the_simulator_parser():
    messages = [
        shipment(1, merchant_fulfillment_id="1"),
        shipment(
            2,
            amazon_order_id="302-0000002-0000002",
            carrier=Carrier.of("Hermes Paket", None, None),
            tracking_number=None,
            fulfillment_date=datetime(
                2026, 11, 2, 11, 0, tzinfo=timezone(timedelta(hours=1))
            ),
            items=(ShippedItem("10000000000333", 1), ShippedItem("10000000000444", 3)),
        ),
    ]
    merchant, parsed = simulator_feeds.parse_fulfillment_feed(
        fulfillment_feed(SELLER, messages)
    )
    assert merchant == SELLER
    assert parsed == [
        {
            "message_id": "1",
            "amazon_order_id": "302-0000001-0000001",
            "merchant_fulfillment_id": "1",
            "fulfillment_date": "2026-11-02T10:00:00+00:00",
            "carrier_code": "DHL",
            "carrier_name": None,
            "shipping_method": "Paket",
            "tracking_number": "00340434161094042557",
            "items": [{"order_item_id": "10000000000111", "quantity": "2"}],
        },
        {
            "message_id": "2",
            "amazon_order_id": "302-0000002-0000002",
            "merchant_fulfillment_id": None,
            "fulfillment_date": "2026-11-02T10:00:00+00:00",
            "carrier_code": None,
            "carrier_name": "Hermes Paket",
            "shipping_method": None,
            "tracking_number": None,
            "items": [
                {"order_item_id": "10000000000333", "quantity": "1"},
                {"order_item_id": "10000000000444", "quantity": "3"},
            ],
        },
    ]


@pytest.mark.parametrize(
    "messages",
    [
        [],
        [shipment(1), shipment(1)],
        [shipment(0)],
        [shipment(amazon_order_id="")],
    ],
)
def test_fulfillment_feeds_that_cannot_be_built(messages):
    with pytest.raises(ValueError):
        fulfillment_feed(SELLER, messages)


def test_fulfillment_feed_refuses_bad_quantities_and_no_seller():
    with pytest.raises(ShipmentError):
        fulfillment_feed(SELLER, [shipment(items=(ShippedItem("10000000000111", 0),))])
    with pytest.raises(ValueError):
        fulfillment_feed("", [shipment()])


# -- POST_ORDER_ACKNOWLEDGEMENT_DATA --------------------------------------------


def test_cancel_reasons_are_amazons():
    codes = [code for code, _label in CANCEL_REASONS]
    assert set(codes) == simulator_feeds.CANCEL_REASONS
    assert len(codes) == 10 and all(label for _code, label in CANCEL_REASONS)
    assert dict(CANCEL_REASONS)["BuyerCanceled"] == "Buyer canceled"


def test_acknowledgement_feed_document():
    content = acknowledgement_feed(
        SELLER,
        [
            cancellation(
                1,
                merchant_order_id="S00042",
                items=(
                    CancelledItem("10000000000111"),
                    CancelledItem("10000000000222"),
                ),
            ),
            cancellation(
                2,
                amazon_order_id="302-0000002-0000002",
                cancel_reason="BuyerCanceled",
                items=(CancelledItem("10000000000333"),),
                whole_order=False,
            ),
        ],
    )
    root = etree.fromstring(content, PARSER)
    assert root.findtext("MessageType") == "OrderAcknowledgement"
    assert root.findtext("Header/MerchantIdentifier") == SELLER
    first, second = root.findall("Message/OrderAcknowledgement")
    assert tags(first) == [
        "AmazonOrderID",
        "MerchantOrderID",
        "StatusCode",
        "Item",
        "Item",
    ]
    assert first.findtext("StatusCode") == "Failure"
    assert first.findtext("MerchantOrderID") == "S00042"
    assert tags(first.find("Item")) == ["AmazonOrderItemCode", "CancelReason"]
    assert [i.findtext("CancelReason") for i in first.findall("Item")] == [
        "NoInventory",
        "NoInventory",
    ]
    assert tags(second) == ["AmazonOrderID", "StatusCode", "Item"]
    assert second.findtext("StatusCode") == "Success"
    assert tags(second.find("Item")) == ["AmazonOrderItemCode", "CancelReason"]
    assert_valid(content)
    merchant, parsed = simulator_feeds.parse_acknowledgement_feed(content)
    assert merchant == SELLER
    assert parsed[1] == {
        "message_id": "2",
        "amazon_order_id": "302-0000002-0000002",
        "merchant_order_id": None,
        "status_code": "Success",
        "items": [
            {
                "order_item_id": "10000000000333",
                "merchant_order_item_id": None,
                "cancel_reason": "BuyerCanceled",
            }
        ],
    }


def test_a_whole_order_cancellation_may_list_no_item():
    content = acknowledgement_feed(SELLER, [cancellation(items=())])
    root = etree.fromstring(content, PARSER)
    assert tags(root.find("Message/OrderAcknowledgement")) == [
        "AmazonOrderID",
        "StatusCode",
    ]


@pytest.mark.parametrize(
    "messages",
    [
        [],
        [cancellation(cancel_reason="Whatever")],
        [cancellation(cancel_reason="no_inventory")],
        [cancellation(items=(), whole_order=False)],
        [cancellation(1), cancellation(1)],
    ],
)
def test_acknowledgement_feeds_that_cannot_be_built(messages):
    with pytest.raises(ValueError):
        acknowledgement_feed(SELLER, messages)


# -- Amazon's schema --------------------------------------------------------------
#: Amazon's example documents (each file says where it comes from).
EXAMPLES = Path(__file__).parent / "data" / "order_feeds"
XS = "{http://www.w3.org/2001/XMLSchema}"


def enumeration(type_name):
    tree = etree.parse(str(SCHEMA_FILE), PARSER)
    [simple] = tree.getroot().findall(f"{XS}simpleType[@name='{type_name}']")
    return [e.get("value") for e in simple.iter(f"{XS}enumeration")]


@pytest.mark.parametrize(
    "name", sorted(path.name for path in EXAMPLES.glob("*.xml")) or ["(none)"]
)
def test_amazons_example_documents_validate(name):
    assert validate((EXAMPLES / name).read_bytes()).valid


def test_the_schema_lists_the_connectors_codes():
    assert enumeration("CarrierCodeType") == [
        c for c, _l in carrier_codes.CARRIER_CODES
    ]
    assert enumeration("CancelReasonType") == [c for c, _l in CANCEL_REASONS]
    assert "Evri" not in enumeration("CarrierCodeType")


def _example(name, old=None, new=None):
    content = (EXAMPLES / name).read_bytes()
    if old is not None:
        assert old.encode() in content
        content = content.replace(old.encode(), new.encode())
    return content


@pytest.mark.parametrize(
    ("name", "old", "new", "error"),
    [
        (  # Amazon's acknowledgement Item has no Quantity
            "acknowledgement_cancel.xml",
            "</CancelReason>",
            "</CancelReason><Quantity>1</Quantity>",
            "'Quantity': This element is not expected",
        ),
        (
            "acknowledgement_cancel.xml",
            "NoInventory",
            "OutOfStock",
            "'CancelReason': [facet 'enumeration'] The value 'OutOfStock' is not one "
            "of the values allowed",
        ),
        (
            "acknowledgement.xml",
            "<StatusCode>Success",
            "<StatusCode>Canceled",
            "'StatusCode'",
        ),
        (
            "fulfillment_carrier_code.xml",
            "<CarrierCode>UPS</CarrierCode>",
            "<CarrierCode>Evri</CarrierCode>",
            "'CarrierCode': [facet 'enumeration']",
        ),
        (
            "fulfillment_carrier_name.xml",
            "<CarrierName>USPS</CarrierName>",
            f"<CarrierName>{'Spedizioni ' * 6}</CarrierName>",
            "'CarrierName': [facet 'maxLength']",
        ),
        (
            "fulfillment_carrier_name.xml",
            "123-1234567-1234567",
            "1231234567-1234567",
            "'AmazonOrderID': [facet 'pattern']",
        ),
        (
            "fulfillment_carrier_name.xml",
            "<AmazonOrderItemCode>12345678901234",
            "<AmazonOrderItemCode>ITEM-1",
            "'AmazonOrderItemCode': [facet 'pattern']",
        ),
        (
            "fulfillment_carrier_code.xml",
            "<Quantity>2</Quantity>",
            "<Quantity>0</Quantity>",
            "'Quantity': '0' is not a valid value",
        ),
        (
            "fulfillment_carrier_code.xml",
            "2002-05-01T15:36:33-08:00",
            "01.05.2002 15:36",
            "'FulfillmentDate'",
        ),
        (  # the order of Amazon's sequence
            "fulfillment_carrier_code.xml",
            "<MerchantFulfillmentID>1234567</MerchantFulfillmentID>",
            "",
            None,
        ),
        (
            "fulfillment_carrier_code.xml",
            "<ShippingMethod>Second Day</ShippingMethod>\n"
            "        <ShipperTrackingNumber>1234567890</ShipperTrackingNumber>",
            "<ShipperTrackingNumber>1234567890</ShipperTrackingNumber>\n"
            "        <ShippingMethod>Second Day</ShippingMethod>",
            "'ShippingMethod': This element is not expected",
        ),
        (
            "fulfillment_carrier_code.xml",
            "<MessageID>1</MessageID>",
            "<MessageID>0</MessageID>",
            "'MessageID'",
        ),
    ],
)
def test_the_schema_refuses_the_message(name, old, new, error):
    validation = validate(_example(name, old, new))
    if error is None:  # an optional element left out is fine
        assert validation.valid
        return
    assert not validation.document
    assert list(validation.messages) == [1]
    assert validation.messages[1][0].startswith("XML Parsing Error at Line ")
    assert error in validation.messages[1][0]


@pytest.mark.parametrize(
    ("old", "new", "error"),
    [
        ("<DocumentVersion>1.01", "<DocumentVersion>v1", "'DocumentVersion'"),
        (
            "<MerchantIdentifier>My Store</MerchantIdentifier>",
            "",
            "'Header': Missing child element(s). Expected is ( MerchantIdentifier )",
        ),
        ("OrderFulfillment</MessageType>", "Fulfillment</MessageType>", "MessageType"),
    ],
)
def test_the_schema_refuses_the_document(old, new, error):
    validation = validate(_example("fulfillment_carrier_code.xml", old, new))
    assert not validation.messages
    assert len(validation.document) == 1 and error in validation.document[0]
    with pytest.raises(ValueError, match="XML Parsing Error"):
        assert_valid(_example("fulfillment_carrier_code.xml", old, new))
    assert validate(b"<AmazonEnvelope>").document[0].startswith("XML Parsing Error")


def test_every_document_the_connector_writes_validates():
    """Shipments with and without tracking, by code, by name (unknown code, no
    code, ``Other``), split in packages and with several items; cancellations of
    whole orders, with and without items, and of items."""
    fulfillments = fulfillment_feed(
        SELLER,
        [
            shipment(1, merchant_fulfillment_id="1"),
            shipment(2, merchant_fulfillment_id="2", tracking_number=None),
            shipment(
                3,
                amazon_order_id="302-0000002-0000002",
                carrier=Carrier.of("Kurierdienst Meyer", None, None),
                tracking_number=None,
                items=(
                    ShippedItem("10000000000333", 1),
                    ShippedItem("10000000000444", 3),
                    ShippedItem("10000000000333", 1),
                ),
            ),
            shipment(4, carrier=Carrier.of(None, "Spedizioni Rossi", "Espresso")),
            shipment(5, carrier=Carrier.of("Other", "Kurier Schmidt", None)),
            shipment(6, carrier=Carrier.of("dhl ecommerce", "DHL", "Parcel Direct")),
            shipment(7, items=()),  # the whole order
        ],
    )
    assert validate(fulfillments).valid, validate(fulfillments).all_errors()
    root = etree.fromstring(fulfillments, PARSER)
    data = [m.find("OrderFulfillment/FulfillmentData") for m in root.iter("Message")]
    assert [tags(d)[0] for d in data] == [
        "CarrierCode",
        "CarrierCode",
        "CarrierName",
        "CarrierName",
        "CarrierName",
        "CarrierCode",
        "CarrierCode",
    ]
    assert data[5].findtext("CarrierCode") == "DHL eCommerce"
    acknowledgements = acknowledgement_feed(
        SELLER,
        [
            cancellation(1, merchant_order_id="S00042"),
            cancellation(2, items=()),
            cancellation(
                3,
                cancel_reason="BuyerCanceled",
                items=(
                    CancelledItem("10000000000333"),
                    CancelledItem("10000000000444"),
                ),
                whole_order=False,
            ),
            *(
                cancellation(4 + n, cancel_reason=code)
                for n, (code, _label) in enumerate(CANCEL_REASONS)
            ),
        ],
    )
    assert validate(acknowledgements).valid, validate(acknowledgements).all_errors()
    assert b"<Quantity>" not in acknowledgements


@pytest.mark.parametrize("code", [c for c, _l in carrier_codes.CARRIER_CODES])
def test_every_carrier_code_goes_as_a_valid_document(code):
    carrier = Carrier.of(code, "Some Carrier", None)
    content = fulfillment_feed(SELLER, [shipment(carrier=carrier)])
    assert validate(content).valid
    element = "CarrierName" if code == "Other" else "CarrierCode"
    assert f"<{element}>".encode() in content


def test_a_carrier_amazon_does_not_list_goes_by_name():
    for code, name, expected in [
        ("Evri", None, b"<CarrierName>Evri</CarrierName>"),
        ("Evri", "Evri", b"<CarrierName>Evri</CarrierName>"),
        ("Hermes UK", "Evri", b"<CarrierCode>Hermes UK</CarrierCode>"),
        ("FastParcel24", "Fast Parcel", b"<CarrierName>Fast Parcel</CarrierName>"),
    ]:
        content = fulfillment_feed(
            SELLER, [shipment(carrier=Carrier.of(code, name, None))]
        )
        assert expected in content
        assert validate(content).valid


def test_the_simulator_refuses_only_the_invalid_message(state):
    """Amazon answers a message its schema refuses with error 5001 for that message
    (the others are processed); an invalid header refuses the whole feed."""
    first, second = unshipped_orders(state)[:2]
    messages = [
        shipment(
            n,
            amazon_order_id=order["orderId"],
            carrier=Carrier.of(None, name, None),
            tracking_number=None,
            items=tuple(
                ShippedItem(i["orderItemId"], i["quantityOrdered"])
                for i in order["orderItems"]
            ),
        )
        for n, order, name in [
            (1, first, "Kurier Schmidt"),
            (2, second, "Kurier Schmidt Transporte und Logistik GmbH und Co. KG"),
        ]
    ]
    content = fulfillment_feed(SELLER, messages)
    feed, report_content = submit(state, FULFILLMENT_FEED_TYPE, content)
    assert feed["processingStatus"] == "DONE"
    results = parse_processing_report(report_content, [1, 2])
    assert results[1].ok
    assert not results[2].ok
    [error] = results[2].errors
    assert error.startswith("Amazon 5001: XML Parsing Error at Line 2: ")
    assert "'CarrierName': [facet 'maxLength']" in error
    assert results[2].amazon_order_id == second["orderId"]
    assert first["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
    assert second["fulfillment"]["fulfillmentStatus"] == "UNSHIPPED"
    # An acknowledgement Item with a Quantity is refused, as Amazon refuses it.
    third = unshipped_orders(state)[0]
    item_id = third["orderItems"][0]["orderItemId"]
    with_quantity = acknowledgement_feed(
        SELLER,
        [
            cancellation(
                1, amazon_order_id=third["orderId"], items=(CancelledItem(item_id),)
            )
        ],
    ).replace(b"</CancelReason>", b"</CancelReason><Quantity>1</Quantity>")
    _feed, report_content = submit(state, ACKNOWLEDGEMENT_FEED_TYPE, with_quantity)
    [error] = parse_processing_report(report_content, [1])[1].errors
    assert error.startswith("Amazon 5001: ") and "'Quantity'" in error
    assert third["fulfillment"]["fulfillmentStatus"] == "UNSHIPPED"
    # A header Amazon's schema refuses: the whole feed, nothing processed.
    bad_header = fulfillment_feed(SELLER, messages[:1]).replace(
        b"<DocumentVersion>1.01", b"<DocumentVersion>v1"
    )
    _feed, report_content = submit(state, FULFILLMENT_FEED_TYPE, bad_header)
    with pytest.raises(UnclearReport, match="whole feed was refused: Amazon 5001"):
        parse_processing_report(report_content, [1])


# -- processing reports ----------------------------------------------------------


def report(
    results=(), processed=2, successful=None, with_error=None, status="Complete"
):
    """A processing report as Amazon writes it; ``results`` are (message id,
    ResultCode, ResultMessageCode, description, order id or None)."""
    errors = {r[0] for r in results if r[1] == "Error"}
    warnings = {r[0] for r in results if r[1] == "Warning"}
    with_error = len(errors) if with_error is None else with_error
    successful = processed - with_error if successful is None else successful
    rows = "".join(
        f"<Result><MessageID>{mid}</MessageID><ResultCode>{kind}</ResultCode>"
        f"<ResultMessageCode>{code}</ResultMessageCode>"
        f"<ResultDescription>{text}</ResultDescription>"
        + (
            f"<AdditionalInfo><AmazonOrderID>{order}</AmazonOrderID></AdditionalInfo>"
            if order
            else ""
        )
        + "</Result>"
        for mid, kind, code, text, order in results
    )
    return (
        "<?xml version='1.0' encoding='UTF-8'?>"
        '<AmazonEnvelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:noNamespaceSchemaLocation="amzn-envelope.xsd">'
        "<Header><DocumentVersion>1.02</DocumentVersion>"
        f"<MerchantIdentifier>{SELLER}</MerchantIdentifier></Header>"
        "<MessageType>ProcessingReport</MessageType>"
        "<Message><MessageID>1</MessageID><ProcessingReport>"
        "<DocumentTransactionID>50001</DocumentTransactionID>"
        f"<StatusCode>{status}</StatusCode><ProcessingSummary>"
        f"<MessagesProcessed>{processed}</MessagesProcessed>"
        f"<MessagesSuccessful>{successful}</MessagesSuccessful>"
        f"<MessagesWithError>{with_error}</MessagesWithError>"
        f"<MessagesWithWarning>{len(warnings)}</MessagesWithWarning>"
        f"</ProcessingSummary>{rows}</ProcessingReport></Message></AmazonEnvelope>"
    ).encode()


def test_report_all_ok():
    assert parse_processing_report(report(), [1, 2]) == {
        1: MessageResult(1, True, (), ()),
        2: MessageResult(2, True, (), ()),
    }


def test_report_one_message_in_error():
    results = parse_processing_report(
        report(
            [
                (
                    2,
                    "Error",
                    "18028",
                    "The order id 302-0000002-0000002 was not found",
                    "302-0000002-0000002",
                ),
                (2, "Error", "25", "Quantity exceeds", None),
            ]
        ),
        iter([2, 1]),
    )
    assert results[1].ok and results[1].errors == ()
    assert not results[2].ok
    assert results[2].errors == (
        "Amazon 18028: The order id 302-0000002-0000002 was not found",
        "Amazon 25: Quantity exceeds",
    )
    assert results[2].amazon_order_id == "302-0000002-0000002"


def test_report_warning_only():
    results = parse_processing_report(
        report([(1, "Warning", "5003", "ShippingMethod was ignored", None)]), [1, 2]
    )
    assert results[1].ok
    assert results[1].warnings == ("Amazon 5003: ShippingMethod was ignored",)
    assert results[1].errors == ()
    assert results[2] == MessageResult(2, True, (), ())


def test_report_in_a_namespace_and_a_document_level_warning():
    content = (
        b'<AmazonEnvelope xmlns="urn:example"><Message><MessageID>1</MessageID>'
        b"<ProcessingReport><StatusCode>Complete</StatusCode><ProcessingSummary>"
        b"<MessagesProcessed>1</MessagesProcessed>"
        b"<MessagesSuccessful>0</MessagesSuccessful>"
        b"<MessagesWithError>1</MessagesWithError>"
        b"<MessagesWithWarning>0</MessagesWithWarning></ProcessingSummary>"
        b"<Result><MessageID>0</MessageID><ResultCode>Warning</ResultCode>"
        b"<ResultMessageCode>90</ResultMessageCode><ResultDescription>old schema"
        b"</ResultDescription></Result>"
        b"<Result><MessageID>5</MessageID><ResultCode>Error</ResultCode>"
        b"<ResultMessageCode>25</ResultMessageCode>"
        b"<ResultDescription>  no such item </ResultDescription></Result>"
        b"</ProcessingReport></Message></AmazonEnvelope>"
    )
    results = parse_processing_report(content, [5])
    assert results == {5: MessageResult(5, False, ("Amazon 25: no such item",), ())}


@pytest.mark.parametrize(
    ("content", "sent", "why"),
    [
        (b"not xml at all", [1], "not XML"),
        (b"<AmazonEnvelope><Message/></AmazonEnvelope>", [1], "ProcessingReport"),
        (report(status="Incomplete"), [1, 2], "StatusCode"),
        (
            report([(0, "Error", "5001", "XML Parsing Fatal Error", None)], 0),
            [1, 2],
            "whole feed was refused: Amazon 5001: XML Parsing Fatal Error",
        ),
        (report(processed=0), [1, 2], "processed 0 messages of the 2 sent"),
        (report(processed=3), [1, 2], "processed 3 messages"),
        (report(with_error=1), [1, 2], "counts 1 messages with an error"),
        (
            report([(1, "Error", "25", "bad", None)], with_error=0),
            [1, 2],
            "counts 0 messages with an error, the results 1",
        ),
        (
            report([(9, "Error", "25", "bad", None)]),
            [1, 2],
            "names message 9, never sent",
        ),
        (
            report([(1, "Fatal", "25", "bad", None)]),
            [1, 2],
            "ResultCode 'Fatal'",
        ),
        (
            report().replace(b"<MessagesProcessed>2", b"<MessagesProcessed>two"),
            [1, 2],
            "not a number",
        ),
        (
            b'<!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]><r>&e;</r>',
            [1],
            "ProcessingReport",
        ),
    ],
)
def test_unclear_reports(content, sent, why):
    with pytest.raises(UnclearReport) as caught:
        parse_processing_report(content, sent)
    assert why in str(caught.value)


# -- through the simulator's feed processing ------------------------------------------


@pytest.fixture
def state():
    state = SimulatorState(seed=5, clock=lambda: NOW)
    state.feed_processing_polls = 0
    state.result_compression = "never"
    state.generate_orders(60, marketplaces=("DE",), now=NOW - timedelta(hours=1))
    return state


def unshipped_orders(state):
    return [
        o
        for o in state.orders.values()
        if o["fulfillment"]["fulfillmentStatus"] == "UNSHIPPED"
        and o["fulfillment"]["fulfilledBy"] == "MERCHANT"
    ]


def submit(state, feed_type, content):
    document = state.create_feed_document({"contentType": XML_CONTENT_TYPE})
    state.upload_document(document["feedDocumentId"], content, XML_CONTENT_TYPE)
    feed_id = state.create_feed(
        {
            "feedType": feed_type,
            "marketplaceIds": ["A1PA6795UKMFR9"],
            "inputFeedDocumentId": document["feedDocumentId"],
        }
    )["feedId"]
    feed = state.get_feed(feed_id)
    return feed, state.download(feed["resultFeedDocumentId"])[0]


def test_fulfillment_feed_processed_by_the_simulator(state):
    order = unshipped_orders(state)[0]
    messages = [
        shipment(
            3,
            amazon_order_id=order["orderId"],
            merchant_fulfillment_id="1",
            items=tuple(
                ShippedItem(i["orderItemId"], i["quantityOrdered"])
                for i in order["orderItems"]
            ),
        ),
        shipment(4, amazon_order_id="999-0000000-0000000", tracking_number=None),
    ]
    feed, content = submit(
        state, FULFILLMENT_FEED_TYPE, fulfillment_feed(SELLER, messages)
    )
    assert feed["processingStatus"] == "DONE"
    results = parse_processing_report(content, [3, 4])
    assert results[3].ok
    assert not results[4].ok and results[4].errors[0].startswith("Amazon 18028: ")
    assert results[4].amazon_order_id == "999-0000000-0000000"
    assert order["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
    assert [p["packageReferenceId"] for p in order["packages"]] == ["1"]


def test_acknowledgement_feed_processed_by_the_simulator(state):
    first, second = unshipped_orders(state)[:2]
    messages = [
        cancellation(
            1,
            amazon_order_id=first["orderId"],
            items=tuple(CancelledItem(i["orderItemId"]) for i in first["orderItems"]),
        ),
        cancellation(
            2,
            amazon_order_id=second["orderId"],
            cancel_reason="BuyerCanceled",
            items=(CancelledItem("00000000000000"),),
            whole_order=False,
        ),
    ]
    _feed, content = submit(
        state, ACKNOWLEDGEMENT_FEED_TYPE, acknowledgement_feed(SELLER, messages)
    )
    results = parse_processing_report(content, [1, 2])
    assert results[1].ok
    assert not results[2].ok and "00000000000000" in results[2].errors[0]
    assert first["fulfillment"]["fulfillmentStatus"] == "CANCELLED"
    assert second["fulfillment"]["fulfillmentStatus"] == "UNSHIPPED"


@pytest.mark.parametrize("kind", ["fatal", "unclear_report"])
def test_simulated_bad_reports_are_unclear(state, kind):
    state.inject_fault("createFeed", kind)
    order = unshipped_orders(state)[0]
    message = shipment(
        1,
        amazon_order_id=order["orderId"],
        items=(ShippedItem(order["orderItems"][0]["orderItemId"], 1),),
    )
    feed, content = submit(
        state, FULFILLMENT_FEED_TYPE, fulfillment_feed(SELLER, [message])
    )
    assert feed["processingStatus"] == ("FATAL" if kind == "fatal" else "DONE")
    with pytest.raises(UnclearReport):
        parse_processing_report(content, [1])


def test_report_excerpt_reads_amazons_descriptions_else_the_text():
    report = (
        b"<AmazonEnvelope><Message><ProcessingReport><Result><MessageID>0</MessageID>"
        b"<ResultDescription> XML parsing error </ResultDescription></Result>"
        b"<Result><ResultDescription>MerchantIdentifier does not match."
        b"</ResultDescription></Result></ProcessingReport></Message></AmazonEnvelope>"
    )
    assert (
        report_excerpt(report) == "XML parsing error MerchantIdentifier does not match."
    )
    assert report_excerpt(b'{"errors":\n  ["bad"]}') == '{"errors": ["bad"]}'
    assert len(report_excerpt(b"x " * 1000)) == 500
