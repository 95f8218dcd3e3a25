"""Code tables the sources use, as DOMAIN.md and the documents give them."""

from __future__ import annotations

# House asset type codes, written in square brackets after the asset.
HOUSE_ASSET_TYPES: dict[str, str] = {
    "4K": "401K and other non-federal retirement accounts",
    "5C": "529 college savings plan",
    "5F": "529 portfolio",
    "5P": "529 prepaid tuition plan",
    "AB": "Asset-backed securities",
    "BA": "Bank accounts, money market accounts and CDs",
    "BK": "Brokerage accounts",
    "CO": "Collectibles",
    "CS": "Corporate securities (bonds and notes)",
    "CT": "Cryptocurrency",
    "DB": "Defined benefit pension",
    "DO": "Debts owed to the filer",
    "DS": "Delaware statutory trust",
    "EF": "Exchange traded funds (ETF)",
    "EQ": "Excepted or qualified blind trust",
    "ET": "Exchange traded notes",
    "FA": "Farms",
    "FE": "Foreign exchange",
    "FN": "Fixed annuity",
    "FU": "Futures",
    "GS": "Government securities and agency debt",
    "HE": "Hedge funds and private equity funds (EIF)",
    "HN": "Hedge funds and private equity funds (non-EIF)",
    "IC": "Investment club",
    "IH": "IRA (held in cash)",
    "IP": "Intellectual property and royalties",
    "IR": "IRA",
    "MA": "Managed accounts",
    "MF": "Mutual funds",
    "MO": "Mineral, oil and solar energy rights",
    "OI": "Ownership interest (holding investments)",
    "OL": "Ownership interest (engaged in a trade or business)",
    "OP": "Options",
    "OT": "Other",
    "PE": "Pensions",
    "PM": "Precious metals",
    "PS": "Stock (not publicly traded)",
    "RE": "Real estate invest. trust (REIT)",
    "RF": "Real estate invest. trust (REIT), non-traded",
    "RN": "Real estate invest. trust (REIT), traded",
    "RP": "Real property",
    "RS": "Restricted stock units (RSUs)",
    "SA": "Stock appreciation right",
    "ST": "Stocks (including ADRs)",
    "TR": "Trust",
    "VA": "Variable annuity",
    "VI": "Variable insurance",
    "WU": "Whole or universal insurance",
}

# House owner codes; a blank owner is the member.
HOUSE_OWNERS: dict[str, str] = {
    "": "self",
    "SP": "spouse",
    "JT": "joint",
    "DC": "dependent",
}

# Federal amount bands shared by the House and the Senate: (min, max); max None = open.
FEDERAL_AMOUNT_BANDS: tuple[tuple[int, int | None], ...] = (
    (1_001, 15_000),
    (15_001, 50_000),
    (50_001, 100_000),
    (100_001, 250_000),
    (250_001, 500_000),
    (500_001, 1_000_000),
    (1_000_001, 5_000_000),
    (5_000_001, 25_000_000),
    (25_000_001, 50_000_000),
    (50_000_001, None),
)


# The filing type of a Periodic Transaction Report, whichever chamber or copy it is from.
FILING_TYPE_PTR = "PTR"
