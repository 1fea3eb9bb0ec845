"""Partner Central's stage-dependent rules: what a record needs before it may enter a stage.

A record's state reads as a Partner Central ``LifeCycle.Stage`` (``catalog.API_STAGE_AND_REVIEW``);
the rules below apply from that stage on. Sources: ``ace_data_model_rules.md`` (Customer.Account.
AwsAccountId "Required for Launch for Consulting Partners") and ``Opportunity-Fields.csv``
(awsAccountId "For Consulting Partners, When Stage = Launched"; AWS test scenario T 3.8:
"Stage cannot be updated to Launched till AWSAccountID is updated").
"""

from __future__ import annotations

import re
from typing import Final

from cloudroute_desk.domain.ace.form import AceForm
from cloudroute_desk.domain.catalog import API_STAGE_AND_REVIEW, RecordState
from cloudroute_desk.domain.findings import FindingCollector

LAUNCHED_STAGE: Final = "Launched"
_ACCOUNT_ID: Final = re.compile(r"[0-9]{12}")


def stage_of(state: RecordState) -> str:
    """The Partner Central stage a record in ``state`` is at."""
    return API_STAGE_AND_REVIEW[state][0]


def stage_rules(form: AceForm, state: RecordState, out: FindingCollector) -> None:
    """Rules for a record in (or about to enter) ``state``."""
    if stage_of(state) == LAUNCHED_STAGE and not _ACCOUNT_ID.fullmatch(
        form.customer.aws_account_id
    ):
        out.error(
            "customer.aws_account_id",
            "stage.launched_account",
            "Partner Central launches a record only with the customer's 12-digit AWS account "
            "ID: replace the placeholder with the account the credits landed in.",
        )
