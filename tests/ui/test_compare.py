"""Compare screen: pick an earlier session, read the summary and the changed accounts, filter,
open one account, and the other-partner warning."""

from __future__ import annotations

import copy
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from textual.widgets import DataTable, OptionList, Static

from acctmap_tui.app import AcctmapApp
from acctmap_tui.core import session as session_io
from acctmap_tui.core.categorize import apply_categories
from acctmap_tui.core.model import (
    ACTION_DONE, ACTION_DROPPED, AUTO, CUSTOMER, PROSPECT, Account, MatchInfo, Record, Session,
)
from acctmap_tui.core.score import rescore
from acctmap_tui.core.workbench import Workbench
from acctmap_tui.screens.compare import CompareScreen
from acctmap_tui.screens.compare_account import CompareAccountScreen
from acctmap_tui.screens.compare_pick import OTHER_PARTNER, ComparePickScreen
from tests.ui.factory import burst, small_workbench
from tests.ui.test_share_safe_everywhere import screen_lines

SIZE = (120, 40)


def _by_name(session: Session, name: str) -> Account:
    return next(a for a in session.accounts if a.ours.name == name)


def current_workbench() -> Workbench:
    """The factory's 2026-Q4 session, with what happened to last quarter's actions recorded."""
    wb = small_workbench()
    s = wb.session
    blue = _by_name(s, "Blue Harbor Logistics")
    blue.owner, blue.next_action, blue.action_status = "Sam Ito", "Intro to VP Ops", ACTION_DONE
    cobalt = _by_name(s, "Cobalt Analytics GmbH")
    cobalt.owner, cobalt.next_action, cobalt.due = "Lena Vogt", "Joint webinar", date(2026, 10, 15)
    delta = _by_name(s, "Deltaworks Ltd")
    delta.owner, delta.next_action, delta.due = "Sam Ito", "Reference call", date(2026, 12, 15)
    return wb


def prior_q3(current: Session) -> Session:
    """Last quarter: Helios not yet in the overlap, Quasar still in it, Blue Harbor was only our
    prospect (an intro since converted), other owners and actions, a private note."""
    s = copy.deepcopy(current)
    s.title = "Northwind x Globex — 2026-Q3 mapping"
    s.date = date(2026, 8, 20)
    s.created = datetime(2026, 8, 20, 10, 0, tzinfo=timezone.utc)
    s.accounts = [a for a in s.accounts if a.ours.name != "Helios Robotics"]
    quasar = Account(
        Record("Quasar Labs", "quasarlabs.io", CUSTOMER, owner="Dana Reyes",
               name_key="quasar labs"),
        Record("Quasar Labs Inc", "quasarlabs.io", CUSTOMER, owner="Tom Becker",
               name_key="quasar labs"),
        MatchInfo("domain", 100.0, AUTO),
        owner="Dana Reyes", next_action="Renewal co-sell plan", due=date(2026, 9, 30),
    )
    s.accounts.append(quasar)
    blue = _by_name(s, "Blue Harbor Logistics")
    blue.ours.status = PROSPECT
    blue.action_status = "open"
    blue.due = date(2026, 9, 30)
    cobalt = _by_name(s, "Cobalt Analytics GmbH")
    cobalt.owner = "Dana Reyes"
    evergreen = _by_name(s, "Evergreen Health")
    evergreen.owner, evergreen.next_action = "Dana Reyes", "Case study"
    evergreen.action_status = ACTION_DROPPED
    evergreen.notes = "budget frozen until March"
    apply_categories(s)
    rescore(s)
    return s


def prior_q2(current: Session) -> Session:
    """Two quarters ago: a smaller overlap."""
    s = copy.deepcopy(current)
    s.title = "Northwind x Globex — 2026-Q2 mapping"
    s.date = date(2026, 5, 14)
    s.created = datetime(2026, 5, 14, 10, 0, tzinfo=timezone.utc)
    s.accounts = s.accounts[:6]
    apply_categories(s)
    rescore(s)
    return s


