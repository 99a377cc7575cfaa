"""The `acctmap` command line: open the workbench, or run one core step and print what it did.

Every subcommand is a thin driver over `acctmap_tui.core`; the TUI is imported only by the
commands that open it, so `acctmap match` and friends work without a terminal UI.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from acctmap_tui.core import atomic, compare, export, ingest, privacy
from acctmap_tui.core import session as session_io
from acctmap_tui.core.categorize import overlap_figures
from acctmap_tui.core.model import (
    CATEGORIES,
    OURS,
    PARTNER,
    STATUSES,
    AccountList,
    AcctmapError,
    Session,
)
from acctmap_tui.core.pipeline import NewSession, new_session

SESSIONS_DIR = Path("sessions")


# --- argument helpers -------------------------------------------------------------------------


def _pairs(text: str | None, what: str) -> dict[str, str]:
    """'a=b,c=d' -> {'a': 'b', 'c': 'd'}."""
    out: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in (text or "").split(","))):
        key, sep, value = part.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise AcctmapError(f"{what}: expected ROLE=HEADER pairs separated by commas, got {part!r}")
        out[key.strip().lower()] = value.strip()
    return out


def _status_map(items: Sequence[str] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items or ():
        word, sep, status = item.rpartition("=")
        status = status.strip().lower()
        if not sep or status not in STATUSES:
            raise AcctmapError(
                f"--status {item!r}: expected WORD=STATUS with STATUS one of {', '.join(STATUSES)}"
            )
        out[word.strip()] = status
    return out


def _read_side(path: str, side: str, company: str | None, columns: dict[str, str],
               statuses: dict[str, str]) -> AccountList:
    return ingest.read_list(path, side, company or "", columns=columns or None,
                            status_map=statuses or None)


def _read_lists(args: argparse.Namespace) -> tuple[AccountList, AccountList]:
    shared_cols = _pairs(args.columns, "--columns")
    statuses = _status_map(args.status)
    ours = _read_side(args.ours, OURS, args.ours_name,
                      {**shared_cols, **_pairs(args.ours_columns, "--ours-columns")}, statuses)
    theirs = _read_side(args.theirs, PARTNER, args.partner,
                        {**shared_cols, **_pairs(args.partner_columns, "--partner-columns")}, statuses)
    return ours, theirs


def _build(args: argparse.Namespace) -> NewSession:
    ours, theirs = _read_lists(args)
    prior = session_io.load(args.from_session) if getattr(args, "from_session", None) else None
    key = privacy.read_key(args.key_file) if getattr(args, "key_file", None) else None
    return new_session(ours, theirs, prior=prior, key=key)


# --- summaries --------------------------------------------------------------------------------


def match_summary(built: NewSession) -> str:
    """The plain-text summary `acctmap match` and `acctmap demo --summary` print."""
    s, result = built.session, built.result
    fig = overlap_figures(s)
    lines = [s.title, ""]
    for src in s.sources:
        who = "ours" if src.side == OURS else "partner"
        lines.append(f"{src.company} ({who}): {src.rows} rows read, {src.accounts} accounts, "
                     f"{len(src.problems)} problems  [{src.path}]")
    problems = [p for src in s.sources for p in src.problems]
    if problems:
        lines.append("")
        lines.append("Problems found:")
        lines += [f"  - {p}" for p in problems[:15]]
        if len(problems) > 15:
            lines.append(f"  ... and {len(problems) - 15} more")
    lines.append("")
    by_method = ", ".join(f"{m} {n}" for m, n in sorted(result.stats.items()) if n and m in
                          ("domain", "name", "manual", "hash"))
    lines.append(f"Matches by method: {by_method or 'none'}")
    lines.append(f"Review queue: {fig.review} pairs need a person")
    lines.append(f"Overlap: {fig.overlap} accounts  ({fig.rate(OURS):.0%} of {s.ours}'s list, "
                 f"{fig.rate(PARTNER):.0%} of {s.partner}'s)")
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


# --- subcommands ------------------------------------------------------------------------------


def _refuse_own_input(output: str | Path | None, *inputs: str | Path | None) -> None:
    """Never write over a file the command reads (`share X.csv -o X.csv`)."""
    if not output:
        return
    for item in inputs:
        if item and Path(item).exists() and atomic.same_file(output, item):
            raise AcctmapError(f"-o {output}: that is the input file {item}; refusing to write "
                               "over it. Choose another output file.")


def cmd_match(args: argparse.Namespace) -> int:
    _refuse_own_input(args.output, args.ours, args.theirs, args.from_session, args.key_file)
    built = _build(args)
    print(match_summary(built))
    if args.output:
        path = session_io.save(built.session, args.output)
        print(f"\nSaved session: {path}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    if args.summary:
        print(match_summary(demo_session()))
        return 0
    return _run_app(workbench=_demo_workbench())


def cmd_open(args: argparse.Namespace) -> int:
    from acctmap_tui.core.workbench import Workbench

    if args.session is None:
        return _run_app(workbench=_demo_workbench())
    path = Path(args.session)
    session = session_io.load(path)
    ours, theirs, notes = _reload_sources(session)
    workbench = Workbench(session, ours, theirs, path=path)
    workbench.lists_note = "; ".join(notes)
    return _run_app(workbench=workbench)


def cmd_new(args: argparse.Namespace) -> int:
    from acctmap_tui.app import LoadRequest

    ours, theirs = _read_lists(args)  # fail fast, before the UI starts, on unreadable files
    prior = session_io.load(args.from_session) if args.from_session else None
    return _run_app(load=LoadRequest(ours=ours, theirs=theirs, prior=prior))


def cmd_export(args: argparse.Namespace) -> int:
    out = args.output or Path(args.session).with_suffix(f".actions.{args.format}")
    _refuse_own_input(out, args.session)
    session = session_io.load(args.session)
    path = export.write_export(session, out, args.format, top=args.top, partner_safe=args.partner_safe,
                               all_fields=args.all_fields)
    what = ("partner-safe: only fields marked shareable" if args.partner_safe
            else "every field, private ones included" if args.all_fields else "the action-list columns")
    print(f"Wrote {path} ({what})")
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    old, new = session_io.load(args.old), session_io.load(args.new)
    result = compare.diff_sessions(old, new, force=args.force)
    render = {"text": compare.render_text, "md": compare.render_markdown,
              "csv": compare.render_csv, "json": compare.render_json}[args.format]
    print(render(result))
    return 0


def cmd_history(args: argparse.Namespace) -> int:
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
        print(f"acctmap: skipped {reason}", file=sys.stderr)
    if not sessions:
        raise AcctmapError("no sessions found: name session files or a folder of them")
    groups: dict[tuple[str, str], list[Session]] = {}
    for s in sessions:
        groups.setdefault((compare.company_key(s.ours), compare.company_key(s.partner)), []).append(s)
    if len(groups) > 1:
        names = "; ".join(f"{g[0].ours} x {g[0].partner}" for g in groups.values())
        print(f"acctmap: note: these sessions are of {len(groups)} partnerships ({names}): "
              "each is shown on its own", file=sys.stderr)
    parts = []
    for group in groups.values():
        heading = f"{group[0].ours} x {group[0].partner}\n\n" if len(groups) > 1 else ""
        parts.append(heading + compare.render_history(compare.history(group)))
    print("\n".join(parts), end="")
    return 0


def _read_own_list(args: argparse.Namespace) -> AccountList:
    return ingest.read_list(args.list, OURS, "", columns=_pairs(args.columns, "--columns") or None)


def cmd_share(args: argparse.Namespace) -> int:
    _refuse_own_input(args.output, args.list)
    fields = tuple(f.strip() for f in args.fields.split(",") if f.strip())
    print(privacy.write_share(_read_own_list(args), args.output, fields).describe())
    return 0


def cmd_hash(args: argparse.Namespace) -> int:
    _refuse_own_input(args.output, args.list, args.key_file)
    key = privacy.read_key(args.key_file)
    print(privacy.write_hashed(_read_own_list(args), args.output, key).describe())
    return 0


def cmd_keygen(args: argparse.Namespace) -> int:
    key = privacy.keygen()
    if args.output:
        Path(args.output).write_text(key + "\n", encoding="ascii")
        print(f"Wrote a new key to {args.output}. Send it to your partner by a separate channel; "
              "use it for this exchange only.")
    else:
        print(key)
    return 0


# --- demo and app -----------------------------------------------------------------------------


def demo_session(day: date | None = None) -> NewSession:
    """The bundled demo pair of lists, matched into a fresh session."""
    ours_path, theirs_path = ingest.demo_paths()
    ours = ingest.read_list(ours_path, OURS, "Northwind")
    theirs = ingest.read_list(theirs_path, PARTNER, "Globex")
    return new_session(ours, theirs, day=day)


def _demo_workbench():
    from acctmap_tui.core.workbench import Workbench

    built = demo_session()
    return Workbench(built.session, built.ours, built.theirs)


def _reload_sources(session: Session) -> tuple[AccountList | None, AccountList | None, list[str]]:
    """Re-read a saved session's source lists (for pairing by hand) when they are still where the
    session file says and unchanged since; otherwise say which list and why, and leave it out."""
    out: list[AccountList | None] = []
    notes: list[str] = []
    for side in (OURS, PARTNER):
        src = session.source(side)
        lst = None
        if src is None or not src.path or src.hashed:
            out.append(None)
            continue
        path = Path(src.path)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            notes.append(f"{src.path}: not found (the {src.company or side} list this session was "
                         "made from)")
        except OSError as exc:
            notes.append(f"{src.path}: cannot read: {exc.strerror or exc}")
        else:
            if src.sha256 and hashlib.sha256(data).hexdigest() != src.sha256:
                notes.append(f"{src.path}: changed since the session was saved (its sha256 differs); "
                             "not re-read. Start a new session from it with --from to refresh.")
            else:
                try:
                    lst = ingest.read_list(src.path, side, src.company, columns=src.columns or None,
                                           status_map=src.status_map or None)
                except AcctmapError as err:
                    notes.append(str(err))
        out.append(lst)
    return out[0], out[1], notes


def _run_app(**kwargs) -> int:
    from acctmap_tui.app import AcctmapApp

    app = AcctmapApp(sessions_dir=SESSIONS_DIR, **kwargs)
    app.run()
    code = app.return_code or 0
    if code:  # the app stopped on an unexpected error (Textual printed it above)
        recovery = app.write_crash_recovery()
        if recovery is not None:
            print(f"acctmap: the app stopped on an unexpected error. Your unsaved changes are in "
                  f"{recovery}; open the session again to restore them.", file=sys.stderr)
        else:
            print("acctmap: the app stopped on an unexpected error; there were no unsaved changes.",
                  file=sys.stderr)
    return code


# --- parser -----------------------------------------------------------------------------------


def _list_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("ours", help="our account list (.csv, .tsv, .txt, .xlsx)")
    p.add_argument("theirs", help="the partner's account list (plain or hashed)")
    p.add_argument("--ours-name", help="our company name (default: from the file name)")
    p.add_argument("--partner", help="the partner's company name (default: from the file name)")
    p.add_argument("--columns", help="column override for both lists: name=...,domain=...,status=...,owner=...")
    p.add_argument("--ours-columns", help="column override for our list")
    p.add_argument("--partner-columns", help="column override for the partner's list")
    p.add_argument("--status", action="append", metavar="WORD=STATUS",
                   help=f"map a status word (repeatable); STATUS is one of: {', '.join(STATUSES)}")
    p.add_argument("--from", dest="from_session", metavar="PRIOR.toml",
                   help="carry decisions, scores, owners and actions forward from a prior session")


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
    p.add_argument("--key-file", help="shared key, when one list is hashed (acctmap hash)")
    p.add_argument("-o", "--output", help="save the session TOML here (e.g. sessions/NAME.toml)")
    p.set_defaults(func=cmd_match)

    p = sub.add_parser("export", help="write the action list of a session")
    p.add_argument("session")
    p.add_argument("--format", choices=("csv", "md"), default="csv")
    p.add_argument("--top", type=int, help="only the top N by priority")
    p.add_argument("--partner-safe", action="store_true", help="only fields marked shareable")
    p.add_argument("--all-fields", action="store_true",
                   help="add notes and every source column (internal use; never for the partner)")
    p.add_argument("-o", "--output")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("diff", help="what changed between two sessions of a partnership")
    p.add_argument("old")
    p.add_argument("new")
    p.add_argument("--format", choices=("text", "md", "csv", "json"), default="text")
    p.add_argument("--force", action="store_true", help="compare sessions of different partners")
    p.set_defaults(func=cmd_diff)

    p = sub.add_parser("history", help="overlap per category over several sessions")
    p.add_argument("sessions", nargs="*", help="session files or folders (default: sessions/)")
    p.set_defaults(func=cmd_history)

    p = sub.add_parser("share", help="write the minimal list to send a partner")
    p.add_argument("list")
    p.add_argument("-o", "--output", required=True)
    p.add_argument("--fields", default="domain,status", help="fields to share (default: domain,status)")
    p.add_argument("--columns", help="column override: name=...,domain=...,status=...")
    p.set_defaults(func=cmd_share)

    p = sub.add_parser("hash", help="write keyed hashes (HMAC-SHA256) of a list's domains")
    p.add_argument("list")
    p.add_argument("--key-file", required=True)
    p.add_argument("-o", "--output", required=True)
    p.add_argument("--columns", help="column override: name=...,domain=...,status=...")
    p.set_defaults(func=cmd_hash)

    p = sub.add_parser("keygen", help="make a secret key for a hashed exchange")
    p.add_argument("-o", "--output")
    p.set_defaults(func=cmd_keygen)
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
        print(f"acctmap: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `acctmap history | head`: the reader stopped reading; stop quietly, as `yes | head` does
        _stdout_to_devnull()
        return 141


def _stdout_to_devnull() -> None:
    """Point stdout at /dev/null so Python's flush at exit does not complain a second time."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass
