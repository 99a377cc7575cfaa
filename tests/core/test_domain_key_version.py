"""Domain keys change only with a new `normalize.DOMAIN_RULES_VERSION` or another suffix list.

A session file records the rules its domains were cut with (`domain_key_version`: acctmap's rules
and the suffix list of the installed tldextract); a file of others gets its domains cut again from
its website cells when read (`session._current_domains`). A new tldextract changes the recorded
value by itself. A change to acctmap's own rules must raise DOMAIN_RULES_VERSION, which this test
holds to: `domain_keys.json` keeps the domains of about 3,000 website cells (the demo lists, a
synthetic world's cells and cells written against each rule) as the recorded rules cut them.

After a deliberate change to the rules (or with another suffix list installed), raise the version
if the rules changed and write the file again:

    python tests/core/test_domain_key_version.py
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import pytest

from acctmap_tui.core import ingest
from acctmap_tui.core.model import OURS
from acctmap_tui.core.normalize import DOMAIN_RULES_VERSION, domain_key_version, record_domain

KEPT = Path(__file__).with_name("domain_keys.json")

# (name, website cell) against each rule of record_domain, and what a CRM cell may hold besides
RULES = [
    ("Acme", "https://www.Acme.co.uk/about?x=1"), ("Acme", "jo@acme.co.uk"), ("Acme", "ACME.COM"),
    ("Acme", "http://http://acme.com"), ("Acme", "www.acme.com."), ("Acme", "acme.com; acme.de"),
    ("Acme", "acme.com, gmail.com"), ("Acme", "gmail.com; acme.com"), ("Acme", "n/a"), ("Acme", "-"),
    ("Acme", "10.0.0.1"), ("Acme", "localhost"), ("Acme", "https://bücher.de"),
    ("Acme", "xn--bcher-kva.de"), ("Acme", "jo@gmail.com"), ("Gmail", "gmail.com"),
    ("Yahoo Inc.", "yahoo.co.jp"), ("Acme", "yahoo.co.uk"), ("Acme", "acme.github.io"),
    ("Acme", "github.io"), ("GitHub", "github.com"), ("Acme", "github.com/acme"),
    ("Acme", "linkedin.com/company/acme"), ("Acme", "acme.myshopify.com"), ("Acme", "acme.vercel.app"),
    ("Acme", "shop.acme.com.au"), ("Acme", "acme.k12.ca.us"), ("Acme", "<https://acme.com>"),
    ("Acme", "'acme.com'"), ("Acme", "acme"), ("Acme", "acme.notatld"), ("Acme", "mailto:jo@acme.com"),
    ("Acme", "ftp://files.acme.com"), ("Acme", "//acme.com/x"), ("Acme", "acme .com"),
    ("Acme", "acme.com/path with spaces"), ("Acme", "ACME.CO.JP"), ("", "acme.com"),
    ("Acme", "https://acme.wixsite.com/home"), ("Acme", "facebook.com/acme"), ("Acme", "hotmail.fr"),
    ("Acme", "jo@yandex.ru"), ("Acme", "sites.google.com/view/acme"),
    ("Acme", "acme.com\u200e"), ("Acme", "\u202aacme.com\u202c"), ("Acme", "ac\u200bme.com"),
    ("Acme", "\ufeffwww.acme.com"),
]


def corpus() -> list[tuple[str, str]]:
    """The (name, cell) pairs the kept domains are of: the demo lists, a synthetic world, RULES."""
    pairs: list[tuple[str, str]] = []
    for path in ingest.demo_paths():
        with open(path, encoding="utf-8-sig", newline="") as f:
            rows = list(csv.reader(f))
        name, cell = (0, 1) if rows[0][0] == "Account Name" else (1, 2)
        pairs += [(row[name], row[cell]) for row in rows[1:]]
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from bench.match_bench import build

    ours, theirs, _ = build(1_500, seed=12)
    pairs += [(row.name, row.website) for row in ours + theirs]
    return list(dict.fromkeys(pairs + RULES))


def _kept() -> dict:
    kept = json.loads(KEPT.read_text(encoding="utf-8"))
    assert kept["rules"] == DOMAIN_RULES_VERSION, (
        f"DOMAIN_RULES_VERSION is {DOMAIN_RULES_VERSION}, the kept domains are of version "
        f"{kept['rules']}: write them again (python tests/core/test_domain_key_version.py)")
    return kept


def test_the_kept_cells_give_their_domains_unless_the_version_is_raised() -> None:
    kept = _kept()
    if kept["suffix_list"] != domain_key_version():
        pytest.skip(f"tldextract's suffix list is not the one the domains were kept with "
                    f"({kept['suffix_list']}, installed {domain_key_version()}): sessions cut "
                    "their domains again when read; write the kept domains again to check the rules")
    assert len(kept["domains"]) > 2_500
    changed = [(name, cell, domain, record_domain(cell, name)) for name, cell, domain in kept["domains"]
               if record_domain(cell, name) != domain]
    assert not changed, (
        f"record_domain gives other domains for {len(changed)} cells, e.g. {changed[:5]}: raise "
        "normalize.DOMAIN_RULES_VERSION (sessions saved before then get their domains cut again "
        "when read), then write the kept domains again (python tests/core/test_domain_key_version.py)")


def test_the_kept_cells_cover_every_rule() -> None:
    kept = {(name, cell): domain for name, cell, domain in _kept()["domains"]}
    assert set(RULES) <= set(kept)
    assert {"", "acme.com", "gmail.com", "acme.github.io"} <= set(kept.values())


def test_ingest_keys_each_record_by_record_domain(tmp_path) -> None:
    """The rule a session is cut again with is the rule a list is read with."""
    pairs = [(name, cell) for name, cell in corpus() if name]
    path = tmp_path / "ours.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["Account Name", "Website", "Type"])
        writer.writerows([name, cell, "Customer"] for name, cell in pairs)
    records = ingest.read_list(path, OURS, "Acme").records
    single = [rec for rec in records if len(rec.rows) == 1]  # merged records keep the first cell
    assert len(single) > 2_000
    assert [rec.domain for rec in single] == [record_domain(rec.raw_domain, rec.name) for rec in single]


if __name__ == "__main__":
    pairs = corpus()
    KEPT.write_text(json.dumps({"rules": DOMAIN_RULES_VERSION, "suffix_list": domain_key_version(),
                                "domains": [[name, cell, record_domain(cell, name)] for name, cell in pairs]},
                               ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"{KEPT}: {len(pairs):,} cells, rules {DOMAIN_RULES_VERSION}, {domain_key_version()}")
