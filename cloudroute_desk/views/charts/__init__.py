"""The charts pane (pyqtgraph): pipeline, days to credit, routing turnaround, close rate.

``panel.ChartsPanel`` is the pane; ``deferred_panel.DeferredChartsPanel`` is what the main
window holds, so pyqtgraph loads only when the charts are first shown."""
