"""Big session files kept as read, so they reopen without tomli's parse (2-3 s for 14 MB) and
without building the session again from it (0.4-0.5 s at 50k).

The session file stays the one truth: an entry is the `Session` that `session.from_toml` built from
that file's exact bytes, found again only when the file's bytes hash the same (sha256), with the
same acctmap core (a hash of its sources), the same tomli, the same Python and this module's
format. Any other text (a hand edit, a checkout, a file copied from a colleague) is read as
before, and then kept here for the next open.

An entry is made by a second process at low priority, after a session file is written or
read, so neither a save nor an open waits for it: `keep_later`. It reads the file again and
builds the session itself, through the same parse and checks as an open, so an entry only ever
holds what acctmap read from the file.

Where: the user's cache folder (`platformdirs.user_cache_path("acctmap") / "parsed"`, mode
0700, files 0600), one entry per session file, at most MAX_ENTRIES; an entry whose file is gone
is removed when the next entry is made or read. `ACCTMAP_CACHE_DIR` names another folder, or
`off` for none. The entries hold what the session files hold (private fields too), on this machine only.

An entry is read back by an unpickler that makes nothing but containers, texts, numbers, the
`datetime` types TOML has and the session's own data classes (`core.model`): no code runs, and
a damaged file fails to load (then the TOML is parsed).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
import pickle
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

from acctmap_tui.core import atomic, bulk, model, toml_io
from acctmap_tui.core.model import Session
from acctmap_tui.core.normalize import domain_key_version

CACHE_BYTES = 4_000_000  # smaller session texts parse in well under a second: not kept
# after an open that parsed the file, the keeping waits this long: the app's first frame and the
# lists it re-reads then have the machine (at nice 10 the parse still slowed the first frame by
# 0.3-0.8 s on the two cores here)
AFTER_OPEN = 15.0
MAX_ENTRIES = 8
MAX_FILLING = 2  # processes keeping parses at once
FORMAT = b"acctmap kept session 2"
ENV = "ACCTMAP_CACHE_DIR"
_SAFE = {("datetime", name) for name in ("date", "datetime", "time", "timedelta", "timezone")} | {
    (model.__name__, name) for name, value in vars(model).items()
    if isinstance(value, type) and dataclasses.is_dataclass(value)}

# the filling process of each session file, so a newer save replaces an unfinished one
_filling: dict[str, subprocess.Popen] = {}


def folder() -> Path | None:
    """The cache folder, made if missing; None when turned off, not safe to use (not ours, or
    writable by others), or when acctmap's sources are not there to key its entries by."""
    chosen = os.environ.get(ENV)
    if chosen is not None and chosen.strip().lower() in ("off", "none", "0", ""):
        return None
    if _core_version() is None:
        return None
    if chosen:
        where = Path(chosen)
    else:
        import platformdirs  # only for a big session

        where = platformdirs.user_cache_path("acctmap") / "parsed"
    try:
        where.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = where.stat()
    except OSError:
        return None
    if hasattr(os, "getuid") and (st.st_uid != os.getuid() or st.st_mode & 0o022):
        return None
    return where


def _key(data: bytes) -> str:
    """What an entry is found by: the sha256 of the session file's bytes."""
    return hashlib.sha256(data).hexdigest()


def recall(path: Path | str, data: bytes) -> Session | None:
    """The session read from file `path`, whose bytes are `data`, when it was kept; else None.
    Its sources' paths are as written in the file (`session.load` resolves them)."""
    where = folder() if len(data) >= CACHE_BYTES else None
    if where is None:
        return None
    entry = where / _entry_name(path)
    try:
        with open(entry, "rb") as f:
            head = f.readline()
            if head != _header(_key(data)):
                return None
            f.readline()  # the session file's path (for pruning)
            with bulk.paused_gc():
                kept = _SafeUnpickler(f).load()
                # as session.from_toml: the session lives while it is open and forms no cycles
                bulk.keep_out_of_collector()
    except FileNotFoundError:
        return None
    except Exception:  # noqa: BLE001 - a damaged or planted entry: parse the TOML instead
        entry.unlink(missing_ok=True)
        return None
    prune(where)  # also here: a user who only opens sessions leaves no entry of a removed file
    return kept if isinstance(kept, Session) else None


def keep_later(path: Path | str, data: bytes, wait: float = 0.0) -> None:
    """Have a second process, at low priority and `wait` seconds from now, read session file
    `path` and keep the session, if the file still holds the bytes `data` then. Returns at once;
    does nothing for a small file or for anything but a regular file (`-o /dev/stdout`)."""
    if len(data) < CACHE_BYTES or folder() is None:
        return
    target = os.path.realpath(path)
    try:
        if not stat.S_ISREG(os.stat(target).st_mode) or "\n" in target:
            return
    except OSError:
        return
    before = _filling.pop(target, None)
    if before is not None and before.poll() is None:
        before.kill()  # it parses an older save
    if sum(p.poll() is None for p in _filling.values()) >= MAX_FILLING:
        return  # a scan of a folder of big sessions (Compare) does not start one each
    # this process's path before acctmap is imported there (see bulk.SECOND_PROCESS)
    code = ("import os, sys, time\ntry: os.nice(10)\nexcept (OSError, AttributeError): pass\n"
            "time.sleep(float(sys.argv[3]))\nsys.path[:] = sys.argv[4:]\n"
            "from acctmap_tui.core.parse_cache import fill\nfill(*sys.argv[1:3])")
    try:
        _filling[target] = subprocess.Popen(
            [*bulk.python_here(), "-c", code, target, _key(data), str(wait), *sys.path],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True, close_fds=True)
    except OSError:
        pass  # no entry: the next open parses the TOML


