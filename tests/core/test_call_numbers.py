"""Figures that must agree on the call: a category override is not a status movement, status-word
mappings carry to next quarter, and the exported top list holds only planned accounts."""

from __future__ import annotations


from acctmap_tui.core.compare import SET_BY_HAND, diff_sessions, render_text
from acctmap_tui.core.model import CUSTOMER, PROSPECT, THEIRS_CUSTOMER

from tests.core.compare_factory import Q3, acct, session


def test_a_category_set_by_hand_is_not_reported_as_a_status_movement():
    old = session([acct("acme.com", "Acme", PROSPECT, PROSPECT)], day=Q3)
    moved = acct("acme.com", "Acme", PROSPECT, PROSPECT)
    moved.category, moved.category_manual = THEIRS_CUSTOMER.key, True
    d = diff_sessions(old, session([moved]))
    a = d.accounts[0]
    assert a.movement == SET_BY_HAND
    assert "their win" not in render_text(d)
    assert a.change("their status") is None and a.change("category") is not None


def test_a_real_status_move_under_an_override_says_both():
    old = session([acct("acme.com", "Acme", PROSPECT, PROSPECT)], day=Q3)
    moved = acct("acme.com", "Acme", PROSPECT, CUSTOMER)
    moved.category_manual = True
    a = diff_sessions(old, session([moved])).accounts[0]
    assert a.movement == f"their win: now their customer; {SET_BY_HAND}"


def test_an_unforced_move_keeps_its_status_label():
    old = session([acct("acme.com", "Acme", PROSPECT, PROSPECT)], day=Q3)
    a = diff_sessions(old, session([acct("acme.com", "Acme", PROSPECT, CUSTOMER)])).accounts[0]
    assert a.movement == "their win: now their customer"


def _demo_lists():
    from acctmap_tui.core import ingest
    from acctmap_tui.core.model import OURS, PARTNER

    o, t = ingest.demo_paths()
    return ingest.read_list(o, OURS, "Northwind"), ingest.read_list(t, PARTNER, "Globex")


def test_status_words_mapped_last_quarter_are_mapped_on_the_new_lists():
    from acctmap_tui.core.model import OURS
    from acctmap_tui.core.pipeline import new_session
    from acctmap_tui.core.workbench import Workbench

    built = new_session(*_demo_lists())
    wb = Workbench(built.session, built.ours, built.theirs)
    side, word, count = wb.unknown_status_words()[0]
    assert count > 0
    wb.map_status(side, word, PROSPECT)

    again = new_session(*_demo_lists(), prior=wb.session)
    lst = again.ours if side == OURS else again.theirs
    same_word = [r for r in lst.records if r.raw_status.strip().casefold() == word.casefold()]
    assert same_word and all(r.status == PROSPECT for r in same_word)
    assert again.session.source(side).status_map == {word: PROSPECT}
    fresh = Workbench(again.session, again.ours, again.theirs)
    assert (side, word) not in {(s, w) for s, w, _ in fresh.unknown_status_words()}


def test_a_mapped_status_word_leaves_the_problems_list():
    from acctmap_tui.core.pipeline import new_session
    from acctmap_tui.core.workbench import Workbench

    built = new_session(*_demo_lists())
    wb = Workbench(built.session, built.ours, built.theirs)
    side, word, _ = wb.unknown_status_words()[0]
    source = wb.session.source(side)
    asked = [p for p in source.open_problems() if f"unknown status {word!r}" in p]
    assert asked
    wb.map_status(side, word, PROSPECT)
    assert not [p for p in source.open_problems() if f"unknown status {word!r}" in p]
    assert len(source.open_problems()) == len(source.problems) - len(asked)



