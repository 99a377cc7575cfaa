"""Match quality on real public company lists: `acctmap match` scored against ISINs.

The lists are assembled from the index members shipped by the PyPI package `pytickersymbols`
(`pytickersymbols.indices_data.INDICES`: S&P 500, S&P 600, NASDAQ 100, NIKKEI 225, DAX, MDAX,
FTSE 100, CAC 40, AEX, ... with each company's name, ISINs, symbol, website and Wikipedia URL).
Nothing is invented: every name and website cell written is one the data holds.

1. The universe: every listing of every index, one company per ISIN (listings sharing an ISIN
   or a Wikipedia article are one company, and so are share classes; a listing without an ISIN
   is keyed by its symbol). Five listings the data mislabels (MISLABELED: one company's name
   on another's identifiers) are left out.
   Its truth key (first ISIN, else the symbol) goes into a column acctmap reads as a private
   extra column and never matches on (as in bench/cli_bench.py).
2. Two CRM exports that differ the way two companies' exports do (seeded, deterministic): the
   universe is split in thirds, ours only / both / theirs only, so half of each list overlaps.
   - "ours" (Salesforce-like headers): the index's name for the company and its website cell
     as found, written in turn as found, as `https://www.HOST/` and as `http://HOST`.
   - "theirs" (HubSpot-like headers): the company's legal name: the title of its Wikipedia
     article (underscores to spaces, percent-decoded, a trailing "(disambiguation)" dropped),
     else the name another index gives it, else the same name, followed by the abbreviation of
     the legal form its infobox's company type names ("Aktiengesellschaft" -> "AG", "Public
     limited company" -> "plc", ...) unless the name ends in one; the website cell as found,
     left blank for `--blank` (30%) of the rows so the name fallback is exercised.
   Statuses and owners are random (seeded). Companies the data gives no website have none on
   either side.
3. `acctmap match OURS THEIRS -o S.toml` run as a whole process (timed with /usr/bin/time -v),
   then the session it wrote is scored against the truth: precision of auto-accepted pairs,
   auto recall, auto + review recall, with a breakdown by whether each side holds a usable
   domain, every false auto pair, and a sample of the missed true pairs (names and websites on
   both sides).

    pip install -e ".[bench]"; python bench/real_lists_bench.py
    python bench/real_lists_bench.py --seed 2 --blank 0.5 --misses 0 --keep /tmp/real
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import re
import shutil
import sys
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.cli_bench import TRUTH, timed  # noqa: E402

OURS_HEADER = ["Account Name", "Website", "Type", "Account Owner", "Billing Country", TRUTH]
THEIRS_HEADER = ["Company name", "Company Domain Name", "Lifecycle Stage", "Company owner",
                 "Country/Region", TRUTH]
OURS_STATUSES = ["Customer", "Prospect", "Opportunity", "Former Customer"]
THEIRS_STATUSES = ["customer", "lead", "opportunity", "subscriber"]
_BARE_HOST = re.compile(r"^(?:www\.)?([a-z0-9-]+(?:\.[a-z0-9-]+)+)/?$", re.IGNORECASE)
_DISAMBIGUATION = re.compile(r"\s+\([^()]*\)$")
# company types (as the data spells them) -> the abbreviation written after a legal name; the
# partnership forms first (they name Aktiengesellschaft or Societas Europaea as their partner)
_LEGAL_FORMS = [
    (("kgaa", "kommanditgesellschaft auf aktien"), "KGaA"),
    (("naamloze vennootschap", "n.v."), "N.V."),
    (("societas europaea", "( se )", "- se"), "SE"),
    (("aktiengesellschaft", "( ag )"), "AG"),
    (("aktiebolag",), "AB"),
    (("public limited company", "(plc)"), "plc"),
    (("sociedad anónima", "société anonyme", "( s.a. )"), "S.A."),
    (("julkinen osakeyhtiö",), "Oyj"),
    (("società per azioni", "s.p.a."), "S.p.A."),
]
_LEGAL_LAST_WORDS = {"inc", "corp", "corporation", "co", "company", "ltd", "limited", "plc", "ag", "se", "sa",
                     "nv", "oyj", "ab", "spa", "kgaa", "asa", "llc", "lp", "group", "holding", "holdings"}


# Listings of pytickersymbols 1.17.10 whose name is not the company their identifiers name: left
# out, as kept they would make the truth call acctmap's right answers wrong
MISLABELED = {
    ("CAC_40", "STABILUS SE"): "STMicroelectronics' symbol, ISIN, website and article",
    ("MDAX", "STABILUS SE"): "STMicroelectronics' symbol (STM.DE) and ISIN",
    ("CAC Mid 60", "ABB"): "Groupe SEB's website and article",
    ("S&P 500", "Apollo Commercial Real Estate Finance"): "Apollo Global Management's symbol, website and article",
    ("NIKKEI 225", "Mitsui Mining & Smelting"): "Mitsui & Co.'s website (mitsui.com)",
}
_SHARE_CLASS = re.compile(r"^(.*?),?\s*\(Class [A-Z]\)$")


@dataclass
class Company:
    """One company of the universe, from all its index listings."""

    key: str  # first ISIN, else the symbol: the truth
    names: list[str] = field(default_factory=list)  # as each index names it, first seen first
    website: str = ""  # the website cell most of its listings hold
    wikipedia_url: str = ""
    country: str = ""
    company_type: str = ""  # the infobox's legal form ("Aktiengesellschaft", "Public", ...)
    indices: list[str] = field(default_factory=list)


def _tokens(listing: dict) -> list[str]:
    """What identifies a listing: its ISINs and Wikipedia article, else its symbol, else its name.

    Symbols alone do not merge listings that have ISINs: the data gives one symbol to two
    companies (APAM is Aperam in the CAC Mid 60 and Artisan Partners in the S&P 600).
    """
    meta = listing.get("metadata") or {}
    tokens = [f"isin:{i}" for i in listing.get("isins") or []]
    if not tokens:
        tokens.append(f"symbol:{listing['symbol']}" if listing.get("symbol") else f"name:{listing['name']}")
    if meta.get("wikipedia_url"):
        tokens.append(f"wiki:{meta['wikipedia_url']}")
    share_class = _SHARE_CLASS.match(listing["name"])
    if share_class:  # "Clearway Energy, Inc. (Class A)" and "(Class C)": one company
        tokens.append(f"class:{share_class.group(1)}")
    return tokens


def universe() -> list[Company]:
    """Every company of every index in pytickersymbols, deduplicated, in data order.

    A listing with no ISIN, symbol or website (SDAX's "Formycon") joins the one other company
    of the same name; two listed companies may share a name ("First Bancorp", FBNC and FBP).
    A company's website is the cell most of its listings give. The listings in MISLABELED are
    left out.
    """
    from pytickersymbols.indices_data import INDICES

    listings = [(index, c) for index, data in INDICES.items() for c in data["companies"]
                if (index, c["name"]) not in MISLABELED]
    parent: dict[str, str] = {}

    def find(t: str) -> str:
        while parent.setdefault(t, t) != t:
            parent[t] = parent[parent[t]]
            t = parent[t]
        return t

    for _, listing in listings:
        first, *rest = _tokens(listing)
        for t in rest:
            parent[find(t)] = find(first)
    groups: dict[str, list[tuple[str, dict]]] = {}
    for index, listing in listings:
        groups.setdefault(find(_tokens(listing)[0]), []).append((index, listing))
    by_name: dict[str, list[str]] = defaultdict(list)
    for root, members in groups.items():
        for name in dict.fromkeys(m["name"] for _, m in members):
            by_name[name].append(root)
    for root in list(groups):
        members = groups[root]
        bare = all(not (m.get("isins") or m.get("symbol") or m.get("metadata")) for _, m in members)
        others = [r for r in by_name[members[0][1]["name"]] if r != root]
        if bare and len(others) == 1:
            groups[others[0]] += groups.pop(root)
    return [_company(members) for members in groups.values()]


def _company(members: list[tuple[str, dict]]) -> Company:
    metas = [m.get("metadata") or {} for _, m in members]
    cells = Counter((meta.get("website") or "").strip() for meta in metas)
    cells.pop("", None)
    website = cells.most_common(1)[0][0] if cells else ""
    wikis = [meta["wikipedia_url"] for meta in metas
             if meta.get("wikipedia_url") and (meta.get("website") or "").strip() == website]
    wikis += [meta["wikipedia_url"] for meta in metas if meta.get("wikipedia_url")]
    first = _tokens(members[0][1])[0]
    return Company(
        key=first.split(":", 1)[1],
        names=list(dict.fromkeys(m["name"] for _, m in members)),
        website=website,
        wikipedia_url=wikis[0] if wikis else "",
        country=next((m["country"] for _, m in members if m.get("country")), ""),
        company_type=next((meta["company_type"] for meta in metas if meta.get("company_type")), ""),
        indices=[index for index, _ in members],
    )


def wikipedia_title(url: str) -> str:
    """The article title of a Wikipedia URL, as a person would write the company's name."""
    title = unquote(urlsplit(url).path.rsplit("/", 1)[-1]).replace("_", " ").strip()
    return _DISAMBIGUATION.sub("", title)


def our_website(cell: str, i: int) -> str:
    """The website cell as found, or (by turn) the same host written as a full URL."""
    m = _BARE_HOST.match(cell)
    if not m or i % 3 == 0:
        return cell
    host = m.group(1)
    return f"https://www.{host}/" if i % 3 == 1 else f"http://{host}"


def legal_form(company_type: str) -> str:
    """The abbreviation of the legal form an infobox's company type names ("" for "Public")."""
    kind = company_type.casefold()
    for words, abbreviation in _LEGAL_FORMS:
        if any(w in kind for w in words):
            return abbreviation
    return ""


def their_name(c: Company) -> str:
    """The company's legal name: the Wikipedia title (else another index's name for it, else the
    same name) followed by the legal form its company type gives, unless the name ends in one."""
    if c.wikipedia_url:
        name = wikipedia_title(c.wikipedia_url) or c.names[0]
    else:
        name = c.names[1] if len(c.names) > 1 else c.names[0]
    form = legal_form(c.company_type)
    last = re.sub(r"[^a-z]", "", name.rsplit(None, 1)[-1].casefold())
    if form and last not in _LEGAL_LAST_WORDS:
        name = f"{name} {form}"
    return name


@dataclass
class Lists:
    ours: list[list[str]]
    theirs: list[list[str]]
    shared: set[str]  # truth keys on both lists


def assemble(companies: list[Company], seed: int, blank: float) -> Lists:
    """Split the universe in thirds (ours only, both, theirs only) and write both sides' rows."""
    rng = random.Random(seed)
    order = companies[:]
    rng.shuffle(order)
    third = len(order) // 3
    ours_only, both, theirs_only = order[:third], order[third:2 * third], order[2 * third:]
    ours_cos = ours_only + both
    theirs_cos = both + theirs_only
    rng.shuffle(ours_cos)
    rng.shuffle(theirs_cos)
    ours = [[c.names[0], our_website(c.website, i), rng.choice(OURS_STATUSES), f"Rep {rng.randrange(25)}",
             c.country, c.key] for i, c in enumerate(ours_cos)]
    theirs = [[their_name(c), "" if rng.random() < blank else c.website, rng.choice(THEIRS_STATUSES),
               f"Owner {rng.randrange(25)}", c.country, c.key] for c in theirs_cos]
    return Lists(ours, theirs, {c.key for c in both})


def write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


# --- scoring -------------------------------------------------------------------------------------


def _kind(our_cell: str, their_cell: str) -> str:
    """Which of a true pair's website cells hold a domain acctmap can use."""
    from acctmap_tui.core.normalize import registrable_domain

    n = bool(registrable_domain(our_cell)) + bool(registrable_domain(their_cell))
    return ("no usable domain on either side", "a usable domain on one side only", "a usable domain on both sides")[n]


def score(session_path: Path, lists: Lists) -> dict:
    """The session's pairs against the truth: counts, rates, breakdown, false autos, misses."""
    from acctmap_tui.core import session as session_io

    s = session_io.load(session_path)
    ours_row = {r[-1]: r for r in lists.ours}
    theirs_row = {r[-1]: r for r in lists.theirs}

    def keys(rec, rows: list[list[str]]) -> set[str]:
        # a record merged from several rows keeps one truth cell; its row numbers (the file's
        # line numbers, the header being line 1) give every company in it
        return {rows[r - 2][-1] for r in rec.rows}

    def shared(a) -> set[str]:
        return keys(a.ours, lists.ours) & keys(a.theirs, lists.theirs) & lists.shared

    auto = [a for a in s.accounts if a.match.decision == "auto"]
    review = [a for a in s.accounts if a.match.decision == "review"]
    found_auto: set[str] = set()
    found_review: dict[str, object] = {}
    false_auto = []
    for a in auto:
        found_auto |= shared(a)
        if not shared(a):
            false_auto.append(a)
    for a in review:
        found_review |= dict.fromkeys(shared(a), a)
    paired_ours = {k: a for a in auto + review for k in keys(a.ours, lists.ours)}
    paired_theirs = {k: a for a in auto + review for k in keys(a.theirs, lists.theirs)}

    kinds: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # true, auto, auto + review
    missed = []
    for k in sorted(lists.shared):
        o, t = ours_row[k], theirs_row[k]
        row = kinds[_kind(o[1], t[1])]
        row[0] += 1
        row[1] += k in found_auto
        row[2] += k in found_auto or k in found_review
        if k not in found_auto:
            where = "not paired"
            if k in found_review:
                m = found_review[k].match
                where = f"in review ({m.method} {m.score:.0f} {','.join(m.flags)})"
            other = paired_ours.get(k) or paired_theirs.get(k)
            if k not in found_review and other is not None:
                where = f"paired elsewhere ({other.match.decision}: {other.ours.name!r} / {other.theirs.name!r})"
            missed.append((k, o, t, where))
    n = len(lists.shared)
    return {
        "true": n, "auto": len(auto), "false_auto": false_auto, "review": len(review),
        "review_true": len(found_review.keys() - found_auto),
        "precision": (len(auto) - len(false_auto)) / len(auto) if auto else 1.0,
        "recall_auto": len(found_auto) / n if n else 1.0,
        "recall_any": len(found_auto | found_review.keys()) / n if n else 1.0,
        "kinds": dict(kinds), "missed": missed,
    }


def _cell(rec) -> str:
    return rec.raw_domain or "(blank)"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--blank", type=float, default=0.30, help="share of their website cells left blank")
    ap.add_argument("--misses", type=int, default=25, help="missed pairs to list (-1: all)")
    ap.add_argument("--keep", help="write the files here and keep them")
    args = ap.parse_args(argv)

    try:
        version = metadata.version("pytickersymbols")
    except metadata.PackageNotFoundError:
        sys.exit('pytickersymbols is not installed: pip install -e ".[bench]"')
    companies = universe()
    lists = assemble(companies, args.seed, args.blank)
    work = Path(args.keep or tempfile.mkdtemp(prefix="acctmap-real-"))
    work.mkdir(parents=True, exist_ok=True)
    a, b, out = work / "ours.csv", work / "theirs.csv", work / "session.toml"
    write(a, OURS_HEADER, lists.ours)
    write(b, THEIRS_HEADER, lists.theirs)
    acctmap = shutil.which("acctmap", path=str(Path(sys.executable).parent)) or "acctmap"
    wall, cpu, rss = timed([acctmap, "match", str(a), str(b), "-o", str(out)], {**os.environ, "COLUMNS": "100"})
    acc = score(out, lists)

    print(f"data                  pytickersymbols {version}: {len(companies):,} companies from "
          f"{sum(len(c.indices) for c in companies):,} index listings ({len(MISLABELED)} mislabeled "
          f"left out)   seed {args.seed}   "
          f"their websites blank {args.blank:.0%}")
    ours_row = {r[-1]: r for r in lists.ours}
    theirs_row = {r[-1]: r for r in lists.theirs}
    renamed = sum(ours_row[k][0] != theirs_row[k][0] for k in lists.shared)
    recast = sum(ours_row[k][1] != theirs_row[k][1] for k in lists.shared if theirs_row[k][1])
    print(f"lists                 ours {len(lists.ours):,} rows, theirs {len(lists.theirs):,} rows, "
          f"{acc['true']:,} companies on both: named differently {renamed}, "
          f"website written differently {recast}, their website blank "
          f"{sum(not theirs_row[k][1] for k in lists.shared)}")
    print(f"acctmap match -o      {wall:6.2f} s wall  {cpu:6.2f} s CPU   peak {rss:6.0f} MiB")
    print(f"auto precision        {acc['precision']:.4f}   ({len(acc['false_auto'])} false of {acc['auto']:,})"
          "   goal >= 0.995")
    print(f"auto recall           {acc['recall_auto']:.4f}   goal >= 0.97")
    print(f"auto+review recall    {acc['recall_any']:.4f}   goal >= 0.99   "
          f"(review queue {acc['review']:,}, {acc['review_true']:,} true pairs only there)")
    print("true pairs by kind    true   auto   auto+review")
    for kind, (n, au, an) in sorted(acc["kinds"].items()):
        print(f"  {kind:34} {n:5}  {au / n:6.1%}  {an / n:6.1%}")
    print(f"\nfalse auto pairs ({len(acc['false_auto'])}): ours | theirs")
    for x in acc["false_auto"]:
        print(f"  {x.ours.name!r} [{_cell(x.ours)}] | {x.theirs.name!r} [{_cell(x.theirs)}]   "
              f"{x.match.method} {x.match.score:.0f} {','.join(x.match.flags)}")
    missed = acc["missed"]
    show = missed if args.misses < 0 else missed[:args.misses]
    print(f"\nmissed by auto ({len(missed)}; {len(show)} shown): key: ours | theirs -> what acctmap did")
    for k, o, t, where in show:
        print(f"  {k}: {o[0]!r} [{o[1] or '(blank)'}] | {t[0]!r} [{t[1] or '(blank)'}] -> {where}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
