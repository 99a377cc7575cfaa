"""The header and footer every phase screen shows: companies, phase, clock, category counts, unsaved mark,
the agenda strip; keys.

Two lines, readable across a shared screen. Nothing here relies on colour alone: a phase that runs
over says "OVER", the save state and the share-safe view are words. The header redraws on the
app's state (`share_safe`, `clock_running`, `clock_seconds`) and, through its screen
(`PhaseScreen.on_session_changed`), on every workbench change (the share marks too: the share-safe
view leaves out the category counts while the Category field is private).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.markup import escape
from textual.widget import Widget
from textual.widgets import Footer, Label

from acctmap_tui.core.categorize import OverlapFigures
from acctmap_tui.widgets.agenda_strip import SHORT_LABELS, AgendaStrip
from acctmap_tui.widgets.fast_table import drop_detached_watchers
from acctmap_tui.core.model import CATEGORIES, PHASE_LABELS, SESSION_SIDE, Session

if TYPE_CHECKING:
    from acctmap_tui.app import AcctmapApp


def clock(seconds: float) -> str:
    """'07:05' for 425 s; minutes keep counting past 59 (a call is about an hour)."""
    whole = int(round(abs(seconds)))
    return f"{whole // 60:02d}:{whole % 60:02d}"


@dataclass(frozen=True)
class AgendaTimes:
    """Where the call is on its agenda, in numbers the header shows."""

    phase: str
    number: int  # 1-based position of the phase in the agenda
    phases: int
    phase_left_s: float  # negative when the phase ran over
    call_left_s: float  # negative when the call ran over

    @property
    def phase_over(self) -> bool:
        return self.phase_left_s < 0

    @property
    def call_over(self) -> bool:
        return self.call_left_s < 0


def agenda_times(session: Session) -> AgendaTimes:
    """Time left in the current phase and in the call, from the agenda's minutes and elapsed."""
    agenda = session.agenda
    keys = [key for key, _ in agenda.phases]
    minutes = dict(agenda.phases)
    current = agenda.current
    number = keys.index(current) + 1 if current in keys else 0
    spent = agenda.elapsed_s.get(current, 0.0)
    total_s = sum(minutes.values()) * 60
    return AgendaTimes(
        phase=current,
        number=number,
        phases=len(keys),
        phase_left_s=minutes.get(current, 0) * 60 - spent,
        call_left_s=total_s - agenda.call_s(),
    )


def left_text(label: str, seconds: float) -> str:
    """'phase 12:34 left' or 'phase +02:13 over'."""
    if seconds < 0:
        return f"{label} +{clock(seconds)} over"
    return f"{label} {clock(seconds)} left"


def clock_texts(times: AgendaTimes, running: bool, narrow: bool = False) -> list[str]:
    """The clock part of the header, longest first; each next one says less (the OVER label
    says what "over" said), so that both companies keep their room on a narrow screen."""
    phase = left_text("phase", times.phase_left_s)
    state = "running" if running else "paused (t)"
    full = f"{phase} · {left_text('call', times.call_left_s)} · clock {state}"
    if not times.phase_over:
        phase = phase.removesuffix(" left")  # "phase 20:00 · call 60:00 left"
    short_phase = f"{'+' if times.phase_over else ''}{clock(times.phase_left_s)}"
    short_call = f"call {'+' if times.call_over else ''}{clock(times.call_left_s)}"
    texts = [
        f"{phase} · {left_text('call', times.call_left_s)} · {state}",
        f"{short_phase} · {left_text('call', times.call_left_s)} · {state}",
        f"{short_phase} · {short_call} · {state}",
        f"{short_phase} · {short_call} · {state.removesuffix(' (t)')}",
        f"{short_phase} · {short_call}",
    ]
    return texts if narrow else [full, *texts]


def _cut(name: str, cells: int) -> str:
    if cell_len(name) <= cells:
        return name
    while name and cell_len(name) > cells - 1:
        name = name[:-1]
    return name.rstrip() + "…"


