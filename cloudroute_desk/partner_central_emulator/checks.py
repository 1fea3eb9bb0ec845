"""Every request checked against the service model before the emulator acts on it.

Two model-driven checkers, no rule typed by hand: botocore's own ``ParamValidator`` (required
members, types, ``min``: what a real client would also catch, here caught again for callers
that bypass it) and the app's ``api_model.check_request`` (enums, patterns, lengths, list and
integer bounds: what only the server catches). Their findings become one
``ValidationException`` with ``Reason = REQUEST_VALIDATION_FAILED`` and an ``ErrorList``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from cloudroute_desk.domain.ace.api_model import check_request
from cloudroute_desk.partner_central_emulator.errors import (
    REQUEST_VALIDATION_FAILED,
    FieldError,
    ServiceError,
    validation_error,
)

if TYPE_CHECKING:
    from botocore.model import OperationModel

_PARAM_VALIDATOR_CODES: Final = {
    "missing required field": "REQUIRED_FIELD_MISSING",
    "unknown field": "INVALID_VALUE",
    "invalid type": "INVALID_VALUE",
    "invalid range": "VALUE_OUT_OF_RANGE",
    "invalid length": "NOT_ENOUGH_VALUES",
}


def request_errors(operation: OperationModel, params: dict[str, Any]) -> list[FieldError]:
    from botocore.validate import ParamValidator

    shape = operation.input_shape
    if shape is None:
        return []
    found: list[FieldError] = []
    report = ParamValidator().validate(params, shape)
    for kind, name, details in report._errors:  # the report's only structured form
        path = name.lstrip(".")
        message = report._format_error((kind, name, details))
        if kind == "missing required field":
            path = f"{path}.{details['required_name']}" if path else details["required_name"]
        elif kind == "unknown field":
            path = f"{path}.{details['unknown_param']}" if path else details["unknown_param"]
        found.append(FieldError(path, _PARAM_VALIDATOR_CODES.get(kind, "INVALID_VALUE"), message))
    named = {error.field_name for error in found}
    for violation in check_request(params, operation.name):
        if violation.path not in named:
            found.append(FieldError(violation.path, violation.code, violation.message))
            named.add(violation.path)
    return found


def check(operation: OperationModel, params: dict[str, Any]) -> None:
    """Raises the ``ValidationException`` the service would send for a malformed request."""
    errors = request_errors(operation, params)
    if errors:
        raise validation_error(errors, reason=REQUEST_VALIDATION_FAILED)


def body_is_object(body: object) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise ServiceError(
            "ValidationException",
            "The request body must be a JSON object.",
            {"Reason": REQUEST_VALIDATION_FAILED, "ErrorList": []},
        )
    return body
