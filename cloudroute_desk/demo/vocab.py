"""Word lists the demo data generator combines into names that look like real companies.

Every name is invented: combinations of ordinary words, never a real firm's name. The lists are
tuples so iteration order (and therefore generated data) is fixed for a given seed.
"""

from __future__ import annotations

from cloudroute_desk.domain.catalog import Region, ServiceProfile, Vertical

FIRST_NAMES: tuple[str, ...] = (
    "Aarav", "Abigail", "Adaeze", "Aditi", "Ahmed", "Aiko", "Alejandro", "Amara", "Amelia",
    "Ana", "Andrei", "Anika", "Arjun", "Ayesha", "Beatriz", "Ben", "Bruno", "Camila", "Carlos",
    "Chen", "Chloe", "Daniel", "Dev", "Diego", "Elena", "Emeka", "Emma", "Fatima", "Felipe",
    "Finn", "Gabriel", "Grace", "Hana", "Hannah", "Hiro", "Ibrahim", "Ines", "Isaac", "Ishaan",
    "Jack", "James", "Jia", "Jonas", "Julia", "Kavya", "Kenji", "Laila", "Lars", "Leah", "Leon",
    "Lina", "Lucas", "Maya", "Mateo", "Mei", "Mia", "Min-jun", "Nadia", "Naveen", "Nina",
    "Noah", "Olivia", "Omar", "Oscar", "Priya", "Rafael", "Rahul", "Rania", "Ravi", "Rosa",
    "Ryan", "Sakura", "Samir", "Sara", "Sebastian", "Sofia", "Tariq", "Theo", "Tomas", "Uma",
    "Valentina", "Vikram", "Wei", "Yasmin", "Yusuf", "Zara", "Zoe",
)  # fmt: skip

LAST_NAMES: tuple[str, ...] = (
    "Abe", "Adeyemi", "Ahmed", "Alvarez", "Andersen", "Bakker", "Banerjee", "Becker", "Bianchi",
    "Brooks", "Carvalho", "Chen", "Costa", "Das", "Dubois", "Eriksson", "Fernandes", "Fischer",
    "Garcia", "Gupta", "Haddad", "Hansen", "Hughes", "Iyer", "Jansen", "Kapoor", "Kim",
    "Kowalski", "Kumar", "Larsen", "Lee", "Lim", "Lopez", "Mahmoud", "Martin", "Mehta",
    "Moreau", "Murphy", "Nakamura", "Nguyen", "Novak", "Okafor", "Oliveira", "Park", "Patel",
    "Pereira", "Petrov", "Rao", "Reddy", "Rossi", "Saleh", "Santos", "Schmidt", "Sharma",
    "Silva", "Singh", "Sousa", "Suzuki", "Tan", "Tanaka", "Taylor", "Thompson", "Walker",
    "Wang", "Weber", "Williams", "Wong", "Yamamoto", "Yilmaz", "Zhang",
)  # fmt: skip

# Company names: a compound of two words ("Bright" + "peak") plus a vertical stem ("Health").
NAME_HEADS: tuple[str, ...] = (
    "Amber", "Apex", "Arc", "Aster", "Azure", "Bay", "Birch", "Blue", "Bold", "Bright", "Brook",
    "Canyon", "Cedar", "Cinder", "Clear", "Cloud", "Cobalt", "Coral", "Crest", "Crisp",
    "Crystal", "Deep", "Delta", "Dune", "Echo", "Elm", "Ember", "Even", "Fable", "Fern",
    "Field", "Fire", "Flint", "Fox", "Frost", "Gale", "Glen", "Gold", "Granite", "Green",
    "Grove", "Harbor", "Hazel", "High", "Hollow", "Indigo", "Iris", "Iron", "Ivy", "Jade",
    "Juniper", "Kestrel", "Lake", "Lark", "Light", "Lime", "Linden", "Loop", "Lumen", "Lunar",
    "Maple", "Marble", "Meadow", "Mint", "Mist", "Moss", "North", "Nova", "Oak", "Ocean",
    "Onyx", "Orbit", "Pine", "Pixel", "Plum", "Polar", "Prism", "Quartz", "Quill", "Rain",
    "Raven", "Red", "Ridge", "River", "Robin", "Rock", "Rose", "Sage", "Salt", "Sand",
    "Scarlet", "Sea", "Shore", "Silver", "Sky", "Slate", "Snow", "Solar", "Spark", "Spruce",
    "Star", "Stone", "Storm", "Summit", "Sun", "Swift", "Thistle", "Tide", "True", "Umber",
    "Vale", "Velvet", "West", "Willow", "Wind", "Wren", "Zen", "Zephyr",
)  # fmt: skip

