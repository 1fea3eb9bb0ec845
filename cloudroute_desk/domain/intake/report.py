"""What an import did with every row it read: accepted, duplicate, rejected or not reached.

Nothing is silently dropped: ``accepted + duplicates + rejected + not_processed == rows_read``
always holds (``not_processed`` is non-zero only when the admin cancelled). The same report
is printed by the CLI and shown by the GUI's result dialog.
"""

from __future__ import annotations

from dataclasses import dataclass

from cloudroute_desk.domain.intake.schema import RowError, RowKind


@dataclass(frozen=True, slots=True)
class DuplicateRow:
    line: int
    external_id: str
    reason: str
    """``already in the database`` or ``repeats line N``."""


@dataclass(frozen=True, slots=True)
class ImportReport:
    kind: RowKind
    source: str
    """The file's name, as the admin knows it."""
    rows_read: int
    accepted: int
    duplicates: tuple[DuplicateRow, ...]
    errors: tuple[RowError, ...]
    """One entry per problem; a rejected row may have several."""
    warnings: tuple[str, ...] = ()
    not_processed: int = 0
    """Rows after the point where the admin cancelled."""

    @property
    def rejected(self) -> int:
        """Rows refused (a row with three bad fields counts once)."""
        return len({error.line for error in self.errors})

    @property
    def cancelled(self) -> bool:
        return self.not_processed > 0

    @property
    def complete(self) -> bool:
        """Every row read is now in the database (as new or as an earlier import)."""
        return not self.errors and not self.cancelled

    @property
    def accounted_for(self) -> bool:
        total = self.accepted + len(self.duplicates) + self.rejected + self.not_processed
        return total == self.rows_read

    @property
    def noun(self) -> str:
        return "inquiries" if self.kind is RowKind.INQUIRY else "partners"

    def summary(self) -> str:
        """One line for a status bar or a dialog heading."""
        parts = [
            f"{self.accepted:,} {self.noun} imported",
            f"{len(self.duplicates):,} already present",
            f"{self.rejected:,} rejected",
        ]
        if self.cancelled:
            parts.append(f"{self.not_processed:,} not processed (cancelled)")
        return f"{self.rows_read:,} rows read: " + ", ".join(parts)

    def render_text(self) -> str:
        """The report for a terminal: summary, warnings, then each rejected row's reasons."""
        lines = [f"Import of {self.noun} from {self.source}", self.summary()]
        lines.extend(f"warning: {warning}" for warning in self.warnings)
        if self.errors:
            lines.append("")
            lines.append("Rejected rows (line, field, reason):")
            width = max(len(error.field) for error in self.errors)
            for error in sorted(self.errors, key=lambda error: error.line):
                lines.append(f"  line {error.line:>6}  {error.field:<{width}}  {error.reason}")
        if self.cancelled:
            lines.append("")
            lines.append(
                "The import was cancelled; import the same file again to add the rest "
                "(rows already imported are recognised and skipped)."
            )
        return "\n".join(lines) + "\n"
