"""Add or edit a partner: tier, filing profile, capacity, active, contact, live validation.

The rules are ``domain.partner_rules`` (shared with the service and the importer); saving runs
on the DB executor, and a version conflict or a taken external id keeps the dialog open with
the message, so the admin loses nothing they typed.
"""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from cloudroute_desk.domain.catalog import (
    TIERS,
    EngagementType,
    FundingStage,
    Region,
    ServiceProfile,
    Tier,
    Vertical,
)
from cloudroute_desk.domain.entities import Contact, Partner
from cloudroute_desk.domain.partner_rules import CAPACITY_MAX, NAME_MAX, partner_problems
from cloudroute_desk.models.db_jobs import DbJobs
from cloudroute_desk.models.write_check import WriteCheck
from cloudroute_desk.services import partners as partner_service
from cloudroute_desk.services.executor import DbExecutor
from cloudroute_desk.services.write_requests import Outcome, new_request_id


class _Choices(QGroupBox):
    """A box of checkboxes, one per vocabulary value."""

    changed = Signal()

    def __init__(self, title: str, values: type[StrEnum], columns: int = 4) -> None:
        super().__init__(title)
        grid = QGridLayout(self)
        grid.setContentsMargins(6, 4, 6, 4)
        self.boxes: dict[str, QCheckBox] = {}
        for i, value in enumerate(values):
            box = QCheckBox(value.value)
            box.toggled.connect(self.changed)
            grid.addWidget(box, i // columns, i % columns)
            self.boxes[value.value] = box
        self._values = values

    def set_checked(self, values: tuple[StrEnum, ...]) -> None:
        wanted = {v.value for v in values}
        for key, box in self.boxes.items():
            box.setChecked(key in wanted)

    def checked(self) -> list[str]:
        return [key for key, box in self.boxes.items() if box.isChecked()]


class PartnerDialog(QDialog):
    partner_saved = Signal(object)
    """A ``services.partners.PartnerSaved`` once the partner is stored."""

    def __init__(
        self,
        executor: DbExecutor,
        admin: str,
        partner: Partner | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._jobs = DbJobs(executor, self)
        self._check = WriteCheck(self._jobs, self)
        self._check.reported.connect(self._show_check)
        self._admin = admin
        self._original = partner
        self.setWindowTitle(f"Edit partner — {partner.name}" if partner else "New partner")
        self._build()
        self._load(partner)
        self._on_any_changed()

    # ---- layout --------------------------------------------------------------------------

    def _build(self) -> None:
        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(NAME_MAX + 20)
        self.external_id_edit = QLineEdit()
        self.external_id_edit.setPlaceholderText("optional, e.g. the APN partner id")
        self.tier_combo = QComboBox()
        for tier in Tier:
            self.tier_combo.addItem(f"{tier.value} — ACE rights: {TIERS[tier].ace_rights}", tier)
        self.active_check = QCheckBox("Active (routable)")
        self.capacity_spin = QSpinBox()
        self.capacity_spin.setRange(0, CAPACITY_MAX * 2)
        self.capacity_spin.setSuffix(" open engagements")

        top = QFormLayout()
        top.addRow("&Name", self.name_edit)
        top.addRow("E&xternal id", self.external_id_edit)
        top.addRow("&Tier", self.tier_combo)
        top.addRow("&Capacity", self.capacity_spin)
        top.addRow("", self.active_check)

        self.regions = _Choices("Regions", Region)
        self.verticals = _Choices("Verticals", Vertical)
        self.service_profiles = _Choices("AWS service profiles", ServiceProfile)
        self.engagement_types = _Choices("Engagement types", EngagementType)
        self.stages = _Choices("Funding stages", FundingStage, columns=5)

        self.contact_name = QLineEdit()
        self.contact_title = QLineEdit()
        self.contact_email = QLineEdit()
        self.contact_phone = QLineEdit()
        self.contact_phone.setPlaceholderText("+14155550100")
        contact_box = QGroupBox("Contact")
        contact = QFormLayout(contact_box)
        contact.addRow("Name", self.contact_name)
        contact.addRow("Title", self.contact_title)
        contact.addRow("E-mail", self.contact_email)
        contact.addRow("Phone", self.contact_phone)

        self.problems_label = QLabel()
        self.problems_label.setTextFormat(Qt.TextFormat.PlainText)
        self.problems_label.setWordWrap(True)
        self.save_error_label = QLabel()
        self.save_error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.save_error_label.setWordWrap(True)
        self.save_error_label.setStyleSheet("font-weight: bold;")
        self.save_error_label.hide()

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._on_save_clicked)
        self.buttons.rejected.connect(self.reject)

        profile = QHBoxLayout()
        left = QVBoxLayout()
        left.addLayout(top)
        left.addWidget(contact_box)
        left.addStretch(1)
        right = QVBoxLayout()
        for box in (
            self.regions,
            self.verticals,
            self.service_profiles,
            self.engagement_types,
            self.stages,
        ):
            right.addWidget(box)
            box.changed.connect(self._on_any_changed)
        profile.addLayout(left, 2)
        profile.addLayout(right, 3)

        layout = QVBoxLayout(self)
        layout.addLayout(profile)
        layout.addWidget(self.problems_label)
        layout.addWidget(self.save_error_label)
        layout.addWidget(self.buttons)

        for edit in (
            self.name_edit,
            self.external_id_edit,
            self.contact_name,
            self.contact_title,
            self.contact_email,
            self.contact_phone,
        ):
            edit.textChanged.connect(self._on_any_changed)
        self.tier_combo.currentIndexChanged.connect(self._on_any_changed)
        self.active_check.toggled.connect(self._on_any_changed)
        self.capacity_spin.valueChanged.connect(self._on_any_changed)

    def _load(self, partner: Partner | None) -> None:
        partner = partner or Partner(name="", tier=Tier.ADVANCED)
        self.name_edit.setText(partner.name)
        self.external_id_edit.setText(partner.external_id or "")
        self.tier_combo.setCurrentIndex(list(Tier).index(partner.tier))
        self.active_check.setChecked(partner.active)
        self.capacity_spin.setValue(partner.capacity)
        self.regions.set_checked(partner.regions)
        self.verticals.set_checked(partner.verticals)
        self.service_profiles.set_checked(partner.service_profiles)
        self.engagement_types.set_checked(partner.engagement_types)
        self.stages.set_checked(partner.stages)
        self.contact_name.setText(partner.contact.name)
        self.contact_title.setText(partner.contact.title)
        self.contact_email.setText(partner.contact.email)
        self.contact_phone.setText(partner.contact.phone)

    # ---- values and validation -----------------------------------------------------------

    def partner(self) -> Partner:
        """The partner as the form shows it (id and version of the one being edited)."""
        original = self._original
        return Partner(
            id=original.id if original else None,
            version=original.version if original else 1,
            external_id=self.external_id_edit.text().strip() or None,
            name=self.name_edit.text(),
            tier=Tier(self.tier_combo.currentData()),
            active=self.active_check.isChecked(),
            capacity=self.capacity_spin.value(),
            regions=tuple(Region(v) for v in self.regions.checked()),
            verticals=tuple(Vertical(v) for v in self.verticals.checked()),
            service_profiles=tuple(ServiceProfile(v) for v in self.service_profiles.checked()),
            engagement_types=tuple(EngagementType(v) for v in self.engagement_types.checked()),
            stages=tuple(FundingStage(v) for v in self.stages.checked()),
            contact=Contact(
                name=self.contact_name.text().strip(),
                title=self.contact_title.text().strip(),
                email=self.contact_email.text().strip(),
                phone=self.contact_phone.text().strip(),
            ),
        )

    def _on_any_changed(self) -> None:
        problems = partner_problems(self.partner())
        lines = [("✗ " if p.blocking else "⚠ ") + p.message for p in problems]
        self.problems_label.setText("\n".join(lines))
        self.problems_label.setVisible(bool(lines))
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setEnabled(not any(p.blocking for p in problems))
        self.save_error_label.hide()

    # ---- saving --------------------------------------------------------------------------

    def _on_save_clicked(self) -> None:
        partner = self.partner()
        admin = self._admin
        self.buttons.setEnabled(False)
        request_id = new_request_id()
        save = (
            partner_service.create_partner if partner.id is None else partner_service.update_partner
        )

        def failed(error: BaseException) -> None:
            if not self._check.handle(
                error,
                request_id,
                action=f"saving {partner.name}",
                done_text=f"Saved {partner.name}.",
                on_applied=self._on_found_saved,
                on_not_applied=lambda: self.buttons.setEnabled(True),
            ):
                self._on_save_failed(error)

        self._jobs.run(
            lambda db: save(db, partner, admin, request_id=request_id),
            on_done=self._on_saved,
            on_error=failed,
        )

    def _on_found_saved(self, outcome: Outcome) -> None:
        """The answer was lost but the save went through: show the partner as stored."""
        partner_id = int(outcome.result["partner_id"])
        self._jobs.run(
            lambda db: partner_service.get_partner(db, partner_id),
            on_done=lambda stored: self._on_saved(
                partner_service.PartnerSaved(stored, outcome.changes)
            ),
            on_error=self._on_save_failed,
        )

    def _show_check(self, text: str) -> None:
        self.save_error_label.setText(text)
        self.save_error_label.show()

    def _on_saved(self, saved: partner_service.PartnerSaved) -> None:
        self.buttons.setEnabled(True)
        self.partner_saved.emit(saved)
        self.accept()

    def _on_save_failed(self, error: BaseException) -> None:
        self.buttons.setEnabled(True)
        if not isinstance(error, partner_service.PartnerError):
            raise error
        self.save_error_label.setText(str(error))
        self.save_error_label.show()
