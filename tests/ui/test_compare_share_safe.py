"""Compare in the share-safe view: what the session marks private never shows there.

Each private value holds a marker. Each test first shows the marker on screen with the view off
(so it can fail), then presses p and reads the whole rendered screen again: last session's
actions (a), the account's history (enter), the summary and its chart, the session picker.
"""

from __future__ import annotations

import copy
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from textual.widgets import Static

from acctmap_tui.app import AcctmapApp
from acctmap_tui.core import session as session_io
from acctmap_tui.core.categorize import apply_categories
from acctmap_tui.core.model import OURS, PARTNER, PROSPECT, SESSION_SIDE, Session
from acctmap_tui.core.normalize import name_key
from acctmap_tui.core.score import rescore
from acctmap_tui.core.sharing import default_field_policy
from acctmap_tui.core.workbench import Workbench
from acctmap_tui.screens.compare import CompareScreen
from acctmap_tui.screens.compare_account import CompareAccountScreen
from acctmap_tui.screens.compare_pick import OTHERS_HIDDEN, ComparePickScreen
from tests.ui.factory import small_workbench
from tests.ui.test_compare import _plain, pick_rows, table_rows
from tests.ui.test_share_safe_everywhere import screen_lines

SIZE = (120, 40)
OWNER, ACTION = "ZZSowner", "ZZSaction"  # this session's
OLD_OWNER, OLD_ACTION, OLD_DUE = "ZZSoldowner", "ZZSoldaction", "2031-07-17"  # last quarter's
OTHER_PARTNER = "ZZSInitech"
ACCOUNT = "Blue Harbor Logistics"  # an intro last quarter, a shared customer now


def workbench(*private: str) -> Workbench:
    """The factory's session with an owner and a next action on every account; `private` call
    fields marked private (as ctrl+o does)."""
    wb = small_workbench()
    for account in wb.session.overlap():
        account.owner, account.next_action = OWNER, ACTION
    for name in private:
        wb.set_shareable(SESSION_SIDE, name, False)
    wb._undo.clear()
    return wb


def last_quarter(current: Session, partner: str | None = None) -> Session:
    """Last quarter's session (its own owners, actions and due dates; default marks), or one of
    another partnership."""
    s = copy.deepcopy(current)
    s.fields = []
    s.date = date(2026, 8, 20)
    s.created = datetime(2026, 8, 20, 10, 0, tzinfo=timezone.utc)
    s.partner = partner or s.partner
    s.title = f"{s.ours} x {s.partner} — 2026-Q3 mapping"
    for account in s.overlap():
        account.owner, account.next_action = OLD_OWNER, OLD_ACTION
        account.due = date.fromisoformat(OLD_DUE)
    next(a for a in s.accounts if a.ours.name == ACCOUNT).ours.status = PROSPECT
    apply_categories(s)
    rescore(s)
    return s


def make_app(sessions_dir: Path, wb: Workbench) -> AcctmapApp:
    session_io.save(last_quarter(wb.session), sessions_dir / "2026-Q3-northwind-globex.toml")
    wb.session.agenda.current = "assign"
    return AcctmapApp(wb, sessions_dir, autosave_delay=600)


async def settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def compare_with_last_quarter(pilot) -> CompareScreen:
    await pilot.press("5")  # Compare opens on its picker, on the newest session of this partner
    await settle(pilot)
    assert isinstance(pilot.app.screen, ComparePickScreen)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, CompareScreen)
    return pilot.app.screen


def text_of(screen, selector: str) -> str:
    """One widget's text (the header above holds the category counts of its own)."""
    return _plain(screen.query_one(selector, Static).content)


def on_screen(app: AcctmapApp, *markers: str) -> set[str]:
    text = "\n".join(screen_lines(app))
    return {m for m in markers if m in text}


async def toggle_share_safe(pilot) -> None:
    was_on = pilot.app.share_safe
    await pilot.press("p")
    await pilot.pause()
    if was_on:  # off only once asked
        await pilot.press("y")
        await pilot.pause()


