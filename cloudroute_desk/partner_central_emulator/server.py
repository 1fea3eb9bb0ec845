"""The emulator on HTTP: ``POST /`` speaks the service's protocol, ``/_emulator/...`` lets a
test or a demo act as AWS (review an opportunity, inject faults, change the quota, read the
state). Loopback only: the emulator has no authentication to speak of and must not be reached
from another computer.
"""

from __future__ import annotations

import ipaddress
import json
import threading
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Final

from cloudroute_desk.partner_central_emulator import wire
from cloudroute_desk.partner_central_emulator.errors import ServiceError
from cloudroute_desk.partner_central_emulator.service import Emulator, Reply
from cloudroute_desk.partner_central_emulator.throttle import Rates

ADMIN_PREFIX: Final = "/_emulator/"
_MAX_BODY: Final = 8 * 1024 * 1024


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > _MAX_BODY:
            self._send(Reply(413, {"__type": "ValidationException", "Message": "Body too large"}))
            self.close_connection = True
            return
        body = self.rfile.read(length)
        if self.path.startswith(ADMIN_PREFIX):
            self._send(self.server.admin(self.path[len(ADMIN_PREFIX) :], body))
            return
        if "Authorization" not in self.headers:
            self._send(
                Reply(
                    403,
                    ServiceError("AccessDeniedException", "Missing Authentication Token").body(),
                )
            )
            return
        self._send(self.server.emulator.handle(self.headers.get("X-Amz-Target", ""), body))

    def do_GET(self) -> None:
        if self.path == ADMIN_PREFIX + "state":
            self._send(Reply(200, self.server.emulator.state.to_json()))
        else:
            self._send(Reply(404, {"Message": f"Nothing at {self.path}"}))

    def _send(self, reply: Reply) -> None:
        text = reply.text()
        self.send_response(reply.status)
        self.send_header("Content-Type", wire.CONTENT_TYPE)
        self.send_header("Content-Length", str(len(text)))
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        if reply.status >= 400 and "__type" in reply.body:
            self.send_header("x-amzn-ErrorType", str(reply.body["__type"]))
        self.end_headers()
        self.wfile.write(text)

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.log is not None:
            self.server.log(f"{self.address_string()} {format % args}")


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self, address: tuple[str, int], emulator: Emulator, log: Callable[[str], None] | None
    ) -> None:
        super().__init__(address, _Handler)
        self.emulator = emulator
        self.log = log

    def admin(self, action: str, raw: bytes) -> Reply:
        try:
            data = json.loads(raw or b"{}")
            if not isinstance(data, dict):
                raise ValueError("the body must be a JSON object")
            return Reply(200, self._admin(action, data))
        except ServiceError as error:
            return Reply(error.status, error.body())
        except (ValueError, KeyError, TypeError) as error:
            return Reply(400, {"__type": "ValidationException", "Message": str(error)})

    def _admin(self, action: str, data: dict[str, Any]) -> dict[str, Any]:
        if action == "review":
            opportunity = self.emulator.state.review(
                data["Catalog"],
                data["Identifier"],
                data["ReviewStatus"],
                reason=data.get("ReviewStatusReason"),
                comments=data.get("ReviewComments"),
                aws_stage=data.get("AwsStage"),
            )
            return {
                "Id": opportunity.id,
                "ReviewStatus": opportunity.review_status,
                "LastModifiedDate": wire.format_time(opportunity.modified),
            }
        if action == "faults":
            self.emulator.fail_next(int(data["Count"]), data.get("Code", "InternalServerException"))
            return {}
        if action == "rates":
            self.emulator.throttle.set_rates(
                Rates(reads=data.get("Reads"), writes=data.get("Writes"))
            )
            return {}
        raise KeyError(f"unknown admin action {action!r}")


class EmulatorServer:
    """The emulator serving on 127.0.0.1 from a thread of its own::

    with EmulatorServer(Emulator()) as server:
        client = session.create_client(..., endpoint_url=server.endpoint_url)
    """

    def __init__(
        self,
        emulator: Emulator | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        log: Callable[[str], None] | None = None,
    ) -> None:
        if not _is_loopback(host):
            raise ValueError(f"the emulator serves loopback addresses only, not {host}")
        self.emulator = emulator if emulator is not None else Emulator()
        self._server = _Server((host, port), self.emulator, log)
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> EmulatorServer:
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="partner-central-emulator", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def stop(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=10)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()
