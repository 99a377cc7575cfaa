"""A big session acctmap saved or opened reopens as it was kept, and only while its text and
acctmap's core are the same (core.parse_cache)."""

from __future__ import annotations

import os
import pickle
import stat
from pathlib import Path

import pytest

from acctmap_tui.core import parse_cache, toml_io
from acctmap_tui.core import session as session_io
from acctmap_tui.core.start import demo_request, open_workbench


@pytest.fixture()
def cache(tmp_path, monkeypatch) -> Path:
    """A cache folder of the test's own; every session text counts as big."""
    where = tmp_path / "cache"
    monkeypatch.setenv(parse_cache.ENV, str(where))
    monkeypatch.setattr(parse_cache, "CACHE_BYTES", 0)
    monkeypatch.setattr(parse_cache, "AFTER_OPEN", 0.0)
    yield where
    parse_cache.settle(timeout=60)


def _saved(tmp_path: Path, name: str = "demo.toml") -> Path:
    path = tmp_path / "sessions" / name
    open_workbench(demo_request()).save(path)
    parse_cache.settle(timeout=60)
    return path


def _tomli_calls(monkeypatch) -> list[int]:
    """The length of each text tomli parses in this process."""
    loads, lengths = toml_io.loads, []
    monkeypatch.setattr(toml_io, "loads", lambda text: lengths.append(len(text)) or loads(text))
    return lengths


def _from_toml_calls(monkeypatch) -> list[str]:
    """The path of each session built from TOML text in this process."""
    from_toml, paths = session_io.from_toml, []
    monkeypatch.setattr(session_io, "from_toml",
                        lambda text, path="<session>", **kw: paths.append(path) or from_toml(text, path, **kw))
    return paths


def _entries(where: Path) -> list[Path]:
    return sorted(where.glob("*.parsed"))


def test_a_saved_session_reopens_without_parsing_its_toml(tmp_path, cache, monkeypatch):
    path = _saved(tmp_path)
    [entry] = _entries(cache)
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600 and stat.S_IMODE(cache.stat().st_mode) == 0o700
    parsed, built = _tomli_calls(monkeypatch), _from_toml_calls(monkeypatch)
    kept = session_io.load(path)
    assert parsed == [] and built == []  # neither parsed nor built again
    monkeypatch.setenv(parse_cache.ENV, "off")
    assert kept == session_io.load(path) and parsed  # the same session tomli gives
    assert session_io.to_toml(kept) == path.read_text(encoding="utf-8")


def test_a_hand_edited_file_is_parsed_and_the_edit_is_seen(tmp_path, cache, monkeypatch):
    path = _saved(tmp_path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('title = "', 'title = "Edited by hand: ', 1), encoding="utf-8")
    parsed = _tomli_calls(monkeypatch)
    assert session_io.load(path).title.startswith("Edited by hand: ")
    assert parsed
    parse_cache.settle(timeout=60)  # that parse is kept in turn
    del parsed[:]
    assert session_io.load(path).title.startswith("Edited by hand: ") and parsed == []


def test_a_planted_entry_runs_nothing_and_the_toml_is_read(tmp_path, cache, monkeypatch):
    """A file made to look like an entry, with a pickle that would call a function: refused."""
    path = _saved(tmp_path)
    [entry] = _entries(cache)
    header, where, _body = entry.read_bytes().split(b"\n", 2)
    marker = tmp_path / "ran"

    class Planted:
        def __reduce__(self):
            return (os.mkdir, (str(marker),))

    entry.write_bytes(header + b"\n" + where + b"\n" + pickle.dumps({"schema": Planted()}))
    parsed = _tomli_calls(monkeypatch)
    assert session_io.load(path).accounts
    assert not marker.exists() and parsed and not entry.exists()


def test_an_entry_another_acctmap_made_is_not_read(tmp_path, cache, monkeypatch):
    """Its session classes or checks may differ from this version's: the TOML is read instead."""
    path = _saved(tmp_path)
    monkeypatch.setattr(parse_cache, "_core_version", lambda: "0123456789abcdef")
    parsed = _tomli_calls(monkeypatch)
    loaded = session_io.load(path)
    assert parsed
    assert loaded == session_io.from_toml(path.read_text(encoding="utf-8"), str(path))


def test_an_entry_kept_before_a_new_suffix_list_is_not_read(tmp_path, cache, monkeypatch):
    """A tldextract upgrade brings another suffix list, with which a read cuts the file's domains
    again (session._current_domains): the entry, cut with the old list, is not read back."""
    path = _saved(tmp_path)
    assert _entries(cache)
    monkeypatch.setattr(parse_cache, "domain_key_version", lambda: "1/psl-0123456789ab")
    parse_cache._core_version.cache_clear()
    try:
        parsed = _tomli_calls(monkeypatch)
        assert session_io.load(path).accounts and parsed
    finally:
        parse_cache._core_version.cache_clear()


def test_without_the_core_s_sources_to_key_entries_by_nothing_is_kept(tmp_path, cache, monkeypatch):
    """An install of compiled files only: entries could not tell one acctmap from another."""
    monkeypatch.setattr(parse_cache, "_core_version", lambda: None)
    path = _saved(tmp_path)
    assert _entries(cache) == []
    parsed = _tomli_calls(monkeypatch)
    assert session_io.load(path).accounts and parsed


