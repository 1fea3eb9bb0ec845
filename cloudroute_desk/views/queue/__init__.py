"""The inquiry queue surface: the windowed table with filters, and the detail panel."""

from cloudroute_desk.views.queue.detail_panel import InquiryDetailPanel
from cloudroute_desk.views.queue.queue_pane import QueuePane

__all__ = ["InquiryDetailPanel", "QueuePane"]
