"""One request through the emulator: quota, injected faults, decoding, the model's checks, the
operation, and the answer in the wire's shape. The HTTP handler is a thin shell around this."""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from cloudroute_desk.partner_central_emulator import checks, wire
from cloudroute_desk.partner_central_emulator.errors import ServiceError
from cloudroute_desk.partner_central_emulator.store import PartnerCentralState
from cloudroute_desk.partner_central_emulator.throttle import Rates, Throttle

Handler = Callable[[PartnerCentralState, dict[str, Any]], dict[str, Any]]

OPERATIONS: Final[dict[str, Handler]] = {
    "CreateOpportunity": PartnerCentralState.create_opportunity,
    "UpdateOpportunity": PartnerCentralState.update_opportunity,
    "GetOpportunity": PartnerCentralState.get_opportunity,
    "ListOpportunities": PartnerCentralState.list_opportunities,
    "GetAwsOpportunitySummary": PartnerCentralState.get_aws_opportunity_summary,
    "SubmitOpportunity": PartnerCentralState.submit_opportunity,
}
"""What the emulator serves; any other operation of the model is refused as not emulated."""

TRANSIENT_FAULTS: Final = ("InternalServerException", "ServiceUnavailableException")


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    body: dict[str, Any]

    def text(self) -> bytes:
        return json.dumps(self.body, ensure_ascii=False).encode("utf-8")


class Emulator:
    """The state behind a quota. ``calls`` counts the requests each operation answered."""

    def __init__(
        self, state: PartnerCentralState | None = None, rates: Rates | None = None
    ) -> None:
        self.state = state if state is not None else PartnerCentralState()
        self.throttle = Throttle(Rates() if rates is None else rates)
        self._lock = threading.Lock()
        self._faults: deque[str] = deque()
        self.calls: dict[str, int] = {}

    def fail_next(self, count: int, code: str = "InternalServerException") -> None:
        """The next ``count`` service calls fail with ``code`` (a transient server fault), to
        test a client's retries."""
        if code not in TRANSIENT_FAULTS:
            raise ValueError(f"{code} is not one of {', '.join(TRANSIENT_FAULTS)}")
        with self._lock:
            self._faults.extend([code] * count)

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def handle(self, target: str, body: bytes, *, quota: bool = True) -> Reply:
        """One request; ``quota=False`` for loading state (the command's ``--create``), which
        no client's quota covers."""
        try:
            return Reply(200, self._answer(target, body, quota))
        except ServiceError as error:
            return Reply(error.status, error.body())

    def _answer(self, target: str, raw: bytes, quota: bool) -> dict[str, Any]:
        operation = wire.operation_for_target(target)
        if operation is None or operation.name not in OPERATIONS:
            raise ServiceError(
                "UnknownOperationException", f"The emulator does not serve {target!r}."
            )
        if quota and not self.throttle.admit(operation.name):
            raise ServiceError("ThrottlingException", "Rate exceeded")
        with self._lock:
            fault = self._faults.popleft() if self._faults else None
        if fault is not None:
            raise ServiceError(fault, "An internal error occurred; retry the request.")
        try:
            body = json.loads(raw.decode("utf-8")) if raw.strip() else {}
        except (UnicodeDecodeError, json.JSONDecodeError):
            body = None
        shape = operation.input_shape
        assert shape is not None  # every served operation takes input
        params = wire.decode(checks.body_is_object(body), shape)
        checks.check(operation, params)
        answer = OPERATIONS[operation.name](self.state, params)
        with self._lock:
            self.calls[operation.name] = self.calls.get(operation.name, 0) + 1
        return wire.output(operation, answer)