@pytest.mark.parametrize("damage", ["cut short", "other header", "not a session", "another class"])
def test_a_damaged_entry_is_passed_over(tmp_path, cache, monkeypatch, damage):
    path = _saved(tmp_path)
    [entry] = _entries(cache)
    data = entry.read_bytes()
    header, where, body = data.split(b"\n", 2)
    if damage == "cut short":
        entry.write_bytes(data[: len(data) // 2])
    elif damage == "other header":
        entry.write_bytes(header.replace(b"sha256 ", b"sha256 0") + b"\n" + where + b"\n" + body)
    elif damage == "not a session":
        entry.write_bytes(header + b"\n" + where + b"\n" + pickle.dumps(["schema", 1]))
    else:  # a session holding an object of a class that is not one of a session's
        planted = session_io.from_toml(path.read_text(encoding="utf-8"), str(path))
        planted.title = tmp_path
        entry.write_bytes(header + b"\n" + where + b"\n" + pickle.dumps(planted))
    parsed = _tomli_calls(monkeypatch)
    loaded = session_io.load(path)
    assert parsed
    assert loaded == session_io.from_toml(path.read_text(encoding="utf-8"), str(path))


def test_recovery_copies_and_small_sessions_are_not_kept(tmp_path, cache, monkeypatch):
    wb = open_workbench(demo_request())
    wb.save(tmp_path / "demo.toml")
    parse_cache.settle(timeout=60)
    before = _entries(cache)
    wb.set_field(wb.session.accounts[0], "owner", "Dana")
    assert wb.autosave(tmp_path) is not None
    parse_cache.settle(timeout=60)
    assert _entries(cache) == before
    monkeypatch.setattr(parse_cache, "CACHE_BYTES", 10**9)
    session_io.save(wb.session, tmp_path / "small.toml")
    parse_cache.settle(timeout=60)
    assert _entries(cache) == before


def test_turned_off_or_in_a_folder_others_can_write_nothing_is_kept(tmp_path, cache, monkeypatch):
    monkeypatch.setenv(parse_cache.ENV, "off")
    _saved(tmp_path)
    assert not cache.exists()
    cache.mkdir()
    cache.chmod(0o777)
    monkeypatch.setenv(parse_cache.ENV, str(cache))
    _saved(tmp_path, "other.toml")
    assert _entries(cache) == []


def test_nothing_but_a_regular_file_is_kept(tmp_path, cache):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    parse_cache.keep_later(fifo, b"x" * 100)
    parse_cache.keep_later(os.devnull, b"x" * 100)
    assert parse_cache._filling == {}


def test_a_file_saved_again_before_it_is_parsed_keeps_no_stale_entry(tmp_path, cache):
    path = _saved(tmp_path)
    data = path.read_bytes()
    path.write_bytes(data.replace(b'title = "', b'title = "New ', 1))
    for entry in _entries(cache):
        entry.unlink()
    parse_cache.fill(os.path.realpath(path), parse_cache._key(data))  # the older save's process
    assert _entries(cache) == []


def test_entries_of_removed_files_and_beyond_the_limit_are_pruned(tmp_path, cache, monkeypatch):
    monkeypatch.setattr(parse_cache, "MAX_ENTRIES", 2)
    paths = [_saved(tmp_path, f"s{n}.toml") for n in range(3)]
    assert len(_entries(cache)) == 3
    for age, path in enumerate(paths):  # one second apart: saves in one clock tick tie
        os.utime(cache / parse_cache._entry_name(path), (1_000_000 + age, 1_000_000 + age))
    parse_cache.prune(cache)
    assert len(_entries(cache)) == 2  # the oldest went
    paths[2].unlink()
    parsed = _tomli_calls(monkeypatch)
    session_io.load(paths[1])
    assert parsed == []  # the newest kept entry; the removed file's entry went as it was read
    assert len(_entries(cache)) == 1


def test_a_folder_of_big_sessions_starts_few_processes_at_once(tmp_path, cache, monkeypatch):
    started = []
    monkeypatch.setattr(parse_cache.subprocess, "Popen", lambda *a, **k: started.append(a) or _Running())
    for n in range(5):
        path = tmp_path / f"s{n}.toml"
        path.write_bytes(b"x = 1\n")
        parse_cache.keep_later(path, b"x = 1\n")
    assert len(started) == parse_cache.MAX_FILLING
    parse_cache._filling.clear()


class _Running:
    """A process that has not ended."""

    def poll(self):
        return None

    def wait(self, timeout=None):
        return 0


def test_one_parse_is_kept_at_a_time_on_the_machine(tmp_path, cache, monkeypatch):
    """A second process finds the folder's lock held (another acctmap keeping a parse): it
    waits, then gives up without an entry."""
    import fcntl

    path = _saved(tmp_path)
    for entry in _entries(cache):
        entry.unlink()
    monkeypatch.setattr(parse_cache, "LOCK_WAIT", 0.3)
    held = os.open(cache / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(held, fcntl.LOCK_EX)
    try:
        parse_cache.fill(os.path.realpath(path), parse_cache._key(path.read_bytes()))
        assert _entries(cache) == []
    finally:
        os.close(held)
    parse_cache.fill(os.path.realpath(path), parse_cache._key(path.read_bytes()))
    assert len(_entries(cache)) == 1
