"""How often a killed editor comes back with a false "someone else saved this record".

Run: ``python bench/kill_drafts_bench.py [--kills 25] [--without-request-ids]
[--backend sqlite|postgresql] [--latency-ms 10]``

Each round starts a child process that types into one record the way the editor does: every
keystroke goes into the local draft store on its main thread, and every few keystrokes a sync
runs on a worker thread (``drafts.sync_draft``), so keystrokes keep landing on the old base
version while a save is on its way. The child is killed with SIGKILL at a random moment.
Then the record is reopened as the app does (``drafts.open_settled`` + ``restore_draft``) and
the restored draft is synced: with one admin only, any ``EditConflict`` is false.

With ``--backend postgresql`` a throwaway server is started (pgserver, as the tests do) and
the child reaches it through the tests' TCP proxy on 127.0.0.1 with ``--latency-ms`` per
chunk each way: a server across a network, where a COMMIT is done on the server a while
before its answer reaches the laptop. That window is where a kill used to leave a draft on
the old base version.

``--without-request-ids`` runs the same rounds the way the app worked before request ids
(syncs carry no id, reopening does not settle the draft): the yardstick. The last line reads
``kills: BACKEND N rounds, F false conflicts with request ids`` (or ``without``).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.factories

from cloudroute_desk.db.draft_store import DraftStore
from cloudroute_desk.db.opening import open_database
from cloudroute_desk.domain.catalog import Pool
from cloudroute_desk.services import drafts, records, write_requests
from tests.factories import add_inquiry, add_partner
from tests.net_proxy import NetProxy

_TYPIST = textwrap.dedent(
    """
    import sys, threading
    from cloudroute_desk.db.draft_store import DraftStore
    from cloudroute_desk.db.opening import open_database
    from cloudroute_desk.services import drafts, records, write_requests

    target, path, record_id, with_ids = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    database = open_database(target).signed_as("alice")
    store = DraftStore(path)
    identity = drafts.database_identity(database)
    opened = records.open_record(database, record_id)
    version, title, syncing = opened.version, "", None
    print("ready", flush=True)
    while True:
        title += "x"
        form = opened.form.model_copy(update={"title": f"Typed {len(title)} keys"})
        text = drafts.write_draft(store, identity, record_id, form, version)
        if syncing is not None and not syncing.is_alive():
            version, syncing = syncing.version, None
        if syncing is None and len(title) % 3 == 0:
            request_id = write_requests.new_request_id() if with_ids == "1" else None

            def sync(text=text, base=version, request_id=request_id):
                outcome = drafts.sync_draft(
                    database, store, identity, record_id, text, base, "alice",
                    request_id=request_id,
                )
                threading.current_thread().version = outcome.version

            syncing = threading.Thread(target=sync)
            syncing.version = version
            syncing.start()
    """
)


def _round(target: str, child_target: str, folder: Path, record_id: int, with_ids: bool) -> bool:
    """One kill; True when reopening met a false conflict."""
    path = folder / f"drafts-{time.monotonic_ns()}.sqlite"
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            _TYPIST,
            child_target,
            str(path),
            str(record_id),
            "1" if with_ids else "0",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    child.stdout.readline()  # ready
    time.sleep(random.uniform(0.2, 3.0))
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    database = open_database(target)
    store = DraftStore(path)
    try:
        identity = drafts.database_identity(database)
        if with_ids:
            opened = drafts.open_settled(database, store, record_id)
        else:
            opened = records.open_record(database, record_id)
        restore = drafts.restore_draft(store, identity, opened)
        if restore.pending_text is None:
            return False
        try:
            drafts.sync_draft(
                database,
                store,
                identity,
                record_id,
                restore.pending_text,
                restore.base_version,
                "alice",
                request_id=write_requests.new_request_id() if with_ids else None,
            )
        except records.EditConflict:
            # Take ours (the app's "keep mine") so the next round starts clean.
            latest = records.open_record(database, record_id)
            records.save_form(database, record_id, latest.form, latest.version, "alice")
            store.discard(identity, record_id)
            return True
        return False
    finally:
        store.close()
        database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=25)
    parser.add_argument("--without-request-ids", action="store_true")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--latency-ms", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=10)
    args = parser.parse_args()
    random.seed(args.seed)
    with_ids = not args.without_request_ids
    with tempfile.TemporaryDirectory(prefix="crd-kills-") as tmp, contextlib.ExitStack() as stack:
        folder = Path(tmp)
        target = child_target = str(folder / "kills.sqlite")
        if args.backend == "postgresql":
            import pgserver
            from sqlalchemy.engine import make_url

            server = pgserver.get_server(folder / "pg", cleanup_mode="stop")
            stack.callback(server.cleanup)
            url = make_url(server.get_uri()).set(drivername="postgresql+psycopg")
            target = url.render_as_string(hide_password=False)
            proxy = stack.enter_context(NetProxy.in_front_of(url))
            proxy.set_latency(args.latency_ms / 1000)
            child_target = proxy.proxied(url).render_as_string(hide_password=False)
        database = open_database(target)
        partner_id = add_partner(database)
        inquiry_id = add_inquiry(database, partner_id=partner_id, status="assigned")
        opened, _ = records.create_record(database, inquiry_id, Pool.PORTFOLIO, "alice")
        database.dispose()
        false = sum(
            _round(target, child_target, folder, opened.record_id, with_ids)
            for _ in range(args.kills)
        )
    how = "with" if with_ids else "without"
    print(f"kills: {args.backend} {args.kills} rounds, {false} false conflicts {how} request ids")


if __name__ == "__main__":
    main()
