"""The one way acctmap writes a file (sessions, recovery files, exports and share lists), and
the one way it reads a file it was given (a list, a key file, a round file: `read_plain_file`).

A regular file (or a name not taken yet) is written atomically: a temporary file in the same
folder, flushed to disk, then renamed over the target, so a crash or a kill leaves either the old
file or the new one, never half of one. A name that is not a regular file is never renamed over:
a character device (`/dev/null`, a terminal) or a FIFO is written through (a FIFO nobody reads
is refused, never waited on); a symbolic link is followed and its target written atomically (the
link stays); a folder, a socket or a block device is refused with a message, and so is a file the
user may not write (read-only: a shell's `>` and an editor refuse it too).
"""

from __future__ import annotations

import errno
import os
import re
import stat
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from acctmap_tui.core.model import AcctmapError, Problem

TEMP_SUFFIX = ".tmp"
STALE_TEMP_S = 15 * 60  # a temp file this old belongs to a write that was killed before its rename
RECOVERY_SUFFIX = ".recovery.toml"  # autosave's hidden recovery files (core.session): .NAME.recovery.toml
_TEMP_MIDDLE = r"[a-z0-9_]{8}"  # what tempfile.mkstemp puts between our prefix and suffix
# The temp of a recovery file of any name: an unsaved session's autosave (`.unsaved-<id>`) killed
# mid-write is never written again under that name, so cleaning by the name written misses it.
_RECOVERY_TEMP = re.compile(r"\.\..+" + re.escape(f"{RECOVERY_SUFFIX}.") + _TEMP_MIDDLE
                            + re.escape(TEMP_SUFFIX))


def _error(path: Path | str, message: str) -> AcctmapError:
    return AcctmapError(Problem(file=str(path), row=None, column=None, message=message, level="error"))


def _temp_pattern(name: str) -> re.Pattern[str]:
    # tempfile.mkstemp(prefix=".NAME.", suffix=".tmp")
    return re.compile(re.escape(f".{name}.") + _TEMP_MIDDLE + re.escape(TEMP_SUFFIX))


def is_our_stdout(path: str | Path) -> bool:
    """True when `path` is the file our stdout (fd 1) writes to: /dev/stdout, /dev/fd/1, or the
    file stdout is redirected to."""
    try:
        out, named = os.fstat(1), os.stat(path)
    except OSError:
        return False
    return (out.st_dev, out.st_ino) == (named.st_dev, named.st_ino)


def target(path: str | Path) -> tuple[Path, bool]:
    """Where a write to `path` lands and whether it is streamed: (real path, write through it).

    Raises AcctmapError for a folder, a socket, a block device or a symbolic-link loop.
    """
    path = Path(path)
    try:
        st = os.stat(path)  # follows symbolic links
    except FileNotFoundError:
        st = None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise _error(path, "cannot write: the symbolic link points to itself (a loop)") from None
        raise _error(path, f"cannot write: {exc.strerror or exc}") from None
    if st is not None and stat.S_ISREG(st.st_mode) and is_our_stdout(path):
        return path, True  # stdout redirected to a file: through our fd 1, as `>` or `>>` opened it
    if st is not None and not stat.S_ISREG(st.st_mode):
        if stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode):
            return path, True  # /dev/null, /dev/stdout, a terminal, a named pipe: write through
        if stat.S_ISDIR(st.st_mode):
            raise _error(path, "cannot write: this is a folder; give a file name")
        raise _error(path, "cannot write: not a regular file (a socket or a disk device)")
    if path.is_symlink():
        return Path(os.path.realpath(path)), False  # replace the link's target, keep the link
    return path, False


def write_bytes(path: str | Path, data: bytes, *, make_folders: bool = True) -> Path:
    """Write `data` to `path` safely (see the module docstring); returns the path written.

    OSError propagates for the caller to word; AcctmapError for a target acctmap will not write.
    """
    path = Path(path)
    real, stream = target(path)
    if stream and is_our_stdout(real):
        sys.stdout.flush()  # what was printed before goes first
        view = memoryview(data)
        while view:
            view = view[os.write(1, view):]
        return path
    if stream:
        with os.fdopen(_open_through(real), "wb") as fh:
            fh.write(data)
        return path
    if make_folders:
        real.parent.mkdir(parents=True, exist_ok=True)
    clean_stale_temps(real)
    try:
        mode = stat.S_IMODE(os.stat(real).st_mode)
    except FileNotFoundError:
        mode = None  # a new file keeps mkstemp's owner-only permissions: these are customer lists
    if mode is not None and not os.access(real, os.W_OK):  # os.replace would ignore its mode
        raise _error(path, "cannot write: the file is read-only; give another name, or make it "
                           "writable first")
    fd, tmp = _make_temp(path, real)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, real)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _sync_folder(real.parent)
    return path


def _open_through(real: Path) -> int:
    """Open a device or a named pipe to write through it (a file descriptor, blocking).

    The open itself does not block: a named pipe nobody reads would hold it for ever, with no
    way out but a kill. Raises AcctmapError for that pipe; other OSErrors are the caller's.
    """
    nonblock = getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(real, os.O_WRONLY | os.O_TRUNC | nonblock)
    except OSError as exc:
        if exc.errno == errno.ENXIO and _is_fifo(real):
            raise _error(real, "cannot write: a named pipe nobody is reading; start the reader "
                               "first, or give a file") from None
        raise
    if nonblock:
        os.set_blocking(fd, True)  # once a reader is there, write as fast as it reads
    return fd


