"""Make the bundled demo lists: Northwind's Salesforce export and Globex's HubSpot export.

Deterministic (seeded): running it again writes byte-identical files. Company names are invented
from two word lists. Besides the files, `build()` returns the ground truth the lists were made
from (accounts and statuses per side, planned overlaps and traps), which the tests compare with
what ingest reads back.

    python bench/make_demo_data.py            # writes acctmap_tui/data/*.csv and prints figures
"""

from __future__ import annotations

import csv
import io
import random
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz, process

from acctmap_tui.core.model import CHURNED, CUSTOMER, OPEN_DEAL, PROSPECT
from acctmap_tui.core.normalize import name_key

SEED = 20261123
OUT = Path(__file__).resolve().parent.parent / "acctmap_tui" / "data"
OURS_FILE = "northwind_salesforce.csv"
THEIRS_FILE = "globex_hubspot.csv"

OURS_HEADER = ["Account Name", "Website", "Type", "Account Owner", "Industry", "Billing Country",
               "Annual Revenue"]
THEIRS_HEADER = ["Record ID", "Company name", "Company Domain Name", "Lifecycle Stage",
                 "Company owner", "Industry", "Country/Region", "Number of Employees"]

# How many accounts of each kind the lists hold (distinct accounts, after merging duplicates).
OVERLAP_PLAN = {  # (our status, their status) -> count; statuses are the truth, not the words
    (CUSTOMER, CUSTOMER): 14,
    (CUSTOMER, PROSPECT): 8,
    (CUSTOMER, OPEN_DEAL): 10,
    (PROSPECT, CUSTOMER): 10,
    (OPEN_DEAL, CUSTOMER): 0,  # Salesforce "Type" has no open-deal value
    (PROSPECT, PROSPECT): 8,
    (PROSPECT, OPEN_DEAL): 6,
    (CHURNED, CUSTOMER): 3,
    (CUSTOMER, CHURNED): 3,
    (CHURNED, OPEN_DEAL): 2,
    (CHURNED, CHURNED): 1,
    (None, CUSTOMER): 2,  # ours "Other"
    (CUSTOMER, None): 2,  # theirs "other"
}
NAME_ONLY_OVERLAPS = 6  # overlaps where one side has no usable domain (matched by name)
OURS_ONLY = 216
THEIRS_ONLY = 171
FUZZ_LIMIT = 72  # invented names must score below this against every other name
JUNK = ["n/a", "-", "TBD", "n/a"]  # placeholder websites on four of our rows

FIRST = """Alder Amberly Anchorage Arbor Argent Aspenwood Beacon Birchwood Bluefin Bramble Brightwater
Cairn Calder Canopy Cascade Cedar Cinder Clearwater Cobalt Copperleaf Corbel Crescent Dovetail
Driftwood Elmstead Emberly Fairhaven Fennel Fernhill Flintlock Foxglove Granite Greyfield Halcyon
Harborview Hawthorn Heron Highmoor Indigo Juniper Kestrel Larkspur Linden Lodestar Maplewood
Meridian Millbrook Mossgrove Northgate Oakridge Onyx Orchardly Osprey Pebblebrook Pinecrest Quill
Redfern Ridgeline Rookery Rowan Saffron Silverline Sorrel Stonebridge Tamarack Thistle Timberline
Tidewater Umber Vantor Verdant Wexford Willowmere Wrenfield Yarrow Zephyr Alpenglow Basalt Bellwether
Blackthorn Bluebell Boxwood Briar Brookhollow Caraway Chestnut Clover Coralline Cypress Dunmore
Eastwind Eldergrove Falconer Feldspar Firth Glenrock Goldcrest Hadley Hearthstone Hollin Inverness
Ivywood Kingfisher Lanternfly Lowmoor Marigold Merrow Nettlefield Nightjar Oldcastle Pennyroyal
Quartzite Ravensworth Rushmere Seabright Sedgewick Shale Skylark Starling Sunderland Tansy
Thornbury Truewind Upland Valerian Waxwing Whitlow Wildacre Woodruff""".split()
SECOND = """Analytics Logistics Health Foods Robotics Systems Labs Media Energy Capital Insurance Retail
Software Networks Biotech Manufacturing Consulting Learning Freight Payments Security Cloud Devices
Pharma Realty Marine Aerospace Textiles Studios Telecom Hospitality Brewing Dental Legal Optics
Ceramics Agritech Outdoor Apparel Metals""".split()
# More first words: invented place-like compounds ("Ashbrook", "Kingsmere").
FIRST += [a + b for a in """Ash Birch Black Blue Bright Cold Copper Deep East Elm Fair Fox Glen
Gold Green Grey Hart High Iron Kings Lake Long Mill North Oak Pine Red Rock Silver South Stone Sun
West White Wild Wind Wolf""".split() for b in """brook field ford gate hill hurst ley mere mont moor
ridge stead ton vale well wick wood worth""".split()]
RESERVED = {"Kestrel", "Kestral", "Brannock", "Quill", "Quillon", "Martin", "Lodestar", "Harlow",
            "Penrose", "Fernhill", "Mossley"}

