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
    assert built.carried == sum(a.carried for a in built.session.accounts)


def test_a_prior_session_cut_with_another_suffix_list_still_carries_its_accounts(tmp_path):
    """Next quarter on an install whose tldextract knows a suffix the last one did not
    (vercel.app): the account at acme.vercel.app keeps its decision, owner and next action, and
    the diff shows it as the same account, not as gone and new."""
    from acctmap_tui.core import session as session_io
    from acctmap_tui.core.compare import GONE, NEW, diff_sessions
    from acctmap_tui.core.normalize import domain_key_version

    ours_csv, theirs_csv = tmp_path / "ours.csv", tmp_path / "theirs.csv"
    ours_csv.write_text("Account Name,Website,Type\nAcme Robotics,https://acme.vercel.app,Customer\n"
                        "Initech,initech.com,Customer\n", encoding="utf-8")
    theirs_csv.write_text("Company,Domain,Lifecycle Stage\nAcme Robots,acme.vercel.app,Customer\n"
                          "Initech LLC,initech.com,Customer\n", encoding="utf-8")

    def lists():
        return ingest.read_list(ours_csv, OURS, "Acme"), ingest.read_list(theirs_csv, PARTNER, "Globex")

    built = new_session(*lists(), day=DAY)
    wb = Workbench(built.session, built.ours, built.theirs)
    (acme,) = [a for a in built.session.accounts if a.ours.name == "Acme Robotics"]
    wb.set_fields(acme, owner="Dana Kowalski", next_action="Joint case study")
    text = session_io.to_toml(built.session)
    # as an install without vercel.app on its suffix list saved it
    text = text.replace(f'domain_key_version = "{domain_key_version()}"', 'domain_key_version = "1/psl-0123456789ab"')
    assert text.count('\ndomain = "acme.vercel.app"') == 2
    text = text.replace('\ndomain = "acme.vercel.app"', '\ndomain = "vercel.app"')
    prior_path = tmp_path / "q4.toml"
    prior_path.write_text(text, encoding="utf-8")
    prior = session_io.load(prior_path)

    nxt = new_session(*lists(), day=date(2027, 2, 20), prior=prior).session
    (acme,) = [a for a in nxt.accounts if a.ours.name == "Acme Robotics"]
    assert (acme.owner, acme.next_action, acme.carried) == ("Dana Kowalski", "Joint case study", True)
    kinds = {d.name: d.kind for d in diff_sessions(session_io.load(prior_path), nxt).accounts}
    assert kinds and GONE not in kinds.values() and NEW not in kinds.values()


def test_a_prior_session_saved_with_other_name_key_rules_still_carries_its_name_pairs(tmp_path):
    """Next quarter on a newer acctmap whose name keys differ (here: CJK legal forms stripped):
    the prior session's domain-less accounts keep their decisions, owner and next action, and
    the diff shows them as the same accounts, not as gone and new."""
    from acctmap_tui.core import session as session_io
    from acctmap_tui.core.compare import GONE, NEW, diff_sessions
    from acctmap_tui.core.normalize import NAME_KEY_VERSION

    ours_csv, theirs_csv = tmp_path / "ours.csv", tmp_path / "theirs.csv"
    ours_csv.write_text("Account Name,Website,Type\n株式会社サンプル商事,,Customer\n有限会社山田,,Customer\n"
                        "Initech,initech.com,Customer\n", encoding="utf-8")
    theirs_csv.write_text("Company,Domain,Lifecycle Stage\nサンプル商事 株式会社,,Customer\n山田 有限会社,,Customer\n"
                          "Initech LLC,initech.com,Customer\n", encoding="utf-8")

    def lists():
        return ingest.read_list(ours_csv, OURS, "Acme"), ingest.read_list(theirs_csv, PARTNER, "Globex")

    built = new_session(*lists(), day=DAY)
    wb = Workbench(built.session, built.ours, built.theirs)
    by_name = {a.ours.name: a for a in built.session.accounts}
    sample, yamada = by_name["株式会社サンプル商事"], by_name["有限会社山田"]
    wb.accept(sample)
    wb.set_fields(sample, owner="Dana Kowalski", next_action="Intro to their AE")
    wb.reject(yamada)  # two firms named Yamada, a person said so on the call
    text = session_io.to_toml(built.session)
    # as the version before saved it: no name-key version, and the legal forms in the keys
    text = text.replace(f"name_key_version = {NAME_KEY_VERSION}\n", "")
    text = (text.replace('name_key = "サンフル商事"', 'name_key = "株式会社サンフル商事"')
            .replace('name_key = "山田"', 'name_key = "有限会社山田"'))
    assert text.count('name_key = "株式会社サンフル商事"') == 2 and text.count('name_key = "有限会社山田"') == 2
    prior_path = tmp_path / "q4.toml"
    prior_path.write_text(text, encoding="utf-8")
    prior = session_io.load(prior_path)

    nxt = new_session(*lists(), day=date(2027, 2, 20), prior=prior).session
    by_name = {a.ours.name: a for a in nxt.accounts}
    assert by_name["株式会社サンプル商事"].match.decision == ACCEPTED
    assert (by_name["株式会社サンプル商事"].owner, by_name["株式会社サンプル商事"].next_action) == (
        "Dana Kowalski", "Intro to their AE")
    assert by_name["株式会社サンプル商事"].carried
    assert by_name["有限会社山田"].match.decision == REJECTED  # not proposed again as a pair
    kinds = {d.name: d.kind for d in diff_sessions(session_io.load(prior_path), nxt).accounts}
    assert kinds and GONE not in kinds.values() and NEW not in kinds.values()
