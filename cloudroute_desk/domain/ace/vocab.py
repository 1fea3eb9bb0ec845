"""The seed's intake words mapped to the Partner Central API's values.

The intake speaks the founder's language (fintech, GCP, US-East); the ACE record speaks the
API's (Financial Services, Google Cloud Platform, US). This table is the only place the two
meet: ``AceForm.from_inquiry`` prefills with it and the README documents it.
"""

from __future__ import annotations

from typing import Final

from cloudroute_desk.domain.catalog import (
    CurrentCloud,
    EngagementType,
    Pool,
    Region,
    ServiceProfile,
    Vertical,
)

OTHER_INDUSTRY: Final = "Other"
OTHER_COMPETITOR: Final = "*Other"
NO_COMPETITION: Final = "No Competition"

INDUSTRY_BY_VERTICAL: Final[dict[Vertical, tuple[str, str]]] = {
    # (Industry, OtherIndustry): the API wants OtherIndustry only when Industry is Other.
    Vertical.FINTECH: ("Financial Services", ""),
    Vertical.HEALTHTECH: ("Healthcare", ""),
    Vertical.B2B_SAAS: ("Software and Internet", ""),
    Vertical.ECOMMERCE: ("Retail", ""),
    # Deep tech spans robotics, quantum, materials...: no single API industry fits.
    Vertical.DEEP_TECH: (OTHER_INDUSTRY, "Deep tech"),
    Vertical.GAMING: ("Gaming", ""),
    Vertical.MEDIA: ("Media and Entertainment", ""),
    Vertical.EDTECH: ("Education", ""),
}

COMPETITOR_BY_CLOUD: Final[dict[CurrentCloud, tuple[str, str]]] = {
    # (CompetitorName, OtherCompetitorNames)
    CurrentCloud.NONE: (NO_COMPETITION, ""),
    CurrentCloud.GCP: ("Google Cloud Platform", ""),
    CurrentCloud.AZURE: ("Microsoft Azure", ""),
    CurrentCloud.HEROKU: (OTHER_COMPETITOR, "Heroku"),
    CurrentCloud.ON_PREM: ("On-Prem", ""),
    # The intake only says "other": the admin names it in OtherCompetitorNames.
    CurrentCloud.OTHER: (OTHER_COMPETITOR, ""),
}

COUNTRY_BY_REGION: Final[dict[Region, str]] = {
    Region.US_EAST: "US",
    Region.US_WEST: "US",
    Region.UK: "GB",
    Region.INDIA: "IN",
    Region.BRAZIL: "BR",
    # Multi-country regions are left blank on purpose: a guessed country would pass the
    # postal-code check against the wrong format, a blank one draws a "required" error.
    Region.EU: "",
    Region.MENA: "",
    Region.APAC: "",
}

USE_CASE_BY_PROFILE: Final[dict[ServiceProfile, str]] = {
    ServiceProfile.AI: "AI Machine Learning and Analytics",
    ServiceProfile.DATA: "Big Data: Data Warehouse/Data Integration/ETL/Data Lake/BI",
    ServiceProfile.COMPUTE: "Containers & Serverless",
    ServiceProfile.EDGE: "Content Delivery & Edge Services",
}
MIGRATION_USE_CASE: Final = "Migration/Database Migration"

APN_PROGRAM_BY_POOL: Final[dict[Pool, str]] = {
    Pool.MAP: "Migration Acceleration Program",
}

DEFAULT_DELIVERY_MODELS: Final = ("Professional Services",)
"""CloudRoute's partners are consulting partners filing on a startup's behalf."""
DEFAULT_PRIMARY_NEEDS: Final = ("Co-Sell - Architectural Validation",)
DEFAULT_SALES_ACTIVITIES: Final = ("Initialized discussions with customer",)
"""A record is filed after the discovery call, so discussions have started."""
DEFAULT_INVOLVEMENT_TYPE: Final = "Co-Sell"


def industry_for(vertical: Vertical | str) -> tuple[str, str]:
    try:
        return INDUSTRY_BY_VERTICAL[Vertical(vertical)]
    except ValueError:
        return (OTHER_INDUSTRY, str(vertical))


def competitor_for(cloud: CurrentCloud | str) -> tuple[str, str]:
    try:
        return COMPETITOR_BY_CLOUD[CurrentCloud(cloud)]
    except ValueError:
        return (OTHER_COMPETITOR, str(cloud))


def country_for(region: Region | str) -> str:
    try:
        return COUNTRY_BY_REGION[Region(region)]
    except ValueError:
        return ""


def use_case_for(profile: ServiceProfile | str, engagement: EngagementType | str) -> str:
    if engagement == EngagementType.MIGRATE:
        return MIGRATION_USE_CASE
    try:
        return USE_CASE_BY_PROFILE[ServiceProfile(profile)]
    except ValueError:
        return ""


def mapping_table() -> list[tuple[str, str, str]]:
    """(kind, seed word, API value) rows, for the README and ``--help`` texts."""
    rows: list[tuple[str, str, str]] = []
    for vertical, (industry, other) in INDUSTRY_BY_VERTICAL.items():
        api = f"{industry} (OtherIndustry: {other})" if other else industry
        rows.append(("Industry", vertical.value, api))
    for cloud, (name, other_name) in COMPETITOR_BY_CLOUD.items():
        api = (
            f"{name} (OtherCompetitorNames: {other_name or 'named by admin'})"
            if (name == OTHER_COMPETITOR)
            else name
        )
        rows.append(("CompetitorName", cloud.value, api))
    for region, country in COUNTRY_BY_REGION.items():
        rows.append(("CountryCode", region.value, country or "(admin chooses)"))
    for profile, use_case in USE_CASE_BY_PROFILE.items():
        rows.append(("CustomerUseCase", profile.value, use_case))
    rows.append(("CustomerUseCase", "Migrate (any profile)", MIGRATION_USE_CASE))
    return rows
