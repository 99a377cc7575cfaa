"""The ICP review screen: figures from the session, problems, and the ICP alignment notes."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from textual.widgets import Static, TextArea

from acctmap_tui.app import AcctmapApp
from acctmap_tui.core.categorize import format_rate, overlap_figures
from acctmap_tui.core.model import CATEGORIES, OURS, PARTNER
from acctmap_tui.screens.icp import PROBLEMS_SHOWN, IcpScreen
from tests.ui.factory import small_workbench

SIZE = (120, 40)


def shown(app: AcctmapApp, selector: str) -> str:
    """The plain text a Static on the ICP screen shows (tables rendered at the widget's width)."""
    widget = app.screen.query_one(selector, Static)
    console = Console(width=widget.content_region.width or 100, file=io.StringIO(), record=True)
    console.print(widget.content)
    return console.export_text()


# --- snapshots --------------------------------------------------------------------------------


def test_icp_screen_at_120x40(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(AcctmapApp(small_workbench(), tmp_path), terminal_size=(120, 40))


def test_icp_screen_at_100x30(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(AcctmapApp(small_workbench(), tmp_path), terminal_size=(100, 30))


# --- figures ----------------------------------------------------------------------------------


async def test_figures_follow_the_session(tmp_path: Path) -> None:
    wb = small_workbench()
    app = AcctmapApp(wb, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        fig = overlap_figures(wb.session)
        lists = shown(app, "#icp-lists")
        assert format_rate(fig.rate(OURS)) in lists and format_rate(fig.rate(PARTNER)) in lists
        categories = shown(app, "#icp-categories-table")
        for cat in CATEGORIES:
            line = next(l for l in categories.splitlines() if l.strip().startswith(cat.code))
            assert str(fig.per_category[cat.key]) in line.split()
            assert cat.play.split(":")[0] in line
        matrix = shown(app, "#icp-matrix")
        assert "Globex customer" in matrix and "Northwind prospect" in matrix
        assert f"win-back {fig.win_back}" in shown(app, "#icp-summary")
        assert f"review queue {fig.review}" in shown(app, "#icp-summary")

        # accepting a pair in review moves the overlap figures at once
        pending = wb.session.review_queue()[0]
        wb.accept(pending)
        await pilot.pause()
        assert f"review queue {fig.review - 1}" in shown(app, "#icp-summary")
        assert f"overlap {fig.overlap + 1}" in shown(app, "#icp-summary")


async def test_problems_show_the_first_ones_then_a_count(tmp_path: Path) -> None:
    wb = small_workbench()
    ours = wb.session.sources[0]
    ours.problems = [f"northwind.csv, row {n}: no account name" for n in range(2, 2 + PROBLEMS_SHOWN + 7)]
    app = AcctmapApp(wb, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        text = str(app.screen.query_one("#icp-problems-text", Static).content)
        assert f"{len(ours.problems)} problems" in text
        assert "• row 2: no account name" in text  # the file is named once, above its problems
        assert f"• row {PROBLEMS_SHOWN + 1}: no account name" in text
        assert f"row {PROBLEMS_SHOWN + 2}:" not in text
        assert "and 7 more" in text
        assert "Globex (globex.csv): no problems" in text
        await pilot.press("p")  # share-safe: counts only
        await pilot.pause()
        text = str(app.screen.query_one("#icp-problems-text", Static).content)
        assert "row 2" not in text
        assert f"{len(ours.problems)} problems" in text


async def test_a_problem_of_a_list_read_back_from_another_folder_names_its_file_once(tmp_path: Path) -> None:
    wb = small_workbench()
    ours = wb.session.sources[0]
    ours.path = str(tmp_path / "exports" / "northwind.csv")  # a session read back: its lists' paths resolved
    ours.problems = ["northwind.csv, row 2: no account name", "other.csv, row 3: kept as it is"]
    app = AcctmapApp(wb, tmp_path)
    async with app.run_test(size=SIZE):
        text = str(app.screen.query_one("#icp-problems-text", Static).content)
        assert "• row 2: no account name" in text and "northwind.csv, row 2" not in text
        assert "• other.csv, row 3: kept as it is" in text


# --- notes ------------------------------------------------------------------------------------


async def test_typing_notes_updates_the_session(tmp_path: Path) -> None:
    wb = small_workbench()
    app = AcctmapApp(wb, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e", *"Size: 200-2000")
        assert app.screen.focused is app.screen.query_one("#icp-notes", TextArea)
        await pilot.press("escape")  # leaving the field hands the notes over
        await pilot.pause()
        assert wb.session.icp_notes == "Size: 200-2000"
        assert wb.dirty
        assert app.screen.focused is None
        await pilot.press("2")  # phase keys work again once out of the notes
        await pilot.pause()
        assert app.current_mode == "review"


async def test_notes_are_handed_over_after_a_pause_in_typing(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(IcpScreen, "notes_debounce_s", 0.4)
    wb = small_workbench()
    app = AcctmapApp(wb, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e", *"EMEA")
        assert wb.session.icp_notes == ""
        await pilot.pause(0.8)
        assert wb.session.icp_notes == "EMEA"


async def test_undo_brings_back_the_previous_notes(tmp_path: Path) -> None:
    wb = small_workbench()
    wb.session.icp_notes = "first draft"
    app = AcctmapApp(wb, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e", "end", *" + more", "escape")
        await pilot.pause()
        assert wb.session.icp_notes == "first draft + more"
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert wb.session.icp_notes == "first draft"
        assert app.screen.query_one("#icp-notes", TextArea).text == "first draft"


async def test_at_80x24_the_notes_scroll_into_view_when_edited(tmp_path: Path) -> None:
    """The notes box sits below the fold at 80x24: `e` brings it on screen, never types blind."""
    from tests.ui.factory import demo_workbench

    app = AcctmapApp(demo_workbench(), tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        notes = app.screen.query_one("#icp-notes", TextArea)
        assert notes.region.bottom > 24 - 1 or not notes.region  # off screen at first
        await pilot.press("e", *"ICP")
        await pilot.pause()
        footer_top = 24 - 1
        assert 0 < notes.region.y and notes.region.bottom <= footer_top
        assert "ICP" in notes.text


# --- one typing burst, one undo step ----------------------------------------------------------


async def _type_with_pauses(app: AcctmapApp, pilot, *bursts: str) -> list[str]:
    """Type each burst into the notes (open), the debounce firing after each (called, not
    waited for): returns the notes the workbench held after each pause."""
    handed: list[str] = []
    for burst in bursts:
        await pilot.press(*burst)
        app.screen.commit_edits()  # the notes timer fires: the pause in typing
        await pilot.pause()
        handed.append(app.workbench.session.icp_notes)
    return handed


async def test_one_undo_takes_back_notes_typed_with_pauses(tmp_path: Path) -> None:
    wb = small_workbench()
    wb.session.icp_notes = "first draft"
    app = AcctmapApp(wb, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e", "end")
        handed = await _type_with_pauses(app, pilot, " + EMEA", " + APAC", " + 200-2000")
        # every pause still hands the text over, and autosave writes it
        assert handed == ["first draft + EMEA", "first draft + EMEA + APAC",
                          "first draft + EMEA + APAC + 200-2000"]
        assert wb.dirty
        recovery = wb.autosave(tmp_path)
        assert recovery is not None and "APAC + 200-2000" in recovery.read_text(encoding="utf-8")
        await pilot.press(*" + ops", "escape")
        await pilot.pause()
        assert wb.session.icp_notes == "first draft + EMEA + APAC + 200-2000 + ops"
        await pilot.press("ctrl+z")  # once
        await pilot.pause()
        assert wb.session.icp_notes == "first draft"
        assert app.screen.query_one("#icp-notes", TextArea).text == "first draft"
        assert not wb.can_undo


async def test_ctrl_z_in_the_notes_takes_back_the_whole_burst(tmp_path: Path) -> None:
    """In the field too, ctrl+z is the call's undo: the notes before the burst, not the text
    area's last batch of keys."""
    wb = small_workbench()
    app = AcctmapApp(wb, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        await _type_with_pauses(app, pilot, "EMEA", " and DACH")
        await pilot.press(*" only")
        await pilot.press("ctrl+z")
        await pilot.pause()
        notes = app.screen.query_one("#icp-notes", TextArea)
        assert wb.session.icp_notes == "" and notes.text == ""
        assert app.screen.focused is notes  # still typing
        await pilot.press(*"NA", "escape")  # a new burst after the undo: its own step
        await pilot.pause()
        assert wb.session.icp_notes == "NA"
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert wb.session.icp_notes == ""


async def test_each_visit_to_the_notes_and_each_other_command_makes_its_own_undo_step(
        tmp_path: Path) -> None:
    wb = small_workbench()
    app = AcctmapApp(wb, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        await _type_with_pauses(app, pilot, "EMEA")
        await pilot.press("escape", "e", "end")  # focus leaves: the burst ends
        await _type_with_pauses(app, pilot, " + APAC")
        pending = wb.session.review_queue()[0]
        wb.accept(pending)  # another command while the notes are open
        await pilot.pause()
        await pilot.press(*" + NA", "escape")
        await pilot.pause()
        assert wb.session.icp_notes == "EMEA + APAC + NA"
        for expected in ("EMEA + APAC", "EMEA + APAC", "EMEA", ""):
            await pilot.press("ctrl+z")
            await pilot.pause()
            assert wb.session.icp_notes == expected
        assert pending.match.decision != "accepted"


def test_a_problem_of_the_whole_list_is_shown_without_its_file_path() -> None:
    """"4 duplicate rows merged ..." names no row, so it reads "FILE: ...": the ICP panel showed
    the list's whole path (where acctmap is installed, for the demo) before it."""
    from acctmap_tui.screens.icp import problems_text
    from tests.ui.factory import demo_workbench

    session = demo_workbench().session
    text = problems_text(session, private=False)
    assert "duplicate rows merged" in text
    for src in session.sources:
        assert src.path not in text and str(Path(src.path).parent) not in text


def test_a_problem_of_a_list_whose_name_holds_a_comma_is_shown_without_its_path() -> None:
    from acctmap_tui.screens.icp import _without_file

    path = "/data/exports/Accounts, Q4 2026.csv"
    assert _without_file(f"{path}, row 3, column 'Type': unknown status 'x'", path) == \
        "row 3, column 'Type': unknown status 'x'"
    assert _without_file(f"{path}: 2 duplicate rows merged", "Accounts, Q4 2026.csv") == \
        "2 duplicate rows merged"
    assert _without_file("another.csv: something", path) == "another.csv: something"


def test_a_hashed_partner_list_has_no_rows_read() -> None:
    """A private exchange's partner list is its accounts with a domain (the round file's size):
    "rows read" said 45,383 for an export of 50,000 rows (audit 14 M4)."""
    from acctmap_tui.screens.icp import lists_table

    session = small_workbench().session
    theirs = session.source(PARTNER)
    theirs.rows, theirs.accounts, theirs.hashed = 45_383, 45_383, True
    console = Console(width=100, record=True, file=io.StringIO())
    console.print(lists_table(session, overlap_figures(session)))
    text = console.export_text().splitlines()
    rows_read = next(line for line in text if line.startswith("rows read")).split()[2:]
    accounts = next(line for line in text if line.startswith("accounts")).split()[1:]
    ours = session.source(OURS)
    assert rows_read == [f"{ours.rows:,}", "—"]
    assert accounts[-1] == "45,383"


def test_a_private_exchange_counts_both_lists_by_their_domains() -> None:
    """The exchange's list size is the domains that took part (a website cell may hold several):
    the row says so instead of "accounts"."""
    from acctmap_tui.core.model import PSI
    from acctmap_tui.screens.icp import lists_table

    session = small_workbench().session
    console = Console(width=100, record=True, file=io.StringIO())
    console.print(lists_table(session, overlap_figures(session)))
    assert "accounts" in console.export_text() and "domains" not in console.export_text()
    for account in session.accounts:
        account.match.method = PSI
    console = Console(width=100, record=True, file=io.StringIO())
    console.print(lists_table(session, overlap_figures(session)))
    assert any(line.startswith("domains") for line in console.export_text().splitlines())


async def test_e_goes_on_from_the_end_of_the_notes(tmp_path: Path) -> None:
    """The cursor stood at the notes' start, so new words ran into the old ones: "ZZtyped just
    before... notes" (audit 17 L2)."""
    wb = small_workbench()
    wb.session.icp_notes = "first call notes"
    app = AcctmapApp(wb, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("e", *" then more")
        await pilot.pause()
        assert app.screen.query_one("#icp-notes", TextArea).text == "first call notes then more"
