"""Whole process: `acctmap SESSION.toml` started in a real terminal until its first screen shows.

What a user waits for: the shell starting the command (interpreter, imports, the CLI), the
session read, the app's start and its first frame on the terminal. The command runs in tmux at
120x40; the clock runs from just before `tmux new` to the first capture of the pane that shows
the agenda header's counts ("review N"), polled every 20 ms. A hello-world Textual app timed the
same way gives the floor of the method (tmux, the interpreter, Textual's start).

Each round opens the file both ways, alternating: as acctmap saved or opened it before (its
session kept, core.parse_cache; the bench keeps it in a folder of its own first) and as a file
acctmap never saw (a colleague's copy, a hand edit: ACCTMAP_CACHE_DIR=off).

acctmap is byte-compiled first, as `pip install .` (the README's first command) does: an
editable checkout run where PYTHONDONTWRITEBYTECODE is set would otherwise compile its sources
in every process, which no user's install does.

    python bench/cli_bench.py --n 50000 --keep /tmp/s50 --no-app   # makes /tmp/s50/session.toml
    python bench/terminal_open_bench.py /tmp/s50/session.toml --rounds 3
"""

from __future__ import annotations

import argparse
import compileall
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.open_bench import keep_session  # noqa: E402

SHOWN = re.compile(r"review \d")  # the agenda header's counts: the session is on screen
HELLO = "from textual.app import App\nfrom textual.widgets import Static\n" \
        "class Hello(App):\n    def compose(self):\n        yield Static('review 0')\nHello().run()\n"


def byte_compile() -> None:
    """Compile acctmap's modules to __pycache__, as pip does when it installs a package."""
    import acctmap_tui

    compileall.compile_dir(Path(acctmap_tui.__file__).parent, quiet=1)


def shown_after(command: str, cwd: Path, timeout: float = 60.0) -> float:
    """Seconds from starting `command` in a new tmux session (120x40) to SHOWN on its screen."""
    subprocess.run(["tmux", "kill-session", "-t", "acctmap-bench"], capture_output=True)
    start = time.perf_counter()
    subprocess.run(["tmux", "new-session", "-d", "-s", "acctmap-bench", "-x", "120", "-y", "40",
                    "-c", str(cwd), f"{command}; sleep 600"], check=True)
    try:
        while time.perf_counter() - start < timeout:
            pane = subprocess.run(["tmux", "capture-pane", "-p", "-t", "acctmap-bench"],
                                  capture_output=True, text=True).stdout
            if SHOWN.search(pane):
                return time.perf_counter() - start
            time.sleep(0.02)
        sys.exit(f"nothing shown after {timeout:.0f} s; the pane:\n{pane}")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", "acctmap-bench"], capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("session", type=Path, help="a saved session (see bench/cli_bench.py --keep)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        sys.exit("tmux is needed (the app is timed in a real terminal)")
    byte_compile()
    acctmap = shutil.which("acctmap", path=str(Path(sys.executable).parent)) or "acctmap"
    work = Path(tempfile.mkdtemp())
    cache = work / "parsed"
    # acctmap may save over the file it opened: a copy beside the original (its lists resolve)
    path = args.session.with_name(f"bench-terminal-{os.getpid()}.toml")
    shutil.copyfile(args.session, path)
    hello = work / "hello.py"
    hello.write_text(HELLO, encoding="utf-8")
    os.environ["ACCTMAP_CACHE_DIR"] = str(cache)
    figures: dict[str, list[float]] = {"kept": [], "not kept": [], "hello-world Textual app": []}
    load = os.getloadavg()[0]
    try:
        keep_session(path)
        if not any(cache.glob("*.parsed")):
            sys.exit("the session was not kept (is it under 4 MB?)")
        run = f"{shlex.quote(acctmap)} {shlex.quote(path.name)}"
        for _ in range(args.rounds):
            figures["kept"].append(shown_after(f"ACCTMAP_CACHE_DIR={shlex.quote(str(cache))} {run}",
                                               path.parent))
            figures["not kept"].append(shown_after(f"ACCTMAP_CACHE_DIR=off {run}", path.parent))
            figures["hello-world Textual app"].append(
                shown_after(f"{shlex.quote(sys.executable)} {shlex.quote(str(hello))}", work))
    finally:
        path.unlink(missing_ok=True)
        for leftover in path.parent.glob(f".{path.stem}*"):
            leftover.unlink(missing_ok=True)
        shutil.rmtree(work, ignore_errors=True)
    print(f"{args.session} ({args.session.stat().st_size / 2**20:.1f} MiB), {args.rounds} rounds, "
          f"load average {load:.1f} before, {os.getloadavg()[0]:.1f} after, {os.cpu_count()} cores")
    for label, seconds in figures.items():
        print(f"  {label:24s} {min(seconds):5.2f} - {max(seconds):5.2f} s, median "
              f"{statistics.median(seconds):5.2f} s   ({', '.join(f'{s:.2f}' for s in seconds)})")


if __name__ == "__main__":
    main()
