"""The app shell: agenda header, phases, clock, undo, share-safe view, save / autosave / restore, quit."""

from __future__ import annotations

import os
from pathlib import Path

from textual.widgets import Input, Label, TextArea

from acctmap_tui.app import AcctmapApp
from acctmap_tui.screens.load import LoadRequest
from acctmap_tui.core import session as session_io
from acctmap_tui.core.model import ACCEPTED, PHASE_LABELS, REJECTED, REVIEW, SessionError
from acctmap_tui.core.workbench import Workbench
from acctmap_tui.screens.dialogs import RestoreDialog, SaveAsDialog, UnsavedChangesDialog
from acctmap_tui.screens.load import LoadScreen
from tests.ui.factory import opened, run_command, small_workbench
from tests.ui.factory import wait_for_load as _loaded
from tests.ui.factory import write_lists as _write_lists

SIZE = (120, 40)


def header(app: AcctmapApp, part: str) -> str:
    """The text of one part of the agenda header on the screen showing now."""
    return str(app.screen.query_one(f"#agenda-{part}", Label).content)


def clock_by_hand(app: AcctmapApp) -> AcctmapApp:
    """The agenda clock advances only by `clock_tick()` calls (its 1 s interval is set far off)."""
    app.CLOCK_TICK_S = 3600
    return app


def messages(app: AcctmapApp) -> list[str]:
    return [n.message for n in app._notifications]


def errors(app: AcctmapApp) -> list[str]:
    return [n.message for n in app._notifications if n.severity == "error"]


def review_account(wb: Workbench):
    return next(a for a in wb.session.accounts if a.match.decision == REVIEW)


# --- header and phases ------------------------------------------------------------------------


async def test_header_shows_companies_phase_counts_and_save_state(sessions_dir: Path) -> None:
    app = AcctmapApp(small_workbench(), sessions_dir)
    async with app.run_test(size=SIZE):
        assert "Northwind × Globex" == header(app, "companies")
        assert header(app, "phase") == f"1/4 {PHASE_LABELS['icp']}"
        assert "phase 05:00 left" in header(app, "clock")
        assert "call 60:00 left" in header(app, "clock")
        assert "paused" in header(app, "clock")
        counts = header(app, "counts")
        for code in ("SHARED", "VOUCH", "INTRO", "JOINT"):
            assert code in counts
        assert "review 3" in counts
        assert header(app, "saved") == "not saved yet"
        assert "SHARE-SAFE" not in header(app, "privacy")


