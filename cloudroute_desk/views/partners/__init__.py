"""The partner comparison pane, assigning by drag/shortcut with undo, batch suggestion, and
the partner dialog."""
