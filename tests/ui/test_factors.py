"""Factor editor (w, Prioritize): rename, re-level, add, remove, reorder: the table follows."""

from __future__ import annotations

from pathlib import Path

from textual import events

from acctmap_tui.core import session as session_io
from acctmap_tui.core.score import priority, ranked
from acctmap_tui.core.workbench import Workbench
from acctmap_tui.screens.prioritize import PrioritizeScreen
from acctmap_tui.screens.prioritize_weights import FactorRow, FactorsScreen, key_for
from acctmap_tui.widgets.account_table import AccountTable
from tests.ui.test_prioritize import (
    SIZE,
    go_to,
    prioritize_app,
    row_of,
    rows,
    scored_workbench,
    shown_text,
    table,
)

KEY_NAMES = {" ": "space", ",": "comma", "-": "minus"}


async def type_text(pilot, text: str) -> None:
    await pilot.press(*(KEY_NAMES.get(ch, ch) for ch in text))


async def paste(pilot, text: str) -> None:
    """Paste into the focused box (replaces its selection, as typing does): quicker than keys."""
    pilot.app.screen.focused.post_message(events.Paste(text))
    await pilot.pause()


def headers(app) -> dict[str, str]:
    """Factor columns of the table as {column key: header text}."""
    return {spec.key: str(spec.label) for spec in table(app).specs if spec.key.startswith("f:")}


def editor_rows(app) -> list[FactorRow]:
    return list(app.screen.query(FactorRow))


async def open_editor(pilot) -> FactorsScreen:
    await pilot.press("w")
    await pilot.pause()
    assert isinstance(pilot.app.screen, FactorsScreen)
    return pilot.app.screen


async def save(pilot) -> None:
    await pilot.press("enter")
    await pilot.pause()
    await pilot.pause()


def blue_harbor(wb: Workbench):
    return next(a for a in wb.session.overlap() if a.ours.name == "Blue Harbor Logistics")


# --- snapshot -----------------------------------------------------------------------------------


def test_snapshot_editor(snap_compare, sessions_dir: Path) -> None:
    async def open_it(pilot) -> None:
        await pilot.pause()
        await pilot.press("w")
        await pilot.pause()

    assert snap_compare(prioritize_app(scored_workbench(), sessions_dir), terminal_size=SIZE,
                        run_before=open_it)


# --- editing ------------------------------------------------------------------------------------


