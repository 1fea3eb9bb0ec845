"""``cloudroute-desk partner-central-emulator [--port N] [--state FILE.json] [--create FILE...]``:
a local Partner Central for trying the sync without an AWS account.

It serves until Ctrl+C (or SIGTERM). With ``--state`` it starts from that file when it exists
and writes every change back to it (atomically), so a stopped emulator resumes where it was.
``--create`` sends CreateOpportunity requests, e.g. files written by ``cloudroute-desk export``,
through the same checks as a client's request; ``--load`` serves the opportunities of
ListOpportunities pages or GetOpportunity answers as they are (the demo's
``NAME-partner-central.json``: the demo's sync can be tried at once).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
from pathlib import Path
from types import FrameType

from cloudroute_desk.cli.command_error import CommandError
from cloudroute_desk.partner_central_emulator import wire
from cloudroute_desk.partner_central_emulator.answers_file import load_answers
from cloudroute_desk.partner_central_emulator.server import ADMIN_PREFIX, EmulatorServer
from cloudroute_desk.partner_central_emulator.service import Emulator
from cloudroute_desk.partner_central_emulator.store import PartnerCentralState
from cloudroute_desk.partner_central_emulator.throttle import Rates

NAME = "partner-central-emulator"
HELP = "Serve a local Partner Central (Selling API) emulator on 127.0.0.1 for the sync."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=8765, help="default: 8765 (0: any free port)")
    parser.add_argument("--state", type=Path, help="JSON file to start from and save to")
    parser.add_argument(
        "--create",
        type=Path,
        nargs="+",
        default=[],
        metavar="FILE",
        help="CreateOpportunity request JSON files to send first (as `export` writes them)",
    )
    parser.add_argument(
        "--load",
        type=Path,
        nargs="+",
        default=[],
        metavar="FILE",
        help="serve the opportunities of ListOpportunities pages or GetOpportunity answers "
        "(e.g. the demo's NAME-partner-central.json) as they are",
    )
    parser.add_argument(
        "--reads-per-second", type=float, default=10.0, help="read quota (default 10; 0: none)"
    )
    parser.add_argument(
        "--writes-per-second", type=float, default=1.0, help="write quota (default 1; 0: none)"
    )


def _load_state(path: Path | None) -> PartnerCentralState:
    if path is None or not path.exists():
        return PartnerCentralState()
    try:
        return PartnerCentralState.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, ValueError) as error:
        raise CommandError(f"cannot read the state file {path}: {error}") from None


def _saver(state: PartnerCentralState, path: Path) -> None:
    def save() -> None:
        text = json.dumps(state.to_json(), indent=1, ensure_ascii=False)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)

    state.on_change = save
    save()


def _create(emulator: Emulator, files: list[Path]) -> None:
    target = f"{wire.target_prefix()}.CreateOpportunity"
    for path in files:
        try:
            body = path.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror}") from None
        reply = emulator.handle(target, body, quota=False)
        if reply.status != 200:
            raise CommandError(f"{path} was refused: {reply.body.get('Message')}", exit_code=1)
        print(f"{path}: created {reply.body['Id']}", file=sys.stderr)


def _load(state: PartnerCentralState, files: list[Path]) -> None:
    for path in files:
        try:
            count = load_answers(state, path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"cannot read {path}: {error}") from None
        except ValueError as error:
            raise CommandError(f"{path} is not Partner Central's answers: {error}") from None
        noun = "opportunity" if count == 1 else "opportunities"
        print(f"{path}: {count:,} {noun} loaded", file=sys.stderr)


def _rate(value: float) -> float | None:
    return value if value > 0 else None


def run(args: argparse.Namespace) -> int:
    state = _load_state(args.state)
    _load(state, args.load)
    if args.state is not None:
        try:
            _saver(state, args.state.resolve())
        except OSError as error:
            raise CommandError(f"cannot write the state file {args.state}: {error}") from None
    emulator = Emulator(
        state, Rates(reads=_rate(args.reads_per_second), writes=_rate(args.writes_per_second))
    )
    _create(emulator, args.create)
    try:
        server = EmulatorServer(emulator, port=args.port)
    except OSError as error:
        raise CommandError(f"cannot listen on 127.0.0.1:{args.port}: {error.strerror}") from None

    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    url = server.endpoint_url
    print(
        f"Partner Central emulator on {url} ({len(state.opportunities())} opportunities"
        f"{', state in ' + str(args.state) if args.state else ''}). Ctrl+C stops.\n"
        f"  sync:   cloudroute-desk sync-partner-central --db DB --catalog AWS "
        f"--endpoint-url {url}\n"
        f"  review: curl -X POST {url}{ADMIN_PREFIX}review -d "
        '\'{"Catalog":"AWS","Identifier":"O1000001","ReviewStatus":"Submitted"}\'',
        file=sys.stderr,
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    print("Partner Central emulator stopped", file=sys.stderr)
    return 0
