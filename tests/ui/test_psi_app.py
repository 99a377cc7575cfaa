"""The private overlap exchange from the app: both partners run start, answer and finish from the
load screen's exchange dialog (ctrl+r), and the overlap opens as the new session."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console
from textual.widgets import Checkbox, Input, Static, TabbedContent

from acctmap_tui.app import AcctmapApp
from acctmap_tui.core import ingest, psi
from acctmap_tui.core.model import DOMAIN, OURS, PARTNER, PSI
from acctmap_tui.core.pipeline import new_session
from acctmap_tui.screens.load import LoadScreen
from acctmap_tui.screens.psi_dialog import PsiDialog
from tests.ui.factory import write_lists

SIZE = (120, 40)


@pytest.fixture
def lists(tmp_path):
    """Two small lists, each in its own partner's folder (as two machines would hold them)."""
    ours, theirs = write_lists(tmp_path)
    for side in ("north", "globex"):
        (tmp_path / side).mkdir()
    return ours.rename(tmp_path / "north" / ours.name), theirs.rename(tmp_path / "globex" / theirs.name)


def text_of(screen, widget_id: str) -> str:
    """What a Static shows, as plain text ("" when hidden)."""
    widget = screen.query_one(f"#{widget_id}", Static)
    if not widget.display:
        return ""
    console = Console(width=1000, record=True, file=io.StringIO())  # no wrapping
    console.print(widget.content)
    return console.export_text()


async def open_dialog(app: AcctmapApp, pilot, **fields: str) -> PsiDialog:
    """The load screen with its fields filled, then ctrl+r."""
    await pilot.pause()
    assert isinstance(app.screen, LoadScreen)
    for field_id, value in fields.items():
        app.screen.query_one(f"#{field_id.replace('_', '-')}", Input).value = value
    await pilot.press("ctrl+r")
    await pilot.pause()
    assert isinstance(app.screen, PsiDialog)
    return app.screen


async def run_step(app: AcctmapApp, pilot, dialog: PsiDialog, step: str, **fields) -> None:
    """Switch to a step's tab, fill its fields, press ctrl+l and wait for the worker."""
    dialog.query_one("#psi-steps", TabbedContent).active = step
    await pilot.pause()
    for field_id, value in fields.items():
        field = dialog.query_one(f"#{field_id.replace('_', '-')}")
        if isinstance(field, Checkbox):
            field.value = value
        else:
            field.value = str(value)
    await pilot.pause()
    await pilot.press("ctrl+l")
    await pilot.pause()
    running = [w for w in app.workers if w.group == "psi"]
    if running:  # wait_for_complete([]) would wait for every worker, the file pickers' too
        await app.workers.wait_for_complete(running)
    await pilot.pause()
    await pilot.pause()


async def start_side(lst: Path, company: str, sessions: Path, counts_only: bool = False) -> Path:
    """One partner's step 1 in the app; returns the round-1 file it wrote."""
    app = AcctmapApp(sessions_dir=sessions)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_dialog(app, pilot, ours_path=str(lst), ours_name=company)
        out1 = Path(dialog.query_one("#psi-out1", Input).value)
        assert out1 == lst.parent / f"{lst.stem}-round1.psi"  # suggested beside the list
        await run_step(app, pilot, dialog, "psi-start", psi_counts_only=counts_only)
        result = text_of(dialog, "psi-result")
        assert not text_of(dialog, "psi-error")
        assert f"Wrote {out1}" in result and "never send it" in result
        assert "stays on this machine" in result
        # the answer and finish steps already know our round-1 file
        assert dialog.query_one("#psi-a-ours1", Input).value == str(out1)
        assert dialog.query_one("#psi-f-ours1", Input).value == str(out1)
    return out1


async def answer_side(ours1: Path, theirs1: Path, sessions: Path) -> Path:
    app = AcctmapApp(sessions_dir=sessions)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_dialog(app, pilot)
        await run_step(app, pilot, dialog, "psi-answer", psi_a_ours1=ours1, psi_a_theirs1=theirs1)
        out2 = ours1.with_name(ours1.name.replace("round1", "round2"))
        assert not text_of(dialog, "psi-error")
        assert f"Wrote {out2}" in text_of(dialog, "psi-result")
        assert "Their list: 3 domains; ours: 3" in text_of(dialog, "psi-result")
    return out2


