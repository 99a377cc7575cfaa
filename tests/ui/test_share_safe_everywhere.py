"""Share-safe everywhere: with the view on (p), no private field reaches any screen or dialog.

Every private field of the session holds a marker: both lists' CRM owners, their extra CRM columns
("Billing Country", "Annual Revenue"), the raw website cell, the pairs' notes, the ICP notes, and a
priority of 987 (so rank, ★ and the number itself are private too). Each test first shows that the
markers DO reach the screen with the view off (so it can fail), then presses p and reads the whole
rendered screen again.
"""

from __future__ import annotations

import copy
import html
import re
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from acctmap_tui.app import AcctmapApp
from acctmap_tui.core import session as session_io
from acctmap_tui.core.model import OURS, PARTNER, SESSION_SIDE, Factor
from acctmap_tui.core.score import rescore
from acctmap_tui.core.sharing import default_field_policy, is_shareable
from acctmap_tui.core.workbench import Workbench
from acctmap_tui.screens.assign_edit import AssignEditScreen
from acctmap_tui.widgets.account_table import AccountTable
from tests.ui.factory import small_workbench

SIZES = [(120, 40), (80, 24)]
OWNER = {OURS: "ZZSownO", PARTNER: "ZZSownP"}
EXTRA = {OURS: ("Billing Country", "ZZSctryO"), PARTNER: ("Country/Region", "ZZSctryP")}
REVENUE = "ZZSrev"
RAW = {OURS: "ZZSrawO", PARTNER: "ZZSrawP"}
NOTES = "ZZSnote"
ICP_NOTES = "ZZSicp"
PRIORITY = "987"  # 7 x level 141 on a factor of 141 levels: nothing else on screen reads 987
STAR = "★"
MARKERS = (*OWNER.values(), EXTRA[OURS][1], EXTRA[PARTNER][1], REVENUE, *RAW.values(), NOTES,
           ICP_NOTES, PRIORITY, STAR)
TOP = "Acme, Inc."  # the account scored 987


def secret_workbench() -> Workbench:
    """The factory's session with a marker in every private field."""
    wb = small_workbench()
    for side, lst in ((OURS, wb.ours), (PARTNER, wb.theirs)):
        assert lst is not None
        header, value = EXTRA[side]
        for record in lst.records:
            record.owner = OWNER[side]
            record.extra[header] = value
            record.extra["Annual Revenue"] = REVENUE
            if record.domain:
                record.raw_domain = f"{RAW[side]}@{record.domain}"  # an e-mail address
    session = wb.session
    session.icp_notes = f"ICP: {ICP_NOTES}"
    factors = [f for f in session.scoring.factors]
    factors.append(Factor("zeta", "Zeta", 7, [f"z{i}" for i in range(1, 142)]))
    session.scoring.factors = factors
    for account in session.overlap():
        account.notes = NOTES
        account.owner = "Sam Ito"  # the call's owner: shared by default
        account.next_action = "Joint demo"
    by_name = {a.ours.name: a for a in session.overlap()}
    by_name[TOP].scores["zeta"] = 141
    by_name["Granite Payments"].scores["relationship"] = 1  # a second, lower-ranked account
    session.fields = default_field_policy(session)  # "Annual Revenue" is now a (private) field
    rescore(session)
    assert by_name[TOP].priority == int(PRIORITY)
    for side in (OURS, PARTNER):
        assert not is_shareable(session, side, "owner")
        assert not is_shareable(session, side, "Annual Revenue")
    for name in ("priority", "scores", "notes"):
        assert not is_shareable(session, SESSION_SIDE, name)
    return wb


def make_app(sessions_dir: Path, phase: str, wb: Workbench | None = None) -> AcctmapApp:
    wb = wb or secret_workbench()
    wb.session.agenda.current = phase  # start there without an edit (no autosave)
    return AcctmapApp(wb, sessions_dir, autosave_delay=600)


def screen_lines(app: AcctmapApp) -> list[str]:
    """The rendered screen (the top screen over what shows beneath it), one string per row."""
    svg = app.export_screenshot()
    rows: dict[float, dict[int, str]] = {}
    for x, y, text in re.findall(r'<text class="[^"]*" x="([\d.]+)" y="([\d.]+)"[^>]*>([^<]*)</text>',
                                 svg):
        rows.setdefault(float(y), {})[round(float(x) / 12.2)] = html.unescape(text)
    lines = []
    for y in sorted(rows):
        line = ""
        for col, text in sorted(rows[y].items()):
            line = line.ljust(col) + text
        lines.append(line.replace("\xa0", " "))
    return lines