def _is_fifo(path: Path) -> bool:
    try:
        return stat.S_ISFIFO(os.stat(path).st_mode)
    except OSError:
        return False


def _make_temp(path: Path, real: Path) -> tuple[int, str]:
    """A temp file beside `real` (mkstemp's (fd, name)); AcctmapError naming the folder when
    none can be made there, though the file itself may be writable."""
    try:
        return tempfile.mkstemp(prefix=f".{real.name}.", suffix=TEMP_SUFFIX, dir=real.parent)
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise _error(path, f"cannot make a temporary file in {real.parent}{os.sep}: the "
                               "folder is read-only") from None
        raise


def write_text(path: str | Path, text: str, encoding: str = "utf-8") -> Path:
    """`write_bytes` of `text` encoded as given (line breaks are written as they are)."""
    return write_bytes(path, text.encode(encoding))


def _sync_folder(folder: Path) -> None:
    """Flush the rename itself to disk (best effort: not every platform can open a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def clean_stale_temps(path: str | Path, older_than_s: float = STALE_TEMP_S) -> list[Path]:
    """Remove our own temp files left in `path`'s folder by a write killed before its rename.

    Only names acctmap makes: for this file (`.NAME.xxxxxxxx.tmp`) and for a recovery file of
    any name (`..NAME.recovery.toml.xxxxxxxx.tmp`), and only when older than `older_than_s`, so
    a write still running in another process is left alone.
    """
    path = Path(path)
    own = _temp_pattern(path.name)
    cutoff = time.time() - older_than_s
    removed: list[Path] = []
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return removed
    for entry in entries:
        if not (own.fullmatch(entry.name) or _RECOVERY_TEMP.fullmatch(entry.name)):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(st.st_mode) and st.st_mtime < cutoff:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            continue
    return removed


FREE_TRIES = 1_000  # names tried past the first: NAME-2 ... NAME-1000


def free_path(path: Path, reusable: Callable[[Path], bool] | None = None) -> Path:
    """`path`, or the first of NAME-2, NAME-3, ... beside it that is free: nothing there (not even
    a dangling link), or a file `reusable` says a write may replace."""
    candidate = path
    for n in range(2, FREE_TRIES + 1):
        if not candidate.exists() and not candidate.is_symlink():
            return candidate
        if reusable is not None and reusable(candidate):
            return candidate
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
    return candidate


def same_file(a: str | Path, b: str | Path) -> bool:
    """True when two names are the same file (links and relative paths resolved)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


@contextmanager
def folder_lock(folder: Path, wait: float) -> Iterator[None]:
    """Hold a folder's lock (`.lock` in it, POSIX `flock`; elsewhere nothing is held) so one
    process at a time does what follows; TimeoutError after `wait` seconds, OSError when the
    lock file cannot be made."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    fd = os.open(folder / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        waited = 0.0
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if waited >= wait:
                    raise TimeoutError(f"{folder} is locked by another process") from None
                time.sleep(0.1)
                waited += 0.1
        yield
    finally:
        os.close(fd)  # the lock goes with it


def refuse_own_input(output: str | Path | None, *inputs: str | Path | None) -> None:
    """Never write over a file the command reads (`share X.csv -o X.csv`, `psi answer N1 G1
    -o N1`), by any of its names."""
    if not output:
        return
    for item in inputs:
        if item and Path(item).exists() and same_file(output, item):
            raise AcctmapError(f"-o {output}: that is the input file {item}; refusing to write "
                               "over it. Choose another output file.")


# --- reading a file it was given ------------------------------------------------------------


class NotAPlainFile(OSError):
    """`read_plain_file` was given a folder, a device, a FIFO or a socket (`folder`: a folder)."""

    def __init__(self, path: str | Path, mode: int) -> None:
        super().__init__(f"{path}: not a plain file")
        self.folder = stat.S_ISDIR(mode)

    def reason(self, wanted: str) -> str:
        """The refusal in the words every reader uses; `wanted` names the file expected there
        ("list file", "session file", "key file")."""
        if self.folder:
            return f"this is a folder, not a {wanted}"
        return f"not a plain file (a device, FIFO or socket): give the {wanted} itself"


class FileTooLarge(OSError):
    """`read_plain_file` found more than its `limit` bytes."""


def read_plain_file(path: str | Path, limit: int | None = None, *, first: int | None = None) -> bytes:
    """The bytes of the plain file at `path` (a link to one is followed): a list, a key file, a
    round file. At most `limit` bytes, when given: FileTooLarge past it. With `first`, its first
    `first` bytes at most (the top of a session), whatever its size.

    The file is opened without blocking and checked on the open descriptor (`os.fstat`), never
    by its name before the open: a FIFO opens at once to be refused (a reader would wait for
    ever), a device (/dev/zero) is refused before it is read without end, and the name cannot
    be swapped for either between the check and the read. NotAPlainFile for them, or a folder;
    any other OSError (a missing file) is the caller's to word.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotAPlainFile(path, st.st_mode)
        if limit is not None and st.st_size > limit:
            raise FileTooLarge(f"{path}: over {limit:,} bytes")
        with os.fdopen(fd, "rb", closefd=False) as fh:
            if first is not None:
                return fh.read(first)
            data = fh.read() if limit is None else fh.read(limit + 1)  # +1: it may have grown since
    finally:
        os.close(fd)
    if limit is not None and len(data) > limit:
        raise FileTooLarge(f"{path}: over {limit:,} bytes")
    return data
