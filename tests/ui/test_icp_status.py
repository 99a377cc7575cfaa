"""Mapping unknown status words from the ICP screen: the `m` dialog, the figures, undo."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from pathlib import Path

from rich.console import Console
from textual.widgets import OptionList, Static

from acctmap_tui.app import AcctmapApp
from acctmap_tui.cli import demo_session
from acctmap_tui.core.categorize import apply_categories, categorize
from acctmap_tui.core.model import CUSTOMER, OURS, PARTNER, PROSPECT
from acctmap_tui.core.score import rescore
from acctmap_tui.core.start import demo_request, open_saved, open_workbench
from acctmap_tui.core.workbench import Workbench
from acctmap_tui.screens.icp import IcpScreen
from acctmap_tui.screens.icp_status import StatusMapDialog
from tests.ui.factory import burst, small_workbench

SIZE = (120, 40)
PARTNER_WORD = "Partner"  # on two of Globex's records in the overlap (ACME, Cobalt)
OUR_WORD = "Other"  # on one of Northwind's records in the overlap (Deltaworks)


def workbench_with_unknown_words() -> Workbench:
    """The small workbench where a few status words were not understood (so no category)."""
    wb = small_workbench()
    for index in (0, 2):
        rec = wb.theirs.records[index]
        rec.status, rec.raw_status = None, PARTNER_WORD
    rec = wb.ours.records[3]
    rec.status, rec.raw_status = None, OUR_WORD
    apply_categories(wb.session)
    rescore(wb.session)
    return wb


def unknown_row(app: AcctmapApp) -> str | None:
    """The '?' line of the ICP categories panel as shown, or None when it is not there."""
    icp = next(s for s in app.screen_stack if isinstance(s, IcpScreen))
    widget = icp.query_one("#icp-categories-table", Static)
    console = Console(width=widget.content_region.width or 100, file=io.StringIO(), record=True)
    console.print(widget.content)
    return next((line for line in console.export_text().splitlines() if line.strip().startswith("?")),
                None)


def dialog_rows(app: AcctmapApp) -> list[str]:
    options = app.screen.query_one("#status-map-rows", OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


def row_for(app: AcctmapApp, text: str) -> str:
    return next(row for row in dialog_rows(app) if text in row)


# --- mapping from the dialog ----------------------------------------------------------------------


async def test_mapping_a_word_gives_its_accounts_a_category_and_undo_takes_it_back(tmp_path: Path) -> None:
    wb = workbench_with_unknown_words()
    partner_accounts = [a for a in wb.session.accounts if a.theirs.raw_status == PARTNER_WORD]
    unknown_before = sum(1 for a in wb.session.overlap() if a.category is None)
    app = AcctmapApp(wb, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        row = unknown_row(app)
        assert row is not None and str(unknown_before) in row.split()
        assert "press m to map the word" in row

        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, StatusMapDialog)
        partner_row = row_for(app, f"Globex: '{PARTNER_WORD}'")
        assert "2 accounts" in partner_row and "not mapped" in partner_row
        assert "1 account" in row_for(app, f"Northwind: '{OUR_WORD}'")

        await pilot.press("c")  # the most frequent word (Globex's) is highlighted first
        await pilot.pause()
        assert "= customer" in row_for(app, f"Globex: '{PARTNER_WORD}'")
        for account in partner_accounts:
            assert account.theirs.status == CUSTOMER
            expected = categorize(account.ours.status, CUSTOMER)
            assert expected is not None and account.category == expected.key
        # the ICP screen under the dialog already shows fewer accounts without a category
        row = unknown_row(app)
        assert row is not None and str(unknown_before - len(partner_accounts)) in row.split()

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, IcpScreen)
        assert wb.session.source(PARTNER).status_map == {PARTNER_WORD: CUSTOMER}  # kept in the session

        await pilot.press("ctrl+z")
        await pilot.pause()
        assert all(a.theirs.status is None and a.category is None for a in partner_accounts)
        assert wb.session.source(PARTNER).status_map == {}
        row = unknown_row(app)
        assert row is not None and str(unknown_before) in row.split()


async def test_keys_map_one_word_after_another_and_ctrl_z_works_in_the_dialog(tmp_path: Path) -> None:
    wb = workbench_with_unknown_words()
    app = AcctmapApp(wb, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("m", "c", "p")  # the cursor moves on to the next unmapped word
        await pilot.pause()
        assert "= prospect" in row_for(app, f"Northwind: '{OUR_WORD}'")
        assert wb.ours.records[3].status == PROSPECT
        assert unknown_row(app) is None  # every overlap account has a category now
        assert "Every status word is mapped" in str(app.screen.query_one("#status-map-intro", Static).content)

        await pilot.press("ctrl+z")
        await pilot.pause()
        assert isinstance(app.screen, StatusMapDialog)
        assert "not mapped" in row_for(app, f"Northwind: '{OUR_WORD}'")
        assert "= customer" in row_for(app, f"Globex: '{PARTNER_WORD}'")
        assert wb.ours.records[3].status is None

        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, IcpScreen)


async def test_the_footer_offers_m_only_while_words_are_unknown(tmp_path: Path) -> None:
    wb = workbench_with_unknown_words()
    app = AcctmapApp(wb, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        assert app.screen.active_bindings["m"].binding.show
        await pilot.press("m", "c", "c", "escape")
        await pilot.pause()
        assert isinstance(app.screen, IcpScreen)
        assert not app.screen.active_bindings["m"].binding.show

        # `m` still opens the dialog: it says nothing is unknown and lists the words to change them
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, StatusMapDialog)
        intro = str(app.screen.query_one("#status-map-intro", Static).content)
        assert "No unknown status words" in intro
        index = next(i for i, row in enumerate(dialog_rows(app)) if f"'{OUR_WORD}'" in row)
        await pilot.press(*["down"] * index, "x")  # change Northwind's 'Other' to churned
        await pilot.pause()
        assert wb.ours.records[3].status == "churned"
        assert "= churned" in row_for(app, f"Northwind: '{OUR_WORD}'")


async def test_dialog_says_so_when_no_word_is_unknown(tmp_path: Path) -> None:
    wb = small_workbench()
    app = AcctmapApp(wb, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, StatusMapDialog)
        assert "No unknown status words" in str(app.screen.query_one("#status-map-intro", Static).content)
        assert not app.screen.query_one("#status-map-rows", OptionList).display
        revision = wb.revision
        await pilot.press("c")  # nothing to map: nothing changes
        assert wb.revision == revision
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, IcpScreen)


def intro(app: AcctmapApp) -> str:
    return str(app.screen.query_one("#status-map-intro", Static).content)


async def test_share_safe_view_leaves_out_the_words_of_a_list_whose_status_is_private(
        tmp_path: Path) -> None:
    """Globex's Status private, share-safe view on: no row tells Globex's words, how many
    accounts have each or what they mean (its list's status mix); the dialog says why, and the
    keys map only Northwind's words (audit 10 F5: rows read '(word hidden) — 7 accounts = customer')."""
    wb = workbench_with_unknown_words()
    wb.map_status(PARTNER, PARTNER_WORD, CUSTOMER)  # mapped before p: its meaning is private too
    wb.set_shareable(PARTNER, "status", False)
    app = AcctmapApp(wb, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p", "m")
        await pilot.pause()
        assert isinstance(app.screen, StatusMapDialog)
        rows = dialog_rows(app)
        assert rows == [row_for(app, f"Northwind: '{OUR_WORD}' — 1 account")]
        text = " ".join(rows) + intro(app)
        assert "Globex:" not in text and PARTNER_WORD not in text and "2 accounts" not in text
        assert "Globex's status words are private" in intro(app) and "then p" in intro(app)
        assert "1 status word not understood in Northwind's list" in intro(app)

        await pilot.press("x", "c")  # the one row: Northwind's word, then nothing left to move to
        await pilot.pause()
        assert wb.ours.records[3].status == CUSTOMER
        assert wb.session.source(PARTNER).status_map == {PARTNER_WORD: CUSTOMER}
        assert "Every status word in Northwind's list is mapped" in intro(app)


async def test_share_safe_view_with_both_statuses_private_lists_no_word(tmp_path: Path) -> None:
    wb = workbench_with_unknown_words()
    wb.set_shareable(OURS, "status", False)
    wb.set_shareable(PARTNER, "status", False)
    app = AcctmapApp(wb, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p", "m")
        await pilot.pause()
        assert isinstance(app.screen, StatusMapDialog)
        assert intro(app) == ("Both lists' status words are private: hidden in the share-safe "
                              "view (esc, then p, shows them).")
        assert not app.screen.query_one("#status-map-rows", OptionList).display
        revision = wb.revision
        await pilot.press("c", "o")
        await pilot.pause()
        assert wb.revision == revision


async def test_ctrl_z_in_the_dialog_does_not_take_back_a_private_mark_unasked(tmp_path: Path) -> None:
    """The app's ctrl+z asks before an undo shows a private field; the dialog's does not undo it."""
    wb = workbench_with_unknown_words()
    wb.set_shareable(OURS, "status", False)
    app = AcctmapApp(wb, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p", "m", "ctrl+z")
        await pilot.pause()
        assert isinstance(app.screen, StatusMapDialog)
        assert not wb.share_policy().shareable(OURS, "status")
        assert [row for row in dialog_rows(app) if "Northwind" in row] == []


async def test_words_show_again_once_the_share_safe_view_is_off(tmp_path: Path) -> None:
    wb = workbench_with_unknown_words()
    wb.set_shareable(PARTNER, "status", False)
    app = AcctmapApp(wb, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("m")
        await pilot.pause()
        assert "2 accounts" in row_for(app, f"Globex: '{PARTNER_WORD}'")
        assert "private" not in intro(app)


async def test_demo_words_are_listed_per_company_and_mapping_fills_the_matrix(tmp_path: Path) -> None:
    built = demo_session(day=date(2026, 11, 25))
    wb = Workbench(built.session, built.ours, built.theirs)
    words = wb.unknown_status_words()
    side, word, count = words[0]
    app = AcctmapApp(wb, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("m")
        await pilot.pause()
        rows = dialog_rows(app)
        assert len(rows) == len(words)
        company = wb.session.ours if side == OURS else wb.session.partner
        assert f"{company}: '{word}' — {count} accounts" in rows[0]
        before = sum(1 for a in wb.session.overlap() if a.category is None)
        await pilot.press("p")
        await pilot.pause()
        after = sum(1 for a in wb.session.overlap() if a.category is None)
        assert after < before
        assert (side, word) not in {(s, w) for s, w, _ in wb.unknown_status_words()}


async def test_reopened_demo_counts_each_account_once_in_the_dialog(tmp_path: Path) -> None:
    """`acctmap open` on a saved demo: the pairs' records and the re-read lists are not counted
    twice (the dialog used to say 'Other — 12 accounts' where the list has fewer)."""
    fresh = open_workbench(demo_request(day=date(2026, 11, 25)))
    expected = [f"'{word}' — {count} account" for _, word, count in fresh.unknown_status_words()]
    wb = open_saved(fresh.save(tmp_path / "demo.toml"))
    app = AcctmapApp(wb, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("m")
        await pilot.pause()
        rows = dialog_rows(app)
        assert len(rows) == len(expected)
        for row, text in zip(rows, expected):
            assert text in row


# --- snapshot -------------------------------------------------------------------------------------


def test_snapshot_status_dialog(snap_compare, tmp_path: Path) -> None:
    async def map_first(pilot) -> None:
        await pilot.press("m", "c")
        await pilot.pause()

    app = AcctmapApp(workbench_with_unknown_words(), tmp_path)
    assert snap_compare(app, terminal_size=(120, 40), run_before=map_first)


async def test_the_count_of_words_past_the_first_ten_goes_once_every_word_is_mapped(tmp_path: Path) -> None:
    """An opportunity export's 13 stage names mapped as the status: ten are named one by one and
    the rest counted ("3 more unknown status words"); mapping all 13 leaves no such line."""
    ours, theirs = tmp_path / "ours.csv", tmp_path / "theirs.csv"
    stages = [f"Stage {n:02}" for n in range(1, 14)]
    ours.write_text("Account Name,Website,Stage\n" + "".join(
        f"Firm {n},firm{n}.com,{stage}\n" for n, stage in enumerate(stages)), encoding="utf-8")
    theirs.write_text("Company,Domain,Type\nFirm 0,firm0.com,Customer\n", encoding="utf-8")
    wb = open_workbench(replace(demo_request(), ours=ours, theirs=theirs, ours_name="Northwind",
                                partner_name="Globex"))
    app = AcctmapApp(wb, tmp_path)

    def problems() -> str:
        icp = next(s for s in app.screen_stack if isinstance(s, IcpScreen))
        return str(icp.query_one("#icp-problems-text", Static).content)

    async with app.run_test(size=SIZE) as pilot:
        assert "3 more unknown status words" in problems()
        await pilot.press("m", *"p" * 12)  # Stage 01 .. Stage 12: Stage 13 is one of the three
        await pilot.pause()
        assert "3 more unknown status words" in problems()
        assert "unknown status 'Stage 05'" not in problems()
        await pilot.press("p", "escape")
        await pilot.pause()
        assert isinstance(app.screen, IcpScreen)
        assert "unknown status" not in problems() and "Northwind (ours.csv): no problems" in problems()
        await pilot.press("p")  # share-safe: counts only, and no details left to hide
        await pilot.pause()
        assert "no problems" in problems() and "details hidden" not in problems()
        app.share_safe = False  # (`p` may ask first before private fields show)
        await pilot.press("ctrl+z")  # Stage 13 unknown again
        await pilot.pause()
        assert "3 more unknown status words" in problems()


async def test_keys_typed_faster_than_the_screen_redraws_map_one_word_each(tmp_path: Path) -> None:
    """A burst of keys (typed fast, or a key held down) arrives before the dialog hears of the
    first mapping: each key still maps the next word, not the first one again."""
    wb = workbench_with_unknown_words()
    app = AcctmapApp(wb, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("m")
        await pilot.pause()
        burst(app, "c", "p")
        await pilot.pause()
        await pilot.pause()
        assert "= customer" in row_for(app, f"Globex: '{PARTNER_WORD}'")
        assert "= prospect" in row_for(app, f"Northwind: '{OUR_WORD}'")
        assert wb.ours.records[3].status == PROSPECT


async def test_mapping_a_word_to_the_status_it_has_makes_no_undo_step(tmp_path: Path) -> None:
    """`c` on a word already mapped to customer changes nothing: no undo step that undoes
    nothing (the next ctrl+z takes back the mapping before it)."""
    wb = workbench_with_unknown_words()
    app = AcctmapApp(wb, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("m", "c")
        await pilot.pause()
        assert "= customer" in row_for(app, f"Globex: '{PARTNER_WORD}'")
        revision = wb.revision
        await pilot.press("up", "c")
        await pilot.pause()
        assert wb.revision == revision
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert "not mapped" in row_for(app, f"Globex: '{PARTNER_WORD}'")


def test_two_long_words_that_begin_alike_still_differ_with_their_counts() -> None:
    """At 80 columns two long status words were cut at their end until they read the same, and
    their account counts were cut off (audit 6): the middle of a word goes instead."""
    from acctmap_tui.screens.icp_status import row_text

    emea = "'Channel Partner / Value Added Reseller (EMEA)'"
    apac = "'Channel Partner / Value Added Reseller (APAC)'"
    for width in (40, 46, 60):
        a = row_text("Northwind", emea, "4 accounts", width).plain
        b = row_text("Northwind", apac, "12 accounts", width).plain
        assert a != b and "(EMEA)" in a and "(APAC)" in b
        assert a.rstrip().endswith("— 4 accounts") and b.rstrip().endswith("— 12 accounts")
        assert len(a) == len(b) == width
    whole = row_text("Northwind", emea, "4 accounts", 80).plain
    assert whole.rstrip() == f"Northwind: {emea} — 4 accounts"  # room enough: nothing cut
