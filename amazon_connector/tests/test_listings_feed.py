"""The JSON_LISTINGS_FEED document and its processing report (pure Python, no
database).

Built feeds are validated against Amazon's official listings feed schemas, and the
official processing report example is read; the models directory is found by
``amazon_simulator.models.shared_models_dir()`` and those tests skip, saying why,
when it cannot be had.
"""

import codecs
import json
from decimal import Decimal

import pytest
from amazon_simulator.models import SharedModelsNotFound, shared_models_dir

from ..amazon.listings_feed import (
    CONTENT_TYPE,
    FEED_TYPE,
    MAX_MESSAGES,
    MessageVerdict,
    build_listings_feed,
    chunked,
    listings_message,
    parse_listings_report,
    price_patch,
    sent_values,
    stock_patch,
)
from ..amazon.processing_report import UnclearReport

DE = "A1PA6795UKMFR9"
JP = "A1VC38T7YXB528"
SELLER = "A2SELLER"


def official(name: str) -> dict:
    """An official model file; the calling test skips, naming what is missing and
    how to provide it, when the models cannot be had."""
    try:
        path = shared_models_dir() / name
    except SharedModelsNotFound as error:
        pytest.skip(str(error))
    return json.loads(path.read_text(encoding="utf-8"))


def schema_errors(schema_name: str, instance) -> list[str]:
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft7Validator(official(schema_name))
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(instance)
    ]


def sample_messages() -> list[dict]:
    return [
        listings_message(1, "SKU-1", "PRODUCT", [stock_patch(7, 2)]),
        listings_message(2, "Müller-Ä 1", "SHOES", [stock_patch(0, None)]),
        listings_message(
            3,
            "SKU-3",
            "PRODUCT",
            [
                stock_patch(12, None),
                price_patch(
                    DE,
                    "EUR",
                    Decimal("19.99"),
                    minimum=Decimal("15"),
                    maximum=Decimal("25.5"),
                ),
            ],
        ),
        listings_message(
            4, "JP-1", "PRODUCT", [price_patch(JP, "JPY", 1980, decimals=0)]
        ),
    ]


# -- patches -------------------------------------------------------------------


def test_constants():
    assert FEED_TYPE == "JSON_LISTINGS_FEED"
    assert CONTENT_TYPE == "application/json; charset=UTF-8"
    assert MAX_MESSAGES == 25_000


def test_stock_patch():
    assert stock_patch(10, 3) == {
        "op": "merge",
        "path": "/attributes/fulfillment_availability",
        "value": [
            {
                "fulfillment_channel_code": "DEFAULT",
                "quantity": 10,
                "lead_time_to_ship_max_days": 3,
            }
        ],
    }
    # Without a handling time, merge keeps the one Amazon has.
    assert stock_patch(0, None)["value"] == [
        {"fulfillment_channel_code": "DEFAULT", "quantity": 0}
    ]


@pytest.mark.parametrize(
    "quantity,handling_time",
    [
        (-1, None),
        (2.5, None),
        ("3", None),
        (True, None),
        (None, None),
        (1, -1),
        (1, 1.5),
    ],
)
def test_stock_patch_refuses_bad_values(quantity, handling_time):
    with pytest.raises(ValueError):
        stock_patch(quantity, handling_time)


def test_price_patch():
    patch = price_patch(
        DE,
        "EUR",
        Decimal("19.985"),
        minimum=Decimal("10"),
        maximum=Decimal("30.004"),
    )
    assert patch == {
        "op": "merge",
        "path": "/attributes/purchasable_offer",
        "value": [
            {
                "marketplace_id": DE,
                "currency": "EUR",
                "audience": "ALL",
                "our_price": [{"schedule": [{"value_with_tax": 19.99}]}],
                "minimum_seller_allowed_price": [
                    {"schedule": [{"value_with_tax": 10.0}]}
                ],
                "maximum_seller_allowed_price": [
                    {"schedule": [{"value_with_tax": 30.0}]}
                ],
            }
        ],
    }
    assert '"value_with_tax": 19.99' in json.dumps(patch)


def test_price_patch_without_bounds_and_in_yen():
    offer = price_patch(JP, "JPY", Decimal("1980.5"), decimals=0)["value"][0]
    assert set(offer) == {"marketplace_id", "currency", "audience", "our_price"}
    value = offer["our_price"][0]["schedule"][0]["value_with_tax"]
    assert value == 1981 and isinstance(value, int)  # half-up, a JSON integer
    assert '"value_with_tax": 1981}' in json.dumps(offer)


