"""Shipment confirmation payloads (pure Python, no database): tracking numbers,
carriers, confirmShipment bodies, and the carrier code list.

The bodies are validated against the official ``ConfirmShipmentRequest`` of
``ordersV0.json``, found by ``amazon_simulator.models.shared_models_dir()``; those
tests skip, saying why, when the models cannot be had.
"""

import json
import re
from datetime import datetime, timedelta, timezone

import jsonschema
import pytest
from amazon_simulator.models import SharedModelsNotFound, shared_models_dir
from amazon_simulator.schemas import strict
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from ..amazon import carrier_codes
from ..amazon.carrier_codes import CARRIER_CODES, OTHER, canonical, is_known
from ..amazon.shipment import (
    Carrier,
    Package,
    ShipmentError,
    ShippedItem,
    assign_tracking_numbers,
    check_quantities,
    confirm_shipment_body,
    normalize_tracking_number,
    split_tracking_numbers,
)

DE = "A1PA6795UKMFR9"
SHIPPED_AT = datetime(2026, 11, 2, 10, 0, tzinfo=timezone.utc)


def confirm_shipment_validator() -> jsonschema.Draft4Validator:
    """The official ConfirmShipmentRequest, strict (no property the model lacks)."""
    try:
        models = shared_models_dir()
    except SharedModelsNotFound as error:
        pytest.skip(str(error))
    document = json.loads((models / "ordersV0.json").read_text(encoding="utf-8"))
    resource = Resource.from_contents(strict(document), default_specification=DRAFT4)
    registry = Registry().with_resource("urn:ordersV0", resource)
    return jsonschema.Draft4Validator(
        {"$ref": "urn:ordersV0#/definitions/ConfirmShipmentRequest"},
        registry=registry,
    )


def package(reference=1, tracking="00340434161094042557", items=(("111", 1),)):
    return Package(
        reference=reference,
        items=tuple(ShippedItem(item_id, qty) for item_id, qty in items),
        tracking_number=tracking,
    )


# -- tracking numbers ---------------------------------------------------------


def test_tracking_numbers_are_normalized_and_split():
    assert normalize_tracking_number(" 1z 999\taa1\n0123 ") == "1Z999AA10123"
    assert split_tracking_numbers(None) == []
    assert split_tracking_numbers("") == []
    assert split_tracking_numbers(" , + ") == []
    assert split_tracking_numbers("1z999, 0034 0434,,jd01+ x9 ") == [
        "1Z999",
        "00340434",
        "JD01",
        "X9",
    ]


@pytest.mark.parametrize(
    ("count", "ref", "expected"),
    [
        (1, None, [None]),
        (3, "  ", [None, None, None]),
        (1, "abc 123", ["ABC123"]),
        (2, "A1,B2", ["A1", "B2"]),
        (3, "A1+B2, C3", ["A1", "B2", "C3"]),
    ],
)
def test_tracking_numbers_go_one_per_package(count, ref, expected):
    assert assign_tracking_numbers(count, ref) == expected


@pytest.mark.parametrize(
    ("count", "ref", "message"),
    [
        (2, "A1,B2,C3", "3 tracking numbers for 2 packages"),
        (2, "A1", "1 tracking number for 2 packages"),
        (1, "A1,B2", "2 tracking numbers for 1 package:"),
    ],
)
def test_tracking_numbers_that_do_not_match_the_packages(count, ref, message):
    with pytest.raises(ShipmentError) as caught:
        assign_tracking_numbers(count, ref)
    assert str(caught.value).startswith(message)
    assert "give one per package, separated by commas" in str(caught.value)


def test_a_delivery_has_a_package():
    with pytest.raises(ValueError):
        assign_tracking_numbers(0, "A1")


# -- carriers -----------------------------------------------------------------


def test_a_known_code_is_sent_as_is():
    carrier = Carrier.of("DHL", "DHL Paket", "Paket")
    assert carrier == Carrier(code="DHL", name="DHL Paket", shipping_method="Paket")
    assert not carrier.is_other
    assert Carrier.of(" dhl ecommerce ", None, None).code == "DHL eCommerce"
    assert Carrier.of("Royal Mail", None, "Tracked 24").shipping_method == (
        "Tracked 24"
    )


