"""The windowed queue model on both backends: paging, sorting, filtering, seeks, drops."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QMimeData, QModelIndex, Qt

from cloudroute_desk.db.engine import Database
from cloudroute_desk.domain.catalog import InquiryStatus
from cloudroute_desk.domain.queue_filter import QueueFilter
from cloudroute_desk.models import queue_landmarks
from cloudroute_desk.models.inquiry_queue_model import (
    COL_ARRIVED,
    COL_COMPANY,
    COL_POOLS,
    COL_SLA,
    COL_SPEND,
    OBJECT_ROLE,
    PLACEHOLDER,
    SLA_ROLE,
    SORT_ROLE,
    InquiryQueueModel,
)
from cloudroute_desk.models.partner_mime import PartnerDrag, encode_partner_drag
from cloudroute_desk.services import queue as queue_service
from cloudroute_desk.services.executor import DbExecutor
from tests.db_worker import hold_calls, settle
from tests.queue_helpers import NOW, seed_queue


@pytest.fixture
def executor(database: Database) -> Iterator[DbExecutor]:
    executor = DbExecutor(database)
    yield executor
    executor.shutdown()


def _model(qtbot, executor: DbExecutor, page_size: int = 10) -> InquiryQueueModel:  # type: ignore[no-untyped-def]
    model = InquiryQueueModel(executor, clock=lambda: NOW)
    model.PAGE_SIZE = page_size
    model.MAX_PAGES = 3
    with qtbot.waitSignal(model.window_loaded, timeout=10_000):
        model.refresh()
    return model


def _load(qtbot, model: InquiryQueueModel, row: int) -> None:  # type: ignore[no-untyped-def]
    if model.row_object(row) is not None:
        return
    with qtbot.waitSignal(model.rows_loaded, timeout=10_000):
        model.ensure_loaded(row)


def _ids(qtbot, model: InquiryQueueModel) -> list[int]:  # type: ignore[no-untyped-def]
    ids = []
    for row in range(model.rowCount()):
        _load(qtbot, model, row)
        ids.append(model.data(model.index(row, 0), OBJECT_ROLE).id)
    return ids


def test_passes_qtmodeltester(
    qtbot, qtmodeltester, executor: DbExecutor, database: Database
) -> None:
    seed_queue(database, 35)
    model = _model(qtbot, executor)
    qtmodeltester.check(model, force_py=True)
    _load(qtbot, model, 34)
    qtmodeltester.check(model, force_py=True)


def test_unloaded_rows_show_placeholder_then_values(
    qtbot, executor: DbExecutor, database: Database
) -> None:
    seed_queue(database, 35)
    model = _model(qtbot, executor)
    assert model.rowCount() == 35
    assert model.loaded_rows() == 10
    index = model.index(25, COL_COMPANY)
    with qtbot.waitSignal(model.rows_loaded, timeout=10_000) as blocker:
        assert model.data(index) == PLACEHOLDER
        assert model.data(index, OBJECT_ROLE) is None
    assert blocker.args == [20, 29]
    assert model.data(index).startswith("Company ")


def test_paging_boundaries_and_window_eviction(
    qtbot, executor: DbExecutor, database: Database
) -> None:
    ids = seed_queue(database, 35)
    model = _model(qtbot, executor)
    # Newest first: row r is the (r+1)-th newest inquiry, across page edges 9/10 and the tail.
    assert _ids(qtbot, model) == sorted(ids, reverse=True)
    assert model.loaded_rows() <= 3 * 10
    assert model.data(model.index(35, 0)) is None
    assert model.data(model.index(34, COL_COMPANY)) == "Company 0000 Lumen"


def test_deep_jump_reads_the_page_by_seek(qtbot, executor: DbExecutor, database: Database) -> None:  # type: ignore[no-untyped-def]
    ids = seed_queue(database, 60)
    model = _model(qtbot, executor)
    _load(qtbot, model, 47)
    expected = sorted(ids, reverse=True)
    assert model.data(model.index(47, 0), OBJECT_ROLE).id == expected[47]
    # The page before it comes by keyset from the loaded one.
    _load(qtbot, model, 39)
    assert model.data(model.index(39, 0), OBJECT_ROLE).id == expected[39]


def test_sort_requeries_in_sql(qtbot, executor: DbExecutor, database: Database) -> None:  # type: ignore[no-untyped-def]
    seed_queue(database, 25)
    model = _model(qtbot, executor)
    with qtbot.waitSignal(model.window_loaded, timeout=10_000):
        model.sort(COL_SPEND, Qt.SortOrder.AscendingOrder)
    spends = []
    for row in range(25):
        _load(qtbot, model, row)
        spends.append(model.data(model.index(row, COL_SPEND), SORT_ROLE))
    assert spends == sorted(spends)
    with qtbot.assertNotEmitted(model.window_loaded):
        model.sort(COL_POOLS, Qt.SortOrder.AscendingOrder)
        settle(qtbot, executor)
    with qtbot.waitSignal(model.window_loaded, timeout=10_000):
        model.sort(COL_SLA, Qt.SortOrder.AscendingOrder)
    first = model.data(model.index(0, COL_ARRIVED), SORT_ROLE)
    second = model.data(model.index(1, COL_ARRIVED), SORT_ROLE)
    assert first < second


def test_filter_changes_count_and_rows(qtbot, executor: DbExecutor, database: Database) -> None:  # type: ignore[no-untyped-def]
    seed_queue(database, 70)
    model = _model(qtbot, executor)
    with qtbot.waitSignal(model.window_loaded, timeout=10_000):
        model.set_filter(QueueFilter(statuses=frozenset({InquiryStatus.NEW})))
    assert model.rowCount() == 10
    statuses = {model.data(model.index(r, 0), OBJECT_ROLE).status for r in range(10)}
    assert statuses == {InquiryStatus.NEW}
    with qtbot.waitSignal(model.window_loaded, timeout=10_000):
        model.set_filter(QueueFilter(search="lumen"))
    assert model.rowCount() == 14
    with qtbot.waitSignal(model.window_loaded, timeout=10_000):
        model.set_filter(QueueFilter(search='"( -* @'))
    assert model.rowCount() == 70


def test_sla_role_and_tooltip(qtbot, executor: DbExecutor, database: Database) -> None:  # type: ignore[no-untyped-def]
    seed_queue(database, 14)
    model = _model(qtbot, executor, page_size=20)
    # Row 6 is inquiry 7 of 14: new, arrived seven hours before NOW.
    view = model.data(model.index(6, COL_SLA), SLA_ROLE)
    assert view.text == "17h 00m left"
    assert model.data(model.index(6, COL_SLA)) == "17h 00m left"
    assert "Routing deadline" in model.data(model.index(0, COL_SLA), Qt.ItemDataRole.ToolTipRole)


def test_partner_drop_emits_and_foreign_mime_is_refused(
    qtbot, executor: DbExecutor, database: Database
) -> None:
    ids = seed_queue(database, 5)
    model = _model(qtbot, executor)
    mime = encode_partner_drag(PartnerDrag(partner_id=42, partner_name="P", inquiry_id=None))
    target = model.index(1, COL_COMPANY)
    action = Qt.DropAction.CopyAction
    assert model.canDropMimeData(mime, action, -1, -1, target)
    with qtbot.waitSignal(model.partner_dropped) as blocker:
        assert model.dropMimeData(mime, action, -1, -1, target)
    assert blocker.args == [sorted(ids, reverse=True)[1], 42]

    foreign = QMimeData()
    foreign.setText("42")
    foreign.setData("application/x-other", b"{}")
    broken = QMimeData()
    broken.setData("application/x-cloudroute-partner", b"not json")
    with qtbot.assertNotEmitted(model.partner_dropped):
        for data in (foreign, broken):
            assert not model.canDropMimeData(data, action, -1, -1, target)
            assert not model.dropMimeData(data, action, -1, -1, target)
        assert not model.canDropMimeData(mime, action, -1, -1, QModelIndex())
    assert model.mimeTypes() == ["application/x-cloudroute-partner"]


def test_refresh_sees_new_rows(qtbot, executor: DbExecutor, database: Database) -> None:  # type: ignore[no-untyped-def]
    seed_queue(database, 5)
    model = _model(qtbot, executor)
    seed_queue(database, 3)
    with qtbot.waitSignal(model.window_loaded, timeout=10_000):
        model.refresh()
    assert model.rowCount() == 8
    assert model.row_of_loaded(model.row_object(0).id) == 0


def test_resort_reuses_the_count_and_a_recount_corrects_it(
    qtbot, executor: DbExecutor, database: Database
) -> None:
    seed_queue(database, 12)
    model = _model(qtbot, executor)
    assert model.rowCount() == 12
    model.COUNT_FRESH_S = 0.0  # always recount after showing the remembered count
    # Someone else adds rows without telling this model (no refresh): the re-sort shows the
    # remembered count at once, then the recount grows the table with a row insert.
    seed_queue(database, 3)
    with qtbot.waitSignals([model.window_loaded, model.rowsInserted], timeout=10_000):
        model.sort(COL_COMPANY, Qt.SortOrder.AscendingOrder)
    assert model.rowCount() == 15
    model.forget_counts()
    with qtbot.waitSignal(model.window_loaded, timeout=10_000):
        model.sort(COL_COMPANY, Qt.SortOrder.DescendingOrder)
    assert model.rowCount() == 15


def test_fresh_count_is_reused_without_recounting(
    qtbot, executor: DbExecutor, database: Database
) -> None:
    seed_queue(database, 12)
    model = _model(qtbot, executor)
    seed_queue(database, 3)  # unknown to the model: within COUNT_FRESH_S it keeps 12
    with qtbot.waitSignal(model.window_loaded, timeout=10_000):
        model.sort(COL_COMPANY, Qt.SortOrder.AscendingOrder)
    with qtbot.assertNotEmitted(model.rowsInserted):
        settle(qtbot, executor)
    assert model.rowCount() == 12
    with qtbot.waitSignal(model.window_loaded, timeout=10_000):
        model.refresh()
    assert model.rowCount() == 15


def test_rows_show_at_once_and_their_count_follows_as_an_insert(
    qtbot, executor: DbExecutor, database: Database
) -> None:
    """The rows never wait for their count: one reset with the first page, then the count
    grows the table with one row insert (the view only resizes its scrollbar for it)."""
    seed_queue(database, 35)
    model = _model(qtbot, executor)
    resets, inserts, removes = [], [], []
    model.modelReset.connect(lambda: resets.append(model.rowCount()))
    model.rowsInserted.connect(lambda *_: inserts.append(model.rowCount()))
    model.rowsRemoved.connect(lambda *_: removes.append(1))
    new = QueueFilter(
        statuses=frozenset({InquiryStatus.NEW, InquiryStatus.ASSIGNED, InquiryStatus.CONNECTED})
    )
    with qtbot.waitSignal(model.window_loaded, timeout=10_000):
        model.set_filter(new)
    total = queue_service.count(database, new, NOW)
    assert total > model.PAGE_SIZE
    assert (resets, inserts, removes) == ([model.PAGE_SIZE], [total], [])


def test_rows_show_at_once_when_their_count_is_slow(
    qtbot, executor: DbExecutor, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_queue(database, 35)
    model = _model(qtbot, executor)
    release = hold_calls(monkeypatch, queue_service, "count")
    with qtbot.waitSignal(model.first_rows_loaded, timeout=10_000):
        model.refresh()
    assert model.rowCount() == 10  # the first page, before the count
    with qtbot.waitSignals([model.rowsInserted, model.window_loaded], timeout=10_000):
        release.set()
    assert model.rowCount() == 35


def test_a_deep_jump_walks_from_a_landmark_of_the_current_order(
    qtbot, executor: DbExecutor, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once the count is in, the model reads landmarks (keys every few rows) in the
    background; a page far from any loaded one is sought from the nearest landmark, not from
    the first row. A new order forgets the old landmarks and reads its own."""
    monkeypatch.setattr(queue_landmarks, "FIRST_STEP", 4)
    monkeypatch.setattr(queue_landmarks, "MIN_STEP", 2)
    monkeypatch.setattr(queue_landmarks, "MAX_STEP", 8)
    monkeypatch.setattr(queue_landmarks, "DELAY_MS", 0)
    seed_queue(database, 60)
    model = _model(qtbot, executor)
    qtbot.waitUntil(lambda: not model.gathering, timeout=10_000)
    seeks: list[tuple[int, object]] = []
    real_rows_at = queue_service.rows_at

    def recording_rows_at(*args, landmark=None, **kwargs):  # type: ignore[no-untyped-def]
        seeks.append((args[3], landmark))
        return real_rows_at(*args, landmark=landmark, **kwargs)

    monkeypatch.setattr(queue_service, "rows_at", recording_rows_at)
    for sort_column, first_value in ((COL_ARRIVED, NOW.replace(tzinfo=None)), (COL_COMPANY, "")):
        model.sort(sort_column, Qt.SortOrder.AscendingOrder)
        qtbot.waitUntil(lambda: not model.loading and not model.gathering, timeout=10_000)
        seeks.clear()
        _load(qtbot, model, 45)
        assert [start for start, _ in seeks] == [40]
        landmark = seeks[0][1]
        assert isinstance(landmark, tuple)
        row, (value, _id) = landmark
        assert 0 < row <= 40
        assert type(value) is type(first_value)  # a key of this order, not the last one
        everything = [r.id for r in real_rows_at(database, model.queue_filter, NOW, 0, 100)]
        assert [model.row_object(r).id for r in range(40, 50)] == everything[40:50]  # type: ignore[union-attr]


def test_a_seek_walks_from_a_landmark_only_when_it_is_near() -> None:
    """A walk from a key tests each index entry against it (about 4 times a walk from the
    top on SQLite): a far landmark, or a loaded page near the top, is not worth it."""
    landmarks = queue_landmarks.Landmarks()
    landmarks.add(((2_000, ("b", 2)), (4_000, ("d", 4))), seconds=0.001)
    assert landmarks.start_for(4_500) == (4_000, ("d", 4))
    assert landmarks.start_for(2_400) == (2_000, ("b", 2))
    assert landmarks.start_for(3_999) is None  # 1,999 keyed steps cost more than 3,999
    assert landmarks.start_for(1_999) is None
    assert landmarks.start_for(50_000) is None  # 46,000 keyed steps cost more than 50,000
    assert landmarks.start_for(4_500, [(4_400, ("e", 5))]) == (4_400, ("e", 5))
    assert landmarks.start_for(900, [(0, ("a", 1))]) is None
