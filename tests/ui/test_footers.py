"""The key footer of every phase screen at 120×40, 100×30 and 80×24 on the demo: the keys it shows
are whole (none cut at the edge, none hidden under the palette key), help and quit are always there,
and no stray character sits in the last cell. The header above stays whole too: both companies,
the clock, every count."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets._footer import FooterKey, FooterLabel

from acctmap_tui.app import AcctmapApp
from acctmap_tui.screens.compare import CompareScreen
from acctmap_tui.widgets.agenda_header import AgendaFooter
from tests.ui.factory import demo_workbench

SIZES = [(120, 40), (100, 30), (80, 24)]
# The screen's main keys, which must be in its footer at every size.
MAIN_KEYS = {
    "icp": ["e Edit notes", "m Map statuses"],
    "review": ["a Accept", "r Reject", "m Pair", "g Category"],
    "prioritize": ["⏎ Level", "+/- Step", "s Sort", "/ Filter"],
    "assign": ["e/enter Edit", "o Owner", "x Next action"],
    "compare": ["c Choose earlier"],  # f Filter and a Actions once a session is chosen
}
EVERYWHERE = ["12345 Phase", "^s Save", "^z Undo", "? Help", "q Quit"]


def footer_line(app: AcctmapApp) -> str:
    """The bottom line of the screen as the terminal shows it."""
    return app.screen._compositor.render_strips()[-1].text


def shown_keys(footer: AgendaFooter) -> list[str]:
    """The text of each key the footer shows ("a Accept"; a group as "12345 Phase")."""
    shown, group = [], ""
    for widget in footer.query("FooterKey, FooterLabel"):
        if isinstance(widget, FooterKey) and "-command-palette" in widget.classes:
            continue
        if isinstance(widget, FooterKey) and "-grouped" in widget.classes:
            group += widget.key_display
        elif isinstance(widget, FooterLabel):
            shown.append(f"{group} {widget.content}")
            group = ""
        elif isinstance(widget, FooterKey):
            shown.append(f"{widget.key_display} {widget.description}".strip())
    return shown


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_every_phase_footer_shows_its_keys_whole(size: tuple[int, int],
                                                        sessions_dir: Path) -> None:
    app = AcctmapApp(demo_workbench(), sessions_dir, autosave_delay=600)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        for digit, mode in zip("12345", MAIN_KEYS):
            await pilot.press(digit)
            await pilot.pause()
            if mode == "compare" and not isinstance(app.screen, CompareScreen):
                await pilot.press("escape")  # the earlier-session chooser opens on the first visit
            await pilot.pause(0.1)
            assert app.current_mode == mode
            top, counts = (s.text for s in app.screen._compositor.render_strips()[:2])
            assert "Northwind × Globex" in top and "call 60:00 left" in top, (mode, size, top)
            assert "review 5" in counts and "…" not in top + counts, (mode, size, counts)
            footer = app.screen.query_one(AgendaFooter)
            line = footer_line(app)
            keys = shown_keys(footer)
            for expected in [*MAIN_KEYS[mode], *EVERYWHERE]:
                assert expected in keys, f"{mode} at {size}: {expected!r} not in the footer {keys}"
            for key in keys:  # each shown key whole on the line (not cut, not under ^p palette)
                assert key in line, f"{mode} at {size}: {key!r} cut in {line!r}"
            assert "…" not in line
            tail = line.rstrip()
            # the palette key ends the line, or the keys end before the last cell (nothing stray)
            assert tail.endswith("^p palette") or len(tail) < size[0], (mode, size, line)
            if size[0] >= AgendaFooter.PALETTE_FROM:
                assert tail.endswith("^p palette")


async def test_the_phase_keys_label_is_spaced_from_the_next_key(sessions_dir: Path) -> None:
    app = AcctmapApp(demo_workbench(), sessions_dir, autosave_delay=600)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "12345 Phase ^s Save" in footer_line(app)


async def test_review_and_assign_tables_fit_80_columns(sessions_dir: Path) -> None:
    """At 80×24 the Review pair pane goes under the list (names and categories whole), and Assign
    keeps every column but notes and the action's status (both in the editor) whole on screen,
    with room for the account's name."""
    app = AcctmapApp(demo_workbench(), sessions_dir, autosave_delay=600)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("2")
        await pilot.pause()
        screen = "\n".join(s.text for s in app.screen._compositor.render_strips())
        assert app.screen.query_one("#review-body").has_class("-stacked")
        for text in ("Lodestar Freight Inc.", "Cat.", "VOUCH", "SHARED",
                     "lodestar-freight.co.uk", "customer (Customer - Direct)"):
            assert text in screen, text
        await pilot.press("4")
        await pilot.pause()
        header = next(s.text for s in app.screen._compositor.render_strips() if "Rank" in s.text)
        for label in ("Account", "Cat", "Owner", "Next action", "Due"):
            assert label in header, header
        assert "Notes" not in header and "Status" not in header and "…" not in header
        screen = "\n".join(s.text for s in app.screen._compositor.render_strips())
        assert "Ashton Studios " in screen and "Birchbrook Brew" in screen  # 9 characters before
