"""What one autosave costs, against the editor's "lose at most the last second" promise.

Run: ``python bench/editor_bench.py [--runs 200] [--repeat 5] [--pg URL|auto]``

Times, per form size (a realistic record, and one with a 100 kB use case):

* local draft write: ``drafts.write_draft`` into the local SQLite draft store (WAL,
  synchronous=NORMAL), which runs on the GUI thread after every 400 ms pause in typing;
* database sync: ``drafts.sync_draft`` (version-checked UPDATE + draft cleanup) on a fresh
  SQLite file, and on PostgreSQL with ``--pg URL`` (an empty database; the app migrates it)
  or ``--pg auto`` (a throwaway local server started with pgserver);
* live validation plus inline messages: ``RecordForm.validate_now`` offscreen.

Yardstick printed beside each figure: the 400 ms autosave debounce (a draft write must be a
small fraction of it) and the 1 s loss budget (debounce + write must fit in it).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.factories

from cloudroute_desk.db.draft_store import DraftStore
from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.opening import open_database
from cloudroute_desk.domain.ace.form import AceForm
from cloudroute_desk.domain.catalog import Pool
from cloudroute_desk.services import drafts, records
from cloudroute_desk.views.editor.autosave import AUTOSAVE_DELAY_MS
from cloudroute_desk.views.gui_collector import GuiThreadCollector

LOSS_BUDGET_MS = 1000


def _median_ms(job: Callable[[int], None], runs: int, repeat: int) -> float:
    rounds = []
    for _ in range(repeat):
        started = time.perf_counter()
        for i in range(runs):
            job(i)
        rounds.append((time.perf_counter() - started) / runs * 1000)
    return statistics.median(rounds)


def _seed(database: Database) -> tuple[int, AceForm]:
    from tests.factories import add_inquiry, add_partner

    partner_id = add_partner(database)
    inquiry_id = add_inquiry(database, partner_id=partner_id, status="assigned")
    opened, _ = records.create_record(database, inquiry_id, Pool.PORTFOLIO, "bench")
    return opened.record_id, opened.form


def _forms(base: AceForm) -> dict[str, AceForm]:
    realistic = base.model_copy(
        update={
            "use_case": (
                "Lumen Analytics runs retrieval-augmented search for 40 hospital customers; "
                "the credits fund Bedrock inference and EC2 GPU capacity for 12 months. "
            )
            * 4
        }
    )
    longest = base.model_copy(update={"use_case": ("Lumen on EC2 and Bedrock. " * 400)[:10_000]})
    huge = base.model_copy(update={"use_case": "Lumen on EC2 and Bedrock. " * 4000})
    # 10,000 characters is the most the text boundary lets into the database; a 100 kB paste
    # only ever reaches the local draft (with an error on the field).
    return {"realistic": realistic, "10 kB use case": longest, "100 kB use case": huge}


def bench_backend(label: str, database: Database, runs: int, repeat: int) -> None:
    record_id, base = _seed(database)
    store = DraftStore(Path(tempfile.mkdtemp()) / "drafts.sqlite")
    identity = drafts.database_identity(database)
    version = [records.open_record(database, record_id).version]
    for name, form in _forms(base).items():
        forms = [form.model_copy(update={"next_steps": f"step {i}"}) for i in range(runs)]
        write = _median_ms(
            lambda i, forms=forms: drafts.write_draft(store, identity, record_id, forms[i], 1),
            runs,
            repeat,
        )

        def sync(i: int, forms: list[AceForm] = forms) -> None:
            text = drafts.write_draft(store, identity, record_id, forms[i], version[0])
            outcome = drafts.sync_draft(
                database, store, identity, record_id, text, version[0], "bench"
            )
            version[0] = outcome.version

        line = (
            f"{label:<10} {name:<16} draft write {write:7.2f} ms "
            f"(debounce {AUTOSAVE_DELAY_MS} ms, loss budget {LOSS_BUDGET_MS} ms)"
        )
        if len(form.use_case) <= 10_000:
            synced = _median_ms(sync, max(runs // 4, 10), repeat)
            line += f" · write+sync {synced:7.2f} ms"
        else:
            line += " · not storable in the database (local draft only)"
        print(line)


def bench_form(runs: int, repeat: int) -> None:
    from datetime import date

    from PySide6.QtWidgets import QApplication

    from cloudroute_desk.domain.ace.rules import ValidationContext
    from cloudroute_desk.domain.catalog import Tier
    from cloudroute_desk.views.editor.record_form import RecordForm

    app = QApplication.instance() or QApplication([])
    GuiThreadCollector(app)  # collects garbage as the app does: on the GUI thread only
    form = RecordForm()
    form.set_context(ValidationContext(partner_tier=Tier.ADVANCED, today=date(2026, 6, 1)))
    form.resize(1000, 800)
    form.show()
    for name, value in (
        ("realistic", AceForm(use_case="Lumen runs Bedrock on EC2 for 40 hospitals. " * 5)),
        ("100 kB use case", AceForm(use_case="Lumen on EC2 and Bedrock. " * 4000)),
    ):
        form.set_form(value)
        app.processEvents()
        took = _median_ms(lambda _i: form.validate_now(), runs, repeat)
        print(f"{'form':<10} {name:<16} validate + inline messages {took:7.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--pg",
        help="PostgreSQL URL of an empty database to bench on too; 'auto' starts a "
        "throwaway server with pgserver",
    )
    args = parser.parse_args()
    print(f"medians of {args.repeat} rounds of {args.runs} runs")
    sqlite = open_database(str(Path(tempfile.mkdtemp()) / "bench.sqlite"))
    bench_backend("SQLite", sqlite, args.runs, args.repeat)
    sqlite.dispose()
    if args.pg:
        server = None
        url = args.pg
        if url == "auto":
            import pgserver

            server = pgserver.get_server(tempfile.mkdtemp(), cleanup_mode="stop")
            url = server.get_uri().replace("postgresql://", "postgresql+psycopg://", 1)
        pg = open_database(url)
        bench_backend("PostgreSQL", pg, args.runs, args.repeat)
        pg.dispose()
        if server is not None:
            server.cleanup()
    bench_form(args.runs, args.repeat)


if __name__ == "__main__":
    main()
