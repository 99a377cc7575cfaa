"""Prioritize: scoring with keys moves priority and rank at once; sort, filter, weights, privacy."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console
from textual.widgets import Input, Label, OptionList, Static

from acctmap_tui.app import AcctmapApp
from acctmap_tui.core.model import CATEGORY_BY_KEY, SHARED_CUSTOMER
from acctmap_tui.core.score import priority, ranks
from acctmap_tui.core.workbench import Workbench
from acctmap_tui.screens.compare import CompareScreen
from acctmap_tui.screens.prioritize import PrioritizeScreen
from acctmap_tui.screens.prioritize_level import LevelPicker
from acctmap_tui.screens.prioritize_weights import FactorsScreen
from acctmap_tui.widgets.account_table import AccountTable
from tests.ui.factory import small_workbench

SIZE = (120, 40)


def prioritize_app(wb: Workbench | None = None, sessions: Path = Path("sessions")) -> AcctmapApp:
    wb = wb or small_workbench()
    wb.session.agenda.current = "prioritize"
    return AcctmapApp(wb, sessions)


def scored_workbench() -> Workbench:
    """The small session with four accounts scored (levels per factor, in factor order)."""
    wb = small_workbench()
    levels = {
        "Blue Harbor Logistics": (3, 3, 2, 2, 1),
        "Fjord Systems AS": (2, 3, 3, 1, 3),
        "Granite Payments": (1, 1, 1, 1, 1),
        "Deltaworks Ltd": (3, 2, 1, 3, 2),
    }
    for account in wb.session.overlap():
        for factor, level in zip(wb.session.scoring.factors, levels.get(account.ours.name, ())):
            wb.set_level(account, factor.key, level)
    return wb


def table(app: AcctmapApp) -> AccountTable:
    return app.screen.query_one("#prio-table", AccountTable)


def rows(app: AcctmapApp) -> list[dict[str, str]]:
    """Every row of the table as {column key: shown text}."""
    t = table(app)
    keys = [spec.key for spec in t.specs]
    return [dict(zip(keys, (" ".join(cell.plain.split()) for cell in t.get_row_at(i))))
            for i in range(t.row_count)]


def row_of(app: AcctmapApp, name: str) -> dict[str, str]:
    return next(r for r in rows(app) if r["name"] == name)


def shown_text(app: AcctmapApp, selector: str) -> str:
    console = Console(width=300, record=True, file=io.StringIO())
    console.print(app.screen.query_one(selector, Static).content)
    return " ".join(console.export_text().split())


async def pick(pilot, level: int) -> None:
    """Score the cell under the cursor through the level picker (enter, then the level's digit)."""
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, LevelPicker)
    await pilot.press(str(level))
    await pilot.pause()


async def go_to(pilot, name: str, column: str) -> None:
    """Put the cursor on account `name`, column `column` (arrow keys are tested elsewhere)."""
    t = table(pilot.app)
    keys = [spec.key for spec in t.specs]
    t.move_cursor(row=[r["name"] for r in rows(pilot.app)].index(name), column=keys.index(column))
    await pilot.pause()


# --- snapshots ----------------------------------------------------------------------------------


def test_snapshot_scored(snap_compare, sessions_dir: Path) -> None:
    assert snap_compare(prioritize_app(scored_workbench(), sessions_dir), terminal_size=SIZE)


def test_snapshot_small_terminal(snap_compare, sessions_dir: Path) -> None:
    assert snap_compare(prioritize_app(scored_workbench(), sessions_dir), terminal_size=(100, 30))


# --- scoring ------------------------------------------------------------------------------------


async def test_score_keys_update_priority_and_rank_at_once(sessions_dir: Path) -> None:
    wb = small_workbench()
    app = prioritize_app(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PrioritizeScreen)
        assert all(r["priority"] == "0" for r in rows(app))  # nothing scored yet
        last = rows(app)[-1]["name"]
        order = [r["name"] for r in rows(app)]

        # The cursor opens on the first factor of the first row; arrows move it.
        assert table(app).cursor_column_key == "f:relationship"
        await pilot.press(*["down"] * (len(order) - 1))
        assert table(app).cursor_account.name == last
        await pick(pilot, 3)  # Champion
        row = row_of(app, last)
        assert row["f:relationship"].startswith("3 ")
        assert row["priority"] == "9"  # weight 3 x level 3
        assert row["rank"] == "★ 1"
        assert row_of(app, order[0])["rank"] == "2"
        # The row stays where it was while scoring; the status line says so.
        assert [r["name"] for r in rows(app)] == order
        assert "o re-ranks" in shown_text(app, "#prio-status")

        await pilot.press("right", "plus", "plus")  # ICP fit: Weak, then Moderate
        row = row_of(app, last)
        assert row["f:icp_fit"].startswith("2 ")
        assert row["priority"] == "15"
        await pilot.press("minus")
        assert row_of(app, last)["priority"] == "12"
        await pick(pilot, 0)  # clears
        assert row_of(app, last)["f:icp_fit"] == "·"
        assert row_of(app, last)["priority"] == "9"

        account = next(a for a in wb.session.overlap() if a.name == last)
        assert account.scores == {"relationship": 3, "icp_fit": 0}
        assert account.priority == priority(account, wb.session.scoring.factors)

        await pilot.press("o")  # re-rank: the scored account moves to the top
        assert rows(app)[0]["name"] == last
        assert "o re-ranks" not in shown_text(app, "#prio-status")


