"""Render each chart tab of the charts pane to docs/chart-<name>[-dark].png at 1280x800.

Usage (from the repository root), on any demo database:

    python bench/charts_screenshots.py charts20k.sqlite [--dark]

The close-rate tab is shot with the partner that has the most decided records selected.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import qasync
from PySide6.QtWidgets import QApplication
from sqlalchemy import text

from cloudroute_desk.db.opening import open_database
from cloudroute_desk.domain.chart_data import ChartFilter
from cloudroute_desk.services.executor import DbExecutor
from cloudroute_desk.views.charts.panel import ChartsPanel
from cloudroute_desk.views.theme import dark_palette

DOCS = Path(__file__).resolve().parents[1] / "docs"


async def _shoot(panel: ChartsPanel, busiest: int, suffix: str) -> None:
    panel.show()
    for index, chart in enumerate(panel.charts):
        if chart is panel.close_rate:
            panel.set_chart_filter(ChartFilter(partner_id=busiest))
        refreshed = asyncio.get_running_loop().create_future()

        def done(slug: str, chart_slug: str = chart.slug, future: object = refreshed) -> None:
            if slug == chart_slug and not future.done():  # type: ignore[attr-defined]
                future.set_result(None)  # type: ignore[attr-defined]

        panel.chart_refreshed.connect(done)
        panel.tabs.setCurrentIndex(index)
        if chart.slug in panel.timings and chart is not panel.close_rate:
            refreshed.set_result(None)
        await asyncio.wait_for(refreshed, timeout=60)
        panel.chart_refreshed.disconnect(done)
        await asyncio.sleep(0.3)
        path = DOCS / f"chart-{chart.slug}{suffix}.png"
        panel.grab().save(str(path))
        print(path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db")
    parser.add_argument("--dark", action="store_true")
    args = parser.parse_args()
    app = QApplication(sys.argv)
    app.setStyle("Fusion")
    if args.dark:
        app.setPalette(dark_palette())
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    database = open_database(args.db)
    with database.reading() as session:
        busiest = session.execute(
            text(
                "SELECT partner_id FROM ace_records WHERE decided_at IS NOT NULL "
                "GROUP BY partner_id ORDER BY count(*) DESC LIMIT 1"
            )
        ).scalar_one()
    executor = DbExecutor(database)
    panel = ChartsPanel(executor)
    panel.resize(1280, 800)
    DOCS.mkdir(exist_ok=True)
    with loop:
        loop.run_until_complete(_shoot(panel, int(busiest), "-dark" if args.dark else ""))
    executor.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