def test_price_patch_rounds_half_up():
    amount = price_patch(DE, "EUR", Decimal("0.125"))["value"][0]["our_price"]
    assert amount[0]["schedule"][0]["value_with_tax"] == 0.13
    amount = price_patch(DE, "EUR", Decimal("2.675"))["value"][0]["our_price"]
    assert amount[0]["schedule"][0]["value_with_tax"] == 2.68  # float(2.675) is 2.67


@pytest.mark.parametrize(
    "kwargs",
    [
        {"amount": Decimal("-0.01")},
        {"amount": Decimal("-0.001")},
        {"amount": Decimal("NaN")},
        {"amount": Decimal("Infinity")},
        {"amount": Decimal(10), "minimum": Decimal(-1)},
        {"amount": Decimal(10), "minimum": Decimal(12), "maximum": Decimal(11)},
        {"amount": Decimal(10), "decimals": -1},
        {"amount": Decimal(10), "marketplace_id": ""},
        {"amount": Decimal(10), "currency": " "},
    ],
)
def test_price_patch_refuses_bad_values(kwargs):
    arguments = {"marketplace_id": DE, "currency": "EUR", **kwargs}
    with pytest.raises(ValueError):
        price_patch(
            arguments.pop("marketplace_id"), arguments.pop("currency"), **arguments
        )


def test_price_patch_equal_bounds_are_fine():
    offer = price_patch(
        DE, "EUR", Decimal(10), minimum=Decimal(10), maximum=Decimal(10)
    )["value"][0]
    assert (
        offer["minimum_seller_allowed_price"] == offer["maximum_seller_allowed_price"]
    )


# -- messages and the document -------------------------------------------------


def test_listings_message():
    patch = stock_patch(1, None)
    assert listings_message(7, "SKU-7", "PRODUCT", [patch]) == {
        "messageId": 7,
        "sku": "SKU-7",
        "operationType": "PATCH",
        "productType": "PRODUCT",
        "patches": [patch],
    }


@pytest.mark.parametrize(
    "message_id,sku,product_type,patches",
    [
        (1, "", "PRODUCT", [{"op": "merge"}]),
        (1, "  ", "PRODUCT", [{"op": "merge"}]),
        (1, "SKU", "", [{"op": "merge"}]),
        (1, "SKU", None, [{"op": "merge"}]),
        (1, "SKU", "PRODUCT", []),
        (0, "SKU", "PRODUCT", [{"op": "merge"}]),
        (2_147_483_648, "SKU", "PRODUCT", [{"op": "merge"}]),
        ("1", "SKU", "PRODUCT", [{"op": "merge"}]),
    ],
)
def test_listings_message_refuses_incomplete_messages(
    message_id, sku, product_type, patches
):
    with pytest.raises(ValueError):
        listings_message(message_id, sku, product_type, patches)


def test_build_listings_feed():
    messages = sample_messages()
    content = build_listings_feed(SELLER, messages, issue_locale="de_DE")
    assert isinstance(content, bytes)
    assert "Müller-Ä 1".encode() in content  # UTF-8, not \\u escapes
    document = json.loads(content.decode("utf-8"))
    assert document == {
        "header": {"sellerId": SELLER, "version": "2.0", "issueLocale": "de_DE"},
        "messages": messages,
    }
    assert json.loads(build_listings_feed(SELLER, messages))["header"][
        "issueLocale"
    ] == ("en_US")


def test_sent_values_read_back_what_each_message_set():
    content = build_listings_feed(
        SELLER,
        [
            listings_message(
                1,
                "BOTH",
                "PRODUCT",
                [stock_patch(7, 2), price_patch(DE, "EUR", Decimal("19.99"))],
            ),
            listings_message(2, "QTY", "PRODUCT", [stock_patch(0, None)]),
            listings_message(
                3, "YEN", "PRODUCT", [price_patch(JP, "JPY", 1200, decimals=0)]
            ),
        ],
    )
    assert sent_values(content) == {
        1: (7, 2, 19.99),
        2: (0, None, None),
        3: (None, None, 1200),
    }