def other_partner(current: Session) -> Session:
    s = copy.deepcopy(current)
    s.partner, s.title = "Initech", "Northwind x Initech — 2026-Q3 mapping"
    s.date = date(2026, 9, 2)
    return s


def make_app(sessions_dir: Path) -> AcctmapApp:
    wb = current_workbench()
    session_io.save(prior_q3(wb.session), sessions_dir / "2026-Q3-northwind-globex.toml")
    session_io.save(prior_q2(wb.session), sessions_dir / "2026-Q2-northwind-globex.toml")
    session_io.save(other_partner(wb.session), sessions_dir / "2026-Q3-northwind-initech.toml")
    (sessions_dir / "broken.toml").write_text("title = \"half a file\nschema = ", encoding="utf-8")
    return AcctmapApp(wb, sessions_dir)


async def open_compare(pilot) -> None:
    await pilot.press("5")
    await settle(pilot)


async def settle(pilot) -> None:
    """Let the worker that reads the sessions folder finish, and its results show."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def pick_rows(app: AcctmapApp) -> list[str]:
    options = app.screen.query_one("#pick-list", OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


def table_rows(screen: CompareScreen) -> list[list[str]]:
    table = screen.query_one("#compare-table", DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def summary_row(screen: CompareScreen, metric: str) -> tuple:
    assert screen.diff is not None
    return screen.diff.summary.row(metric)


async def choose(pilot, app: AcctmapApp, title_part: str) -> None:
    """Highlight the picker row whose text has `title_part`, and press enter."""
    rows = pick_rows(app)
    index = next(i for i, r in enumerate(rows) if title_part in r)
    app.screen.query_one("#pick-list", OptionList).highlighted = index
    await pilot.press("enter")
    await pilot.pause()


# --- tests ------------------------------------------------------------------------------------


@pytest.fixture
def sessions_dir(relative_sessions_dir: Path) -> Path:
    return relative_sessions_dir  # paths on screen stay stable


async def test_first_visit_lists_prior_sessions_newest_first(sessions_dir: Path) -> None:
    app = make_app(sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_compare(pilot)
        assert isinstance(app.screen, ComparePickScreen)
        rows = pick_rows(app)
        readable = [r for r in rows if "unreadable" not in r]
        assert [r[:10] for r in readable] == ["2026-09-02", "2026-08-20", "2026-05-14"]
        assert "other partner" in readable[0] and "Initech" in readable[0]
        assert all("other partner" not in r for r in readable[1:])
        broken = next(r for r in rows if "broken.toml" in r)
        assert "unreadable" in broken
        options = app.screen.query_one("#pick-list", OptionList)
        assert options.get_option_at_index(rows.index(broken)).disabled
        # the cursor starts on the newest session of the same partner
        assert options.highlighted == rows.index(readable[1])


async def test_pick_shows_summary_and_changed_accounts(sessions_dir: Path) -> None:
    app = make_app(sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_compare(pilot)
        await choose(pilot, app, "2026-08-20")
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        # overlap: prior has Quasar but not Helios, so the totals are equal
        _, old, new, change = summary_row(screen, "Overlap total")
        assert (old, new, change) == (10, 10, 0)
        _, old, new, change = summary_row(screen, "Shared customer")
        assert new - old == change == 0  # Blue Harbor in, Quasar out
        summary = _plain(screen.query_one("#compare-summary", Static).content)
        assert "SHARED" in summary and "Last session's actions overdue" in summary
        rows = table_rows(screen)
        kinds = {r[1]: r[0] for r in rows}
        assert kinds["Helios Robotics"] == "+ new"
        assert kinds["Quasar Labs"] == "- gone"
        assert kinds["Blue Harbor Logistics"] == "~ changed"
        blue = next(r for r in rows if r[1] == "Blue Harbor Logistics")
        assert blue[2] == "INTRO -> SHARED"
        assert "movement: warm intro converted" in blue[3]
        cobalt = next(r for r in rows if r[1] == "Cobalt Analytics GmbH")
        assert "owner: Dana Reyes -> Lena Vogt" in cobalt[3]


async def test_filter_cycles_through_kinds_and_actions(sessions_dir: Path) -> None:
    app = make_app(sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_compare(pilot)
        await choose(pilot, app, "2026-08-20")
        screen = app.screen
        seen = {}
        for name in ("new", "gone", "changed", "actions"):
            await pilot.press("f")
            await pilot.pause()
            assert screen.filter == name
            seen[name] = table_rows(screen)
        assert {r[0] for r in seen["new"]} == {"+ new"}
        assert {r[0] for r in seen["gone"]} == {"- gone"}
        assert {r[0] for r in seen["changed"]} == {"~ changed"}
        states = {r[1]: r[0] for r in seen["actions"]}
        assert states["Blue Harbor Logistics"] == "✓ done"
        assert states["Cobalt Analytics GmbH"] == "! overdue"
        assert states["Evergreen Health"] == "x dropped"
        assert states["Quasar Labs"] == "- gone"
        caption = _plain(screen.query_one("#compare-caption", Static).content)
        assert "1 done" in caption and "1 overdue" in caption
        await pilot.press("f")
        await pilot.pause()
        assert screen.filter == "all"


async def test_enter_opens_account_with_fields_and_history(sessions_dir: Path) -> None:
    app = make_app(sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_compare(pilot)
        await choose(pilot, app, "2026-08-20")
        screen = app.screen
        table = screen.query_one("#compare-table", DataTable)
        row = next(i for i, r in enumerate(table_rows(screen)) if r[1] == "Blue Harbor Logistics")
        table.move_cursor(row=row)
        await pilot.press("enter")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, CompareAccountScreen)
        title = _plain(modal.query_one("#account-title", Static).content)
        assert "Blue Harbor Logistics" in title and "warm intro converted" in title
        text = _plain(modal.query_one("#account-fields", Static).content)
        assert "Their customer / our prospect" in text and "Shared customer" in text
        history = _plain(modal.query_one("#account-history", Static).content)
        # three sessions of this partnership: Q2 and Q3 saved, Q4 the current one
        assert "2026-05-14" in history and "2026-08-20" in history and "2026-11-25" in history
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen


async def test_privacy_hides_notes_and_private_fields(sessions_dir: Path) -> None:
    app = make_app(sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_compare(pilot)
        await choose(pilot, app, "2026-08-20")
        screen = app.screen
        table = screen.query_one("#compare-table", DataTable)

        async def evergreen() -> tuple[list[str], str]:
            names = [r[1] for r in table_rows(screen)]
            row = table_rows(screen)[names.index("Evergreen Health")]
            table.move_cursor(row=names.index("Evergreen Health"))
            await pilot.press("enter")
            await pilot.pause()
            modal = app.screen
            text = _plain(modal.query_one("#account-fields", Static).content)
            text += _plain(modal.query_one("#account-history", Static).content)
            await pilot.press("escape")
            await pilot.pause()
            return row, text

        row, modal_text = await evergreen()
        assert "notes: budget frozen until March" in row[3]
        assert "budget frozen" in modal_text and "priority" in modal_text.lower()
        await pilot.press("p")  # share-safe view
        await pilot.pause()
        assert app.share_safe
        row, modal_text = await evergreen()
        assert "notes" not in row[3] and "budget frozen" not in row[3]
        assert "owner: Dana Reyes -> (none)" in row[3]  # owner is shared by default
        assert "budget frozen" not in modal_text and "priority" not in modal_text.lower()


async def test_choose_again_and_back_to_the_call(sessions_dir: Path) -> None:
    app = make_app(sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_compare(pilot)
        await choose(pilot, app, "2026-08-20")
        screen = app.screen
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, ComparePickScreen)
        # the session compared now is where the cursor starts
        assert "2026-08-20" in pick_rows(app)[app.screen.query_one(OptionList).highlighted]
        await choose(pilot, app, "2026-05-14")
        assert app.screen is screen and screen.prior.date == date(2026, 5, 14)
        assert "then 2026-05-14" in _plain(screen.query_one("#compare-title", Static).content)
        await pilot.press("escape")
        await pilot.pause()
        assert app.current_mode == app.workbench.session.agenda.current


async def test_other_partner_warns_and_compares_anyway(sessions_dir: Path) -> None:
    app = make_app(sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_compare(pilot)
        await choose(pilot, app, "Initech")
        picker = app.screen
        assert isinstance(picker, ComparePickScreen)  # not closed: it explains first
        notice = _plain(picker.query_one("#pick-notice", Static).content)
        # the core's one message, naming the file, less the command line's --force
        assert ("the earlier session 2026-Q3-northwind-initech.toml is of another partnership "
                "(Northwind x Initech) than this session (Northwind x Globex)") in " ".join(
                    notice.split()), notice
        assert "press a" in notice.lower() and "--force" not in notice
        await pilot.press("a")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CompareScreen) and screen.force
        assert "OTHER PARTNER" in _plain(screen.query_one("#compare-title", Static).content)


async def test_reacts_to_session_changes(sessions_dir: Path) -> None:
    app = make_app(sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_compare(pilot)
        await choose(pilot, app, "2026-08-20")
        screen = app.screen
        deltaworks = _by_name(app.workbench.session, "Deltaworks Ltd")
        app.workbench.set_field(deltaworks, "owner", "Priya Shah")
        await pilot.pause()
        row = next(r for r in table_rows(screen) if r[1] == "Deltaworks Ltd")
        assert "owner: Sam Ito -> Priya Shah" in row[3]


def test_snapshot_compare(snap_compare, sessions_dir: Path) -> None:
    app = make_app(sessions_dir)

    async def run_before(pilot) -> None:
        await open_compare(pilot)
        await choose(pilot, app, "2026-08-20")

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_snapshot_picker(snap_compare, sessions_dir: Path) -> None:
    app = make_app(sessions_dir)
    assert snap_compare(app, terminal_size=SIZE, run_before=open_compare)


def test_snapshot_picker_at_80x24(snap_compare, sessions_dir: Path) -> None:
    app = make_app(sessions_dir)
    assert snap_compare(app, terminal_size=(80, 24), run_before=open_compare)


def test_snapshot_picker_other_partner_at_80x24(snap_compare, sessions_dir: Path) -> None:
    """Another partner's notice, the buttons and the keys fit; the list scrolls in what is left."""
    app = make_app(sessions_dir)

    async def run_before(pilot) -> None:
        await open_compare(pilot)
        await choose(pilot, app, "Initech")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40)])