async def test_rename_a_factor_changes_the_header_and_keeps_the_scores(sessions_dir: Path) -> None:
    wb = scored_workbench()
    app = prioritize_app(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        before = {r["name"]: r for r in rows(app)}
        assert headers(app)["f:timing"] == "Timing"
        await open_editor(pilot)
        await pilot.press("down", "down", "shift+tab")  # Timing's weight, then its label
        await type_text(pilot, "Urgency")
        await save(pilot)
        assert isinstance(app.screen, PrioritizeScreen)
        assert headers(app)["f:timing"] == "Urgency"
        assert "Timing" not in headers(app).values()
        for name, row in before.items():  # same levels and priorities under the new name
            assert row_of(app, name)["f:timing"] == row["f:timing"]
            assert row_of(app, name)["priority"] == row["priority"]


async def test_fewer_levels_clamp_the_scores_and_the_priority(sessions_dir: Path) -> None:
    wb = scored_workbench()
    app = prioritize_app(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        account = blue_harbor(wb)  # relationship 3 (Champion), weight 3
        old = int(row_of(app, account.name)["priority"])
        await open_editor(pilot)
        await pilot.press("tab")  # relationship's levels
        await paste(pilot, "Cold, Warm")
        await save(pilot)
        row = row_of(app, account.name)
        assert row["f:relationship"] == "2 Warm"
        assert int(row["priority"]) == old - 3  # level 3 now counts as 2, x weight 3
        assert int(row["priority"]) == priority(account, wb.session.scoring.factors)
        assert account.scores["relationship"] == 3  # kept: more levels (or undo) bring it back

        await go_to(pilot, account.name, "f:relationship")
        await pilot.press("minus")  # steps down from the level shown (2), not the one stored
        assert row_of(app, account.name)["f:relationship"] == "1 Cold"


async def test_add_a_factor_and_score_it_with_keys(sessions_dir: Path) -> None:
    wb = scored_workbench()
    app = prioritize_app(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        last = rows(app)[-1]["name"]  # unscored, at the bottom of the rank
        await open_editor(pilot)
        await pilot.press("ctrl+n")
        await pilot.pause()
        await paste(pilot, "Budget owner")
        await pilot.press("tab")
        await type_text(pilot, "9")
        await pilot.press("tab")
        await paste(pilot, "No, Maybe, Yes")
        await save(pilot)
        assert headers(app)["f:budget_owner"] == "Budget owner"
        assert list(headers(app))[-1] == "f:budget_owner"
        assert row_of(app, last)["f:budget_owner"] == "·"

        await go_to(pilot, last, "f:budget_owner")
        await pilot.press("enter", "3")
        row = row_of(app, last)
        assert row["f:budget_owner"] == "3 Yes"
        assert row["priority"] == "27"  # 9 x 3
        rank = [a.name for a in ranked(wb.session)].index(last) + 1
        assert rank < len(rows(app))
        assert row["rank"].split()[-1] == str(rank)


async def test_a_new_key_never_takes_an_existing_one(sessions_dir: Path) -> None:
    wb = scored_workbench()
    app = prioritize_app(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_editor(pilot)
        await pilot.press("down", "down", "shift+tab")
        await paste(pilot, "Urgency")  # Timing renamed; its key stays "timing"
        await pilot.press("ctrl+n")
        await pilot.pause()
        await paste(pilot, "Timing")
        await pilot.press("tab", "tab")
        await paste(pilot, "Later, Now")
        await save(pilot)
        keys = [f.key for f in wb.session.scoring.factors]
        assert keys.count("timing") == 1 and "timing_2" in keys
        assert headers(app)["f:timing_2"] == "Timing"
        assert row_of(app, blue_harbor(wb).name)["f:timing_2"] == "·"  # new: starts unscored
    assert key_for("Deal size (ACV)", set()) == "deal_size_acv"


async def test_remove_a_factor_keeps_its_levels_on_the_accounts(sessions_dir: Path) -> None:
    wb = scored_workbench()
    app = prioritize_app(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        account = blue_harbor(wb)
        old = int(row_of(app, account.name)["priority"])
        weight = next(f.weight for f in wb.session.scoring.factors if f.key == "icp_fit")
        level = account.scores["icp_fit"]
        screen = await open_editor(pilot)
        await pilot.press("down", "ctrl+r")  # ICP fit
        await pilot.pause()
        assert [r.typed()[0] for r in editor_rows(app)] == [
            "Partner relationship", "Timing", "Deal size", "Competition"]
        assert "ICP fit" in shown_text(app, "#factors-note")
        await screen.run_action("save")
        await pilot.pause()
        await pilot.pause()
        assert "f:icp_fit" not in headers(app)
        assert int(row_of(app, account.name)["priority"]) == old - weight * level
        assert account.scores["icp_fit"] == level

        # ... and they carry into the saved session, which reads back the same
        again = session_io.from_toml(session_io.to_toml(wb.session))
        assert [(f.key, f.label, f.weight, f.levels) for f in again.scoring.factors] == [
            (f.key, f.label, f.weight, f.levels) for f in wb.session.scoring.factors]
        saved = next(a for a in again.accounts if a.pair_id == account.pair_id)
        assert saved.scores["icp_fit"] == level


async def test_reorder_moves_the_column(sessions_dir: Path) -> None:
    wb = scored_workbench()
    app = prioritize_app(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_editor(pilot)
        await pilot.press("down", "down", "down", "down", "ctrl+up")  # Competition up one
        await save(pilot)
        assert list(headers(app)) == ["f:relationship", "f:icp_fit", "f:timing", "f:competition",
                                      "f:deal_size"]


async def test_empty_levels_keep_the_dialog_open_with_a_message(sessions_dir: Path) -> None:
    wb = scored_workbench()
    app = prioritize_app(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        revision = wb.revision
        await open_editor(pilot)
        await pilot.press("tab", "ctrl+u")  # relationship's levels, cleared
        await save(pilot)
        assert isinstance(app.screen, FactorsScreen)
        assert "Partner relationship: give 1–9 levels" in shown_text(app, "#factors-message")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, PrioritizeScreen)
        assert wb.revision == revision
        assert wb.session.scoring.factors[0].levels == ["Awareness", "User", "Champion"]


async def test_a_refusal_from_the_workbench_shows_in_the_dialog(sessions_dir: Path) -> None:
    wb = scored_workbench()
    app = prioritize_app(wb, sessions_dir)

    def refuse(factors) -> None:
        raise ValueError("factors need distinct keys and at least one level each")

    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.push_screen(FactorsScreen(wb.session.scoring.factors, refuse))
        await pilot.pause()
        await type_text(pilot, "5")
        await save(pilot)
        assert isinstance(app.screen, FactorsScreen)
        assert "distinct keys" in shown_text(app, "#factors-message")


async def test_only_a_weight_needs_no_column_rebuild(sessions_dir: Path) -> None:
    wb = scored_workbench()
    app = prioritize_app(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        specs = table(app).specs
        await open_editor(pilot)
        await pilot.press("plus")
        await save(pilot)
        assert wb.session.scoring.factors[0].weight == 4
        assert table(app).specs is specs


async def test_undo_restores_the_factors_and_the_columns(sessions_dir: Path) -> None:
    wb = scored_workbench()
    app = prioritize_app(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        before_rows = rows(app)
        before_headers = headers(app)
        before = [(f.key, f.label, f.weight, list(f.levels)) for f in wb.session.scoring.factors]
        await open_editor(pilot)
        await pilot.press("shift+tab")
        await paste(pilot, "Sponsor")
        await pilot.press("down", "ctrl+r")  # and ICP fit goes
        await pilot.press("ctrl+n")
        await pilot.pause()
        await paste(pilot, "Region")
        await pilot.press("tab", "tab")
        await paste(pilot, "EMEA, US")
        await save(pilot)
        assert headers(app) != before_headers
        assert table(app).cursor_column_key is not None

        await pilot.press("ctrl+z")
        await pilot.pause()
        await pilot.pause()
        assert [(f.key, f.label, f.weight, list(f.levels))
                for f in wb.session.scoring.factors] == before
        assert headers(app) == before_headers
        assert sorted(rows(app), key=lambda r: r["name"]) == sorted(before_rows,
                                                                    key=lambda r: r["name"])


async def test_sorted_by_a_removed_factor_goes_back_to_rank(sessions_dir: Path) -> None:
    wb = scored_workbench()
    app = prioritize_app(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await go_to(pilot, rows(app)[0]["name"], "f:competition")
        await pilot.press("s")
        assert "sort Competition" in shown_text(app, "#prio-status")
        screen = await open_editor(pilot)
        await pilot.press(*["down"] * 4, "ctrl+r")
        await screen.run_action("save")
        await pilot.pause()
        await pilot.pause()
        assert "sort rank" in shown_text(app, "#prio-status")
        assert [r["name"] for r in rows(app)] == [a.name for a in ranked(wb.session)]


async def test_assign_follows_the_new_priorities(sessions_dir: Path) -> None:
    wb = scored_workbench()
    app = prioritize_app(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_editor(pilot)
        await pilot.press("down", "ctrl+r")
        await save(pilot)
        await pilot.press("4")
        await pilot.pause()
        assert app.current_mode == "assign"
        shown = app.screen.query_one("#assign-table", AccountTable)
        top = [a.name for a in ranked(wb.session) if a.priority > 0]
        assert top[0] == "Deltaworks Ltd"  # first once ICP fit stops counting
        assert [a.name for a in shown.accounts] == top



async def test_a_row_pasted_from_a_spreadsheet_fills_name_weight_and_levels(sessions_dir: Path) -> None:
    app = prioritize_app(scored_workbench(), sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        row = (await open_editor(pilot)).query(FactorRow).first()
        app.screen.set_focus(row.field("factor-label"))
        await paste(pilot, "Region fit\t2\tLow, Core")
        assert row.typed() == ("Region fit", "2", ["Low", "Core"])


async def test_keys_typed_in_one_burst_act_on_the_row_moved_to(sessions_dir: Path) -> None:
    """`Down -` lowers the factor moved to, not the one left; `Up Up` moves two rows."""
    from tests.ui.factory import burst

    wb = scored_workbench()
    app = prioritize_app(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_editor(pilot)
        before = [r.typed()[1] for r in editor_rows(app)]
        burst(app, "down", "minus")
        for _ in range(4):
            await pilot.pause()
        after = [r.typed()[1] for r in editor_rows(app)]
        assert after[0] == before[0]  # Partner relationship untouched
        assert int(after[1]) == int(before[1]) - 1  # ICP fit lowered

        burst(app, "down", "down", "down", "up", "up", "plus")  # Competition, then Timing
        for _ in range(4):
            await pilot.pause()
        again = [r.typed()[1] for r in editor_rows(app)]
        assert int(again[2]) == int(after[2]) + 1
        assert again[:2] == after[:2] and again[3:] == after[3:]
        assert app.screen.focused is editor_rows(app)[2].field("factor-weight")


async def test_a_minus_typed_after_removing_a_factor_lowers_the_next_weight(sessions_dir: Path) -> None:
    """ctrl+r from a weight leaves the cursor on the next factor's weight: `-` lowers it (the
    cursor used to land on the next factor's name, selected whole, and `-` renamed it "-")."""
    wb = scored_workbench()
    app = prioritize_app(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_editor(pilot)
        await pilot.press("down", "ctrl+r")  # ICP fit goes; Timing is next
        await pilot.pause()
        before = {r.typed()[0]: r.typed()[1] for r in editor_rows(app)}
        await pilot.press("minus")
        await pilot.pause()
        after = {r.typed()[0]: r.typed()[1] for r in editor_rows(app)}
        assert list(after) == ["Partner relationship", "Timing", "Deal size", "Competition"]
        assert int(after["Timing"]) == int(before["Timing"]) - 1
