"""Phase 1, ICP review: how big each list is, how much they overlap, and the ICP alignment notes.

Shows both lists' sizes and the problems found while reading them, each side's overlap rate, the
2x2 overlap matrix (with category codes), counts per category with its play, win-backs and the
review queue. The notes field is for the ICP discussion; it is private (hidden in share-safe view).
Status words nobody understood leave accounts without a category: `m` opens the dialog that maps them.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from pathlib import Path

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Static, TextArea

from acctmap_tui.core.categorize import OverlapFigures, categorize
from acctmap_tui.core.model import CATEGORIES, CUSTOMER, OURS, PARTNER, PROSPECT, PSI, SESSION_SIDE, Session
from acctmap_tui.core.workbench import Change, ChangeKind
from acctmap_tui.screens.base import PhaseScreen, skip_while_typing
from acctmap_tui.screens.icp_status import StatusMapDialog
from acctmap_tui.commands import ScreenCommands
from acctmap_tui.widgets.agenda_header import AgendaFooter, AgendaHeader
from acctmap_tui.widgets.overlap_picture import OverlapBars, heat_style

NOTES_PROMPT = "Agree who you both sell to: size · industry · geography · tech stack · persona · deal size"
NOTES_PLACEHOLDER = (
    "Company size:\nIndustry:\nGeography:\nTech stack:\nPersona (buyer / champion):\nDeal size:"
)
PROBLEMS_SHOWN = 25  # per list; the rest is counted
NOTES_DEBOUNCE_S = 1.0


class NotesArea(TextArea):
    """The notes field: ctrl+z is the call's undo here too, which takes back the typing burst
    (everything typed since the field took focus, `Workbench.set_icp_notes`) in one step, not
    the text area's own undo, which splits a burst at each pause."""

    BINDINGS = [Binding("ctrl+z,super+z", "app.undo", "Undo", show=False)]


def lists_panel(session: Session, fig: OverlapFigures) -> Group:
    """The lists' figures, then each list drawn as a bar split into overlap and the rest."""
    names = {OURS: session.ours, PARTNER: session.partner}
    return Group(lists_table(session, fig), OverlapBars(fig, names))


def lists_table(session: Session, fig: OverlapFigures) -> Table:
    """Rows read, distinct accounts and the overlap, one column per side (the rates are on the bars)."""
    table = Table(box=None, pad_edge=False, expand=True, header_style="bold")
    table.add_column("", no_wrap=True, min_width=10)
    sources = [session.source(OURS), session.source(PARTNER)]
    for side, src in zip((OURS, PARTNER), sources):
        name = src.company if src else session.company(side)
        table.add_column(Text(name), justify="right")
    # a hashed list (a private exchange, a keyed-hash file) holds only the accounts with a domain:
    # the rows its export had are not known
    table.add_row("rows read", *(f"{s.rows:,}" if s and not s.hashed else "—" for s in sources))
    # a private exchange counts each list by the domains that took part (a cell may hold several)
    counted = "domains" if any(a.match.method == PSI for a in session.accounts) else "accounts"
    table.add_row(counted, *(f"{s.accounts:,}" if s else "—" for s in sources))
    table.add_row("in overlap", *(f"{fig.overlap:,}" for _ in sources))
    return table


def matrix_table(session: Session, fig: OverlapFigures) -> Table:
    """Our bucket (rows) by theirs (columns); each cell names its category code."""
    table = Table(box=None, pad_edge=False, expand=True, header_style="bold",
                  caption="prospect = prospect, open deal or churned", caption_justify="left")
    table.add_column("", min_width=12)
    for theirs in (CUSTOMER, PROSPECT):
        table.add_column(Text(f"{session.partner} {theirs}"))
    for ours in (CUSTOMER, PROSPECT):
        cells = []
        for theirs in (CUSTOMER, PROSPECT):
            cat = categorize(ours, theirs)  # the bucket's own status gives the cell's category
            assert cat is not None
            count = fig.matrix.get((ours, theirs), 0)
            cells.append(Text.assemble((f" {cat.code:<7}", "bold"), f"{count:>4} ",
                                       style=heat_style(count, max(fig.matrix.values(), default=0))))
        table.add_row(Text(f"{session.ours} {ours}", style="bold"), *cells)
    return table


