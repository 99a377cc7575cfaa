"""Whole-process benchmark: `acctmap match A B -o S.toml` against an exact-lookup baseline.

Writes two synthetic CRM exports (bench/match_bench.py's world: messy websites, legal suffixes,
typos, namesakes, blank domains) as CSV files with a hidden truth column the matcher never reads
(`--columns` leaves it as a private extra column), then, in one run and on the same files:

1. the baseline: a small script doing what a spreadsheet VLOOKUP does, an exact lookup of each of
   our raw website cells in the partner's (csv module, one dict), timed as a whole process;
2. `acctmap match OURS THEIRS -o S.toml`, timed as a whole process with /usr/bin/time -v
   (wall time and peak RSS, import and session write included);
3. reading the session back (`session.load`, what the app does before its first paint), as a
   file never opened before and with its parse kept (core.parse_cache: a second process keeps it
   after the match; the time it takes is printed), and writing it again (what ctrl+s does),
   timed in-process; then the app itself opening it, both ways, and saving it with ctrl+s
   (`bench/open_bench.py`, in new processes; `--no-app` skips it);
4. the accuracy of the session against the truth: precision of auto pairs, auto recall,
   auto + review recall.

acctmap is byte-compiled first, as `pip install .` does (see bench/terminal_open_bench.py).

    python bench/cli_bench.py                 # 50,000 x 50,000
    python bench/cli_bench.py --n 200000
    python bench/cli_bench.py --n 5000 --seed 7 --keep /tmp/b   # keep the files
    python bench/cli_bench.py --wide 26 --addresses --no-app    # lists shaped like real exports
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.match_bench import build, namesake_bound  # noqa: E402
from bench.terminal_open_bench import byte_compile  # noqa: E402

TRUTH = "Bench Truth"
STATUS_CELLS = ["Customer", "Prospect", "Opportunity"]

BASELINE = r'''
import csv, sys
def read(path):
    with open(path, newline="", encoding="utf-8") as fh:
        rows = csv.reader(fh)
        header = next(rows)
        i = header.index("Website")
        return [r[i] for r in rows]
ours, theirs = read(sys.argv[1]), read(sys.argv[2])
index = {}
for n, cell in enumerate(theirs):
    if cell:
        index.setdefault(cell, n)
hits = sum(1 for cell in ours if cell and cell in index)
with open(sys.argv[3], "w", encoding="utf-8") as out:
    out.write(f"{hits}\n")
'''


def write_csv(path: Path, rows, side: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Account Name", "Website", "Type", "Account Owner", TRUTH])
        for i, row in enumerate(rows):
            w.writerow([row.name, row.website, STATUS_CELLS[(i + side) % 3], f"Rep {i % 40}", row.cid])


def to_xlsx(path: Path) -> Path:
    """The CSV file at `path` written as a one-sheet workbook beside it."""
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Accounts")
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.reader(fh):
            sheet.append(row)
    target = path.with_suffix(".xlsx")
    book.save(target)
    return target


def timed(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak RSS MiB) of one whole process, from /usr/bin/time -v.

    CPU time (user + system, all threads) is printed beside wall time: on a shared machine
    under load the wall time of both the baseline and acctmap stretches with the load.
    """
    t0 = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-v", *cmd], capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"{cmd[0]} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")

    def field(label: str) -> float:
        return float(re.search(label + r": ([\d.]+)", proc.stderr).group(1))

    cpu = field(r"User time \(seconds\)") + field(r"System time \(seconds\)")
    return wall, cpu, field(r"Maximum resident set size \(kbytes\)") / 1024