@pytest.mark.parametrize("content", [b"", b"not json", b"{}", None])
def test_sent_values_of_an_unreadable_document_are_none(content):
    assert sent_values(content) == {}


def test_build_listings_feed_refuses_empty_too_big_or_ambiguous_feeds():
    message = listings_message(1, "SKU", "PRODUCT", [stock_patch(1, None)])
    with pytest.raises(ValueError, match="at least one"):
        build_listings_feed(SELLER, [])
    with pytest.raises(ValueError, match="25000"):
        build_listings_feed(
            SELLER, [dict(message, messageId=i + 1) for i in range(MAX_MESSAGES + 1)]
        )
    with pytest.raises(ValueError, match="unique"):
        build_listings_feed(SELLER, [message, dict(message, sku="OTHER")])
    with pytest.raises(ValueError):
        build_listings_feed("", [message])


def test_a_full_feed_is_accepted():
    messages = [
        listings_message(i + 1, f"SKU-{i}", "PRODUCT", [stock_patch(i % 5, None)])
        for i in range(MAX_MESSAGES)
    ]
    assert len(json.loads(build_listings_feed(SELLER, messages))["messages"]) == (
        MAX_MESSAGES
    )


def test_built_feed_validates_against_the_official_schema():
    document = json.loads(build_listings_feed(SELLER, sample_messages()))
    assert schema_errors("listings-feed-schema-v2.json", document) == []
    for message in document["messages"]:
        assert schema_errors("listings-feed-message-schema-v2.json", message) == []


def test_the_schema_check_can_fail():
    """The validation above is not vacuous: a wrong op or a missing productType is
    refused by the official schema."""
    document = json.loads(build_listings_feed(SELLER, sample_messages()))
    document["messages"][0]["patches"][0]["op"] = "upsert"
    del document["messages"][1]["productType"]
    document["header"]["version"] = "1.0"
    errors = schema_errors("listings-feed-schema-v2.json", document)
    assert any(e.startswith("header/version") for e in errors)
    assert any(e.startswith("messages/0") for e in errors)
    assert any(e.startswith("messages/1") for e in errors)


def test_merge_is_an_op_of_the_official_schema():
    schema = official("listings-feed-message-schema-v2.json")
    ops = schema["properties"]["patches"]["items"]["properties"]["op"]["enum"]
    assert stock_patch(1, None)["op"] in ops
    assert price_patch(DE, "EUR", Decimal(1))["op"] in ops


def test_chunked():
    items = list(range(7))
    assert [list(c) for c in chunked(items, 3)] == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(chunked([], 3)) == []
    assert [len(c) for c in chunked(list(range(MAX_MESSAGES + 1)))] == [
        MAX_MESSAGES,
        1,
    ]
    with pytest.raises(ValueError):
        list(chunked(items, 0))


# -- the processing report -----------------------------------------------------


def report(issues=(), *, processed=None, invalid=None, sent=(1, 2, 3), **summary):
    failed = {
        i["messageId"]
        for i in issues
        if i.get("messageId") and i["severity"] == "ERROR"
    }
    processed = len(sent) if processed is None else processed
    document = {
        "header": {"sellerId": SELLER, "version": "2.0", "feedId": "F1"},
        "issues": list(issues),
        "summary": {
            "errors": sum(1 for i in issues if i["severity"] == "ERROR"),
            "warnings": sum(1 for i in issues if i["severity"] == "WARNING"),
            "messagesProcessed": processed,
            "messagesAccepted": processed - len(failed),
            "messagesInvalid": len(failed) if invalid is None else invalid,
            **summary,
        },
    }
    return json.dumps(document).encode("utf-8")


def test_report_message_by_message():
    content = report(
        [
            {
                "messageId": 2,
                "sku": "SKU-2",
                "code": "90220",
                "severity": "ERROR",
                "message": "'[batteries_required]' is required but not supplied.",
            },
            {
                "messageId": 2,
                "sku": "SKU-2",
                "code": "99022",
                "severity": "ERROR",
                "message": "Not enough values.",
                "attributeName": "purchasable_offer.our_price",
            },
            {
                "messageId": 3,
                "code": "18448",
                "severity": "WARNING",
                "message": "Attributes are incomplete.",
            },
            {"messageId": 3, "severity": "INFO", "message": "Noted."},
        ]
    )
    verdicts = parse_listings_report(content, [1, 2, 3])
    assert verdicts == {
        1: MessageVerdict(1, True, (), ()),
        2: MessageVerdict(
            2,
            False,
            (
                "Amazon 90220: '[batteries_required]' is required but not supplied.",
                "Amazon 99022: Not enough values. (attribute purchasable_offer.our_price)",
            ),
            (),
        ),
        3: MessageVerdict(
            3,
            True,
            (),
            ("Amazon 18448: Attributes are incomplete.", "Amazon ?: Noted."),
        ),
    }


