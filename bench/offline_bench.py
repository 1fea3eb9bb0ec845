"""Offline review: the copy's size, the cost of keeping it current, and opening offline.

    python bench/offline_bench.py [--records 5000] [--runs 5] [--changes 20] [--db URL]

Builds a PostgreSQL server database (a throwaway pgserver unless ``--db`` names an empty
one) with ``--records`` draft ACE records, one per inquiry, over 100 partners, behind a TCP
proxy on 127.0.0.1 (``tests/net_proxy.py``), then measures:

- taking the copy (every editable record with its closure), and the copy file's size;
- an incremental refresh after one change on the server, and per change after a batch of
  ``--changes`` changes (median of ``--runs``);
- opening the app offline, whole processes (``cloudroute-desk --db URL --screenshot`` with
  the proxy stopped, i.e. the server refusing connections, and black-holed, i.e. silent),
  beside the same app opening with the server answering (the yardstick):
  window shown and first rows painted, since process start, median of ``--runs``, beside a
  trivial PySide6 window started the same way (``startup_floor.py``, the machine's floor).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from sqlalchemy import create_engine, insert, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from startup_bench import _timed  # noqa: E402

from cloudroute_desk.db import offline_copy  # noqa: E402
from cloudroute_desk.db.engine import Database  # noqa: E402
from cloudroute_desk.db.mapping import inquiry_columns, partner_columns  # noqa: E402
from cloudroute_desk.db.opening import open_database  # noqa: E402
from cloudroute_desk.db.tables import AceRecordRow, InquiryRow, PartnerRow  # noqa: E402
from cloudroute_desk.domain.ace.form import AceForm  # noqa: E402
from cloudroute_desk.domain.catalog import Pool  # noqa: E402
from cloudroute_desk.services import offline_copy as copies  # noqa: E402
from cloudroute_desk.services import records  # noqa: E402
from tests.factories import T0, make_inquiry, make_partner  # noqa: E402
from tests.net_proxy import NetProxy  # noqa: E402

PARTNERS = 100


@contextmanager
def _server(given: str | None) -> Iterator[str]:
    if given:
        yield given
        return
    with tempfile.TemporaryDirectory(prefix="crd-offline-bench-") as folder:
        import pgserver

        server = pgserver.get_server(folder, cleanup_mode="stop")  # type: ignore[attr-defined]
        try:
            admin = make_url(server.get_uri()).set(drivername="postgresql+psycopg")
            engine = create_engine(admin, isolation_level="AUTOCOMMIT")
            with engine.connect() as connection:
                connection.execute(text('CREATE DATABASE "crd_offline_bench"'))
            engine.dispose()
            yield admin.set(database="crd_offline_bench").render_as_string(hide_password=False)
        finally:
            server.cleanup()


def _seed(database: Database, count: int) -> list[int]:
    """``count`` draft records, one per inquiry (each its own customer), over 100 partners."""
    partners = [make_partner(name=f"Partner {n}", capacity=10_000) for n in range(PARTNERS)]
    with database.writing() as session:
        partner_ids = [
            int(
                session.execute(
                    insert(PartnerRow)
                    .values(**partner_columns(p), created_at=T0)
                    .returning(PartnerRow.id)
                ).scalar_one()
            )
            for p in partners
        ]
        inquiries = []
        for n in range(count):
            inquiry = make_inquiry(
                company_name=f"Startup {n} Inc.",
                website=f"https://startup{n}.example",
                partner_id=partner_ids[n % PARTNERS],
                status="assigned",
            )
            inquiries.append(inquiry)
        rows = [inquiry_columns(inquiry) for inquiry in inquiries]
        inquiry_ids = [
            int(i)
            for i in session.execute(insert(InquiryRow).returning(InquiryRow.id), rows).scalars()
        ]
        record_rows = []
        for n, (inquiry_id, inquiry) in enumerate(zip(inquiry_ids, inquiries, strict=True)):
            form = AceForm.from_inquiry(
                inquiry, partners[n % PARTNERS], Pool.PORTFOLIO, today=date(2026, 6, 1)
            )
            fields = records.form_fields(form)
            record_rows.append(
                {
                    "inquiry_id": inquiry_id,
                    "partner_id": partner_ids[n % PARTNERS],
                    "pool": Pool.PORTFOLIO.value,
                    "state": "identified",
                    "amount_requested_usd": form.amount_requested_usd,
                    "created_at": T0,
                    "fields": fields,
                    "updated_at": T0,
                    "updated_by": "bench",
                    "version": 1,
                }
            )
        record_ids = [
            int(i)
            for i in session.execute(
                insert(AceRecordRow).returning(AceRecordRow.id), record_rows
            ).scalars()
        ]
    return record_ids


def _edit(database: Database, record_id: int, text_value: str) -> None:
    opened = records.open_record(database, record_id)
    form = opened.form.model_copy(update={"use_case": text_value})
    records.save_form(database, record_id, form, opened.version, "bob")


def _size(path: Path) -> int:
    with sqlite3.connect(path) as raw:
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return sum(
        side.stat().st_size for side in (path, path.with_name(path.name + "-wal")) if side.exists()
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--db", help="an empty PostgreSQL database (default: a throwaway one)")
    args = parser.parse_args()
    with _server(args.db) as target:
        url = make_url(target)
        with NetProxy.in_front_of(url) as proxy:
            proxied = proxy.proxied(url).render_as_string(hide_password=False)
            database = open_database(proxied).signed_as("bob")
            started = time.perf_counter()
            record_ids = _seed(database, args.records)
            print(
                f"seeded {len(record_ids):,} draft records in {time.perf_counter() - started:.1f} s"
            )
            data_dir = Path(tempfile.mkdtemp(prefix="crd-offline-data-"))
            identity = copies.identity_of(database)
            copy = copies.open_copy(data_dir, identity)
            started = time.perf_counter()
            steps = 1
            while copies.refresh(database, copy).more:
                steps += 1
            took = time.perf_counter() - started
            status = copies.status(copy)
            path = Path(str(copy.url.database))
            size = _size(path)
            print(
                f"copy: {status.records:,} records taken in {took:.1f} s ({steps} jobs), "
                f"{size / 1e6:.1f} MB ({size / max(status.records, 1) / 1e3:.1f} kB a record)"
            )
            singles = []
            batches = []
            for run in range(args.runs):
                _edit(database, record_ids[run], f"single {run}")
                started = time.perf_counter()
                report = copies.refresh(database, copy)
                singles.append(time.perf_counter() - started)
                assert report.applied >= 1
                for n in range(args.changes):
                    _edit(database, record_ids[100 + run * args.changes + n], f"batch {run}")
                started = time.perf_counter()
                report = copies.refresh(database, copy)
                batches.append((time.perf_counter() - started) / args.changes)
            idle = []
            for _run in range(args.runs):
                started = time.perf_counter()
                copies.refresh(database, copy)
                idle.append(time.perf_counter() - started)
            print(
                f"refresh: one change {statistics.median(singles) * 1e3:.1f} ms, "
                f"per change in a batch of {args.changes} "
                f"{statistics.median(batches) * 1e3:.1f} ms, "
                f"nothing changed {statistics.median(idle) * 1e3:.1f} ms "
                f"(median of {args.runs})"
            )
            copy.dispose()
            database.dispose()

            app = [sys.executable, "-m", "cloudroute_desk", "--db", proxied]
            app += ["--log-level", "DEBUG", "--screenshot"]
            floor_cmd = [sys.executable, str(HERE / "startup_floor.py")]
            for fault in ("answering", "refused", "black-holed"):
                if fault == "refused":
                    proxy.stop()
                else:
                    proxy = NetProxy.in_front_of(url)  # a new listener on another port
                    proxy.blackhole()
                    proxy.start()
                    app[4] = proxy.proxied(url).render_as_string(hide_password=False)
                    fresh = offline_copy.copy_path(
                        data_dir, str(offline_copy.identity_for_target(app[4]))
                    )
                    fresh.parent.mkdir(parents=True, exist_ok=True)
                    for suffix in ("", "-wal", "-shm"):
                        side = path.with_name(path.name + suffix)
                        if side.exists():
                            fresh.with_name(fresh.name + suffix).write_bytes(side.read_bytes())
                shown, rows, floors = [], [], []
                for _run in range(args.runs):
                    floor_seen, _ = _timed(floor_cmd, "floor painted", data_dir)
                    shot = str(data_dir / "offline.png")
                    seen, _cpu = _timed([*app, shot], "queue painted with rows", data_dir)
                    floors.append(floor_seen["floor painted"])
                    shown.append(seen["window shown"])
                    rows.append(seen["queue painted with rows"])
                print(
                    f"opening {'online' if fault == 'answering' else 'offline'}, "
                    f"server {fault}: window shown "
                    f"{statistics.median(shown):.2f} s, first rows {statistics.median(rows):.2f} s "
                    f"(floor: a trivial window {statistics.median(floors):.2f} s; "
                    f"median of {args.runs} whole processes, load {os.getloadavg()[0]:.1f})",
                    flush=True,
                )
            proxy.stop()
            shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