def test_the_count_of_words_past_the_first_ten_stays_while_any_of_them_is_unknown():
    from acctmap_tui.core.model import OURS, Source

    named = "n.csv: column 'Stage': unknown status 'Stage 01' (2 rows: 2, 3): map it in the app"
    more = ("n.csv: column 'Stage': 3 more unknown status words (3 rows: 12, 13, 14): map them in "
            "the app (m on the ICP screen), or check that this column holds the account's status")
    source = Source(OURS, "Northwind", "n.csv", problems=[named, more], status_map={"Stage 01": PROSPECT})
    assert source.open_problems() == [more]  # the list is not at hand: its words are not known
    assert source.open_problems({"Stage 13"}) == [more]
    assert source.open_problems({"stage 01 "}) == []  # only a word named one by one is left
    assert source.open_problems(set()) == []


def _planned_session():
    from acctmap_tui.core.model import ACTION_DONE
    from acctmap_tui.core.score import rescore

    accounts = [acct(f"firm{i}.com", f"Firm {i}", PROSPECT, CUSTOMER) for i in range(20)]
    for i, a in enumerate(accounts[:4]):
        a.scores = {"relationship": 1 + i % 3}
    accounts[10].owner = "Dana"  # planned without a score
    accounts[11].next_action, accounts[11].action_status = "Intro call", ACTION_DONE
    s = session(accounts)
    rescore(s)
    return s


def test_a_top_list_is_not_padded_with_unplanned_accounts():
    from acctmap_tui.core import export

    rows = export.action_rows(_planned_session(), top=15)
    assert len(rows) == 6
    assert {r["account"] for r in rows[4:]} == {"Firm 10", "Firm 11"}
    assert len(export.action_rows(_planned_session())) == 20  # no top: the whole overlap


def test_the_action_status_is_exported_where_it_is_shared():
    from acctmap_tui.core import export

    s = _planned_session()
    for safe in (False, True):
        row = next(r for r in export.action_rows(s, shareable_only=safe) if r["account"] == "Firm 11")
        assert row["action status"] == "done"


def test_company_names_from_file_names_leave_out_crm_export_and_date_words():
    from acctmap_tui.core.ingest import company_from_path

    assert company_from_path("exports/northwind_salesforce.csv") == "Northwind"
    assert company_from_path("Globex HubSpot export 2026-Q4.xlsx") == "Globex"
    assert company_from_path("nc_hashed.csv") == "Nc"
    assert company_from_path("acme-corp_accounts_fy26.csv") == "Acme Corp"
    assert company_from_path("salesforce.csv") == "Salesforce"  # nothing else to go by


def test_next_quarter_takes_the_company_names_from_the_prior_session(tmp_path):
    import shutil

    from acctmap_tui.core import ingest
    from acctmap_tui.core.model import OURS, PARTNER
    from acctmap_tui.core.pipeline import new_session

    prior = new_session(*_demo_lists()).session
    prior.ours, prior.partner = "Northwind Traders", "Globex Corporation"
    o, t = ingest.demo_paths()
    o2, t2 = tmp_path / "nw_2027_q1_export.csv", tmp_path / "gx_hubspot_q1.csv"
    shutil.copy(o, o2), shutil.copy(t, t2)
    again = new_session(ingest.read_list(o2, OURS), ingest.read_list(t2, PARTNER), prior=prior)
    assert (again.session.ours, again.session.partner) == ("Northwind Traders", "Globex Corporation")
    named = new_session(ingest.read_list(o2, OURS, "NW"), ingest.read_list(t2, PARTNER), prior=prior)
    assert named.session.ours == "NW"  # a name the user gave wins


def test_the_overlap_matrix_and_the_category_counts_agree_after_an_override():
    from acctmap_tui.core.categorize import MATRIX_CELL, overlap_figures
    from acctmap_tui.core.model import MUTUAL_PROSPECT

    accounts = [acct(f"f{i}.com", f"F{i}", PROSPECT, PROSPECT) for i in range(5)]
    accounts[0].category, accounts[0].category_manual = THEIRS_CUSTOMER.key, True
    fig = overlap_figures(session(accounts))
    assert fig.per_category[THEIRS_CUSTOMER.key] == fig.matrix[MATRIX_CELL[THEIRS_CUSTOMER.key]] == 1
    assert fig.per_category[MUTUAL_PROSPECT.key] == fig.matrix[MATRIX_CELL[MUTUAL_PROSPECT.key]] == 4