def markers_on_screen(app: AcctmapApp) -> set[str]:
    """The markers anywhere on screen (also one cut across two rows)."""
    lines = screen_lines(app)
    joined = "".join(line.strip() for line in lines)
    found = {m for m in MARKERS if any(m in line for line in lines) or m in joined}
    if PRIORITY in found and not any(re.search(rf"\b{PRIORITY}\b", line) for line in lines):
        found.discard(PRIORITY)  # 987 only as part of a longer number
    return found


async def share_safe_on(pilot) -> None:
    await pilot.press("p")
    await pilot.pause()
    assert pilot.app.share_safe


def assert_clean(app: AcctmapApp, where: str) -> None:
    leaked = markers_on_screen(app)
    assert not leaked, f"{where}: private values on screen with share-safe on: {sorted(leaked)}\n" + \
        "\n".join(screen_lines(app))


# --- phase 1: ICP --------------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
async def test_icp(sessions_dir: Path, size: tuple[int, int]) -> None:
    app = make_app(sessions_dir, "icp")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        if size == SIZES[0]:  # at 80x24 the notes box is cut to its first line (the hint)
            assert ICP_NOTES in markers_on_screen(app)
        await share_safe_on(pilot)
        assert_clean(app, "ICP")
        await pilot.press("s")  # the status words dialog
        await pilot.pause()
        assert_clean(app, f"ICP dialog {type(app.screen).__name__}")


# --- phase 2: Review -------------------------------------------------------------------------------


async def _review_to(pilot, name: str) -> None:
    """Put the Review cursor on the pair whose our-side name is `name` (overlap view)."""
    screen = pilot.app.screen
    for _ in range(3):
        if screen.current() is not None and screen.current().ours.name == name:
            return
        table = screen.query_one(AccountTable) if screen.query(AccountTable) else None
        if table is not None and name in [a.ours.name for a in table.accounts]:
            table.move_cursor(row=[a.ours.name for a in table.accounts].index(name))
            await pilot.pause()
            continue
        await pilot.press("v")  # next list: queue -> overlap -> rejected
        await pilot.pause()
    assert screen.current() is not None and screen.current().ours.name == name


@pytest.mark.parametrize("size", SIZES)
async def test_review_diff_pane_and_dialogs(sessions_dir: Path, size: tuple[int, int]) -> None:
    app = make_app(sessions_dir, "review")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await _review_to(pilot, TOP)
        shown = markers_on_screen(app)
        assert {RAW[OURS], RAW[PARTNER], OWNER[OURS]} <= shown, shown
        await share_safe_on(pilot)
        await pilot.pause()
        assert_clean(app, "Review")
        for key, close in (("m", "escape"), ("g", "escape")):  # pair by hand, set the category
            await pilot.press(key)
            await pilot.pause()
            assert_clean(app, f"Review dialog {type(app.screen).__name__}")
            await pilot.press(close)
            await pilot.pause()


# --- phase 3: Prioritize ---------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
async def test_prioritize(sessions_dir: Path, size: tuple[int, int]) -> None:
    app = make_app(sessions_dir, "prioritize")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#prio-table", AccountTable)
        table.move_cursor(row=0)
        await pilot.pause()
        assert {STAR, PRIORITY} <= markers_on_screen(app)
        assert any("scored 2" in line for line in screen_lines(app))
        await share_safe_on(pilot)
        assert_clean(app, "Prioritize")
        assert not any("scored 2" in line for line in screen_lines(app))  # counts private scores
        table = app.screen.query_one("#prio-table", AccountTable)
        assert "rank" not in [spec.key for spec in table.specs]
        names = [a.name.casefold() for a in table.accounts]
        assert names == sorted(names), "the rows must not keep the private rank order"
        await pilot.press("w")  # the factor editor stays closed: scores are private
        await pilot.pause()
        assert_clean(app, f"Prioritize after w ({type(app.screen).__name__})")
        await share_safe_off_again(pilot)
        assert STAR in markers_on_screen(app)


async def share_safe_off_again(pilot) -> None:
    await pilot.press("escape")
    await pilot.pause()
    await pilot.press("p")
    await pilot.pause()
    assert pilot.app.share_safe  # off only once asked
    await pilot.press("y")
    await pilot.pause()
    assert not pilot.app.share_safe


async def test_prioritize_shows_rank_when_the_priority_is_shared(sessions_dir: Path) -> None:
    wb = secret_workbench()
    wb.set_shareable(SESSION_SIDE, "priority", True)
    app = make_app(sessions_dir, "prioritize", wb)
    async with app.run_test(size=SIZES[0]) as pilot:
        await pilot.pause()
        await share_safe_on(pilot)
        table = app.screen.query_one("#prio-table", AccountTable)
        assert "rank" in [spec.key for spec in table.specs]
        assert STAR in markers_on_screen(app)