async def test_other_partner_notice_keeps_the_buttons_and_keys_on_the_dialog(
        sessions_dir: Path, size: tuple[int, int]) -> None:
    """At 80x24 the notice pushed "Compare anyway (a) / Cancel (esc)" and the keys off the
    dialog: the list gives up lines instead (and takes them back once the notice goes)."""
    app = make_app(sessions_dir)
    async with app.run_test(size=size) as pilot:
        await open_compare(pilot)
        picker = app.screen
        options = picker.query_one("#pick-list", OptionList)
        before = options.region.height
        await choose(pilot, app, "Initech")
        await settle(pilot)
        assert picker.query_one("#pick-notice").display
        dialog = picker.query_one("#pick-dialog").content_region
        for part in ("#pick-list", "#pick-notice", "#pick-anyway", "#pick-cancel", "#pick-keys"):
            region = picker.query_one(part).region
            assert region.height and picker.region.contains_region(region), (part, region)
            assert dialog.contains_region(region), (part, region, dialog)
        text = "\n".join(screen_lines(app))
        assert "Compare anyway (a)" in text and "Cancel (esc)" in text and "esc cancel" in text
        assert "other partner" in text  # the row chosen stays in sight
        await pilot.press("down")  # another row: the notice goes, the list has its lines again
        await settle(pilot)
        assert not picker.query_one("#pick-notice").display
        assert options.region.height == before


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40)])
async def test_picker_rows_are_one_line_each_under_their_headings(sessions_dir: Path,
                                                                   size: tuple[int, int]) -> None:
    """At 80 columns too, a session's date, title, partner, overlap and "other partner" mark
    are one line (the overlap went onto a second one), each under its heading."""
    app = make_app(sessions_dir)
    async with app.run_test(size=size) as pilot:
        await open_compare(pilot)
        assert isinstance(app.screen, ComparePickScreen)
        lines = screen_lines(app)
        head = next(line for line in lines if "Date" in line and "Session" in line)
        assert "Partner" in head and "Overlap" in head, head
        for day, partner, overlap in (("2026-09-02", "Initech", "10"),
                                      ("2026-08-20", "Globex", "10"),
                                      ("2026-05-14", "Globex", "6")):
            row = next(line for line in lines if day in line)
            assert row.index(day) == head.index("Date"), (head, row)
            assert row.index("2026-Q") == head.index("Session"), (head, row)
            assert row.index(partner) == head.index("Partner"), (head, row)
            end = head.index("Overlap") + len("Overlap")
            assert row[end - len(overlap) - 1:end] == f" {overlap}", (head, row)
            assert (OTHER_PARTNER in row) is (partner == "Initech"), row