async def test_rank_column_matches_the_ranking_after_many_edits(sessions_dir: Path) -> None:
    wb = small_workbench()
    app = prioritize_app(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for name, key in (("Helios Robotics", 3), ("Acme, Inc.", 2), ("Juniper & Co", 1),
                          ("Acme, Inc.", "plus")):
            await go_to(pilot, name, "f:relationship")
            await (pilot.press(key) if key == "plus" else pick(pilot, key))
        expected = ranks(wb.session)
        by_name = {a.name: a for a in wb.session.overlap()}
        for row in rows(app):
            assert row["rank"].lstrip("★ ") == str(expected[by_name[row["name"]].pair_id])


async def test_top_n_stand_out_with_a_star(sessions_dir: Path) -> None:
    wb = scored_workbench()
    wb.session.scoring.top_n = 2
    app = prioritize_app(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        starred = [r["name"] for r in rows(app) if r["rank"].startswith("★")]
        top = sorted(wb.session.overlap(), key=lambda a: -a.priority)[:2]
        assert starred == [a.name for a in top]
        cell = table(app).get_row_at(0)[0]
        assert "bold" in str(cell.style)  # a style as well as the star


async def test_digits_switch_phase_when_not_on_a_score(sessions_dir: Path) -> None:
    app = prioritize_app(small_workbench(), sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await go_to(pilot, rows(app)[0]["name"], "name")
        await pilot.press("4")
        await pilot.pause()
        assert app.current_mode == "assign"


async def test_undo_puts_the_cells_back(sessions_dir: Path) -> None:
    app = prioritize_app(small_workbench(), sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        name = rows(app)[2]["name"]
        await go_to(pilot, name, "f:timing")
        await pick(pilot, 2)
        assert row_of(app, name)["priority"] == "4"
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert row_of(app, name)["priority"] == "0"
        assert row_of(app, name)["f:timing"] == "·"


# --- sort and filter ----------------------------------------------------------------------------


async def test_sort_by_the_column_under_the_cursor_and_reverse(sessions_dir: Path) -> None:
    wb = scored_workbench()
    app = prioritize_app(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        names = sorted((a.name for a in wb.session.overlap()), key=str.casefold)
        await go_to(pilot, rows(app)[0]["name"], "name")
        await pilot.press("s")
        assert [r["name"] for r in rows(app)] == names
        await pilot.press("s")
        assert [r["name"] for r in rows(app)] == names[::-1]
        assert "sort account ↓" in shown_text(app, "#prio-status")

        await go_to(pilot, rows(app)[0]["name"], "f:competition")
        await pilot.press("s")  # scores sort high to low first
        levels = [int(r["f:competition"].split()[0]) if r["f:competition"] != "·" else 0
                  for r in rows(app)]
        assert levels == sorted(levels, reverse=True)


async def test_filter_by_category_cycles(sessions_dir: Path) -> None:
    wb = scored_workbench()
    app = prioritize_app(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("f")
        shared = [a.name for a in wb.session.overlap() if a.category == SHARED_CUSTOMER.key]
        assert sorted(r["name"] for r in rows(app)) == sorted(shared)
        assert {r["category"] for r in rows(app)} == {"SHARED"}
        assert "category SHARED" in shown_text(app, "#prio-status")
        for _ in range(3):
            await pilot.press("f")
        assert {r["category"] for r in rows(app)} == {"JOINT"}
        await pilot.press("f")  # back to all
        assert len(rows(app)) == len(wb.session.overlap())


async def test_text_filter(sessions_dir: Path) -> None:
    app = prioritize_app(scored_workbench(), sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash", "f", "j", "o", "r", "d")
        assert [r["name"] for r in rows(app)] == ["Fjord Systems AS"]
        await pilot.press("enter")  # keep the filter, back to the table
        assert isinstance(app.screen.focused, AccountTable)
        await pilot.press("escape")  # clears it
        assert len(rows(app)) == 10
        assert not app.screen.query_one("#prio-filter", Input).display


async def test_a_long_overlap_shows_in_pages(sessions_dir: Path, monkeypatch) -> None:
    monkeypatch.setattr(PrioritizeScreen, "PAGE_SIZE", 4)
    wb = scored_workbench()
    app = prioritize_app(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        ranked_names = [r["name"] for r in rows(app)]
        assert len(ranked_names) == 4
        assert "rows 1–4 of 10" in shown_text(app, "#prio-status")
        await pilot.press("right_square_bracket")
        assert "rows 5–8 of 10" in shown_text(app, "#prio-status")
        assert not set(ranked_names) & {r["name"] for r in rows(app)}
        await pilot.press("right_square_bracket", "right_square_bracket")  # no page after 9–10
        assert "rows 9–10 of 10" in shown_text(app, "#prio-status")
        await pilot.press("left_square_bracket", "left_square_bracket", "left_square_bracket")
        assert [r["name"] for r in rows(app)] == ranked_names
        await pilot.press("f")  # a filter works on the whole overlap, then pages
        shared = [a for a in wb.session.overlap() if a.category == SHARED_CUSTOMER.key]
        assert len(rows(app)) == min(4, len(shared))


# --- weights and privacy ------------------------------------------------------------------------


async def test_edit_a_weight_and_priorities_change(sessions_dir: Path) -> None:
    wb = scored_workbench()
    app = prioritize_app(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        before = {r["name"]: int(r["priority"]) for r in rows(app)}
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, FactorsScreen)
        await pilot.press("5")  # the first weight (relationship, 3) is focused and selected: type 5
        await pilot.press("down", "plus", "plus")  # ICP fit 3 -> 5
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PrioritizeScreen)
        factors = {f.key: f.weight for f in wb.session.scoring.factors}
        assert factors["relationship"] == 5 and factors["icp_fit"] == 5
        for account in wb.session.overlap():
            row = row_of(app, account.name)
            s = account.scores
            expected = before[account.name] + 2 * s.get("relationship", 0) + 2 * s.get("icp_fit", 0)
            assert int(row["priority"]) == expected


async def test_bad_weight_keeps_the_dialog(sessions_dir: Path) -> None:
    wb = scored_workbench()
    app = prioritize_app(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("w")
        await pilot.pause()
        await pilot.press("4", "2", "enter")  # 42 is over the limit
        await pilot.pause()
        assert isinstance(app.screen, FactorsScreen)
        assert "0–10" in shown_text(app, "#factors-message")
        await pilot.press("escape")
        await pilot.pause()
        assert wb.session.scoring.factors[0].weight == 3


async def test_privacy_hides_scores_rank_and_rank_order(sessions_dir: Path) -> None:
    wb = scored_workbench()
    app = prioritize_app(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        order = [r["name"] for r in rows(app)]
        assert order != sorted(order, key=str.casefold)  # ranked: the test can tell the two apart
        app.share_safe = True
        await pilot.pause()
        keys = [spec.key for spec in table(app).specs]
        assert "priority" not in keys and not any(k.startswith("f:") for k in keys)
        assert "rank" not in keys and "category" in keys  # a rank tells the private priority
        assert [r["name"] for r in rows(app)] == sorted(order, key=str.casefold)
        assert "scores, priority and rank hidden" in shown_text(app, "#prio-status")
        await pilot.press("plus")  # no factor column: nothing is scored
        assert all(r["name"] in order for r in rows(app))
        assert sum(a.priority for a in wb.session.overlap()) == sum(
            priority(a, wb.session.scoring.factors) for a in wb.session.overlap())

        app.share_safe = False
        await pilot.pause()
        assert {"priority", "rank"} <= {spec.key for spec in table(app).specs}
        assert [r["name"] for r in rows(app)] == order


async def test_category_change_elsewhere_updates_the_row(sessions_dir: Path) -> None:
    wb = scored_workbench()
    app = prioritize_app(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        account = next(a for a in wb.session.overlap() if a.category != SHARED_CUSTOMER.key)
        wb.set_category(account, SHARED_CUSTOMER.key)
        await pilot.pause()
        assert row_of(app, account.name)["category"] == CATEGORY_BY_KEY[SHARED_CUSTOMER.key].code


async def test_command_palette_reaches_the_screen_actions(sessions_dir: Path) -> None:
    app = prioritize_app(small_workbench(), sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        name = rows(app)[-1]["name"]
        await go_to(pilot, name, "f:relationship")
        await pick(pilot, 2)
        await pilot.press("ctrl+p")
        await pilot.pause()
        for ch in "re-rank":
            await pilot.press(ch)
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert rows(app)[0]["name"] == name


async def test_digits_switch_phase_even_on_a_factor_cell(sessions_dir: Path) -> None:
    """The phase keys mean one thing everywhere: on a factor cell, 4 goes to Assign, scoring nothing."""
    wb = small_workbench()
    app = prioritize_app(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert table(app).cursor_column_key == "f:relationship"  # where the cursor starts
        await pilot.press("4")
        await pilot.pause()
        assert app.current_mode == "assign"
        assert not any(a.scores for a in wb.session.overlap()) and not wb.dirty
        await pilot.press("3")
        await pilot.pause()
        assert app.current_mode == "prioritize"
        await go_to(pilot, rows(app)[0]["name"], "f:deal_size")
        for digit, mode in (("2", "review"), ("3", "prioritize"), ("5", "compare"), ("1", "icp")):
            await pilot.press(digit)
            await pilot.pause()
            if mode == "prioritize":
                await go_to(pilot, rows(app)[0]["name"], "f:deal_size")
            elif mode == "compare" and not isinstance(app.screen, CompareScreen):
                await pilot.press("escape")  # the earlier-session chooser opens on the first visit
                await pilot.pause()
            assert app.current_mode == mode
        assert not any(a.scores for a in wb.session.overlap())


async def test_the_level_picker_sets_refuses_and_undoes(sessions_dir: Path) -> None:
    wb = small_workbench()
    app = prioritize_app(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        name = rows(app)[0]["name"]
        account = next(a for a in wb.session.overlap() if a.name == name)
        factor = wb.session.scoring.factor("relationship")
        await pilot.press("enter")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, LevelPicker)
        options = picker.query_one("#level-options", OptionList)
        listed = " · ".join(" ".join(str(options.get_option_at_index(i).prompt).split())
                            for i in range(options.option_count))
        for i, level in enumerate(factor.levels, start=1):  # the factor's own level names
            assert f"{i} {level}" in listed
        assert "0 not scored" in listed

        await pilot.press("9")  # past the top level: refused in the dialog, never clamped
        await pilot.pause()
        assert app.screen is picker
        message = picker.query_one("#level-message", Label)
        assert f"No level 9: {factor.label} has {len(factor.levels)} levels" in str(message.content)
        assert "relationship" not in account.scores and not wb.dirty

        await pilot.press("escape")  # cancels: nothing scored
        await pilot.pause()
        assert isinstance(app.screen, PrioritizeScreen) and not wb.dirty

        await pilot.press("l", "down", "down", "enter")  # l opens it too; arrows and enter pick
        await pilot.pause()
        assert isinstance(app.screen, PrioritizeScreen)
        assert account.scores["relationship"] == 2
        assert row_of(app, name)["f:relationship"].startswith("2 ")
        assert row_of(app, name)["priority"] == str(2 * factor.weight)

        await pilot.press("ctrl+z")  # one undo step puts it back
        await pilot.pause()
        assert "relationship" not in account.scores
        assert row_of(app, name)["f:relationship"] == "·" and row_of(app, name)["priority"] == "0"


async def test_enter_in_the_filter_box_keeps_the_filter_not_a_picker(sessions_dir: Path) -> None:
    app = prioritize_app(small_workbench(), sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash", "f", "j", "enter")
        await pilot.pause()
        assert isinstance(app.screen, PrioritizeScreen)
        assert isinstance(app.screen.focused, AccountTable)
        assert [r["name"] for r in rows(app)] == ["Fjord Systems AS"]


async def test_at_80x24_every_column_fits_and_priority_shows_whole(sessions_dir: Path) -> None:
    wb = small_workbench()
    account = wb.session.overlap()[0]
    wb.set_level(account, "relationship", 3)  # 3 x 3
    wb.set_level(account, "icp_fit", 2)  # + 3 x 2 = 15
    app = prioritize_app(wb, sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        lines = [strip.text for strip in app.screen._compositor.render_strips()]
        header = next(line for line in lines if "Rank" in line and "Account" in line)
        assert header.rstrip().endswith("Prio") and "…" not in header
        for label in ("Relat.", "ICP", "Timing", "Deal", "Comp."):
            assert label in header
        row = next(line for line in lines if account.name[:10] in line)
        assert row.split()[-1] == "15" or row.rstrip(" ▁▂▃▄▅▆▇█").split()[-1] == "15"
        # the full factor name is on screen for the column under the cursor
        assert "Partner relationship ×3" in shown_text(app, "#prio-detail")


async def test_a_category_set_by_hand_says_so_under_the_table(sessions_dir: Path) -> None:
    """The line under the table reads "statuses → category": a category set by hand is not what
    those statuses give, and the line says so, as Review does."""
    wb = small_workbench()
    app = prioritize_app(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        account = table(app).cursor_account
        assert "(set by hand)" not in shown_text(app, "#prio-detail")
        wb.set_category(account, "their-customer-our-prospect")
        await pilot.pause()
        assert "INTRO (set by hand)" in shown_text(app, "#prio-detail")
