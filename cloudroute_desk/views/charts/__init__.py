"""The charts pane (pyqtgraph): pipeline, days to credit, routing turnaround, close rate."""

from cloudroute_desk.views.charts.panel import ChartsPanel

__all__ = ["ChartsPanel"]
