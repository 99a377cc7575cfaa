"""Every write path (session save, recovery file, exports, share lists) goes through one helper that
writes regular files atomically and never renames over a device, a FIFO or a symbolic link."""

from __future__ import annotations

import os
import stat
import threading
import time
from pathlib import Path

import pytest

from acctmap_tui.core import export, privacy
from acctmap_tui.core import session as session_io
from acctmap_tui.core.model import OURS, AccountList, AcctmapError, Record
from tests.core.test_session import full_session


def _save_session(path: Path) -> None:
    session_io.save(full_session(), path)


def _write_recovery(path: Path) -> None:
    # write_recovery writes beside a session file; aim it at `path` itself through its helper
    session_io.write_snapshot(session_io.snapshot(full_session()), path)


def _export_csv(path: Path) -> None:
    export.write_export(full_session(), path, "csv")


def _export_md(path: Path) -> None:
    export.write_export(full_session(), path, "md")


def _share(path: Path) -> None:
    lst = AccountList(OURS, "Northwind", "n.csv", records=[Record("Acme", "acme.com", "customer")])
    privacy.write_share(lst, path)


WRITERS = [_save_session, _write_recovery, _export_csv, _export_md, _share]


def _reader(fifo: Path, got: list[bytes]) -> threading.Thread:
    def read() -> None:
        with open(fifo, "rb") as fh:
            got.append(fh.read())

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread


def when_read(write, fifo: Path) -> None:
    """`write(fifo)` once the reader thread is waiting in open(): before, the write is refused
    (nobody reads the pipe yet), and there is no telling from outside when it got there."""
    deadline = time.monotonic() + 10
    while True:
        try:
            write(fifo)
            return
        except AcctmapError as err:
            if "nobody is reading" not in str(err) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


@pytest.mark.parametrize("write", WRITERS, ids=lambda f: f.__name__.strip("_"))
def test_a_fifo_is_written_through_not_replaced(tmp_path: Path, write) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    thread = _reader(fifo, got)
    when_read(write, fifo)
    thread.join(timeout=10)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode), "the FIFO was replaced by a regular file"
    assert got and got[0], "the reader got nothing"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]  # no temp file left


def _char_device(path: Path) -> Path:
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a private /dev/null
    except (PermissionError, AttributeError):
        pytest.skip("making a device node needs root (the real /dev/null is never risked)")
    return path


@pytest.mark.parametrize("write", WRITERS, ids=lambda f: f.__name__.strip("_"))
def test_a_character_device_is_written_through_not_replaced(tmp_path: Path, write) -> None:
    null = _char_device(tmp_path / "null")
    write(null)
    assert stat.S_ISCHR(os.lstat(null).st_mode), "the device node was replaced by a regular file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null"]


@pytest.mark.parametrize("write", WRITERS, ids=lambda f: f.__name__.strip("_"))
def test_a_symlink_keeps_pointing_at_its_target_which_gets_the_data(tmp_path: Path, write) -> None:
    real_dir = tmp_path / "real"
    real_dir.mkdir()
    real = real_dir / "out.txt"
    real.write_text("old")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    write(link)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_bytes() != b"old" and len(real.read_bytes()) > 10
    assert sorted(p.name for p in real_dir.iterdir()) == ["out.txt"]


def test_a_dangling_symlink_creates_its_target(tmp_path: Path) -> None:
    link = tmp_path / "link.toml"
    link.symlink_to(tmp_path / "target.toml")
    _save_session(link)
    assert link.is_symlink()
    assert session_io.load(tmp_path / "target.toml").partner == "Globex"


def test_a_symlink_loop_is_refused_with_a_message(tmp_path: Path) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.symlink_to(b)
    b.symlink_to(a)
    with pytest.raises(AcctmapError, match="a.csv.*loop"):
        _export_csv(a)


@pytest.mark.parametrize("write", WRITERS, ids=lambda f: f.__name__.strip("_"))
def test_a_folder_is_refused_with_a_message(tmp_path: Path, write) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(AcctmapError, match="out.*folder"):
        write(folder)
    assert folder.is_dir()


def test_replacing_a_file_keeps_its_permissions(tmp_path: Path) -> None:
    path = tmp_path / "actions.csv"
    path.write_text("old")
    path.chmod(0o640)
    _export_csv(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


# --- stale temp files ---------------------------------------------------------------------------


def _killed_save_leftover(path: Path, age_s: float, middle: str = "k1ll3d_x") -> Path:
    """What a save killed before its rename leaves: `.NAME.xxxxxxxx.tmp` beside the session."""
    tmp = path.parent / f".{path.name}.{middle}.tmp"
    tmp.write_bytes(b"x" * 1000)
    old = time.time() - age_s
    os.utime(tmp, (old, old))
    return tmp


def test_the_next_save_removes_stale_temp_files_of_that_session_only(tmp_path: Path) -> None:
    path = tmp_path / "q4.toml"
    stale = _killed_save_leftover(path, age_s=3600)
    fresh = _killed_save_leftover(path, age_s=5, middle="running1")  # another save still writing
    other = _killed_save_leftover(tmp_path / "q3.toml", age_s=3600)
    mine_lookalike = tmp_path / ".q4.toml.notours.tmp.bak"
    mine_lookalike.write_text("keep")
    _save_session(path)
    assert not stale.exists()
    assert fresh.exists() and other.exists() and mine_lookalike.exists()


def test_cleaning_never_follows_a_symlinked_temp_name(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep")
    link = tmp_path / ".q4.toml.abcdefgh.tmp"
    link.symlink_to(victim)
    old = time.time() - 3600
    os.utime(link, (old, old), follow_symlinks=False)
    _save_session(tmp_path / "q4.toml")
    assert victim.read_text() == "keep"
