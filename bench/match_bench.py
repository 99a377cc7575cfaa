"""Benchmark the matcher on two synthetic account lists with known truth.

Makes two lists of N accounts each (about 30% of the companies on both), written the way CRM
exports write them: domains as bare hosts, www., URLs with paths, e-mail addresses, subdomains,
capitals, doubled schemes, free-mail addresses; names with and without legal suffixes, in capitals,
"&" or "and", with accents, sometimes a typo. Some true pairs lack a domain on one side (or both),
a few use two different domains. Decoys: distinct companies with a name inside another's
("Acme" / "Acme Labs"), the same name with another domain, and many small firms named after common
surnames.

With --places both lists also carry country and city columns (see `add_places`); the other cells
are the same as without it. It is off by default so that figures stay comparable with earlier runs.

Records are built with the normalizer as ingest would (timed), then matched (timed). Prints speed,
peak memory, the precision and recall of auto-accepted pairs against the truth, and how many true
pairs the first pages of the review queue hold in score order and in `review_priority` order.

Read the recall with the world in mind: over half (54% at 50k) of the true pairs that only a name
can find have a name of common words ("Clark & Sons", "Blue Harbor Logistics") that several
companies of this world share, and every company's domain is made from its name, so a record
without a domain and a namesake with one look exactly like one company. Such pairs stay in review
by design: at 50k, auto-accepting the unique ones would be right 61% of the time (67% where the
one domain spells the name; with --places, 94% where city and country agree).

    python bench/match_bench.py            # 50,000 x 50,000
    python bench/match_bench.py --n 5000 --seed 7
    python bench/match_bench.py --places   # with country and city columns
    python bench/match_bench.py --scorer token_set_ratio   # compare name scorers
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import string
import sys
import time
from collections import Counter
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from acctmap_tui.core import match as match_module
from acctmap_tui.core.model import AUTO, CUSTOMER, OPEN_DEAL, OURS, PARTNER, PROSPECT, REVIEW, AccountList, Record
from acctmap_tui.core.normalize import is_shared_domain, name_key, registrable_domain
from acctmap_tui.core.review_order import review_priority

SURNAMES = """smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez lopez
gonzalez wilson anderson thomas taylor moore jackson martin lee perez thompson white harris sanchez
clark ramirez lewis robinson walker young allen king wright scott torres nguyen hill flores green adams
nelson baker hall rivera campbell mitchell carter roberts muller schmidt schneider fischer weber meyer
wagner becker schulz hoffmann dubois moreau laurent bernard rossi russo ferrari esposito bianchi""".split()
TRADES = """plumbing electric dental law roofing construction landscaping auto insurance realty
accounting consulting bakery catering cleaning design painting hvac pharmacy veterinary flooring
printing marketing staffing logistics trucking fitness""".split()
INDUSTRY = """analytics systems logistics health foods robotics software labs media capital energy
networks security solutions technologies partners payments biotech devices cloud data learning
studios ventures marine aerospace foods retail""".split()
PLACES = """north south east west blue red green silver golden iron granite harbor river lake summit
pacific atlantic northern southern evergreen pine cedar oak maple eagle falcon hawk lion bear wolf""".split()
DECOY_WORDS = ["labs", "digital", "capital", "media", "studio", "ventures", "health", "group"]
SYLLABLES = """ka ze lo vi ra no tri qua ven dor mex tal sor nix bel cor fin gra hel jun kes lum
mor nor pex ros sil tor ul vex wen yor zan ax eon ix ova ium era ant ex on ar""".split()
SUFFIXES = ["", "", "", ", Inc.", " Inc", " Corporation", " Corp.", " LLC", " Ltd", " Ltd.", " GmbH",
            " S.A.", " Co.", " & Co", " Limited", " plc", " AG", " B.V."]
TLDS = ["com"] * 14 + ["io", "net", "co.uk", "de", "fr", "ai", "co", "com.au", "nl", "org"]
FREE_MAIL = ["gmail.com", "yahoo.com", "hotmail.com", "outlook.com"]
ACCENTS = {"e": "é", "a": "á", "o": "ö", "u": "ü", "c": "ç", "n": "ñ"}
STATUSES = [CUSTOMER, OPEN_DEAL, PROSPECT]


@dataclass
class Company:
    cid: int
    name: str  # canonical display name, no legal suffix
    domain: str  # canonical registrable domain
    kind: str


class World:
    """Synthetic companies with unique domains."""

    def __init__(self, rng: random.Random, generic: float = 0.35):
        self.rng = rng
        self.generic = generic  # share of names built from common parts (surnames, places)
        self.companies: list[Company] = []
        self.domains: set[str] = set()

    def _domain_for(self, name: str) -> str:
        words = [w for w in name.lower().replace("&", " ").split() if w.isalpha() and w != "and"]
        base = "".join(words) if self.rng.random() < 0.7 else "-".join(words)
        tld = self.rng.choice(TLDS)
        domain, n = f"{base}.{tld}", 1
        while domain in self.domains:
            n += 1
            domain = f"{base}{n}.{tld}" if self.rng.random() < 0.5 else f"{base}-{self.rng.choice(TRADES)}.{tld}"
        self.domains.add(domain)
        return domain

    def brand(self) -> str:
        rng = self.rng
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 2, 3, 3, 4)))).capitalize()
        roll = rng.random()
        if roll < 0.35:
            return word
        if roll < 0.85:
            return f"{word} {rng.choice(INDUSTRY).capitalize()}"
        return f"{word} {rng.choice(INDUSTRY).capitalize()} {rng.choice(['Group', 'International', 'Partners'])}"

    def surname_firm(self) -> str:
        rng = self.rng
        s = rng.choice(SURNAMES).capitalize()
        roll = rng.random()
        if roll < 0.5:
            return f"{s} {rng.choice(TRADES).capitalize()}"
        if roll < 0.7:
            return f"{s} & {rng.choice(['Sons', 'Associates', 'Partners'])}"
        if roll < 0.85:
            return f"{s} & {rng.choice(SURNAMES).capitalize()}"
        return s

    def place_firm(self) -> str:
        rng = self.rng
        words = (rng.choice(PLACES), rng.choice(PLACES), rng.choice(INDUSTRY))
        return " ".join(w.capitalize() for w in words)

    def new(self, kind: str = "", name: str = "") -> Company:
        if not name:
            roll = self.rng.random()
            kind, name = (("brand", self.brand()) if roll >= self.generic else
                          ("surname", self.surname_firm()) if roll < self.generic * 4 / 7 else
                          ("place", self.place_firm()))
        c = Company(len(self.companies), name, self._domain_for(name), kind)
        self.companies.append(c)
        return c


def write_domain(rng: random.Random, domain: str) -> str:
    """A website cell the way CRMs hold it."""
    host = domain
    roll = rng.random()
    if roll < 0.30:
        cell = host
    elif roll < 0.50:
        cell = "www." + host
    elif roll < 0.62:
        cell = f"https://www.{host}/"
    elif roll < 0.70:
        cell = f"http://{host}/{rng.choice(['about', 'en/home', 'contact-us', 'index.html?ref=crm'])}"
    elif roll < 0.78:
        first = rng.choice(["info", "sales", "jo.smith", "contact"])
        cell = f"{first}@{host}"
    elif roll < 0.86:
        cell = f"{rng.choice(['eu', 'shop', 'app', 'investors', 'mail'])}.{host}"
    elif roll < 0.94:
        cell = host.upper() if rng.random() < 0.5 else "WWW." + host.capitalize()
    else:
        cell = f"https://https://{host}"
    return cell


def write_name(rng: random.Random, name: str, typo: bool = False) -> str:
    """A company-name cell: legal suffix, case, '&'/'and', accents, maybe a typo."""
    s = name
    if " & " in s and rng.random() < 0.5:
        s = s.replace(" & ", " and ")
    elif " and " in s and rng.random() < 0.5:
        s = s.replace(" and ", " & ")
    if rng.random() < 0.08:
        letters = [i for i, ch in enumerate(s) if ch in ACCENTS]
        if letters:
            i = rng.choice(letters)
            s = s[:i] + ACCENTS[s[i]] + s[i + 1:]
    if typo:
        s = add_typo(rng, s)
    if rng.random() < 0.05:
        s = "The " + s
    s += rng.choice(SUFFIXES)
    roll = rng.random()
    if roll < 0.10:
        s = s.upper()
    elif roll < 0.15:
        s = s.lower()
    return s


def add_typo(rng: random.Random, s: str) -> str:
    words = s.split(" ")
    long_words = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if not long_words:
        return s
    i = rng.choice(long_words)
    w = words[i]
    k = rng.randrange(1, len(w) - 1)
    op = rng.choice(("drop", "swap", "sub", "double"))
    if op == "drop":
        w = w[:k] + w[k + 1:]
    elif op == "swap":
        w = w[:k] + w[k + 1] + w[k] + w[k + 2:]
    elif op == "sub":
        w = w[:k] + rng.choice(string.ascii_lowercase) + w[k + 1:]
    else:
        w = w[:k] + w[k] + w[k:]
    words[i] = w
    return " ".join(words)


@dataclass
class Row:
    cid: int
    name: str
    website: str
    kind: str  # how this row relates to the truth, for the breakdown
    extra: dict[str, str] = field(default_factory=dict)  # other columns (--places: country, city)


def build(n: int, seed: int, blank: float = 0.14, generic: float = 0.35,
          places: bool = False) -> tuple[list[Row], list[Row], int]:
    """Two sides of n rows; returns (ours, theirs, true overlap count).

    `blank`: share of true pairs with no usable domain on one side (a sixth of them on both);
    `generic`: share of company names built from common surnames and place words; `places`: add
    country and city columns (see `add_places`; the other cells are the same with or without).
    """
    rng = random.Random(seed)
    world = World(rng, generic)
    p_domain = 0.98 - blank
    n_both = int(n * 0.30)
    n_decoy_sub = int(n * 0.03)  # ours-only "Acme", theirs-only "Acme Labs"
    n_decoy_same = int(n * 0.02)  # same name, another company and domain
    ours: list[Row] = []
    theirs: list[Row] = []

    def blank_or(cell: str, p_blank: float) -> str:
        roll = rng.random()
        if roll < p_blank:
            return rng.choice(["", "", "", "n/a", "-"])
        if roll < p_blank + 0.02:
            return f"{rng.choice(['jo', 'sales', 'ceo'])}@{rng.choice(FREE_MAIL)}"  # ingest blanks these
        return cell

    for _ in range(n_both):
        c = world.new()
        roll = rng.random()
        if roll < p_domain:  # domain on both sides, written differently
            kind = "domain"
            o_site, t_site = write_domain(rng, c.domain), write_domain(rng, c.domain)
            typo = False
        elif roll < p_domain + blank * 5 / 6:  # one side has no domain: the name must carry it
            kind = "one-blank"
            site = write_domain(rng, c.domain)
            o_site, t_site = (site, "") if rng.random() < 0.5 else ("", site)
            typo = rng.random() < 0.2
        elif roll < 0.98:  # no domain on either side
            kind = "both-blank"
            o_site = t_site = ""
            typo = rng.random() < 0.2
        else:  # one company, two domains (acme.com / acme.de)
            kind = "two-domains"
            other = world._domain_for(c.name)
            o_site, t_site = write_domain(rng, c.domain), write_domain(rng, other)
            typo = False
        ours.append(Row(c.cid, write_name(rng, c.name), o_site, kind))
        theirs.append(Row(c.cid, write_name(rng, c.name, typo and rng.random() < 0.5), t_site, kind))

    for _ in range(n_decoy_sub):
        c = world.new()
        d = world.new("decoy-sub", f"{c.name} {rng.choice(DECOY_WORDS).capitalize()}")
        a, b = (c, d) if rng.random() < 0.5 else (d, c)
        ours.append(Row(a.cid, write_name(rng, a.name), blank_or(write_domain(rng, a.domain), 0.10), "decoy"))
        theirs.append(Row(b.cid, write_name(rng, b.name), blank_or(write_domain(rng, b.domain), 0.10), "decoy"))

    for _ in range(n_decoy_same):
        c = world.new()
        d = world.new("decoy-same", c.name)
        ours.append(Row(c.cid, write_name(rng, c.name), write_domain(rng, c.domain), "decoy"))
        theirs.append(Row(d.cid, write_name(rng, d.name), write_domain(rng, d.domain), "decoy"))

    for side in (ours, theirs):
        while len(side) < n:
            c = world.new()
            side.append(Row(c.cid, write_name(rng, c.name), blank_or(write_domain(rng, c.domain), 0.08), "single"))
    rng.shuffle(ours)
    rng.shuffle(theirs)
    if places:
        add_places(random.Random(seed + 1), world, ours, theirs)
    return ours, theirs, n_both


# --places: where each company is, and how the two CRMs write it.
TLD_COUNTRY = {"de": "DE", "fr": "FR", "co.uk": "GB", "com.au": "AU", "nl": "NL"}
COUNTRY_SHARE = {"US": 50, "GB": 10, "DE": 7, "CA": 7, "FR": 5, "AU": 5, "NL": 4, "ES": 3, "IT": 3,
                 "IN": 3, "SE": 1, "SG": 1, "IE": 1}  # companies on a generic TLD (.com, .io, ...)
COUNTRY_CELLS = {"US": ["United States", "USA", "US", "United States of America", "U.S."],
                 "GB": ["United Kingdom", "UK", "GB", "England"], "DE": ["Germany", "DE", "Deutschland"],
                 "FR": ["France", "FR"], "NL": ["Netherlands", "NL", "The Netherlands"],
                 "CA": ["Canada", "CA"], "AU": ["Australia", "AU"], "ES": ["Spain", "ES", "España"],
                 "IT": ["Italy", "IT"], "IN": ["India", "IN"], "SE": ["Sweden", "SE"],
                 "SG": ["Singapore", "SG"], "IE": ["Ireland", "IE"]}
CITIES = {  # biggest business cities first: a company's city is drawn with weight 1/rank
    "US": "New York|San Francisco|Chicago|Austin|Boston|Seattle|Los Angeles|Denver|Atlanta|Dallas|"
          "Houston|Miami|Phoenix|Minneapolis|Portland|San Diego|Philadelphia|Nashville|Columbus|"
          "Raleigh|Salt Lake City|Pittsburgh|Detroit|St. Louis|Springfield",
    "GB": "London|Manchester|Birmingham|Leeds|Glasgow|Edinburgh|Bristol|Liverpool|Cambridge|Oxford|"
          "Cardiff|Belfast|Newcastle|Sheffield|Nottingham",
    "DE": "Berlin|München|Hamburg|Frankfurt|Köln|Stuttgart|Düsseldorf|Leipzig|Dresden|Hannover|"
          "Nürnberg|Bremen",
    "FR": "Paris|Lyon|Marseille|Toulouse|Lille|Bordeaux|Nantes|Nice|Strasbourg|Rennes",
    "NL": "Amsterdam|Rotterdam|Utrecht|Den Haag|Eindhoven|Groningen",
    "CA": "Toronto|Vancouver|Montreal|Calgary|Ottawa|Edmonton|Waterloo",
    "AU": "Sydney|Melbourne|Brisbane|Perth|Adelaide|Canberra",
    "ES": "Madrid|Barcelona|Valencia|Sevilla|Bilbao", "IT": "Milano|Roma|Torino|Bologna|Firenze",
    "IN": "Bangalore|Mumbai|Delhi|Hyderabad|Pune|Chennai", "SE": "Stockholm|Göteborg|Malmö",
    "SG": "Singapore", "IE": "Dublin|Cork|Galway",
}
PLACE_HEADERS = {OURS: ("Billing Country", "Billing City"), PARTNER: ("Country/Region", "City")}


def add_places(rng: random.Random, world: World, ours: list[Row], theirs: list[Row]) -> None:
    """Country and city cells, as two CRMs hold them.

    A company's country follows its domain's country TLD, else a skewed draw (half US); namesakes
    cluster: a company named like an earlier one is in that one's country half the time. Its city
    is drawn from its country's list with weight 1/rank (about one in ten of two random companies
    of one country share a city). Each row leaves the country blank 12% of the time and the city
    30%, and gives another country 1.5% and another city of the same country 5% (a billing or
    branch address), so a true pair disagrees on country about 3% and on city about 10% of the
    times both sides have one. Country cells come in several spellings ("USA", "United States").
    """
    codes, weights = list(COUNTRY_SHARE), list(COUNTRY_SHARE.values())
    cities = {k: v.split("|") for k, v in CITIES.items()}

    def city_in(country: str) -> str:
        names = cities[country]
        return rng.choices(names, weights=[1 / (i + 1) for i in range(len(names))])[0]

    where: dict[int, tuple[str, str]] = {}
    country_of_name: dict[str, str] = {}
    for c in world.companies:
        tld = c.domain.split(".", 1)[1]
        country = TLD_COUNTRY.get(tld) or rng.choices(codes, weights=weights)[0]
        if c.name in country_of_name and rng.random() < 0.5:
            country = country_of_name[c.name]
        country_of_name.setdefault(c.name, country)
        where[c.cid] = (country, city_in(country))

    for side, rows in ((OURS, ours), (PARTNER, theirs)):
        h_country, h_city = PLACE_HEADERS[side]
        for row in rows:
            country, city = where[row.cid]
            if rng.random() < 0.015:
                country = rng.choices(codes, weights=weights)[0]
                city = city_in(country)
            elif rng.random() < 0.05:
                city = city_in(country)
            cell = "" if rng.random() < 0.12 else rng.choice(COUNTRY_CELLS[country])
            town = "" if rng.random() < 0.30 else city.upper() if rng.random() < 0.05 else city
            row.extra = {h_country: cell, h_city: town}


def to_records(rows: list[Row]) -> list[Record]:
    """What ingest does per row: domain (free mail blanked), name key, a status."""
    out = []
    for i, row in enumerate(rows):
        domain = registrable_domain(row.website)
        if domain and is_shared_domain(domain, row.name):
            domain = ""
        out.append(Record(row.name, domain, STATUSES[i % 3], raw_domain=row.website,
                          name_key=name_key(row.name), extra=dict(row.extra), rows=[i + 2]))
    return out


def dedupe(records: list[Record], rows: list[Row]) -> tuple[list[Record], list[Row]]:
    """Ingest keeps one record per key; keep the first (the bench's truth follows it)."""
    seen: set[str] = set()
    keep_r, keep_rows = [], []
    for r, row in zip(records, rows):
        if r.key in seen:
            continue
        seen.add(r.key)
        keep_r.append(r)
        keep_rows.append(row)
    return keep_r, keep_rows


def namesake_bound(ours_rows: list[Row], theirs_rows: list[Row], precision: float = 0.995
                   ) -> tuple[int, int, float]:
    """(true pairs, those no matcher can tell from a decoy, the best auto recall any matcher can
    reach at `precision`), from the rows as the files hold them.

    A true pair that no shared domain decides, whose two names have the same key, is
    indistinguishable when another company on either list shows the same evidence as one of its
    records: the same name key, a domain or none alike, the same other columns (--places). A
    matcher that cannot see the truth is right on such pairs half the time at best, so it may
    accept x of them only while (T + x) / (T + 2x) >= precision, T the pairs it can tell.
    """
    ours, theirs = to_records(ours_rows), to_records(theirs_rows)

    def evidence(rec: Record) -> tuple:
        return rec.name_key, bool(rec.domain), tuple(sorted(rec.extra.items()))

    def companies_by_evidence(records: list[Record], rows: list[Row]) -> dict[tuple, set[int]]:
        seen: dict[tuple, set[int]] = {}
        for rec, row in zip(records, rows):
            seen.setdefault(evidence(rec), set()).add(row.cid)
        return seen

    seen_o, seen_t = companies_by_evidence(ours, ours_rows), companies_by_evidence(theirs, theirs_rows)
    theirs_by_cid = {row.cid: rec for rec, row in zip(theirs, theirs_rows)}
    true = ambiguous = 0
    for rec_o, row in zip(ours, ours_rows):
        rec_t = theirs_by_cid.get(row.cid)
        if rec_t is None:
            continue
        true += 1
        if rec_o.domain and rec_o.domain == rec_t.domain or rec_o.name_key != rec_t.name_key:
            continue
        ambiguous += len(seen_t[evidence(rec_t)]) > 1 or len(seen_o[evidence(rec_o)]) > 1
    told = true - ambiguous
    guessed = told * (1 - precision) / (2 * precision - 1)
    return true, ambiguous, min(told + guessed, true) / true if true else 1.0


def maxrss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=50_000, help="accounts per side (default 50000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--blank", type=float, default=0.14, help="share of true pairs lacking a domain on a side")
    ap.add_argument("--generic", type=float, default=0.35, help="share of names made of common words")
    ap.add_argument("--places", action="store_true", help="add country and city columns (off by default)")
    ap.add_argument("--scorer", default="", help="rapidfuzz.fuzz scorer to try instead of the matcher's")
    ap.add_argument("--show", type=int, default=5, help="examples of false autos and misses to print")
    args = ap.parse_args(argv)
    if args.scorer:
        match_module.SCORER = getattr(fuzz, args.scorer)

    t0 = time.perf_counter()
    ours_rows, theirs_rows, n_both = build(args.n, args.seed, args.blank, args.generic, args.places)
    t_gen = time.perf_counter() - t0
    rss_gen = maxrss_mib()

    t0, c0 = time.perf_counter(), time.process_time()
    ours_recs = to_records(ours_rows)
    theirs_recs = to_records(theirs_rows)
    t_norm, cpu_norm = time.perf_counter() - t0, time.process_time() - c0
    ours_recs, ours_rows = dedupe(ours_recs, ours_rows)
    theirs_recs, theirs_rows = dedupe(theirs_recs, theirs_rows)
    ours = AccountList(OURS, "Us", "ours.csv", records=ours_recs, rows_read=args.n)
    theirs = AccountList(PARTNER, "Them", "theirs.csv", records=theirs_recs, rows_read=args.n)

    steps: list[tuple[float, float]] = []
    t0, c0 = time.perf_counter(), time.process_time()
    result = match_module.match_lists(ours, theirs, progress=lambda f: steps.append((f, time.perf_counter() - t0)))
    t_match, cpu_match = time.perf_counter() - t0, time.process_time() - c0

    # --- score against the truth ----------------------------------------------------------------
    cid_o = {id(r): row for r, row in zip(ours_recs, ours_rows)}
    cid_t = {id(r): row for r, row in zip(theirs_recs, theirs_rows)}
    truth_kind: dict[int, str] = {}  # company id -> kind, for companies on both sides (after dedupe)
    t_cids = {row.cid for row in theirs_rows}
    for row in ours_rows:
        if row.cid in t_cids:
            truth_kind[row.cid] = row.kind
    auto = [a for a in result.accounts if a.match.decision == AUTO]
    review = [a for a in result.accounts if a.match.decision == REVIEW]

    def true(a) -> bool:
        return cid_o[id(a.ours)].cid == cid_t[id(a.theirs)].cid

    auto_true = [a for a in auto if true(a)]
    found_auto = {cid_o[id(a.ours)].cid for a in auto_true}
    found_any = found_auto | {cid_o[id(a.ours)].cid for a in review if true(a)}
    n_true = len(truth_kind)
    precision = len(auto_true) / len(auto) if auto else 1.0
    recall_auto = len(found_auto) / n_true if n_true else 1.0
    recall_any = len(found_any) / n_true if n_true else 1.0
    rows_total = len(ours_recs) + len(theirs_recs)

    print(f"N per side            {args.n:,}  (records after de-dup: {len(ours_recs):,} / {len(theirs_recs):,})")
    print(f"seed                  {args.seed}   scorer {match_module.SCORER.__name__}   "
          f"blank {args.blank}   generic {args.generic}   places {args.places}   "
          f"cores {os.cpu_count()}   load {os.getloadavg()[0]:.1f}")
    print(f"true overlap          {n_true:,}  by kind {dict(Counter(truth_kind.values()))}")
    print(f"generate              {t_gen:6.2f} s")
    print(f"normalize             {t_norm:6.2f} s  ({2 * args.n / t_norm:,.0f} rows/s)  cpu {cpu_norm:.2f} s")
    print(f"match                 {t_match:6.2f} s  ({rows_total / t_match:,.0f} rows/s)  cpu {cpu_match:.2f} s"
          f"  progress: " + ", ".join(f"{f:.2f}@{t:.2f}s" for f, t in steps))
    print(f"normalize + match     {t_norm + t_match:6.2f} s")
    print(f"peak RSS              {maxrss_mib():,.0f} MiB  (after generating: {rss_gen:,.0f} MiB)")
    print(f"stats                 {result.stats}")
    print(f"auto pairs            {len(auto):,}  false: {len(auto) - len(auto_true):,}")
    print(f"auto precision        {precision:.4f}   (goal >= 0.995)")
    n_pairs, n_alike, bound = namesake_bound(ours_rows, theirs_rows)
    print(f"auto recall           {recall_auto:.4f}   (goal >= 0.97; any matcher at precision 0.995: at most "
          f"{bound:.4f}, {n_alike:,} of {n_pairs:,} true pairs look like a namesake's)")
    print(f"auto+review recall    {recall_any:.4f}   (goal >= 0.99)")
    print(f"review queue          {len(review):,} pairs, {sum(map(true, review)):,} of them true")
    by_score = sorted(review, key=lambda a: (-a.match.score, a.name.casefold()))
    by_priority = sorted(review, key=review_priority)
    pages = [k for k in (100, 500, 1000) if k < len(review)]
    if pages:
        print("true pairs in the first " + ", ".join(
            f"{k:,}: {sum(map(true, by_score[:k]))} by score, {sum(map(true, by_priority[:k]))} by priority"
            for k in pages))
    queue = Counter((",".join(sorted(a.match.flags)) or "-", true(a)) for a in review)
    print("review queue by flags (pairs, of them true):")
    for flags in sorted({f for f, _ in queue}, key=lambda f: -(queue[(f, True)] + queue[(f, False)])):
        print(f"  {flags:<45} {queue[(flags, True)] + queue[(flags, False)]:6,}  {queue[(flags, True)]:6,}")
    for note in result.notes:
        print(f"note: {note}")
    print(f"unmatched             ours {len(result.unmatched_ours):,}, theirs {len(result.unmatched_theirs):,}")
    by_kind_auto = Counter(truth_kind[c] for c in found_auto)
    by_kind_any = Counter(truth_kind[c] for c in found_any)
    all_kinds = Counter(truth_kind.values())
    for kind, total in sorted(all_kinds.items()):
        print(f"  {kind:<12} {total:6,}  auto {by_kind_auto[kind] / total:6.1%}"
              f"  auto+review {by_kind_any[kind] / total:6.1%}")

    if args.show:
        false_auto = [a for a in auto if not true(a)]
        if false_auto:
            print("false autos (ours | theirs | method score flags):")
        for a in false_auto[: args.show]:
            print(f"  {a.ours.name!r} [{a.ours.domain}] | {a.theirs.name!r} [{a.theirs.domain}] | "
                  f"{a.match.method} {a.match.score} {a.match.flags}")
        lost = [c for c in truth_kind if c not in found_any]
        if lost:
            print("true pairs neither auto nor in review (ours | theirs):")
            o_by = {row.cid: r for r, row in zip(ours_recs, ours_rows)}
            t_by = {row.cid: r for r, row in zip(theirs_recs, theirs_rows)}
            for c in lost[: args.show]:
                o, t = o_by[c], t_by[c]
                print(f"  {truth_kind[c]:<12} {o.name!r} [{o.domain}] | {t.name!r} [{t.domain}]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
