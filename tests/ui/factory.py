"""Workbenches for UI tests: a small hand-built session (no matcher needed) with every kind of row.

Fixed date and names so snapshots are stable.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

from acctmap_tui.core import session as session_io
from acctmap_tui.core.categorize import apply_categories
from acctmap_tui.core.model import (
    AUTO, CHURNED, CUSTOMER, OPEN_DEAL, OURS, PARTNER, PROSPECT, REVIEW,
    Account, AccountList, MatchInfo, Record, Session, Source,
)
from acctmap_tui.core.sharing import default_field_policy
from acctmap_tui.core.score import rescore
from acctmap_tui.core.workbench import Workbench

DAY = date(2026, 11, 25)

_OURS = [
    # name, domain, status, owner, country
    ("Acme, Inc.", "acme.com", CUSTOMER, "Dana Reyes", "US"),
    ("Blue Harbor Logistics", "blueharbor.io", CUSTOMER, "Sam Ito", "US"),
    ("Cobalt Analytics GmbH", "cobalt-analytics.de", PROSPECT, "Lena Vogt", "DE"),
    ("Deltaworks Ltd", "deltaworks.co.uk", OPEN_DEAL, "Sam Ito", "GB"),
    ("Evergreen Health", "evergreenhealth.org", CUSTOMER, "Dana Reyes", "US"),
    ("Fjord Systems AS", "fjordsystems.no", CHURNED, "Lena Vogt", "NO"),
    ("Granite Payments", "granitepay.com", PROSPECT, "Sam Ito", "US"),
    ("Helios Robotics", "", PROSPECT, "Dana Reyes", "US"),
    ("Ironclad Security", "ironclad.io", CUSTOMER, "Sam Ito", "US"),
    ("Juniper & Co", "juniperco.com", PROSPECT, "Lena Vogt", "CA"),
    ("Kestrel Foods", "kestrelfoods.com", CUSTOMER, "Dana Reyes", "US"),
    ("Lumen Learning Labs", "lumenlabs.com", OPEN_DEAL, "Sam Ito", "US"),
    ("Martin & Co", "martinco.fr", PROSPECT, "Lena Vogt", "FR"),
    ("Northstar Media", "northstarmedia.com", PROSPECT, "Dana Reyes", "US"),
]
_THEIRS = [
    ("ACME Corporation", "acme.com", OPEN_DEAL, "Priya Shah", "United States"),
    ("Blue Harbour Logistics", "blueharbor.io", CUSTOMER, "Tom Becker", "United States"),
    ("Cobalt Analytics", "cobalt-analytics.de", CUSTOMER, "Priya Shah", "Germany"),
    ("Deltaworks", "deltaworks.co.uk", PROSPECT, "Tom Becker", "United Kingdom"),
    ("Evergreen Health System", "evergreenhealth.org", CUSTOMER, "Priya Shah", "United States"),
    ("Fjord Systems", "fjordsystems.no", PROSPECT, "Tom Becker", "Norway"),
    ("Granite Payments Inc", "granitepay.com", CUSTOMER, "Priya Shah", "United States"),
    ("Helios Robotics Inc.", "heliosrobotics.ai", CUSTOMER, "Tom Becker", "United States"),
    ("Ironclad Security", "ironclad.io", PROSPECT, "Priya Shah", "United States"),
    ("Juniper and Company", "", OPEN_DEAL, "Tom Becker", "Canada"),
    ("Kestrel Foods Group", "kestrel-foods.com", CUSTOMER, "Priya Shah", "United States"),
    ("Lumen Learning", "lumenlearning.com", PROSPECT, "Tom Becker", "United States"),
    ("Martin & Co", "martin-co.com", CUSTOMER, "Priya Shah", "United States"),
    ("Orbital Freight", "orbitalfreight.com", CUSTOMER, "Tom Becker", "United States"),
]
# (our index, their index, method, score, decision, flags)
_PAIRS = [
    (0, 0, "domain", 100.0, AUTO, []),
    (1, 1, "domain", 100.0, AUTO, []),
    (2, 2, "domain", 100.0, AUTO, []),
    (3, 3, "domain", 100.0, AUTO, []),
    (4, 4, "domain", 100.0, AUTO, []),
    (5, 5, "domain", 100.0, AUTO, []),
    (6, 6, "domain", 100.0, AUTO, []),
    (8, 8, "domain", 100.0, AUTO, []),
    (7, 7, "name", 100.0, AUTO, ["no-domain"]),
    (9, 9, "name", 96.0, AUTO, ["no-domain"]),
    (10, 10, "name", 88.0, REVIEW, ["different-domains"]),
    (11, 11, "name", 86.0, REVIEW, ["different-domains", "close-candidates"]),
    (12, 12, "name", 100.0, REVIEW, ["different-domains"]),
]


def _record(row: tuple, index: int, side: str) -> Record:
    from acctmap_tui.core.normalize import name_key

    name, domain, status, owner, country = row
    extra_key = "Billing Country" if side == OURS else "Country/Region"
    return Record(name=name, domain=domain, status=status, raw_status=status, owner=owner,
                  raw_domain=domain, name_key=name_key(name), extra={extra_key: country},
                  rows=[index + 2])


def small_workbench() -> Workbench:
    """14 accounts a side: 10 in the overlap (all four categories, one win-back), 3 in review."""
    ours = AccountList(OURS, "Northwind", "northwind.csv", rows_read=len(_OURS),
                       columns={"name": "Account Name", "domain": "Website", "status": "Type",
                                "owner": "Account Owner"},
                       records=[_record(r, i, OURS) for i, r in enumerate(_OURS)])
    theirs = AccountList(PARTNER, "Globex", "globex.csv", rows_read=len(_THEIRS),
                         columns={"name": "Company name", "domain": "Company Domain Name",
                                  "status": "Lifecycle Stage", "owner": "Company owner"},
                         records=[_record(r, i, PARTNER) for i, r in enumerate(_THEIRS)])
    accounts = [
        Account(ours.records[o], theirs.records[t], MatchInfo(m, s, d, list(f)))
        for o, t, m, s, d, f in _PAIRS
    ]
    session = Session(
        ours="Northwind", partner="Globex", title="Northwind x Globex — 2026-Q4 mapping",
        created=datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc), date=DAY,
        sources=[Source(OURS, "Northwind", "northwind.csv", rows=14, accounts=14,
                        columns=dict(ours.columns)),
                 Source(PARTNER, "Globex", "globex.csv", rows=14, accounts=14,
                        columns=dict(theirs.columns))],
        accounts=accounts,
    )
    session.fields = default_field_policy(session)
    apply_categories(session)
    rescore(session)
    return Workbench(session, ours, theirs)


def opened(path: Path) -> Workbench:
    """The session saved at `path`, opened from its file as `acctmap PATH` opens it."""
    return Workbench(session_io.load(path), path=path)


async def run_command(pilot, query: str) -> None:
    """The command palette (ctrl+p), `query` typed, enter on its first hit."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*query)
    await pilot.pause(0.5)  # the palette gathers its hits in a worker
    await pilot.press("enter")
    await pilot.pause()


