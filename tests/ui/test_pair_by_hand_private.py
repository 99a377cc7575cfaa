"""Pair by hand in the share-safe view with our names private: an empty search used to list the
matcher's closest candidates for our (hidden) record, with their scores, which told the partner
which of its accounts are most like the hidden name. It lists the first accounts instead."""

from __future__ import annotations

from textual.widgets import OptionList

from acctmap_tui.app import AcctmapApp
from acctmap_tui.core.model import OURS
from acctmap_tui.screens.review_pair import PairDialog
from tests.ui.factory import demo_workbench

SIZE = (120, 40)


async def listed(private: bool, name: str = "") -> list[str]:
    wb = demo_workbench()
    if name:
        pair = next(a for a in wb.session.accounts if a.match.decision == "review")
        pair.ours.name = name
    app = AcctmapApp(workbench=wb)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "p")
        await pilot.pause()
        if private:
            wb.set_shareable(OURS, "name", False)
            await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, PairDialog)
        options = app.screen.query_one(OptionList)
        return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_an_empty_search_does_not_suggest_by_a_hidden_name() -> None:
    shown = await listed(private=False)
    assert any("· score" in line for line in shown)  # the matcher's closest: names shown
    hidden = await listed(private=True)
    assert hidden and not any("· score" in line for line in hidden)
    assert hidden == await listed(private=True, name="Zebra Quantum Holdings")  # whatever the name
