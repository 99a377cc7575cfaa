"""Each rule of reading a list lives once, and no work is done twice.

A workbook's sheet list is read once and its chosen sheet unpacked once (by the check that
refuses zip bombs and far-away cells; a second time only to name formulas with no saved value,
when the check saw one); the rule for a cell over `CELL_LIMIT` is one, for a text file and a
workbook (.xlsx, .xls) alike; and a list, key or round file is checked for being a plain file on
the descriptor it is read from, by one helper.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from acctmap_tui.core import privacy
from acctmap_tui.core.ingest import read_list
from acctmap_tui.core.model import OURS, AcctmapError, IngestError


def names(lst) -> set[str]:
    return {r.name for r in lst.records}


def error_of(path: Path) -> str:
    with pytest.raises(IngestError) as info:
        read_list(path, OURS)
    return str(info.value).removeprefix(f"{path}: ")


# --- a plain file, checked on the descriptor it is read from ----------------------------------


def exchange_error(path: Path) -> str:
    with pytest.raises(AcctmapError) as info:
        privacy.read_exchange_file(path, 4096, "key file")
    return str(info.value)


def test_a_fifo_or_a_folder_given_as_a_list_or_a_key_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.csv"
    os.mkfifo(fifo)  # no writer: a reader that opened it to read would wait for ever
    assert error_of(fifo) == "not a plain file (a device, FIFO or socket); give the list's file"
    assert error_of(tmp_path) == "this is a folder, not a list file"
    for path in (fifo, tmp_path):
        assert exchange_error(path) == f"{path}: is not a plain file (a folder, device or FIFO): name the key file itself"


@pytest.fixture
def swapped(tmp_path: Path, monkeypatch) -> Path:
    """A list file that becomes a link to a device (/dev/null) the moment it is looked at: right
    after an `os.stat` of it returns, or just before an `os.open` of it."""
    path = tmp_path / "l.csv"
    path.write_text("name,domain,status\nAcme,acme.com,customer\n")
    real_stat, real_open = os.stat, os.open
    done = []

    def swap(name) -> None:
        if os.fspath(name) == str(path) and not done:
            done.append(name)
            path.unlink()
            path.symlink_to(os.devnull)

    def stat(name, *args, **kwargs):
        result = real_stat(name, *args, **kwargs)
        swap(name)
        return result

    def open_(name, *args, **kwargs):
        swap(name)
        return real_open(name, *args, **kwargs)

    monkeypatch.setattr(os, "stat", stat)
    monkeypatch.setattr(os, "open", open_)
    return path


def test_a_list_swapped_for_a_device_after_a_check_is_refused(swapped: Path) -> None:
    assert error_of(swapped) == "not a plain file (a device, FIFO or socket); give the list's file"


def test_a_key_swapped_for_a_device_after_a_check_is_refused(swapped: Path) -> None:
    assert exchange_error(swapped).startswith(f"{swapped}: is not a plain file (a folder, device or FIFO)")


def test_a_list_and_a_key_are_each_checked_on_their_open_descriptor(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "l.csv"
    path.write_text("name,domain,status\nAcme,acme.com,customer\n")
    checked = []
    fstat = os.fstat
    monkeypatch.setattr(os, "fstat", lambda fd: checked.append(fd) or fstat(fd))
    assert names(read_list(path, OURS)) == {"Acme"}
    assert privacy.read_exchange_file(path, 4096, "key file") == path.read_bytes()
    assert len(checked) == 2 and all(isinstance(fd, int) for fd in checked)
