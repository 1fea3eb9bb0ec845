"""Calling Partner Central politely: one botocore client, paced to the published rate,
retrying throttling and transient faults with exponential back-off, and cancellable at any
wait.

The retries are this module's own loop, with botocore's retries off
(``total_max_attempts=1``): botocore's standard mode would retry the same errors, but it
sleeps inside the call, where a Cancel cannot reach it, and on its own schedule, which a test
cannot shorten. Here every wait is ``cancel.wait(...)``, so Cancel ends a sync within
moments even in the middle of a 30-second back-off.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from botocore.client import BaseClient

SERVICE_NAME: Final = "partnercentral-selling"
REGION: Final = "us-east-1"
"""Partner Central's Selling API is served from us-east-1 only."""

RETRYABLE_CODES: Final = frozenset(
    {
        "ThrottlingException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "InternalServerException",
        "InternalFailure",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "RequestTimeout",
        "RequestTimeoutException",
    }
)


class PartnerCentralError(Exception):
    """Partner Central cannot be used for this sync; ``str`` is one sentence for the admin."""


class SyncCancelled(Exception):  # noqa: N818 (not an error: the admin asked for it)
    """The admin cancelled while a call was waiting its turn or backing off."""


@dataclass(frozen=True, slots=True)
class Connection:
    catalog: str
    """``AWS`` or ``Sandbox``."""
    profile: str | None = None
    """An AWS profile from ``~/.aws/config``; None with a loopback ``endpoint_url`` uses
    dummy credentials (a local emulator checks none)."""
    endpoint_url: str | None = None

    @property
    def endpoint_label(self) -> str:
        """Which service the cursor belongs to: empty for Partner Central itself."""
        return self.endpoint_url or ""

    @property
    def is_local(self) -> bool:
        if not self.endpoint_url:
            return False
        host = urlsplit(self.endpoint_url).hostname or ""
        return host in ("127.0.0.1", "::1", "localhost")


@dataclass(frozen=True, slots=True)
class Pace:
    requests_per_second: float | None = 1.0
    """Partner Central publishes about 1 request per second for writes and 10 for reads; the
    sync keeps to 1/s so it never competes with a partner's own integration. None: unpaced
    (tests and the bench)."""
    max_attempts: int = 6
    base_delay: float = 1.0
    """The first back-off; each further one doubles, up to ``max_delay``, with jitter."""
    max_delay: float = 30.0


@dataclass(frozen=True, slots=True)
class Waiting:
    """What a call is waiting for, for the progress line."""

    seconds: float
    reason: str
    attempt: int


def make_client(connection: Connection) -> BaseClient:
    """A botocore client for the connection. Raises ``PartnerCentralError``."""
    import botocore.session
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ProfileNotFound

    config = Config(
        retries={"total_max_attempts": 1},
        connect_timeout=5,
        read_timeout=30,
        user_agent_extra="cloudroute-desk-sync",
    )
    if connection.endpoint_url and not urlsplit(connection.endpoint_url).scheme.startswith("http"):
        raise PartnerCentralError(
            f"The endpoint URL {connection.endpoint_url!r} must start with http:// or https://."
        )
    try:
        session = botocore.session.Session(profile=connection.profile)
        credentials: dict[str, str] = {}
        if connection.profile is None and connection.is_local:
            credentials = {"aws_access_key_id": "local", "aws_secret_access_key": "local"}
        client = session.create_client(
            SERVICE_NAME,
            region_name=REGION,
            endpoint_url=connection.endpoint_url,
            config=config,
            **credentials,
        )
        if not credentials and session.get_credentials() is None:
            raise PartnerCentralError(
                f"No AWS credentials for profile {connection.profile or 'default'}: run "
                f"`aws configure --profile {connection.profile or 'default'}` or "
                "`aws sso login`."
            )
    except ProfileNotFound:
        raise PartnerCentralError(
            f"There is no AWS profile named {connection.profile!r} in ~/.aws/config."
        ) from None
    except BotoCoreError as error:
        raise PartnerCentralError(f"Partner Central cannot be reached: {error}") from None
    return client


