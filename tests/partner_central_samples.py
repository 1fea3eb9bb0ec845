"""Records ready for Partner Central, and Partner Central's answers about them, for the
import tests: exported for real, then described in Partner Central's own JSON shapes."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any

from cloudroute_desk.db.engine import Database
from cloudroute_desk.domain.catalog import Pool, RecordState
from cloudroute_desk.domain.clock import utcnow
from cloudroute_desk.services import assignment, records
from cloudroute_desk.services.ace_export_service import export_record
from tests.ace_samples import portfolio_form
from tests.factories import add_inquiry, add_partner

_numbers = itertools.count(1)


def exportable_record(
    database: Database, partner_id: int | None = None, *, company: str = "Lumen Analytics Inc."
) -> tuple[int, dict[str, Any]]:
    """A saved, valid Portfolio draft of an assigned inquiry, and its CreateOpportunity."""
    partner_id = partner_id or add_partner(database, capacity=500)
    number = next(_numbers)
    website = f"https://customer{number}.example.com"
    inquiry_id = add_inquiry(database, company_name=company, website=website)
    assignment.assign(database, inquiry_id, partner_id, "alice")
    opened, _ = records.create_record(database, inquiry_id, Pool.PORTFOLIO, "alice")
    close = (utcnow().date() + timedelta(days=60)).isoformat()
    form = portfolio_form(title=opened.form.title, target_close_date=close)
    form = form.model_copy(
        update={
            "customer": form.customer.model_copy(
                update={
                    "company_name": company,
                    "website": website,
                    "aws_account_id": str(210_000_000_000 + number),
                }
            )
        }
    )
    records.save_form(database, opened.record_id, form, opened.version, "alice")
    payload = export_record(database, opened.record_id).payload
    assert payload is not None, export_record(database, opened.record_id).findings
    return opened.record_id, payload


def submit(database: Database, record_id: int) -> None:
    opened = records.open_record(database, record_id)
    records.transition(database, record_id, RecordState.SUBMITTED, opened.version, "alice")


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def opportunity(
    payload: dict[str, Any],
    opportunity_id: str,
    review_status: str,
    modified: datetime,
    *,
    stage: str | None = None,
    reason: str | None = None,
    comments: str | None = None,
    closed_lost_reason: str | None = None,
) -> dict[str, Any]:
    """A GetOpportunity response for the exported ``payload`` as Partner Central holds it."""
    life: dict[str, Any] = {
        "ReviewStatus": review_status,
        "Stage": stage or ("Closed Lost" if review_status == "Rejected" else "Qualified"),
    }
    if reason:
        life["ReviewStatusReason"] = reason
    if comments:
        life["ReviewComments"] = comments
    if closed_lost_reason:
        life["ClosedLostReason"] = closed_lost_reason
    return {
        "Catalog": payload["Catalog"],
        "Id": opportunity_id,
        "Arn": f"arn:aws:partnercentral:us-east-1::catalog/AWS/opportunity/{opportunity_id}",
        "PartnerOpportunityIdentifier": payload["PartnerOpportunityIdentifier"],
        "Customer": payload["Customer"],
        "Project": payload["Project"],
        "LifeCycle": life,
        "LastModifiedDate": iso(modified),
        "CreatedDate": iso(modified - timedelta(minutes=5)),
        "RelatedEntityIdentifiers": {},
    }


def summary_of(response: dict[str, Any]) -> dict[str, Any]:
    """The ListOpportunities summary of a GetOpportunity response."""
    return {
        "Catalog": response["Catalog"],
        "Id": response["Id"],
        "PartnerOpportunityIdentifier": response.get("PartnerOpportunityIdentifier"),
        "LastModifiedDate": response["LastModifiedDate"],
        "CreatedDate": response["CreatedDate"],
        "LifeCycle": response["LifeCycle"],
        "Customer": {"Account": {"CompanyName": response["Customer"]["Account"]["CompanyName"]}},
    }
