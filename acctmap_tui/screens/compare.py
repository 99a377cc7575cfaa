"""Compare screen: this session against an earlier one of the partnership.

"What changed since last time, and did we do what we said?" Top: the headline figures side by side
(then | now | change) and the overlap per category over the saved sessions. Below: the accounts
that are new, gone or changed, or (filter "actions") last session's next actions with what became
of them. Enter opens one account with its fields then and now and its history.
"""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path

from rich.measure import Measurement
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Static
from textual.widgets.data_table import CellDoesNotExist, RowDoesNotExist

from acctmap_tui.core.compare import (
    ACTION_GONE, ACTION_STATES, ACTIONS_DONE, ACTIONS_OPEN, ACTIONS_OVERDUE, ACTIVATION, CHANGED,
    DONE, DROPPED, GONE, KINDS, NEW, OPEN, OVERDUE, AccountDiff, ActionReview, HistoryPoint,
    SessionDiff, bar, both_shareable, compared_shows, hint_shown, history, number, period_labels,
    shown_identity, signed,
)
from acctmap_tui.core.categorize import format_rate
from acctmap_tui.core.model import CATEGORIES, Session
from acctmap_tui.core.score import neutral_key
from acctmap_tui.core.session import SessionInfo
from acctmap_tui.core.sharing import Shows
from acctmap_tui.core.workbench import Change, ChangeKind, Workbench
from acctmap_tui.screens.base import PhaseScreen
from acctmap_tui.screens.compare_account import (
    KIND_LABEL, PRIVATE, CompareAccountScreen, category_code,
)
from acctmap_tui.screens.compare_pick import (
    ComparePick, ComparePickScreen, short_title, started_from,
)
from acctmap_tui.commands import ScreenCommands
from acctmap_tui.views.compare import FILTERS, CompareView
from acctmap_tui.widgets.agenda_header import AgendaFooter, AgendaHeader

FILTER_TITLE = {
    "all": "All changes", "new": "New in the overlap", "gone": "Gone from the overlap",
    "changed": "Changed", "actions": "Last session's actions",
}
STATE_LABEL = {
    DONE: "✓ done", OPEN: "· open", OVERDUE: "! overdue", DROPPED: "x dropped",
    ACTION_GONE: "- gone",
}
MAX_HISTORY = 6  # sessions shown in the small chart at most (the newest that fit beside the summary)
WIDE = 116  # screen width from which the summary spells out category labels
NARROW_BELOW = 100  # screen width under which the chart gives way and the summary splits in two
NARROW_METRIC = {  # the summary's metric names in two halves below 100 columns
    "Overlap total": "Overlap", "Overlap rate, our list": "Rate, ours",
    "Overlap rate, partner list": "Rate, theirs", "Activation rate": "Activated",
    ACTIONS_DONE: "Last: done", ACTIONS_OPEN: "Last: open", ACTIONS_OVERDUE: "Last: overdue",
}
BAR_WIDTH = 4  # cells of the history chart's longest bar