def companies_text(ours: str, partner: str, room: int | None = None) -> str:
    """'Ours × Partner'; where `room` cells are too few, each name cut to its share (the shorter
    one whole when it takes no more than half), never one name dropped for the other."""
    whole = f"{ours} × {partner}"
    if room is None or cell_len(whole) <= room:
        return whole
    left = max(room - 3, 8)  # " × "
    a, b = cell_len(ours), cell_len(partner)
    ours_room = a if a <= left // 2 else left - b if b <= left // 2 else left // 2
    return f"{_cut(ours, max(ours_room, 4))} × {_cut(partner, max(left - ours_room, 4))}"


def counts_text(fig: OverlapFigures, narrow: bool = False, categories: bool = True) -> str:
    """'SHARED 4  VOUCH 3  INTRO 2  JOINT 1  review 3' (plus 'unsorted N' when statuses are unknown);
    single-spaced when `narrow`; without the categories' counts unless `categories`."""
    if not categories:
        return f"categories private{' ' if narrow else '  '}review {fig.review}"
    parts = [f"{c.code} {fig.per_category[c.key]}" for c in CATEGORIES]
    if fig.uncategorized:
        parts.append(f"unsorted {fig.uncategorized}")
    parts.append(f"review {fig.review}")
    return (" " if narrow else "  ").join(parts)


def save_text(dirty: bool, path: Path | None, narrow: bool = False, autosave_off: bool = False) -> str:
    """The save state; `autosave_off`: the last autosave failed (a crash would lose the edits)."""
    if dirty and autosave_off:
        return "● autosave off" if narrow else "● unsaved · autosave off"
    if dirty:
        return "● unsaved"
    return "saved" if path else "not saved" if narrow else "not saved yet"


