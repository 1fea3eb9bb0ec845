"""A botocore client on the Partner Central emulator, as the tests and the bench use it."""

from __future__ import annotations

from typing import Any

from cloudroute_desk.domain.ace.export import to_create_opportunity
from tests.ace_samples import portfolio_form


def emulator_client(endpoint_url: str, *, validate_params: bool = True) -> Any:
    """A real ``partnercentral-selling`` client with dummy credentials and no retries, so a
    test sees each error the emulator sends."""
    import botocore.session
    from botocore.config import Config

    session = botocore.session.get_session()
    return session.create_client(
        "partnercentral-selling",
        region_name="us-east-1",
        endpoint_url=endpoint_url,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"total_max_attempts": 1}, parameter_validation=validate_params),
    )


def create_request(number: int = 1, *, catalog: str = "Sandbox", **changes: Any) -> dict[str, Any]:
    """A complete CreateOpportunity request as the app exports it, made unique by ``number``."""
    payload = to_create_opportunity(
        portfolio_form(), client_token=f"token-{number}", catalog=catalog
    )
    payload["PartnerOpportunityIdentifier"] = f"cr-test-{number}"
    payload["Customer"]["Account"]["CompanyName"] = f"Lumen {number}"
    payload.update(changes)
    return payload