async def actions_and_history(pilot, *markers: str) -> tuple[set[str], set[str]]:
    """The markers on last session's actions (a), then in the account's history (enter)."""
    await pilot.press("a")
    await pilot.pause()
    actions = on_screen(pilot.app, *markers)
    await pilot.press("a")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, CompareScreen)
    table = screen.query_one("#compare-table")
    names = [str(table.get_row_at(i)[1]) for i in range(table.row_count)]
    table.move_cursor(row=names.index(ACCOUNT))
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, CompareAccountScreen)
    history = on_screen(pilot.app, *markers)
    await pilot.press("escape")
    await pilot.pause()
    return actions, history


CALL_FIELDS = {  # a call field marked private -> its markers on Compare
    "owner": (OWNER, OLD_OWNER),
    "next_action": (ACTION, OLD_ACTION),
    "due": (OLD_DUE,),
}
ALL_MARKERS = (OWNER, OLD_OWNER, ACTION, OLD_ACTION, OLD_DUE)


@pytest.mark.parametrize("private", [("owner",), ("next_action",), ("owner", "next_action"),
                                     ("due",)])
async def test_private_call_fields_leave_actions_and_history(
        sessions_dir: Path, private: tuple[str, ...]) -> None:
    app = make_app(sessions_dir, workbench(*private))
    hidden = {m for name in private for m in CALL_FIELDS[name]}
    async with app.run_test(size=SIZE) as pilot:
        await compare_with_last_quarter(pilot)
        actions, history = await actions_and_history(pilot, *ALL_MARKERS)
        assert actions == set(ALL_MARKERS) - {OWNER, ACTION}  # last session's: the old ones
        assert {OWNER, OLD_OWNER, ACTION, OLD_ACTION} <= history
        await toggle_share_safe(pilot)
        actions, history = await actions_and_history(pilot, *ALL_MARKERS)
        assert not actions & hidden, "\n".join(screen_lines(app))
        assert not history & hidden
        # a field still shared stays (the owner where the next action is private goes with the
        # action list, which is a list of next actions)
        if private == ("owner",):
            assert {OLD_ACTION, OLD_DUE} <= actions and {ACTION, OLD_ACTION} <= history
        if private == ("due",):
            assert {OLD_OWNER, OLD_ACTION} <= actions and {OWNER, OLD_OWNER} <= history


EARLIER_PRIVATE = ("category", "owner", "next_action", "due")


async def test_what_the_earlier_session_kept_private_stays_private(sessions_dir: Path) -> None:
    """Audit 11 F2: last quarter marked its categories, owners, next actions and due dates
    private; this session shares them. The share-safe view follows the partner-safe diff (a
    field shows where both sessions share it): none of last quarter's values shows, in the
    changes, its actions, the summary's "Then" column, the chart or the account's history."""
    wb = workbench()
    earlier = last_quarter(wb.session)
    # a change both sessions share (with the category private, so is our status: FOLLOWS)
    next(a for a in earlier.accounts if a.ours.name == ACCOUNT).theirs.name = "Blue Harbour"
    earlier.fields = default_field_policy(earlier)
    for f in earlier.fields:
        f.shareable = f.shareable and not (f.side == SESSION_SIDE and f.name in EARLIER_PRIVATE)
    session_io.save(earlier, sessions_dir / "2026-Q3-northwind-globex.toml")
    wb.session.agenda.current = "assign"
    app = AcctmapApp(wb, sessions_dir, autosave_delay=600)
    old_markers = (OLD_OWNER, OLD_ACTION, OLD_DUE, "warm intro converted")
    async with app.run_test(size=SIZE) as pilot:
        screen = await compare_with_last_quarter(pilot)
        for share_safe in (False, True):
            if share_safe:
                await toggle_share_safe(pilot)
            changes = {m for m in old_markers if m in names_seen(app)}
            summary = text_of(screen, "#compare-summary")
            chart = text_of(screen, "#compare-history")
            actions, history = await actions_and_history(pilot, *old_markers)
            dialog_text = await open_account(pilot, ACCOUNT)
            if not share_safe:  # the check can fail
                assert changes == set(old_markers) and {OLD_OWNER, OLD_ACTION} <= history
                assert "SHARED" in summary and "(private)" not in chart + dialog_text
                continue
            assert not changes | actions | history, "\n".join(screen_lines(app))
            await pilot.press("a")
            await pilot.pause()
            assert "last session's actions are private" in "\n".join(screen_lines(app))
            assert "SHARED" not in summary, summary  # no "Then" (nor "Now") per category
            shared_row = next(line for line in chart.splitlines() if "SHARED" in line)
            assert shared_row.split()[1] == "(private)", chart  # last quarter's column
            # this quarter's owner neither: the history shows what "then and now" does (a
            # field both sessions share), not this quarter's row by its own marks (audit 16 L2)
            assert OWNER not in dialog_text and "Owner" not in dialog_text, dialog_text