async def test_phase_keys_switch_mode_and_header(sessions_dir: Path) -> None:
    app = AcctmapApp(small_workbench(), sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await pilot.pause()
        assert app.current_mode == "review"
        assert app.workbench.session.agenda.current == "review"
        assert header(app, "phase") == f"2/4 {PHASE_LABELS['review']}"
        assert "phase 20:00 left" in header(app, "clock")
        await pilot.press("1")
        await pilot.pause()
        assert app.current_mode == "icp"
        assert header(app, "phase") == f"1/4 {PHASE_LABELS['icp']}"


async def test_next_phase_walks_the_agenda_and_stops_at_the_last(sessions_dir: Path) -> None:
    app = AcctmapApp(small_workbench(), sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await pilot.pause()
        assert app.current_mode == "review"
        app.action_phase("assign")
        await pilot.pause()
        app.action_next_phase()
        await pilot.pause()
        assert app.current_mode == "assign"
        assert any("last phase" in m for m in messages(app))


async def test_header_counts_follow_a_decision(sessions_dir: Path) -> None:
    wb = small_workbench()
    app = AcctmapApp(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        before = header(app, "counts")
        wb.accept(review_account(wb))
        await pilot.pause()
        assert "review 2" in header(app, "counts")
        assert header(app, "counts") != before
        assert header(app, "saved") == "● unsaved"


# --- the clock ----------------------------------------------------------------------------


async def test_clock_starts_paused_and_t_runs_and_pauses_it(sessions_dir: Path) -> None:
    wb = small_workbench()
    app = clock_by_hand(AcctmapApp(wb, sessions_dir))
    async with app.run_test(size=SIZE) as pilot:
        assert not app.clock_running
        app.clock_tick()  # a tick while paused counts nothing
        assert wb.session.agenda.elapsed_s.get("icp", 0) == 0
        await pilot.press("t")
        assert app.clock_running
        app.clock_tick()
        app.clock_tick()
        await pilot.pause()
        assert wb.session.agenda.elapsed_s["icp"] == 2
        assert "phase 04:58 left" in header(app, "clock")
        assert "call 59:58 left" in header(app, "clock")
        assert "running" in header(app, "clock")
        await pilot.press("t")
        await pilot.pause()
        assert not app.clock_running
        app.clock_tick()
        assert wb.session.agenda.elapsed_s["icp"] == 2
        assert "paused" in header(app, "clock")


async def test_phase_over_time_shows_over_in_words(sessions_dir: Path) -> None:
    wb = small_workbench()
    app = clock_by_hand(AcctmapApp(wb, sessions_dir))
    async with app.run_test(size=SIZE) as pilot:
        assert not app.screen.query_one("#agenda-over").display
        wb.tick(5 * 60 + 132)  # the ICP phase has 5 minutes
        await pilot.press("t")
        app.clock_tick()
        await pilot.pause()
        assert "phase +02:13 over" in header(app, "clock")
        assert app.screen.query_one("#agenda-clock").has_class("-over")
        assert header(app, "over") == "OVER"
        assert app.screen.query_one("#agenda-over").display
        assert any("Time is up" in m for m in messages(app))


async def test_next_phase_keeps_elapsed_time_per_phase(sessions_dir: Path) -> None:
    wb = small_workbench()
    app = clock_by_hand(AcctmapApp(wb, sessions_dir))
    async with app.run_test(size=SIZE) as pilot:
        wb.tick(90)
        await pilot.press("n")
        await pilot.pause()
        wb.tick(30)
        app.clock_seconds = sum(wb.session.agenda.elapsed_s.values())  # what a clock tick sets
        await pilot.pause()
        assert wb.session.agenda.elapsed_s == {"icp": 90, "review": 30}
        assert "phase 19:30 left" in header(app, "clock")
        assert "call 58:00 left" in header(app, "clock")


async def test_a_clock_tick_or_a_score_redraws_only_the_header_parts_that_changed(sessions_dir: Path,
                                                                                 monkeypatch) -> None:
    """The header is asked on every change and every clock tick: a label showing its text
    already is left alone, and one whose text keeps its width is not laid out again (a new
    layout is a pass over the whole screen)."""
    wb = small_workbench()
    app = clock_by_hand(AcctmapApp(wb, sessions_dir))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        updates: list[tuple[str, bool]] = []
        real_update = Label.update

        def update(label, content="", *, layout=True):
            updates.append((label.id, layout))
            return real_update(label, content, layout=layout)

        monkeypatch.setattr(Label, "update", update)
        await pilot.press("t")  # the clock runs: "paused (t)" -> "running" (another width)
        await pilot.pause()
        assert updates == [("agenda-clock", True)] and "running" in header(app, "clock")
        updates.clear()
        wb.tick(1)
        app.clock_tick()
        await pilot.pause()
        assert updates == [("agenda-clock", False)]  # 04:59 for 05:00: the same width
        assert "phase 04:58 left" in header(app, "clock")
        updates.clear()
        overlap = next(a for a in wb.session.accounts if a.in_overlap)
        wb.set_level(overlap, wb.session.scoring.factors[0].key, 2)
        await pilot.pause()
        assert updates == [("agenda-saved", True)] and "unsaved" in header(app, "saved")


# --- undo and privacy -----------------------------------------------------------------------


async def test_ctrl_z_undoes_the_last_change_and_says_what(sessions_dir: Path) -> None:
    wb = small_workbench()
    app = AcctmapApp(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        account = review_account(wb)
        wb.reject(account)
        await pilot.pause()
        assert account.match.decision == REJECTED
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert account.match.decision == REVIEW
        assert any(m.startswith("Undid: Rejected") for m in messages(app))
        await pilot.press("ctrl+z")
        assert "Nothing to undo." in messages(app)


async def test_p_switches_share_safe_view_in_header_and_hides_icp_notes(sessions_dir: Path) -> None:
    wb = small_workbench()
    wb.session.icp_notes = "Mid-market SaaS, EMEA first"
    app = AcctmapApp(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        notes = app.screen.query_one("#icp-notes", TextArea)
        assert notes.display and notes.text == "Mid-market SaaS, EMEA first"
        await pilot.press("p")
        await pilot.pause()
        assert app.share_safe
        assert header(app, "privacy") == "SHARE-SAFE"
        assert not notes.display
        assert app.screen.query_one("#icp-notes-hidden").display
        await pilot.press("p")  # off only once asked: any key but y keeps the fields hidden
        await pilot.pause()
        assert type(app.screen).__name__ == "ShowPrivateDialog"
        await pilot.press("e", "p")
        await pilot.pause()
        assert app.share_safe and not notes.display
        await pilot.press("y")
        await pilot.pause()
        assert header(app, "privacy") != "SHARE-SAFE"
        assert notes.display


async def test_letters_typed_after_e_in_the_share_safe_view_never_show_the_notes(sessions_dir: Path) -> None:
    """In the share-safe view `e` cannot open the private ICP notes: it says so, and "pricing"
    typed behind it (its `p` used to switch the view off at once) leaves the notes hidden."""
    from tests.ui.factory import burst

    wb = small_workbench()
    wb.session.icp_notes = "Mid-market SaaS, EMEA first"
    app = AcctmapApp(wb, sessions_dir)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("p")
        await pilot.pause()
        burst(app, "e", *"pricing")
        for _ in range(4):
            await pilot.pause()
        notes = app.screen.query_one("#icp-notes", TextArea)
        assert app.share_safe and not notes.display
        from tests.ui.test_share_safe_everywhere import screen_lines

        assert "ICP notes are private" in " ".join(line.strip() for line in screen_lines(app))


# --- saving ---------------------------------------------------------------------------------


async def test_save_asks_a_name_once_and_reopens_as_left(sessions_dir: Path) -> None:
    wb = small_workbench()
    app = AcctmapApp(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        accepted = review_account(wb)
        wb.accept(accepted)
        await pilot.press("e", *"EMEA mid-market", "escape")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SaveAsDialog)
        name = app.screen.query_one("#save-name", Input).value
        assert name == session_io.suggest_filename(wb.session)
        await pilot.press("enter")
        await pilot.pause()
        path = sessions_dir / name
        assert path.is_file()
        assert wb.path == path and not wb.dirty
        assert header(app, "saved") == "saved"
        wb.set_field(accepted, "owner", "Dana Reyes")
        await pilot.press("ctrl+s")  # has a name now: no dialog
        await pilot.pause()
        assert not isinstance(app.screen, SaveAsDialog)
        assert not wb.dirty

    reopened = AcctmapApp(opened(path), sessions_dir)
    async with reopened.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not isinstance(reopened.screen, RestoreDialog)  # saving removed the recovery file
        assert reopened.screen.query_one("#icp-notes", TextArea).text == "EMEA mid-market"
        again = next(a for a in reopened.workbench.session.accounts if a.pair_id == accepted.pair_id)
        assert again.match.decision == ACCEPTED
        assert again.owner == "Dana Reyes"
        assert header(reopened, "saved") == "saved"


async def test_a_failed_save_is_reported_and_keeps_the_session(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the sessions folder should be")
    wb = small_workbench()
    app = AcctmapApp(wb, blocker, autosave_delay=3600)  # only the save under test writes
    async with app.run_test(size=SIZE) as pilot:
        wb.set_icp_notes("keep me")
        await pilot.press("ctrl+s", "enter")
        await app.wait_for_save()
        await pilot.pause()
        assert any("Could not save" in e for e in errors(app))
        assert wb.dirty and wb.session.icp_notes == "keep me"
        assert app.is_running


async def test_autosave_writes_the_recovery_file_after_a_change(sessions_dir: Path) -> None:
    wb = small_workbench()
    app = AcctmapApp(wb, sessions_dir, autosave_delay=0.05)
    async with app.run_test(size=SIZE) as pilot:
        recovery = wb.recovery_file(sessions_dir)  # never saved: named by the session's id
        assert recovery.name == f".unsaved-{wb.session.session_id}.recovery.toml"
        assert not recovery.exists()
        wb.set_icp_notes("autosaved words")
        await pilot.pause(0.3)
        await app.workers.wait_for_complete()  # the recovery file is written in a worker
        assert recovery.is_file()
        assert session_io.load(recovery).icp_notes == "autosaved words"


async def test_autosave_now_writes_next_to_a_saved_session(sessions_dir: Path) -> None:
    path = sessions_dir / "call.toml"
    wb = small_workbench()
    session_io.save(wb.session, path)
    wb.path = path
    app = AcctmapApp(wb, sessions_dir)
    async with app.run_test(size=SIZE):
        wb.set_icp_notes("after the save")
        written = app.autosave_now()
        assert written == session_io.recovery_path(path)
        assert session_io.load(written).icp_notes == "after the save"


def _saved_with_newer_recovery(sessions_dir: Path) -> Path:
    path = sessions_dir / "call.toml"
    wb = small_workbench()
    session_io.save(wb.session, path)
    wb.session.icp_notes = "typed before the crash"
    recovery = session_io.write_recovery(wb.session, path)
    later = path.stat().st_mtime + 60
    os.utime(recovery, (later, later))
    return path


async def test_open_offers_a_newer_recovery_file_and_restores_it(sessions_dir: Path) -> None:
    path = _saved_with_newer_recovery(sessions_dir)
    app = AcctmapApp(opened(path), sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, RestoreDialog)
        text = str(app.screen.query_one("#restore-message").content)
        assert "A recovery file newer than this session exists (saved " in text
        await pilot.press("r")
        await pilot.pause()
        assert app.current_mode == "icp"
        assert app.workbench.session.icp_notes == "typed before the crash"
        assert app.workbench.dirty and app.workbench.path == path
        assert app.screen.query_one("#icp-notes", TextArea).text == "typed before the crash"
        assert header(app, "saved") == "● unsaved"


async def test_a_never_saved_session_is_recovered_after_a_crash(sessions_dir: Path) -> None:
    crashed = small_workbench()
    crashed.set_icp_notes("typed before the terminal was killed")
    assert crashed.autosave(sessions_dir) is not None  # what the app did a moment after the edit
    app = AcctmapApp(small_workbench(), sessions_dir)  # `acctmap` again: the same session, unsaved
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, RestoreDialog)
        await pilot.press("r")
        await pilot.pause()
        assert app.workbench.session.icp_notes == "typed before the terminal was killed"
        assert app.workbench.path is None  # ctrl+s still asks for a name


async def test_keeping_the_saved_session_ignores_the_recovery_file(sessions_dir: Path) -> None:
    path = _saved_with_newer_recovery(sessions_dir)
    app = AcctmapApp(opened(path), sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("k")
        await pilot.pause()
        assert app.workbench.session.icp_notes == ""
        assert not app.workbench.dirty


# --- quitting -------------------------------------------------------------------------------


async def test_quit_without_changes_does_not_ask(sessions_dir: Path) -> None:
    app = AcctmapApp(small_workbench(), sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("q")
        await pilot.pause()
        assert app._exit


async def test_a_key_typed_right_after_q_does_not_stop_the_app_on_an_error(sessions_dir: Path) -> None:
    """A fast "q n": the next phase's screen was mounted while the app shut down (NoMatches)."""
    app = AcctmapApp(small_workbench(), sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        for key in "qn2":  # in one read of the terminal, as a fast typist's keys arrive
            app.simulate_key(key)
        await pilot.pause()
        assert app._exit
    assert app.return_code == 0 and app.current_mode == "icp"


async def test_quit_with_unsaved_changes_asks_and_can_cancel_or_discard(sessions_dir: Path) -> None:
    wb = small_workbench()
    app = AcctmapApp(wb, sessions_dir, autosave_delay=3600)  # no recovery file mid-test
    async with app.run_test(size=SIZE) as pilot:
        wb.reject(review_account(wb))
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, UnsavedChangesDialog)
        await pilot.press("escape")
        await pilot.pause()
        assert not app._exit and not isinstance(app.screen, UnsavedChangesDialog)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, UnsavedChangesDialog)
        await pilot.press("d")
        await pilot.pause()
        assert app._exit
    assert not list(sessions_dir.glob("*.toml"))


async def test_save_and_quit_asks_the_name_then_quits(sessions_dir: Path) -> None:
    wb = small_workbench()
    app = AcctmapApp(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        wb.reject(review_account(wb))
        await pilot.press("q", "s")
        await pilot.pause()
        assert isinstance(app.screen, SaveAsDialog)
        await pilot.press("enter")
        await pilot.pause()
        assert app._exit
    saved = session_io.load(sessions_dir / session_io.suggest_filename(wb.session))
    assert sum(a.match.decision == REJECTED for a in saved.accounts) == 1


async def test_quit_keeps_notes_still_being_typed(sessions_dir: Path) -> None:
    wb = small_workbench()
    app = AcctmapApp(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e", *"half a thought")
        await pilot.press("ctrl+q")  # before the notes' debounce ran
        await pilot.pause()
        assert wb.session.icp_notes == "half a thought"
        assert isinstance(app.screen, UnsavedChangesDialog)


# --- command palette ------------------------------------------------------------------------


async def test_command_palette_runs_app_actions(sessions_dir: Path) -> None:
    app = AcctmapApp(small_workbench(), sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await run_command(pilot, "next phase")
        assert app.current_mode == "review"


# --- loading lists --------------------------------------------------------------------------


async def test_load_request_matches_in_a_worker_and_opens_icp(tmp_path: Path, sessions_dir: Path) -> None:
    ours, theirs = _write_lists(tmp_path)
    app = AcctmapApp(sessions_dir=sessions_dir, load=LoadRequest(ours, theirs))
    async with app.run_test(size=SIZE) as pilot:
        await _loaded(app)
        await pilot.pause()
        await pilot.pause()
        assert app.current_mode == "icp"
        assert app.workbench is not None
        assert len(app.workbench.session.overlap()) == 2
        assert app.workbench.dirty  # a new session is unsaved until saved
        assert "SHARED" in header(app, "counts")


async def test_load_with_a_prior_session_carries_its_plan_forward(tmp_path: Path,
                                                                   sessions_dir: Path) -> None:
    ours, theirs = _write_lists(tmp_path)
    first = AcctmapApp(sessions_dir=sessions_dir, load=LoadRequest(ours, theirs))
    async with first.run_test(size=SIZE) as pilot:
        await _loaded(first)
        await pilot.pause()
        wb = first.workbench
        acme = next(a for a in wb.session.overlap() if a.key == "acme.com")
        wb.set_level(acme, "relationship", 3)
        wb.set_field(acme, "owner", "Dana Reyes")
        prior = wb.save(sessions_dir / "q3.toml")
    with theirs.open("a") as f:  # next quarter Globex also has Cobalt
        f.write("Cobalt GmbH,cobalt.de,opportunity\n")
    again = AcctmapApp(sessions_dir=sessions_dir, load=LoadRequest(ours, theirs, prior=prior))
    async with again.run_test(size=SIZE) as pilot:
        await _loaded(again)
        await pilot.pause()
        carried = {a.key: a for a in again.workbench.session.overlap()}
        assert carried["acme.com"].owner == "Dana Reyes" and carried["acme.com"].priority == 9
        assert carried["acme.com"].carried and carried["blueharbor.io"].carried
        assert not carried["cobalt.de"].carried  # new to the overlap this quarter


async def test_load_error_names_the_file_on_the_load_screen(tmp_path: Path, sessions_dir: Path) -> None:
    ours, _ = _write_lists(tmp_path)
    missing = tmp_path / "nowhere.csv"
    app = AcctmapApp(sessions_dir=sessions_dir, load=LoadRequest(ours, missing))
    async with app.run_test(size=SIZE) as pilot:
        await _loaded(app)
        await pilot.pause()
        assert isinstance(app.screen, LoadScreen)
        error = app.screen.query_one("#load-error")
        assert error.display
        assert "nowhere.csv" in str(error.content)
        assert app.workbench is None


async def test_o_opens_the_load_form_and_escape_goes_back(sessions_dir: Path) -> None:
    app = AcctmapApp(small_workbench(), sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, LoadScreen)
        assert app.screen.query_one("#load-form").display
        await pilot.press("escape")
        await pilot.pause()
        assert app.current_mode == "icp"


async def test_o_with_unsaved_changes_asks_first(sessions_dir: Path) -> None:
    wb = small_workbench()
    app = AcctmapApp(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        wb.reject(review_account(wb))
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, UnsavedChangesDialog)
        await pilot.press("escape")
        await pilot.pause()
        assert app.current_mode == "icp" and wb.dirty


async def test_the_app_collects_frame_garbage_young_while_it_runs_and_gives_the_thresholds_back(
        sessions_dir: Path) -> None:
    """Frames leave cyclic garbage; with the default young threshold it reached full collections
    of 160-420 ms in the middle of key presses. The app raises the thresholds while it runs and
    restores the process's own when it ends."""
    import gc

    before = gc.get_threshold()
    app = AcctmapApp(small_workbench(), sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert gc.get_threshold() == AcctmapApp.COLLECTOR_THRESHOLDS != before
    assert gc.get_threshold() == before


def test_snapshot_show_private_fields_dialog(snap_compare):
    """The question before the share-safe view goes off, at 80x24: a box over the ICP screen."""
    async def ask(pilot):
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()

    assert snap_compare(AcctmapApp(small_workbench(), Path("sessions")), terminal_size=(80, 24),
                        run_before=ask)


async def test_p_then_e_typed_fast_turns_the_view_on_before_e_is_read(sessions_dir: Path) -> None:
    """`e` moves the cursor into the notes as it arrives (a priority key); `p` typed just before
    it must act first, or the notes opened with the view still off and the letters after went
    into them on a screen the user had just made share-safe."""
    from tests.ui.factory import burst

    wb = small_workbench()
    wb.session.icp_notes = "Mid-market SaaS, EMEA first"
    app = AcctmapApp(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        burst(app, "p", "e", *"xyz")
        for _ in range(4):
            await pilot.pause()
        notes = app.screen.query_one("#icp-notes", TextArea)
        assert app.share_safe and not notes.display
        assert notes.text == "Mid-market SaaS, EMEA first"


async def test_p_is_a_letter_in_a_text_field(sessions_dir: Path) -> None:
    wb = small_workbench()
    app = AcctmapApp(wb, sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("e", *"pp", "escape")
        await pilot.pause()
        assert not app.share_safe and "pp" in wb.session.icp_notes


async def test_later_keeps_a_crashs_work_through_this_runs_edits_and_offers_it_again(
        sessions_dir: Path) -> None:
    """esc ("decide later") on the recovery question, then an edit: its autosave writes the same
    file and used to overwrite the crash's work. The crash's work is set aside and offered at the
    next open, where `r` restores it."""
    path = _saved_with_newer_recovery(sessions_dir)
    app = AcctmapApp(opened(path), sessions_dir, autosave_delay=0.05)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, RestoreDialog)
        await pilot.press("escape")
        await pilot.pause()
        app.workbench.set_icp_notes("typed in this run")
        rec = session_io.recovery_path(path)

        def this_runs() -> bool:
            try:
                return session_io.load(rec).icp_notes == "typed in this run"
            except (OSError, SessionError):
                return False

        for _ in range(200):  # this run's autosave, at the recovery file's name
            await pilot.pause(0.02)
            if this_runs():
                break
        assert this_runs()
        app.workbench.dirty = False  # quit without the unsaved-changes question
        rec.unlink()
    aside = session_io.set_aside_recoveries(path)
    assert [session_io.load(p).icp_notes for p in aside] == ["typed before the crash"]
    app = AcctmapApp(opened(path), sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, RestoreDialog)
        assert "chose to decide on later" in str(app.screen.query_one("#restore-message").content)
        await pilot.press("r")
        await pilot.pause()
        assert app.workbench.session.icp_notes == "typed before the crash" and app.workbench.dirty
    assert not session_io.set_aside_recoveries(path)  # back at this session's recovery file
    assert session_io.load(session_io.recovery_path(path)).icp_notes == "typed before the crash"


async def test_work_put_off_then_saved_over_says_so_before_it_is_restored(sessions_dir: Path) -> None:
    """Put off with "Later", then the session saved again: restoring the old work replaces what
    was saved since, and the question says so (call re-audit, F2)."""
    path = _saved_with_newer_recovery(sessions_dir)
    aside = session_io.set_aside_recovery(session_io.recovery_path(path))
    session_io.save(session_io.load(path), path)
    later = aside.stat().st_mtime + 120
    os.utime(path, (later, later))
    app = AcctmapApp(opened(path), sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, RestoreDialog)
        text = str(app.screen.query_one("#restore-message").content)
        assert "The session was saved after it" in text, text
