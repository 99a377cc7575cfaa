"""A job in a second process beside this one (`bulk.beside`), or half of it in a forked copy
(`bulk.in_two_halves`)."""

import os

import pytest

from acctmap_tui.core import bulk

fork_only = pytest.mark.skipif(not bulk._forks(), reason="no fork on this system")


@pytest.fixture(params=["forked copy", "new process"])
def second_process(request, monkeypatch) -> str:
    """`beside` both ways: a forked copy (the CLI's main thread on Linux) and a new process."""
    if request.param == "forked copy":
        if not bulk._forks():
            pytest.skip("no fork on this system")
    else:
        monkeypatch.setattr(bulk, "_forks", lambda: False)
    return request.param


def test_both_results_come_back(second_process):
    assert bulk.beside(lambda: "here", divmod, 7, 2) == ("here", (3, 1))


def test_an_error_in_the_second_process_is_raised_here(second_process):
    with pytest.raises(ValueError, match="not a number"):
        bulk.beside(lambda: None, int, "not a number")


def test_an_error_here_is_raised_here(second_process):
    def fails():
        raise KeyError("here")

    with pytest.raises(KeyError):
        bulk.beside(fails, divmod, 7, 2)


def test_a_second_process_that_dies_is_an_os_error(second_process, monkeypatch):
    monkeypatch.setattr(bulk, "SECOND_PROCESS", "import os; os._exit(3)")  # a new one dies at once
    with pytest.raises(OSError, match="ended without a result"):
        bulk.beside(lambda: None, os._exit, 3)  # a forked copy dies on its job


def test_from_another_thread_the_second_process_is_a_new_one(monkeypatch):
    """The app's workers run beside Textual's threads: no fork there."""
    import threading

    monkeypatch.setattr(bulk, "_beside_forked", lambda *a: pytest.fail("forked"))
    out = []
    worker = threading.Thread(target=lambda: out.append(bulk.beside(lambda: "here", divmod, 7, 2)))
    worker.start()
    worker.join()
    assert out == [("here", (3, 1))]


def _refuse_to_load() -> None:
    raise ValueError("this job cannot be read there")


class _Unreadable:
    """A job that pickles, but fails as the new process reads it."""

    def __reduce__(self):
        return _refuse_to_load, ()

    def __call__(self) -> None:  # pragma: no cover - never read back
        pass


def test_a_job_the_new_process_cannot_read_is_its_error_raised_here(monkeypatch):
    monkeypatch.setattr(bulk, "_forks", lambda: False)
    with pytest.raises(ValueError, match="cannot be read there"):
        bulk.beside(lambda: None, _Unreadable())


