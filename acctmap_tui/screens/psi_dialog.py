"""The private overlap exchange (PSI) from the app: the three steps of `acctmap psi` in one dialog.

Opened from the load screen (ctrl+r). Each tab is one step, run on the same core as the CLI
(`core.psi`) in a thread worker:

* Start: our list (and company name, optionally counts only) -> our round-1 file to send; the
  secret stays in the local secret folder, never beside the round file.
* Answer: our round-1 file + the partner's round-1 file -> our round-2 file to send.
* Finish: our round-1 file + the partner's round-1 and round-2 files -> the overlap, opened as the
  new session (through `core.start.finish_exchange` and `open_exchange`), or, for a counts-only exchange, the counts per
  category shown here (no record list).

Before Answer computes anything it shows the partner's company and list size; a list more than
`psi.SIZE_RATIO` times ours is answered only after a second press on the button that names its
size. Every refusal of the exchange (wrong exchange or round, a changed, damaged or hostile file, a
device or FIFO in place of a file, a round file to write over one of the step's own files or over
an exchange in progress, no local secret, a second partner file for an exchange that already
answered one) is shown in the dialog with its message; the dialog dismisses with the new workbench
or None. Every text shown is built as `Text`, never as markup: names and paths hold brackets.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path

from rich.console import Group
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import (Button, Checkbox, DirectoryTree, Input, Label, Static, TabbedContent,
                             TabPane)

from acctmap_tui.core import ingest, psi
from acctmap_tui.core.categorize import OverlapFigures
from acctmap_tui.core.export import shown
from acctmap_tui.core.model import OURS, AccountList
from acctmap_tui.core.start import (ExchangeFiles, SessionRequest, finish_exchange, open_exchange,
                                    parse_status_map)
from acctmap_tui.core.workbench import Workbench
from acctmap_tui.screens.icp import categories_table
from acctmap_tui.screens.dialogs import FIELD_KEYS, PICKER_HIDDEN, Dialog, FieldInput, Typed, field_value
from acctmap_tui.screens.worker_report import report_back

EXCHANGE_SUFFIXES = (".psi", ".csv", ".tsv", ".txt", ".xlsx", ".xls")
STEPS = ("psi-start", "psi-answer", "psi-finish")
STEP_NAMES = {"psi-start": "Start", "psi-answer": "Answer", "psi-finish": "Finish"}
# the path fields of each step, in the order the picker fills them
PATHS = {
    "psi-start": ("psi-list", "psi-out1"),
    "psi-answer": ("psi-a-ours1", "psi-a-theirs1", "psi-a-out2"),
    "psi-finish": ("psi-f-ours1", "psi-f-theirs1", "psi-f-theirs2"),
}


def suggest_round_file(path: Path, rnd: int) -> Path:
    """Where our round file goes by default: beside the list (or the round-1 file). A round-1
    file never suggests a name already taken (LIST-2-round1.psi, ...): writing over an earlier
    one would lose that exchange."""
    stem = path.stem.removesuffix("-round1")
    suggested, n = path.with_name(f"{stem}-round{rnd}.psi"), 1
    while rnd == 1 and suggested.exists():
        n += 1
        suggested = path.with_name(f"{stem}-{n}-round1.psi")
    return suggested


def counts_panel(done: psi.Finished) -> Group:
    """A counts-only exchange's result: the ICP screen's category figures, no record list."""
    fig = OverlapFigures(per_category={k: v for k, v in done.counts.items() if k != psi.UNCATEGORIZED},
                         overlap=done.overlap)
    head = Text(f"{done.ours} × {done.partner}: overlap {done.overlap} accounts (counts only: "
                f"neither side learns which)\n", style="bold")
    table = categories_table(fig)
    if unknown := done.counts.get(psi.UNCATEGORIZED, 0):  # sent in round 1: nothing to map now
        table.add_row("?", str(unknown), "status unknown on a side",
                      "sent as unknown: cannot be mapped after the exchange")
    return Group(head, table)


class ExchangeFilePicker(DirectoryTree):
    """Folders, account lists and round files (.psi)."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [p for p in paths if not p.name.startswith(".")
                and (p.is_dir() or p.suffix.lower() in EXCHANGE_SUFFIXES)]


