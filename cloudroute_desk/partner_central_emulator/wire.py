"""The awsJson1_0 protocol, driven by the service model's shapes.

A request is ``POST /`` with ``X-Amz-Target: AWSPartnerCentralSelling.<Operation>`` and a JSON
body; timestamps travel as ISO 8601 text (the model's ``DateTime`` shape says
``timestampFormat: iso8601``). A reply is JSON shaped like the operation's output; an error is
``{"__type": <error shape>, "Message": ..., <its members>}`` with an HTTP error status.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

from cloudroute_desk.domain.ace.api_model import service_model

if TYPE_CHECKING:
    from botocore.model import OperationModel, Shape

CONTENT_TYPE: Final = "application/x-amz-json-1.0"


def target_prefix() -> str:
    return str(service_model().metadata["targetPrefix"])


def operation_for_target(target: str) -> OperationModel | None:
    """The operation an ``X-Amz-Target`` header names, or None for anything else."""
    prefix, dot, name = target.partition(".")
    if not dot or prefix != target_prefix() or name not in service_model().operation_names:
        return None
    return service_model().operation_model(name)


def parse_time(value: Any) -> datetime | None:
    """An ISO 8601 text or epoch seconds as an aware UTC datetime; None if it is neither."""
    from botocore.utils import parse_timestamp

    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    try:
        parsed: datetime = parse_timestamp(value)
    except (ValueError, TypeError, OverflowError):
        return None
    return parsed.astimezone(UTC)


def format_time(value: datetime) -> str:
    """Milliseconds and a Z, as Partner Central writes them: ``2026-12-01T20:37:46.123Z``."""
    text = value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")
    return text[:-3] + "Z"


def decode(value: Any, shape: Shape) -> Any:
    """The request body with its timestamps as datetimes; anything that does not fit the
    shape is left as sent, for the validator to name."""
    if shape.type_name == "structure" and isinstance(value, Mapping):
        members = shape.members
        return {
            key: decode(item, members[key]) if key in members else item
            for key, item in value.items()
        }
    if shape.type_name == "list" and isinstance(value, list):
        return [decode(item, shape.member) for item in value]
    if shape.type_name == "timestamp":
        parsed = parse_time(value)
        return value if parsed is None else parsed
    return value


def encode(value: Any, shape: Shape) -> Any:
    """``value`` cut down to the members ``shape`` has, timestamps as ISO text. Projecting
    one stored opportunity through GetOpportunity's or ListOpportunities' output shape gives
    exactly the members each answer carries."""
    if shape.type_name == "structure":
        if not isinstance(value, Mapping):
            return None
        out: dict[str, Any] = {}
        for key, member in shape.members.items():
            if key in value and value[key] is not None:
                encoded = encode(value[key], member)
                if encoded is not None:
                    out[key] = encoded
        return out
    if shape.type_name == "list":
        if not isinstance(value, list | tuple):
            return None
        return [encode(item, shape.member) for item in value]
    if shape.type_name == "timestamp":
        if isinstance(value, datetime):
            return format_time(value)
        parsed = parse_time(value)
        return None if parsed is None else format_time(parsed)
    return value


def output(operation: OperationModel, value: Mapping[str, Any]) -> dict[str, Any]:
    shape = operation.output_shape
    if shape is None:
        return {}
    encoded = encode(value, shape)
    return encoded if isinstance(encoded, dict) else {}