COUNTRIES = [  # (country, top-level domain, legal forms)
    ("United States", ".com", ["Inc.", "LLC", "Corp.", "", "Inc"]),
    ("United States", ".io", ["Inc.", ""]),
    ("United Kingdom", ".co.uk", ["Ltd", "Limited", "plc", ""]),
    ("Germany", ".de", ["GmbH", "AG", ""]),
    ("France", ".fr", ["SA", "SAS", ""]),
    ("Netherlands", ".nl", ["B.V.", ""]),
    ("Sweden", ".se", ["AB", ""]),
    ("Australia", ".com.au", ["Pty Ltd", ""]),
    ("Canada", ".ca", ["Inc.", "Ltd."]),
]
COUNTRY_WEIGHTS = [40, 10, 14, 10, 6, 5, 4, 6, 5]
INDUSTRY = {
    "Analytics": "Technology", "Software": "Technology", "Cloud": "Technology",
    "Networks": "Telecommunications", "Telecom": "Telecommunications", "Devices": "Electronics",
    "Logistics": "Transportation", "Freight": "Transportation", "Marine": "Transportation",
    "Health": "Healthcare", "Dental": "Healthcare", "Pharma": "Biotechnology",
    "Biotech": "Biotechnology", "Foods": "Food & Beverage", "Brewing": "Food & Beverage",
    "Capital": "Finance", "Payments": "Finance", "Insurance": "Insurance", "Realty": "Real Estate",
    "Retail": "Retail", "Apparel": "Apparel", "Outdoor": "Retail", "Learning": "Education",
    "Media": "Media", "Studios": "Entertainment", "Hospitality": "Hospitality",
    "Legal": "Legal", "Consulting": "Consulting", "Energy": "Energy", "Metals": "Manufacturing",
    "Manufacturing": "Manufacturing", "Textiles": "Manufacturing", "Ceramics": "Manufacturing",
    "Robotics": "Machinery", "Aerospace": "Aerospace", "Agritech": "Agriculture",
    "Optics": "Electronics", "Security": "Technology", "Systems": "Technology", "Labs": "Biotechnology",
}
OUR_OWNERS = ["Priya Raman", "Tom Becker", "Lucia Ortega", "Sam Whitfield", "Hannah Cole",
              "Marcus Lee"]
THEIR_OWNERS = ["Dana Kowalski", "Ethan Brooks", "Aiko Tanaka", "Rafael Souza", "Grace Okafor"]

OUR_WORDS = {  # truth status -> Salesforce Type values (first is the common one)
    CUSTOMER: ["Customer - Direct", "Customer - Direct", "Customer - Channel", "customer - direct"],
    PROSPECT: ["Prospect", "Prospect", "Prospect", "PROSPECT", "prospect"],
    CHURNED: ["Former Customer"],
    None: ["Other"],
}
THEIR_WORDS = {  # truth status -> HubSpot lifecycle stage (internal values, a few labels)
    CUSTOMER: ["customer", "customer", "customer", "Customer"],
    OPEN_DEAL: ["opportunity", "salesqualifiedlead", "opportunity", "Opportunity"],
    PROSPECT: ["lead", "lead", "marketingqualifiedlead", "subscriber", "LEAD"],
    CHURNED: ["Churned"],  # a custom stage, exported by its label
    None: ["other"],
}