def _is_transient(error: Exception) -> bool:
    from botocore.exceptions import (
        ClientError,
        ConnectionClosedError,
        ConnectTimeoutError,
        EndpointConnectionError,
        ReadTimeoutError,
    )

    if isinstance(error, ClientError):
        code = error.response.get("Error", {}).get("Code", "")
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        return code in RETRYABLE_CODES or status >= 500
    return isinstance(
        error,
        EndpointConnectionError | ConnectionClosedError | ReadTimeoutError | ConnectTimeoutError,
    )


def _reason(error: Exception) -> str:
    from botocore.exceptions import ClientError

    if isinstance(error, ClientError):
        code = error.response.get("Error", {}).get("Code", "")
        if code in ("ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded"):
            return "Partner Central asked us to slow down"
        return f"Partner Central answered {code or 'a server error'}"
    return "Partner Central did not answer"


def _sentence(operation: str, error: Exception) -> str:
    from botocore.exceptions import ClientError

    if isinstance(error, ClientError):
        details = error.response.get("Error", {})
        code, message = details.get("Code", "an error"), details.get("Message", "")
        if code == "AccessDeniedException":
            return (
                f"Partner Central refused {operation} (AccessDeniedException): the profile's role "
                f"needs partnercentral:{operation} on this catalog. {message}".strip()
            )
        return f"Partner Central refused {operation} ({code}): {message}".strip()
    return f"{operation} failed: {error}"


class PoliteCaller:
    """Calls one client's operations at most ``requests_per_second``, retrying what is
    transient. ``retries`` counts the retried attempts (the report and the bench read it)."""

    def __init__(
        self,
        client: BaseClient,
        pace: Pace,
        cancel: threading.Event,
        *,
        on_wait: Callable[[Waiting], None] | None = None,
        jitter: Callable[[], float] = random.random,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._pace = pace
        self._cancel = cancel
        self._on_wait = on_wait
        self._jitter = jitter
        self._clock = clock
        self._next_turn = 0.0
        self.retries = 0
        self.requests = 0

    def call(self, operation: str, **params: Any) -> dict[str, Any]:
        """``operation`` is botocore's snake_case name, e.g. ``list_opportunities``. Raises
        ``SyncCancelled`` or ``PartnerCentralError``."""
        method = getattr(self._client, operation)
        api_name = self._client.meta.method_to_api_mapping.get(operation, operation)
        attempt = 1
        while True:
            self._wait_turn()
            self.requests += 1
            try:
                answer: dict[str, Any] = method(**params)
                return answer
            except Exception as error:
                from botocore.exceptions import BotoCoreError, ClientError

                if not isinstance(error, ClientError | BotoCoreError):
                    raise
                if not _is_transient(error):
                    raise PartnerCentralError(_sentence(api_name, error)) from error
                if attempt >= self._pace.max_attempts:
                    times = "once" if attempt == 1 else f"{attempt} times in a row"
                    raise PartnerCentralError(
                        f"{_reason(error)} on {api_name} {times}; try again later (the next "
                        "sync resumes where this one stopped)."
                    ) from error
                delay = min(self._pace.max_delay, self._pace.base_delay * 2 ** (attempt - 1))
                delay *= 0.5 + self._jitter() / 2
                self.retries += 1
                self._sleep(Waiting(delay, _reason(error), attempt))
                attempt += 1

    def _wait_turn(self) -> None:
        rate = self._pace.requests_per_second
        if rate is None:
            if self._cancel.is_set():
                raise SyncCancelled
            return
        wait = self._next_turn - self._clock()
        if wait > 0:
            self._sleep(None, wait)
        elif self._cancel.is_set():
            raise SyncCancelled
        self._next_turn = max(self._clock(), self._next_turn) + 1.0 / rate

    def _sleep(self, waiting: Waiting | None, seconds: float | None = None) -> None:
        if waiting is not None and self._on_wait is not None:
            self._on_wait(waiting)
        if self._cancel.wait(waiting.seconds if waiting is not None else seconds or 0.0):
            raise SyncCancelled
