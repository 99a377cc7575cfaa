"""Call audit 5 on the load form's carry question and the start screen: after esc the form says
the prior was not carried (F11); in the share-safe view neither the question nor the form names
the prior's file, whose name names the other partner (F7); the start screen lists sessions by
their date (F10)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from textual.widgets import Input, OptionList

from acctmap_tui.app import AcctmapApp
from acctmap_tui.core import session as session_io
from acctmap_tui.core.start import SessionRequest, open_workbench, start_offer
from acctmap_tui.screens.dialogs import CarryAnywayDialog
from acctmap_tui.screens.load import LoadScreen
from acctmap_tui.screens.start import StartScreen
from tests.ui.factory import small_workbench, wait_for_load, write_lists
from tests.ui.test_share_safe_everywhere import screen_lines

PRIOR = "sessions/2026-Q3-northwind-initech.toml"  # the name the app suggests: it names the partner
NOT_CARRIED = "Not carried: fix the names or the prior session"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two lists (Northwind, Globex) and a prior session of Northwind x Initech, in the folder
    acctmap runs in."""
    monkeypatch.chdir(tmp_path)
    ours, theirs = write_lists(tmp_path)
    earlier = open_workbench(SessionRequest(ours, theirs, ours_name="Northwind",
                                            partner_name="Initech"))
    session_io.save(earlier.session, tmp_path / PRIOR)
    return tmp_path


async def _ask_carry(pilot, share_safe: bool) -> None:
    """ctrl+n's form filled as typed, with the prior of another partnership; ctrl+l."""
    app = pilot.app
    app.share_safe = share_safe  # on in the session this form was opened from
    for field_id, value in (("ours-path", "northwind.csv"), ("theirs-path", "globex.csv"),
                            ("ours-name", "Northwind"), ("theirs-name", "Globex"),
                            ("prior-path", PRIOR)):
        app.screen.query_one(f"#{field_id}", Input).value = value
    await pilot.press("ctrl+l")
    await pilot.pause()
    await wait_for_load(app)
    await pilot.pause()
    assert isinstance(app.screen, CarryAnywayDialog), app.screen


def _text(widget) -> str:
    return str(widget.content)


def _seen_but_the_prior_field(app: AcctmapApp) -> str:
    """The rendered screen (the dialog over the form, or the form), without the "Prior session"
    field: the path the user typed there is theirs to clear."""
    load = next(s for s in app.screen_stack if isinstance(s, LoadScreen))
    field = load.query_one("#prior-path", Input).region
    lines = screen_lines(app)
    for y in range(field.y, field.bottom):
        if y < len(lines):
            line = lines[y].ljust(field.right)
            lines[y] = line[:field.x] + " " * field.width + line[field.right:]
    return "\n".join(lines) + "\n" + "".join(line.strip() for line in lines)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_esc_on_the_carry_question_says_it_was_not_carried(folder, size) -> None:
    """The form came back titled "Could not load the lists", though the user chose to go back."""
    app = AcctmapApp(sessions_dir="sessions")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await _ask_carry(pilot, share_safe=False)
        await pilot.press("escape")
        await pilot.pause()
        load = app.screen
        assert isinstance(load, LoadScreen) and app.workbench is None
        assert _text(load.query_one("#load-title")) == NOT_CARRIED
        assert NOT_CARRIED in "\n".join(screen_lines(app))
        error = _text(load.query_one("#load-error"))
        assert "(Northwind x Initech)" in error and "(Northwind x Globex)" in error, error
        assert "'Globex' is not 'Initech'" in error and "type the names above" in error


async def test_a_real_load_error_still_says_it_could_not_load(folder) -> None:
    app = AcctmapApp(sessions_dir="sessions")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.screen.query_one("#ours-path", Input).value = "northwind.csv"
        app.screen.query_one("#theirs-path", Input).value = "nowhere.csv"
        await pilot.press("ctrl+l")
        await pilot.pause()
        await wait_for_load(app)
        await pilot.pause()
        assert _text(app.screen.query_one("#load-title")) == "Could not load the lists"


async def test_outside_the_share_safe_view_the_question_and_the_form_name_the_prior(folder) -> None:
    app = AcctmapApp(sessions_dir="sessions")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await _ask_carry(pilot, share_safe=False)
        assert PRIOR in _text(app.screen.query_one("#carry-message"))
        assert "initech" in _seen_but_the_prior_field(app).lower()  # what the next test looks at
        await pilot.press("escape")
        await pilot.pause()
        assert PRIOR in _text(app.screen.query_one("#load-error"))
        assert "initech" in _seen_but_the_prior_field(app).lower()


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_in_the_share_safe_view_the_prior_file_is_not_named(folder, size) -> None:
    """Its file name, `…-northwind-initech.toml`, named the other partner in the question that
    hides that partner's companies, and again in the form's error box after esc."""
    app = AcctmapApp(sessions_dir="sessions")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await _ask_carry(pilot, share_safe=True)
        asked = _text(app.screen.query_one("#carry-message"))
        assert "the prior session you gave is of another partnership" in asked, asked
        assert "initech" not in _seen_but_the_prior_field(app).lower()
        await pilot.press("escape")
        await pilot.pause()
        load = app.screen
        assert isinstance(load, LoadScreen)
        error = _text(load.query_one("#load-error"))
        assert "the prior session you gave" in error and "initech" not in error.lower(), error
        assert "initech" not in _seen_but_the_prior_field(app).lower()
        assert load.query_one("#prior-path", Input).value == PRIOR  # kept, to fix or clear


async def test_the_start_screen_lists_the_latest_call_first(tmp_path, monkeypatch) -> None:
    """Last quarter's session saved last sat on top, where enter opens "the newest"."""
    monkeypatch.chdir(tmp_path)
    sessions = tmp_path / "sessions"
    session_io.save(small_workbench().session, sessions / "2026-Q4-northwind-globex.toml")
    older = small_workbench().session
    older.date = older.date.replace(month=9, day=1)
    session_io.save(older, sessions / "older-globex.toml")
    past = time.time() - 3600
    os.utime(sessions / "2026-Q4-northwind-globex.toml", (past, past))
    app = AcctmapApp(sessions_dir="sessions", start_offer=start_offer(tmp_path, "sessions"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
        options = app.screen.query_one("#start-list", OptionList)
        rows = [str(options.get_option_at_index(n).prompt) for n in range(3)]
        assert rows[0] == "Sessions in sessions/ (latest call date first)", rows
        assert "2026-11-25" in rows[1] and "2026-Q4-northwind-globex.toml" in rows[1], rows
        assert "2026-09-01" in rows[2] and "older-globex.toml" in rows[2], rows
        assert options.highlighted == 1  # enter opens the latest call


async def test_a_key_typed_after_esc_on_the_carry_question_does_not_replace_a_path(folder) -> None:
    """After esc the form's first field was focused with its path selected: a reflex `p` made
    "northwind.csv" "p" (audit 6)."""
    app = AcctmapApp(sessions_dir="sessions")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.screen.query_one("#prior-path", Input).focus()  # the field typed in last
        await _ask_carry(pilot, share_safe=False)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.pause()
        assert app.focused is app.screen.query_one("#prior-path", Input)  # the field to fix
        await pilot.press("p")
        await pilot.pause()
        assert app.screen.query_one("#prior-path", Input).value == PRIOR + "p"  # not replaced

