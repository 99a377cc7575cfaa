"""The exchange dialog with a hostile partner file (audit 14): the size is shown, and asked about
when out of proportion, before anything is answered; names and paths are never markup; the
share-safe view names no other partnership; an exchange in progress is not written over; the
steps switch with ctrl+t, not with digits that type into a field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.widgets import Button, Input, TabbedContent

from acctmap_tui.app import AcctmapApp
from acctmap_tui.core import ingest, psi
from acctmap_tui.core.model import OURS
from acctmap_tui.screens.psi_dialog import PsiDialog
from tests.ui.test_psi_app import SIZE, lists, open_dialog, run_step, text_of  # noqa: F401
from tests.ui.test_share_safe_everywhere import screen_lines


def our_round1(lists) -> Path:
    ours, _ = lists
    a1 = ours.parent / "northwind-round1.psi"
    psi.start(ingest.read_list(str(ours), OURS, "Northwind"), a1, company="Northwind")
    return a1


def partner_round1(folder: Path, domains: list[str], company: str = "Globex",
                   name: str = "globex-round1.psi") -> Path:
    """A partner's round-1 file; written with psi's own writer, on this machine (its secret goes
    to the same data folder, which changes nothing for our side)."""
    lst = folder / f"{name}.csv"
    lst.write_text("name,domain,status\n" + "".join(f"{d},{d},customer\n" for d in domains))
    return psi.start(ingest.read_list(str(lst), OURS, company), folder / name, company=company).path


def crafted(path: Path, **changes) -> Path:
    """The partner's file re-written with fields changed and its checksum recomputed (psi._dump)."""
    doc = json.loads(path.read_text()) | changes
    del doc["checksum"]
    path.write_bytes(psi._dump(doc))
    return path