NAME_TAILS: tuple[str, ...] = (
    "beam", "bird", "bit", "bloom", "bridge", "brook", "cast", "core", "craft", "crest",
    "dale", "dash", "deck", "dock", "field", "flow", "forge", "frame", "gate", "glow", "grid",
    "hive", "hub", "kit", "lane", "leaf", "light", "line", "link", "loom", "mark", "mill",
    "nest", "node", "path", "peak", "point", "port", "pulse", "quay", "reach", "root", "run",
    "sail", "scale", "shift", "signal", "spark", "span", "spring", "stack", "stream", "sync",
    "trail", "vault", "view", "wave", "well", "wing", "works",
)  # fmt: skip

VERTICAL_STEMS: dict[str, tuple[str, ...]] = {
    Vertical.FINTECH: (
        "Pay", "Ledger", "Capital", "Money", "Finance", "Lending", "Payments", "Wallet",
        "Treasury", "Credit", "Invest", "Insure",
    ),
    Vertical.HEALTHTECH: (
        "Health", "Care", "Bio", "Medical", "Clinic", "Diagnostics", "Therapeutics", "Rx",
        "Genomics", "Vitals", "Cardio", "Dental",
    ),
    Vertical.B2B_SAAS: (
        "Labs", "Software", "Systems", "Analytics", "Cloud", "Data", "Ops", "HQ", "Metrics",
        "Workflow", "Desk", "Platform",
    ),
    Vertical.ECOMMERCE: (
        "Commerce", "Shop", "Market", "Goods", "Retail", "Cart", "Supply", "Direct", "Store",
        "Trade", "Outfitters", "Logistics",
    ),
    Vertical.DEEP_TECH: (
        "Robotics", "Quantum", "Materials", "Photonics", "Fusion", "Space", "Sensors",
        "Dynamics", "Semiconductors", "Energy", "Aero", "Compute",
    ),
    Vertical.GAMING: (
        "Games", "Studios", "Interactive", "Play", "Arcade", "Entertainment", "Worlds", "Quest",
        "Esports", "Realms", "Pixel", "Arena",
    ),
    Vertical.MEDIA: (
        "Media", "Studio", "Stream", "Audio", "Video", "Broadcast", "News", "Pictures",
        "Sound", "Content", "Podcasts", "Creative",
    ),
    Vertical.EDTECH: (
        "Learning", "Academy", "Education", "Tutor", "School", "Campus", "Classroom", "Skills",
        "Courses", "Mentor", "Scholar", "Study",
    ),
}  # fmt: skip

LEGAL_SUFFIXES: dict[str, tuple[str, ...]] = {
    Region.US_EAST: ("Inc.", "Inc.", "Inc.", "LLC", "Corp."),
    Region.US_WEST: ("Inc.", "Inc.", "Inc.", "LLC", "Corp."),
    Region.UK: ("Ltd", "Ltd", "Limited", "PLC"),
    Region.EU: ("GmbH", "B.V.", "SAS", "S.r.l.", "AB", "Oy", "ApS", "S.L."),
    Region.MENA: ("FZ-LLC", "FZE", "LLC", "Ltd"),
    Region.INDIA: ("Pvt Ltd", "Private Limited", "Pvt Ltd"),
    Region.APAC: ("Pte. Ltd.", "Pty Ltd", "K.K.", "Co., Ltd.", "Ltd"),
    Region.BRAZIL: ("Ltda", "Ltda", "S.A."),
}

