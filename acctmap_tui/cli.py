"""The `acctmap` command line: open the workbench, or run one core step and print what it did.

Every subcommand is a thin driver over `acctmap_tui.core`; the TUI is imported only by the
commands that open it, so `acctmap match` and friends work without a terminal UI.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

# core.compare and core.psi are imported by the commands that use them: a session opens sooner
from acctmap_tui.core import atomic, export, ingest, privacy, start
from acctmap_tui.core import session as session_io
from acctmap_tui.core.export import shown
from acctmap_tui.core.categorize import format_rate, overlap_figures
from acctmap_tui.core.model import (
    CATEGORIES,
    OURS,
    PARTNER,
    STATUSES,
    AccountList,
    AcctmapError,
    Session,
)

from acctmap_tui.core.start import SessionRequest, parse_columns, parse_status_map

if TYPE_CHECKING:
    from acctmap_tui.core import psi
    from acctmap_tui.core.pipeline import NewSession

SESSIONS_DIR = Path("sessions")
STDOUT = "/dev/stdout"  # what `-o -` writes through: every writer takes a file name

# What a command built, left for the process's end when `run` ends it with `os._exit`: freed
# object by object as the command returned, a 200k × 200k match took 0.6-0.8 s more.
_ENDS_AT_ONCE = False
_left_to_the_end: list[object] = []


def _leave_to_the_end(*built: object) -> None:
    """Keep what a command built alive until the process ends, when `run` ends it at once (else,
    in a test calling `main`, nothing is kept)."""
    if _ENDS_AT_ONCE:
        _left_to_the_end.extend(built)


# --- starting a session ---------------------------------------------------------------------


def _request(args: argparse.Namespace) -> SessionRequest:
    """The session request the list arguments describe (`match` and `new`)."""
    shared_cols = parse_columns(args.columns, "--columns")
    return SessionRequest(
        args.ours, args.theirs,
        ours_name=args.ours_name or "", partner_name=args.partner or "",
        ours_columns={**shared_cols, **parse_columns(args.ours_columns, "--ours-columns")},
        partner_columns={**shared_cols, **parse_columns(args.partner_columns, "--partner-columns")},
        status_map=parse_status_map(args.status),
        ours_sheet=args.ours_sheet or args.sheet, partner_sheet=args.partner_sheet or args.sheet,
        key=args.key_file, prior=args.from_session, force=args.force,
    )


class _Progress:
    """A progress bar on stderr (rich) for a command that runs over about a second.

    Nothing is drawn when stderr is not a terminal, nor for a run that ends within `DELAY`: the
    bar appears from a timer, so a quick command prints exactly what it printed before.
    """

    DELAY = 1.0

    def __init__(self) -> None:
        self.fraction, self.phase = 0.0, ""
        self._bar = self._task = None
        self._lock = threading.Lock()
        self._done = False
        self._timer = None
        if sys.stderr.isatty():
            self._timer = threading.Timer(self.DELAY, self._show)
            self._timer.daemon = True
            self._timer.start()

    def _show(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

        with self._lock:
            if self._done:
                return
            self._bar = Progress(TextColumn("{task.description:<28}"), BarColumn(), TaskProgressColumn(),
                                 TimeElapsedColumn(), console=Console(stderr=True), transient=True)
            self._task = self._bar.add_task(self.phase, total=100, completed=100 * self.fraction)
            self._bar.start()

    def update(self, fraction: float, phase: str) -> None:
        """Overall progress 0..1 and what is being done."""
        with self._lock:
            self.fraction, self.phase = fraction, phase
            if self._bar is not None:
                self._bar.update(self._task, completed=100 * fraction, description=phase)

    def close(self) -> None:
        with self._lock:
            self._done = True
            if self._timer is not None:
                self._timer.cancel()
            if self._bar is not None:
                self._bar.stop()
                self._bar = None

    def __enter__(self) -> _Progress:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


# --- summaries --------------------------------------------------------------------------------


def match_summary(built: NewSession) -> str:
    """The plain-text summary `acctmap match` and `acctmap demo --summary` print."""
    s, result = built.session, built.result
    fig = overlap_figures(s)
    lines = [s.title, ""]
    for src in s.sources:
        who = "ours" if src.side == OURS else "partner"
        read = (f"{src.accounts} accounts with a domain (hashed)" if src.hashed
                else f"{src.rows} rows read, {src.accounts} accounts")
        lines.append(f"{src.company} ({who}): {read}, {len(src.problems)} problems  [{src.path}]")
    problems = [p for src in s.sources for p in src.problems]
    if problems:
        lines.append("")
        lines.append("Problems found:")
        lines += [f"  - {p}" for p in problems[:15]]
        if len(problems) > 15:
            lines.append(f"  ... and {len(problems) - 15} more")
    lines.append("")
    by_method = ", ".join(f"{m} {n}" for m, n in sorted(result.stats.items()) if n and m in
                          ("domain", "name", "manual", "hash", "psi"))
    lines.append(f"Matches by method: {by_method or 'none'}")
    lines.append(f"Review queue: {fig.review} pairs need a person")
    lines.append(f"Overlap: {fig.overlap} accounts  ({format_rate(fig.rate(OURS))} of {s.ours}'s list, "
                 f"{format_rate(fig.rate(PARTNER))} of {s.partner}'s)")
    for cat in CATEGORIES:
        lines.append(f"  {cat.code:<7}{cat.label:<32}{fig.per_category[cat.key]:>5}   {cat.play}")
    if fig.uncategorized:
        lines.append(f"  {'?':<7}{'Status unknown (map the word)':<32}{fig.uncategorized:>5}")
    if fig.win_back:
        lines.append(f"Win-back candidates (churned on a side): {fig.win_back}")
    if built.carried:
        lines.append(f"Carried forward from the prior session: {built.carried} accounts")
    for note in built.notes:
        lines.append(f"Note: {note}")
    return "\n".join(lines)


# --- text for the terminal --------------------------------------------------------------------

# shown(): report text with its control characters written as escapes (core.export's rule,
# which the Markdown files follow too)


def _talk(output: str | Path | None) -> TextIO:
    """Where a command says what it wrote and what comes next: stderr when its output file is
    stdout, so those lines stay out of the data (`-o - | head`). Asked before the file is
    written: a regular file is replaced by a new one."""
    return sys.stderr if output and atomic.is_our_stdout(output) else sys.stdout


# --- subcommands ------------------------------------------------------------------------------


def cmd_match(args: argparse.Namespace) -> int:
    atomic.refuse_own_input(args.output, args.ours, args.theirs, args.from_session, args.key_file)
    talk = _talk(args.output)
    share = 0.85 if args.output else 1.0  # of the bar for the match; the rest is the write
    with _Progress() as bar:  # rich routes print() above the bar while it is shown
        built = start.build_session(_request(args),
                                    progress=lambda f, stage: bar.update(share * f, stage))
        print(shown(match_summary(built)), file=talk)
        if args.output:
            bar.update(0.85, "writing the session")
            path = session_io.save(built.session, args.output)
            bar.close()
            print(f"\nSaved session: {path}", file=talk)
    _leave_to_the_end(built)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    if args.summary:
        print(match_summary(demo_session()))
        return 0
    return _run_app(workbench=_demo_workbench())


def cmd_open(args: argparse.Namespace) -> int:
    if args.session is None:
        # a folder with list exports or saved sessions gets the start screen; else the demo
        offer = start.start_offer(Path.cwd(), SESSIONS_DIR)
        if offer:
            return _run_app(start_offer=offer)
        return _run_app(workbench=_demo_workbench())
    # The app shows the session first, then re-reads its lists. A progress bar could not move
    # while tomli parses (compiled, it holds the interpreter throughout): one line says it instead.
    size = _file_size(args.session)
    telling = sys.stderr.isatty() and size >= 2**20
    if telling:
        sys.stderr.write(f"Reading {args.session} ({size / 2**20:.1f} MiB)…")
        sys.stderr.flush()
    try:
        workbench = start.open_saved(args.session, lists_later=True)
    finally:
        if telling:
            sys.stderr.write("\r\x1b[2K")  # the line goes before the app or an error shows
            sys.stderr.flush()
    return _run_app(workbench=workbench)


def _file_size(path: Path | str) -> int:
    try:
        return Path(path).stat().st_size
    except OSError:
        return 0


def cmd_new(args: argparse.Namespace) -> int:
    # read every file now, so an unreadable one fails before the UI starts; match in the app
    return _run_app(load=start.prepare(_request(args)))


def cmd_export(args: argparse.Namespace) -> int:
    out = args.output or Path(args.session).with_suffix(".actions" + export.EXPORT_FORMATS[args.format][1])
    atomic.refuse_own_input(out, args.session)
    talk = _talk(out)
    with _Progress() as bar:
        bar.update(0.0, "reading the session")
        session = session_io.load(args.session)
        bar.update(0.8, "writing the action list")
        path = export.write_export(session, out, args.format, top=args.top,
                                   partner_safe=args.partner_safe, all_fields=args.all_fields)
    what = ("partner-safe: only fields marked shareable" if args.partner_safe or args.format in export.CRM_COLUMNS
            else "every field, private ones included" if args.all_fields else "the action-list columns")
    print(f"Wrote {path} ({what})", file=talk)
    if not export.listed_accounts(session, args.top):
        print("Note: it holds the header only: " + (
            "the session has no overlap" if args.top is None or not session.overlap() else
            "no account is scored or has an owner or a next action yet, and only those count "
            "toward --top (leave --top out for the whole overlap)"), file=talk)
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from acctmap_tui.core import compare
    old, new = session_io.load(args.old), session_io.load(args.new)
    # named by their files: two sessions may well share a title
    result = compare.diff_sessions(old, new, force=args.force, what=(
        f"the old session {args.old}", f"the new session {args.new}"))
    if args.partner_safe:
        result = compare.partner_safe(result, old, new)
    render = {"text": compare.render_text, "md": compare.render_markdown,
              "csv": compare.render_csv, "json": compare.render_json}[args.format]
    report = render(result)
    _leave_to_the_end(old, new, result)  # two sessions: freed one object at a time, 0.1 s at 50k
    # piped or redirected, a CSV keeps each cell as it is (quoted) and JSON its own escapes: data
    print(shown(report) if args.format in ("text", "md") or sys.stdout.isatty() else report)
    if args.format == "csv":  # a CSV has no room for the note: it goes beside it
        print(f"acctmap: {compare.privacy_line(result)}", file=sys.stderr)
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    from acctmap_tui.core import compare
    sessions: list[Session] = []
    skipped: list[str] = []
    for item in args.sessions or [str(SESSIONS_DIR)]:
        p = Path(item)
        if p.is_dir():
            infos = session_io.list_sessions(p)
            skipped += [i.error for i in infos if i.error]
            paths = [i.path for i in infos if not i.error]
        else:
            paths = [p]
        for path in paths:
            try:
                sessions.append(session_io.load(path))
            except AcctmapError as err:
                skipped.append(str(err))
    for reason in skipped:
        print(shown(f"acctmap: skipped {reason}"), file=sys.stderr)
    if not sessions:
        raise AcctmapError("no sessions found: name session files or a folder of them")
    groups: dict[tuple[str, str], list[Session]] = {}  # one table per partnership (its one rule)
    for s in sessions:
        groups.setdefault(compare.partnership_key(s.ours, s.partner), []).append(s)
    if len(groups) > 1:
        names = "; ".join(f"{g[0].ours} x {g[0].partner}" for g in groups.values())
        print(shown(f"acctmap: note: these sessions are of {len(groups)} partnerships ({names}): "
                    "each is shown on its own"), file=sys.stderr)
    parts = []
    for group in groups.values():
        heading = f"{group[0].ours} x {group[0].partner}\n\n" if len(groups) > 1 else ""
        parts.append(heading + compare.render_history(compare.history(group)))
    print(shown("\n".join(parts)), end="")
    return 0


def _read_own_list(args: argparse.Namespace, company: str = "") -> AccountList:
    """Our list for `share`, `hash` and `psi start`: its columns, sheet and status words."""
    return ingest.read_list(args.list, OURS, company, columns=parse_columns(args.columns, "--columns") or None,
                            status_map=parse_status_map(args.status) or None, sheet=args.sheet)


def _tell_share(report: privacy.ShareReport, talk: TextIO) -> None:
    """What a share or hashed file holds; the status words sent blank on stderr, each where it is."""
    print(shown(report.describe()), file=talk)
    for problem in report.status_problems:
        print(shown(f"acctmap: {problem}"), file=sys.stderr)


def cmd_share(args: argparse.Namespace) -> int:
    atomic.refuse_own_input(args.output, args.list)
    talk = _talk(args.output)
    fields = tuple(f.strip() for f in args.fields.split(",") if f.strip())
    _tell_share(privacy.write_share(_read_own_list(args), args.output, fields), talk)
    return 0


def cmd_hash(args: argparse.Namespace) -> int:
    atomic.refuse_own_input(args.output, args.list, args.key_file)
    talk = _talk(args.output)
    key = privacy.read_key(args.key_file)
    _tell_share(privacy.write_hashed(_read_own_list(args), args.output, key), talk)
    return 0


def cmd_keygen(args: argparse.Namespace) -> int:
    key = privacy.keygen()
    if args.output and args.output != STDOUT:  # `-o -`: the key alone on stdout, as without -o
        privacy.write_key(args.output, key, force=args.force)
        print(f"Wrote a new key to {args.output} (readable by you only). Send it to your partner "
              "by a separate channel; use it for this exchange only. Note: the keyed-hash "
              "exchange is weaker than `acctmap psi` (whoever holds the key can test guessed "
              "domains against the other's file).")
    else:
        print(key)
    return 0


# --- private overlap exchange (PSI) -----------------------------------------------------------


def cmd_psi_start(args: argparse.Namespace) -> int:
    from acctmap_tui.core import psi
    talk = _talk(args.output)
    lst = _read_own_list(args, args.ours_name or "")
    started = psi.start(lst, args.output, counts_only=args.counts_only,
                        company=args.ours_name or "")
    mode = ("counts only: each side learns only how many accounts overlap per category"
            if started.counts_only else "overlap: each side learns the shared accounts and the "
            "other's status for them")
    print(f"Wrote {started.path}: round 1 of a private overlap exchange ({mode}).", file=talk)
    print(f"  {psi.taking_part(started)}", end="", file=talk)
    print(f"; {started.left_out:,} without a domain left out" if started.left_out else "", end="",
          file=talk)
    print(f"; {started.unknown_status:,} with a status word acctmap does not know"
          if started.unknown_status else "", file=talk)
    if note := psi.unknown_status_note(lst, "with --status 'WORD=STATUS'"):
        print(shown(f"  {note}"), file=talk)
    for problem in psi.list_problems(lst):
        print(shown(f"  - {problem}"), file=talk)
    print(f"Send {started.path} to this partner only (one exchange per partner). Your secret for "
          f"this exchange stays in {started.secret}: never send it.", file=talk)
    print(f"Next: when the partner's round-1 file arrives, run\n  acctmap psi answer "
          f"{started.path} THEIRS1.psi -o OURS2.psi", file=talk)
    return 0


def cmd_psi_answer(args: argparse.Namespace) -> int:
    from acctmap_tui.core import psi
    talk = _talk(args.output)

    def seen(partner: psi.PartnerList) -> None:  # before anything is computed or recorded
        print(shown(f"{partner.who}'s list: {partner.size:,} domains; ours: "
                    f"{partner.our_size:,}."), file=talk)  # the name is the partner's, from its file

    try:
        done = psi.answer(args.ours1, args.theirs1, args.output, expect_size=args.expect_size,
                          seen=seen)
    except psi.SizeNotExpected as err:
        print(shown(f"acctmap: error: {err}. If {err.partner.size:,} is the size you expect, run "
                    f"the same command with --expect-size {err.partner.size}"), file=sys.stderr)
        return 2
    who = done.partner_company or "the partner"
    print(shown(f"Wrote {done.path}: our answer to {who}'s {done.partner_size:,} entries. Send "
                "it to your partner."), file=talk)
    if done.again:
        print("This exchange had answered this same file before (a re-send is fine); it "
              "answers no other.", file=talk)
    print(f"Next: when their round-2 file arrives, run\n  acctmap psi finish {args.ours1} "
          f"{args.theirs1} THEIRS2.psi -o sessions/NAME.toml", file=talk)
    return 0


def _counts_lines(done: psi.Finished) -> list[str]:
    from acctmap_tui.core import psi
    lines = [f"Overlap: {done.overlap} accounts  ({done.ours}: {done.our_size} accounts, "
             f"{done.partner}: {done.partner_size})"]
    for cat in CATEGORIES:
        lines.append(f"  {cat.code:<7}{cat.label:<32}{done.counts[cat.key]:>5}   {cat.play}")
    if done.counts[psi.UNCATEGORIZED]:
        lines.append(f"  {'?':<7}{'Status unknown on a side':<32}"
                     f"{done.counts[psi.UNCATEGORIZED]:>5}")
    return lines


def cmd_psi_finish(args: argparse.Namespace) -> int:
    from acctmap_tui.core import psi
    if args.output:  # the session too is never written over one of the three round files
        psi.check_output(args.output, args.ours1, args.theirs1, args.theirs2)
    talk = _talk(args.output)
    request = start.SessionRequest.for_exchange(
        start.ExchangeFiles(args.ours1, args.theirs1, args.theirs2),
        ours_name=args.ours_name or "", partner_name=args.partner or "")
    done = start.finish_exchange(request)
    if done.counts_only:
        print(shown(f"{done.ours} x {done.partner} — private overlap, counts only"), file=talk)
        print(shown("\n".join(_counts_lines(done))), file=talk)
        for note in done.notes:
            print(f"Note: {note}", file=talk)
        if args.output:
            print(f"\nSaved the counts: {psi.write_counts(done, args.output)}", file=talk)
        return 0
    if args.output:
        psi.check_output(args.output, *done.files)  # our list too (its path is in the secret)
    print(shown(match_summary(start.exchange_session(done))), file=talk)
    if args.output:
        print(f"\nSaved session: {session_io.save(done.session, args.output)}", file=talk)
    else:
        print("\nNot saved: add -o sessions/NAME.toml to keep the session.")
    return 0


# --- demo and app -----------------------------------------------------------------------------


def demo_session(day: date | None = None) -> NewSession:
    """The bundled demo pair of lists, matched into a fresh session."""
    return start.build_session(start.demo_request(day))


def _demo_workbench():
    return start.open_workbench(start.demo_request(), unsaved=False)


def _run_app(**kwargs) -> int:
    from acctmap_tui.app import AcctmapApp

    app = AcctmapApp(sessions_dir=SESSIONS_DIR, **kwargs)
    app.run()
    code = app.return_code or 0
    if app.stopped_by is not None:  # SIGTERM, SIGHUP: the recovery file is written
        _say_stopped(app.stopped_by.name, app.stop_recovery)
    elif code:  # the app stopped on an unexpected error (Textual printed it above)
        recovery = app.write_crash_recovery()
        if recovery is not None:
            print(f"acctmap: the app stopped on an unexpected error. Your unsaved changes are in "
                  f"{recovery}; open the session again to restore them.", file=sys.stderr)
        else:
            print("acctmap: the app stopped on an unexpected error; there were no unsaved changes.",
                  file=sys.stderr)
    _leave_to_the_end(app)  # its session and lists: 0.25 s to free at 50k, after the screen was back
    return code


def _say_stopped(signal_name: str, recovery: Path | None) -> None:
    """Where the unsaved edits went when a signal stopped the app (on a terminal that may be gone)."""
    kept = (f"Your unsaved changes are in {recovery}; open the session again to restore them."
            if recovery is not None else "There were no unsaved changes.")
    try:
        print(f"acctmap: stopped by {signal_name}. {kept}", file=sys.stderr)
    except OSError:
        pass


# --- parser -----------------------------------------------------------------------------------


def _list_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("ours", help="our account list (.csv, .tsv, .txt, .xlsx)")
    p.add_argument("theirs", help="the partner's account list (plain or hashed)")
    p.add_argument("--ours-name", help="our company name (default: from the file name)")
    p.add_argument("--partner", help="the partner's company name (default: from the file name)")
    p.add_argument("--columns", help="column override for both lists: name=...,domain=...,status=...,owner=...")
    p.add_argument("--ours-columns", help="column override for our list")
    p.add_argument("--partner-columns", help="column override for the partner's list")
    _status_arg(p)
    p.add_argument("--sheet", help="the workbook sheet to read, by name or number from 1 "
                                   "(default: the first sheet that holds a list)")
    p.add_argument("--ours-sheet", help="the sheet of our workbook (wins over --sheet)")
    p.add_argument("--partner-sheet", help="the sheet of the partner's workbook (wins over --sheet)")
    p.add_argument("--from", dest="from_session", metavar="PRIOR.toml",
                   help="carry decisions, scores, owners and actions forward from a prior session")
    p.add_argument("--force", action="store_true",
                   help="carry the --from session even when it is of another partnership")
    p.add_argument("--key-file", help="shared key, when one list is hashed (acctmap hash)")


def _status_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--status", action="append", metavar="WORD=STATUS",
                   help=f"map a status word (repeatable); STATUS is one of: {', '.join(STATUSES)}")


def _output_file(text: str) -> str:
    """`-o FILE`, where `-` is stdout (a pipe, the terminal, or a file it is redirected to),
    written through /dev/stdout (`core.atomic` writes through our fd 1, as `>` or `>>` opened it).
    Refused where there is no /dev/stdout."""
    if text != "-":
        return text
    if not os.path.exists(STDOUT):
        raise argparse.ArgumentTypeError(f"'-' is stdout, and there is no {STDOUT} to write it "
                                         "through here: name a file")
    return STDOUT


def _exchange_file(text: str) -> str:
    """`-o FILE` of a private overlap exchange step: a file, never stdout."""
    if text == "-":
        raise argparse.ArgumentTypeError("'-' is stdout, and the private overlap exchange "
                                         "writes files only: name a file")
    return text


def _output_arg(p: argparse.ArgumentParser, what: str, *, required: bool = False,
                exchange: bool = False) -> None:
    p.add_argument("-o", "--output", required=required, help=what,
                   type=_exchange_file if exchange else _output_file)


def _top_count(text: str) -> int:
    """`--top N`: a whole number of 1 or more (0 or less would list nothing)."""
    try:
        count = int(text)
    except ValueError:
        count = 0
    if count < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of 1 or more, got {text!r}")
    return count


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="acctmap",
        description="Partner account mapping: match two account lists, categorize, prioritize, assign.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("open", help="open a saved session in the app (what `acctmap FILE` does)")
    p.add_argument("session", nargs="?", help="a session TOML (default: the bundled demo)")
    p.set_defaults(func=cmd_open)

    p = sub.add_parser("demo", help="open the app on the bundled demo lists")
    p.add_argument("--summary", action="store_true", help="print the demo's mapping summary instead")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("new", help="start a new session in the app from two lists")
    _list_args(p)
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("match", help="match two lists and print the summary")
    _list_args(p)
    _output_arg(p, "save the session TOML here (e.g. sessions/NAME.toml; - for stdout)")
    p.set_defaults(func=cmd_match)

    p = sub.add_parser("export", help="write the action list of a session")
    p.add_argument("session")
    p.add_argument("--format", choices=tuple(export.EXPORT_FORMATS), default="csv",
                   help="csv, md (Markdown), xlsx (Excel), or a CRM import CSV: salesforce, hubspot "
                        "(shareable fields only)")
    p.add_argument("--top", type=_top_count, metavar="N",
                   help="only the first N by priority of the accounts scored or given an owner "
                        "or a next action (refused for a partner-safe or CRM file while the "
                        "priority is private)")
    p.add_argument("--partner-safe", action="store_true", help="only fields marked shareable")
    p.add_argument("--all-fields", action="store_true",
                   help="add notes and every source column (internal use; never for the partner)")
    _output_arg(p, "the file to write (default: beside the session; - for stdout)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("diff", help="what changed between two sessions of a partnership")
    p.add_argument("old")
    p.add_argument("new")
    p.add_argument("--format", choices=("text", "md", "csv", "json"), default="text")
    p.add_argument("--force", action="store_true", help="compare sessions of different partners")
    p.add_argument("--partner-safe", action="store_true",
                   help="only fields both sessions mark shareable (no notes, priority or rank by "
                        "default): the report to send the partner")
    p.set_defaults(func=cmd_diff)

    p = sub.add_parser("history", help="overlap per category over several sessions")
    p.add_argument("sessions", nargs="*", help="session files or folders (default: sessions/)")
    p.set_defaults(func=cmd_history)

    p = sub.add_parser("share", help="write the minimal list to send a partner")
    p.add_argument("list")
    _output_arg(p, "the file to send (- for stdout)", required=True)
    p.add_argument("--fields", default="domain,status", help="fields to share (default: domain,status)")
    p.add_argument("--columns", help="column override: name=...,domain=...,status=...")
    _status_arg(p)
    p.add_argument("--sheet", help="the workbook sheet to read, by name or number from 1")
    p.set_defaults(func=cmd_share)

    p = sub.add_parser("hash", help="write keyed hashes (HMAC-SHA256) of a list's domains "
                                    "(weaker than `psi`: the key holder can test guessed domains)")
    p.add_argument("list")
    p.add_argument("--key-file", required=True)
    _output_arg(p, "the file to send (- for stdout)", required=True)
    p.add_argument("--columns", help="column override: name=...,domain=...,status=...")
    _status_arg(p)
    p.add_argument("--sheet", help="the workbook sheet to read, by name or number from 1")
    p.set_defaults(func=cmd_hash)

    p = sub.add_parser("keygen", help="make a secret key for a keyed-hash exchange (weaker than "
                                      "`psi`)")
    _output_arg(p, "the key file to write (mode 0600; - prints the key, as without -o)")
    p.add_argument("--force", action="store_true", help="replace an existing key file")
    p.set_defaults(func=cmd_keygen)

    psi_p = sub.add_parser(
        "psi", help="private overlap exchange by files: each side learns the overlap and nothing "
                    "else (private set intersection; no shared key, no third party)")
    psi_sub = psi_p.add_subparsers(dest="psi_command", metavar="STEP", required=True)
    p = psi_sub.add_parser("start", help="round 1: write our blinded list to send the partner")
    p.add_argument("list", help="our account list (.csv, .tsv, .txt, .xlsx)")
    _output_arg(p, "the round-1 file to send (OURS1.psi)", required=True, exchange=True)
    p.add_argument("--counts-only", action="store_true",
                   help="each side learns only how many accounts overlap per category, not which")
    p.add_argument("--columns", help="column override: name=...,domain=...,status=...")
    p.add_argument("--sheet", help="the workbook sheet to read, by name or number from 1")
    p.add_argument("--ours-name", help="our company name, shown to the partner")
    _status_arg(p)
    p.set_defaults(func=cmd_psi_start)
    p = psi_sub.add_parser("answer", help="round 2: answer the partner's round-1 file")
    p.add_argument("ours1", help="our round-1 file (from psi start)")
    p.add_argument("theirs1", help="the partner's round-1 file")
    _output_arg(p, "the round-2 file to send (OURS2.psi)", required=True, exchange=True)
    p.add_argument("--expect-size", type=_top_count, metavar="N",
                   help="answer a partner list of up to N accounts: needed when it is more than "
                        "twice ours (a list padded with guessed domains shows in its size)")
    p.set_defaults(func=cmd_psi_answer)
    p = psi_sub.add_parser("finish", help="the overlap: a session (or the counts) from the files")
    p.add_argument("ours1", help="our round-1 file")
    p.add_argument("theirs1", help="the partner's round-1 file")
    p.add_argument("theirs2", help="the partner's round-2 file (their answer to ours)")
    _output_arg(p, "save the session TOML (counts-only: the counts) here", exchange=True)
    p.add_argument("--ours-name", help="our company name")
    p.add_argument("--partner", help="the partner's company name (default: the name they sent)")
    p.set_defaults(func=cmd_psi_finish)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    commands = parser._subparsers._group_actions[0].choices  # noqa: SLF001 - argparse has no public getter
    if not argv or (argv[0] not in commands and not argv[0].startswith("-")):
        argv.insert(0, "open")  # `acctmap` and `acctmap SESSION.toml`
    args = parser.parse_args(argv)
    try:
        code = args.func(args)
        sys.stdout.flush()  # a reader that went away shows here, not at interpreter exit
        return code
    except AcctmapError as err:
        if isinstance(err.__cause__, BrokenPipeError):  # `-o /dev/stdout | head`
            _stdout_to_devnull()
            return 141
        print(shown(f"acctmap: error: {err}"), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `acctmap history | head`: the reader stopped reading; stop quietly, as `yes | head` does
        _stdout_to_devnull()
        return 141


def run() -> None:
    """The `acctmap` command: `main`, then end the process at once.

    By then the work is saved, every file closed and every worker finished; what is left is
    the interpreter freeing each object one by one (a 50k × 50k match left 0.3-0.8 s of that),
    so after flushing the output the process leaves with `os._exit`, and what a command
    built is not freed before that either (`_leave_to_the_end`).
    """
    global _ENDS_AT_ONCE
    _ENDS_AT_ONCE = True
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        _stdout_to_devnull()
        code = 141
    os._exit(code)


def _stdout_to_devnull() -> None:
    """Point stdout at /dev/null so Python's flush at exit does not complain a second time."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass
