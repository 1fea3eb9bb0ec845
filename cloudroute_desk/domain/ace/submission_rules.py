"""Partner Central's own conditions on a record: what submission needs, and every check the
``partnercentral-selling`` service model makes on the exported request, mapped back to the
form's fields. The seed's business rules are in ``ace_rules``, which runs these last.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from cloudroute_desk.domain.ace import api_model as ace_api_model
from cloudroute_desk.domain.ace import export as ace_export
from cloudroute_desk.domain.ace import picklists as ace_picklists
from cloudroute_desk.domain.ace.form import AceForm
from cloudroute_desk.domain.findings import Finding, FindingCollector, Severity

EXPORT_CHECK_TOKEN: Final = "validation"
"""ClientToken used when exporting only to run the API-model checks."""
INVOLVEMENT_TYPES: Final = ("Co-Sell", "For Visibility Only")
FLAT_RENEWAL: Final = "Flat Renewal"


def submission_rules(form: AceForm, out: FindingCollector) -> None:
    if not form.title.strip():
        out.error("title", "title", "Project title is required.")
    if not form.partner_role.strip():
        out.error(
            "partner_role",
            "partner_role",
            "Describe the partner's role (e.g. architecture review).",
        )
    if not form.customer_use_case:
        out.error("customer_use_case", "submit.customer_use_case", "Choose the customer use case.")
    elif form.customer_use_case not in ace_picklists.CUSTOMER_USE_CASES:
        out.error(
            "customer_use_case",
            "submit.customer_use_case",
            "Customer use case must be one of Partner Central's values.",
        )
    if not form.delivery_models:
        out.error(
            "delivery_models", "submit.delivery_models", "Choose at least one delivery model."
        )
    if not form.sales_activities:
        out.error(
            "sales_activities", "submit.sales_activities", "Choose at least one sales activity."
        )
    if form.involvement_type not in INVOLVEMENT_TYPES:
        out.error(
            "involvement_type",
            "submit.involvement",
            "Involvement must be Co-Sell or For Visibility Only.",
        )
    elif form.involvement_type == "Co-Sell" and not form.primary_needs:
        out.error(
            "primary_needs",
            "submit.involvement",
            "Co-Sell needs at least one primary need from AWS.",
        )
    elif form.involvement_type == "For Visibility Only" and form.primary_needs:
        out.error(
            "primary_needs",
            "submit.involvement",
            "For Visibility Only cannot ask AWS for Co-Sell support: clear the primary needs.",
        )
    if form.national_security == "Yes" and form.involvement_type != "Co-Sell":
        # ace_data_model_rules.md, NationalSecurity: "PrimaryNeedsFromAws MUST NOT be Do not
        # need support from AWS" - i.e. AWS is involved: Co-Sell, never For Visibility Only.
        out.error(
            "involvement_type",
            "national_security.co_sell",
            "National security opportunities need Co-Sell: Partner Central refuses them "
            "For Visibility Only.",
        )
    if form.opportunity_type == FLAT_RENEWAL and not form.related_opportunity_identifier:
        out.error(
            "related_opportunity_identifier",
            "submit.related_opportunity",
            "A Flat Renewal needs the Partner Central id of the opportunity it renews (O...).",
        )
    if form.involvement_type == "Co-Sell" and not form.next_steps.strip():
        # Partner Central asks for next steps before it converts a record to Co-Sell; the
        # create call itself does not, so this does not block.
        out.warning(
            "next_steps",
            "submit.next_steps",
            "Co-Sell support needs next steps: say what happens next with the customer.",
        )


def api_model_findings(
    form: AceForm, seen: Iterable[Finding], identity: ace_export.RoutingIdentity | None = None
) -> list[Finding]:
    """The service model's checks over the exported request (with the record's identity,
    when given), on the form fields. A field that already has an error keeps only that
    (clearer) message."""
    errored = {f.field for f in seen if f.severity is Severity.ERROR}
    payload, paths = ace_export.export_with_paths(
        form, client_token=EXPORT_CHECK_TOKEN, identity=identity
    )
    findings: list[Finding] = []
    for violation in ace_api_model.check_request(payload):
        field = ace_export.form_field_for(violation.path, paths)
        if field in errored:
            continue
        errored.add(field)
        findings.append(
            Finding(
                field=field,
                severity=Severity.ERROR,
                message=f"Partner Central {violation.path}: {violation.message}.",
                rule=f"api.{violation.code.lower()}",
            )
        )
    return findings