WEB_TLDS: dict[str, tuple[str, ...]] = {
    Region.US_EAST: ("com", "com", "com", "io", "co"),
    Region.US_WEST: ("com", "com", "io", "io", "co"),
    Region.UK: ("co.uk", "co.uk", "com", "io"),
    Region.EU: ("de", "nl", "fr", "it", "se", "fi", "dk", "es", "eu", "com", "io"),
    Region.MENA: ("ae", "com", "sa", "io"),
    Region.INDIA: ("in", "co.in", "com", "io"),
    Region.APAC: ("sg", "com.au", "jp", "com", "io"),
    Region.BRAZIL: ("com.br", "com.br", "com", "io"),
}

AI_TLD = "ai"

PHONE_FORMATS: dict[str, tuple[tuple[str, int], ...]] = {
    # (country code + area/mobile prefix, digits that follow): E.164 numbers, no spaces.
    Region.US_EAST: (("+1212", 7), ("+1617", 7), ("+1646", 7), ("+1305", 7), ("+1202", 7)),
    Region.US_WEST: (("+1415", 7), ("+1650", 7), ("+1206", 7), ("+1310", 7), ("+1503", 7)),
    Region.UK: (("+4420", 8), ("+447", 9), ("+44161", 7)),
    Region.EU: (("+4930", 8), ("+3120", 7), ("+331", 8), ("+3902", 8), ("+468", 8)),
    Region.MENA: (("+9714", 7), ("+97150", 7), ("+96611", 7)),
    Region.INDIA: (("+9180", 8), ("+9198", 8), ("+9122", 8)),
    Region.APAC: (("+656", 7), ("+612", 8), ("+813", 8), ("+852", 8)),
    Region.BRAZIL: (("+55119", 8), ("+55219", 8)),
}

INVESTOR_HEADS: tuple[str, ...] = (
    "Anchor", "Beacon", "Blackbird Hill", "Boulder", "Brightline", "Cairn", "Compass",
    "Crosswind", "Eastlake", "Evergreen Row", "Fieldstone", "Foundry Row", "Granite Peak",
    "Harbourside", "Headland", "Highgate", "Keystone Bay", "Lantern", "Longview", "Meridian",
    "Northwind", "Old Quarry", "Outpost", "Pinehurst", "Redwood Mill", "Riverbend",
    "Sandstone", "Seabright", "Signal Hill", "Southpoint", "Steelhead", "Tidewater",
    "Timberline", "Upland", "Waypoint", "Westbridge",
)  # fmt: skip

INVESTOR_TAILS: tuple[str, ...] = ("Ventures", "Capital", "Partners", "Fund", "VC", "Growth")

ANGEL_LEADS: tuple[str, ...] = ("angel syndicate", "founder friends and family", "accelerator")

PARTNER_HEADS: tuple[str, ...] = (
    "Acumen", "Altitude", "Apex", "Arclight", "Atlas", "Bastion", "Bluefin", "Bridgewater",
    "Candor", "Catalyst", "Cirrus", "Clarity", "Cloudwell", "Cobalt", "Copperline", "Corvid",
    "Crestline", "Daybreak", "Driftwood", "Elevate", "Ember", "Envoy", "Equinox", "Fathom",
    "Flagstone", "Fulcrum", "Gantry", "Greenfield", "Halcyon", "Hawthorn", "Helix", "Horizon",
    "Ironbark", "Keel", "Kinetic", "Lattice", "Ledgerline", "Lighthouse", "Lodestar", "Mainsail",
    "Meridian", "Monolith", "Nimbus", "Northbeam", "Oakridge", "Obsidian", "Outrigger",
    "Paragon", "Pinnacle", "Quarry", "Rampart", "Redline", "Rivet", "Sentinel", "Silverline",
    "Skyforge", "Stratus", "Summit", "Tandem", "Tessera", "Trellis", "Truenorth", "Vanguard",
    "Vector", "Verity", "Waypoint", "Westwind", "Zenith",
)  # fmt: skip

PARTNER_MIDDLES: tuple[str, ...] = (
    "Cloud", "Digital", "Data", "Tech", "Systems", "DevOps", "Cloudworks", "IT", "Software",
    "Analytics", "AI", "Infrastructure",
)  # fmt: skip