def test_a_working_folder_holding_another_copy_of_acctmap_is_not_imported_there(tmp_path, monkeypatch):
    """The second process imports acctmap from where this one did, and the standard library as
    this one does: decoys in the working folder (a checkout of another version) are not used."""
    monkeypatch.setattr(bulk, "_forks", lambda: False)  # a new process: a copy imports nothing
    decoy = tmp_path / "acctmap_tui" / "core"
    decoy.mkdir(parents=True)
    for init in (tmp_path / "acctmap_tui" / "__init__.py", decoy / "__init__.py"):
        init.write_text("", encoding="utf-8")
    (decoy / "bulk.py").write_text("import os; os._exit(7)\n", encoding="utf-8")
    (decoy / "model.py").write_text("import os; os._exit(7)\n", encoding="utf-8")
    (tmp_path / "pickle.py").write_text("import os; os._exit(7)\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert bulk.beside(lambda: "here", divmod, 7, 2) == ("here", (3, 1))


@pytest.mark.parametrize(("others", "load", "spare"), [
    (0, 1.4, True),  # no other process runs now, whatever this one's recent work left in the average
    (1, 0.2, False),  # another process holds the second core now
    (None, 0.6, True),  # no /proc: the one-minute average decides
    (None, 1.4, False),
])
def test_a_core_is_spare_when_other_processes_leave_one_now(monkeypatch, others, load, spare):
    monkeypatch.setattr(bulk.os, "sched_getaffinity", lambda _pid: {0, 1}, raising=False)
    monkeypatch.setattr(bulk, "_running_elsewhere", lambda: others)
    monkeypatch.setattr(bulk.os, "getloadavg", lambda: (load, load, load))
    assert bulk.spare_core() is spare


def test_the_tasks_running_now_are_read_without_this_process_s(tmp_path, monkeypatch):
    loadavg, tasks = tmp_path / "loadavg", tmp_path / "task"
    loadavg.write_text("0.71 1.25 1.30 3/312 4242\n", encoding="ascii")
    for tid, state in (("101", "R"), ("102", "S"), ("103", "R")):  # this process: 2 running
        (tasks / tid).mkdir(parents=True)
        (tasks / tid / "stat").write_text(f"{tid} (python (a) b) {state} 1 2 3\n", encoding="ascii")
    monkeypatch.setattr(bulk, "LOADAVG", str(loadavg))
    monkeypatch.setattr(bulk, "OWN_TASKS", str(tasks))
    assert bulk._running_elsewhere() == 1
    monkeypatch.setattr(bulk, "LOADAVG", str(tmp_path / "missing"))
    assert bulk._running_elsewhere() is None


# --- half the work in a forked copy (`bulk.in_two_halves`) --------------------------------------

def numbered(items: list[int]) -> bytes:
    return b"".join(b"%d;" % i for i in items)


@pytest.fixture
def forks(monkeypatch) -> list[int]:
    """A core always spare, and the pid of every copy forked."""
    monkeypatch.setattr(bulk, "spare_core", lambda: True)
    pids: list[int] = []
    forked = bulk.os.fork

    def counted_fork() -> int:
        pid = forked()
        if pid:
            pids.append(pid)
        return pid

    monkeypatch.setattr(bulk.os, "fork", counted_fork)
    return pids


@fork_only
def test_the_two_halves_give_the_bytes_one_process_gives(forks):
    items = list(range(1001))
    assert bulk.in_two_halves(numbered, items, least=10) == numbered(items)
    assert len(forks) == 1  # the second half was made in a copy
    assert bulk.in_two_halves(numbered, items[:9], least=10) == numbered(items[:9])
    assert len(forks) == 1  # too few items: no copy


@fork_only
def test_a_copy_that_fails_leaves_its_half_to_this_process(forks):
    here = bulk.os.getpid()

    def fails_in_the_copy(items: list[int]) -> bytes:
        if bulk.os.getpid() != here:
            raise MemoryError("the copy ran out")
        return numbered(items)

    items = list(range(100))
    assert bulk.in_two_halves(fails_in_the_copy, items, least=1) == numbered(items)
    assert len(forks) == 1


@fork_only
def test_an_error_of_the_job_is_raised_here_and_the_copy_is_gone(forks):
    def fails(items: list[int]) -> bytes:
        raise ValueError(f"cannot write {items[0]}")

    with pytest.raises(ValueError, match="cannot write 0"):
        bulk.in_two_halves(fails, list(range(100)), least=1)
    assert len(forks) == 1
    with pytest.raises(ChildProcessError):
        bulk.os.waitpid(forks[0], bulk.os.WNOHANG)  # already waited for: no zombie left


def test_no_spare_core_means_one_process(monkeypatch):
    monkeypatch.setattr(bulk, "spare_core", lambda: False)
    monkeypatch.setattr(bulk.os, "fork", lambda: pytest.fail("forked"), raising=False)
    assert bulk.in_two_halves(numbered, list(range(100)), least=1) == numbered(list(range(100)))


def test_from_another_thread_the_halves_are_made_here(monkeypatch):
    import threading

    monkeypatch.setattr(bulk, "spare_core", lambda: True)
    monkeypatch.setattr(bulk.os, "fork", lambda: pytest.fail("forked"), raising=False)
    out = []
    worker = threading.Thread(target=lambda: out.append(bulk.in_two_halves(numbered, [1, 2, 3], least=1)))
    worker.start()
    worker.join()
    assert out == [numbered([1, 2, 3])]