async def test_a_third_sessions_history_row_hides_what_it_kept_private(
        sessions_dir: Path) -> None:
    """The history has the columns "then and now" shows (both compared sessions share the
    owner here); a session before both, which kept its owners private, shows "(private)" in
    its row, never its owner."""
    wb = workbench()
    q2 = last_quarter(wb.session)
    q2.date, q2.title = date(2026, 5, 20), "Northwind x Globex — 2026-Q2 mapping"
    q2.created = datetime(2026, 5, 20, 10, 0, tzinfo=timezone.utc)
    for account in q2.overlap():
        account.owner = "ZZSq2owner"
    q2.fields = default_field_policy(q2)
    for f in q2.fields:
        f.shareable = f.shareable and not (f.side == SESSION_SIDE and f.name == "owner")
    session_io.save(q2, sessions_dir / "2026-Q2-northwind-globex.toml")
    app = make_app(sessions_dir, wb)
    async with app.run_test(size=SIZE) as pilot:
        await compare_with_last_quarter(pilot)  # the newest: Q3
        assert "ZZSq2owner" in await open_account(pilot, ACCOUNT)
        await toggle_share_safe(pilot)
        text = await open_account(pilot, ACCOUNT)
        assert "ZZSq2owner" not in text and OWNER in text and OLD_OWNER in text, text
        q2_row = next(line for line in text.splitlines() if "2026-05-20" in line)
        assert "(private)" in q2_row, text


PAST, FUTURE = date(2026, 10, 1), date.fromisoformat(OLD_DUE)  # before / after this session


async def actions_seen(sessions_dir: Path, dues: tuple[date, ...]
                       ) -> tuple[tuple[str, list[list[str]]], tuple[str, list[list[str]]]]:
    """Last session's actions (a), due dates by turns from `dues` (the accounts by name) and the
    due date private: (caption, rows) with the view off, then on."""
    wb = workbench("due")
    earlier = last_quarter(wb.session)
    overlap = sorted(earlier.overlap(), key=lambda a: a.ours.name)
    for n, account in enumerate(overlap):
        account.due = dues[n % len(dues)]
    session_io.save(earlier, sessions_dir / "2026-Q3-northwind-globex.toml")
    wb.session.agenda.current = "assign"
    app = AcctmapApp(wb, sessions_dir, autosave_delay=600)
    seen = []
    async with app.run_test(size=SIZE) as pilot:
        screen = await compare_with_last_quarter(pilot)
        await pilot.press("a")
        await pilot.pause()
        for _ in range(2):
            assert screen.filter == "actions"
            seen.append((text_of(screen, "#compare-caption"), table_rows(screen),
                         "\n".join(screen_lines(app))))
            if not app.share_safe:
                await toggle_share_safe(pilot)
                await pilot.pause()
    (off_caption, off_rows, off_text), (caption, rows, text) = seen
    assert "overdue" not in text, text
    return (off_caption, off_rows), (caption, rows)


async def test_with_due_private_no_action_is_overdue_in_the_share_safe_view(
        tmp_path: Path) -> None:
    """"Overdue" is "due before this session's date": with the due date private the share-safe
    view tells it as open, in the caption's counts, each row's marker and the rows' order."""
    seen = []
    for n, dues in enumerate(((PAST, FUTURE), (PAST,), (FUTURE,), (FUTURE, PAST))):
        folder = tmp_path / f"sessions{n}"
        folder.mkdir()
        seen.append(await actions_seen(folder, dues))
    (off_caption, off_rows), (caption, rows) = seen[0]
    assert " overdue" in off_caption and "! overdue" in {r[0] for r in off_rows}
    assert " overdue" not in caption and " 0 open" not in caption
    assert {r[0] for r in rows} == {"· open"}
    assert all(shared == seen[0][1] for _, shared in seen), "the hidden due dates show"
    assert seen[1][0] != seen[2][0]  # with the view off, past and future dues do differ