# --- phase 4: Assign -------------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
async def test_assign_and_edit_dialog(sessions_dir: Path, size: tuple[int, int]) -> None:
    app = make_app(sessions_dir, "assign")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#assign-table", AccountTable)
        table.move_cursor(row=[a.ours.name for a in table.accounts].index(TOP))
        await pilot.pause()
        assert {OWNER[OURS], OWNER[PARTNER]} <= markers_on_screen(app)  # "CRM owners: ..."
        await pilot.press("o")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, AssignEditScreen) and OWNER[OURS] in dialog.owners
        await pilot.press("escape")
        await pilot.pause()

        await share_safe_on(pilot)
        assert_clean(app, "Assign")
        table = app.screen.query_one("#assign-table", AccountTable)
        assert "rank" not in [spec.key for spec in table.specs]
        names = [a.name.casefold() for a in table.accounts]
        assert names == sorted(names), "the rows must not keep the private rank order"
        for key in ("e", "o"):
            await pilot.press(key)
            await pilot.pause()
            dialog = app.screen
            assert isinstance(dialog, AssignEditScreen)
            assert not {OWNER[OURS], OWNER[PARTNER]} & set(dialog.owners)
            assert dialog.owners == ["Sam Ito"]  # owners typed on the call still complete
            assert_clean(app, f"Assign edit dialog ({key})")
            await pilot.press("escape")
            await pilot.pause()


async def test_owner_completion_never_offers_a_private_crm_owner(sessions_dir: Path) -> None:
    """Typing the start of a private CRM owner's name suggests nothing with the view on."""
    app = make_app(sessions_dir, "assign")
    async with app.run_test(size=SIZES[0]) as pilot:
        await pilot.pause()
        await share_safe_on(pilot)
        await pilot.press("o")
        await pilot.pause()
        await pilot.press("ctrl+u", *"ZZS")
        await pilot.pause()
        box = app.screen.query_one("#assign-owner")
        assert box.value == "ZZS"
        assert not box._suggestion
        assert_clean(app, "owner box after typing ZZS")


# --- Compare -----------------------------------------------------------------------------------------


def prior_session(wb: Workbench):
    """Last quarter: other notes and scores (so Compare has private changes to show)."""
    s = copy.deepcopy(wb.session)
    s.title = "Northwind x Globex — 2026-Q3 mapping"
    s.date = date(2026, 8, 20)
    s.created = datetime(2026, 8, 20, 10, 0, tzinfo=timezone.utc)
    for account in s.overlap():
        account.notes = "ZZSnoteOld"
        account.owner = "Dana Reyes"
        account.scores = {}
    rescore(s)
    return s


async def _settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
async def test_compare(sessions_dir: Path, size: tuple[int, int]) -> None:
    wb = secret_workbench()
    session_io.save(prior_session(wb), sessions_dir / "2026-Q3-northwind-globex.toml")
    app = make_app(sessions_dir, "assign", wb)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("5")  # Compare opens on its picker
        await _settle(pilot)
        assert type(app.screen).__name__ == "ComparePickScreen"
        assert_clean(app, "Compare picker")  # it shows no private field at all
        await pilot.press("enter")  # the earlier session
        await _settle(pilot)
        assert type(app.screen).__name__ == "CompareScreen"
        # at 80x24 the changes list starts lower: the first notes line is below the fold
        assert ({PRIORITY, NOTES} if size == SIZES[0] else {PRIORITY}) <= markers_on_screen(app)
        await pilot.press("enter")  # the account under the cursor
        await _settle(pilot)
        assert type(app.screen).__name__ == "CompareAccountScreen"
        assert {NOTES, PRIORITY} <= markers_on_screen(app)
        await pilot.press("escape")
        await _settle(pilot)

        await share_safe_on(pilot)
        assert_clean(app, "Compare")
        await pilot.press("enter")
        await _settle(pilot)
        assert type(app.screen).__name__ == "CompareAccountScreen"
        assert_clean(app, "Compare account")


# --- what an undo says ---------------------------------------------------------------------------


