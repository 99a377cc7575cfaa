"""What a write refuses, with one line naming the file, instead of hanging or quietly replacing:
a named pipe nobody reads, a read-only file, a folder where no temporary file can be made. And
the temp copy of a recovery file a kill left behind is removed by the next write beside it."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
import threading
import time
from pathlib import Path

import pytest

from acctmap_tui.core import atomic
from acctmap_tui.core import session as session_io
from acctmap_tui.core.model import AcctmapError
from tests.core.test_atomic_write import WRITERS, _save_session, _write_recovery, when_read
from tests.core.test_session import full_session

WRITER_IDS = {"ids": lambda f: f.__name__.strip("_")}


def _write_in_thread(write, path: Path) -> tuple[threading.Thread, list[BaseException]]:
    """`write(path)` in a thread, so a write that hangs fails the test instead of freezing it."""
    raised: list[BaseException] = []

    def run() -> None:
        try:
            write(path)
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            raised.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, raised


def _release(fifo: Path, thread: threading.Thread) -> None:
    """Let a writer stuck in open() go (a reader comes and leaves) so no thread outlives the test."""
    if thread.is_alive():
        fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
        thread.join(timeout=5)
        os.close(fd)


@pytest.mark.parametrize("write", WRITERS, **WRITER_IDS)
def test_a_named_pipe_nobody_reads_is_refused_at_once_with_one_line(tmp_path: Path, write) -> None:
    fifo = tmp_path / "ff.csv"
    os.mkfifo(fifo)
    thread, raised = _write_in_thread(write, fifo)
    thread.join(timeout=5)
    try:
        assert not thread.is_alive(), "the write waited for a reader that never comes"
    finally:
        _release(fifo, thread)
    assert len(raised) == 1 and isinstance(raised[0], AcctmapError), raised
    assert str(raised[0]) == (f"{fifo}: cannot write: a named pipe nobody is reading; start the "
                              "reader first, or give a file")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ff.csv"]  # no temp file left


def test_once_a_reader_is_there_a_large_write_goes_through_whole(tmp_path: Path) -> None:
    """The pipe is opened without blocking, then written blocking: more than a pipe holds
    (64 KiB) reaches a slow reader whole, not cut short by EAGAIN."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    data = os.urandom(1024 * 1024)
    got: list[bytes] = []

    def slow_reader() -> None:
        with open(fifo, "rb") as fh:
            time.sleep(0.3)  # the writer fills the pipe and must wait
            got.append(fh.read())

    reader = threading.Thread(target=slow_reader, daemon=True)
    reader.start()
    when_read(lambda path: atomic.write_bytes(path, data), fifo)
    reader.join(timeout=10)
    assert got == [data]


@pytest.fixture
def permissions_bind(monkeypatch) -> None:
    bind_permissions(monkeypatch)


def bind_permissions(monkeypatch) -> None:
    """Run as root (as these tests usually are) chmod does not bind: os.access says yes and
    mkstemp writes into a 555 folder. There, answer as the owner without root's override would
    (its owner bits); run as a user, the real system answers."""
    if os.geteuid() != 0:
        return
    owner_bit = {os.R_OK: stat.S_IRUSR, os.W_OK: stat.S_IWUSR, os.X_OK: stat.S_IXUSR}

    def access(path, mode, **_kwargs) -> bool:
        st = os.stat(path)
        return all(st.st_mode & bit for want, bit in owner_bit.items() if mode & want)

    real_mkstemp = tempfile.mkstemp

    def mkstemp(*args, dir=None, **kwargs):  # noqa: A002 - mkstemp's own keyword
        if dir is not None and not access(dir, os.W_OK):
            raise PermissionError(errno.EACCES, "Permission denied", str(dir))
        return real_mkstemp(*args, dir=dir, **kwargs)

    monkeypatch.setattr(os, "access", access)
    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)