class CompareScreen(PhaseScreen):
    """This session against a prior one: summary, history chart, changed accounts, actions."""

    HEADER_LABEL = "Compare"
    HELP_TITLE = HEADER_LABEL  # help (?) says the screen's name, as each phase's does
    AUTO_FOCUS = "#compare-table"  # the table, so letter and digit keys act at once (never a filter box)

    COMMANDS = {ScreenCommands}
    PALETTE = (  # (title, help, action, parameters) for the command palette
        ("Compare: choose the earlier session", "Pick a saved session to compare with", "choose",
         ()),
        ("Compare: show all changes", "New, gone and changed accounts", "set_filter", ("all",)),
        ("Compare: show new accounts", "Accounts new in the overlap", "set_filter", ("new",)),
        ("Compare: show gone accounts", "Accounts gone from the overlap", "set_filter",
         ("gone",)),
        ("Compare: show changed accounts", "Accounts whose fields changed", "set_filter",
         ("changed",)),
        ("Compare: show last session's actions", "What became of the actions agreed last time",
         "set_filter", ("actions",)),
        ("Compare: back to the call", "The agenda phase the call is in", "back", ()),
    )
    BINDINGS = [
        Binding("c", "choose", "Choose earlier"),
        Binding("f", "cycle_filter", "Filter"),
        Binding("a", "toggle_actions", "Actions"),
        # priority: the table's own enter binding would take it. Enter and esc are not in the
        # footer (80 columns): help (?) lists them.
        Binding("enter", "open", "Open account", priority=True, show=False),
        Binding("escape", "back", "Back", show=False),
    ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.view = CompareView(compared_shows(self.shows))
        self._both: tuple[Session, Session, int, Shows] | None = None  # `shows`' policies, made once
        self._drawn_share_safe = False  # the share-safe view last drawn
        self._workbench: object | None = None  # the workbench the prior was chosen for
        self._asked = False

    # --- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield AgendaHeader()
        with Vertical(id="compare-body"):
            yield Static("", id="compare-title")
            with Horizontal(id="compare-top"):
                yield Static("", id="compare-summary")
                yield Static("", id="compare-history")
            yield Static("", id="compare-caption")
            yield DataTable(id="compare-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="compare-empty")
        yield AgendaFooter()

    def on_mount(self) -> None:
        self.query_one("#compare-summary").border_title = "Summary"
        self.query_one("#compare-history").border_title = "Overlap by session"
        self._workbench = self.wb
        self.redraw()
        if not self._offer_picker():
            self.scan_sessions()

    def _offer_picker(self) -> bool:
        """On a visit with no earlier session chosen, once: compare with the session this one was
        started from (`Workbench.started_from`) where it is found, else open the picker by
        itself (c opens it either way)."""
        if self.prior is not None or self._asked or self.wb is None:
            return False
        self._asked = True
        self.call_after_refresh(self._choose_first)
        return True

    def _choose_first(self) -> None:
        if self.wb is not None and not isinstance(self.app.screen, ComparePickScreen):
            self.scan_sessions(open_picker=True, start_from=True)

    # --- state --------------------------------------------------------------------------------

    @property
    def wb(self) -> Workbench | None:
        return self.app.workbench

    @property
    def sessions_dir(self) -> Path:
        return Path(self.app.sessions_dir)

    @property
    def current(self) -> Session:
        assert self.wb is not None
        return self.wb.session

    @property
    def private(self) -> bool:
        return self.share_safe

    @property
    def prior(self) -> Session | None:
        return self.view.prior

    @property
    def prior_path(self) -> Path | None:
        return self.view.prior_path

    @property
    def force(self) -> bool:
        return self.view.force

    @property
    def diff(self) -> SessionDiff | None:
        return self.view.diff

    @property
    def filter(self) -> str:
        return self.view.filter

    @property
    def other_partner_hidden(self) -> bool:
        """A comparison with another partnership's session (compare anyway), kept off the screen
        in the share-safe view: its figures and accounts are that partnership's."""
        return self.force and self.share_safe

    @property
    def showing(self) -> bool:
        """A comparison is on screen."""
        return self.diff is not None and not self.other_partner_hidden

    def timeline(self) -> list[Session]:
        """Saved sessions of this partnership, the prior and the current one, oldest first."""
        return self.view.timeline(self.current, self.wb.path if self.wb else None,
                                  self.sessions_dir)

    def recompute(self) -> None:
        self.view.recompute(self.current if self.wb is not None else None)

    # --- reading the saved sessions (in a worker) ----------------------------------------------

    @work(thread=True, exclusive=True, group="compare-sessions", description="read sessions")
    def scan_sessions(self, open_picker: bool = False, start_from: bool = False) -> None:
        """Read the sessions folder off the UI thread (each file once per version); with
        `start_from`, find the session this one was started from there too."""
        infos = self.view.shelf.scan(self.sessions_dir)
        wb = self.wb
        first = (started_from(infos, self.view.shelf, wb.session, wb.started_from)
                 if start_from and wb is not None else None)
        self.app.call_from_thread(self._scanned, infos, open_picker, first)

    def _scanned(self, infos: list[SessionInfo], open_picker: bool,
                 first: ComparePick | None = None) -> None:
        if first is not None and self.prior is None and self.wb is not None:
            self._picked(first)  # the session started from: the picker stays one key away
            return
        if self.showing:
            self._draw_top()  # the history chart now has every saved session
        if not open_picker or self.wb is None or isinstance(self.app.screen, ComparePickScreen):
            return
        if self.app.screen is not self:
            # left meanwhile (a phase key typed right after 5): not over another screen; it is
            # offered again on the next visit
            self._asked = False
            return
        self.app.push_screen(
            ComparePickScreen(infos, self.view.shelf, self.current, self.wb.path,
                              self.prior_path, self.sessions_dir),
            self._picked,
        )

    # --- drawing ------------------------------------------------------------------------------

    def redraw(self) -> None:
        """Recompute the diff and redraw everything (a diff is fast; the table is small)."""
        wb = self.wb
        self.recompute()
        self._drawn_share_safe = self.share_safe
        if wb is not None:
            self.mark_drawn()
        has = self.showing
        self.refresh_bindings()  # the keys that act on a comparison come and go with it
        for wid in ("#compare-top", "#compare-caption", "#compare-table"):
            self.query_one(wid).display = has
        self.query_one("#compare-empty").display = not has
        self.query_one("#compare-title", Static).update(self._title())
        if wb is None:
            self.query_one("#compare-empty", Static).update("No session is open.")
            return
        if self.other_partner_hidden:
            self.query_one("#compare-empty", Static).update(
                "The earlier session chosen is of another partnership: hidden in the share-safe "
                "view.\n\nPress c to choose a session of this partnership, or p to leave the "
                "share-safe view."
            )
            return
        if not has:
            self.query_one("#compare-empty", Static).update(
                "No earlier session chosen.\n\nPress c to choose one of the sessions saved in "
                f"{self.sessions_dir}/ and see what changed since then: "
                "accounts new, gone or moved, and what became of the actions agreed last time."
            )
            return
        self._draw_top()
        self._fill_table()

    def _title(self) -> Text:
        text = Text()
        if self.prior is None or self.other_partner_hidden:
            text.append("Compare", style="bold")
            text.append(f"  {self.current.title or self.current.partner}: ")
            text.append("another partnership's session, hidden" if self.prior else
                        "no earlier session")
            return text
        text.append("Compare  ", style="bold")
        text.append(f"then {self.prior.date.isoformat()} ")
        then = self.prior.title or (self.prior_path.name if self.prior_path else "")
        text.append(short_title(then, self.prior.ours, self.prior.partner), style="italic")
        text.append(f"  ->  now {self.current.date.isoformat()} ")
        now = short_title(self.current.title, self.current.ours, self.current.partner)
        text.append(now, style="italic")
        if self.force:
            text.append(f"   OTHER PARTNER: {self.prior.ours} x {self.prior.partner}",
                        style="bold reverse")
        return text

    def _summary_rows(self) -> list[tuple[str, str, str, str]]:
        """(metric, then, now, change) as shown: category codes alone where the screen is narrow."""
        assert self.diff is not None and self.prior is not None
        codes = {c.label: c.code for c in CATEGORIES}
        wide = self._width() >= WIDE
        rows = []
        for metric, old, new, change in self.view.summary().rows:
            percent = metric.endswith("(%)")
            label = metric.removesuffix(" (%)")
            if label in codes:  # the code alone where the screen is narrow (as in the header)
                label = f"{codes[label]:<6} {label}" if wide else codes[label]
            rows.append((label, number(old, percent), number(new, percent),
                         signed(change, percent)))
        return rows

    def _summary(self, width: int | None = None) -> Table:
        """The summary table; within `width` cells the metric names are shortened, no figure."""
        rows = self._summary_rows()
        figures = [max(len(head), *(len(r[n]) for r in rows))
                   for n, head in enumerate(("Then", "Now", "Change"), start=1)]
        table = Table(box=None, header_style="bold", pad_edge=False, padding=(0, 0, 0, 2))
        table.add_column("Metric", no_wrap=True, overflow="ellipsis",
                         max_width=None if width is None else max(8, width - sum(figures) - 6))
        for head, figure in zip(("Then", "Now", "Change"), figures):
            table.add_column(head, justify="right", no_wrap=True, min_width=figure)
        for row in rows:
            table.add_row(*row)
        return table

    def _summary_in_two(self) -> Table:
        """Below 100 columns: the summary's rows in two halves side by side, metric names in
        short words, so the changed accounts keep the screen's height (every figure whole)."""
        rows = [(NARROW_METRIC.get(m, m), *rest) for m, *rest in self._summary_rows()]
        half = (len(rows) + 1) // 2
        table = Table(box=None, header_style="bold", pad_edge=False, padding=(0, 0, 0, 1))
        for n in range(2):
            table.add_column("Metric" if n == 0 else "", no_wrap=True)
            for head in ("Then", "Now", "Change"):
                table.add_column(head, justify="right", no_wrap=True)
        for left, right in zip(rows[:half], rows[half:] + [("", "", "", "")] * (2 * half - len(rows))):
            table.add_row(left[0], *left[1:], "  " + right[0], *right[1:])
        return table

    def _history(self, points: list[HistoryPoint], room: int) -> Table:
        """The newest sessions that fit in `room` cells (at least the last two), oldest first."""
        newest = points[-MAX_HISTORY:]
        for count in range(len(newest), 1, -1):
            table = self._history_table(newest[-count:])
            if _measure(self, table) <= room:
                break
        else:
            table = self._history_table(newest[-2:])
        shown = len(table.columns) - 1
        self.query_one("#compare-history").border_title = (
            "Overlap by session" if shown == len(points) else
            f"Overlap, last {shown} of {len(points)}")
        return table

    def _history_table(self, points: list[HistoryPoint]) -> Table:
        labels = period_labels([p.date for p in points])
        table = Table(box=None, header_style="bold", pad_edge=False, padding=(0, 0, 0, 1))
        table.add_column("", no_wrap=True)
        for label in labels:
            table.add_column(label, justify="right", no_wrap=True)
        # each session's figures by the summary's rule, as that session and this one share them
        # (`_session_shows`): a row where none may show is left out, else "(private)" cells
        categories = [c for c in CATEGORIES if any(c.label not in p.hidden for p in points)]
        top = max((p.per_category.get(c.key, 0) for p in points for c in categories
                   if c.label not in p.hidden), default=0)
        for cat in categories:
            table.add_row(cat.code, *(PRIVATE if cat.label in p.hidden else
                                      _bar_cell(p.per_category.get(cat.key, 0), top)
                                      for p in points))
        table.add_row("Total", *(str(p.overlap) for p in points), style="bold")
        if any(ACTIVATION not in p.hidden for p in points):
            table.add_row("Activation", *(PRIVATE if ACTIVATION in p.hidden else
                                          format_rate(p.activation / 100) for p in points))
        return table

    def _width(self) -> int:
        return self.size.width or self.app.size.width

    @property
    def _narrow(self) -> bool:
        return self._width() < NARROW_BELOW

    def on_resize(self) -> None:
        # Below 100 columns the "Overlap by session" chart has no room beside the summary (whose
        # then / now columns say the same for the two sessions compared): it is hidden.
        self.query_one("#compare-top").set_class(self._narrow, "-narrow")
        if self.showing:
            self._draw_top()
            # the columns follow the table's width (and the text wraps in them): once laid out
            self.call_after_refresh(self._fill_table)

    def _draw_top(self) -> None:
        box = self.query_one("#compare-summary", Static)
        box.styles.max_width = None
        if self._narrow:  # the chart is hidden (the -narrow class)
            box.update(self._summary_in_two())
            return
        summary = self._summary()
        # The chart gets the width the summary leaves (the body's padding, each box's border and
        # padding, the chart's margin): more sessions than fit would run past its border.
        room = self._width() - 2 - (_measure(self, summary) + 4) - 5
        chart = self._history(history(self.timeline(), self._session_shows), room)
        if _measure(self, chart) > room:  # the two newest always show, metric names give way
            width = self._width() - 2 - (_measure(self, chart) + 5) - 4
            summary = self._summary(width)
            box.styles.max_width = width + 4
        box.update(summary)
        self.query_one("#compare-history", Static).update(chart)

    def _fill_table(self) -> None:
        table = self.query_one("#compare-table", DataTable)
        keep = _cursor_key(table)
        table.clear(columns=True)
        # room for the cells: the table's width (or the screen's before the first layout), less
        # the scrollbar and one cell of padding each side of each column
        width = max((table.size.width or self._width() - 2) - 3, 40)
        caption = self.query_one("#compare-caption", Static)
        if self.filter == "actions":
            self._fill_actions(table, width)
        else:
            self._fill_accounts(table, width)
        caption.update(self._caption())
        if keep is not None:
            try:
                table.move_cursor(row=table.get_row_index(keep), animate=False)
            except RowDoesNotExist:  # the row is gone under this filter
                pass

    def _fill_accounts(self, table: DataTable, width: int) -> None:
        named = [(d, *shown_identity(d, self.shows)) for d in self.view.visible()]
        if not named:
            _say_in_table(table, width, "(no accounts of this kind)")
            return
        fixed = {"Change": 9, "Account": 16 if self._narrow else 22, "Category": 15}
        for label, w in fixed.items():
            table.add_column(label, width=w)
        room = max(20, width - sum(fixed.values()) - 2 * 4)
        table.add_column("What changed (then -> now)", width=room)
        # by what is shown within each kind (rows in a private name's order would hint at it)
        named.sort(key=lambda row: (KINDS.index(row[0].kind), *self._shown_order(*row)))
        for d, _, name in named:
            what = self._what_cell(d, room)
            name_lines = self._name_lines(name, fixed["Account"])
            table.add_row(Text(KIND_LABEL[d.kind], style="bold"), "\n".join(name_lines),
                          self._category(d), what, key=d.key,
                          height=max(1, len(what.plain.splitlines()), len(name_lines)))

    def _fill_actions(self, table: DataTable, width: int) -> None:
        if not self.view.actions_shown():
            _say_in_table(table, width,
                          "(last session's actions are private: hidden in the share-safe view)")
            return
        named = [(a, *self._action_account(a)) for a in self.view.actions()]
        if not named:
            _say_in_table(table, width, "(no next actions were agreed last time)")
            return
        owner, due, narrow = self._may_show("owner"), self._may_show("due"), self._narrow
        # below 100 columns the next action keeps room to be read (wrapped), not cut at the edge
        fixed = {"State": 11, "Account": 16 if narrow else 24} | (
            {"Owner": 12 if narrow else 18} if owner else {}) | ({"Due": 10} if due else {})
        rest = max(14 if narrow else 20, width - sum(fixed.values()) - 2 * (len(fixed) + 1))
        table.add_column("State", width=fixed["State"])
        table.add_column("Account", width=fixed["Account"])
        if owner:
            table.add_column("Owner", width=fixed["Owner"])
        table.add_column("Next action" if narrow else "Next action (agreed last time)", width=rest)
        if due:
            table.add_column("Due", width=fixed["Due"])
        named.sort(key=lambda row: (ACTION_STATES.index(row[0].state), row[0].due or date.max,
                                    *self._shown_order(*row[1:])))
        for a, _, _, name in named:
            name_lines = self._name_lines(name, fixed["Account"])
            lines = textwrap.wrap(a.next_action, rest) or [""]
            cells = [Text(STATE_LABEL.get(a.state, a.state), style="bold"), "\n".join(name_lines)]
            cells += [a.owner or "—"] if owner else []
            cells.append("\n".join(lines))
            cells += [a.due.isoformat() if a.due else "—"] if due else []
            table.add_row(*cells, key=a.key, height=max(len(lines), len(name_lines)))

    def _name_lines(self, name: str, width: int) -> list[str]:
        """An account's name in its cell: below 100 columns (16 cells) wrapped, to be read whole."""
        return (textwrap.wrap(name, width) or [""]) if self._narrow else [name]

    def _shown_order(self, d: AccountDiff | None, key: str, name: str) -> tuple[str, str, bytes]:
        """A row's place among rows alike: by the name shown, the key where it shows (`key` and
        `name`: the row's `shown_identity`), then `core.score.neutral_key` (the rule of every
        list by name: never the hidden names' or domains' order)."""
        account = None if d is None else d.new if d.new is not None else d.old
        neutral = neutral_key(account, self.current.session_id) if account is not None else b""
        return name.casefold(), key, neutral

    def _action_account(self, a: ActionReview) -> tuple[AccountDiff | None, str, str]:
        """The account of one of last session's actions, with the key and name the screen may
        show of it (`shown_identity`), each looked up once per row."""
        d = self.view.account(a.key)
        return (d, *shown_identity(d, self.shows))

    def _category(self, d: AccountDiff) -> str:
        if not self._may_show("category"):
            return PRIVATE
        old = d.old.category if d.old else None
        new = d.new.category if d.new else None
        if d.kind == NEW:
            return category_code(new)
        if d.kind == GONE:
            return category_code(old)
        if old != new:
            return f"{category_code(old)} -> {category_code(new)}"
        return category_code(new)

    def _may_show(self, field: str) -> bool:
        """A compared field (core.compare.FIELDS), by `shows`."""
        return self.view.shows(field)

    def shows(self, side: str, field: str) -> bool:
        """May this field be on screen now: in the share-safe view, only where both compared
        sessions' marks share it, the partner-safe diff's rule (`both_shareable`): the earlier
        session's private values stay private too. Without an earlier session, this one's."""
        if not self.share_safe or self.prior is None:
            return super().shows(side, field)
        return self._both_shareable()(side, field)

    def _both_shareable(self) -> Shows:
        """`both_shareable` of the prior and this session, made once per change of either (it is
        asked for every cell)."""
        assert self.prior is not None and self.wb is not None
        prior, current, revision = self.prior, self.current, self.wb.revision
        made = self._both
        if made is None or made[0] is not prior or made[1] is not current or made[2] != revision:
            made = self._both = (prior, current, revision, both_shareable(prior, current))
        return made[3]

    def _session_shows(self, session: Session) -> Shows:
        """What the history chart may show of one session: in the share-safe view, what that
        session and this one both share (the diff's rule, session by session)."""
        if not self.share_safe:
            return lambda side, field: True
        return both_shareable(session, self.current)

    def _what_cell(self, d: AccountDiff, room: int = 1000) -> Text:
        """One line per change (wrapped to `room` cells, never cut); the category move's meaning
        first, a hint last."""
        text = Text(no_wrap=True, overflow="ellipsis")
        lines: list[tuple[str, str]] = []
        if d.movement and self._may_show("category"):
            lines.append((f"movement: {d.movement}", "bold"))
        lines += [(line, "") for line in self.view.what(d)]
        if d.hint and hint_shown(self.shows):
            lines.append((f"hint: {d.hint}", "italic"))
        lines = [(part, style) for line, style in lines
                 for part in textwrap.wrap(line, room, subsequent_indent="  ") or [""]]
        for n, (line, style) in enumerate(lines):
            text.append(("\n" if n else "") + line, style=style)
        return text

    def _caption(self) -> Text:
        assert self.diff is not None
        text = Text()
        text.append(f"{FILTER_TITLE[self.filter]}  ", style="bold")
        if self.filter == "actions" and not self.view.actions_shown():
            text.append("hidden in the share-safe view")
        elif self.filter == "actions":
            counts = self.view.action_counts()
            text.append("  ".join(f"{counts[s]} {s}" for s in (DONE, OPEN, OVERDUE, DROPPED,
                                                               ACTION_GONE) if s in counts))
        else:
            counts = self.view.counts()
            text.append(f"+{counts[NEW]} new  -{counts[GONE]} gone  ~{counts[CHANGED]} changed  "
                        f"={counts['both'] - counts[CHANGED]} same")
        if not self._narrow:  # the keys are in the footer and in help (?) too
            text.append("   f filter · a actions · enter open", style="dim")
        return text

    # --- events -------------------------------------------------------------------------------

    def sync(self, change: Change | None) -> None:
        if change is None or change.kind not in (ChangeKind.SAVE, ChangeKind.AGENDA, ChangeKind.LISTS):
            self.redraw()

    def share_safe_changed(self, share_safe: bool) -> None:
        if self in self.app.screen_stack:  # otherwise on resume
            self.redraw()

    def on_screen_resume(self) -> None:
        wb = self.wb
        if wb is not self._workbench:  # another session was opened meanwhile
            self._workbench = wb
            self.view.forget()
            self.redraw()
            self._asked = False
            self._offer_picker()
            return
        if self._drawn_share_safe != self.share_safe:
            self.redraw()
        if not self._offer_picker():
            self.scan_sessions()  # files saved meanwhile join the history

    @on(DataTable.RowSelected, "#compare-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        self._open_key(event.row_key.value)

    # --- actions ------------------------------------------------------------------------------

    def action_back(self) -> None:
        """Back to the agenda phase the call is in."""
        wb = self.wb
        self.app.switch_mode(wb.session.agenda.current if wb else "load")

    def action_choose(self) -> None:
        """Open the picker of earlier sessions."""
        if self.wb is None or isinstance(self.app.screen, ComparePickScreen):
            return
        self.scan_sessions(open_picker=True)

    def _picked(self, pick: ComparePick | None) -> None:
        if pick is None:
            return
        self.view.choose(pick.session, pick.path, pick.force)
        self.redraw()
        self.query_one("#compare-table").focus()

    def action_cycle_filter(self) -> None:
        self.action_set_filter(FILTERS[(FILTERS.index(self.filter) + 1) % len(FILTERS)])

    def action_set_filter(self, name: str) -> None:
        if not self.showing:  # nothing to filter: the table opens later as it was left
            return
        self.view.filter = name if name in FILTERS else "all"
        self._fill_table()

    def action_toggle_actions(self) -> None:
        self.action_set_filter("all" if self.filter == "actions" else "actions")

    def action_open(self) -> None:
        table = self.query_one("#compare-table", DataTable)
        key = _cursor_key(table)
        if key is not None:
            self._open_key(key)

    def _open_key(self, key: str | None) -> None:
        if not key or not self.showing or self.diff is None or self.prior is None:
            return
        d = self.view.account(key)
        if d is None:
            # An action whose account is no longer in either overlap (should not happen).
            self.notify("That account is in neither session's overlap", severity="warning")
            return
        self.app.push_screen(CompareAccountScreen(d, self.prior, self.current, self.timeline(),
                                                  self.private))

    def allows(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The keys that act on a comparison are not offered (nor run) until one shows."""
        if action in ("cycle_filter", "toggle_actions", "open", "set_filter"):
            return self.showing
        return True


# --- formatting helpers -----------------------------------------------------------------------


def _measure(screen: Screen, table: Table) -> int:
    """The cells a Rich table takes at its natural width."""
    console = screen.app.console
    return Measurement.get(console, console.options, table).maximum


def _say_in_table(table: DataTable, width: int, text: str) -> None:
    """A table with nothing to list says so in one cell as wide as the table, read whole (in a
    column of its own width it was cut: "(no accounts of this k")."""
    lines = textwrap.wrap(text, width) or [""]
    table.add_column("", width=width)
    table.add_row("\n".join(lines), key="", height=len(lines))


def _bar_cell(value: int, top: int) -> str:
    """A small bar of the history chart, then the count."""
    return f"{bar(value, top, BAR_WIDTH):<{BAR_WIDTH}} {value}"


def _cursor_key(table: DataTable) -> str | None:
    if not table.row_count:
        return None
    try:
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
    except CellDoesNotExist:
        return None
