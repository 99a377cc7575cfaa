"""How long a big saved session takes to open in the app, and to save with ctrl+s.

Runs what `acctmap SESSION.toml` runs (start.open_saved, then the app, headless at 120x40) in
this process and prints CPU seconds (user + system, every thread; the machine is shared, so wall
time is printed too but CPU is the figure to compare), from before the first acctmap import to:

- open: the first frame painted with the phase screen the session was saved on; the app
  re-reads the source lists after it (`--lists-first`: the session, then the lists, all before
  the app starts), and the time they are attached is printed too;
- review table: after pressing 2, the first frame showing rows of the review table (interactive);
- ctrl+s: after one edit, from the key press until the file is written (`wait_for_save`).

Next to them, measured in the same run on the same file: the parts of opening (reading the
TOML with tomli alone, `session.load`, re-reading the source lists), and `session.save`.

The file is opened as one never opened before (no kept parse, core.parse_cache), or with
`--kept` as one acctmap saved or opened before (its parse kept by a second process first). The
bench keeps parses in a folder of its own, not the user's.

    python bench/cli_bench.py --n 50000 --keep /tmp/s50      # makes /tmp/s50/session.toml
    python bench/open_bench.py /tmp/s50/session.toml [--lists beside|here]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _clock() -> tuple[float, float]:
    return time.process_time(), time.perf_counter()


LISTS = "auto"  # --lists
LISTS_LATER = True  # --lists-first: read the lists before the app starts
KEPT = False  # --kept: the file's parse was kept by an earlier save or open


def _children_cpu() -> float:
    """CPU seconds of the child processes that have ended (open_saved re-reads a big list in one)."""
    import resource

    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _since(start: tuple[float, float]) -> str:
    cpu, wall = _clock()
    return f"{cpu - start[0]:6.2f} s CPU  ({wall - start[1]:6.2f} s wall)"


async def app_run(path: Path, start: tuple[float, float]) -> list[str]:
    """Open the session as `acctmap PATH` does; return the report lines."""
    from acctmap_tui.app import AcctmapApp
    from acctmap_tui.core import bulk
    from acctmap_tui.core import start as start_mod
    from acctmap_tui.core.workbench import PendingSave
    from acctmap_tui.screens import review

    lines: list[str] = [f"  imports (app, core)                  {_since(start)}"]
    if LISTS != "auto":
        bulk.spare_core = lambda: LISTS == "beside"  # type: ignore[assignment]
    children = _children_cpu()
    workbench = start_mod.open_saved(path, lists_later=LISTS_LATER)  # as `acctmap PATH` does
    lines.append(f"  start.open_saved ({'the session' if LISTS_LATER else 'session + lists'})"
                 f"{' ' * (14 if LISTS_LATER else 10)}{_since(start)}  "
                 f"+ {_children_cpu() - children:.2f} s CPU in a second process")
    frames: list[tuple[float, float, object]] = []
    app = AcctmapApp(workbench, sessions_dir=path.parent, autosave_delay=3600)
    display = app._display

    def timed_display(screen, renderable) -> None:
        display(screen, renderable)
        if renderable is not None:
            frames.append((*_clock(), screen))

    app._display = timed_display  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        while not frames:
            await pilot.pause(0.01)
        cpu, wall, screen = frames[0]
        lines.append(f"open{', parse kept' if KEPT else ''}: first frame ({type(screen).__name__})    "
                     f"{cpu - start[0]:6.2f} s CPU  ({wall - start[1]:6.2f} s wall)  [goal < 2 s]")
        while workbench.lists_pending:
            await pilot.pause(0.01)
        if LISTS_LATER:
            lines.append(f"  lists re-read after the first frame  {_since(start)}")
        if workbench.lists_note:
            lines.append(f"  lists not loaded: {workbench.lists_note}")
        key = _clock()
        await pilot.press("2")
        table = None
        for _ in range(2000):
            await pilot.pause(0.01)
            if isinstance(app.screen, review.ReviewScreen):
                table = app.screen.query_one(review.ReviewTable)
                if table.row_count and any(s is app.screen for _, _, s in frames[-1:]):
                    break
        shown = frames[-1]
        lines.append(f"review table: key 2 -> rows painted   {shown[0] - key[0]:6.2f} s CPU  "
                     f"({shown[1] - key[1]:6.2f} s wall; {table.row_count if table else 0:,} rows)")
        # the clock stops when the file is written (in the save's worker): Pilot's own waits for
        # an idle process after a key press are not counted (a thread working makes them last)
        written: list[tuple[float, float]] = []
        write = PendingSave.write

        def timed_write(pending, *args):
            path = write(pending, *args)
            written.append(_clock())
            return path

        PendingSave.write = timed_write  # type: ignore[method-assign]

        def save_took(key: tuple[float, float]) -> str:
            cpu, wall = written[-1]
            return f"{cpu - key[0]:6.2f} s CPU  ({wall - key[1]:6.2f} s wall)"

        account = workbench.session.accounts[0]
        workbench.set_field(account, "next_action", "Bench: call back")
        await pilot.pause()
        key = _clock()
        profile = None
        if os.environ.get("OPEN_BENCH_PROFILE"):
            import cProfile

            profile = cProfile.Profile()
            profile.enable()
        await pilot.press("ctrl+s")
        await pilot.pause()
        await app.wait_for_save()
        if profile is not None:
            profile.disable()
            profile.dump_stats(os.environ["OPEN_BENCH_PROFILE"])
        lines.append(f"ctrl+s: key -> file written           {save_took(key)}  [goal < 1 s]")
        # a call saves again and again (and autosaves): each later save rewrites only what changed
        workbench.set_field(workbench.session.accounts[-1], "next_action", "Bench: send the deck")
        await pilot.pause()
        key = _clock()
        await pilot.press("ctrl+s")
        await pilot.pause()
        await app.wait_for_save()
        lines.append(f"ctrl+s again after another edit       {save_took(key)}  [goal < 1 s]")
        PendingSave.write = write  # type: ignore[method-assign]
    return lines


def parts(path: Path, copy: Path) -> list[str]:
    """The parts of opening and saving, each timed alone in this process."""
    import tomli

    from acctmap_tui.core import parse_cache
    from acctmap_tui.core import session as session_io
    from acctmap_tui.core import start as start_mod

    parse_cache.settle()  # the ctrl+s above started one: not beside the parts
    lines = []
    text = path.read_text(encoding="utf-8")
    t = _clock()
    tomli.loads(text)
    lines.append(f"  tomli.loads alone (the floor)       {_since(t)}")
    kept = os.environ["ACCTMAP_CACHE_DIR"]
    os.environ["ACCTMAP_CACHE_DIR"] = "off"
    t = _clock()
    session_io.load(path)
    lines.append(f"  session.load, parse not kept        {_since(t)}")
    os.environ["ACCTMAP_CACHE_DIR"] = kept
    t = _clock()
    session = session_io.load(path)  # the app's save kept its parse
    lines.append(f"  session.load, parse kept            {_since(t)}")
    t = _clock()
    start_mod.reload_sources(session)
    lines.append(f"  re-reading the two source lists     {_since(t)}")
    t = _clock()
    snap = session_io.snapshot(session, copy)
    lines.append(f"  session.snapshot (ctrl+s, UI thread) {_since(t)}")
    steps, longest = 0, 0.0
    t = _clock()
    for _ in session_io.snapshot_in_steps(session, copy):  # the autosave's: keys run between steps
        took = time.perf_counter() - t[1]
        steps += 1
        longest = max(longest, took)
        t = _clock()
    lines.append(f"  autosave snapshot (UI thread)       {steps} steps of {session_io.SNAPSHOT_STEP:,} "
                 f"accounts, the longest {longest * 1000:.0f} ms wall (keys wait at most that)")
    t = _clock()
    snap.to_bytes()
    lines.append(f"  snapshot.to_bytes (ctrl+s, worker)   {_since(t)}")
    t = _clock()
    session_io.save(session, copy)
    lines.append(f"  session.save                        {_since(t)}  "
                 f"({copy.stat().st_size / 2**20:.1f} MiB)")
    return lines


def keep_session(path: Path) -> None:
    """Keep `path`'s session as the second process of an acctmap save or open does (in the cache
    folder ACCTMAP_CACHE_DIR names)."""
    subprocess.run([sys.executable, "-P", "-c", "import sys, pathlib\n"
                    "from acctmap_tui.core.parse_cache import _key, fill\n"
                    "fill(sys.argv[1], _key(pathlib.Path(sys.argv[1]).read_bytes()))",
                    os.path.realpath(path)], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("session", type=Path, help="a saved session (see bench/cli_bench.py --keep)")
    parser.add_argument("--lists", choices=("auto", "beside", "here"), default="auto",
                        help="re-read big lists in a second process beside the session (beside), "
                             "in this process after it (here), or as open_saved decides from the "
                             "load average (auto)")
    parser.add_argument("--lists-first", action="store_true",
                        help="read the lists before the app starts, not after its first frame")
    parser.add_argument("--kept", action="store_true",
                        help="open it as a session acctmap saved or opened before: its parse kept")
    args = parser.parse_args()
    global LISTS, LISTS_LATER, KEPT
    LISTS = args.lists
    LISTS_LATER = not args.lists_first
    KEPT = args.kept
    work = Path(tempfile.mkdtemp())
    os.environ["ACCTMAP_CACHE_DIR"] = str(work / "parsed")  # not the user's cache folder
    try:
        # the app saves over the file it opened: work on a copy beside the original (relative
        # source paths still resolve)
        path = args.session.with_name(f"bench-open-{os.getpid()}.toml")
        shutil.copyfile(args.session, path)
        try:
            if KEPT:  # before the clock starts
                keep_session(path)
            start = _clock()
            load = os.getloadavg()[0]
            lines = asyncio.run(app_run(path, start))
            lines.append("parts, each alone (same process, same file):")
            lines.extend(parts(path, work / "copy.toml"))
        finally:
            path.unlink(missing_ok=True)
            for leftover in path.parent.glob(f".{path.stem}*"):
                leftover.unlink(missing_ok=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{args.session} ({args.session.stat().st_size / 2**20:.1f} MiB); load average {load:.1f} "
          f"before, {os.getloadavg()[0]:.1f} after, on {os.cpu_count()} cores")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