def domain_join(ours: Path, theirs: Path) -> set[str]:
    """The oracle: the plain matcher's domain pairs on the same two lists."""
    built = new_session(ingest.read_list(str(ours), OURS, "Northwind"),
                        ingest.read_list(str(theirs), PARTNER, "Globex"))
    return {a.key for a in built.session.accounts if a.match.method == DOMAIN}


async def exchange(lists, tmp_path, counts_only=False) -> dict[str, Path]:
    ours, theirs = lists
    f = {"a1": await start_side(ours, "Northwind", tmp_path / "s", counts_only),
         "b1": await start_side(theirs, "Globex", tmp_path / "s", counts_only)}
    # each side receives the other's round-1 file by e-mail, into its own folder
    f["b1_at_a"] = ours.parent / "globex-round1.psi"
    f["b1_at_a"].write_bytes(f["b1"].read_bytes())
    f["a1_at_b"] = theirs.parent / "northwind-round1.psi"
    f["a1_at_b"].write_bytes(f["a1"].read_bytes())
    f["a1"], f["b1"] = ours.parent / "northwind-round1.psi", theirs.parent / "globex-round1.psi"
    f["a2"] = await answer_side(f["a1"], f["b1_at_a"], tmp_path / "s")
    f["b2"] = await answer_side(f["b1"], f["a1_at_b"], tmp_path / "s")
    f["b2_at_a"] = ours.parent / "globex-round2.psi"
    f["b2_at_a"].write_bytes(f["b2"].read_bytes())
    return f


def exchange_in_core(lists, counts_only=False) -> dict[str, Path]:
    """Start and answer on both sides through the core (the app's start and answer steps are
    tested above): each side's files in its own folder, as e-mailed."""
    (ours, theirs), f = lists, {}
    f["a1"], f["b1"] = ours.parent / "northwind-round1.psi", theirs.parent / "globex-round1.psi"
    psi.start(ingest.read_list(str(ours), OURS, "Northwind"), f["a1"], counts_only=counts_only,
              company="Northwind")
    psi.start(ingest.read_list(str(theirs), OURS, "Globex"), f["b1"], counts_only=counts_only,
              company="Globex")
    f["b1_at_a"] = ours.parent / "globex-round1-received.psi"
    f["b1_at_a"].write_bytes(f["b1"].read_bytes())
    f["b2_at_a"] = ours.parent / "globex-round2.psi"
    psi.answer(f["b1"], f["a1"], f["b2_at_a"])
    return f