def _undo_edit(wb: Workbench, edit: str) -> str:
    """Make one edit whose undo names a private value; returns the value's marker."""
    by_name = {a.ours.name: a for a in wb.session.overlap()}
    account = by_name[TOP]
    if edit == "notes":
        wb.set_fields(account, notes="ZZSundo notes", due=date(2026, 12, 9))
        return "ZZSundo notes"
    if edit == "score":
        wb.set_level(account, "zeta", 123)
        return "Zeta 123"
    if edit == "weight":
        wb.set_weight("zeta", 6)
        return "weight 6"
    if edit == "status word":  # the status marked private, then a word of our list mapped
        wb.set_shareable(OURS, "status", False)
        account.ours.raw_status, account.ours.status = "ZZSword", None
        wb.map_status(OURS, "ZZSword", "prospect")
        return "ZZSword"
    if edit == "our name":  # our names marked private: the partner's name stands for the account
        wb.set_shareable(OURS, "name", False)
        account.ours.name = "ZZSourname"
        wb.set_fields(account, owner="Dana")
        return "ZZSourname"
    raise AssertionError(edit)


@pytest.mark.parametrize("edit", ["notes", "score", "weight", "status word", "our name"])
async def test_an_undo_says_no_private_value(sessions_dir: Path, edit: str) -> None:
    """ctrl+z tells what it undid in a toast: with the share-safe view on, without the values the
    partner may not see (an edit made with the view off, undone with it on)."""
    for share_safe in (False, True):
        wb = secret_workbench()
        app = make_app(sessions_dir, "assign", wb)
        async with app.run_test(size=(120, 40), notifications=True) as pilot:
            await pilot.pause()
            marker = _undo_edit(wb, edit)
            if share_safe:
                await share_safe_on(pilot)
            await pilot.press("ctrl+z")
            await _settle(pilot)
            text = "\n".join(screen_lines(app))
            assert "Undid:" in text
            if share_safe:
                assert marker not in text, text
                assert "hidden)" in text
            else:
                assert marker in text  # the check can fail


# --- a shared-by-default field marked private ------------------------------------------------------


def _names_private(wb: Workbench, side: str) -> str:
    """That side's account names marked private (ctrl+o), each holding a marker."""
    lst = wb.ours if side == OURS else wb.theirs
    assert lst is not None
    for i, record in enumerate(lst.records):
        record.name = f"ZZSname{i} {record.name}"
    for account in wb.session.accounts:  # the pairs hold the same records
        assert (account.ours if side == OURS else account.theirs).name.startswith("ZZSname")
    wb.set_shareable(side, "name", False)
    return "ZZSname"


@pytest.mark.parametrize("side", [OURS, PARTNER])
@pytest.mark.parametrize("phase,keys", [("review", ("m", "g")), ("prioritize", ()), ("assign", ("e",))])
async def test_names_marked_private_leave_every_share_safe_screen(
        sessions_dir: Path, side: str, phase: str, keys: tuple[str, ...]) -> None:
    """ctrl+o promises a private field shows nowhere in the share-safe view: an account is then
    named by the other side's name (or its domain), a record of that side as "(name hidden)"."""
    wb = secret_workbench()
    marker = _names_private(wb, side)
    app = make_app(sessions_dir, phase, wb)
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(pilot)
        assert marker in "\n".join(screen_lines(app))  # the check can fail
        await share_safe_on(pilot)
        await _settle(pilot)
        screens = [("screen", "\n".join(screen_lines(app)))]
        for key in keys:
            await pilot.press(key)
            await _settle(pilot)
            screens.append((type(app.screen).__name__, "\n".join(screen_lines(app))))
            await pilot.press("escape")
            await _settle(pilot)
        for where, text in screens:
            assert marker not in text, f"{phase} {where}:\n{text}"
        assert "(name hidden)" in screens[0][1] or phase != "review"


async def test_owner_and_next_action_marked_private_stay_out_of_the_edit_dialog(sessions_dir: Path) -> None:
    """The Assign table hides a private owner and next action; the editor leaves them out, and
    `o` / `x` say why instead of opening a field that would show the value."""
    wb = secret_workbench()
    for account in wb.session.overlap():
        account.owner, account.next_action = "ZZScallowner", "ZZScallaction"
    wb.set_shareable(SESSION_SIDE, "owner", False)
    wb.set_shareable(SESSION_SIDE, "next_action", False)
    app = make_app(sessions_dir, "assign", wb)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await _settle(pilot)
        await pilot.press("e")
        await _settle(pilot)
        assert isinstance(app.screen, AssignEditScreen)
        assert "ZZScallowner" in "\n".join(screen_lines(app))  # the check can fail
        await pilot.press("escape")
        await share_safe_on(pilot)
        await pilot.press("e")
        await _settle(pilot)
        # the due date and action status tell which accounts have a next action: kept private
        # with it (sharing.FOLLOWS), and notes are private: nothing of the plan is left to edit
        assert not isinstance(app.screen, AssignEditScreen)
        text = "\n".join(screen_lines(app))
        assert "ZZScall" not in text and "The plan is private" in text
        for key, what in (("o", "Owner"), ("x", "Next action")):
            await pilot.press(key)
            await _settle(pilot)
            assert not isinstance(app.screen, AssignEditScreen)
            assert f"{what} is private" in "\n".join(screen_lines(app))