def test_the_shipping_method_falls_back_to_the_carrier_name():
    assert Carrier.of("UPS", "UPS Standard", None).shipping_method == "UPS Standard"
    assert Carrier.of("UPS", None, "  ").shipping_method is None


@pytest.mark.parametrize(
    ("code", "name", "carrier_name"),
    [
        (None, "Spedizioni Rossi", "Spedizioni Rossi"),
        ("", "Spedizioni Rossi", "Spedizioni Rossi"),
        ("Other", "Spedizioni Rossi", "Spedizioni Rossi"),
        ("Rossi Express", "Spedizioni Rossi", "Spedizioni Rossi"),
        ("Rossi Express", None, "Rossi Express"),
    ],
)
def test_an_unknown_carrier_goes_as_other_with_its_name(code, name, carrier_name):
    carrier = Carrier.of(code, name, None)
    assert carrier.code == OTHER and carrier.is_other
    assert carrier.name == carrier_name


@pytest.mark.parametrize(("code", "name"), [(None, None), ("", " "), ("Other", None)])
def test_a_carrier_without_any_name_is_refused(code, name):
    with pytest.raises(ShipmentError) as caught:
        Carrier.of(code, name, "Express")
    assert str(caught.value).startswith("the delivery has no carrier name: set a")


def test_carrier_codes():
    codes = [code for code, _label in CARRIER_CODES]
    assert len(codes) == len(set(codes)) >= 70
    assert all(label for _code, label in CARRIER_CODES)
    for code in (
        "USPS",
        "UPS",
        "UPS Mail Innovations",
        "FedEx",
        "FedEx SmartPost",
        "DHL",
        "DHL eCommerce",
        "DHL Global Mail",
        "DPD",
        "GLS",
        "Royal Mail",
        "Parcelforce",
        "Yodel",
        "Deutsche Post",
        "La Poste",
        "Colissimo",
        "Chronopost",
        "Correos",
        "MRW",
        "Nacex",
        "BRT",
        "Poste Italiane",
        "SDA",
        "TNT",
        "PostNord",
        "InPost",
        "Canada Post",
        "Japan Post",
        "Australia Post",
        "Aramex",
        "Delhivery",
        "India Post",
        "OnTrac",
        "Amazon Shipping",
        OTHER,
    ):
        assert is_known(code), code
    assert not is_known("dhl") and not is_known(None) and not is_known("")
    # canonical() tells every code apart, whatever the case and separators
    keys = {re.sub(r"[\s_-]", "", code).casefold() for code in codes}
    assert len(keys) == len(codes)
    assert all(canonical(code) == code for code in codes)
    assert canonical("yamato transport") == "YamatoTransport"
    assert canonical("Nowhere Express") is None and canonical(None) is None
    assert carrier_codes.OTHER == "Other"


# -- confirmShipment bodies -----------------------------------------------------


def test_confirm_shipment_body():
    body = confirm_shipment_body(
        DE,
        package(2, items=(("111", 2), ("222", 1))),
        Carrier.of("DHL", "DHL", "Paket"),
        SHIPPED_AT,
    )
    assert body == {
        "marketplaceId": DE,
        "packageDetail": {
            "packageReferenceId": "2",
            "carrierCode": "DHL",
            "shippingMethod": "Paket",
            "trackingNumber": "00340434161094042557",
            "shipDate": "2026-11-02T10:00:00Z",
            "orderItems": [
                {"orderItemId": "111", "quantity": 2},
                {"orderItemId": "222", "quantity": 1},
            ],
        },
    }
    assert list(body["packageDetail"]) == [
        "packageReferenceId",
        "carrierCode",
        "shippingMethod",
        "trackingNumber",
        "shipDate",
        "orderItems",
    ]


