"""How fast the Review & categorize screen answers on a 10,000-account session.

Builds a synthetic session (records and accounts made directly, like bench/tui_bench.py): N
candidate pairs (default 10,000), of which a few thousand wait in the review queue (a third of them
with one or two rival candidates for our record, so the diff pane lists other candidates), some are
rejected and the rest are auto-matched overlap. Opens the app headless at 120x40 and prints, for each user step:

- open: app start (on the review phase) -> first paint showing table rows; and switching to the
  screen for the first time with "2" from the ICP phase, and coming back to it later ("1" then "2");
- cursor down (20 single presses of "down", idle between): key -> first frame showing the cursor on
  the new row, and key -> first frame showing the new pair in the diff pane;
- cursor held down (20 presses 30 ms apart, a key repeat): key -> paint per press, and the time from
  the last press until the pane shows the pair under the cursor;
- accept ("a"), reject ("r") and undo ("u"), 10 presses each: key -> first frame showing the
  table's new rows, and key -> the pane showing the next pair;
- view switch ("v": queue -> overlap -> rejected -> queue): key -> first frame showing the new rows.

"handler" is the time spent in the screen's own code for the key (its actions, its SessionChanged
and cursor handlers, its table and pane updates), less the workbench calls it makes; for accept,
reject and undo the workbench edit itself and the app's listeners for the change (header counts,
autosave timer, messages) are shown apart: this screen does not own them. The rest of a key's wait
is Textual's: frames come at most 60 per second and the screen is laid out and painted.

Goals (the issue's bar): a key press repaints in < 50 ms, accept / reject well under 100 ms,
view switch < 200 ms.

    python bench/review_bench.py                      # 10,000 pairs, 3,000 in review
    python bench/review_bench.py --pairs 2000 --review 500
    python bench/review_bench.py --freeze-gc          # the same after gc.freeze() (see below)

Python's cyclic garbage collector pauses the process for 40-100 ms whenever it makes a full pass
over a session this big (a few hundred thousand objects); those pauses show as the "worst"
figures. `--freeze-gc` calls `gc.freeze()` once the session is built, which moves the session's
objects out of the collector's way: what the app would gain from doing the same after loading.
The figures are wall-clock: other processes on the machine inflate them (the load average is
printed at the start and the end).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import io
import os
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rich.console import Console  # noqa: E402

from acctmap_tui.core.categorize import apply_categories  # noqa: E402
from acctmap_tui.core.sharing import default_field_policy  # noqa: E402
from acctmap_tui.core.model import (  # noqa: E402
    AUTO, CHURNED, CUSTOMER, FLAG_CLOSE_CANDIDATES, FLAG_DIFFERENT_DOMAINS, FLAG_ONE_TO_MANY,
    OPEN_DEAL, OURS, PARTNER, PROSPECT, REJECTED, REVIEW,
    Account, AccountList, MatchInfo, Record, Session, Source,
)
from acctmap_tui.core.score import rescore  # noqa: E402
from acctmap_tui.core.workbench import Workbench  # noqa: E402

WORDS = ("Acme Blue Cobalt Delta Ever Fjord Granite Helios Iron Juniper Kestrel Lumen Martin North "
         "Orbital Pine Quartz River Summit Terra Umber Vale West Xeno Yarrow Zenith").split()
KINDS = ("Labs", "Systems", "Health", "Foods", "Logistics", "Media", "Robotics", "Payments", "Group")
STATUSES = (CUSTOMER, CUSTOMER, OPEN_DEAL, PROSPECT, PROSPECT, CHURNED)
COUNTRIES = (("US", "United States"), ("DE", "Germany"), ("FR", "France"), ("CA", "Canada"))
INDUSTRIES = ("Software", "Food & beverage", "Logistics", "Healthcare", "Media")


def synthetic_workbench(pairs: int = 10_000, review: int = 3_000, rejected: int = 200,
                        seed: int = 7) -> Workbench:
    """`pairs` candidate pairs: `review` in the queue (rivals included), `rejected`, the rest auto."""
    rng = random.Random(seed)
    ours: list[Record] = []
    theirs: list[Record] = []
    accounts: list[Account] = []

    def record(side_list: list[Record], name: str, domain: str, country: str, extra_key: str,
               industry_key: str, owner: str) -> Record:
        rec = Record(name=name, domain=domain, status=rng.choice(STATUSES),
                     raw_status="", owner=owner, raw_domain=f"www.{domain}",
                     name_key=name.casefold(), rows=[len(side_list) + 2],
                     extra={extra_key: country, industry_key: rng.choice(INDUSTRIES)})
        side_list.append(rec)
        return rec

    def ours_record(name: str, domain: str) -> Record:
        country = rng.choice(COUNTRIES)[0]
        return record(ours, name, domain, country, "Billing Country", "Industry", "Dana Reyes")

    def theirs_record(name: str, domain: str) -> Record:
        country = rng.choice(COUNTRIES)[1]
        return record(theirs, name, domain, country, "Country/Region", "Vertical", "Tom Becker")

    i = 0
    queued = 0
    while queued < review:  # name matches waiting for a person, some with rival candidates
        name = f"{rng.choice(WORDS)} {rng.choice(WORDS)} {rng.choice(KINDS)} {i}"
        mine = ours_record(name, f"{name.split()[0].lower()}{i}.com")
        score = rng.uniform(82, 94)
        rivals = rng.choice((0, 0, 1, 2))
        flags = [FLAG_DIFFERENT_DOMAINS]
        if rivals:
            flags += [FLAG_CLOSE_CANDIDATES, FLAG_ONE_TO_MANY]
        for r in range(rivals + 1):
            other = theirs_record(f"{name} {'Inc' if r == 0 else f'Holdings {r}'}",
                                  f"{name.split()[1].lower()}{i}-{r}.io")
            accounts.append(Account(mine, other, MatchInfo("name", round(score - r * 1.5, 1),
                                                           REVIEW, list(flags))))
            queued += 1
        i += 1
    for n in range(rejected):
        name = f"{rng.choice(WORDS)} {rng.choice(KINDS)} {i}"
        accounts.append(Account(ours_record(name, f"r{i}.com"),
                                theirs_record(name + " AG", f"r{i}.de"),
                                MatchInfo("name", 81.0, REJECTED, [FLAG_DIFFERENT_DOMAINS])))
        i += 1
    while len(accounts) < pairs:  # the clear overlap: same registrable domain
        name = f"{rng.choice(WORDS)} {rng.choice(WORDS)} {rng.choice(KINDS)} {i}"
        domain = f"{name.split()[0].lower()}{i}.com"
        accounts.append(Account(ours_record(name, domain), theirs_record(name + " Inc", domain),
                                MatchInfo("domain", 100.0, AUTO)))
        i += 1
    # Unmatched records too, as a real list has (the pair dialog searches them).
    for n in range(pairs // 2):
        ours_record(f"{rng.choice(WORDS)} Unmatched {n}", f"u{n}.com")
        theirs_record(f"{rng.choice(WORDS)} Lonely {n}", f"l{n}.net")

    lists = [AccountList(OURS, "Northwind", "ours.csv", rows_read=len(ours), records=ours,
                         columns={"name": "Account Name", "domain": "Website", "status": "Type",
                                  "owner": "Account Owner"}),
             AccountList(PARTNER, "Globex", "theirs.csv", rows_read=len(theirs), records=theirs,
                         columns={"name": "Company name", "domain": "Domain", "status": "Stage",
                                  "owner": "Owner"})]
    sources = [Source(lst.side, lst.company, lst.path, rows=len(lst.records),
                      accounts=len(lst.records), columns=dict(lst.columns)) for lst in lists]
    session = Session(ours="Northwind", partner="Globex", date=date(2026, 11, 25),
                      accounts=accounts, sources=sources)
    session.fields = default_field_policy(session)
    apply_categories(session)
    rescore(session)
    return Workbench(session, lists[0], lists[1])


class Probe:
    """Timestamps of painted frames, of review-table lines and diff-pane renders, and of handlers.

    The hooks are installed once (`install_hooks`); they report to the probe attached last.
    """

    # Screen methods that run for the keys measured; each is timed when the screen has it.
    SCREEN_METHODS = ("action_accept", "action_reject", "action_undo", "action_next_view",
                      "action_cursor", "on_session_changed", "sync", "on_screen_resume", "_row_highlighted",
                      "_view_changed", "_cursor_moved", "refresh_rows", "_show_current")
    WORKBENCH_METHODS = ("accept", "reject", "undo")
    active: Probe | None = None

    def __init__(self) -> None:
        self.paints: list[float] = []
        self.table_lines: list[float] = []
        self.pane_renders: list[float] = []
        self.pane_updates: list[float] = []  # when a diff-pane section got new content
        self.calls: list[tuple[str, float, float]] = []  # (what, start, end)

    def attach(self, app) -> None:
        """Report this app's frames and its workbench's listeners (the header, messages)."""
        Probe.active = self
        display = app._display

        def timed_display(screen, renderable) -> None:
            display(screen, renderable)
            if renderable is not None:
                self.paints.append(time.perf_counter())

        app._display = timed_display
        app.workbench.on_change = _timed("listeners", app.workbench.on_change)

    @staticmethod
    def install_hooks() -> None:
        from textual.widget import Widget
        from textual.widgets import DataTable, Static

        from acctmap_tui.core.workbench import Workbench
        from acctmap_tui.screens import review
        from acctmap_tui.widgets.diff_pane import DiffPane

        line = DataTable.render_line

        def timed_line(table, y: int):
            if table.id == "review-table" and Probe.active:
                Probe.active.table_lines.append(time.perf_counter())
            return line(table, y)

        DataTable.render_line = timed_line  # type: ignore[method-assign]

        lines = Widget.render_lines

        def timed_lines(widget, crop):
            in_pane = isinstance(widget, DiffPane) or isinstance(widget.parent, DiffPane)
            if Probe.active and in_pane:
                Probe.active.pane_renders.append(time.perf_counter())
            return lines(widget, crop)

        Widget.render_lines = timed_lines  # type: ignore[method-assign]

        update = Static.update

        def timed_update(static, *args, **kwargs):
            if Probe.active and isinstance(static.parent, DiffPane):
                Probe.active.pane_updates.append(time.perf_counter())
            return update(static, *args, **kwargs)

        Static.update = timed_update  # type: ignore[method-assign]

        cls = review.ReviewScreen
        for name in Probe.SCREEN_METHODS:
            if name in cls.__dict__:
                setattr(cls, name, _timed("screen", cls.__dict__[name]))
        for name in Probe.WORKBENCH_METHODS:
            setattr(Workbench, name, _timed("workbench", getattr(Workbench, name)))

    def first_paint_after(self, marks: list[float], t0: float) -> float | None:
        """The first frame painted after the first mark at or after t0 (ms after t0)."""
        drawn = next((m for m in marks if m >= t0), None)
        if drawn is None:
            return None
        shown = next((p for p in self.paints if p >= drawn), None)
        return None if shown is None else (shown - t0) * 1000

    def pane_shown(self, t0: float) -> float | None:
        """The first frame showing the pane's last new content since t0 (ms after t0)."""
        updates = [u for u in self.pane_updates if u >= t0]
        if not updates:
            return None
        after_update = self.first_paint_after(self.pane_renders, updates[-1])
        return None if after_update is None else after_update + (updates[-1] - t0) * 1000

    def _spent(self, what: str, t0: float, t1: float) -> float:
        """Time in calls of one kind between t0 and t1, nested calls counted once (ms)."""
        spans = sorted((s, e) for kind, s, e in self.calls if kind == what and s >= t0 and e <= t1)
        total, reach = 0.0, 0.0
        for s, e in spans:
            if e <= reach:
                continue
            total += e - max(s, reach)
            reach = e
        return total * 1000

    def handler_ms(self, t0: float, t1: float) -> float:
        """The screen's own code: its methods, less the workbench calls they make."""
        return self._spent("screen", t0, t1) - self._spent("workbench", t0, t1)

    def workbench_ms(self, t0: float, t1: float) -> float:
        """The workbench's edit itself, less the listeners it calls."""
        return self._spent("workbench", t0, t1) - self._spent("listeners", t0, t1)

    def listeners_ms(self, t0: float, t1: float) -> float:
        """The app's listeners for a change: header counts, autosave timer, messages."""
        return self._spent("listeners", t0, t1)