@pytest.mark.parametrize("write", WRITERS, **WRITER_IDS)
def test_a_read_only_file_is_refused_not_replaced(tmp_path: Path, write, permissions_bind) -> None:
    path = tmp_path / "q3.toml"
    path.write_text("frozen on purpose")
    path.chmod(0o444)
    with pytest.raises(AcctmapError, match=r"q3\.toml: cannot write: the file is read-only"):
        write(path)
    assert path.read_text() == "frozen on purpose"
    assert stat.S_IMODE(path.stat().st_mode) == 0o444
    assert sorted(p.name for p in tmp_path.iterdir()) == ["q3.toml"]


@pytest.mark.parametrize("write", WRITERS, **WRITER_IDS)
def test_a_writable_file_in_a_read_only_folder_names_the_folder(
        tmp_path: Path, write, permissions_bind) -> None:
    rodir = tmp_path / "rodir"
    rodir.mkdir()
    path = rodir / "w.csv"
    path.write_text("keep")
    rodir.chmod(0o555)
    try:
        with pytest.raises(AcctmapError) as caught:
            write(path)
    finally:
        rodir.chmod(0o755)
    assert str(caught.value) == (f"{path}: cannot make a temporary file in {rodir}{os.sep}: "
                                 "the folder is read-only")
    assert path.read_text() == "keep"


def test_a_writable_file_is_still_replaced(tmp_path: Path, permissions_bind) -> None:
    path = tmp_path / "q4.toml"
    path.write_text("old")
    path.chmod(0o644)
    _save_session(path)
    assert session_io.load(path).partner == "Globex"


# --- the temp copy of a recovery file a kill left ----------------------------------------------


def _leftover(folder: Path, name: str, age_s: float) -> Path:
    tmp = folder / name
    tmp.write_bytes(b"x" * 1000)
    old = time.time() - age_s
    os.utime(tmp, (old, old))
    return tmp


@pytest.mark.parametrize("write", [_save_session, _write_recovery], **WRITER_IDS)
def test_a_stale_recovery_temp_of_any_name_goes_with_the_next_write_beside_it(
        tmp_path: Path, write) -> None:
    hour = 3600
    # an unsaved session's autosave killed mid-write: its id is never written again
    killed = _leftover(tmp_path, "..unsaved-8abf5be8.recovery.toml.ftkhnj3f.tmp", hour)
    other_session = _leftover(tmp_path, "..q2.recovery.toml.abcd_123.tmp", hour)
    running = _leftover(tmp_path, "..unsaved-77.recovery.toml.running1.tmp", 5)  # still writing
    not_ours = [_leftover(tmp_path, name, hour) for name in (
        ".notes.recovery.toml.abcdefgh.tmp",       # the temp of a visible notes.recovery.toml
        "..x.recovery.toml.abcdefgh.tmp.bak",
        "..x.recovery.toml.tmp",
        "..x.recovery.toml.ABCDEFGH.tmp",
        ".q2.toml.k1ll3d_x.tmp",                  # another session's save: its own next save cleans it
    )]
    write(tmp_path / "q4.toml")
    assert not killed.exists() and not other_session.exists()
    assert running.exists()
    assert all(p.exists() for p in not_ours)


def test_the_app_start_clean_removes_them_too(tmp_path: Path) -> None:
    """Opening a saved session cleans its folder (session_io.clean_stale_temps) before any write."""
    path = tmp_path / "q4.toml"
    session_io.save(full_session(), path)
    killed = _leftover(tmp_path, "..unsaved-8abf5be8.recovery.toml.ftkhnj3f.tmp", 3600)
    assert killed in session_io.clean_stale_temps(path)
    assert not killed.exists()


def test_a_symlink_named_like_a_recovery_temp_is_not_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep")
    link = tmp_path / "..x.recovery.toml.abcdefgh.tmp"
    link.symlink_to(victim)
    old = time.time() - 3600
    os.utime(link, (old, old), follow_symlinks=False)
    _save_session(tmp_path / "q4.toml")
    assert victim.read_text() == "keep" and link.is_symlink()