PARTNER_TAILS: tuple[str, ...] = (
    "Partners", "Consulting", "Group", "Solutions", "Labs", "Advisory", "Services", "& Co.",
    "Collective", "Engineering",
)  # fmt: skip

ADMINS: tuple[str, ...] = (
    "maya.chen@cloudroute.io",
    "jonas.weber@cloudroute.io",
    "priya.iyer@cloudroute.io",
    "sam.okafor@cloudroute.io",
    "lucia.santos@cloudroute.io",
)

SERVICES_BY_PROFILE: dict[str, tuple[str, ...]] = {
    ServiceProfile.COMPUTE: ("EC2", "EKS", "ECS", "Lambda", "RDS", "Aurora", "S3", "ElastiCache"),
    ServiceProfile.AI: ("Bedrock", "SageMaker", "EC2", "S3", "OpenSearch", "Lambda", "DynamoDB"),
    ServiceProfile.DATA: ("Redshift", "S3", "Kinesis", "OpenSearch", "RDS", "Aurora", "DynamoDB"),
    ServiceProfile.EDGE: ("CloudFront", "Lambda", "S3", "DynamoDB", "ECS", "ElastiCache"),
}
"""Likely spend lines for each profile, most characteristic first."""

ROUND_LABELS: dict[str, str] = {
    "pre-seed": "Pre-seed",
    "seed": "Seed",
    "Series-A": "Series A",
    "Series-B": "Series B",
    "later": "Series C",
}

USE_CASE_WHAT: dict[str, tuple[str, ...]] = {
    Vertical.FINTECH: (
        "card-spend controls for mid-market finance teams",
        "real-time payment reconciliation for marketplaces",
        "credit underwriting for small-business lenders",
        "treasury automation for venture-backed startups",
    ),
    Vertical.HEALTHTECH: (
        "remote patient monitoring for cardiology clinics",
        "prior-authorization automation for specialty practices",
        "clinical-trial matching for oncology centres",
        "care-team scheduling for home-health agencies",
    ),
    Vertical.B2B_SAAS: (
        "revenue forecasting for B2B sales teams",
        "contract analytics for procurement departments",
        "observability dashboards for platform engineering teams",
        "workflow automation for customer-support organisations",
    ),
    Vertical.ECOMMERCE: (
        "demand forecasting for direct-to-consumer brands",
        "returns logistics for online fashion retailers",
        "product search and recommendations for grocery delivery",
        "dynamic pricing for marketplace sellers",
    ),
    Vertical.DEEP_TECH: (
        "simulation pipelines for battery-materials research",
        "computer vision for warehouse robotics",
        "satellite-imagery analytics for agriculture",
        "sensor-fusion software for industrial inspection drones",
    ),
    Vertical.GAMING: (
        "a cross-platform multiplayer game with live events",
        "matchmaking and anti-cheat services for indie studios",
        "a mobile strategy game with seasonal content drops",
        "player analytics for free-to-play publishers",
    ),
    Vertical.MEDIA: (
        "automated video captioning and translation for publishers",
        "a podcast hosting and ad-insertion platform",
        "live-stream clipping for sports broadcasters",
        "a newsletter and paid-community platform for creators",
    ),
    Vertical.EDTECH: (
        "adaptive maths tutoring for secondary schools",
        "a cohort-based coding bootcamp platform",
        "exam proctoring for online universities",
        "language-learning conversation practice",
    ),
}
"""What a startup does, per vertical, for generated use-case paragraphs."""

USE_CASE_FUNDS: dict[str, str] = {
    ServiceProfile.COMPUTE: "containerised services and batch jobs on {services}",
    ServiceProfile.AI: "model inference and fine-tuning on {services}",
    ServiceProfile.DATA: "the analytics pipeline and warehouse on {services}",
    ServiceProfile.EDGE: "low-latency delivery at the edge with {services}",
}
"""What the credits pay for, per service profile (``{services}`` is the spend lines)."""

PARTNER_ROLES: tuple[str, ...] = (
    "Architecture review and Well-Architected remediation",
    "Migration planning and cut-over support",
    "SOC 2 readiness and security baseline",
    "Landing zone, cost guardrails and CI/CD setup",
    "Generative AI proof of concept and evaluation harness",
    "Data platform design and implementation",
)
