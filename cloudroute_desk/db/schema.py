"""The whole schema: importing this module registers every table on one metadata.

Alembic's autogenerate and the bulk loader need every table, including the chart and routing
projections, which live in their own modules; nothing else should need this one.
"""

from __future__ import annotations

from sqlalchemy import MetaData

from cloudroute_desk.db import (
    change_tables,
    chart_tables,
    claim_tables,
    review_tables,
    routing_tables,
    sync_tables,
    tables,
    write_request_tables,
)
from cloudroute_desk.db.base import Base

TABLE_MODULES = (
    tables,
    chart_tables,
    routing_tables,
    change_tables,
    claim_tables,
    write_request_tables,
    review_tables,
    sync_tables,
)
metadata: MetaData = Base.metadata
