"""What the main window builds after its first paint, imported in one place.

Start-up imports these modules on a pool thread once the queue's first rows are on screen,
those of the partner ranking first, then the editor's, then this module for the rest
(``MainWindow.build_panes_later``), so the partner ranking, the editor, the import and
Partner Central controllers, live updates and offline mode (and what they pull in: numpy for
the routing statistics, pydantic's ACE form, the drafts store) never delay the first paint,
and building them on the GUI thread afterwards does not wait for imports either.
"""

from cloudroute_desk.services.drafts import DraftStore
from cloudroute_desk.services.importing import RowKind
from cloudroute_desk.views.claim_keeper import ClaimKeeper
from cloudroute_desk.views.editor import RecordEditorPane
from cloudroute_desk.views.import_dialog import ImportController
from cloudroute_desk.views.live_updates import LiveUpdates
from cloudroute_desk.views.offline_banner import OfflineController
from cloudroute_desk.views.partner_central_import_dialog import PartnerCentralImportController
from cloudroute_desk.views.partner_central_sync_dialog import PartnerCentralSyncController
from cloudroute_desk.views.partners.partner_dock import PartnerDock
from cloudroute_desk.views.queue.inquiry_facts import InquiryFacts

__all__ = [
    "ClaimKeeper",
    "DraftStore",
    "ImportController",
    "InquiryFacts",
    "LiveUpdates",
    "OfflineController",
    "PartnerCentralImportController",
    "PartnerCentralSyncController",
    "PartnerDock",
    "RecordEditorPane",
    "RowKind",
]