class PsiDialog(Dialog[Workbench | None]):
    """Start, answer or finish a private overlap exchange by files."""

    HELP_TITLE = "Private overlap exchange"
    VERTICAL_BREAKPOINTS = [(0, "-short"), (34, "-tall")]  # as the load form it opens from
    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("ctrl+l", "run_step", "Run this step"),
        Binding("ctrl+t", "next_step", "Next step", priority=True),  # the tabs' names hold no key
        *FIELD_KEYS,
    ]

    def __init__(self, list_path: str = "", company: str = "",
                 columns: dict[str, str] | None = None, share_safe: bool = False) -> None:
        super().__init__(classes="dialog")
        self.share_safe = share_safe  # no file picker: file names name partners
        self.list_path = list_path
        self.company = company
        self.columns = columns or {}
        self._target = "psi-list"  # the path field the picker fills
        self._suggested: dict[str, str] = {}  # field id -> the value we suggested there
        self._labels: dict[str, str] = {}  # field id -> its label
        self._size_asked: tuple[str, int] | None = None  # (their round-1 file, its size) asked about

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box", id="psi-box"):
            yield Label("Private overlap exchange: each side learns the overlap and nothing else",
                        classes="dialog-title")
            if self.share_safe:  # at the top, above the steps' fields: no picker below
                yield Static(f"{PICKER_HIDDEN} Tab / shift+tab move; ctrl+t next step; escape "
                             "closes.",
                             classes="dialog-hint", id="psi-typed-hint")
            with TabbedContent(id="psi-steps"):
                with TabPane(STEP_NAMES["psi-start"], id="psi-start"):
                    yield self._row("Our list", "psi-list", "our CRM export (.csv / .xlsx)",
                                    self.list_path)
                    yield self._row("Our company", "psi-company", "shown to the partner",
                                    self.company)
                    yield self._row("Status words", "psi-status",
                                    "optional: WORD=STATUS, ... (e.g. Stage 7=open deal)")
                    yield Checkbox("Counts only: each side learns the counts per category",
                                   id="psi-counts-only")
                    yield self._row("Round-1 file", "psi-out1", "OURS1.psi, to send the partner")
                    yield Button("Write round-1 file (ctrl+l)", id="psi-do-start",
                                 variant="primary")
                with TabPane(STEP_NAMES["psi-answer"], id="psi-answer"):
                    yield self._row("Our round 1", "psi-a-ours1", "OURS1.psi (from Start)")
                    yield self._row("Their round 1", "psi-a-theirs1", "THEIRS1.psi (from the partner)")
                    yield self._row("Round-2 file", "psi-a-out2", "OURS2.psi, to send the partner")
                    yield Button("Write round-2 file (ctrl+l)", id="psi-do-answer",
                                 variant="primary")
                    yield Button("", id="psi-do-answer-size", variant="warning")
                with TabPane(STEP_NAMES["psi-finish"], id="psi-finish"):
                    yield self._row("Our round 1", "psi-f-ours1", "OURS1.psi")
                    yield self._row("Their round 1", "psi-f-theirs1", "THEIRS1.psi")
                    yield self._row("Their round 2", "psi-f-theirs2", "THEIRS2.psi (their answer)")
                    yield self._row("Partner", "psi-f-partner", "optional: the name they sent")
                    yield Button("Finish: open the overlap (ctrl+l)", id="psi-do-finish",
                                 variant="primary")
            yield Static("", id="psi-running", classes="dialog-hint")
            yield Static("", id="psi-result")
            yield Static("", id="psi-error")
            if not self.share_safe:
                yield Static("Pick a file below (enter): it fills the field you were last in. "
                             "Tab / shift+tab move; ctrl+t next step; escape closes.",
                             classes="dialog-hint")
                yield ExchangeFilePicker(Path.cwd(), id="psi-picker")

    def _row(self, label: str, field_id: str, placeholder: str, value: str = "") -> Horizontal:
        self._labels[field_id] = label
        return Horizontal(Label(label, classes="psi-label"),
                          FieldInput(value, placeholder=placeholder, id=field_id), classes="psi-row")

    def on_mount(self) -> None:
        self.query_one("#psi-result").display = False
        self.query_one("#psi-error").display = False
        self.query_one("#psi-do-answer-size").display = False
        self._suggest_out1()
        self.query_one("#psi-list" if not self.list_path else "#psi-company", Input).focus()
        # the focus scrolled the box while its rows were still full height (before `-short`):
        # the title and hint come back into view, the first fields with them
        self.call_after_refresh(self.query_one("#psi-box").scroll_home, animate=False)

    # --- the fields ---------------------------------------------------------------------------

    def _value(self, field_id: str, typed: Typed | None = None) -> str:
        return field_value(self, f"#{field_id}", typed).strip()

    def _set(self, field_id: str, value: str, *, suggestion: bool = False) -> None:
        """Fill a field; a suggestion never overwrites what the user typed."""
        field = self.query_one(f"#{field_id}", Input)
        if suggestion:
            if field.value.strip() and field.value != self._suggested.get(field_id):
                return
            self._suggested[field_id] = value
        field.value = value

    def _suggest_out1(self) -> None:
        if self._value("psi-list"):
            self._set("psi-out1", str(suggest_round_file(Path(self._value("psi-list")).expanduser(), 1)),
                      suggestion=True)

    @on(Input.Changed, "#psi-list")
    def _list_changed(self) -> None:
        self._suggest_out1()

    @on(Input.Changed, "#psi-a-ours1")
    def _ours1_changed(self) -> None:
        if self._value("psi-a-ours1"):
            self._set("psi-a-out2", str(suggest_round_file(Path(self._value("psi-a-ours1")), 2)),
                      suggestion=True)

    def on_descendant_focus(self, event) -> None:
        if isinstance(event.widget, ExchangeFilePicker):  # a partner's file may have come in
            self._reload_picker()
        widget_id = getattr(event.widget, "id", None)
        if any(widget_id in ids for ids in PATHS.values()):
            self._target = widget_id

    @on(DirectoryTree.FileSelected)
    def _picked(self, event: DirectoryTree.FileSelected) -> None:
        step = self._step()
        fields = PATHS[step]
        target = self._target if self._target in fields else fields[0]
        self._set(target, str(event.path))
        empty = [f for f in fields if not self._value(f)]
        if empty:  # the next pick fills the next empty file of this step
            self._target = empty[0]

    def _step(self) -> str:
        return self.query_one("#psi-steps", TabbedContent).active or STEPS[0]

    # --- running a step ---------------------------------------------------------------------

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self._run(self._step(), (event.input, event.value))

    @on(Button.Pressed, "#psi-do-start")
    def _start_pressed(self) -> None:
        self._run("psi-start")

    @on(Button.Pressed, "#psi-do-answer")
    def _answer_pressed(self) -> None:
        self._run("psi-answer")

    @on(Button.Pressed, "#psi-do-finish")
    def _finish_pressed(self) -> None:
        self._run("psi-finish")

    @on(Button.Pressed, "#psi-do-answer-size")
    def _size_confirmed(self) -> None:
        self._run("psi-answer", confirmed=True)

    def action_run_step(self) -> None:
        self._run(self._step())

    def action_next_step(self) -> None:
        tabs = self.query_one("#psi-steps", TabbedContent)
        tabs.active = STEPS[(STEPS.index(self._step()) + 1) % len(STEPS)]
        fields = PATHS[tabs.active]
        empty = [f for f in fields if not self._value(f)]
        self.query_one(f"#{(empty or fields)[0]}", Input).focus()

    def action_close(self) -> None:
        self.dismiss(None)

    def _run(self, step: str, typed: Typed | None = None, confirmed: bool = False) -> None:
        """Run a step on the files given (`typed`: the field enter was pressed in, and its text
        then: keys typed after that enter may be in it by now; `confirmed`: the size asked about
        was confirmed, for the partner file it was asked of)."""
        def value(field_id: str) -> str:
            return self._value(field_id, typed)

        missing = [self._labels[f] for f in PATHS[step] if not value(f)]
        if missing:
            self._show_error(f"Give every file of this step first: {', '.join(missing)}.")
            return
        self.query_one("#psi-error").display = False
        self.query_one("#psi-result").display = False
        self.query_one("#psi-do-answer-size").display = False
        words = {"psi-start": "Blinding our list…", "psi-answer": "Answering the partner's file…",
                 "psi-finish": "Finding the overlap…"}
        self.query_one("#psi-running", Static).update(words[step])
        if step == "psi-start":
            self._in_thread(self._do_start, value("psi-list"), value("psi-company"),
                            self.query_one("#psi-counts-only", Checkbox).value,
                            value("psi-out1"), value("psi-status"))
        elif step == "psi-answer":
            asked = self._size_asked
            expect = asked[1] if confirmed and asked and asked[0] == value("psi-a-theirs1") else None
            self._in_thread(self._do_answer, value("psi-a-ours1"),
                            value("psi-a-theirs1"), value("psi-a-out2"), expect)
        else:
            self._in_thread(self._do_finish, value("psi-f-ours1"),
                            value("psi-f-theirs1"), value("psi-f-theirs2"),
                            value("psi-company"), value("psi-f-partner"))

    @work(thread=True, exclusive=True, group="psi", description="exchange step")
    def _in_thread(self, step: Callable[..., Callable[[], None]], *args) -> None:
        """Run one step off the UI thread; its result (or refusal) comes back to the dialog."""
        report_back(self.app, lambda: step(*args), lambda show: show(), self._show_error,
                    "in the exchange")

    # Each _do_* runs in the worker thread and returns what to do on the UI thread.

    def _do_start(self, list_path: str, company: str, counts_only: bool,
                  out: str, status_words: str) -> Callable[[], None]:
        status_map = parse_status_map(status_words.split(",") if status_words else None,
                                      "Status words")
        lst = ingest.read_list(str(Path(list_path).expanduser()), OURS, company,
                               columns=self.columns or None, status_map=status_map or None)
        started = psi.start(lst, Path(out).expanduser(), counts_only=counts_only, company=company)
        return lambda: self._started(started, lst)

    def _do_answer(self, ours1: str, theirs1: str, out: str,
                   expect_size: int | None) -> Callable[[], None]:
        try:
            done = psi.answer(Path(ours1).expanduser(), Path(theirs1).expanduser(),
                              Path(out).expanduser(), expect_size=expect_size,
                              seen=lambda partner: self.app.call_from_thread(self._seen, partner))
        except psi.SizeNotExpected as err:
            return partial(self._ask_size, err, theirs1)
        except psi.AlreadyAnswered as err:
            if not self.share_safe:
                raise
            return partial(self._show_error, err.unnamed)  # other partnerships stay off the screen
        return lambda: self._answered(done, ours1, theirs1)

    def _do_finish(self, ours1: str, theirs1: str, theirs2: str, company: str,
                   partner: str) -> Callable[[], None]:
        request = SessionRequest.for_exchange(ExchangeFiles(ours1, theirs1, theirs2),
                                              ours_name=company, partner_name=partner)
        done = finish_exchange(request)
        if done.counts_only:
            return lambda: self._counted(done)
        workbench = open_exchange(done)
        return partial(self._opened, workbench, done.secret)

    # --- results, on the UI thread ------------------------------------------------------------

    def _started(self, started: psi.Started, lst: AccountList) -> None:
        mode = ("counts only: each side learns only how many accounts overlap per category"
                if started.counts_only else "overlap: each side learns the shared accounts and "
                "the other's status for them")
        unknown = psi.unknown_status_note(lst, "in Status words")
        lines = [f"Wrote {started.path}: round 1 ({mode}).",
                 psi.taking_part(started)
                 + (f"; {started.left_out:,} without a domain left out." if started.left_out else "."),
                 *filter(None, [unknown]),
                 *(f"  - {problem}" for problem in psi.list_problems(lst)),
                 f"Send {started.path.name} to this partner only (one exchange per partner).",
                 f"Your secret for this exchange stays on this machine ({started.secret}): never "
                 "send it.",
                 "Next: when their round-1 file arrives, answer it (ctrl+t: Answer)."]
        for field_id in ("psi-a-ours1", "psi-f-ours1"):
            self._set(field_id, str(started.path))
        if unknown:  # the next start, with the words mapped, writes a new file
            self._suggest_out1()
        self._show_result("\n".join(lines))

    def _seen(self, partner: psi.PartnerList) -> None:
        """The partner's company and list size, shown before anything is computed or recorded."""
        self.query_one("#psi-running", Static).update(Text(shown(
            f"{partner.who}'s list: {partner.size:,} domains; ours: "
            f"{partner.our_size:,}. Answering…")))

    def _ask_size(self, err: psi.SizeNotExpected, theirs1: str) -> None:
        """A partner list out of proportion: say so, and answer it only on the button naming it."""
        partner = err.partner
        self._size_asked = (theirs1, partner.size)
        self._show_error(str(err))
        button = self.query_one("#psi-do-answer-size", Button)
        button.label = Text(shown(f"It is what I expect: answer {partner.who}'s {partner.size:,} "
                                  "domains"))
        button.display = True
        # not focused: an enter typed right behind the one that asked would press it unseen
        # (audit 17 M4); tab reaches it

    def _answered(self, done: psi.Answered, ours1: str, theirs1: str) -> None:
        who = done.partner_company or "the partner"
        self._set("psi-f-ours1", ours1)
        self._set("psi-f-theirs1", theirs1)
        if done.partner_company and not self._value("psi-f-partner"):
            self._set("psi-f-partner", done.partner_company)
        again = ("\nThis exchange had answered this same file before (a re-send is fine); it "
                 "answers no other." if done.again else "")
        domains = f"{done.partner_size:,} domain{'s' * (done.partner_size != 1)}"
        self._show_result(
            f"Wrote {done.path}: our answer to {who}'s {domains}. Send it to "
            f"your partner.{again}\nTheir list: {done.partner_size:,} domains; "
            f"ours: {done.list_size:,}.\n"
            "Next: when their round-2 file arrives, finish (ctrl+t: Finish).")

    def _opened(self, workbench: Workbench, secret: Path | None) -> None:
        if secret is not None:  # its path names no partner: an exchange id
            self.app.notify(shown(f"The local secret of this exchange, {secret}, now keeps "
                                  "only the overlap's records: delete it when you will not "
                                  "finish this exchange again."), timeout=15, markup=False)
        self.dismiss(workbench)

    def _counted(self, done: psi.Finished) -> None:
        notes = Text("\n".join(f"Note: {n}" for n in done.notes), style="dim")
        self._show_result(Group(counts_panel(done), notes))

    def _reload_picker(self) -> None:
        """Show the files as they are now (expanded folders and the cursor stay where they were):
        a step writes one, and the partner's arrive while the dialog is open."""
        for picker in self.query(ExchangeFilePicker):
            picker.reload()

    def _show_result(self, content: str | Group) -> None:
        """A step's result: a text (names and paths in it are never read as markup, and their
        control characters are shown as escapes), or a panel."""
        self.query_one("#psi-running", Static).update("")
        result = self.query_one("#psi-result", Static)
        result.update(Text(shown(content)) if isinstance(content, str) else content)
        result.display = True
        # below the fold at 80x24; once laid out with the new text (its old height showed the
        # result's first lines only, under load)
        self.call_after_refresh(result.scroll_visible, animate=False)
        self._reload_picker()

    def _show_error(self, message: str) -> None:
        self.query_one("#psi-running", Static).update("")
        self.query_one("#psi-result").display = False
        error = self.query_one("#psi-error", Static)
        error.update(Text(shown(message)))
        error.display = True
        self.call_after_refresh(error.scroll_visible, animate=False)
        self._reload_picker()