async def test_both_sides_through_the_app_open_the_overlap_of_the_plain_domain_join(
        lists, tmp_path, sessions_dir, data_home):
    ours, theirs = lists
    f = await exchange(lists, tmp_path)
    # the secrets stay in the local data folder, never beside a round file
    assert len(list(data_home.rglob("*.secret.json"))) == 2
    assert not list(tmp_path.glob("*/*secret*"))
    for name in ("a1", "b1", "a2", "b2"):
        text = f[name].read_text()
        assert "acme.com" not in text and '"r"' not in json.loads(text)
    app = AcctmapApp(sessions_dir=sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_dialog(app, pilot, ours_name="Northwind")
        await run_step(app, pilot, dialog, "psi-finish", psi_f_ours1=f["a1"],
                       psi_f_theirs1=f["b1_at_a"], psi_f_theirs2=f["b2_at_a"])
        assert app.current_mode == "icp" and app.workbench is not None
        session = app.workbench.session
        oracle = domain_join(ours, theirs)
        assert len(oracle) == 2
        assert {a.key for a in session.overlap()} == oracle
        assert all(a.match.method == PSI and a.theirs.name == "" for a in session.overlap())
        assert session.ours == "Northwind" and session.partner == "Globex"  # the name they sent
        assert app.workbench.dirty and app.workbench.path is None  # new, unsaved until ctrl+s
        # the ICP screen says why no name was compared
        problems = " ".join(text_of(app.screen, "icp-problems-text").split())
        assert "fuzzy name matching is impossible" in problems
        assert "Globex's list: 3 domains" in problems
        # and it saves like any session
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.workbench.path is not None and app.workbench.path.is_file()


async def test_a_refused_file_shows_its_message_in_the_dialog(lists, tmp_path, sessions_dir):
    f = exchange_in_core(lists)
    a1, b1 = f["a1"], f["b1"]
    app = AcctmapApp(sessions_dir=sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_dialog(app, pilot)
        # our own file where the partner's belongs
        await run_step(app, pilot, dialog, "psi-answer", psi_a_ours1=a1, psi_a_theirs1=a1)
        assert "this is your own round-1 file" in text_of(dialog, "psi-error")
        assert not text_of(dialog, "psi-result")
        # a round-1 file where a round-2 file belongs
        await run_step(app, pilot, dialog, "psi-finish", psi_f_ours1=a1, psi_f_theirs1=b1,
                       psi_f_theirs2=b1)
        assert "wrong round" in text_of(dialog, "psi-error")
        # a changed file
        tampered = tmp_path / "tampered.psi"
        doc = json.loads(b1.read_text())
        doc["list_size"] += 1
        tampered.write_text(json.dumps(doc))
        await run_step(app, pilot, dialog, "psi-answer", psi_a_ours1=a1, psi_a_theirs1=tampered)
        error = text_of(dialog, "psi-error")
        assert "tampered.psi" in error and "changed after it was written" in error
        # the partner's round-1 file as ours: no local secret for it on this machine
        for secret in (tmp_path / "data").rglob(f"{json.loads(b1.read_text())['exchange']}*"):
            secret.unlink()
        await run_step(app, pilot, dialog, "psi-answer", psi_a_ours1=b1, psi_a_theirs1=a1)
        assert "no local secret for this exchange" in text_of(dialog, "psi-error")
        # a missing file is named, nothing is written, and the dialog is still there
        await run_step(app, pilot, dialog, "psi-answer", psi_a_ours1=a1,
                       psi_a_theirs1=tmp_path / "nowhere.psi")
        assert "nowhere.psi" in text_of(dialog, "psi-error") and "file not found" in text_of(dialog, "psi-error")
        assert isinstance(app.screen, PsiDialog) and app.workbench is None
        # a step with a file left out says which
        dialog.query_one("#psi-f-theirs2", Input).value = ""
        await run_step(app, pilot, dialog, "psi-finish")
        assert "Their round 2" in text_of(dialog, "psi-error")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LoadScreen)


async def test_a_hostile_partner_file_or_an_input_as_output_is_refused_in_the_dialog(
        lists, tmp_path, sessions_dir):
    f = exchange_in_core(lists)
    a1, b1, b2 = f["a1"], f["b1_at_a"], f["b2_at_a"]
    kept = {p: p.read_bytes() for p in (a1, b1, b2)}
    deep, huge = tmp_path / "deep.psi", tmp_path / "huge.psi"
    deep.write_text("[" * 5_000)
    huge.write_text('{"a": ' + "9" * 5_000 + "}")
    app = AcctmapApp(sessions_dir=sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_dialog(app, pilot)
        for bad, why in ((deep, "nested too deep"), (huge, "a number too long to read")):
            await run_step(app, pilot, dialog, "psi-answer", psi_a_ours1=a1, psi_a_theirs1=bad,
                           psi_a_out2=tmp_path / "a2.psi")
            error = text_of(dialog, "psi-error")
            assert f"{bad}: is not a private overlap file, or it is damaged" in error
            assert why in error and "Unexpected error" not in error
            await run_step(app, pilot, dialog, "psi-finish", psi_f_ours1=a1, psi_f_theirs1=b1,
                           psi_f_theirs2=bad)
            assert why in text_of(dialog, "psi-error") and "Unexpected" not in text_of(dialog, "psi-error")
        # our round-1 file named as the round-2 file to write: refused, nothing written over
        await run_step(app, pilot, dialog, "psi-answer", psi_a_ours1=a1, psi_a_theirs1=b1,
                       psi_a_out2=a1)
        assert f"that is the input file {a1}" in text_of(dialog, "psi-error")
        assert not (tmp_path / "a2.psi").exists()
        assert isinstance(app.screen, PsiDialog) and app.workbench is None
    assert {p: p.read_bytes() for p in kept} == kept


async def test_a_second_partner_file_is_refused_in_the_dialog_and_the_first_answered_again(
        lists, tmp_path, sessions_dir):
    f = exchange_in_core(lists)
    guesses = tmp_path / "guesses.csv"  # the partner's "I sent the wrong file": guessed domains
    guesses.write_text("name,domain,status\nG1,acme.com,customer\n")
    wrong = f["b1_at_a"].with_name("globex-round1-fixed.psi")
    psi.start(ingest.read_list(str(guesses), OURS, "Globex"), wrong, company="Globex")
    out2 = f["a1"].with_name("northwind-round2.psi")
    app = AcctmapApp(sessions_dir=sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_dialog(app, pilot)
        await run_step(app, pilot, dialog, "psi-answer", psi_a_ours1=f["a1"],
                       psi_a_theirs1=f["b1_at_a"], psi_a_out2=out2)
        assert f"Wrote {out2}" in text_of(dialog, "psi-result") and not text_of(dialog, "psi-error")
        sent = out2.read_bytes()
        again = tmp_path / "again.psi"
        await run_step(app, pilot, dialog, "psi-answer", psi_a_theirs1=wrong, psi_a_out2=again)
        error = " ".join(text_of(dialog, "psi-error").split())
        assert f"{wrong}: not answered" in error
        assert "already answered Globex's round-1 file" in error
        assert "test more guessed domains against our list" in error
        assert "`acctmap psi start` again" in error
        assert not text_of(dialog, "psi-result") and not again.exists()
        assert isinstance(app.screen, PsiDialog)
        # the first file again (our round-2 file went missing): answered, the same file
        await run_step(app, pilot, dialog, "psi-answer", psi_a_theirs1=f["b1_at_a"])
        assert not text_of(dialog, "psi-error")
        assert "answered this same file before" in text_of(dialog, "psi-result")
        assert again.read_bytes() == sent


async def test_counts_only_shows_the_counts_per_category_and_no_accounts(lists, tmp_path,
                                                                        sessions_dir):
    f = exchange_in_core(lists, counts_only=True)
    app = AcctmapApp(sessions_dir=sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_dialog(app, pilot)
        await run_step(app, pilot, dialog, "psi-finish", psi_f_ours1=f["a1"],
                       psi_f_theirs1=f["b1_at_a"], psi_f_theirs2=f["b2_at_a"])
        assert isinstance(app.screen, PsiDialog) and app.workbench is None  # no session opens
        result = text_of(dialog, "psi-result")
        assert not text_of(dialog, "psi-error")
        assert "overlap 2 accounts" in result and "counts only" in result
        # acme.com: customer both sides (shared customer); blueharbor.io: our prospect, their customer
        lines = result.splitlines()
        assert any("Shared customer" in line and line.split()[:2] == ["SHARED", "1"]
                   for line in lines), result
        assert any("Their customer / our prospect" in line and line.split()[:2] == ["INTRO", "1"]
                   for line in lines), result
        assert any(line.split()[:2] == ["VOUCH", "0"] for line in lines), result
        assert "acme" not in result.casefold() and "harbor" not in result.casefold()


async def test_a_round_file_name_typed_fast_is_written_as_typed_up_to_its_enter(lists, tmp_path, sessions_dir):
    """Step 1's output typed with enter and more keys in one burst (a laggy remote terminal):
    the round file is the name enter saw."""
    from tests.ui.factory import burst

    ours, _ = lists
    app = AcctmapApp(sessions_dir=sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_dialog(app, pilot, ours_path=str(ours), ours_name="Northwind")
        out1 = dialog.query_one("#psi-out1", Input)
        out1.value = str(tmp_path / "r")
        dialog.set_focus(out1)
        await pilot.pause()
        out1.cursor_position = len(out1.value)
        burst(app, "1", "enter", "x")
        await pilot.pause()
        running = [w for w in app.workers if w.group == "psi"]
        if running:
            await app.workers.wait_for_complete(running)
        await pilot.pause()
        assert (tmp_path / "r1").is_file() and not (tmp_path / "r1x").exists()


@pytest.mark.parametrize("share_safe", [False, True])
async def test_at_80x24_the_title_the_hint_and_a_steps_result_are_on_screen(lists, sessions_dir,
                                                                            share_safe):
    """A short terminal: one line a field, and the result of a step scrolled into view."""
    from tests.ui.test_share_safe_everywhere import screen_lines

    ours, _ = lists
    app = AcctmapApp(sessions_dir=sessions_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        app.share_safe = share_safe
        dialog = await open_dialog(app, pilot, ours_path=str(ours), ours_name="Northwind")
        seen = " ".join(" ".join(screen_lines(app)).split())
        assert "each side learns the overlap and nothing else" in seen, seen
        assert ("file picker is hidden" in seen) is share_safe, seen
        await run_step(app, pilot, dialog, "psi-start")
        seen = " ".join(" ".join(screen_lines(app)).split())
        assert "Next: when their round-1 file arrives, answer it (ctrl+t: Answer)." in seen, seen
