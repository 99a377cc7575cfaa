"""Dialog: choose the earlier session to compare the current one with.

Lists the session files of the sessions folder, newest call first: the Compare screen reads them in
a worker and passes the rows in, with the shelf that holds the sessions already read. A file that cannot be read is
shown greyed with its error and cannot be chosen; a session of another partnership is marked
"other partner", and choosing it explains the mismatch and offers to compare anyway. In the
share-safe view only this partnership's sessions are listed: the others name another partner.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from acctmap_tui.core.compare import (
    Partnership, PartnerMismatch, check_partnership, company_key, partnership_key,
)
from acctmap_tui.core.model import Session
from acctmap_tui.core.session import SessionInfo
from acctmap_tui.core.workbench import StartedFrom
from acctmap_tui.views.compare import SessionShelf
from acctmap_tui.screens.dialogs import Dialog, fit_height, lines_left, row_width

OTHER_PARTNER = "other partner"
OTHERS_HIDDEN = "Sessions of other partnerships are hidden in the share-safe view."
# Column widths of a row: date, title, partner, overlap, then the mark; the title and the partner
# are at most this wide, and give way (to at least this) where the dialog is narrower.
_W_DATE, _W_OVERLAP, _GAP = 10, 7, 2
_W_TITLE, _W_PARTNER = 32, 14
_LEAST_TITLE, _LEAST_PARTNER = 12, 8
LIST_LEAST = 5  # lines of the list (three rows) under which the dialog drops its blank lines


@dataclass(frozen=True)
class Columns:
    """The widths of a row's title and partner columns."""

    title: int = _W_TITLE
    partner: int = _W_PARTNER

    @classmethod
    def fitting(cls, room: int, marked: bool) -> Columns:
        """The widest columns whose row fits in `room` cells, with the "other partner" mark
        when a row listed has it (`marked`): at 80 columns a row is one line, not two."""
        rest = (room - _W_DATE - _W_OVERLAP - 3 * _GAP
                - (_GAP + len(OTHER_PARTNER) if marked else 0))
        partner = min(_W_PARTNER, max(_LEAST_PARTNER, rest * _W_PARTNER // (_W_TITLE + _W_PARTNER)))
        return cls(min(_W_TITLE, max(_LEAST_TITLE, rest - partner)), partner)


@dataclass
class ComparePick:
    """The chosen prior session; `force` when it is of another partnership."""

    path: Path
    session: Session
    force: bool = False


def same_partnership(info: SessionInfo, current: Session) -> bool:
    return partnership_key(info.ours, info.partner) == partnership_key(current.ours,
                                                                       current.partner)


def short_title(title: str, ours: str, partner: str) -> str:
    """A title without a leading "Ours x Partner —" (shown elsewhere on screen)."""
    for joiner in (" x ", " × ", " X "):
        lead = f"{ours}{joiner}{partner}"
        rest = title[len(lead):].strip(" —-:") if title.startswith(lead) else ""
        if rest:
            return rest
    return title


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def twins(infos: list[SessionInfo]) -> set[int]:
    """The readable sessions that share their date, title and partner with another one listed."""
    seen: dict[tuple, list[int]] = {}
    for n, info in enumerate(infos):
        if not info.error:
            seen.setdefault((info.date, info.title.casefold(), company_key(info.partner)), []).append(n)
    return {n for group in seen.values() if len(group) > 1 for n in group}


def what_differs(info: SessionInfo) -> str:
    """What tells a session from its twins: file, when it was saved, how many pairs it holds."""
    saved = info.saved or info.modified
    when = f"saved {saved.astimezone():%Y-%m-%d %H:%M}" if saved else "not saved"
    return f"{info.path.name} · {when} · {info.accounts:,} pairs, {info.review:,} in review"


def _row(info: SessionInfo, current: Session, twin: bool = False,
         columns: Columns = Columns()) -> Text:
    """One option: date, title, partner, overlap count, and a word when it is another partner;
    a `twin` (same date and title as another) gets a second line saying what differs."""
    if info.error:
        text = Text(f"{info.path.name}  unreadable: ", style="bold")
        text.append(_fit(info.error, 140))
        return text
    when = info.date.isoformat() if info.date else "?"
    title = short_title(info.title, info.ours, info.partner) or info.path.name
    gap = " " * _GAP
    line = gap.join((f"{when:<{_W_DATE}}", f"{_fit(title, columns.title):<{columns.title}}",
                     f"{_fit(info.partner, columns.partner):<{columns.partner}}",
                     f"{info.overlap:>{_W_OVERLAP}}"))
    text = Text(line)
    if not same_partnership(info, current):
        text.append(gap)
        text.append(OTHER_PARTNER, style="bold reverse")
    if twin:
        text.append(f"\n{'':<{_W_DATE}}{gap}")
        text.append(what_differs(info), style="italic")
    return text


def _header(columns: Columns = Columns()) -> str:
    return (" " * _GAP).join((f"{'Date':<{_W_DATE}}", f"{'Session':<{columns.title}}",
                              f"{'Partner':<{columns.partner}}", f"{'Overlap':>{_W_OVERLAP}}"))


class ComparePickScreen(Dialog[ComparePick | None]):
    """Pick a prior session from the sessions folder (returns None when cancelled)."""

    DEFAULT_CSS = "ComparePickScreen #pick-hidden { color: $text-muted; margin-bottom: 1; }"

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("a", "anyway", "Compare anyway"),
    ]
    PHASE_KEYS_LEAVE = True  # a phase key cancels the pick, as esc does, and goes to that phase
    FOLLOWS_VIEW = True  # it watches the app's share_safe

    def __init__(self, infos: list[SessionInfo], shelf: SessionShelf, current: Session,
                 current_path: Path | None = None, chosen: Path | None = None,
                 sessions_dir: Path = Path("sessions")) -> None:
        super().__init__()
        self.listed = infos
        self.shelf = shelf
        self.sessions_dir = Path(sessions_dir)
        self.current = current
        self.current_path = current_path
        self.chosen = chosen
        self.infos: list[SessionInfo] = []
        self.pending: ComparePick | None = None  # another partner's session, waiting for "anyway"
        self._drawn: tuple[Columns, int] | None = None  # the rows' columns, the header's indent
        self._blank_lines = 0  # the dialog's padding above and below, before `-short` takes it

    def compose(self) -> ComposeResult:
        with Vertical(id="pick-dialog"):
            yield Static(f"Compare {self.current.ours} x {self.current.partner} with an earlier "
                         f"session  (from {self.sessions_dir}/)", id="pick-title", markup=False)
            yield Static(OTHERS_HIDDEN, id="pick-hidden")
            yield Static(_header(), id="pick-head", markup=False)
            yield OptionList(id="pick-list")
            yield Static("", id="pick-notice")
            with Horizontal(id="pick-buttons"):
                yield Button("Compare anyway (a)", id="pick-anyway", variant="warning",
                             compact=True)
                yield Button("Cancel (esc)", id="pick-cancel", compact=True)
            yield Static("up/down move · enter choose · esc cancel · 1-4 phase", id="pick-keys")

    def on_mount(self) -> None:
        # the share-safe view can be switched from the command palette over this dialog
        self.watch(self.app, "share_safe", self._fill, init=False)
        self._blank_lines = self.query_one("#pick-dialog").styles.padding.height
        # the notice and the buttons take lines from the list, or give them back, once laid out
        self.screen_layout_refresh_signal.subscribe(self, lambda _: self._fit_list())
        self._fill(self.app.share_safe)

    def _fill(self, share_safe: bool) -> None:
        """List the sessions; in the share-safe view only this partnership's. The session under
        the cursor stays under it when the view switches and it is still listed (enter would
        otherwise compare with another one)."""
        options = self.query_one("#pick-list", OptionList)
        at = options.highlighted
        was = self.infos[at].path if at is not None and at < len(self.infos) else None
        here = _resolved(self.current_path)
        infos = [i for i in self.listed if here is None or _resolved(i.path) != here]
        self.query_one("#pick-hidden").display = share_safe
        if share_safe:  # an unreadable file may be another partnership's too
            infos = [i for i in infos if not i.error and same_partnership(i, self.current)]
        # readable sessions first (newest first, as listed), then the unreadable files
        self.infos = [i for i in infos if not i.error] + [i for i in infos if i.error]
        options.clear_options()
        options.add_options(Option("", id=str(n), disabled=bool(info.error))
                            for n, info in enumerate(self.infos))
        self._drawn = None
        self._draw_rows()
        self.pending = None
        self._notice("")
        if not self.infos:
            self._notice(self._none_earlier(share_safe, here))
        kept = next((n for n, info in enumerate(self.infos) if info.path == was and not info.error),
                    None)
        first = kept if kept is not None else self._first_choice()
        if first is not None:
            options.highlighted = first
        options.focus()

    def _none_earlier(self, share_safe: bool, here: Path | None) -> str:
        """Why nothing is listed: this call's session, saved in the folder, is the only one
        there (it is not offered as its own earlier session), or none is saved there yet."""
        which = "of this partnership " if share_safe else ""
        if here is not None and any(_resolved(i.path) == here for i in self.listed):
            return (f"The only session {which}saved in {self.sessions_dir}/ is this one; the "
                    "next call's session can be compared with it.")
        return (f"No earlier session {which}saved in {self.sessions_dir}/ yet. Save this call's "
                "session (ctrl+s); next time it can be compared with it.")

    def on_resize(self) -> None:
        self._draw_rows()  # the dialog's width follows the terminal's

    def _fit_list(self) -> None:
        """The list scrolls in what the dialog's height leaves it, under the title and above the
        notice, the buttons and the keys, as they are laid out now (again at each layout: a
        change here lays them out once more, the same): at 80x24 another partner's notice pushed
        the buttons and the keys off the dialog."""
        dialog, options = self.query_one("#pick-dialog"), self.query_one("#pick-list", OptionList)
        room = lines_left(dialog, options)
        if room is None:
            return
        # where the list would show fewer than three rows, the dialog gives up its blank lines
        # above and below (its padding, `-short` in the stylesheet; the class restyles at once)
        bare = room + dialog.styles.padding.height  # the lines it would have with no padding
        dialog.set_class(bare - self._blank_lines < LIST_LEAST, "-short")
        if fit_height(options, bare - dialog.styles.padding.height):  # the padding left now
            self.call_after_refresh(options.scroll_to_highlight)

    def _layout(self) -> tuple[Columns, int]:
        """The columns whose rows fit the list as it is laid out now (room kept for its
        scrollbar; the widest until it is laid out), and the header's indent to line up with
        the rows (the list's border and padding are not the header's)."""
        options = self.query_one("#pick-list", OptionList)
        width = row_width(options)
        if width is None:
            return Columns(), 0
        marked = any(not i.error and not same_partnership(i, self.current) for i in self.infos)
        indent = options.content_region.x - self.query_one("#pick-head", Static).content_region.x
        return Columns.fitting(width, marked), max(0, indent)

    def _draw_rows(self) -> None:
        """Write the header and every row for the room there is, when that changed."""
        layout = self._layout()
        if layout == self._drawn:
            return
        self._drawn = layout
        columns, indent = layout
        self.query_one("#pick-head", Static).update(" " * indent + _header(columns))
        options = self.query_one("#pick-list", OptionList)
        alike = twins(self.infos)
        for n, info in enumerate(self.infos):
            options.replace_option_prompt_at_index(
                n, _row(info, self.current, n in alike, columns))

    def _first_choice(self) -> int | None:
        """The session chosen before, else the newest readable one of the same partnership."""
        usable = [n for n, i in enumerate(self.infos) if not i.error]
        for n in usable:
            if self.chosen is not None and _resolved(self.infos[n].path) == _resolved(self.chosen):
                return n
        for n in usable:
            if same_partnership(self.infos[n], self.current):
                return n
        return usable[0] if usable else None

    def _notice(self, message: str, warn: bool = False) -> None:
        notice = self.query_one("#pick-notice", Static)
        notice.update(Content(message))  # names sessions and partners: never markup
        notice.set_class(warn, "warn")
        notice.display = bool(message)
        self.query_one("#pick-buttons").display = self.pending is not None

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if self.pending is not None:
            self.pending = None
            self._notice("")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        info = self.infos[int(event.option.id or 0)]
        prior, error = self.shelf.get(info.path)  # read already, unless the file changed since
        if prior is None:
            self._notice(f"Cannot open {info.path.name}: {error}", warn=True)
            return
        try:
            check_partnership(Partnership.of(prior, f"the earlier session {info.path.name}"),
                              Partnership.of(self.current, "this session"), "compare them")
        except PartnerMismatch as exc:
            self.pending = ComparePick(info.path, prior, force=True)
            # without the command line's way to go on: here the key does it
            self._notice(f"Other partner: {exc.mismatch}.\nPress a to compare anyway, or choose "
                         "another session.", warn=True)
            return
        self.dismiss(ComparePick(info.path, prior))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "pick-anyway":
            self.action_anyway()
        else:
            self.action_cancel()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "anyway":
            return self.pending is not None
        return True

    def action_anyway(self) -> None:
        if self.pending is not None:
            self.dismiss(self.pending)

    def action_cancel(self) -> None:
        self.dismiss(None)


def started_from(infos: list[SessionInfo], shelf: SessionShelf, current: Session,
                 prior: StartedFrom | None) -> ComparePick | None:
    """The session this one was started from (carried forward), to compare with before any is
    chosen: its file where the start named one and it still holds that session, else the
    newest listed that does (found by its id). None where there is none, or it is of another
    partnership (carried anyway): the picker then asks."""
    if prior is None:
        return None
    paths = [prior.path] if prior.path is not None else []
    paths += [i.path for i in infos if not i.error]
    for path in paths:
        session, _ = shelf.get(path)  # read already by the scan, unless the file changed
        if session is not None and session.session_id == prior.session_id:
            same = partnership_key(session.ours, session.partner) == partnership_key(
                current.ours, current.partner)
            return ComparePick(path, session) if same else None
    return None


def _resolved(path: Path | None) -> Path | None:
    return Path(path).resolve() if path is not None else None