async def test_private_next_action_says_the_actions_are_hidden(sessions_dir: Path) -> None:
    app = make_app(sessions_dir, workbench("next_action"))
    async with app.run_test(size=SIZE) as pilot:
        await compare_with_last_quarter(pilot)
        await toggle_share_safe(pilot)
        await pilot.press("a")
        await pilot.pause()
        text = "\n".join(screen_lines(app))
        assert "last session's actions are private" in text
        assert "Actions done" not in text  # the summary's action figures count next actions


async def test_private_category_hides_the_move_and_the_history_column(
        sessions_dir: Path) -> None:
    app = make_app(sessions_dir, workbench("category"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await compare_with_last_quarter(pilot)
        for share_safe in (False, True):
            if share_safe:
                await toggle_share_safe(pilot)
            top = text_of(screen, "#compare-summary") + text_of(screen, "#compare-history")
            assert ("SHARED" in top) is not share_safe  # the per-category rows
            table = screen.query_one("#compare-table")
            names = [str(table.get_row_at(i)[1]) for i in range(table.row_count)]
            table.move_cursor(row=names.index(ACCOUNT))
            await pilot.press("enter")
            await pilot.pause()
            dialog = app.screen
            assert isinstance(dialog, CompareAccountScreen)
            said = text_of(dialog, "#account-title") + text_of(dialog, "#account-history")
            assert ("warm intro converted" in said) is not share_safe
            assert ("INTRO" in said) is not share_safe
            await pilot.press("escape")
            await pilot.pause()


async def test_activation_rate_hidden_by_the_partner_safe_rule(sessions_dir: Path) -> None:
    app = make_app(sessions_dir, workbench())
    async with app.run_test(size=SIZE) as pilot:
        screen = await compare_with_last_quarter(pilot)
        summary, chart = screen.query_one("#compare-summary"), screen.query_one("#compare-history")
        assert on_screen(app, "Activation rate", "Activation ")  # summary and chart
        await toggle_share_safe(pilot)  # the priority is private by default
        assert not on_screen(app, "Activation"), "\n".join(screen_lines(app))
        assert summary.display and chart.display
        # the same rule as the partner-safe diff: the summary shows it once both sessions share
        # the priority; the chart shows each session's where that session shares it
        app.workbench.set_shareable(SESSION_SIDE, "priority", True)
        await pilot.pause()
        assert on_screen(app, "Activation rate", "Activation ") == {"Activation "}
        chart = text_of(screen, "#compare-history")
        then, now = next(line for line in chart.splitlines() if "Activation" in line).split()[1:]
        assert then == "(private)" and now.endswith("%"), chart


def save_other_partnership(sessions_dir: Path, wb: Workbench) -> None:
    other = last_quarter(wb.session, partner=OTHER_PARTNER)
    other.date = date(2026, 9, 2)
    session_io.save(other, sessions_dir / "2026-Q3-northwind-zzsinitech.toml")


async def test_picker_lists_only_this_partnership_in_share_safe_view(sessions_dir: Path) -> None:
    wb = workbench()
    save_other_partnership(sessions_dir, wb)
    app = make_app(sessions_dir, wb)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        await settle(pilot)
        assert isinstance(app.screen, ComparePickScreen)
        assert on_screen(app, OTHER_PARTNER, "other partner") == {OTHER_PARTNER, "other partner"}
        assert not on_screen(app, OTHERS_HIDDEN)
        await pilot.press("escape")
        await pilot.pause()
        await toggle_share_safe(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, ComparePickScreen)
        assert not on_screen(app, OTHER_PARTNER), "\n".join(screen_lines(app))
        assert [row[:10] for row in pick_rows(app)] == ["2026-08-20"]  # not even unmarked
        assert on_screen(app, OTHERS_HIDDEN)


async def test_comparison_with_another_partnership_hidden_in_share_safe_view(
        sessions_dir: Path) -> None:
    wb = workbench()
    save_other_partnership(sessions_dir, wb)
    app = make_app(sessions_dir, wb)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        await settle(pilot)
        await pilot.press("up")  # the other partnership's session is the newest
        await pilot.press("enter", "a")  # compare anyway
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen) and screen.force
        assert on_screen(app, OTHER_PARTNER)
        await toggle_share_safe(pilot)
        assert not on_screen(app, OTHER_PARTNER, OLD_OWNER), "\n".join(screen_lines(app))
        assert on_screen(app, "another partnership")
        await pilot.press("a", "enter")  # nothing to list or open
        await pilot.pause()
        assert app.screen is screen and not on_screen(app, OTHER_PARTNER, OLD_OWNER)
        await toggle_share_safe(pilot)
        assert on_screen(app, OTHER_PARTNER)


async def share_safe_from_the_palette(pilot) -> None:
    """The share-safe view switched with the command palette, over a dialog (p is not)."""
    dialog = pilot.app.screen
    was_on = pilot.app.share_safe
    await pilot.press("ctrl+p")
    await settle(pilot)
    await pilot.press(*"share-safe view")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    if was_on:  # off only once asked
        assert pilot.app.screen is not dialog and pilot.app.share_safe
        await pilot.press("y")
        await settle(pilot)
    assert pilot.app.screen is dialog and pilot.app.share_safe is not was_on


async def test_dialogs_follow_the_view_switched_over_them(sessions_dir: Path) -> None:
    wb = workbench("owner")
    save_other_partnership(sessions_dir, wb)
    app = make_app(sessions_dir, wb)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        await settle(pilot)
        assert on_screen(app, OTHER_PARTNER)
        await share_safe_from_the_palette(pilot)
        assert app.share_safe and not on_screen(app, OTHER_PARTNER)
        await pilot.press("enter")  # this partnership's session
        await settle(pilot)
        await share_safe_from_the_palette(pilot)  # off again
        await pilot.press("enter")  # the account under the cursor
        await settle(pilot)
        assert isinstance(app.screen, CompareAccountScreen)
        assert on_screen(app, OWNER, OLD_OWNER) == {OWNER, OLD_OWNER}
        await share_safe_from_the_palette(pilot)
        assert app.share_safe and not on_screen(app, OWNER, OLD_OWNER)


# --- account names marked private (ctrl+o) ------------------------------------------------------

NAME = "ZZSname"  # in every name of the side marked private, now and last quarter
RENAMED = "Deltaworks"  # a new domain this quarter: gone and new, with a "domain changed?" hint
NO_DOMAIN = "Helios Robotics"  # no domain on either side: its comparison key is a name key


def _mark_names(records) -> None:
    for n, record in enumerate(records):
        record.name = f"{NAME}{n} {record.name}"
        record.name_key = name_key(record.name)


def app_with_names_private(sessions_dir: Path, side: str) -> AcctmapApp:
    """Last quarter saved, then that side's names marked (both sessions) and made private."""
    wb = workbench()
    helios = next(a for a in wb.session.accounts if a.ours.name == NO_DOMAIN)
    helios.theirs.domain = helios.theirs.raw_domain = ""
    old = last_quarter(wb.session)
    delta = next(a for a in old.accounts if a.ours.name.startswith(RENAMED))
    for record in (delta.ours, delta.theirs):
        record.domain = record.raw_domain = "deltaworks-old.co.uk"
    records = wb.ours.records if side == OURS else wb.theirs.records
    _mark_names(records)
    _mark_names(a.ours if side == OURS else a.theirs for a in old.accounts)
    session_io.save(old, sessions_dir / "2026-Q3-northwind-globex.toml")
    wb.set_shareable(side, "name", False)
    wb._undo.clear()
    wb.session.agenda.current = "assign"
    return AcctmapApp(wb, sessions_dir, autosave_delay=600)


def names_seen(app: AcctmapApp) -> str:
    """The rendered screen and every cell of the Compare table (rows below the screen too)."""
    text = "\n".join(screen_lines(app))
    screen = app.screen
    if isinstance(screen, CompareScreen):
        text += "\n" + "\n".join(" ".join(row) for row in table_rows(screen))
    return text


async def open_account(pilot, name: str) -> str:
    """The account dialog of the row whose name has `name`, as rendered; then closed."""
    screen = pilot.app.screen
    names = [row[1] for row in table_rows(screen)]
    screen.query_one("#compare-table").move_cursor(row=next(
        n for n, shown in enumerate(names) if name.casefold() in shown.casefold()))
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, CompareAccountScreen)
    text = "\n".join(screen_lines(pilot.app))
    await pilot.press("escape")
    await pilot.pause()
    return text


