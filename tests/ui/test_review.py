"""Review & categorize: the queue, the diff pane, and each decision a user makes on the call."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console
from textual.widgets import DataTable, OptionList, Static, Tabs

from acctmap_tui.app import AcctmapApp
from acctmap_tui.core.categorize import apply_categories
from acctmap_tui.core.model import (
    ACCEPTED, MANUAL, MUTUAL_PROSPECT, OURS, PROSPECT, REJECTED, REVIEW, SHARED_CUSTOMER,
    Account, FieldInfo, MatchInfo, Record,
)
from acctmap_tui.core.normalize import name_key
from acctmap_tui.core.workbench import Workbench
from acctmap_tui.screens import review as review_screen
from acctmap_tui.screens.review_pair import NOT_LOADED, PairDialog
from acctmap_tui.widgets.diff_pane import (
    best_first, char_diff, concept_of, field_rows,
)
from tests.ui.factory import burst, run_command, small_workbench


def other_candidates(session, account):
    """The other candidates of `account` found by going through every pair: what the
    workbench's index must give."""
    return best_first(account, [a for a in session.accounts
                                if a.ours.key == account.ours.key or a.theirs.key == account.theirs.key])


def review_app(wb: Workbench | None = None, sessions: Path = Path("sessions")) -> AcctmapApp:
    """The app opened on the review phase (flows pass a temp folder: the app autosaves there)."""
    wb = wb or small_workbench()
    wb.session.agenda.current = "review"
    return AcctmapApp(wb, sessions)


def rows(app: AcctmapApp) -> list[list[str]]:
    table = app.screen.query_one("#review-table", DataTable)
    return [[cell.plain.strip() for cell in table.get_row_at(i)] for i in range(table.row_count)]


def cursor_row(app: AcctmapApp) -> list[str]:
    table = app.screen.query_one("#review-table", DataTable)
    return [cell.plain.strip() for cell in table.get_row_at(table.cursor_row)]


def shown_text(app: AcctmapApp, selector: str) -> str:
    """The plain text a Static of the active screen shows."""
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(app.screen.query_one(selector, Static).content)
    return " ".join(console.export_text().split())


def status(app: AcctmapApp) -> str:
    return shown_text(app, "#review-status").strip()


def tab_labels(app: AcctmapApp) -> list[str]:
    tabs = app.screen.query_one("#review-tabs", Tabs)
    return [tab.label.plain for tab in tabs.query("Tab")]


def pair_of(wb: Workbench, our_name: str) -> Account:
    return next(a for a in wb.session.accounts if a.ours.name == our_name)


async def select(pilot, name: str) -> None:
    """Move the cursor down the current view to the row of our account `name`."""
    for _ in range(20):
        if cursor_row(pilot.app)[1] == name:
            return
        await pilot.press("j")
    raise AssertionError(f"{name} not in the view")


def with_rival_candidates(wb: Workbench) -> tuple[Account, Account]:
    """Two more candidates for our Lumen Learning Labs (both on the partner side), in review."""
    lumen = pair_of(wb, "Lumen Learning Labs")
    made = []
    for name, domain, score in (("Lumen Labs Group", "lumen-labs.co", 84.0),
                                ("Lumen Learning Labs Ltd", "lumenlearninglabs.net", 82.0)):
        rec = Record(name=name, domain=domain, status=PROSPECT, raw_status=PROSPECT, owner="Tom Becker",
                     raw_domain=domain, name_key=name_key(name), extra={"Country/Region": "Canada"})
        wb.theirs.records.append(rec)
        # each side has its own domain, as for the first Lumen pair: the same doubts, so the
        # queue orders the three by score
        acc = Account(lumen.ours, rec, MatchInfo("name", score, REVIEW,
                                                 ["different-domains", "close-candidates"]))
        wb.session.accounts.append(acc)
        made.append(acc)
    apply_categories(wb.session)
    return made[0], made[1]