def _timed(what: str, func: Callable) -> Callable:
    """`func`, reporting its calls to the active probe as `what`."""

    def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            if Probe.active is not None:
                Probe.active.calls.append((what, start, time.perf_counter()))

    timed.__name__ = getattr(func, "__name__", what)
    timed.__wrapped__ = func  # type: ignore[attr-defined]
    return timed


def med(values: list[float | None]) -> str:
    got = [v for v in values if v is not None]
    return f"{statistics.median(got):6.1f} ms" if got else "   n/a   "


def worst(values: list[float | None]) -> str:
    got = [v for v in values if v is not None]
    return f"{max(got):6.1f} ms" if got else "n/a"


def pane_text(screen) -> str:
    """The plain text of the diff pane's field table (wide console: no wrapping)."""
    console = Console(width=300, record=True, file=io.StringIO())
    console.print(screen.query_one("#diff-fields").content)
    return console.export_text()


async def settle(pilot, probe: Probe, quiet: float = 0.12, limit: float = 3.0) -> None:
    """Wait until nothing has been painted for `quiet` seconds (delayed redraws included)."""
    start = time.perf_counter()
    await pilot.pause()
    while time.perf_counter() - start < limit:
        last = probe.paints[-1] if probe.paints else 0.0
        if time.perf_counter() - last >= quiet:
            return
        await asyncio.sleep(quiet / 3)
        await pilot.pause()


