"""Helpers for bulk work: reading, matching and writing tens of thousands of records."""

from __future__ import annotations

import gc
import os
import pickle
import signal
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import TypeVar

_T = TypeVar("_T")


@contextmanager
def paused_gc() -> Iterator[None]:
    """Python's cycle collector off while a bulk step allocates many objects, back on after.

    Records, pairs and session tables form no reference cycles, so nothing piles up; the collector
    would otherwise walk every object built so far again and again (about a third of the CPU time
    of a 50,000 x 50,000 match). Nests: only the outermost pause turns the collector back on, and
    then moves what was built to the oldest generation unscanned (`promote_to_old_generation`).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            promote_to_old_generation()  # else the first young collection walks all it built
            gc.enable()


_kept_frozen = False  # keep_out_of_collector ran: objects are frozen on purpose


def keep_out_of_collector() -> None:
    """Move every object the cycle collector tracks out of its reach for good (`gc.freeze`).

    For a loaded session and its lists, which live as long as the app shows them and form no
    cycles (refcounting frees them): the collector would walk them again in every full
    collection. Everything alive now is frozen with them, so call it right after a load.
    """
    global _kept_frozen
    gc.freeze()
    _kept_frozen = True


def release_to_collector() -> None:
    """Undo `keep_out_of_collector`: every frozen object is the collector's again."""
    global _kept_frozen
    gc.unfreeze()
    _kept_frozen = False


def promote_to_old_generation() -> None:
    """Move every object the cycle collector tracks into its oldest generation, unscanned.

    The objects a bulk step built and keeps (a list's 50,000 records) would otherwise be walked by
    the young collections once the collector runs again (0.1 s of CPU at 50k), only to be
    promoted there anyway. They stay collectable: a full collection still looks at them. Skipped
    when objects were frozen on purpose (`keep_out_of_collector`), which this would undo; that
    is a flag, not `gc.get_freeze_count()`, which walks every frozen object (0.03-0.09 s at 50k,
    on every save).
    """
    if not _kept_frozen:
        gc.freeze()
        gc.unfreeze()


# --- a second process ---------------------------------------------------------------------------


def spare_core() -> bool:
    """True when a second process would run beside this one instead of waiting for a core: the
    tasks other processes are running now leave a core beside this one (Linux's /proc); elsewhere
    the one-minute load average leaves a core free. The average also counts this process's own
    recent work: the write that ends a 20 s match saw 1.2 on an idle 2-core machine. (Measured
    at 50,000 rows a list on 2 busy cores, load 5: re-reading beside took 14 s of wall time, one
    after the other 7-10 s.)"""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    others = _running_elsewhere()
    if others is not None:
        return cores - 1 - others >= 1
    try:
        return cores - os.getloadavg()[0] >= 1
    except OSError:  # no load average here
        return cores > 1


LOADAVG, OWN_TASKS = "/proc/loadavg", "/proc/self/task"


def _running_elsewhere() -> int | None:
    """The tasks of other processes running or ready to run now; None where the system does not
    say (not Linux)."""
    try:
        with open(LOADAVG, encoding="ascii") as f:
            running = int(f.read().split()[3].split("/")[0])
        mine = 0
        for task in os.scandir(OWN_TASKS):  # this process's threads
            with open(os.path.join(task.path, "stat"), encoding="ascii", errors="replace") as f:
                mine += f.read().rpartition(")")[2].split()[0] == "R"
    except (OSError, ValueError, IndexError):
        return None
    return max(running - mine, 0)


def _pickled(there: Callable[..., object], *args) -> bytes:
    """`there(*args)`, its result pickled with the cycle collector paused (with it running,
    pickling and unpickling a 50,000-record list took 2.5 s of CPU instead of 0.9, and the list
    would be walked before it is sent)."""
    with paused_gc():
        return pickle.dumps(there(*args), protocol=pickle.HIGHEST_PROTOCOL)


def _result(there: Callable[..., object], args: tuple) -> bytes:
    """What a second process sends back: b"\\0" and `there(*args)` pickled, or b"\\1" and the
    error it raised."""
    try:
        return b"\0" + _pickled(there, *args)
    except BaseException as exc:  # noqa: BLE001 - raised again in the first process
        try:
            return b"\1" + pickle.dumps(exc)
        except Exception:  # noqa: BLE001 - an error that does not pickle
            return b"\1" + pickle.dumps(OSError(f"in the second process: {exc!r}"))


def _run(job: bytes) -> object:
    """A job as `beside` sends it to a new process: `there` and its arguments, pickled."""
    there, args = pickle.loads(job)
    return there(*args)


def _serve(job: bytes) -> None:
    """The second process of `beside`: its job (read from stdin by SECOND_PROCESS), the result
    (or the error raised) to stdout, pickled, then gone at once (freeing its copy of a list took
    0.3 s at 50k)."""
    import sys

    data = _result(_run, (job,))
    try:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    except BrokenPipeError:  # the first process gave up on it (an error there)
        pass
    os._exit(0)


# What the second process runs: only this module and `there`'s are imported there (a
# multiprocessing child imports the program's __main__ again, the whole CLI, and starts a
# resource tracker process first: 0.3-0.5 s before its job starts). It takes this process's
# sys.path before it imports acctmap, and `-P` keeps the working folder out of its path until
# then: a folder holding another copy of acctmap_tui must not give the two processes two
# versions of it.
SECOND_PROCESS = ("import pickle, sys; paths, job = pickle.loads(sys.stdin.buffer.read()); "
                  "sys.path[:] = paths; from acctmap_tui.core.bulk import _serve; _serve(job)")


