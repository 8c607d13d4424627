"""The simulator's one JSON-schema validator, against Amazon's official models.

``schema_errors`` validates an instance against a JSON schema and lists what is wrong,
one ``"path/to/field: message"`` per error: the listings feed and its messages
(Draft 7 schemas) and the orders (a definition of a swagger 2.0 model, Draft 4) go
through it.

``check_order`` is the gate every order goes through on its way into the simulator
(hand-made by a test, generated for the demo): it must be an ``Order`` of the Orders
API v2026-01-01 model, checked strictly (an object may hold no property the model does
not define, so a misspelt field name is refused too). ``check_confirm_shipment`` does
the same for the body of a confirmShipment call (``ConfirmShipmentRequest`` of the
Orders API v0 model) and answers Amazon's 400. When the models are not available, the
checks are skipped with one logged warning (``models.try_load_model``) and only the
fields the simulator itself needs are checked.
"""

from __future__ import annotations

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from .errors import invalid_input
from .models import try_load_model

ORDERS_MODEL = "orders_2026-01-01.json"
ORDERS_V0_MODEL = "ordersV0.json"
#: What the simulator needs of an order to store and search it.
ORDER_REQUIRED = (
    "orderId",
    "createdTime",
    "lastUpdatedTime",
    "salesChannel",
    "orderItems",
)


class InvalidOrderPayload(ValueError):
    """An order that is not Amazon's shape: the message names the order and each
    offending field."""


def schema_errors(
    schema: dict | None,
    instance,
    *,
    validator_class=jsonschema.Draft7Validator,
    registry: Registry | None = None,
) -> list[str]:
    """What makes ``instance`` invalid against ``schema``: ``"path: message"`` each
    (``(root)`` for the instance itself), at most 300 characters; nothing when there
    is no schema."""
    if schema is None:
        return []
    options = {"registry": registry} if registry is not None else {}
    validator = validator_class(schema, **options)
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(root)'}: {error.message}"[
            :300
        ]
        for error in validator.iter_errors(instance)
    ]


def strict(node):
    """A copy of a schema where objects with properties reject unknown properties."""
    if isinstance(node, dict):
        result = {key: strict(value) for key, value in node.items()}
        if "properties" in result and "additionalProperties" not in result:
            result["additionalProperties"] = False
        return result
    if isinstance(node, list):
        return [strict(value) for value in node]
    return node


_registries: dict[tuple[str, bool], Registry] = {}


def _model_registry(name: str, strict_objects: bool) -> Registry | None:
    """The model file as a registry of schemas; ``None`` when it cannot be had (not
    remembered: the models may be provided later)."""
    key = (name, strict_objects)
    if key not in _registries:
        document = try_load_model(name)
        if document is None:
            return None
        contents = strict(document) if strict_objects else document
        resource = Resource.from_contents(contents, default_specification=DRAFT4)
        _registries[key] = Registry().with_resource(f"urn:{name}", resource)
    return _registries[key]


def definition_errors(
    name: str, definition: str, instance, *, strict_objects: bool = True
) -> list[str] | None:
    """What makes ``instance`` invalid as ``definition`` of the swagger 2.0 model file
    ``name``; ``None`` when the models are not available (a warning is logged)."""
    registry = _model_registry(name, strict_objects)
    if registry is None:
        return None
    return schema_errors(
        {"$ref": f"urn:{name}#/definitions/{definition}"},
        instance,
        validator_class=jsonschema.Draft4Validator,
        registry=registry,
    )


def check_order(order) -> None:
    """Raise ``InvalidOrderPayload`` unless ``order`` is an ``Order`` of the Orders
    API v2026-01-01 model (see the module's documentation)."""
    order_id = order.get("orderId") if isinstance(order, dict) else None
    errors = definition_errors(ORDERS_MODEL, "Order", order)
    if errors is None:  # no models: what the simulator itself relies on
        if not isinstance(order, dict):
            errors = ["(root): an order must be an object"]
        else:
            errors = [
                f"(root): {key!r} is a required property"
                for key in ORDER_REQUIRED
                if key not in order
            ]
    if errors:
        shown = "; ".join(errors[:10])
        more = f" (and {len(errors) - 10} more)" if len(errors) > 10 else ""
        raise InvalidOrderPayload(
            f"order {order_id or '(no orderId)'} is not an Order of {ORDERS_MODEL}: "
            f"{shown}{more}"
        )


def _basic_confirm_shipment_errors(body) -> list[str]:
    """What the simulator relies on in a confirmShipment body, for when the model
    is not available."""
    if not isinstance(body, dict):
        return ["(root): the request body must be an object"]
    errors = [
        f"(root): {key!r} is a required property"
        for key in ("marketplaceId", "packageDetail")
        if key not in body
    ]
    detail = body.get("packageDetail")
    if not isinstance(detail, dict):
        return errors or ["packageDetail: must be an object"]
    for key in ("packageReferenceId", "carrierCode", "trackingNumber", "shipDate"):
        if key not in detail:
            errors.append(f"packageDetail: {key!r} is a required property")
        elif not isinstance(detail[key], str):
            errors.append(f"packageDetail/{key}: must be a string")
    lines = detail.get("orderItems")
    if not isinstance(lines, list):
        errors.append("packageDetail/orderItems: must be an array")
        return errors
    for index, line in enumerate(lines):
        where = f"packageDetail/orderItems/{index}"
        if not isinstance(line, dict):
            errors.append(f"{where}: must be an object")
            continue
        if not isinstance(line.get("orderItemId"), str):
            errors.append(f"{where}/orderItemId: must be a string")
        quantity = line.get("quantity")
        if not isinstance(quantity, int) or isinstance(quantity, bool):
            errors.append(f"{where}/quantity: must be an integer")
    return errors


def check_confirm_shipment(body) -> None:
    """Raise Amazon's 400 ``InvalidInput`` (``SpApiError``) naming each offending
    field unless ``body`` is a ``ConfirmShipmentRequest`` of the Orders API v0
    model, checked strictly."""
    errors = definition_errors(ORDERS_V0_MODEL, "ConfirmShipmentRequest", body)
    if errors is None:  # no models: what the simulator itself relies on
        errors = _basic_confirm_shipment_errors(body)
    if errors:
        shown = "; ".join(errors[:10])
        more = f" (and {len(errors) - 10} more)" if len(errors) > 10 else ""
        raise invalid_input(
            f"The request body is not a valid ConfirmShipmentRequest: {shown}{more}"
        )