async def run(pairs: int, review: int, presses: int, freeze_gc: bool) -> None:
    from acctmap_tui.app import AcctmapApp
    from acctmap_tui.screens.review import ReviewScreen

    print(f"load average at start: {os.getloadavg()[0]:.2f} ({os.cpu_count()} CPUs)")
    built = time.perf_counter()
    workbench = synthetic_workbench(pairs, review)
    queue = sum(1 for a in workbench.session.accounts if a.match.decision == REVIEW)
    print(f"synthetic session: {len(workbench.session.accounts):,} candidate pairs, {queue:,} in "
          f"review, built in {time.perf_counter() - built:.2f} s")
    if freeze_gc:
        gc.collect()
        gc.freeze()
        print(f"gc.freeze(): {gc.get_freeze_count():,} objects moved out of the collector's way")

    Probe.install_hooks()
    probe = Probe()

    # 1. Open straight on the review phase.
    workbench.session.agenda.current = "review"
    start = time.perf_counter()
    app = AcctmapApp(workbench, sessions_dir=Path(tempfile.mkdtemp()), autosave_delay=3600)
    probe.attach(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, probe)
        assert isinstance(app.screen, ReviewScreen), app.screen
        opened = probe.first_paint_after(probe.table_lines, start)
        print(f"open on review: {opened / 1000 if opened else float('nan'):.2f} s from app start "
              f"to first paint with rows ({app.screen.table.row_count:,} rows in the queue view)")

    # 2. The rest in one app started on the ICP phase, as a call runs.
    probe = Probe()
    workbench.session.agenda.current = "icp"
    app = AcctmapApp(workbench, sessions_dir=Path(tempfile.mkdtemp()), autosave_delay=3600)
    probe.attach(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, probe)
        t0 = time.perf_counter()
        await pilot.press("2")
        await settle(pilot, probe)
        screen = app.screen
        assert isinstance(screen, ReviewScreen), screen
        first = probe.first_paint_after(probe.table_lines, t0)
        print(f"switch to review (\"2\", first time: screen built): key -> paint with rows "
              f"{first:.0f} ms; handler {probe.handler_ms(t0, time.perf_counter()):.0f} ms "
              "[goal < 200 ms]")
        backs: list[float | None] = []
        back_handlers: list[float | None] = []
        for _ in range(5):
            await pilot.press("1")
            await settle(pilot, probe)
            t0 = time.perf_counter()
            await pilot.press("2")
            await settle(pilot, probe)
            backs.append(probe.first_paint_after(probe.table_lines, t0))
            back_handlers.append(probe.handler_ms(t0, time.perf_counter()))
        print(f"back to review (\"1\" then \"2\", 5 times): key -> paint median {med(backs)}; "
              f"handler median {med(back_handlers)} [goal < 200 ms]")

        table = screen.table

        async def single(key: str, count: int, before_each=None) -> dict[str, list]:
            out: dict[str, list] = defaultdict(list)
            for _ in range(count):
                if before_each is not None:
                    await before_each()
                await settle(pilot, probe)
                t0 = time.perf_counter()
                await pilot.press(key)
                await settle(pilot, probe)
                t1 = time.perf_counter()
                out["table"].append(probe.first_paint_after(probe.table_lines, t0))
                out["pane"].append(probe.pane_shown(t0))
                out["handler"].append(probe.handler_ms(t0, t1))
                out["workbench"].append(probe.workbench_ms(t0, t1))
                out["listeners"].append(probe.listeners_ms(t0, t1))
            return out

        def report(title: str, got: dict[str, list], goal: str, workbench_too: bool = False) -> None:
            print(title)
            print(f"  key -> paint (table)   median {med(got['table'])}  worst {worst(got['table'])}"
                  f"  [goal {goal}]")
            print(f"  key -> paint (pane)    median {med(got['pane'])}  worst {worst(got['pane'])}"
                  "  (the diff pane showing the new pair)")
            print(f"  handler (this screen)  median {med(got['handler'])}  worst "
                  f"{worst(got['handler'])}")
            if workbench_too:
                print(f"  not this screen: workbench median {med(got['workbench'])}, app listeners "
                      f"(header counts...) median {med(got['listeners'])}")

        # Cursor: start on the queue's first row.
        table.move_cursor(row=0)
        await settle(pilot, probe)
        report(f"cursor down, {presses} single presses (queue view):",
               await single("down", presses), "< 50 ms")

        # Held key: presses 30 ms apart.
        await settle(pilot, probe)
        per_key: list[float | None] = []
        t_first = time.perf_counter()
        stamps = []
        for _ in range(presses):
            t0 = time.perf_counter()
            stamps.append(t0)
            await pilot.press("down")
            spent = time.perf_counter() - t0
            await asyncio.sleep(max(0.0, 0.03 - spent))
        t_last = stamps[-1]
        await settle(pilot, probe)
        for t0 in stamps:
            per_key.append(probe.first_paint_after(probe.table_lines, t0))
        settled = probe.pane_shown(t_last)
        print(f"cursor held down, {presses} presses 30 ms apart (key repeat):")
        print(f"  key -> paint (table)   median {med(per_key)}  worst {worst(per_key)}")
        print(f"  last key -> pane shows the row under the cursor: "
              f"{settled if settled is not None else float('nan'):.1f} ms; handler total "
              f"{probe.handler_ms(t_first, time.perf_counter()):.0f} ms for {presses} keys")
        account = screen.current()
        assert account is not None and account.theirs.name in pane_text(screen), "pane out of date"

        table.move_cursor(row=0)
        report(f"accept (\"a\"), {presses // 2} presses (row leaves the queue, cursor moves on):",
               await single("a", presses // 2), "< 100 ms", workbench_too=True)
        report(f"reject (\"r\"), {presses // 2} presses:",
               await single("r", presses // 2), "< 100 ms", workbench_too=True)

        got = await single("u", presses // 2)
        report(f"undo (\"u\"), {presses // 2} presses (the rejected pair comes back):", got,
               "< 100 ms", workbench_too=True)

        views: dict[str, list] = defaultdict(list)
        names = []
        for _ in range(3):
            await settle(pilot, probe)
            t0 = time.perf_counter()
            await pilot.press("v")
            await settle(pilot, probe)
            t1 = time.perf_counter()
            names.append(f"{screen.view} ({table.row_count:,} rows)")
            views["table"].append(probe.first_paint_after(probe.table_lines, t0))
            views["pane"].append(probe.pane_shown(t0))
            views["handler"].append(probe.handler_ms(t0, t1))
        print("view switch (\"v\"): " + " -> ".join(names))
        for i, name in enumerate(names):
            print(f"  to {name:28} key -> paint {views['table'][i] or float('nan'):6.1f} ms, "
                  f"pane {views['pane'][i] or float('nan'):6.1f} ms, handler "
                  f"{views['handler'][i]:6.1f} ms  [goal < 200 ms]")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=10_000)
    parser.add_argument("--review", type=int, default=3_000)
    parser.add_argument("--presses", type=int, default=20)
    parser.add_argument("--freeze-gc", action="store_true",
                        help="gc.freeze() after building the session")
    args = parser.parse_args()
    asyncio.run(run(args.pairs, args.review, args.presses, args.freeze_gc))
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
