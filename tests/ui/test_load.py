"""The load form: every way to start a session the command line has (hashed lists, column
overrides) works from the app too, through the same core request."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from acctmap_tui.app import AcctmapApp
from acctmap_tui.core import ingest, privacy
from acctmap_tui.core.model import PARTNER
from acctmap_tui.screens.load import LoadScreen
from tests.ui.factory import wait_for_load, write_lists

SIZE = (120, 40)


async def _fill_and_load(app: AcctmapApp, pilot, **fields: str) -> None:
    assert isinstance(app.screen, LoadScreen)
    for field_id, value in fields.items():
        app.screen.query_one(f"#{field_id.replace('_', '-')}", Input).value = value
    await pilot.press("ctrl+l")
    await pilot.pause()
    await wait_for_load(app)
    await pilot.pause()
    await pilot.pause()


def _hashed(folder: Path, plain: Path) -> tuple[Path, Path]:
    key = folder / "exchange.key"
    key.write_text(privacy.keygen() + "\n")
    hashed = folder / "globex.hashed.csv"
    privacy.write_hashed(ingest.read_list(str(plain), PARTNER, "Globex"), hashed,
                         privacy.read_key(key))
    return hashed, key


async def test_a_hashed_partner_list_opens_in_the_app_with_the_key_file(tmp_path, sessions_dir):
    ours, theirs = write_lists(tmp_path)
    hashed, key = _hashed(tmp_path, theirs)
    app = AcctmapApp(sessions_dir=sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await _fill_and_load(app, pilot, ours_path=str(ours), theirs_path=str(hashed),
                             ours_name="Northwind", theirs_name="Globex", key_path=str(key))
        assert app.current_mode == "icp"
        overlap = app.workbench.session.overlap()
        assert {a.key for a in overlap} == {"acme.com", "blueharbor.io"}
        assert all(a.theirs.hashed and a.theirs.name == "" for a in overlap)
        assert app.workbench.session.source(PARTNER).hashed


async def test_a_hashed_list_without_the_key_says_which_file_needs_it(tmp_path, sessions_dir):
    ours, theirs = write_lists(tmp_path)
    hashed, _ = _hashed(tmp_path, theirs)
    app = AcctmapApp(sessions_dir=sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await _fill_and_load(app, pilot, ours_path=str(ours), theirs_path=str(hashed))
        assert isinstance(app.screen, LoadScreen) and app.workbench is None
        error = app.screen.query_one("#load-error")
        assert error.display and "globex.hashed.csv is a hashed list" in str(error.content)
        assert "key file field" in str(error.content)


async def test_the_form_takes_a_column_override_per_side(tmp_path, sessions_dir):
    ours = tmp_path / "ours.csv"
    ours.write_text("Kunde,Netzadresse,Art\nAcme Inc,acme.com,Customer\nCobalt,cobalt.de,Prospect\n")
    theirs = tmp_path / "theirs.csv"
    theirs.write_text("Firma,Seite,Zustand\nACME Corp,acme.com,customer\nCobalt AG,cobalt.de,customer\n")
    app = AcctmapApp(sessions_dir=sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await _fill_and_load(app, pilot, ours_path=str(ours), theirs_path=str(theirs))
        error = app.screen.query_one("#load-error")
        assert error.display and "ours.csv" in str(error.content)  # no column reads as a name
        await _fill_and_load(app, pilot,
                             ours_columns="name=Kunde,domain=Netzadresse,status=Art",
                             theirs_columns="name=Firma,domain=Seite,status=Zustand")
        assert app.current_mode == "icp"
        session = app.workbench.session
        assert {a.key for a in session.overlap()} == {"acme.com", "cobalt.de"}
        assert session.source(PARTNER).columns["name"] == "Firma"


async def test_a_malformed_column_override_is_shown_on_the_form(tmp_path, sessions_dir):
    ours, theirs = write_lists(tmp_path)
    app = AcctmapApp(sessions_dir=sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await _fill_and_load(app, pilot, ours_path=str(ours), theirs_path=str(theirs),
                             ours_columns="name")
        assert app.workbench is None
        error = app.screen.query_one("#load-error")
        assert error.display and "Our columns: expected ROLE=HEADER" in str(error.content)


async def test_a_path_typed_fast_is_read_as_typed_up_to_its_enter(tmp_path, sessions_dir):
    """The partner's path finished with enter and more keys in one burst (a laggy remote
    terminal): the lists load; the keys after enter are not the end of the path."""
    from tests.ui.factory import burst

    ours, theirs = write_lists(tmp_path)
    app = AcctmapApp(sessions_dir=sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        form = app.screen
        assert isinstance(form, LoadScreen)
        form.query_one("#ours-path", Input).value = str(ours)
        field = form.query_one("#theirs-path", Input)
        field.value = str(theirs)[:-1]
        form.set_focus(field)
        await pilot.pause()
        field.cursor_position = len(field.value)
        burst(app, str(theirs)[-1], "enter", "x")
        await pilot.pause()
        await wait_for_load(app)
        await pilot.pause()
        assert app.workbench is not None and app.workbench.theirs.path == str(theirs)


async def test_a_prior_session_of_another_partnership_is_carried_only_when_asked(
        tmp_path, sessions_dir):
    """The command line carries it with --force; the form used to refuse it with no way on (and
    a message naming --force). It asks: esc keeps the form, with the names to fix; `c` carries."""
    from acctmap_tui.core import session as session_io
    from acctmap_tui.core.start import SessionRequest, open_workbench
    from acctmap_tui.screens.dialogs import CarryAnywayDialog

    ours, theirs = write_lists(tmp_path)
    earlier = open_workbench(SessionRequest(ours, theirs, ours_name="Northwind",
                                            partner_name="Initech"))
    acme = next(a for a in earlier.session.overlap() if a.key == "acme.com")
    earlier.set_fields(acme, owner="Dana Reyes")
    prior = session_io.save(earlier.session, tmp_path / "2026-Q3-initech.toml")
    app = AcctmapApp(sessions_dir=sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await _fill_and_load(app, pilot, ours_path=str(ours), theirs_path=str(theirs),
                             ours_name="Northwind", theirs_name="Globex", prior_path=str(prior))
        assert isinstance(app.screen, CarryAnywayDialog), app.screen
        assert "'Globex' is not 'Initech'" in str(app.screen.query_one("#carry-message").content)
        load = app.screen_stack[-2]
        assert isinstance(load, LoadScreen)
        assert not [b for b in load.active_bindings.values() if b.node is load and b.binding.show]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LoadScreen) and app.workbench is None
        error = str(app.screen.query_one("#load-error").content)
        assert "another partnership" in error and "type the names above" in error
        assert "--force" not in error  # a command-line flag means nothing in the form
        await _fill_and_load(app, pilot)  # the form still holds everything: load again
        assert isinstance(app.screen, CarryAnywayDialog)
        await pilot.press("c")
        await pilot.pause()
        await wait_for_load(app)
        await pilot.pause()
        assert app.current_mode == "icp" and app.workbench is not None
        carried = next(a for a in app.workbench.session.overlap() if a.key == "acme.com")
        assert carried.owner == "Dana Reyes" and app.workbench.session.partner == "Globex"


async def test_in_the_share_safe_view_the_carry_question_does_not_name_the_other_partnership(
        tmp_path, sessions_dir):
    """The other partnership's companies come from inside the prior file; the share-safe Compare
    picker hides other partnerships, and so does this question (audit 4, N6)."""
    from acctmap_tui.core import session as session_io
    from acctmap_tui.core.start import SessionRequest, open_workbench
    from acctmap_tui.screens.dialogs import CarryAnywayDialog

    ours, theirs = write_lists(tmp_path)
    earlier = open_workbench(SessionRequest(ours, theirs, ours_name="Northwind",
                                            partner_name="ZZSInitech"))
    prior = session_io.save(earlier.session, tmp_path / "q3.toml")
    app = AcctmapApp(sessions_dir=sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.share_safe = True  # on in the session this form was opened from (ctrl+n)
        await _fill_and_load(app, pilot, ours_path=str(ours), theirs_path=str(theirs),
                             ours_name="Northwind", theirs_name="Globex", prior_path=str(prior))
        assert isinstance(app.screen, CarryAnywayDialog)
        asked = str(app.screen.query_one("#carry-message").content)
        assert "another partnership" in asked and "ZZS" not in asked, asked
        await pilot.press("escape")
        await pilot.pause()
        error = str(app.screen.query_one("#load-error").content)
        assert "another partnership" in error and "ZZS" not in error, error


async def test_the_private_exchange_says_it_does_not_carry_a_prior_session(tmp_path, sessions_dir):
    """ctrl+r with "Prior session" filled opened the exchange, whose session dropped the prior
    without a word; it says so and stays on the form."""
    from acctmap_tui.screens.psi_dialog import PsiDialog

    ours, _ = write_lists(tmp_path)
    app = AcctmapApp(sessions_dir=sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.query_one("#ours-path", Input).value = str(ours)
        app.screen.query_one("#prior-path", Input).value = str(tmp_path / "q3.toml")
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert isinstance(app.screen, LoadScreen)
        assert "does not carry a prior session" in str(app.screen.query_one("#load-error").content)
        app.screen.query_one("#prior-path", Input).value = ""
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert isinstance(app.screen, PsiDialog)


async def test_in_the_share_safe_view_a_broken_prior_session_is_named_by_line_not_value(
        tmp_path, sessions_dir):
    """A hand-broken prior session's type error quotes the value found (`got 'ZZS…'`): with the
    share-safe view on, the form names the line and field only, and not the file, whose name
    may name another partner (audit 4, N7; audit 6)."""
    from acctmap_tui.core import session as session_io
    from acctmap_tui.core.start import SessionRequest, open_workbench

    ours, theirs = write_lists(tmp_path)
    earlier = open_workbench(SessionRequest(ours, theirs, ours_name="Northwind", partner_name="Globex"))
    prior = session_io.save(earlier.session, tmp_path / "q3.toml")
    text = prior.read_text(encoding="utf-8").replace(
        'partner = "Globex"', 'partner = "Globex"\ndate = "ZZS call Dana re: price cut"', 1)
    text = text.replace("\ndate = 20", "\n# date = 20", 1) if text.count("\ndate = ") > 1 else text
    prior.write_text(text, encoding="utf-8")
    for share_safe in (False, True):
        app = AcctmapApp(sessions_dir=sessions_dir)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            app.share_safe = share_safe
            await _fill_and_load(app, pilot, ours_path=str(ours), theirs_path=str(theirs),
                                 ours_name="Northwind", theirs_name="Globex", prior_path=str(prior))
            error = str(app.screen.query_one("#load-error").content)
            assert "'date'" in error and "line " in error, error
            assert ("ZZS" in error) is not share_safe, error
            assert ("q3.toml" in error) is not share_safe, error


async def test_at_80x24_an_error_leaves_every_field_the_buttons_and_the_picker_in_view(
        tmp_path, sessions_dir, monkeypatch):
    """At 80x24 the error box pushed "Prior session", "Key file" and both buttons off the screen,
    the message telling to fix one of them, and the file picker was a border with no entry
    (call re-audit, F3): under 34 lines the form takes one line a field."""
    from textual.widgets import Button

    monkeypatch.chdir(tmp_path)
    write_lists(tmp_path)
    app = AcctmapApp(sessions_dir=sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await _fill_and_load(app, pilot, ours_path="northwind.csv", theirs_path="nowhere.csv")
        screen = app.screen
        assert screen.query_one("#load-error").display
        for widget in (*screen.query(Input), *screen.query(Button), screen.query_one("#load-error")):
            region = widget.region
            assert region.height and region.bottom <= 23, (widget, region)  # above the footer
        assert screen.query_one("#picker").region.height >= 3


async def test_the_app_says_what_the_start_said(tmp_path, sessions_dir):
    """The start's notes (a prior's marks kept, a hashed list's keys that likely differ) were
    printed by the CLI only; the app dropped them (call re-audit F4)."""
    from acctmap_tui.core import session as session_io
    from acctmap_tui.core.model import SESSION_SIDE
    from acctmap_tui.core.start import SessionRequest, open_workbench

    ours, theirs = write_lists(tmp_path)
    earlier = open_workbench(SessionRequest(ours, theirs, ours_name="Northwind", partner_name="Globex"))
    earlier.set_shareable(SESSION_SIDE, "owner", False)
    prior = session_io.save(earlier.session, tmp_path / "q3.toml")
    app = AcctmapApp(sessions_dir=sessions_dir)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await _fill_and_load(app, pilot, ours_path=str(ours), theirs_path=str(theirs),
                             ours_name="Northwind", theirs_name="Globex", prior_path=str(prior))
        assert app.current_mode == "icp"
        said = [n.message for n in app._notifications]
        assert any("What the partner sees is as the prior session had it" in m for m in said), said