@dataclass
class Company:
    name: str
    domain: str
    country: str
    industry: str
    size: int


@dataclass
class Side:
    """One side's truth: account key -> status, plus what the file should show."""

    rows: list[list[str]] = field(default_factory=list)
    status: dict[str, str | None] = field(default_factory=dict)  # account key -> true status


@dataclass
class Truth:
    ours: Side
    theirs: Side
    overlaps: list[tuple[str, str, str | None, str | None]]  # (our key, their key, statuses)
    domain_overlaps: int
    name_overlaps: int  # same name key, one side without a usable domain
    different_domain_pairs: list[tuple[str, str]]  # (our domain, their domain): same company
    same_name_traps: list[tuple[str, str]]  # (our domain, their domain): different companies
    near_misses: list[tuple[str, str]]  # (our name, their name): for review
    shared_domain_rows: tuple[int, int]  # rows with free-mail domains (ours, theirs)
    junk_domain_rows: int  # our rows with a placeholder website
    unknown_words: dict[str, Counter]  # side -> status word -> rows


class Names:
    """Invented company names that stay clear of each other under fuzzy matching."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.keys: list[str] = []
        self.domains: set[str] = set()
        # each first word names one company only, so no name is all common words
        self.first = sorted({w for w in FIRST if w not in RESERVED})

    def _clear(self, key: str) -> bool:
        return all(
            process.extractOne(key, self.keys, scorer=scorer, score_cutoff=FUZZ_LIMIT) is None
            for scorer in (fuzz.WRatio, fuzz.token_set_ratio)
        )

    def reserve(self, *names: str) -> None:
        self.keys.extend(name_key(n) for n in names)

    def company(self) -> Company:
        rng = self.rng
        for _ in range(10000):
            first, second = rng.choice(self.first), rng.choice(SECOND)
            key = name_key(f"{first} {second}")
            if key in self.keys or not self._clear(key):
                continue
            i = rng.choices(range(len(COUNTRIES)), COUNTRY_WEIGHTS)[0]
            country, tld, forms = COUNTRIES[i]
            stem = rng.choice([f"{first}{second}", f"{first}-{second}", first, f"get{first}"]).lower()
            domain = stem + tld
            if domain in self.domains:
                domain = f"{first}{second}".lower() + tld
            if domain in self.domains:
                continue
            self.keys.append(key)
            self.domains.add(domain)
            self.first.remove(first)
            form = rng.choice(forms)
            name = f"{first} {second}" + (f" {form}" if form else "")
            size = rng.choice([12, 25, 40, 80, 150, 320, 700, 1500, 4000, 12000])
            return Company(name, domain, country, INDUSTRY[second], size)
        raise RuntimeError("ran out of distinct names; add words")


# --- how each side writes a company -------------------------------------------------------------


def our_website(rng: random.Random, domain: str) -> str:
    return rng.choices(
        [domain, f"www.{domain}", f"https://www.{domain}/", f"http://{domain}",
         f"https://www.{domain}/about-us", f"info@{domain}", f"https://https://{domain}",
         f"WWW.{domain.upper()}"],
        [30, 25, 18, 8, 6, 5, 1, 2],
    )[0]


def their_domain(rng: random.Random, domain: str) -> str:
    return rng.choices([domain, f"www.{domain}", domain.upper()], [85, 12, 3])[0]


def their_name(rng: random.Random, name: str) -> str:
    """The partner's spelling of a company: another legal form, upper case, a leading "The"."""
    base = name_key(name).title()
    return rng.choices(
        [name, base, f"{base} Inc.", f"{base}, Inc.", name.upper(), f"{base} Corp",
         f"The {base}", f"{base} Ltd."],
        [30, 25, 10, 8, 8, 8, 4, 7],
    )[0]


def our_row(rng: random.Random, c: Company, status: str | None, website: str) -> list[str]:
    revenue = "" if rng.random() < 0.25 else str(c.size * rng.choice([90, 120, 150, 210]) * 1000)
    return [c.name, website, rng.choice(OUR_WORDS[status]), rng.choice(OUR_OWNERS), c.industry,
            c.country, revenue]


