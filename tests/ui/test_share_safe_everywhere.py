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
