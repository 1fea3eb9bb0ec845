"""A second process that edits records on an offline copy the way the offline window does
(the record service's save on the copy), printing each committed save, until it is killed.

    python -m tests.offline_editor_process COPY_PATH RECORD_ID [RECORD_ID ...]
"""

from __future__ import annotations

import sys
import time

from cloudroute_desk.db.opening import open_database
from cloudroute_desk.services import records


def main(path: str, record_ids: list[int]) -> None:
    copy = open_database(path, check_integrity=False).signed_as("alice")
    edit = 0
    while True:
        for record_id in record_ids:
            edit += 1
            opened = records.open_record(copy, record_id)
            form = opened.form.model_copy(update={"use_case": f"edit {edit}"})
            records.save_form(copy, record_id, form, opened.version, "alice")
            print(f"saved {record_id} edit {edit}", flush=True)
        time.sleep(0.01)


if __name__ == "__main__":
    main(sys.argv[1], [int(value) for value in sys.argv[2:]])