def rivals_on_review(sessions_dir: Path) -> tuple[Workbench, AcctmapApp]:
    """The small workbench with two more Lumen candidates, and an app open on its review."""
    wb = small_workbench()
    with_rival_candidates(wb)
    return wb, review_app(wb, sessions_dir)


# --- the diff pane's pure parts ----------------------------------------------------------------


def test_extra_columns_with_the_same_meaning_share_one_row():
    wb = small_workbench()
    kestrel = pair_of(wb, "Kestrel Foods")
    assert concept_of("Billing Country") == concept_of("Country/Region") == "country"
    rows_, hidden = field_rows(kestrel, wb.session, privacy=False)
    by_label = {r.label: r for r in rows_}
    assert (by_label["country"].ours, by_label["country"].theirs) == ("US", "United States")
    assert not by_label["country"].same and by_label["status"].same
    assert hidden == 0
    assert "Billing Country" not in by_label and "Country/Region" not in by_label
    kestrel.ours.extra["Vertical"] = "Food & beverage"  # a column only our list has
    industry = next(r for r in field_rows(kestrel, wb.session, privacy=False)[0]
                    if r.label == "industry")
    assert (industry.ours, industry.theirs, industry.theirs_private) == (
        "Food & beverage", None, False)


def test_privacy_hides_private_fields_in_the_diff():
    wb = small_workbench()
    kestrel = pair_of(wb, "Kestrel Foods")
    rows_, hidden = field_rows(kestrel, wb.session, privacy=True)
    labels = {r.label for r in rows_}
    assert {"name", "domain", "status"} <= labels
    assert "owner" not in labels and "country" not in labels
    assert "as written" not in labels  # the raw cell is private even with the domain shared
    assert hidden == 6  # owner, country and the raw website cell, on both sides
    kestrel.ours.extra["Industry"] = "Food"  # shared on our side, private (no entry) on theirs
    kestrel.theirs.extra["Industry"] = "Food"
    wb.session.fields.append(FieldInfo(OURS, "Industry", "Industry", shareable=True))
    industry = next(r for r in field_rows(kestrel, wb.session, privacy=True)[0]
                    if r.label == "industry")
    assert (industry.ours, industry.ours_private) == ("Food", False)
    assert (industry.theirs, industry.theirs_private) == (None, True)


def test_char_diff_marks_only_what_changed():
    ours, theirs = char_diff("kestrelfoods.com", "kestrel-foods.com")
    marked = [theirs.plain[s.start:s.end] for s in theirs.spans]
    assert marked == ["-"] and not ours.spans
    assert ours.plain == "kestrelfoods.com" and theirs.plain == "kestrel-foods.com"


def test_the_workbench_index_gives_the_rivals_a_scan_gives_as_pairs_are_made_and_undone():
    wb = small_workbench()
    with_rival_candidates(wb)

    def same_as_a_scan() -> None:
        for account in wb.session.accounts:
            assert best_first(account, wb.pairs_sharing(account)) == other_candidates(wb.session, account)
        assert wb.pairs_indexed

    def same_without_indexing() -> None:  # one pass over the pairs, the same rivals
        for account in wb.session.accounts:
            assert best_first(account, wb.pairs_sharing(account, index=False)) == other_candidates(wb.session, account)
        assert not wb.pairs_indexed

    same_without_indexing()
    same_as_a_scan()
    lumen = pair_of(wb, "Lumen Learning Labs")
    assert [a.theirs.name for a in best_first(lumen, wb.pairs_sharing(lumen))] == [
        "Lumen Labs Group", "Lumen Learning Labs Ltd"]
    northstar = next(r for r in wb.ours.records if r.name == "Northstar Media")
    orbital = next(r for r in wb.theirs.records if r.name == "Orbital Freight")
    made = wb.pair(lumen.ours, orbital)  # a new pair at the end of the list
    assert wb.pairs_indexed  # indexed as it was added
    same_as_a_scan()
    assert made in wb.pairs_sharing(lumen)
    wb.undo()  # the pair is cut from the list again
    assert not wb.pairs_indexed  # made again when next asked
    same_as_a_scan()
    assert made not in wb.pairs_sharing(lumen)
    wb.pair(northstar, orbital)  # cut and added: same length, another pair at the end
    same_as_a_scan()
    wb.pair(lumen.ours, orbital)  # a second pair holding their Orbital Freight
    wb.pair(northstar, next(r for r in wb.theirs.records if r is not orbital))
    wb.undo()  # not indexed again, with two pairs holding one of their records
    same_without_indexing()