def test_confirm_shipment_body_for_another_carrier():
    detail = confirm_shipment_body(
        DE, package(), Carrier.of(None, "Spedizioni Rossi", None), SHIPPED_AT
    )["packageDetail"]
    assert detail["carrierCode"] == "Other"
    assert detail["carrierName"] == "Spedizioni Rossi"
    assert detail["shippingMethod"] == "Spedizioni Rossi"
    bare = confirm_shipment_body(
        DE, package(), Carrier.of("UPS", None, None), SHIPPED_AT
    )["packageDetail"]
    assert "carrierName" not in bare and "shippingMethod" not in bare


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 11, 2, 10, 0, 59, 999999), "2026-11-02T10:00:59Z"),  # naive
        (
            datetime(2026, 11, 2, 11, 0, tzinfo=timezone(timedelta(hours=1))),
            "2026-11-02T10:00:00Z",
        ),
        (
            datetime(2026, 11, 2, 1, 30, tzinfo=timezone(timedelta(hours=-9))),
            "2026-11-02T10:30:00Z",
        ),
    ],
)
def test_ship_date_is_utc(moment, expected):
    body = confirm_shipment_body(DE, package(), Carrier.of("UPS", None, None), moment)
    assert body["packageDetail"]["shipDate"] == expected


def test_lines_of_the_same_item_are_added_up():
    body = confirm_shipment_body(
        DE,
        package(items=(("111", 1), ("222", 1), ("111", 2))),
        Carrier.of("UPS", None, None),
        SHIPPED_AT,
    )
    assert body["packageDetail"]["orderItems"] == [
        {"orderItemId": "111", "quantity": 3},
        {"orderItemId": "222", "quantity": 1},
    ]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"tracking": None}, "package 1 has no tracking number"),
        ({"tracking": ""}, "package 1 has no tracking number"),
        ({"items": ()}, "package 1 holds no Amazon order item"),
        ({"items": (("111", 0),)}, "item 111: the quantity shipped must be positive"),
        ({"items": (("111", -1),)}, "item 111: the quantity shipped must be positive"),
        ({"reference": 0}, "package reference 0 is not a positive number"),
        ({"reference": -3}, "package reference -3 is not a positive number"),
    ],
)
def test_what_cannot_be_confirmed(changes, message):
    with pytest.raises(ShipmentError) as caught:
        confirm_shipment_body(
            DE, package(**changes), Carrier.of("UPS", None, None), SHIPPED_AT
        )
    assert str(caught.value).startswith(message)


def test_confirm_shipment_body_needs_a_marketplace():
    with pytest.raises(ShipmentError):
        confirm_shipment_body("", package(), Carrier.of("UPS", None, None), SHIPPED_AT)


@pytest.mark.parametrize(
    ("carrier", "items"),
    [
        (("DHL", "DHL", "Paket"), (("111", 1),)),
        (("Other", "Spedizioni Rossi", "Express"), (("111", 2), ("222", 5))),
        (("Royal Mail", None, None), (("111", 1),)),
        (("Lasership", None, None), (("111", 1), ("111", 1))),
    ],
)
def test_bodies_validate_against_the_official_model(carrier, items):
    validator = confirm_shipment_validator()
    body = confirm_shipment_body(
        DE, package(7, items=items), Carrier.of(*carrier), SHIPPED_AT
    )
    validator.validate(body)
    # the strict model refuses what it does not define: the check is not empty
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(
            {**body, "packageDetail": {**body["packageDetail"], "carrier": "DHL"}}
        )


# -- planned quantities -------------------------------------------------------


def test_check_quantities():
    ordered = {"111": 3, "222": 1}
    check_quantities({"111": 2}, ordered, {"111": 1})
    check_quantities({"111": 3, "222": 1}, ordered, {})
    check_quantities({}, ordered, {"111": 3})


@pytest.mark.parametrize(
    ("shipping", "already", "message"),
    [
        (
            {"111": 2},
            {"111": 2},
            "item 111: 2 to ship and 2 already shipped exceed the 3 ordered",
        ),
        ({"222": 2}, {}, "item 222: 2 to ship and 0 already shipped exceed the 1"),
        ({"999": 1}, {}, "item 999 is not part of the Amazon order"),
        (
            {"999": 1, "222": 5},
            {},
            "item 999 is not part of the Amazon order; item 222: 5 to ship",
        ),
    ],
)
def test_check_quantities_names_the_item(shipping, already, message):
    with pytest.raises(ShipmentError) as caught:
        check_quantities(shipping, {"111": 3, "222": 1}, already)
    assert str(caught.value).startswith(message)