def test_report_with_a_byte_order_mark():
    content = codecs.BOM_UTF8 + report()
    assert all(v.accepted for v in parse_listings_report(content, [1, 2, 3]).values())


def test_the_official_report_example():
    example = official("listings-feed-processing-report-schema-v2.example.json")
    content = json.dumps(example).encode()
    verdicts = parse_listings_report(content, [2, 3, 4, 5])
    assert [m for m, v in verdicts.items() if v.accepted] == [2, 3]
    assert len(verdicts[4].errors) == 2
    assert verdicts[5].errors == (
        "Amazon 99022: The field '\"prices\"' for the attribute "
        "'purchasable_offer.our_price' does not have enough values. The required "
        "minimum is '1' value(s). (attribute purchasable_offer.our_price)",
    )


@pytest.mark.parametrize(
    "content,message",
    [
        (b"<xml/>", "not JSON"),
        (b"\xff\xfe garbage", "not JSON"),
        (b"[]", "not a JSON object"),
        (b'{"header": {}, "issues": []}', "no summary"),
        (b'{"summary": {"messagesAccepted": 3}, "issues": []}', "messagesProcessed"),
        (b'{"summary": {"messagesProcessed": "3"}, "issues": []}', "not a number"),
        (b'{"summary": {"messagesProcessed": 3}, "issues": {}}', "issues"),
    ],
)
def test_unreadable_reports_are_unclear(content, message):
    with pytest.raises(UnclearReport, match=message):
        parse_listings_report(content, [1, 2, 3])


def test_fewer_messages_processed_is_unclear_and_quotes_the_feed_issues():
    content = report(
        [
            {
                "code": "4000001",
                "severity": "ERROR",
                "message": "header/sellerId: does not match the selling partner",
            }
        ],
        processed=0,
    )
    with pytest.raises(UnclearReport) as caught:
        parse_listings_report(content, [1, 2, 3])
    text = str(caught.value)
    assert "Amazon processed 0 messages of the 3 sent" in text
    assert "Amazon 4000001: header/sellerId: does not match" in text


def test_a_missing_message_is_unclear():
    with pytest.raises(UnclearReport, match="processed 2 messages of the 3 sent"):
        parse_listings_report(report(processed=2), [1, 2, 3])


def test_an_error_about_the_whole_feed_is_unclear():
    content = report([{"code": "X", "severity": "ERROR", "message": "Refused."}])
    with pytest.raises(UnclearReport, match=r"whole feed: Amazon X: Refused\."):
        parse_listings_report(content, [1, 2, 3])


def test_a_warning_about_the_whole_feed_is_not_a_verdict():
    content = report([{"severity": "WARNING", "message": "Locale unknown."}])
    verdicts = parse_listings_report(content, [1, 2, 3])
    assert all(v.accepted and not v.warnings for v in verdicts.values())


@pytest.mark.parametrize("message_id", [9, "1", True, [1]])
def test_an_issue_about_a_message_never_sent_is_unclear(message_id):
    content = report([{"messageId": message_id, "severity": "WARNING", "message": "?"}])
    with pytest.raises(UnclearReport, match="never sent"):
        parse_listings_report(content, [1, 2, 3])


def test_an_unknown_severity_is_unclear():
    content = report([{"messageId": 1, "severity": "FATAL", "message": "?"}])
    with pytest.raises(UnclearReport, match="severity"):
        parse_listings_report(content, [1, 2, 3])


def test_a_summary_that_does_not_match_the_issues_is_unclear():
    content = report(
        [{"messageId": 1, "severity": "ERROR", "message": "No."}], invalid=2
    )
    with pytest.raises(UnclearReport, match="2 invalid messages, the issues 1"):
        parse_listings_report(content, [1, 2, 3])