# --- snapshots -----------------------------------------------------------------------------


def test_snapshot_conflict_selected(snap_compare):
    async def select_kestrel(pilot):
        await pilot.pause()
        await pilot.press("j")
        await pilot.pause()

    assert snap_compare(review_app(), terminal_size=(120, 40), run_before=select_kestrel)


def test_snapshot_manual_pair_dialog(snap_compare):
    async def open_pair(pilot):
        await pilot.pause()
        await pilot.press("j", "m")
        await pilot.pause()
        await pilot.press(*"kes")
        await pilot.pause()

    assert snap_compare(review_app(), terminal_size=(120, 40), run_before=open_pair)


def test_snapshot_narrow(snap_compare):
    async def select_kestrel(pilot):
        await pilot.pause()
        await pilot.press("j")
        await pilot.pause()

    assert snap_compare(review_app(), terminal_size=(100, 30), run_before=select_kestrel)


# --- flows ---------------------------------------------------------------------------------


async def test_queue_first_by_score_with_words_for_decisions(sessions_dir):
    app = review_app(None, sessions_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert [r[1] for r in rows(app)] == ["Martin & Co", "Kestrel Foods", "Lumen Learning Labs"]
        assert all(r[0] == "? review" for r in rows(app))
        assert tab_labels(app) == ["Queue (3)", "Overlap (10)", "Rejected (0)"]
        await pilot.press("j")
        await pilot.pause()
        pane = shown_text(app, "#diff-fields") + shown_text(app, "#diff-match")
        assert "kestrel-foods.com" in pane and "≠" in pane and "=" in pane
        assert "different-domains" in pane and "two companies unless you say so" in pane
        await pilot.press("v")
        await pilot.pause()
        overlap = rows(app)
        assert len(overlap) == 10 and {r[0] for r in overlap} == {"✓ auto"}
        assert {r[5] for r in overlap} == {"SHARED", "VOUCH", "INTRO", "JOINT"}


async def test_accept_moves_the_pair_to_the_overlap(sessions_dir):
    wb = small_workbench()
    app = review_app(wb, sessions_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await select(pilot, "Kestrel Foods")
        await pilot.press("a")
        await pilot.pause()
        assert pair_of(wb, "Kestrel Foods").match.decision == ACCEPTED
        assert [r[1] for r in rows(app)] == ["Martin & Co", "Lumen Learning Labs"]
        assert cursor_row(app)[1] == "Lumen Learning Labs"  # on to the next in the queue
        assert tab_labels(app)[:2] == ["Queue (2)", "Overlap (11)"]
        await pilot.press("v")
        await pilot.pause()
        kestrel = next(r for r in rows(app) if r[1] == "Kestrel Foods")
        assert kestrel[0] == "✓ accepted" and kestrel[5] == "SHARED"


async def test_reject_leaves_the_queue_and_shows_in_rejected(sessions_dir):
    wb = small_workbench()
    app = review_app(wb, sessions_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        assert pair_of(wb, "Martin & Co").match.decision == REJECTED
        assert cursor_row(app)[1] == "Kestrel Foods"
        assert status(app).startswith("2 to review")
        await pilot.press("v", "v")
        await pilot.pause()
        assert rows(app) == [["✗ rejected", "Martin & Co", "Martin & Co", "name", "100", "INTRO"]]


async def test_take_another_candidate(sessions_dir):
    wb = small_workbench()
    best, second = with_rival_candidates(wb)
    app = review_app(wb, sessions_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await select(pilot, "Lumen Learning Labs")
        assert cursor_row(app)[2] == "Lumen Learning"
        candidates = shown_text(app, "#diff-candidates")
        assert "Lumen Labs Group" in candidates and "Lumen Learning Labs Ltd" in candidates
        await pilot.press("right_square_bracket", "c")  # mark the second candidate, take it
        await pilot.pause()
        assert second.match.decision == ACCEPTED
        assert pair_of(wb, "Lumen Learning Labs").match.decision == REJECTED
        assert best.match.decision == REJECTED
        assert "Lumen Learning Labs" not in [r[1] for r in rows(app)]


@pytest.mark.parametrize("typed", ["orbital", "orbitl freigt inc"])  # a misspelling: fuzzy hits
async def test_manual_pair_by_typing_a_search(sessions_dir, typed):
    wb = small_workbench()
    app = review_app(wb, sessions_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await select(pilot, "Lumen Learning Labs")
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, PairDialog)
        await pilot.press(*typed)
        await pilot.pause()
        results = app.screen.query_one("#pair-results", OptionList)
        first = results.get_option_at_index(0)
        assert "Orbital Freight" in str(first.prompt)
        if " " in typed:  # a fuzzy hit shows the matcher's score
            assert "· score" in str(first.prompt)
        await pilot.press("enter")
        await pilot.pause()
        made = wb.session.accounts[-1]
        assert (made.ours.name, made.theirs.name, made.match.method) == (
            "Lumen Learning Labs", "Orbital Freight", MANUAL)
        assert made.in_overlap and made.category == "their-customer-our-prospect"
        assert pair_of(wb, "Lumen Learning Labs").match.decision == REJECTED
        assert tab_labels(app)[:2] == ["Queue (2)", "Overlap (11)"]


async def pair_by_hand(pilot, name: str) -> PairDialog:
    """The pair-by-hand dialog (`m`) open on our account `name` of the queue."""
    await pilot.pause()
    await select(pilot, name)
    await pilot.press("m")
    await pilot.pause()
    assert isinstance(pilot.app.screen, PairDialog)
    return pilot.app.screen


async def test_manual_pair_takes_the_result_chosen_with_down(sessions_dir):
    wb = small_workbench()
    app = review_app(wb, sessions_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pair_by_hand(pilot, "Lumen Learning Labs")
        await pilot.press("o", "down")
        await pilot.pause()
        results = app.screen.query_one("#pair-results", OptionList)
        chosen = str(results.get_option_at_index(1).prompt).split("  ")[0]
        assert results.highlighted == 1 and chosen != "Orbital Freight"
        await pilot.press("enter")
        await pilot.pause()
        made = wb.session.accounts[-1]
        assert (made.ours.name, made.theirs.name, made.match.method) == ("Lumen Learning Labs", chosen, MANUAL)


async def test_manual_pair_can_search_our_list_instead(sessions_dir):
    wb = small_workbench()
    app = review_app(wb, sessions_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await select(pilot, "Kestrel Foods")
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("ctrl+t", *"northstar", "enter")
        await pilot.pause()
        made = wb.session.accounts[-1]
        assert (made.ours.name, made.theirs.name) == ("Northstar Media", "Kestrel Foods Group")


async def test_manual_pair_without_the_lists_says_why(sessions_dir):
    wb = small_workbench()
    wb.ours = wb.theirs = None
    app = review_app(wb, sessions_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, PairDialog)
        assert NOT_LOADED in str(app.screen.query_one("#pair-not-loaded").render())
        await pilot.press("escape")
        await pilot.pause()
        assert len(wb.session.accounts) == 13


async def test_override_category_then_undo(sessions_dir):
    wb = small_workbench()
    app = review_app(wb, sessions_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await select(pilot, "Kestrel Foods")
        assert cursor_row(app)[5] == "SHARED"
        await pilot.press("g")
        await pilot.pause()
        await pilot.press("4")
        await pilot.pause()
        kestrel = pair_of(wb, "Kestrel Foods")
        assert (kestrel.category, kestrel.category_manual) == (MUTUAL_PROSPECT.key, True)
        assert cursor_row(app)[5] == "JOINT"
        assert "set by hand" in shown_text(app, "#diff-match")
        await pilot.press("u")
        await pilot.pause()
        assert (kestrel.category, kestrel.category_manual) == (SHARED_CUSTOMER.key, False)
        assert cursor_row(app)[5] == "SHARED"


async def test_empty_queue_says_so_and_undo_brings_pairs_back(sessions_dir):
    wb = small_workbench()
    app = review_app(wb, sessions_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("a", "a", "a")
        await pilot.pause()
        assert rows(app) == []
        assert status(app) == "Review queue empty — 13 accounts in the overlap"
        assert "Review queue empty" in shown_text(app, "#diff-fields")
        await pilot.press("u")
        await pilot.pause()
        assert pair_of(wb, "Lumen Learning Labs").match.decision == REVIEW
        assert [r[1] for r in rows(app)] == ["Lumen Learning Labs"]
        assert tab_labels(app)[:2] == ["Queue (1)", "Overlap (12)"]


async def test_pair_two_unmatched_accounts_with_nothing_selected(sessions_dir):
    wb = small_workbench()
    app = review_app(wb, sessions_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"no such company", "enter")
        await pilot.pause()
        assert rows(app) == []
        await pilot.press("m")  # no pair selected: pick ours first, then theirs
        await pilot.pause()
        await pilot.press(*"northstar", "enter")
        await pilot.pause()
        await pilot.press(*"orbital", "enter")
        await pilot.pause()
        made = wb.session.accounts[-1]
        assert (made.ours.name, made.theirs.name, made.match.decision) == (
            "Northstar Media", "Orbital Freight", ACCEPTED)


async def test_privacy_hides_private_fields_in_the_pane(sessions_dir):
    app = review_app(None, sessions_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await select(pilot, "Kestrel Foods")
        assert "Dana Reyes" in shown_text(app, "#diff-fields")
        await pilot.press("p")
        await pilot.pause()
        fields = shown_text(app, "#diff-fields")
        assert "Dana Reyes" not in fields and "United States" not in fields
        assert "kestrel-foods.com" in fields


async def test_a_review_pair_holding_last_sessions_plan_says_accepting_keeps_it(sessions_dir):
    """Next quarter, carry-forward gives last quarter's plan to the same account whose partner
    domain changed (Kestrel, waiting in review): the pane says accepting keeps it, naming the
    owner and next action the view may show."""
    wb = small_workbench()
    kestrel = pair_of(wb, "Kestrel Foods")
    kestrel.carried, kestrel.owner, kestrel.next_action = True, "Omar MKOWN", "Joint webinar"
    wb.session.fields = [f for f in wb.session.fields if (f.side, f.name) != ("session", "owner")]
    wb.session.fields.append(FieldInfo("session", "owner", "", False))  # kept private
    app = review_app(wb, sessions_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await select(pilot, "Kestrel Foods")
        assert ("Last session's plan goes with this pair if you accept it: owner Omar MKOWN · "
                "next action Joint webinar") in shown_text(app, "#diff-fields")
        await pilot.press("p")
        await pilot.pause()
        fields = shown_text(app, "#diff-fields")
        assert "MKOWN" not in fields
        assert "if you accept it: next action Joint webinar" in fields
        await pilot.press("k")  # Martin & Co: a pair with no plan of last session's
        await pilot.pause()
        assert cursor_row(app)[1] == "Martin & Co"
        assert "Last session's plan" not in shown_text(app, "#diff-fields")


async def test_big_views_show_a_window_and_the_filter_finds_the_rest(
    monkeypatch: pytest.MonkeyPatch, sessions_dir
):
    monkeypatch.setattr(review_screen, "MAX_ROWS", 4)
    app = review_app(None, sessions_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("v")
        await pilot.pause()
        assert len(rows(app)) == 4
        assert "first 4 of" in status(app)
        await pilot.press("slash", *"fjord", "enter")
        await pilot.pause()
        assert [r[1] for r in rows(app)] == ["Fjord Systems AS"]
        assert isinstance(app.focused, DataTable)  # enter goes back to the list


async def test_command_palette_reaches_review_actions(sessions_dir):
    wb = small_workbench()
    app = review_app(wb, sessions_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await run_command(pilot, "Review: reject pair")
        assert pair_of(wb, "Martin & Co").match.decision == REJECTED


async def test_a_decision_brings_the_next_pair_into_a_full_window(
    monkeypatch: pytest.MonkeyPatch, sessions_dir
):
    monkeypatch.setattr(review_screen, "MAX_ROWS", 2)
    app = review_app(None, sessions_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert [r[1] for r in rows(app)] == ["Martin & Co", "Kestrel Foods"]
        assert "first 2 of" in status(app)
        await pilot.press("r")
        await pilot.pause()
        assert [r[1] for r in rows(app)] == ["Kestrel Foods", "Lumen Learning Labs"]
        assert cursor_row(app)[1] == "Kestrel Foods"
        assert "shown: / finds the rest" not in status(app)
        await pilot.press("u")  # Martin & Co comes back at the top, Lumen leaves the window
        await pilot.pause()
        assert [r[1] for r in rows(app)] == ["Martin & Co", "Kestrel Foods"]
        assert cursor_row(app)[1] == "Martin & Co"  # the cursor goes back to the pair undone


async def test_pane_shows_the_current_pair_after_moving_back_and_after_a_change(sessions_dir):
    wb = small_workbench()
    app = review_app(wb, sessions_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("j", "j", "k")  # Kestrel, Lumen, back to Kestrel
        await pilot.pause()
        assert "Kestrel Foods Group" in shown_text(app, "#diff-fields")
        assert "from statuses" in shown_text(app, "#diff-match")
        await pilot.press("g")
        await pilot.pause()
        await pilot.press("4")  # JOINT by hand
        await pilot.pause()
        await pilot.press("j", "k")
        await pilot.pause()
        assert "Kestrel Foods Group" in shown_text(app, "#diff-fields")
        assert "JOINT Mutual prospect (set by hand)" in shown_text(app, "#diff-match")


async def test_clicking_a_row_selects_it_after_rows_moved_up(sessions_dir):
    wb = small_workbench()
    with_rival_candidates(wb)  # five in the queue
    app = review_app(wb, sessions_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert [r[1] for r in rows(app)][:2] == ["Martin & Co", "Kestrel Foods"]
        await pilot.press("r", "r")  # the three Lumen candidates move up two rows
        await pilot.pause()
        assert [r[2] for r in rows(app)] == [
            "Lumen Learning", "Lumen Labs Group", "Lumen Learning Labs Ltd"]
        await pilot.click("#review-table", offset=(20, 2))  # header line, then the second row
        await pilot.pause()
        assert cursor_row(app)[2] == "Lumen Labs Group"
        assert "Lumen Labs Group" in shown_text(app, "#diff-fields")


def test_queue_puts_likely_pairs_before_doubtful_ones_of_higher_score():
    wb = small_workbench()
    martin = pair_of(wb, "Martin & Co")  # score 100, but each side has its own domain
    kestrel = pair_of(wb, "Kestrel Foods")
    kestrel.match.flags = []  # score 88 and nothing against it
    # one name on two domains and nothing else against it is likely one firm: first (issue 12)
    queue = review_screen.view_accounts(wb.session.accounts, review_screen.QUEUE)
    assert martin.match.flags == ["different-domains"] and queue.index(martin) < queue.index(kestrel)
    martin.match.flags = ["different-domains", "close-candidates"]  # a doubt beyond the domains
    queue = review_screen.view_accounts(wb.session.accounts, review_screen.QUEUE)
    assert queue.index(kestrel) < queue.index(martin)
    martin.match.flags = []
    queue = review_screen.view_accounts(wb.session.accounts, review_screen.QUEUE)
    assert queue.index(martin) < queue.index(kestrel)  # equal doubts: the higher score first


def test_a_view_filtered_from_its_kept_order_is_the_view_sorted_anew():
    """The screen keeps each view's order of every pair and filters it on each change: the same
    rows, in the same order (ties in the session's order), as filtering and sorting anew."""
    wb = small_workbench()
    with_rival_candidates(wb)  # three Lumen pairs: equal names in the queue
    accounts = wb.session.accounts
    orders = {view: review_screen.view_order(accounts, view) for view in review_screen.VIEWS}

    def same(text: str = "") -> None:
        for view in review_screen.VIEWS:
            assert (review_screen.view_accounts(accounts, view, text, orders[view])
                    == review_screen.view_accounts(accounts, view, text)), view

    same()
    wb.accept(pair_of(wb, "Lumen Learning Labs"))  # its rivals rejected
    wb.reject(pair_of(wb, "Kestrel Foods"))
    same()
    same("lumen")
    wb.undo()
    same()
    assert wb.pairs_version == 0  # deciding moved no pair: the orders still hold


async def test_the_queue_keeps_its_order_after_its_first_rows_and_shows_the_same_rows(sessions_dir):
    """The queue's order of every pair is made after the frame that follows the first rows (not
    before them: it would hold the first frame back), then filtered on each decision."""
    wb, app = rivals_on_review(sessions_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, review_screen.ReviewScreen)
        assert screen._orders == {}  # the first rows: sorted as they were shown
        await pilot.press("r")
        await pilot.pause()
        await pilot.pause()
        assert review_screen.QUEUE in screen._orders
        for key in ("a", "r", "u", "a", "u", "u", "j", "r", "a", "u"):
            await pilot.press(key)
            await pilot.pause()
            expected = [a.pair_id for a in review_screen.view_accounts(wb.session.accounts,
                                                                       review_screen.QUEUE)]
            assert screen._row_keys == expected[:review_screen.MAX_ROWS], key
            status = str(screen.query_one("#review-status").content)
            assert (f"{len(expected):,} to review" if expected else "Review queue empty") in status
        assert screen._members[review_screen.QUEUE][1] == wb.revision  # moved, not filtered anew


async def test_the_pairs_are_indexed_after_the_first_frame_with_the_same_rivals(sessions_dir):
    """The first pair's rivals are found by one pass (indexing a big session first would hold
    the screen's first frame back); the next pair looked at has the index built after its
    frame. Both ways give the same rivals."""
    wb, app = rivals_on_review(sessions_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, review_screen.ReviewScreen)
        accounts = wb.session.accounts
        assert not wb.pairs_indexed  # the first frame: no index yet
        await select(pilot, "Lumen Learning Labs")
        await pilot.pause()
        assert wb.pairs_indexed
        candidates = shown_text(app, "#diff-candidates")
        assert "Lumen Labs Group" in candidates and "Lumen Learning Labs Ltd" in candidates
        for account in accounts:
            assert best_first(account, wb.pairs_sharing(account)) == other_candidates(wb.session, account)


# --- keys faster than the screen ---------------------------------------------------------------


async def test_keys_typed_fast_decide_one_pair_each(sessions_dir):
    wb = small_workbench()
    app = review_app(wb, sessions_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert [r[1] for r in rows(app)] == ["Martin & Co", "Kestrel Foods", "Lumen Learning Labs"]
        burst(app, "r", "r", "a")
        await pilot.pause()
        await pilot.pause()
        assert pair_of(wb, "Martin & Co").match.decision == REJECTED
        assert pair_of(wb, "Kestrel Foods").match.decision == REJECTED
        assert pair_of(wb, "Lumen Learning Labs").match.decision == ACCEPTED
        assert rows(app) == [] and status(app).startswith("Review queue empty")


async def test_a_fast_second_accept_never_takes_a_rival_the_first_one_rejected(sessions_dir):
    wb, app = rivals_on_review(sessions_dir)
    lumen = pair_of(wb, "Lumen Learning Labs")
    rivals = [a for a in wb.session.accounts if a.ours is lumen.ours and a is not lumen]
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await select(pilot, "Lumen Learning Labs")
        queue = [r[2] for r in rows(app)]
        assert queue.index("Lumen Learning") < max(queue.index(r.theirs.name) for r in rivals)
        burst(app, "a", "a")
        await pilot.pause()
        await pilot.pause()
        assert lumen.match.decision == ACCEPTED
        assert all(r.match.decision == REJECTED for r in rivals)


async def test_a_key_typed_fast_after_v_acts_on_the_view_switched_to(sessions_dir):
    """`v r` in one burst: the view switches at `v`, so `r` rejects the first pair of the view
    now shown, not the queue's pair under the cursor a moment before (that pair is off screen)."""
    wb = small_workbench()
    app = review_app(wb, sessions_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        queue_first = pair_of(wb, rows(app)[0][1])
        burst(app, "v", "r")
        await pilot.pause()
        await pilot.pause()
        assert queue_first.match.decision == REVIEW
        assert app.screen.view == "overlap"
        rejected = [a for a in wb.session.accounts if a.match.decision == REJECTED]
        assert len(rejected) == 1 and rejected[0] is not queue_first


async def test_undoing_a_pair_made_by_hand_puts_the_cursor_back_on_the_pair_it_replaced(sessions_dir):
    """After ctrl+z the next `a`/`r` must act on the pair the cursor was on when `m` was
    pressed (the pair made by hand is gone; its rival is back in the queue)."""
    wb = small_workbench()
    app = review_app(wb, sessions_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pair_by_hand(pilot, "Lumen Learning Labs")
        await pilot.press(*"orbital", "enter")
        await pilot.pause()
        assert wb.session.accounts[-1].match.method == MANUAL
        await pilot.press("ctrl+z")
        await pilot.pause()
        await pilot.pause()
        assert cursor_row(app)[1] == "Lumen Learning Labs"
        assert pair_of(wb, "Lumen Learning Labs").match.decision == REVIEW


async def test_taking_a_candidate_already_in_the_overlap_changes_nothing(sessions_dir):
    """`c` on a candidate that is already accepted says so; it used to accept it again, move the
    cursor on and leave an undo step that undid nothing."""
    wb, app = rivals_on_review(sessions_dir)
    lumen = pair_of(wb, "Lumen Learning Labs")
    rival = next(a for a in wb.session.accounts if a.ours is lumen.ours and a is not lumen)
    wb.accept(rival)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("v", "v")  # rejected: Lumen's own pair, which the accept turned down
        await pilot.pause()
        await select(pilot, "Lumen Learning Labs")
        for _ in range(app.screen._alternatives.index(rival)):  # ] marks the next candidate
            await pilot.press("bracketright")
        revision, row = wb.revision, app.screen.table.cursor_row
        await pilot.press("c")
        await pilot.pause()
        assert wb.revision == revision and app.screen.table.cursor_row == row
        assert rival.match.decision == ACCEPTED


async def test_an_undo_on_another_phase_puts_the_review_cursor_on_the_pair_it_restored(sessions_dir):
    """`a` on Review, `4`, ctrl+z, `2`: the next `a`/`r` must act on the pair the undo put back,
    as after an undo on Review itself (the cursor stayed on the pair after it)."""
    wb = small_workbench()
    app = review_app(wb, sessions_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        first = rows(app)[0][1]
        await pilot.press("a")
        await pilot.pause()
        assert cursor_row(app)[1] != first
        await pilot.press("4")
        await pilot.pause()
        await pilot.press("ctrl+z")
        await pilot.pause()
        await pilot.press("2")
        await pilot.pause()
        await pilot.pause()
        assert pair_of(wb, first).match.decision == REVIEW
        assert cursor_row(app)[1] == first