def settle(timeout: float | None = None) -> None:
    """Wait for the processes `keep_later` started (tests and benches)."""
    for target, process in list(_filling.items()):
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            continue
        _filling.pop(target, None)


def fill(path: str, key: str) -> None:
    """The second process of `keep_later`: read the file as `session.load` does and write its
    entry, if its text still hashes to `key`. Nothing is reported: without an entry the session
    opens as before.

    One at a time on the machine (a lock in the cache folder): a script exporting fifty big
    sessions, one `acctmap` process each, leaves one parse running at a time, not fifty; one that
    waits longer than LOCK_WAIT gives up."""
    from acctmap_tui.core import session as session_io  # it imports this module

    where = folder()
    if where is None:
        return
    try:
        with atomic.folder_lock(where, LOCK_WAIT):
            data = Path(path).read_bytes()
            if _key(data) != key:
                return  # saved again meanwhile: that save's process keeps it
            built = session_io.from_toml(data.decode("utf-8"), path)
            if built.session_id.startswith("v0-"):
                return  # a file older than session ids: its id may depend on the path opened
            body = pickle.dumps(_shared(built, {}), protocol=pickle.HIGHEST_PROTOCOL)
            # new files are the user's only (see core.atomic), as a session file is
            atomic.write_bytes(where / _entry_name(path),
                               _header(key) + os.fsencode(path) + b"\n" + body)
            prune(where)
    except Exception:  # noqa: BLE001 - busy, unreadable, changed or not a session: no entry
        return


LOCK_WAIT = 20.0  # seconds a second process waits for another one's parse to end


def _shared(value: Any, seen: dict[str, str]) -> Any:
    """`value` with equal texts made one object, so they are pickled once and then by reference
    (the keys, words and names repeated in every account): at 50k, 10.8 -> 7.5 MB, and it reads
    back in 0.18 s instead of 0.35 s. A session's data classes are changed in place."""
    if isinstance(value, str):
        return seen.setdefault(value, value)
    if isinstance(value, list):
        return [_shared(v, seen) for v in value]
    if isinstance(value, dict):
        return {seen.setdefault(k, k) if isinstance(k, str) else k: _shared(v, seen)
                for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for name, field_value in vars(value).items():
            setattr(value, name, _shared(field_value, seen))
    return value


def prune(where: Path) -> None:
    """Remove entries whose session file is gone and the oldest beyond MAX_ENTRIES (the temp
    file of a keeping process stopped mid-write goes with the next write of its entry, as
    core.atomic cleans up)."""
    entries = []
    for entry in where.glob("*.parsed"):
        try:
            with open(entry, "rb") as f:
                f.readline()
                path = os.fsdecode(f.readline().rstrip(b"\n"))
            if not os.path.isfile(path):
                entry.unlink(missing_ok=True)
                continue
            entries.append((entry.stat().st_mtime, entry))
        except OSError:
            continue
    entries.sort(reverse=True)
    for _mtime, entry in entries[MAX_ENTRIES:]:
        entry.unlink(missing_ok=True)


def _entry_name(path: Path | str) -> str:
    return hashlib.sha256(os.fsencode(os.path.realpath(path))).hexdigest()[:40] + ".parsed"


def _header(key: str) -> bytes:
    return b"%s; core %s; %s; python %s; sha256 %s\n" % (
        FORMAT, (_core_version() or "").encode(), toml_io.PARSER.encode(), sys.version.split()[0].encode(),
        key.encode())


@functools.cache
def _core_version() -> str | None:
    """A hash of the core's sources and of the suffix list domains are cut with: an entry made by
    another acctmap (whose session classes or checks may differ), or before a tldextract upgrade
    (whose domains a read would cut again), is never read back. None when the sources are not
    there to hash (an install of compiled files only): then nothing is kept."""
    sources = sorted(Path(__file__).parent.glob("*.py"))
    if not any(source.name == "session.py" for source in sources):
        return None
    digest = hashlib.sha256(domain_key_version().encode())
    for source in sources:
        digest.update(source.name.encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()[:16]


class _SafeUnpickler(pickle.Unpickler):
    """Makes containers, texts, numbers, datetime values and the data classes of `core.model`
    only (what a session is made of)."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _SAFE:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"not in a session: {module}.{name}")