def accuracy(session_path: Path, ours_rows, theirs_rows) -> dict[str, float]:
    from acctmap_tui.core import session as session_io

    s = session_io.load(session_path)
    cid_o = {row.cid for row in ours_rows}
    truth = cid_o & {row.cid for row in theirs_rows}

    def cid(rec) -> int:
        return int(rec.extra.get(TRUTH, "-1"))

    auto = [a for a in s.accounts if a.match.decision == "auto"]
    review = [a for a in s.accounts if a.match.decision == "review"]
    auto_true = [a for a in auto if cid(a.ours) == cid(a.theirs)]
    found_auto = {cid(a.ours) for a in auto_true} & truth
    found_any = found_auto | ({cid(a.ours) for a in review if cid(a.ours) == cid(a.theirs)} & truth)
    # The best auto recall any rule deciding review pairs by what the review pane shows (method,
    # flags, score in steps of 5) could reach at precision >= 0.995, chosen with the truth in hand:
    # whole classes of review pairs are made auto, most precise first, while precision holds.
    classes: dict[tuple, list[int]] = {}
    for a in review:
        seen = classes.setdefault((a.match.method, *sorted(a.match.flags), a.match.score // 5), [0, 0])
        seen[0] += 1
        seen[1] += cid(a.ours) == cid(a.theirs)
    found, true_auto, n_auto = len(found_auto), len(auto_true), len(auto)
    for size, true in sorted(classes.values(), key=lambda c: -c[1] / c[0]):
        if (true_auto + true) / (n_auto + size) >= 0.995:
            found, true_auto, n_auto = found + true, true_auto + true, n_auto + size
    return {
        "ceiling": found / len(truth) if truth else 1.0,
        "true": len(truth), "auto": len(auto), "false_auto": len(auto) - len(auto_true),
        "review": len(review), "review_true": sum(cid(a.ours) == cid(a.theirs) for a in review),
        "precision": len(auto_true) / len(auto) if auto else 1.0,
        "recall_auto": len(found_auto) / len(truth) if truth else 1.0,
        "recall_any": len(found_any) / len(truth) if truth else 1.0,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=50_000, help="rows per list (default 50000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--blank", type=float, default=0.14)
    ap.add_argument("--generic", type=float, default=0.35)
    ap.add_argument("--wide", type=int, default=0,
                    help="add this many columns to both lists, as CRM exports carry (bench/read_bench.py's)")
    ap.add_argument("--addresses", action="store_true",
                    help="add a billing street and a description whose cells hold line breaks")
    ap.add_argument("--xlsx", action="store_true", help="write both lists as .xlsx workbooks, not CSV")
    ap.add_argument("--keep", help="write the files here and keep them")
    ap.add_argument("--no-accuracy", action="store_true", help="speed only")
    ap.add_argument("--no-app", action="store_true",
                    help="skip opening the session in the app (bench/open_bench.py, in a new process)")
    args = ap.parse_args(argv)

    work = Path(args.keep or tempfile.mkdtemp(prefix="acctmap-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    ours_rows, theirs_rows, _ = build(args.n, args.seed, args.blank, args.generic)
    a, b, out = work / "ours.csv", work / "theirs.csv", work / "session.toml"
    write_csv(a, ours_rows, 0)
    write_csv(b, theirs_rows, 1)
    if args.wide or args.addresses:  # the same rows, with what real exports carry beside them
        from bench.read_bench import widen, with_addresses

        for seed, path in enumerate((a, b), start=args.seed):
            plain = path.with_suffix(".plain.csv")
            path.rename(plain)
            if args.wide and args.addresses:
                widen(plain, path.with_suffix(".wide.csv"), args.wide, seed)
                with_addresses(path.with_suffix(".wide.csv"), path, seed)
            elif args.wide:
                widen(plain, path, args.wide, seed)
            else:
                with_addresses(plain, path, seed)
    csv_a, csv_b = a, b  # the baseline reads these (with --xlsx: the same rows as CSV)
    if args.xlsx:  # as exports saved from a spreadsheet
        a, b = to_xlsx(a), to_xlsx(b)
    script = work / "baseline.py"
    script.write_text(BASELINE, encoding="utf-8")
    acctmap = shutil.which("acctmap", path=str(Path(sys.executable).parent)) or "acctmap"
    cols = ["--columns", "name=Account Name,domain=Website,status=Type,owner=Account Owner"]
    # parses kept in a folder of the bench's own (core.parse_cache), not the user's
    os.environ["ACCTMAP_CACHE_DIR"] = str(work / "parsed")
    shutil.rmtree(work / "parsed", ignore_errors=True)  # a kept folder's entries are of older files
    env = {**os.environ, "COLUMNS": "100"}

    byte_compile()  # as `pip install .` does: no process compiles acctmap's sources
    load_before = os.getloadavg()[0]
    base_wall, base_cpu, base_rss = timed([sys.executable, str(script), str(csv_a), str(csv_b), str(work / "hits.txt")])
    help_wall, help_cpu, _ = timed([acctmap, "--help"], env)
    wall, cpu, rss = timed([acctmap, "match", str(a), str(b), *cols, "-o", str(out)], env)

    ended = time.perf_counter()
    from acctmap_tui.core import parse_cache

    # after the write, a second process at low priority parses the file and keeps the parse
    # (a session under CACHE_BYTES is not kept: it parses quickly enough)
    small = out.stat().st_size < parse_cache.CACHE_BYTES
    while not small and not any((work / "parsed").glob("*.parsed")) and time.perf_counter() - ended < 60:
        time.sleep(0.05)
    kept_after = time.perf_counter() - ended

    from acctmap_tui.core import session as session_io

    os.environ["ACCTMAP_CACHE_DIR"] = "off"
    w0, c0 = time.perf_counter(), time.process_time()
    s = session_io.load(out)
    t_load, c_load = time.perf_counter() - w0, time.process_time() - c0
    os.environ["ACCTMAP_CACHE_DIR"] = str(work / "parsed")
    w0, c0 = time.perf_counter(), time.process_time()
    s = session_io.load(out)
    t_kept, c_kept = time.perf_counter() - w0, time.process_time() - c0
    w0, c0 = time.perf_counter(), time.process_time()
    session_io.save(s, work / "resaved.toml")
    t_save, c_save = time.perf_counter() - w0, time.process_time() - c0
    parse_cache.settle()  # the save's second process: not beside the app's figures

    shape = (f"   {5 + args.wide + 2 * args.addresses} columns"
             + (" (billing street and description over several lines)" if args.addresses else "")
             + ("   .xlsx (the baseline reads the same rows as CSV)" if args.xlsx else ""))
    print(f"rows per list         {args.n:,}{shape}   seed {args.seed}   cores {os.cpu_count()}   "
          f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after")
    print(f"baseline exact lookup {base_wall:6.2f} s wall  {base_cpu:6.2f} s CPU   peak {base_rss:6.0f} MiB")
    print(f"acctmap match -o      {wall:6.2f} s wall  {cpu:6.2f} s CPU   peak {rss:6.0f} MiB   "
          f"= {wall / base_wall:.1f}x baseline wall, {cpu / base_cpu:.1f}x CPU   "
          f"session {out.stat().st_size / 2**20:.1f} MiB, {len(s.accounts):,} pairs")
    print(f"acctmap --help        {help_wall:6.2f} s wall  {help_cpu:6.2f} s CPU")
    print("parse kept            not kept: the session is small" if small else
          f"parse kept            {kept_after:6.2f} s after the match ended, by a second process at low priority")
    print(f"open session (load)   {t_load:6.2f} s wall  {c_load:6.2f} s CPU   parse not kept")
    print(f"open session (load)   {t_kept:6.2f} s wall  {c_kept:6.2f} s CPU   parse kept")
    print(f"save session (ctrl+s) {t_save:6.2f} s wall  {c_save:6.2f} s CPU")
    if not args.no_app:  # what `acctmap S.toml` does, to the first frame, and ctrl+s in the app
        for kept in ([], ["--kept"]):
            opened = subprocess.run([sys.executable, str(Path(__file__).with_name("open_bench.py")),
                                     str(out), *kept], capture_output=True, text=True, env=env)
            for line in (opened.stdout or opened.stderr).splitlines()[1:]:
                print(f"  app: {line.strip()}")
    if not args.no_accuracy:
        acc = accuracy(out, ours_rows, theirs_rows)
        print(f"true pairs            {acc['true']:,}")
        print(f"auto precision        {acc['precision']:.4f}   ({acc['false_auto']:,} false of {acc['auto']:,})"
              "   goal >= 0.995")
        n_pairs, n_alike, bound = namesake_bound(ours_rows, theirs_rows)
        print(f"auto recall           {acc['recall_auto']:.4f}   goal >= 0.97   (reachable by any rule on the "
              f"review pane's flags and score at precision >= 0.995, truth in hand: {acc['ceiling']:.4f};\n"
              f"                      by any matcher: at most {bound:.4f}, {n_alike:,} of {n_pairs:,} true pairs "
              "look like a namesake's)")
        print(f"auto+review recall    {acc['recall_any']:.4f}   goal >= 0.99   "
              f"(review queue {acc['review']:,}, {acc['review_true']:,} true)")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
