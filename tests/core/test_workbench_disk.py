"""A save over a session file someone else changed, and the recovery files of two acctmaps open
on one session (audit 15, F1 and F2).

Two workbenches opened on one file stand for two acctmap windows; a write by hand for an editor.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from acctmap_tui.core import session as session_io
from acctmap_tui.core.workbench import ChangedOnDisk, free_file
from tests.ui.factory import opened, small_workbench


def saved(tmp_path: Path) -> Path:
    path = tmp_path / "call.toml"
    small_workbench().save(path)
    return path


def test_the_later_save_of_two_windows_is_refused_and_writes_nothing(tmp_path: Path) -> None:
    path = saved(tmp_path)
    a, b = opened(path), opened(path)
    a.set_icp_notes("Call from A")
    a.save()
    b.set_field(b.session.accounts[0], "owner", "Bob B")
    with pytest.raises(ChangedOnDisk, match="changed on disk"):
        b.save()
    assert session_io.load(path).icp_notes == "Call from A"  # A's save is still there
    assert b.dirty  # B's edit is still unsaved, on screen
    b.save(replace_changed=True)  # the user said: overwrite it
    assert session_io.load(path).accounts[0].owner == "Bob B"


def test_a_hand_edit_of_the_open_file_is_not_written_over(tmp_path: Path) -> None:
    path = saved(tmp_path)
    wb = opened(path)
    path.write_text(path.read_text().replace('icp_notes = ""', 'icp_notes = "by hand"')
                    + "\n# edited by hand\n")
    wb.set_icp_notes("in the app")
    with pytest.raises(ChangedOnDisk):
        wb.save()
    assert "# edited by hand" in path.read_text()


def test_saving_again_and_again_is_no_change_on_disk(tmp_path: Path) -> None:
    path = saved(tmp_path)
    wb = opened(path)
    for notes in ("one", "two", "three"):
        wb.set_icp_notes(notes)
        wb.save()
    assert session_io.load(path).icp_notes == "three"


def test_a_session_file_deleted_while_open_is_written_again(tmp_path: Path) -> None:
    path = saved(tmp_path)
    wb = opened(path)
    path.unlink()
    wb.set_icp_notes("still here")
    wb.save()
    assert session_io.load(path).icp_notes == "still here"


def test_a_save_removes_its_own_recovery_file_and_keeps_the_other_windows(tmp_path: Path) -> None:
    """Both windows autosave to .call.recovery.toml: A's save removed B's unsaved work there."""
    path = saved(tmp_path)
    a, b = opened(path), opened(path)
    rec = session_io.recovery_path(path)
    a.set_icp_notes("A autosaved")
    assert a.autosave(tmp_path) == rec
    b.set_icp_notes("B unsaved work")
    b.autosave(tmp_path)  # written over A's: B's work now
    a.save()
    assert session_io.load(rec).icp_notes == "B unsaved work"
    # alone, a save removes the recovery file its own autosave wrote
    b_alone = opened(path)
    rec.unlink()
    b_alone.set_icp_notes("mine")
    b_alone.autosave(tmp_path)
    b_alone.save()
    assert not rec.exists()


def test_a_first_save_removes_the_unsaved_recovery_file_it_wrote(tmp_path: Path) -> None:
    wb = small_workbench()
    wb.set_icp_notes("typed")
    rec = wb.autosave(tmp_path)
    assert rec is not None and rec.exists()
    wb.save(tmp_path / "first.toml")
    assert not rec.exists()


def test_free_file_skips_names_of_other_sessions(tmp_path: Path) -> None:
    wb = small_workbench()
    usual = tmp_path / session_io.suggest_filename(wb.session)
    assert wb.suggested_file(tmp_path) == usual
    small_workbench().save(usual)  # another session (another id) of the same quarter
    assert wb.suggested_file(tmp_path) == usual.with_name(usual.stem + "-2.toml")
    wb.save(usual.with_name(usual.stem + "-2.toml"))
    assert wb.suggested_file(tmp_path).name == usual.stem + "-2.toml"  # its own earlier save
    assert free_file(usual).name == usual.stem + "-3.toml"  # any file counts as taken