async def test_a_list_out_of_proportion_is_asked_about_before_anything_is_answered(
        lists, tmp_path, sessions_dir):
    a1 = our_round1(lists)  # 3 accounts
    b1 = partner_round1(tmp_path, [f"guess{i}.com" for i in range(7)])  # 7 > 2 x 3
    out2 = tmp_path / "northwind-round2.psi"
    app = AcctmapApp(sessions_dir=sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_dialog(app, pilot)
        await run_step(app, pilot, dialog, "psi-answer", psi_a_ours1=a1, psi_a_theirs1=b1,
                       psi_a_out2=out2)
        asked = " ".join(text_of(dialog, "psi-error").split())
        assert "not answered: Globex's list has 7 domains, ours 3" in asked
        assert "Nothing was answered or recorded" in asked
        assert not out2.exists()
        assert not psi.load_secret(psi.read_round(a1, 1)).answered
        button = dialog.query_one("#psi-do-answer-size", Button)
        assert button.display and app.focused is not button
        assert "answer Globex's 7 domains" in str(button.label)
        await pilot.press("enter")  # typed right behind: asks again, answers nothing (audit 17 M4)
        await pilot.pause()
        running = [w for w in app.workers if w.group == "psi"]
        if running:
            await app.workers.wait_for_complete(running)
        await pilot.pause()
        assert not out2.exists() and button.display
        await pilot.click("#psi-do-answer-size")  # it is what I expect
        await pilot.pause()
        running = [w for w in app.workers if w.group == "psi"]
        if running:  # an empty list would wait for the file picker's loader, which never ends
            await app.workers.wait_for_complete(running)
        await pilot.pause()
        assert out2.is_file() and not text_of(dialog, "psi-error")
        assert "Their list: 7 domains; ours: 3" in text_of(dialog, "psi-result")
        assert not button.display


async def test_the_size_is_on_screen_before_the_answer_is_computed(lists, tmp_path, sessions_dir,
                                                                   monkeypatch):
    a1 = our_round1(lists)
    b1 = partner_round1(tmp_path, ["acme.com", "orbital.com"])
    app = AcctmapApp(sessions_dir=sessions_dir)
    shown_then = []
    compute = psi._raise

    def computing(*args):
        shown_then.append(str(app.screen.query_one("#psi-running").render()))
        return compute(*args)

    monkeypatch.setattr(psi, "_raise", computing)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_dialog(app, pilot)
        await run_step(app, pilot, dialog, "psi-answer", psi_a_ours1=a1, psi_a_theirs1=b1)
        assert "Wrote" in text_of(dialog, "psi-result")
    assert shown_then == ["Globex's list: 2 domains; ours: 3. Answering…"]


@pytest.mark.parametrize("company", ["Globex[/bold]", "Globex [reverse]INJECTED[/reverse]",
                                     "[@click=app.quit]Globex"])
async def test_a_company_name_with_brackets_is_shown_as_written(lists, tmp_path, sessions_dir,
                                                                company):
    a1 = our_round1(lists)
    b1 = partner_round1(tmp_path, ["acme.com"], company=company)
    app = AcctmapApp(sessions_dir=sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_dialog(app, pilot)
        await run_step(app, pilot, dialog, "psi-answer", psi_a_ours1=a1, psi_a_theirs1=b1)
        assert app.return_code is None and isinstance(app.screen, PsiDialog)
        result = text_of(dialog, "psi-result")
        assert f"our answer to {company}'s 1 domain." in result
        assert dialog.query_one("#psi-f-partner", Input).value == company


async def test_our_own_paths_with_brackets_are_shown_as_written(tmp_path, sessions_dir):
    folder = tmp_path / "[Q4]"
    folder.mkdir()
    lst = folder / "northwind [final].csv"
    lst.write_text("name,domain,status\nAcme,acme.com,customer\n")
    app = AcctmapApp(sessions_dir=sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_dialog(app, pilot, ours_path=str(lst), ours_name="Northwind")
        await run_step(app, pilot, dialog, "psi-start")
        written = folder / "northwind [final]-round1.psi"
        assert written.is_file()
        result = " ".join(text_of(dialog, "psi-result").split())
        assert f"Wrote {written}" in result
        assert "Send northwind [final]-round1.psi to this partner only" in result


async def test_a_company_name_with_escape_sequences_is_refused_naming_the_file(
        lists, tmp_path, sessions_dir):
    a1 = our_round1(lists)
    b1 = crafted(partner_round1(tmp_path, ["acme.com"]),
                 company="Glo\x1b[2J\x1b]0;pwned\x07bex\u202eX\n[[accounts]]")
    app = AcctmapApp(sessions_dir=sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_dialog(app, pilot)
        await run_step(app, pilot, dialog, "psi-answer", psi_a_ours1=a1, psi_a_theirs1=b1)
        error = " ".join(text_of(dialog, "psi-error").split())
        assert f"{b1}: not read: the company name holds a control or formatting character" in error
        assert "\x1b" not in error and "pwned" not in error and "[[accounts]]" not in error
        assert not text_of(dialog, "psi-result")


@pytest.mark.parametrize("share_safe", [True, False])
async def test_the_share_safe_view_does_not_name_the_partner_answered_before(
        lists, tmp_path, sessions_dir, share_safe):
    a1 = our_round1(lists)
    initech = partner_round1(tmp_path, ["acme.com"], company="Initech", name="initech-1.psi")
    psi.answer(a1, initech, tmp_path / "n2-for-initech.psi")  # yesterday's exchange
    globex = partner_round1(tmp_path, ["acme.com"], company="Globex")
    app = AcctmapApp(sessions_dir=sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        app.share_safe = share_safe
        dialog = await open_dialog(app, pilot)
        await run_step(app, pilot, dialog, "psi-answer", psi_a_ours1=a1, psi_a_theirs1=globex)
        error = " ".join(text_of(dialog, "psi-error").split())
        assert f"{globex}: not answered" in error
        assert ("Initech" in error) is not share_safe
        assert "start one exchange per partner" in error


async def test_start_suggests_a_free_name_and_never_writes_over_an_exchange_in_progress(
        lists, sessions_dir):
    ours, _ = lists
    a1 = our_round1(lists)  # northwind-round1.psi: sent, not finished
    kept = a1.read_bytes()
    app = AcctmapApp(sessions_dir=sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_dialog(app, pilot, ours_path=str(ours), ours_name="Northwind")
        suggested = ours.parent / "northwind-2-round1.psi"
        assert dialog.query_one("#psi-out1", Input).value == str(suggested)
        await run_step(app, pilot, dialog, "psi-start")
        assert suggested.is_file()
        await run_step(app, pilot, dialog, "psi-start")  # ctrl+l again: refused
        error = " ".join(text_of(dialog, "psi-error").split())
        assert f"{suggested}: holds the round-1 file of an exchange not finished yet" in error
        await run_step(app, pilot, dialog, "psi-start", psi_out1=a1)
        assert "holds the round-1 file of an exchange not finished yet" in text_of(dialog, "psi-error")
    assert a1.read_bytes() == kept


async def test_the_step_tabs_switch_with_ctrl_t_and_digits_type_into_the_field(lists, sessions_dir):
    ours, _ = lists
    app = AcctmapApp(sessions_dir=sessions_dir)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_dialog(app, pilot, ours_path=str(ours), ours_name="Northwind")
        tabs = dialog.query_one("#psi-steps", TabbedContent)
        labels = [str(tab.label) for tab in dialog.query("#psi-steps Tab")]
        assert labels == ["Start", "Answer", "Finish"]  # no digit that looks like a key
        company = dialog.query_one("#psi-company", Input)
        assert app.focused is company
        await pilot.press("ctrl+t")
        assert tabs.active == "psi-answer" and app.focused.id == "psi-a-ours1"
        await pilot.press("ctrl+t")
        assert tabs.active == "psi-finish"
        await pilot.press("ctrl+t")
        assert tabs.active == "psi-start"
        assert company.value == "Northwind"
        seen = " ".join(" ".join(screen_lines(app)).split())
        assert "ctrl+t next step" in seen, seen