class AgendaHeader(Widget):
    """Docked at the top of every phase screen. Below 100 columns (class `-narrow`) the words
    shorten ("2/4 Review", "paused (t)", "all shown (p)") so that both companies, the clock and the
    counts still fit 80 columns; the agenda strip under them names the phase in full. Compare names
    the agenda phase beside its own name only from 120 columns. Where the companies still lack
    room (a phase over, long names), the phase and the clock say less ("+00:16"), then each name
    is cut to its share: both stay readable on a call shared with the partner."""

    NARROW = 100
    WIDE = 120  # from here Compare's label also names the agenda phase

    if TYPE_CHECKING:
        @property
        def app(self) -> AcctmapApp: ...

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._texts: dict[str, str] = {}  # label id -> the text it shows (`_put`)

    def compose(self) -> ComposeResult:
        with Horizontal(id="agenda-top"):
            yield Label(id="agenda-companies")
            yield Label(id="agenda-over")
            yield Label(id="agenda-phase")
            yield Label(id="agenda-clock")
        with Horizontal(id="agenda-bottom"):
            yield Label(id="agenda-counts")
            yield Label(id="agenda-saved")
            yield Label(id="agenda-privacy")
        yield AgendaStrip(id="agenda-strip")

    def on_mount(self) -> None:
        for state in ("share_safe", "clock_running", "clock_seconds", "saving", "autosave_off"):
            self.watch(self.app, state, self._app_state_moved, init=False)
        self.refresh_header()

    def _app_state_moved(self, _value: object = None) -> None:
        self.refresh_header()

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < self.NARROW, "-narrow")
        self.refresh_header()  # the companies' room is the width the other parts leave

    @property
    def narrow(self) -> bool:
        width = self.size.width or self.app.size.width
        return width < self.NARROW

    def _put(self, label_id: str, text: str) -> Label:
        """Show `text` in a label of the header: nothing happens when it shows it already, and
        no new layout when a plain text keeps its length (the header is asked on every change and
        every clock tick; each new layout is a pass over the whole screen)."""
        label = self.query_one(f"#{label_id}", Label)
        before = self._texts.get(label_id)
        if text != before:
            same_size = (before is not None and cell_len(before) == cell_len(text)
                         and "[" not in text + before)
            label.update(text, layout=not same_size)
            self._texts[label_id] = text
        return label

    def refresh_header(self) -> None:
        """Redraw every part from the workbench and the app's clock and share-safe state."""
        app = self.app
        wb = app.workbench
        if wb is None:
            return
        session = wb.session
        times = agenda_times(session)
        narrow = self.narrow
        width = self.size.width or self.app.size.width

        def phase_named(labels: dict[str, str]) -> str:
            label = labels.get(times.phase, times.phase)
            return f"{times.number}/{times.phases} {label}" if times.number else label

        phase_text = phase_named(SHORT_LABELS if narrow else PHASE_LABELS)
        short_phase = phase_named(SHORT_LABELS)  # the agenda strip under it names it in full
        # A screen outside the agenda (Compare) names itself; the agenda phase stays in view (in
        # the strip under it when narrow).
        if screen_label := getattr(self.screen, "HEADER_LABEL", ""):
            wide = width >= self.WIDE
            phase_text = f"{screen_label} · agenda {phase_text}" if wide else screen_label
            short_phase = screen_label
        self.query_one(AgendaStrip).show(session.agenda)
        is_over = times.phase_over or times.call_over
        # On a shared call both companies stay readable: the phase and the clock say less first,
        # then each name is cut to its share. Each label has a cell of padding each side.
        companies = f"{session.ours} × {session.partner}"
        texts = clock_texts(times, app.clock_running, narrow)
        tried = [(phase_text, texts[0]), *((short_phase, t) for t in texts)]
        over_cells = len("OVER") + 2 if is_over else 0
        room = 0
        for phase_text, clock_text in tried:
            room = width - 2 - over_cells - (cell_len(phase_text) + 2) - (cell_len(clock_text) + 2)
            if cell_len(companies) <= room:
                break
        self._put("agenda-phase", phase_text)
        self._put("agenda-companies",
                  escape(companies_text(session.ours, session.partner, room)))
        clock_label = self._put("agenda-clock", clock_text)
        clock_label.set_class(is_over, "-over")
        over = self._put("agenda-over", "OVER" if is_over else "")
        over.display = is_over

        # counted by the workbench once per change that moves them (`figures`), not per clock tick
        categories = not app.share_safe or wb.share_policy().shareable(SESSION_SIDE, "category")
        self._put("agenda-counts", counts_text(wb.figures(), narrow, categories))
        saved = self._put("agenda-saved", "saving…" if app.saving
                          else save_text(wb.dirty, wb.path, narrow, bool(app.autosave_off)))
        saved.set_class(wb.dirty, "-dirty")
        share_safe = app.share_safe
        label = self._put("agenda-privacy",
                          "SHARE-SAFE" if share_safe else "all shown (p)" if narrow else "all fields shown (p)")
        label.set_class(share_safe, "-on")


class AgendaFooter(Footer):
    """The key footer of the phase screens: compact below 110 columns, and without the "^p palette"
    key below 100 (help, which is shown, names ctrl+p), so that a screen's main keys, the phase keys,
    save, undo, help and quit fit on an 80-column shared screen."""

    NARROW = 110
    PALETTE_FROM = 100
    DEFAULT_CSS = """
    /* Compact: a space between the phase keys' label and the next key, and the palette key as wide
       as the place it is docked in (else the last cell shows what scrolled beneath it). */
    AgendaFooter.-compact FooterLabel { margin: 0 1 0 0; }
    AgendaFooter.-compact KeyGroup.-compact { padding-left: 0; }
    AgendaFooter.-compact FooterKey.-command-palette { padding-right: 1; }
    """

    async def recompose(self) -> None:
        await super().recompose()
        drop_detached_watchers(self, "compact")  # the old keys' (Textual issue #6666)

    def on_resize(self, event: events.Resize) -> None:
        self.compact = event.size.width < self.NARROW
        palette = event.size.width >= self.PALETTE_FROM
        if palette != self.show_command_palette:
            self.show_command_palette = palette
            self.call_after_refresh(self.recompose)