def their_row(rng: random.Random, c: Company, status: str | None, domain: str,
              name: str) -> list[str]:
    return ["", name, domain, rng.choice(THEIR_WORDS[status]), rng.choice(THEIR_OWNERS),
            c.industry, c.country, str(c.size)]


# --- the lists ----------------------------------------------------------------------------------


def build(seed: int = SEED) -> Truth:
    rng = random.Random(seed)
    names = Names(rng)
    near_misses = [  # a typo-like difference in every word: close, not equal
        ("Kestrel Dynamics", "Kestral Dynamic"),
        ("Brannock Textiles Ltd", "Brannoch Textile"),
        ("Quillon Analytics Inc.", "Quillan Analytics"),
    ]
    names.reserve(*(n for pair in near_misses for n in pair), "Martin & Co", "Lodestar Freight",
                  "Harlow Bakery", "Penrose Plumbing", "Fernhill Cafe Group", "Mossley Tailors")
    ours, theirs = Side(), Side()
    overlaps: list[tuple[str, str, str | None, str | None]] = []

    def add_ours(key: str, status: str | None, row: list[str]) -> None:
        ours.rows.append(row)
        ours.status[key] = status

    def add_theirs(key: str, status: str | None, row: list[str]) -> None:
        theirs.rows.append(row)
        theirs.status[key] = status

    # Real overlaps, matched by domain; a few of them without a usable domain on one side.
    plan = [pair for pair, n in OVERLAP_PLAN.items() for _ in range(n)]
    rng.shuffle(plan)
    name_only = set(rng.sample(range(len(plan)), NAME_ONLY_OVERLAPS))
    domain_overlaps = name_overlaps = 0
    for i, (s_ours, s_theirs) in enumerate(plan):
        c = names.company()
        if i in name_only:  # blank on one side; both spell the name to the same key
            key = f"name:{name_key(c.name)}"
            if i % 2:
                add_ours(key, s_ours, our_row(rng, c, s_ours, ""))
                add_theirs(c.domain, s_theirs,
                           their_row(rng, c, s_theirs, c.domain, c.name.upper()))
                overlaps.append((key, c.domain, s_ours, s_theirs))
            else:
                add_ours(c.domain, s_ours, our_row(rng, c, s_ours, our_website(rng, c.domain)))
                add_theirs(key, s_theirs, their_row(rng, c, s_theirs, "", name_key(c.name).title()))
                overlaps.append((c.domain, key, s_ours, s_theirs))
            name_overlaps += 1
            continue
        add_ours(c.domain, s_ours, our_row(rng, c, s_ours, our_website(rng, c.domain)))
        add_theirs(c.domain, s_theirs, their_row(rng, c, s_theirs, their_domain(rng, c.domain),
                                                 their_name(rng, c.name)))
        overlaps.append((c.domain, c.domain, s_ours, s_theirs))
        domain_overlaps += 1

    # An accented spelling on our side, no website: the partner has the domain.
    fern = Company("Fernhill Café Group", "fernhillcafe.co.uk", "United Kingdom", "Hospitality", 80)
    add_ours("name:fernhill cafe group", CUSTOMER, our_row(rng, fern, CUSTOMER, ""))
    add_theirs(fern.domain, OPEN_DEAL,
               their_row(rng, fern, OPEN_DEAL, fern.domain, "Fernhill Cafe Group Ltd"))
    overlaps.append(("name:fernhill cafe group", fern.domain, CUSTOMER, OPEN_DEAL))
    name_overlaps += 1

    # One company with a different domain on each side; the names match.
    lode = Company("Lodestar Freight Inc.", "lodestarfreight.com", "United States",
                   "Transportation", 320)
    add_ours(lode.domain, CUSTOMER, our_row(rng, lode, CUSTOMER, "https://www.lodestarfreight.com/"))
    add_theirs("lodestar-freight.co.uk", PROSPECT,
               their_row(rng, lode, PROSPECT, "lodestar-freight.co.uk", "Lodestar Freight"))
    overlaps.append((lode.domain, "lodestar-freight.co.uk", CUSTOMER, PROSPECT))
    different_domain_pairs = [(lode.domain, "lodestar-freight.co.uk")]

    # Same name, different companies: must not be matched.
    m_ours = Company("Martin & Co", "martinandco.com", "United States", "Legal", 25)
    m_theirs = Company("Martin & Co.", "martin-co.fr", "France", "Consulting", 12)
    add_ours(m_ours.domain, CUSTOMER, our_row(rng, m_ours, CUSTOMER, "www.martinandco.com"))
    add_theirs(m_theirs.domain, CUSTOMER,
               their_row(rng, m_theirs, CUSTOMER, m_theirs.domain, m_theirs.name))
    same_name_traps = [(m_ours.domain, m_theirs.domain)]

    # Near-miss names: ours without a website, theirs with a domain; a person must decide.
    for our_name, partner_name in near_misses:
        c = Company(our_name, "", "United States", "Technology", 150)
        add_ours(f"name:{name_key(our_name)}", PROSPECT, our_row(rng, c, PROSPECT, ""))
        dom = name_key(partner_name).replace(" ", "") + ".com"
        add_theirs(dom, OPEN_DEAL, their_row(rng, c, OPEN_DEAL, dom, partner_name))

    # Free-mail domains: blanked on ingest, so these two never match each other.
    harlow = Company("Harlow Bakery", "", "United Kingdom", "Food & Beverage", 12)
    add_ours("name:harlow bakery", PROSPECT, our_row(rng, harlow, PROSPECT, "harlowbakery@gmail.com"))
    mossley = Company("Mossley Tailors", "", "United Kingdom", "Apparel", 12)
    add_ours("name:mossley tailors", PROSPECT,
             our_row(rng, mossley, PROSPECT, "https://sites.google.com/view/mossleytailors"))
    penrose = Company("Penrose Plumbing", "", "United States", "Construction", 12)
    add_theirs("name:penrose plumbing", PROSPECT,
               their_row(rng, penrose, PROSPECT, "gmail.com", "Penrose Plumbing"))
    shared_domain_rows = (2, 1)

    # Accounts on one side only.
    unknown: dict[str, Counter] = {"ours": Counter(), "theirs": Counter()}
    our_mix = [CUSTOMER] * 35 + [PROSPECT] * 52 + [CHURNED] * 6 + [None] * 3
    for i in range(OURS_ONLY):
        c = names.company()
        status = rng.choice(our_mix)
        site = JUNK[i // 50] if i % 50 == 7 and i // 50 < len(JUNK) else our_website(rng, c.domain)
        key = c.domain if site not in JUNK else f"name:{name_key(c.name)}"
        add_ours(key, status, our_row(rng, c, status, site))
    their_mix = ([CUSTOMER] * 28 + [OPEN_DEAL] * 22 + [PROSPECT] * 45 + [CHURNED] * 3
                 + [None] * 2)
    for i in range(THEIRS_ONLY):
        c = names.company()
        status = rng.choice(their_mix)
        blank = i % 17 == 5  # HubSpot often has no domain
        key = f"name:{name_key(c.name)}" if blank else c.domain
        add_theirs(key, status, their_row(rng, c, status, "" if blank else their_domain(rng, c.domain),
                                          c.name))
    # Partner types Salesforce users keep in "Type": reported as unknown, not guessed.
    for i, word in enumerate(["Channel Partner / Reseller", "Technology Partner",
                              "Channel Partner / Reseller"]):
        c = names.company()
        row = our_row(rng, c, None, our_website(rng, c.domain))
        row[2] = word
        add_ours(c.domain, None, row)

    # Duplicate rows: the same account again, spelled differently; two disagree on status.
    _duplicate(rng, ours, theirs, overlaps)

    # Tally unknown status words per side (truth for the warning test).
    for row in ours.rows:
        if row[2] in ("Other", "Channel Partner / Reseller", "Technology Partner"):
            unknown["ours"][row[2]] += 1
    for row in theirs.rows:
        if row[3] == "other":
            unknown["theirs"][row[3]] += 1

    # Shuffle the row order like a real export, then give HubSpot its record ids.
    rng.shuffle(ours.rows)
    rng.shuffle(theirs.rows)
    record_id = 10_450_000
    for row in theirs.rows:
        record_id += rng.randint(3, 40)
        row[0] = str(record_id)
    return Truth(ours, theirs, overlaps, domain_overlaps, name_overlaps, different_domain_pairs,
                 same_name_traps, near_misses, shared_domain_rows, len(JUNK), unknown)


def _duplicate(rng: random.Random, ours: Side, theirs: Side,
               overlaps: list[tuple[str, str, str | None, str | None]]) -> None:
    """Add duplicate rows; where a duplicate's status is stronger, the truth moves up."""
    domain_rows = [r for r in ours.rows
                   if r[1] and "@" not in r[1] and "google" not in r[1] and r[1] not in JUNK]
    for row in rng.sample(domain_rows, 2):
        dup = list(row)
        dup[1] = "https://" + dup[1].removeprefix("https://").removeprefix("www.").lower() + "/contact"
        ours.rows.append(dup)
    # a prospect that turned customer, exported twice
    prospects = [r for r in domain_rows if r[2] in OUR_WORDS[PROSPECT]]
    row = rng.choice(prospects)
    dup = list(row)
    dup[2] = "Customer - Direct"
    ours.rows.append(dup)
    _promote(ours, row[1], CUSTOMER, overlaps, 2)
    # a no-website account typed in twice with another legal form
    nameless = [r for r in ours.rows if not r[1] and r[0].endswith(("Ltd", "Limited", "Inc."))]
    if nameless:
        row = rng.choice(nameless)
        dup = list(row)
        dup[0] = row[0].rsplit(" ", 1)[0] + (" Limited" if row[0].endswith("Ltd") else " Inc")
        ours.rows.append(dup)
    else:
        dup = list(rng.choice(domain_rows))
        ours.rows.append(dup)

    their_rows = [r for r in theirs.rows if r[2] and r[2] != "gmail.com"]
    for row in rng.sample(their_rows, 2):
        dup = list(row)
        dup[2] = "www." + dup[2].lower().removeprefix("www.")
        theirs.rows.append(dup)
    leads = [r for r in their_rows if r[3] in THEIR_WORDS[PROSPECT]]
    row = rng.choice(leads)
    dup = list(row)
    dup[3] = "opportunity"
    theirs.rows.append(dup)
    _promote(theirs, row[2], OPEN_DEAL, overlaps, 3)


def _promote(side: Side, cell: str, status: str, overlaps: list, index: int) -> None:
    from acctmap_tui.core.normalize import registrable_domain

    key = registrable_domain(cell)
    side.status[key] = status
    for i, pair in enumerate(overlaps):
        if pair[index - 2] == key:
            updated = list(pair)
            updated[index] = status
            overlaps[i] = tuple(updated)


def render(truth: Truth) -> tuple[bytes, bytes]:
    """The two files' bytes: ours UTF-8 with LF, theirs UTF-8 with BOM and CRLF (as HubSpot)."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(OURS_HEADER)
    w.writerows(truth.ours.rows)
    ours = out.getvalue().encode("utf-8")
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(THEIRS_HEADER)
    w.writerows(truth.theirs.rows)
    theirs = out.getvalue().encode("utf-8-sig")
    return ours, theirs


def main(out_dir: Path = OUT) -> None:
    truth = build()
    ours, theirs = render(truth)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / OURS_FILE).write_bytes(ours)
    (out_dir / THEIRS_FILE).write_bytes(theirs)
    print(f"{OURS_FILE}: {len(truth.ours.rows)} rows, {len(truth.ours.status)} accounts, "
          f"statuses {dict(Counter(truth.ours.status.values()))}")
    print(f"{THEIRS_FILE}: {len(truth.theirs.rows)} rows, {len(truth.theirs.status)} accounts, "
          f"statuses {dict(Counter(truth.theirs.status.values()))}")
    print(f"overlaps: {len(truth.overlaps)} ({truth.domain_overlaps} by domain, "
          f"{truth.name_overlaps} by name only, {len(truth.different_domain_pairs)} with different "
          f"domains); near misses: {len(truth.near_misses)}; same-name traps: "
          f"{len(truth.same_name_traps)}")
    print("overlap status pairs:", dict(Counter((o[2], o[3]) for o in truth.overlaps)))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
