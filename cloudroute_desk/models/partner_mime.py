"""The drag payload for "assign this partner": one format shared by the pane and drop targets."""

from __future__ import annotations

import json
from dataclasses import dataclass

from PySide6.QtCore import QMimeData

PARTNER_MIME_TYPE = "application/x-cloudroute-partner"


@dataclass(frozen=True, slots=True)
class PartnerDrag:
    partner_id: int
    partner_name: str
    inquiry_id: int | None
    """The inquiry the partner was ranked for; a drop elsewhere ranks again before assigning."""


def encode_partner_drag(drag: PartnerDrag) -> QMimeData:
    mime = QMimeData()
    payload = {
        "partner_id": drag.partner_id,
        "partner_name": drag.partner_name,
        "inquiry_id": drag.inquiry_id,
    }
    mime.setData(PARTNER_MIME_TYPE, json.dumps(payload).encode())
    mime.setText(drag.partner_name)
    return mime


def decode_partner_drag(mime: QMimeData) -> PartnerDrag | None:
    """The dragged partner, or None when the data is not (well-formed) ours."""
    if not mime.hasFormat(PARTNER_MIME_TYPE):
        return None
    try:
        payload = json.loads(bytes(mime.data(PARTNER_MIME_TYPE).data()).decode())
        partner_id = payload["partner_id"]
        inquiry_id = payload.get("inquiry_id")
        if not isinstance(partner_id, int) or not (
            inquiry_id is None or isinstance(inquiry_id, int)
        ):
            return None
        return PartnerDrag(partner_id, str(payload.get("partner_name", "")), inquiry_id)
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None