@pytest.mark.parametrize("side", [OURS, PARTNER])
async def test_names_marked_private_leave_compare(sessions_dir: Path, side: str) -> None:
    """An account is named by the other side's name; its key and the "domain changed?" hint,
    which quote names, are left out."""
    app = app_with_names_private(sessions_dir, side)
    other = "ACME Corporation" if side == OURS else "Acme, Inc."
    async with app.run_test(size=SIZE) as pilot:
        await compare_with_last_quarter(pilot)
        for share_safe in (False, True):
            if share_safe:
                await toggle_share_safe(pilot)
            seen = [names_seen(app)]
            assert ("hint: same name" in seen[0]) is not share_safe  # the check can fail
            dialogs = [await open_account(pilot, name) for name in (RENAMED, "Helios", "Acme")]
            seen += dialogs
            if side == OURS:  # Helios's key is our name key
                assert ("name:zzsname" in dialogs[1]) is not share_safe
            await pilot.press("a")
            await pilot.pause()
            seen.append(names_seen(app))
            await pilot.press("a")
            await pilot.pause()
            marked = [NAME.casefold() in text.casefold() for text in seen]
            if share_safe:
                assert not any(marked), seen[marked.index(True)]
            else:  # the dialogs' name rows, and our names everywhere: the check can fail
                assert all(marked) if side == OURS else all(marked[1:4])
        assert other in seen[0] and other in seen[-1] and other in dialogs[2]


