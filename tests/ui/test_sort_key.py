"""Prioritize's `s` on the column the rows are visibly sorted by reverses it, also when that sort
is not the one chosen: with the rank hidden (share-safe view, priority private) the rows go by
name, and the first `s` on the account column turns them Z to A."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ui.test_prioritize import go_to, prioritize_app, rows, scored_workbench, shown_text


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_first_s_on_the_name_order_of_a_hidden_rank_reverses_it(sessions_dir: Path,
                                                                     size: tuple[int, int]) -> None:
    wb = scored_workbench()
    app = prioritize_app(wb, sessions_dir)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("p")  # share-safe: the priority is private, the rank hidden
        await pilot.pause()
        names = sorted((a.name for a in wb.session.overlap()), key=str.casefold)
        assert [r["name"] for r in rows(app)] == names
        assert "sort account ↑" in shown_text(app, "#prio-status")
        await go_to(pilot, names[0], "name")
        await pilot.press("s")
        await pilot.pause()
        assert [r["name"] for r in rows(app)] == names[::-1]
        assert "sort account ↓" in shown_text(app, "#prio-status")
        await pilot.press("s")
        await pilot.pause()
        assert [r["name"] for r in rows(app)] == names
        assert "sort account ↑" in shown_text(app, "#prio-status")