def categories_table(fig: OverlapFigures) -> Table:
    """Count and play per category."""
    table = Table(box=None, pad_edge=False, expand=True, show_header=False)
    table.add_column("code", style="bold", no_wrap=True)
    table.add_column("count", justify="right", no_wrap=True)
    table.add_column("label", no_wrap=True)
    table.add_column("play", ratio=1)
    for cat in CATEGORIES:
        table.add_row(cat.code, str(fig.per_category.get(cat.key, 0)), cat.label, cat.play)
    if fig.uncategorized:
        table.add_row("?", str(fig.uncategorized), "status unknown", "press m to map the word")
    return table


def summary_line(fig: OverlapFigures, statuses_shown: bool = True) -> str:
    """The overlap, its win-backs (a count of statuses: left out where they are private) and
    the review queue."""
    win_back = f" · win-back {fig.win_back} (churned on a side)" if statuses_shown else ""
    return f"overlap {fig.overlap}{win_back} · review queue {fig.review} (key 2)"


def match_note(session: Session) -> str:
    """How a session without names on one side was matched ("" for two plain lists)."""
    partner = session.source(PARTNER)
    if any(a.match.method == PSI for a in session.accounts):
        size = f" {session.partner}'s list: {partner.accounts:,} domains (a partner " \
               "can add guessed domains to its list: is that what you expect?)" if partner else ""
        return ("Matched by the private overlap exchange on registrable domains only: fuzzy name "
                "matching is impossible (neither side sees the other's names)." + size)
    if any(src.hashed for src in session.sources):
        return ("A list is hashed: matched on keyed domain hashes only; fuzzy name matching is "
                "not possible.")
    return ""


def _without_file(problem: str, path: str) -> str:
    """A problem without the file it starts with ("FILE, row 3, ...: ..." or, of the whole
    list, "FILE: ..."), which the line above names once: the problem keeps the path as the list
    was given, and a session read back resolves its lists' paths."""
    name = Path(path).name
    for sep in re.finditer(r", |: ", problem):  # a file name may hold ", " ("Accounts, Q4.csv")
        head = problem[:sep.start()]
        if head == path or Path(head).name == name:
            return problem[sep.end():]
    return problem


def problems_text(session: Session, private: bool, shown: int = PROBLEMS_SHOWN,
                  unknown: Mapping[str, Collection[str]] | None = None) -> str:
    """Problems per list: the first `shown` of each, then 'and K more'; counts only when private.

    A session matched without names (hashed lists, the private exchange) says so first.
    `unknown`: per side whose list is loaded, its status words still not understood
    (`Workbench.unknown_words_of_lists`).
    """
    if not session.sources:
        return "No list information in this session."
    note = match_note(session)
    lines: list[str] = [note, ""] if note else []
    hidden = False
    for src in session.sources:
        problems = src.open_problems((unknown or {}).get(src.side))
        count = len(problems)
        hidden = hidden or bool(problems)
        # a file's name often says what the list is ("churn-risk.csv"): not on a shared screen
        named = src.company if private else f"{src.company} ({Path(src.path).name})"
        lines.append(f"{named}: {count or 'no'} problem{'' if count == 1 else 's'}")
        if private:
            continue
        lines += [f"  • {_without_file(p, src.path)}" for p in problems[:shown]]
        if count > shown:
            lines.append(f"  … and {count - shown} more")
    if private and hidden:
        lines.append("(details hidden in the share-safe view)")
    return "\n".join(lines)


