"""Big session files kept as parsed, so they reopen without tomli's parse (2-3 s for 14 MB).

The session file stays the one truth: an entry is what `toml_io.loads` returned for that file's
exact bytes, found again only when the file's bytes hash the same (sha256), with the same tomli,
the same Python and this module's format. Any other text (a hand edit, a checkout, a file copied
from a colleague) is parsed as before, and then kept here for the next open.

An entry is made by a second process at low priority, after a session file is written or
parsed, so neither a save nor an open waits for it: `keep_later`. It reads the file again and
parses it itself, so an entry only ever holds what tomli read from the file.

Where: the user's cache folder (`platformdirs.user_cache_path("acctmap") / "parsed"`, mode
0700, files 0600), one entry per session file, at most MAX_ENTRIES; an entry whose file is gone
is removed when the next entry is made or read. `ACCTMAP_CACHE_DIR` names another folder, or
`off` for none. The entries hold what the session files hold (private fields too), on this machine only.

An entry is read back by an unpickler that makes nothing but containers, texts, numbers and
the `datetime` types TOML has: a planted file can at worst fail to load (then the TOML is parsed).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from acctmap_tui.core import atomic, bulk, toml_io

CACHE_BYTES = 4_000_000  # smaller session texts parse in well under a second: not kept
# after an open that parsed the file, the keeping waits this long: the app's first frame and the
# lists it re-reads then have the machine (at nice 10 the parse still slowed the first frame by
# 0.3-0.8 s on the two cores here)
AFTER_OPEN = 15.0
MAX_ENTRIES = 8
MAX_FILLING = 2  # processes keeping parses at once
FORMAT = b"acctmap parsed session 1"
ENV = "ACCTMAP_CACHE_DIR"
_SAFE = {("datetime", name) for name in ("date", "datetime", "time", "timedelta", "timezone")}

# the filling process of each session file, so a newer save replaces an unfinished one
_filling: dict[str, subprocess.Popen] = {}


def folder() -> Path | None:
    """The cache folder, made if missing; None when turned off or not safe to use (not ours, or
    writable by others)."""
    chosen = os.environ.get(ENV)
    if chosen is not None and chosen.strip().lower() in ("off", "none", "0", ""):
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


def recall(path: Path | str, data: bytes) -> dict[str, Any] | None:
    """tomli's parse of session file `path`, whose bytes are `data`, when it was kept; else None."""
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
            doc = _SafeUnpickler(f).load()
    except FileNotFoundError:
        return None
    except Exception:  # noqa: BLE001 - a damaged or planted entry: parse the TOML instead
        entry.unlink(missing_ok=True)
        return None
    prune(where)  # also here: a user who only opens sessions leaves no entry of a removed file
    return doc if isinstance(doc, dict) else None


def keep_later(path: Path | str, data: bytes, wait: float = 0.0) -> None:
    """Have a second process, at low priority and `wait` seconds from now, parse session file
    `path` and keep the result, if the file still holds the bytes `data` then. Returns at once;
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
    """The second process of `keep_later`: parse the file and write its entry, if its text still
    hashes to `key`. Nothing is reported: without an entry the session opens as before.

    One at a time on the machine (a lock in the cache folder): a script exporting fifty big
    sessions, one `acctmap` process each, leaves one parse running at a time, not fifty; one that
    waits longer than LOCK_WAIT gives up."""
    where = folder()
    if where is None:
        return
    try:
        with _one_at_a_time(where):
            data = Path(path).read_bytes()
            if _key(data) != key:
                return  # saved again meanwhile: that save's process keeps it
            doc = toml_io.loads(data.decode("utf-8").removeprefix("\ufeff"))  # as session.load
            body = pickle.dumps(_shared(doc, {}), protocol=pickle.HIGHEST_PROTOCOL)
            # new files are the user's only (see core.atomic), as a session file is
            atomic.write_bytes(where / _entry_name(path),
                               _header(key) + os.fsencode(path) + b"\n" + body)
            prune(where)
    except Exception:  # noqa: BLE001 - busy, unreadable, changed or not TOML: no entry
        return


LOCK_WAIT = 20.0  # seconds a second process waits for another one's parse to end


@contextmanager
def _one_at_a_time(where: Path) -> Iterator[None]:
    """Hold the cache folder's lock (POSIX `flock`; elsewhere nothing is held); TimeoutError
    after LOCK_WAIT seconds."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    fd = os.open(where / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        waited = 0.0
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if waited >= LOCK_WAIT:
                    raise TimeoutError("another process keeps a parse") from None
                time.sleep(0.1)
                waited += 0.1
        yield
    finally:
        os.close(fd)  # the lock goes with it


def _shared(value: Any, seen: dict[str, str]) -> Any:
    """`value` with equal texts made one object: pickled once, then by reference (the keys and
    words repeated in every account): 13.4 -> 5.8 MB and 0.3 -> 0.15 s to read at 50k."""
    if isinstance(value, str):
        return seen.setdefault(value, value)
    if isinstance(value, dict):
        return {seen.setdefault(k, k): _shared(v, seen) for k, v in value.items()}
    if isinstance(value, list):
        return [_shared(v, seen) for v in value]
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


def forget(path: Path | str) -> None:
    """Remove the entry of session file `path`, if any."""
    where = folder()
    if where is not None:
        (where / _entry_name(path)).unlink(missing_ok=True)


def _entry_name(path: Path | str) -> str:
    return hashlib.sha256(os.fsencode(os.path.realpath(path))).hexdigest()[:40] + ".parsed"


def _header(key: str) -> bytes:
    return b"%s; %s; python %s; sha256 %s\n" % (
        FORMAT, toml_io.PARSER.encode(), sys.version.split()[0].encode(), key.encode())


class _SafeUnpickler(pickle.Unpickler):
    """Makes containers, texts, numbers and datetime values only (what tomli returns)."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _SAFE:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"not in a parsed session: {module}.{name}")
