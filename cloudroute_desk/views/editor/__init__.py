"""The ACE record editor: record list, live-validated form, lifecycle, crash-proof drafts."""

from cloudroute_desk.views.editor.pane import RecordEditorPane

__all__ = ["RecordEditorPane"]