async def wait_for_load(app) -> None:
    """Wait for the app's load worker, if one started (the file picker's own worker never
    completes, and `wait_for_complete([])` would wait for every worker)."""
    loading = [w for w in app.workers if w.group == "load"]
    if loading:
        await app.workers.wait_for_complete(loading)


def write_lists(folder: Path) -> tuple[Path, Path]:
    """Two small lists (Northwind's Salesforce-style, Globex's plain) with two shared domains."""
    ours = folder / "northwind.csv"
    ours.write_text("Account Name,Website,Type\nAcme Inc,acme.com,Customer\n"
                    "Blue Harbor,blueharbor.io,Prospect\nCobalt,cobalt.de,Customer\n")
    theirs = folder / "globex.csv"
    theirs.write_text("name,domain,status\nACME Corp,acme.com,customer\n"
                      "Blue Harbour Logistics,blueharbor.io,customer\nOrbital,orbital.com,prospect\n")
    return ours, theirs


def demo_workbench() -> Workbench:
    """The bundled demo (70 accounts in the overlap, 5 in review), dated DAY."""
    from acctmap_tui.cli import demo_session

    built = demo_session(day=DAY)
    return Workbench(built.session, built.ours, built.theirs)


def save_earlier_demo(wb: Workbench, folder: Path) -> Path:
    """Save an earlier quarter of `wb`'s session into `folder` (for Compare): 90 days before,
    five accounts fewer; returns its path."""
    import copy
    from datetime import timedelta

    from acctmap_tui.core import session as session_io

    earlier = copy.deepcopy(wb.session)
    earlier.title = earlier.title.replace("Q4", "Q3") if "Q4" in earlier.title else "Earlier mapping"
    earlier.date = wb.session.date - timedelta(days=90)
    earlier.created = datetime(earlier.date.year, earlier.date.month, earlier.date.day, 10, 0,
                               tzinfo=timezone.utc)
    earlier.accounts = earlier.accounts[5:]
    apply_categories(earlier)
    rescore(earlier)
    path = folder / "earlier.toml"
    session_io.save(earlier, path)
    return path


def burst(app, *keys: str) -> None:
    """Keys handed over at once, as a terminal hands over what was typed in one read (typed
    fast, held down, or sent in one packet by a laggy remote terminal): the app hands them all
    to the widget focused now, before the first one has run. `pilot.press` waits between keys
    and cannot show what follows."""
    from textual import events

    for key in keys:
        app.post_message(events.Key(key, key if len(key) == 1 else None))