# --- the share policy: made once per drawing, not once per field asked --------------------------


def test_the_account_dialog_makes_the_policy_once_per_drawing(policies_made: list[Session]):
    from acctmap_tui.core.compare import diff_sessions

    wb = workbench("owner")
    old = last_quarter(wb.session)
    d = next(a for a in diff_sessions(old, wb.session).accounts if a.old and a.new)
    made = policies_made
    made.clear()
    dialog = CompareAccountScreen(d, old, wb.session, [old, wb.session], private=True)
    title, fields, history = dialog._title(), dialog._fields(), dialog._history()
    # both sessions' (the fields, the name), and each history row's: never one per field asked
    assert {id(s) for s in made} == {id(old), id(wb.session)} and len(made) <= 4
    assert [c.header for c in history.columns] == [  # owner and priority private
        "Session", "Category", "Next action", "State"]
    assert "owner" not in {str(row) for row in fields.columns[0].cells}
    assert title.plain


# --- the order of the rows: never the hidden names' or domains' ----------------------------------


async def test_rows_named_alike_go_by_a_neutral_key_not_by_hidden_domains(sessions_dir: Path):
    """Names and domains private: every row is "(our name hidden)". Ordered by their keys, the
    changed rows and last session's actions would be in the order of the hidden domains."""
    from textual.widgets import DataTable

    from acctmap_tui.core.score import neutral_key

    wb = workbench()
    app = make_app(sessions_dir, wb)
    for side in (OURS, PARTNER):
        for name in ("name", "domain"):
            wb.set_shareable(side, name, False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await compare_with_last_quarter(pilot)
        await toggle_share_safe(pilot)
        for view in ("changes", "actions"):
            table = screen.query_one("#compare-table", DataTable)
            keys = [row.key.value for row in table.ordered_rows]
            names = {row[1] for row in table_rows(screen)}
            assert len(keys) > 5 and names == {"(our name hidden)"}, (view, names)
            accounts = [screen.view.account(key) for key in keys]
            neutral = [neutral_key(d.new or d.old, wb.session.session_id) for d in accounts]
            assert keys != sorted(keys) and neutral == sorted(neutral), view
            await pilot.press("a")
            await pilot.pause()


async def test_the_session_under_the_pickers_cursor_stays_there_when_the_view_switches(
        sessions_dir: Path) -> None:
    """With the cursor on last-but-one quarter's session, `p` (and back, `p` `y`) used to put it
    on another session: enter then compared with that one (audit 6)."""
    from tests.ui.test_compare import make_app as app_with_sessions
    from tests.ui.test_compare import open_compare

    app = app_with_sessions(sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_compare(pilot)
        picker = app.screen
        assert isinstance(picker, ComparePickScreen)
        options = picker.query_one("#pick-list")
        options.highlighted = next(n for n, i in enumerate(picker.infos)
                                   if i.path.name == "2026-Q2-northwind-globex.toml")
        await pilot.pause()
        for _ in range(2):  # on, then off
            await toggle_share_safe(pilot)
            assert picker.infos[options.highlighted].path.name == "2026-Q2-northwind-globex.toml"
