"""The partner ranking table model: columns, excluded rows on demand, sorting, drag payload."""

from __future__ import annotations

from PySide6.QtCore import (
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor

from cloudroute_desk.domain.routing.values import ExcludedPartner, RankedPartner
from cloudroute_desk.models.partner_mime import PARTNER_MIME_TYPE, decode_partner_drag
from cloudroute_desk.models.partner_ranking_model import (
    EXCLUDED_ROLE,
    OBJECT_ROLE,
    SORT_ROLE,
    Column,
    PartnerRankingModel,
)
from tests.partner_rankings import sample_ranking


def _text(model: PartnerRankingModel, row: int, column: Column) -> str:
    return str(model.data(model.index(row, column)))


def test_model_passes_qtmodeltester(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = PartnerRankingModel()
    model.set_ranking(sample_ranking())
    # The tester stays connected and checks every change signal that follows.
    qtmodeltester.check(model, force_py=True)
    model.set_show_excluded(True)
    model.sort(Column.SCORE, Qt.SortOrder.AscendingOrder)
    model.set_show_excluded(False)
    model.set_ranking(None)
    model.set_show_excluded(True)
    model.set_ranking(sample_ranking(8, fallback=True))


def test_columns_show_rank_tier_score_badge_rates_with_n_and_load() -> None:
    model = PartnerRankingModel()
    model.set_ranking(sample_ranking())
    assert model.rowCount() == 3
    assert _text(model, 0, Column.RANK) == "1"
    assert _text(model, 0, Column.PARTNER) == "Northwind Cloud"
    assert _text(model, 0, Column.TIER) == "Premier"
    assert _text(model, 0, Column.SCORE) == "$61,000"
    assert _text(model, 0, Column.THRESHOLD) == "✓ above"
    assert _text(model, 2, Column.THRESHOLD) == "below"
    assert _text(model, 0, Column.STAGE) == "82 % · 41/50"
    assert _text(model, 0, Column.POOL) == "79 % · 9.5/12"
    assert _text(model, 0, Column.REGION_MATCH) == "yes"
    assert _text(model, 0, Column.MEDIAN_DAYS) == "13.0 d"
    assert _text(model, 0, Column.MEAN_AWARD) == "$82,000"
    assert _text(model, 2, Column.LOAD) == "9/10"
    assert model.data(model.index(0, Column.SCORE), SORT_ROLE) == 61_000.0
    assert isinstance(model.data(model.index(1, 0), OBJECT_ROLE), RankedPartner)
    assert "estimate 78 %" in str(
        model.data(model.index(0, Column.STAGE), Qt.ItemDataRole.ToolTipRole)
    )


def test_excluded_rows_appear_on_demand_greyed_with_reason(qtbot) -> None:  # type: ignore[no-untyped-def]
    model = PartnerRankingModel()
    model.set_ranking(sample_ranking())
    with qtbot.waitSignal(model.rowsInserted) as inserted:
        model.set_show_excluded(True)
    assert inserted.args[1:] == [3, 4]
    assert model.rowCount() == 5
    assert _text(model, 3, Column.PARTNER) == "Select Systems"
    assert _text(model, 3, Column.REASON) == "Select tier cannot file Activate Portfolio"
    assert model.data(model.index(4, 0), EXCLUDED_ROLE) is True
    assert isinstance(model.data(model.index(4, 0), OBJECT_ROLE), ExcludedPartner)
    assert model.data(model.index(3, 0), Qt.ItemDataRole.ForegroundRole) is not None
    assert "Already tried" in str(model.data(model.index(4, 1), Qt.ItemDataRole.ToolTipRole))
    assert not model.flags(model.index(3, 0)) & Qt.ItemFlag.ItemIsDragEnabled
    assert model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsDragEnabled
    with qtbot.waitSignal(model.rowsRemoved):
        model.set_show_excluded(False)
    assert model.rowCount() == 3


def test_sort_reorders_rows_and_keeps_persistent_indexes() -> None:
    model = PartnerRankingModel()
    model.set_ranking(sample_ranking())
    third = QPersistentModelIndex(model.index(2, Column.PARTNER))
    model.sort(Column.SCORE, Qt.SortOrder.AscendingOrder)
    assert [_text(model, row, Column.PARTNER) for row in range(3)] == [
        "Cirrus Works",
        "Blue Harbor",
        "Northwind Cloud",
    ]
    assert third.row() == 0 and third.data() == "Cirrus Works"
    model.sort(Column.PARTNER, Qt.SortOrder.DescendingOrder)
    assert _text(model, 0, Column.PARTNER) == "Northwind Cloud"
    # A new ranking keeps the admin's chosen sort.
    model.set_ranking(sample_ranking(8))
    assert _text(model, 0, Column.PARTNER) == "Northwind Cloud"
    model.sort(Column.RANK)
    assert _text(model, 0, Column.RANK) == "1"


def test_mime_data_carries_the_partner_and_the_ranked_inquiry() -> None:
    model = PartnerRankingModel()
    model.set_ranking(sample_ranking(inquiry_id=42))
    model.set_show_excluded(True)
    mime = model.mimeData([model.index(1, Column.SCORE), model.index(0, Column.SCORE)])
    assert mime is not None and mime.hasFormat(PARTNER_MIME_TYPE)
    drag = decode_partner_drag(mime)
    assert drag is not None
    assert (drag.partner_id, drag.partner_name, drag.inquiry_id) == (12, "Blue Harbor", 42)
    assert model.mimeData([model.index(3, 0)]) is None
    assert model.mimeData([QModelIndex()]) is None
    assert model.mimeTypes() == [PARTNER_MIME_TYPE]
    assert model.supportedDragActions() == Qt.DropAction.CopyAction


def test_multi_data_answers_like_data_and_clears_what_it_does_not_answer() -> None:
    model = PartnerRankingModel()
    model.set_ranking(sample_ranking())
    model.set_show_excluded(True)
    roles = (
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.DecorationRole,
    )
    for row, column in ((0, Column.PARTNER), (0, Column.THRESHOLD), (0, Column.SCORE), (3, 1)):
        index = model.index(row, column)
        for role in roles:
            # Delegates reuse role data between cells: a stale value must not survive.
            slot = QModelRoleData(int(role))
            slot.setData(QColor(1, 2, 3))
            model.multiData(index, QModelRoleDataSpan(slot))
            assert slot.data() == model.data(index, role), (row, column, role)
