"""A job in a second process beside this one (`bulk.beside`)."""

import pytest

from acctmap_tui.core import bulk


def test_both_results_come_back():
    assert bulk.beside(lambda: "here", divmod, 7, 2) == ("here", (3, 1))


def test_an_error_in_the_second_process_is_raised_here():
    with pytest.raises(ValueError, match="not a number"):
        bulk.beside(lambda: None, int, "not a number")


def test_an_error_here_is_raised_here():
    def fails():
        raise KeyError("here")

    with pytest.raises(KeyError):
        bulk.beside(fails, divmod, 7, 2)


def test_a_working_folder_holding_another_copy_of_acctmap_is_not_imported_there(tmp_path, monkeypatch):
    """The second process imports acctmap from where this one did, and the standard library as
    this one does: decoys in the working folder (a checkout of another version) are not used."""
    decoy = tmp_path / "acctmap_tui" / "core"
    decoy.mkdir(parents=True)
    for init in (tmp_path / "acctmap_tui" / "__init__.py", decoy / "__init__.py"):
        init.write_text("", encoding="utf-8")
    (decoy / "bulk.py").write_text("import os; os._exit(7)\n", encoding="utf-8")
    (decoy / "model.py").write_text("import os; os._exit(7)\n", encoding="utf-8")
    (tmp_path / "pickle.py").write_text("import os; os._exit(7)\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert bulk.beside(lambda: "here", divmod, 7, 2) == ("here", (3, 1))


@pytest.mark.parametrize(("running", "load", "spare"), [
    (1, 1.4, True),  # only this process runs now, whatever its own recent work left in the average
    (2, 0.2, False),  # another task holds the second core now
    (None, 0.6, True),  # no /proc/loadavg: the one-minute average decides
    (None, 1.4, False),
])
def test_a_core_is_spare_when_the_tasks_running_now_leave_one(monkeypatch, running, load, spare):
    monkeypatch.setattr(bulk.os, "sched_getaffinity", lambda _pid: {0, 1}, raising=False)
    monkeypatch.setattr(bulk, "_running_now", lambda: running)
    monkeypatch.setattr(bulk.os, "getloadavg", lambda: (load, load, load))
    assert bulk.spare_core() is spare
