"""Two lists to a session, and next quarter's lists carried forward from the last session."""

import csv
from datetime import date
from pathlib import Path

from acctmap_tui.core import ingest
from acctmap_tui.core.model import ACCEPTED, MANUAL, OURS, PARTNER, REJECTED, Factor, Record
from acctmap_tui.core.pipeline import new_session
from acctmap_tui.core.workbench import Workbench

DAY = date(2026, 11, 25)


def _lists(ours_path=None, theirs_path=None):
    o, t = ingest.demo_paths()
    return (ingest.read_list(ours_path or o, OURS, "Northwind"),
            ingest.read_list(theirs_path or t, PARTNER, "Globex"))


def _first_session():
    ours, theirs = _lists()
    built = new_session(ours, theirs, day=DAY)
    return Workbench(built.session, built.ours, built.theirs)


def _refreshed_partner_list(tmp_path: Path, drop_domain: str, add_row: dict) -> Path:
    """Globex's list next quarter: one overlapping account gone, one new company."""
    _, theirs = ingest.demo_paths()
    with open(theirs, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    kept = [r for r in rows if drop_domain not in r["Company Domain Name"]]
    assert len(kept) < len(rows)
    kept.append({**{k: "" for k in rows[0]}, **add_row})
    out = tmp_path / "globex_q1.csv"
    with open(out, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(kept)
    return out


def test_new_session_records_sources_fields_and_categories():
    wb = _first_session()
    s = wb.session
    assert s.title == "Northwind x Globex — 2026-Q4 mapping"
    assert [src.side for src in s.sources] == [OURS, PARTNER]
    assert s.source(OURS).accounts == len(wb.ours.records)
    assert s.overlap() and all(a.category or a.ours.status is None or a.theirs.status is None
                               for a in s.overlap())
    shared = {(f.side, f.name) for f in s.fields if f.shareable}
    assert (OURS, "domain") in shared and (OURS, "Annual Revenue") not in shared


def test_carry_forward_keeps_decisions_plans_and_factors(tmp_path):
    wb = _first_session()
    s = wb.session
    queue = sorted(s.review_queue(), key=lambda a: -a.match.score)
    accepted, rejected = queue[0], queue[1]
    wb.accept(accepted)
    wb.reject(rejected)
    planned = sorted(s.overlap(), key=lambda a: a.key)[0]
    gone = sorted(s.overlap(), key=lambda a: a.key)[1]
    wb.set_level(planned, "relationship", 3)
    wb.set_field(planned, "owner", "Dana Kowalski")
    wb.set_field(planned, "next_action", "Joint QBR intro")
    wb.set_field(planned, "due", date(2026, 12, 9))
    wb.set_category(planned, "mutual-prospect")
    unmatched_ours = next(r for r in wb.ours.records
                          if r.domain and not any(a.ours is r for a in s.accounts))
    unmatched_theirs = next(r for r in wb.theirs.records
                            if r.domain and not any(a.theirs is r for a in s.accounts))
    manual = wb.pair(unmatched_ours, unmatched_theirs)
    wb.set_factors([*s.scoring.factors, Factor("region", "Region fit", 2, ["Other", "Core"])])

    theirs_q1 = _refreshed_partner_list(tmp_path, gone.theirs.domain, {
        "Company name": "Newcomer Robotics", "Company Domain Name": "newcomer-robotics.com",
        "Lifecycle Stage": "customer"})
    ours, theirs = _lists(theirs_path=theirs_q1)
    # a Northwind account that is new to the overlap: add it to our list too
    ours.records.append(Record(name="Newcomer Robotics", domain="newcomer-robotics.com",
                                      status="prospect", name_key="newcomer robotics"))
    built = new_session(ours, theirs, day=date(2027, 2, 20), prior=s)
    nxt = {a.pair_id: a for a in built.session.accounts}
    by_key = {a.key: a for a in built.session.overlap()}

    assert nxt[accepted.pair_id].match.decision == ACCEPTED
    assert nxt[rejected.pair_id].match.decision == REJECTED
    assert nxt[manual.pair_id].match.method == MANUAL and nxt[manual.pair_id].in_overlap
    carried = by_key[planned.key]
    assert carried.carried
    assert (carried.owner, carried.next_action, carried.due) == (
        "Dana Kowalski", "Joint QBR intro", date(2026, 12, 9))
    assert carried.category == "mutual-prospect" and carried.category_manual
    assert carried.priority == 9
    assert gone.key not in by_key
    assert not by_key["newcomer-robotics.com"].carried  # new this quarter
    assert [f.key for f in built.session.scoring.factors][-1] == "region"
    assert built.carried == sum(a.carried for a in built.session.overlap())