async def test_the_lists_file_names_leave_the_share_safe_icp_screen(sessions_dir: Path) -> None:
    """A file's name often says what the list is ("churn-risk"): the ICP screen names each list
    by its company only while the view is on."""
    wb = secret_workbench()
    for src in wb.session.sources:
        src.path = f"/crm/{src.company.lower()}-churn-risk-ZZSfile.csv"
    app = make_app(sessions_dir, "icp", wb)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "ZZSfile" in "\n".join(screen_lines(app))  # the check can fail
        await share_safe_on(pilot)
        await pilot.pause()
        text = "\n".join(screen_lines(app))
        assert "ZZSfile" not in text and "problem" in text


# --- what a filter or a key could tell of a hidden field ----------------------------------------


@pytest.mark.parametrize("phase", ["review", "prioritize"])
async def test_a_filter_matches_no_hidden_name(sessions_dir: Path, phase: str) -> None:
    """With our names private, a filter typed on the shared screen must not match them: the rows
    it leaves would tell the partner what a hidden name holds."""
    wb = secret_workbench()
    marker = _names_private(wb, OURS)
    app = make_app(sessions_dir, phase, wb)
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(pilot)
        table = app.screen.query_one(AccountTable) if phase == "prioritize" else None

        first = (table.accounts[0] if table is not None
                 else app.screen._accounts[app.screen._row_keys[0]])
        needle = " ".join(first.ours.name.split()[:2])[: len(marker) + 6]  # "ZZSname3 Acme"

        async def shown_after_filter() -> int:
            await pilot.press("slash", *needle, "enter")
            await _settle(pilot)
            count = (len(table.accounts) if table is not None
                     else len(app.screen._row_keys))
            await pilot.press("escape")
            await _settle(pilot)
            return count

        assert await shown_after_filter() == 1  # the check can fail
        await share_safe_on(pilot)
        assert await shown_after_filter() == 0


async def test_pair_by_hand_searches_no_hidden_name(sessions_dir: Path) -> None:
    wb = secret_workbench()
    marker = _names_private(wb, PARTNER)
    app = make_app(sessions_dir, "review", wb)
    async with app.run_test(size=(120, 40)) as pilot:
        from textual.widgets import OptionList

        async def found() -> int:
            await pilot.press("m")
            await _settle(pilot)
            await pilot.press(*f"{marker}1")
            for _ in range(8):
                await pilot.pause(0.05)
            results = app.screen.query_one("#pair-results", OptionList)
            count = sum(not results.get_option_at_index(i).disabled for i in range(results.option_count))
            await pilot.press("escape")
            await _settle(pilot)
            return count

        await _settle(pilot)
        assert await found() > 0  # the check can fail
        await share_safe_on(pilot)
        assert await found() == 0


@pytest.mark.parametrize("phase,key", [("review", "g"), ("prioritize", "f")])
async def test_keys_that_would_tell_a_private_category_say_so_instead(
        sessions_dir: Path, phase: str, key: str) -> None:
    wb = secret_workbench()
    wb.set_shareable(SESSION_SIDE, "category", False)
    app = make_app(sessions_dir, phase, wb)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await _settle(pilot)
        screen = app.screen
        await share_safe_on(pilot)
        await pilot.press(key)
        await _settle(pilot)
        assert app.screen is screen
        text = " ".join(" ".join(screen_lines(app)).replace("▌", " ").split())  # toasts wrap
        assert "private: switch the share-safe view off (p)" in text
        assert not any(code in text for code in ("SHARED", "VOUCH", "INTRO", "JOINT"))


async def test_the_icp_screen_hides_the_category_counts_when_categories_are_private(sessions_dir: Path) -> None:
    wb = secret_workbench()
    wb.set_shareable(SESSION_SIDE, "category", False)
    app = make_app(sessions_dir, "icp", wb)
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(pilot)
        assert "Shared customer" in "\n".join(screen_lines(app))  # the check can fail
        await share_safe_on(pilot)
        await _settle(pilot)
        text = "\n".join(screen_lines(app))
        assert "Shared customer" not in text and "Categories are private" in text
