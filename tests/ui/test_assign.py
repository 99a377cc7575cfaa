"""Assign: owner, next action and due date for the priority accounts, through the edit dialog."""

from __future__ import annotations

import io
from contextlib import asynccontextmanager
from datetime import date, timedelta
from pathlib import Path

from rich.console import Console
from textual.widgets import Input, Static

from acctmap_tui.app import AcctmapApp
from acctmap_tui.core.score import priority_accounts
from acctmap_tui.core.workbench import Workbench
from acctmap_tui.screens.assign import MISSING_ACTION, MISSING_OWNER, AssignScreen
from acctmap_tui.screens.assign_edit import AssignEditScreen
from acctmap_tui.widgets.account_table import AccountTable
from tests.ui.factory import DAY, small_workbench

SIZE = (120, 40)


def assign_app(wb: Workbench | None = None, sessions: Path = Path("sessions")) -> AcctmapApp:
    wb = wb or small_workbench()
    wb.session.agenda.current = "assign"
    return AcctmapApp(wb, sessions)


@asynccontextmanager
async def editing(sessions_dir: Path, account: str):
    """The Assign edit dialog (`e`) open on `account` of the scored workbench.

    Yields (app, pilot, workbench, dialog)."""
    wb = scored_workbench()
    app = assign_app(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        yield app, pilot, wb, await open_editor(pilot, account)


async def open_editor(pilot, account: str, key: str = "e") -> AssignEditScreen:
    """Move to `account` on Assign and open its edit dialog with `key` (`o`, `x`: one field)."""
    await go_to(pilot, account)
    await pilot.press(key)
    await pilot.pause()
    dialog = pilot.app.screen
    assert isinstance(dialog, AssignEditScreen)
    return dialog


def scored_workbench() -> Workbench:
    """Four accounts scored (so four priority accounts); one fully assigned, one half."""
    wb = small_workbench()
    levels = {"Blue Harbor Logistics": 3, "Fjord Systems AS": 2, "Granite Payments": 1,
              "Deltaworks Ltd": 3}
    by_name = {a.ours.name: a for a in wb.session.overlap()}
    for name, level in levels.items():
        wb.set_level(by_name[name], "relationship", level)
        wb.set_level(by_name[name], "icp_fit", level)
    wb.set_field(by_name["Deltaworks Ltd"], "owner", "Sam Ito")
    wb.set_field(by_name["Deltaworks Ltd"], "next_action", "Joint demo for their CFO")
    wb.set_field(by_name["Deltaworks Ltd"], "due", date(2026, 12, 4))
    wb.set_field(by_name["Deltaworks Ltd"], "notes", "Their AE is new")
    wb.set_field(by_name["Granite Payments"], "owner", "Priya Shah")
    return wb


def rows(app: AcctmapApp) -> list[dict[str, str]]:
    t = app.screen.query_one("#assign-table", AccountTable)
    keys = [spec.key for spec in t.specs]
    return [dict(zip(keys, (" ".join(cell.plain.split()) for cell in t.get_row_at(i))))
            for i in range(t.row_count)]


def row_of(app: AcctmapApp, name: str) -> dict[str, str]:
    return next(r for r in rows(app) if r["name"] == name)


def status_line(app: AcctmapApp) -> str:
    console = Console(width=300, record=True, file=io.StringIO())
    console.print(app.screen.query_one("#assign-status-line", Static).content)
    return " ".join(console.export_text().split())


async def go_to(pilot, name: str) -> None:
    t = pilot.app.screen.query_one("#assign-table", AccountTable)
    t.move_cursor(row=[r["name"] for r in rows(pilot.app)].index(name))
    await pilot.pause()


# --- snapshots ----------------------------------------------------------------------------------


def test_snapshot_assign(snap_compare, sessions_dir: Path) -> None:
    assert snap_compare(assign_app(scored_workbench(), sessions_dir), terminal_size=SIZE)


def test_snapshot_edit_dialog(snap_compare, sessions_dir: Path) -> None:
    async def open_dialog(pilot) -> None:
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()

    assert snap_compare(assign_app(scored_workbench(), sessions_dir), terminal_size=(100, 30),
                        run_before=open_dialog)


# --- the rows -----------------------------------------------------------------------------------


async def test_rows_are_the_priority_accounts_and_missing_fields_say_so(sessions_dir: Path) -> None:
    wb = scored_workbench()
    app = assign_app(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, AssignScreen)
        assert [r["name"] for r in rows(app)] == [a.name for a in priority_accounts(wb.session)]
        assert [r["rank"].lstrip("⚠ ") for r in rows(app)] == ["1", "2", "3", "4"]
        granite = row_of(app, "Granite Payments")
        assert granite["owner"] == "Priya Shah" and granite["next_action"] == MISSING_ACTION
        assert row_of(app, "Fjord Systems AS")["owner"] == MISSING_OWNER
        done = row_of(app, "Deltaworks Ltd")
        assert done["due"] == "2026-12-04" and done["notes"] == "Their AE is new"
        assert not done["rank"].startswith("⚠")
        assert "3 of 4 priority accounts still need an owner or next action" in status_line(app)


async def test_nothing_scored_shows_the_overlap_by_name(sessions_dir: Path) -> None:
    wb = small_workbench()
    app = assign_app(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Nothing scored yet: the overlap by name, first" in status_line(app)
        names = [r["name"] for r in rows(app)]
        assert names == sorted(names, key=str.casefold)
        assert len(names) == min(len(wb.session.overlap()), wb.session.scoring.top_n)


async def test_scores_made_in_prioritize_change_the_rows(sessions_dir: Path) -> None:
    wb = scored_workbench()
    app = assign_app(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        helios = next(a for a in wb.session.overlap() if a.ours.name == "Helios Robotics")
        wb.set_level(helios, "relationship", 3)
        await pilot.pause()
        assert "Helios Robotics" in [r["name"] for r in rows(app)]
        assert "4 of 5" in status_line(app)


# --- editing ------------------------------------------------------------------------------------


async def test_assign_owner_with_completion_action_and_default_due(sessions_dir: Path) -> None:
    wb = scored_workbench()
    app = assign_app(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await go_to(pilot, "Fjord Systems AS")
        await pilot.press("enter")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, AssignEditScreen)
        due = dialog.query_one("#assign-due", Input)
        assert due.value == (DAY + timedelta(days=14)).isoformat()

        await pilot.press("l", "e")  # "Lena Vogt" owns accounts in our list
        await pilot.pause()
        await pilot.press("right")  # accept the suggestion
        assert dialog.query_one("#assign-owner", Input).value == "Lena Vogt"
        await pilot.press("tab")
        action = dialog.query_one("#assign-action", Input)
        assert dialog.focused is action
        action.value = "Warm intro to their CTO"
        await pilot.press("enter")
        await pilot.pause()

        assert isinstance(app.screen, AssignScreen)
        fjord = next(a for a in wb.session.overlap() if a.ours.name == "Fjord Systems AS")
        assert (fjord.owner, fjord.next_action) == ("Lena Vogt", "Warm intro to their CTO")
        assert fjord.due == date(2026, 12, 9)
        row = row_of(app, "Fjord Systems AS")
        assert (row["owner"], row["next_action"], row["due"]) == (
            "Lena Vogt", "Warm intro to their CTO", "2026-12-09")
        assert "2 of 4" in status_line(app)


async def test_invalid_date_keeps_the_dialog_with_a_message(sessions_dir: Path) -> None:
    async with editing(sessions_dir, "Deltaworks Ltd") as (app, pilot, wb, dialog):
        due = dialog.query_one("#assign-due", Input)
        due.value = "2026-12-32"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is dialog
        error = dialog.query_one("#assign-error", Static)
        assert "not a real day" in str(error.content)
        assert dialog.focused is due

        due.value = "soonish"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is dialog and "next friday" in str(error.content)  # says what is read

        due.value = "2026-12-11"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, AssignScreen)
        account = next(a for a in wb.session.overlap() if a.ours.name == "Deltaworks Ltd")
        assert account.due == date(2026, 12, 11)
        assert row_of(app, "Deltaworks Ltd")["due"] == "2026-12-11"


async def test_incomplete_count_goes_down_to_all_assigned(sessions_dir: Path) -> None:
    wb = scored_workbench()
    app = assign_app(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "3 of 4" in status_line(app)
        for name in ("Blue Harbor Logistics", "Fjord Systems AS", "Granite Payments"):
            await go_to(pilot, name)
            if row_of(app, name)["owner"] == MISSING_OWNER:
                await pilot.press("o")  # owner only
                await pilot.pause()
                assert not app.screen.query("#assign-action")
                app.screen.query_one("#assign-owner", Input).value = "Dana Reyes"
                await pilot.press("enter")
                await pilot.pause()
            await pilot.press("x")  # next action only
            await pilot.pause()
            assert not app.screen.query("#assign-owner")
            await pilot.press("C")
            await pilot.press("enter")
            await pilot.pause()
        assert "All priority accounts assigned ✓" in status_line(app)
        assert not any(r["rank"].startswith("⚠") for r in rows(app))


async def test_cancel_changes_nothing_and_status_is_saved(sessions_dir: Path) -> None:
    wb = scored_workbench()
    app = assign_app(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        before = wb.revision
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("N")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, AssignScreen) and wb.revision == before

        await go_to(pilot, "Deltaworks Ltd")
        await pilot.press("e")
        await pilot.pause()
        await pilot.click("#assign-status RadioButton", offset=(2, 0))
        await pilot.pause()
        # the first radio button is "open" (pressed); move to "done" with the keyboard: enter
        # picks it and saves, as enter does in the other fields
        await pilot.press("right", "enter")
        await pilot.pause()
        account = next(a for a in wb.session.overlap() if a.ours.name == "Deltaworks Ltd")
        assert account.action_status == "done"
        assert row_of(app, "Deltaworks Ltd")["action_status"] == "done"
        assert wb.revision == before + 1  # one change: only the status differed


async def test_undo_shows_the_row_incomplete_again(sessions_dir: Path) -> None:
    wb = scored_workbench()
    app = assign_app(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await go_to(pilot, "Granite Payments")
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("C")
        await pilot.press("enter")
        await pilot.pause()
        assert row_of(app, "Granite Payments")["next_action"] == "C"
        assert "2 of 4" in status_line(app)
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert row_of(app, "Granite Payments")["next_action"] == MISSING_ACTION
        assert "3 of 4" in status_line(app)


async def test_privacy_hides_notes(sessions_dir: Path) -> None:
    app = assign_app(scored_workbench(), sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.share_safe = True
        await pilot.pause()
        keys = [spec.key for spec in app.screen.query_one("#assign-table", AccountTable).specs]
        assert "notes" not in keys and "owner" in keys and "next_action" in keys
        await pilot.press("e")
        await pilot.pause()
        assert not app.screen.query("#assign-notes")


async def test_a_due_date_typed_as_people_say_it(sessions_dir: Path) -> None:
    async with editing(sessions_dir, "Deltaworks Ltd") as (app, pilot, wb, _dialog):
        app.screen.query_one("#assign-due", Input).value = "+1w"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, AssignScreen)
        account = next(a for a in wb.session.overlap() if a.ours.name == "Deltaworks Ltd")
        assert account.due == wb.session.date + timedelta(days=7)


async def test_an_owner_given_before_anything_is_scored_keeps_the_account_listed(sessions_dir: Path) -> None:
    """Owners and next actions set while nothing is scored stay on Assign once one account is
    scored, as they stay in the exported action list (they vanished from the screen)."""
    from acctmap_tui.core.export import listed_accounts

    wb = small_workbench()
    by_name = {a.ours.name: a for a in wb.session.overlap()}
    wb.set_fields(by_name["Fjord Systems AS"], owner="Dana")
    wb.set_fields(by_name["Granite Payments"], next_action="Reference call")
    app = assign_app(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        wb.set_level(by_name["Deltaworks Ltd"], "relationship", 3)
        await pilot.pause()
        names = [r["name"] for r in rows(app)]
        assert names == ["Deltaworks Ltd", "Fjord Systems AS", "Granite Payments"]
        assert names == [a.ours.name for a in listed_accounts(wb.session, wb.session.scoring.top_n)]
        assert "3 priority accounts (the top 15 scored or planned accounts)" in status_line(app)


async def test_an_owner_given_while_nothing_is_scored_keeps_the_list_to_work_down(sessions_dir: Path) -> None:
    """Nothing scored: the overlap by name, first N. Giving the first row an owner must not
    shrink the list to that one planned account (the rest of the rows to assign vanished)."""
    wb = small_workbench()
    app = assign_app(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        before = [r["name"] for r in rows(app)]
        await pilot.press("o", *"Dana", "enter")
        await pilot.pause()
        assert [r["name"] for r in rows(app)] == before
        assert rows(app)[0]["owner"] == "Dana"
        assert "Nothing scored yet: the overlap by name, first" in status_line(app)


async def test_at_80_columns_the_count_of_what_is_left_to_assign_stays_in_view(sessions_dir: Path) -> None:
    """Nothing scored: the heading is one line at 80 columns, so the line under it (how many
    accounts still need an owner or a next action) is on screen."""
    app = assign_app(small_workbench(), sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        line = app.screen.query_one("#assign-status-line", Static)
        assert line.content_region.height >= 2 and line.region.height >= 2
        shown = "\n".join(s.text for s in app.screen._compositor.render_strips())
        assert "priority accounts still need an owner or next action" in shown


# --- share-safe, with the priority private ------------------------------------------------------


async def share_safe_rows(wb: Workbench, sessions_dir: Path, size=SIZE) -> tuple[tuple[str, ...], str]:
    """The share-safe Assign list of `wb`: its account names and the line above it."""
    app = assign_app(wb, sessions_dir)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        app.share_safe = True
        await pilot.pause()
        return tuple(r["name"] for r in rows(app)), status_line(app)


def planned_workbench(scored: tuple[str, ...], top_n: int = 3, private: tuple[str, ...] = (),
                      shared: tuple[str, ...] = ()) -> Workbench:
    """The small workbench with `scored` accounts scored, a top N of `top_n`, Granite Payments
    given an owner and Ironclad Security a next action; call fields marked `private` / `shared`."""
    wb = small_workbench()
    wb.session.scoring.top_n = top_n
    by_name = {a.ours.name: a for a in wb.session.overlap()}
    for level, name in enumerate(scored, start=1):
        wb.set_level(by_name[name], "relationship", 1 + level % 3)
    wb.set_fields(by_name["Granite Payments"], owner="Priya Shah")
    wb.set_fields(by_name["Ironclad Security"], next_action="Joint webinar")
    for names, mark in ((private, False), (shared, True)):
        for name in names:
            wb.set_shareable("session", name, mark)
    return wb


SCORINGS = ((), ("Juniper & Co", "Helios Robotics"), ("Acme, Inc.", "Deltaworks Ltd", "Fjord Systems AS"),
            ("Helios Robotics", "Blue Harbor Logistics", "Juniper & Co", "Evergreen Health"))


async def test_share_safe_assign_rows_are_the_same_whatever_the_private_priorities(sessions_dir: Path) -> None:
    """The rows were the top N scored or planned accounts: which accounts have a (private)
    priority, and the highest ones. Now: the first N by name and every account with an owner
    or a next action, and the line above the table says so; once the priority is marked
    shared, the priority accounts again."""
    seen = {await share_safe_rows(planned_workbench(scored), sessions_dir) for scored in SCORINGS}
    names, line = seen.pop()
    assert not seen  # the same rows, in the same order, and the same line, for every scoring
    assert names == ("Acme, Inc.", "Blue Harbor Logistics", "Cobalt Analytics GmbH",
                     "Granite Payments", "Ironclad Security")
    assert "Priority private: first 3 by name + all with an owner or next action" in line
    assert "Nothing scored" not in line and "priority accounts" not in line
    assert "5 of 5 accounts still need an owner or next action" in line

    wb = planned_workbench(SCORINGS[1], shared=("priority",))  # priority shared: as before
    names, line = await share_safe_rows(wb, sessions_dir)
    assert names == tuple(a.ours.name for a in priority_accounts(wb.session)) + ("Granite Payments",)
    assert "3 priority accounts (the top 3 scored or planned accounts)" in line


async def test_share_safe_assign_rows_go_only_by_the_plan_fields_the_partner_sees(sessions_dir: Path) -> None:
    """With the owner private too, an account with only an owner is not listed for it (the row
    would tell that it has one); with the owner and the next action private, the first N."""
    seen = {await share_safe_rows(planned_workbench(scored, private=("owner",)), sessions_dir)
            for scored in SCORINGS}
    names, line = seen.pop()
    assert not seen
    assert names == ("Acme, Inc.", "Blue Harbor Logistics", "Cobalt Analytics GmbH", "Ironclad Security")
    assert "Priority private: first 3 by name + all with a next action" in line
    names, line = await share_safe_rows(planned_workbench(SCORINGS[2], private=("owner", "next_action")),
                                        sessions_dir)
    assert names == ("Acme, Inc.", "Blue Harbor Logistics", "Cobalt Analytics GmbH")
    assert "Priority private: the overlap by name, first 3" in line


async def test_at_80_columns_the_share_safe_heading_is_one_line(sessions_dir: Path) -> None:
    wb = planned_workbench(SCORINGS[3], top_n=15)
    app = assign_app(wb, sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.share_safe = True
        await pilot.pause()
        shown = [s.text.rstrip() for s in app.screen._compositor.render_strips()]
        assert any(line.strip() == "Assign  Priority private: first 15 by name + all with an owner or next action"
                   for line in shown)
        assert any("accounts still need an owner or next action" in line for line in shown)