class IcpScreen(PhaseScreen):
    """ICP review: list sizes, overlap figures, problems, ICP alignment notes."""

    notes_debounce_s = NOTES_DEBOUNCE_S  # tests shorten it
    AUTO_FOCUS = ""  # no auto focus: keys 1-4, n, t, p work at once; `e` starts typing notes
    COMMANDS = {ScreenCommands}
    BINDINGS = [
        Binding("e", "edit_notes", "Edit notes", priority=True),  # see skip_while_typing
        # In the footer only while some status word is unknown; the hidden twin keeps `m` working
        # afterwards (to change a mapping).
        Binding("m", "map_statuses", "Map statuses"),
        Binding("m", "map_statuses(True)", "Map statuses", show=False),
        Binding("escape", "leave_notes", "Done editing", show=False),
    ]
    PALETTE = (
        ("ICP: edit notes", "Type the ICP alignment notes (e)", "edit_notes", ()),
        ("ICP: map status words", "Say what unknown status words mean: customer, open deal, "
         "prospect or churned (m)", "map_statuses", (True,)),
    )

    def __init__(self) -> None:
        super().__init__()
        self._notes_timer: Timer | None = None
        self._notes_synced = ""  # the notes text last taken from or given to the session
        # notes were handed over since the field took focus: the next hand-over is more of the
        # same edit (one undo step), until the field loses focus
        self._notes_burst = False
        self._unknown_words = 0  # status words nobody has mapped (drives the `m` footer entry)

    def compose(self) -> ComposeResult:
        yield AgendaHeader()
        with VerticalScroll(id="icp-body"):
            with Horizontal(id="icp-top"):
                yield Static(id="icp-lists", classes="icp-panel")
                yield Static(id="icp-matrix", classes="icp-panel")
            with Vertical(id="icp-categories", classes="icp-panel"):
                yield Static(id="icp-categories-table")
                yield Static(id="icp-summary")
            with Horizontal(id="icp-bottom"):
                with Vertical(id="icp-notes-box", classes="icp-panel"):
                    yield Static(NOTES_PROMPT, id="icp-prompt")
                    yield NotesArea(id="icp-notes", placeholder=NOTES_PLACEHOLDER)
                    yield Static("ICP notes are private: hidden in the share-safe view (p, then y, shows them).",
                                 id="icp-notes-hidden")
                with VerticalScroll(id="icp-problems", classes="icp-panel"):
                    yield Static(id="icp-problems-text")
        yield AgendaFooter()

    def on_mount(self) -> None:
        self.query_one("#icp-lists").border_title = "Lists"
        self.query_one("#icp-matrix").border_title = "Overlap matrix"
        self.query_one("#icp-categories").border_title = "Categories and plays"
        self.query_one("#icp-notes-box").border_title = "ICP alignment notes (private)"
        self.query_one("#icp-problems").border_title = "Problems found at load"
        self.refresh_figures()
        self._show_session_notes()
        self.share_safe_changed(self.share_safe)

    def on_resize(self) -> None:
        # Below 100 columns the lists and the matrix share the width evenly: at 2:3 the lists'
        # company names and "70 of 296" were cut at 80 columns.
        self.query_one("#icp-top").set_class(self.size.width < 100, "-narrow")

    # --- drawing ----------------------------------------------------------------------------

    def refresh_figures(self) -> None:
        """Redraw every figure from the session."""
        session = self.session
        fig = self.workbench.figures()
        # the matrix counts our status against theirs, as the categories do: both are shown
        # where the category is (sharing.FOLLOWS: it needs both statuses shown)
        categories = self.shows(SESSION_SIDE, "category")
        self.query_one("#icp-lists", Static).update(lists_panel(session, fig))
        self.query_one("#icp-matrix", Static).update(
            matrix_table(session, fig) if categories
            else "Overlap by status: private, as the categories are (share-safe view).")
        self.query_one("#icp-categories-table", Static).update(
            categories_table(fig) if categories
            else "Categories are private: hidden in the share-safe view.")
        self.query_one("#icp-summary", Static).update(summary_line(fig, categories))
        unknown = self.workbench.unknown_status_words()  # once: a pass over every record
        self._draw_problems(unknown)
        # the footer offers `m` for words the view shows: offered for a private list's words,
        # it would tell the partner that our list holds some
        shown = sum(1 for side, _, _ in unknown if self.shows(side, "status"))
        if shown != self._unknown_words:
            self._unknown_words = shown
            self.refresh_bindings()

    def _draw_problems(self, unknown: list[tuple[str, str, int]] | None = None) -> None:
        words = self.workbench.unknown_words_of_lists(unknown)
        self.query_one("#icp-problems-text", Static).update(
            Content(problems_text(self.session, self.share_safe, unknown=words)))

    def _show_session_notes(self) -> None:
        """Show the session's notes, unless the user has typed something not yet handed over."""
        notes = self.query_one("#icp-notes", TextArea)
        if notes.text != self._notes_synced:
            return
        if notes.text != self.session.icp_notes:
            notes.load_text(self.session.icp_notes)
        self._notes_synced = self.session.icp_notes

    def sync(self, change: Change | None) -> None:
        kind = change.kind if change else None
        if kind in (ChangeKind.SAVE, ChangeKind.AGENDA):
            return
        if kind is ChangeKind.SHARING and not self.share_safe:
            self._draw_problems()
        elif kind is not ChangeKind.NOTES:  # a mark in the share-safe view: the figures too
            self.refresh_figures()
        self._show_session_notes()

    def on_screen_suspend(self) -> None:
        self._end_notes_burst()

    # --- the share-safe view ----------------------------------------------------------------

    def share_safe_changed(self, share_safe: bool) -> None:
        private = share_safe
        notes = self.query_one("#icp-notes", TextArea)
        if private:
            self.commit_edits()
        notes.display = not private
        self.refresh_bindings()
        self.query_one("#icp-prompt").display = not private
        self.query_one("#icp-notes-hidden").display = private
        self.refresh_figures()  # the categories' counts follow the Category field's mark

    # --- notes ------------------------------------------------------------------------------

    def allows(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "map_statuses" and not parameters:
            return self._unknown_words > 0
        return True

    def action_map_statuses(self, any_time: bool = False) -> None:
        """Open the status-word dialog (it says so when every word is mapped).

        `any_time` only marks the always-on twin binding for `allows`.
        """
        self.commit_edits()
        self.app.push_screen(StatusMapDialog(self.workbench, share_safe=self.share_safe))

    def action_edit_notes(self) -> None:
        skip_while_typing(self)
        if self.share_safe:  # said, not ignored: the letters typed next would run as keys
            self.notify("ICP notes are private: hidden in the share-safe view (p, then y, shows "
                        "them).", markup=False)
            return
        notes = self.query_one("#icp-notes", TextArea)
        self.set_focus(notes)  # now, not after this key
        notes.move_cursor(notes.document.end)  # what is typed goes on from the notes' end

    def action_leave_notes(self) -> None:
        self.commit_edits()
        self.set_focus(None)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if self._notes_timer is not None:
            self._notes_timer.stop()
        self._notes_timer = self.set_timer(self.notes_debounce_s, self.commit_edits)

    def on_descendant_blur(self, event) -> None:
        if getattr(event.widget, "id", None) == "icp-notes":
            self._end_notes_burst()

    def _end_notes_burst(self) -> None:
        """Focus left the notes: hand them over; what is typed next is another edit."""
        self.commit_edits()
        self._notes_burst = False

    def commit_edits(self) -> None:
        """Hand the typed notes to the workbench (no change when they are the same)."""
        if self._notes_timer is not None:
            self._notes_timer.stop()
            self._notes_timer = None
        if not self.is_mounted:
            return
        text = self.query_one("#icp-notes", TextArea).text
        if text == self._notes_synced:
            return  # nothing typed since the notes were last shown or handed over
        self._notes_synced = text
        self.workbench.set_icp_notes(text, continuing=self._notes_burst)
        self._notes_burst = self.focused is self.query_one("#icp-notes", TextArea)