def _plain(renderable) -> str:
    """The text of a Rich renderable as the terminal would show it (wide, no colour)."""
    from rich.console import Console

    console = Console(width=200, record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


async def test_no_earlier_session_and_this_one_is_not_offered(sessions_dir: Path) -> None:
    wb = current_workbench()
    wb.path = session_io.save(wb.session, sessions_dir / "2026-Q4-northwind-globex.toml")
    app = AcctmapApp(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_compare(pilot)
        picker = app.screen
        assert isinstance(picker, ComparePickScreen)
        assert picker.query_one("#pick-list", OptionList).option_count == 0
        notice = _plain(picker.query_one("#pick-notice", Static).content)
        assert "The only session saved in sessions/ is this one" in " ".join(notice.split())
        await pilot.press("escape")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CompareScreen) and screen.diff is None
        assert "Press c" in _plain(screen.query_one("#compare-empty", Static).content)
        await pilot.press("f")  # nothing to filter: no error, nothing changes
        assert screen.filter == "all"


async def test_session_files_are_read_once_each_and_off_the_ui_thread(
        sessions_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from acctmap_tui.views import compare as compare_view

    reads: list[tuple[str, bool]] = []
    real_load = compare_view.load

    def counting_load(path):
        reads.append((Path(path).name, threading.current_thread() is threading.main_thread()))
        return real_load(path)

    monkeypatch.setattr(compare_view, "load", counting_load)
    app = make_app(sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_compare(pilot)
        await choose(pilot, app, "2026-08-20")
        await pilot.press("f", "f")  # redraws
        await pilot.press("c")
        await settle(pilot)
        await choose(pilot, app, "2026-05-14")
        await pilot.press("1")
        await pilot.pause()
        await pilot.press("5")  # back to Compare: the folder is looked at again
        await settle(pilot)
    names = [name for name, _ in reads]
    assert names and len(names) == len(set(names)), names  # each file once
    assert not any(on_ui_thread for _, on_ui_thread in reads)


# --- the phase keys over Compare's picker (README: "1-5 phase ... on every screen") ----------


@pytest.mark.parametrize("key,phase", [("1", "icp"), ("2", "review"), ("4", "assign")])
async def test_a_phase_key_leaves_the_picker_to_that_phase(sessions_dir: Path, key: str,
                                                           phase: str) -> None:
    app = make_app(sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_compare(pilot)
        picker = app.screen
        assert isinstance(picker, ComparePickScreen)
        await pilot.press("5")  # Compare is under it: nothing happens
        await settle(pilot)
        assert app.screen is picker
        await pilot.press(key)
        await settle(pilot)
        assert app.current_mode == phase and app.workbench.session.agenda.current == phase
        assert not isinstance(app.screen, ComparePickScreen)
        await open_compare(pilot)  # the picker was closed, as esc closes it
        assert isinstance(app.screen, CompareScreen)


@pytest.mark.parametrize("keys,phase", [(("5", "1"), "icp"),
                                        (("1", "2", "3", "4", "5", "4", "3", "2", "1"), "icp"),
                                        (("5", "3"), "prioritize")])
async def test_phase_keys_typed_in_a_burst_after_5_end_on_the_last_phase(
        sessions_dir: Path, keys: tuple[str, ...], phase: str) -> None:
    app = make_app(sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        burst(app, *keys)
        for _ in range(3):
            await settle(pilot)
        assert app.current_mode == phase
        assert not isinstance(app.screen, ComparePickScreen)


async def test_a_picker_asked_for_just_before_a_phase_key_does_not_open_over_the_phase(
        sessions_dir: Path) -> None:
    """`c` then `1`: the sessions are read in a worker, and the phase key runs first."""
    app = make_app(sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_compare(pilot)
        await pilot.press("escape")
        await settle(pilot)
        burst(app, "c", "1")
        for _ in range(3):
            await settle(pilot)
        assert app.current_mode == "icp" and not isinstance(app.screen, ComparePickScreen)
        await open_compare(pilot)  # it was not shown: offered again on the next visit
        assert isinstance(app.screen, ComparePickScreen)


async def test_a_phase_key_leaves_the_account_dialog(sessions_dir: Path) -> None:
    app = make_app(sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_compare(pilot)
        await choose(pilot, app, "2026-08-20")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CompareAccountScreen)
        await pilot.press("3")
        await settle(pilot)
        assert app.current_mode == "prioritize"
        await open_compare(pilot)
        assert isinstance(app.screen, CompareScreen)


async def compared_with_august(pilot) -> tuple[CompareScreen, DataTable]:
    """The Compare screen with the 2026-08-20 session chosen, and its table."""
    await open_compare(pilot)
    await choose(pilot, pilot.app, "2026-08-20")
    screen = pilot.app.screen
    return screen, screen.query_one("#compare-table", DataTable)


async def test_account_dialog_at_80x24_scrolls_to_its_history_and_keeps_its_keys(
        sessions_dir: Path) -> None:
    app = make_app(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen, table = await compared_with_august(pilot)
        table.move_cursor(row=next(i for i, r in enumerate(table_rows(screen))
                                   if r[1].split() == ["Blue", "Harbor", "Logistics"]))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CompareAccountScreen)
        text = "\n".join(screen_lines(app))
        assert "Fields then and now" in text and "esc close" in text, text
        await pilot.press("end")  # the keyboard scrolls the fields and the history
        await settle(pilot)
        text = "\n".join(screen_lines(app))
        assert "History across sessions" in text and "esc close" in text, text
        history = [line for line in text.splitlines()
                   if any(day in line for day in ("2026-05-14", "2026-08-20", "2026-11-25"))]
        assert len(history) == 3 and "Intro to VP Ops" in history[-1], text


async def test_at_80_columns_names_and_next_actions_are_read_whole(sessions_dir: Path) -> None:
    """Last session's actions fit 80 columns (no column past the edge) and a long name or next
    action wraps in its cell rather than being cut."""
    app = make_app(sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen, table = await compared_with_august(pilot)
        names = [" ".join(r[1].split()) for r in table_rows(screen)]
        assert "Blue Harbor Logistics" in names and "Cobalt Analytics GmbH" in names
        await pilot.press("a")
        await settle(pilot)
        assert table.virtual_size.width <= table.size.width
        rows = {" ".join(r[1].split()): " ".join(r[-2].split()) for r in table_rows(screen)}
        assert rows["Quasar Labs"] == "Renewal co-sell plan"
        assert rows["Cobalt Analytics GmbH"] == "Joint webinar"
