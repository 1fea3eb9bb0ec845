"""The service's errors, as the emulator raises them and the wire sends them.

Each carries the name of one of the model's error shapes: botocore reads that name from the
``__type`` of the response body and raises ``ClientError`` with it as the code, and copies the
shape's extra members (``Reason``, ``ErrorList``) into ``error.response``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

REQUEST_VALIDATION_FAILED: Final = "REQUEST_VALIDATION_FAILED"
BUSINESS_VALIDATION_FAILED: Final = "BUSINESS_VALIDATION_FAILED"

_STATUS: Final = {
    "ValidationException": 400,
    "ConflictException": 409,
    "ResourceNotFoundException": 404,
    "AccessDeniedException": 403,
    "ThrottlingException": 429,
    "ServiceQuotaExceededException": 402,
    "InternalServerException": 500,
    "ServiceUnavailableException": 503,
}


@dataclass(frozen=True, slots=True)
class FieldError:
    field_name: str
    code: str
    """One of the model's ValidationExceptionErrorCode values."""
    message: str

    def to_wire(self) -> dict[str, str]:
        return {"FieldName": self.field_name, "Message": self.message, "Code": self.code}


@dataclass(slots=True)
class ServiceError(Exception):
    code: str
    """An error shape's name: ``ValidationException``, ``ConflictException``, ..."""
    message: str
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        Exception.__init__(self, f"{self.code}: {self.message}")

    @property
    def status(self) -> int:
        return _STATUS.get(self.code, 400)

    def body(self) -> dict[str, Any]:
        return {"__type": self.code, "Message": self.message, **self.extra}


def validation_error(errors: list[FieldError], *, reason: str) -> ServiceError:
    first = errors[0]
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return ServiceError(
        "ValidationException",
        f"{first.field_name}: {first.message}{more}",
        {"Reason": reason, "ErrorList": [error.to_wire() for error in errors]},
    )


def business_error(field_name: str, code: str, message: str) -> ServiceError:
    return validation_error(
        [FieldError(field_name, code, message)], reason=BUSINESS_VALIDATION_FAILED
    )


def not_found(message: str) -> ServiceError:
    return ServiceError("ResourceNotFoundException", message)


def conflict(message: str) -> ServiceError:
    return ServiceError("ConflictException", message)