def python_here() -> list[str]:
    """The start of a command running this Python with no folder put first in its path
    (`-P`): a second process of acctmap takes its path from this one (`SECOND_PROCESS`)."""
    import sys

    return [sys.executable, "-P"]


def beside(here: Callable[[], _T], there: Callable[..., object], *args) -> tuple[_T, object]:
    """`here()` in this process while `there(*args)` runs in a second one (`there` must be a
    module-level function, `args` small: they are written to it as it starts); (here's result,
    there's result). Errors come back as raised; a second process that cannot start or dies
    raises OSError.

    In the main thread of a Linux process the second process is a forked copy (`_forks`): it
    starts on its job at once, with nothing to import (0.2 s sooner than a new interpreter).
    Elsewhere, and from any other thread (the app's workers), a new process started with its
    job, not a process pool: a pool hands the job over from threads of this process, which wait
    while `here` holds the interpreter (compiled tomli holds it for a whole parse).
    """
    import subprocess
    import sys

    if _forks():
        return _beside_forked(here, there, args)

    job = pickle.dumps((sys.path, pickle.dumps((there, args), protocol=pickle.HIGHEST_PROTOCOL)))
    process = subprocess.Popen([*python_here(), "-c", SECOND_PROCESS],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        try:
            process.stdin.write(job)  # type: ignore[union-attr]
            process.stdin.close()  # type: ignore[union-attr]
        except OSError:
            pass  # it died at once: said below
        mine = here()
        data = process.stdout.read()  # type: ignore[union-attr]
    finally:
        process.stdout.close()  # type: ignore[union-attr]
    if not data:
        raise OSError(f"the second process ended without a result (exit {process.wait()})")
    process.wait()
    return mine, _unpickled(data)


def _forks() -> bool:
    """Whether work may go to a forked copy of this process: from the main thread of a Linux
    process (macOS's system libraries do not survive a fork without exec; Windows has none):
    the CLI, and the app's UI thread (a recovery file restored). The copy only computes, writes
    its pipe and leaves with `os._exit`, so it takes no lock another thread may hold (Python
    3.12+ warns of any fork with threads running, for programs whose copies do). The app's
    workers start a new interpreter instead: the rule is kept simple where threads do the work."""
    import sys
    import threading

    return (sys.platform == "linux" and hasattr(os, "fork")
            and threading.current_thread() is threading.main_thread())


def _fork() -> int:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # see _forks
        return os.fork()


class _NoCopy(OSError):
    """The system would not fork now (out of processes or memory)."""


def _in_a_copy(here: Callable[[], _T], there: Callable[[], bytes]) -> tuple[_T, bytes]:
    """(`here()`, the bytes `there()` gave in a forked copy of this process, b"" if it raised
    or died). Raises _NoCopy when there is no fork; an error of `here` kills the copy."""
    read_end, write_end = os.pipe()
    try:
        pid = _fork()
    except OSError as exc:
        os.close(read_end)
        os.close(write_end)
        raise _NoCopy(f"cannot start a second process: {exc}") from exc
    if pid == 0:  # the copy
        try:
            os.close(read_end)
            data = there()
            with open(write_end, "wb") as out:
                out.write(data)
        finally:
            os._exit(0)
    os.close(write_end)
    try:
        mine = here()
    except BaseException:  # ctrl+c or an error here: the copy's work is not waited for
        os.kill(pid, signal.SIGKILL)
        os.close(read_end)
        os.waitpid(pid, 0)
        raise
    with open(read_end, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    return mine, data


def _beside_forked(here: Callable[[], _T], there: Callable[..., object], args: tuple) -> tuple[_T, object]:
    """`beside` with a forked copy as the second process."""
    mine, data = _in_a_copy(here, partial(_result, there, args))
    if not data:
        raise OSError("the second process ended without a result")
    return mine, _unpickled(data)


def _unpickled(data: bytes) -> object:
    """The result a second process sent (`_result`), or its error raised here."""
    with paused_gc():
        result = pickle.loads(memoryview(data)[1:])
    if data[:1] == b"\1":
        raise result
    return result


def in_two_halves(job: Callable[[list], bytes], items: list, *, least: int) -> bytes:
    """`job(items)`, with the second half of `items` done in a forked copy of this process while
    this one does the first, when there are `least` items or more, a core is spare and the
    system forks (`_forks`); else all here. `job` must give the same bytes for a list as for its
    two halves joined, and do nothing but compute.

    A fork, not `beside`'s new process: the copy starts at once with every object already in
    it, and only the bytes it made come back (a session's 93,000 accounts, pickled to a new
    process, cost more than the half they would save). When the copy fails or dies, this
    process does its half too: the same bytes, or the same error.
    """
    if len(items) < least or not _forks() or not spare_core():
        return job(items)
    half = len(items) // 2
    try:
        mine, data = _in_a_copy(partial(job, items[:half]), lambda: b"\0" + job(items[half:]))
    except _NoCopy:
        return job(items)
    if data[:1] != b"\0":  # it failed or died: its half here, which raises what it raised
        return mine + job(items[half:])
    return mine + data[1:]
