"""The simulator's one JSON-schema validator, against Amazon's official models.

``schema_errors`` validates an instance against a JSON schema and lists what is wrong,
one ``"path/to/field: message"`` per error: the listings feed and its messages
(Draft 7 schemas) and the orders (a definition of a swagger 2.0 model, Draft 4) go
through it.

``check_order`` is the gate every order goes through on its way into the simulator
(hand-made by a test, generated for the demo): it must be an ``Order`` of the Orders
API v2026-01-01 model, checked strictly (an object may hold no property the model does
not define, so a misspelt field name is refused too). When the models are not
available, the check is skipped with one logged warning (``models.try_load_model``)
and only the fields the simulator itself needs are checked.
"""

from __future__ import annotations

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from .models import try_load_model

ORDERS_MODEL = "orders_2026-01-01.json"
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
