"""``cloudroute-desk route``: the partner ranking for one inquiry, from the pane's own service."""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from typing import Any

from cloudroute_desk.cli.command_error import CommandError, open_or_fail
from cloudroute_desk.domain.catalog import CLOSE_RATE_THRESHOLD
from cloudroute_desk.domain.formatting import THRESHOLD_LABEL, money, percent
from cloudroute_desk.domain.routing.values import AXIS_LABELS, Ranking
from cloudroute_desk.services.routing import InquiryNotFoundError, rank_inquiry

NAME = "route"
HELP = "Rank every partner for one inquiry, with each factor and the excluded partners' reasons."

FROM_LAST_REFRESH = (
    "Scores are from the last routing index refresh: it could not be refreshed now (the "
    "database is locked by another program, or this login may only read)."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", required=True, help="SQLite file path or postgresql:// URL")
    parser.add_argument("--inquiry", required=True, type=int, help="inquiry id")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--as-of",
        type=datetime.fromisoformat,
        default=None,
        help="rank as of this UTC date/time (ISO 8601; default now)",
    )
    parser.add_argument("--limit", type=int, default=None, help="show only the best N")


def run(args: argparse.Namespace) -> int:
    database = open_or_fail(args.db)
    try:
        ranking = rank_inquiry(database, args.inquiry, as_of=args.as_of, limit=args.limit)
    except InquiryNotFoundError as error:
        raise CommandError(str(error)) from None
    finally:
        database.dispose()
    print(json.dumps(as_json(ranking), indent=2) if args.json else as_text(ranking))
    return 0


def as_json(ranking: Ranking) -> dict[str, Any]:
    ranked = []
    for partner in ranking.ranked:
        item = partner.model_dump(mode="json")
        for axis in item["axes"]:
            axis["n"] = axis["decided"]
        ranked.append(item)
    return {
        "inquiry_id": ranking.inquiry_id,
        "as_of": ranking.as_of.isoformat(),
        "threshold": CLOSE_RATE_THRESHOLD,
        "below_threshold_fallback": ranking.below_threshold_fallback,
        "total_ranked": ranking.total_ranked,
        "from_last_refresh": ranking.from_last_refresh,
        "ranked": ranked,
        "excluded": [e.model_dump(mode="json") for e in ranking.excluded],
    }


def as_text(ranking: Ranking) -> str:
    lines = [
        f"Inquiry #{ranking.inquiry_id}: {ranking.total_ranked} partners ranked, "
        f"{len(ranking.excluded)} excluded (as of {ranking.as_of:%Y-%m-%d %H:%M} UTC)"
    ]
    if ranking.from_last_refresh:
        lines.append(FROM_LAST_REFRESH)
    if ranking.below_threshold_fallback:
        lines.append(
            f"No partner above the {THRESHOLD_LABEL} threshold fits: "
            "below-threshold partners ranked as a fallback."
        )
    for p in ranking.ranked:
        badge = "above threshold" if p.above_threshold else "below threshold"
        lines.append("")
        lines.append(
            f"{p.rank:>3}. {p.partner_name} ({p.tier.value}) score {money(p.score)}, "
            f"close estimate {percent(p.close_estimate)} ({badge}), load {p.load}/{p.capacity}"
        )
        lines.append(f"      - {p.reasons[0]}")
        lines.append(
            "      " + " | ".join(f"{AXIS_LABELS[a.axis]} {a.value}: {a.label}" for a in p.axes)
        )
        lines.extend(f"      - {reason}" for reason in p.reasons[len(p.axes) + 1 :])
    if ranking.excluded:
        lines.append("")
        lines.append("Excluded:")
        lines.extend(
            f"  {e.partner_name} (#{e.partner_id}, {e.tier.value}): {e.reason}"
            for e in ranking.excluded
        )
    return "\n".join(lines)
