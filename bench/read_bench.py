"""Reading one list: the CPU time of `ingest.read_list` on a big CRM export, against a baseline.

`acctmap match` reads the two lists side by side (one in a second process), so the time to read
one list is most of the time before matching starts. Each measurement is a fresh process (cold
caches, as a user's run is) that imports the code, then times `read_list` alone with
`time.process_time()` (CPU, not wall: the machine is shared). With `--baseline DIR` (another
checkout, e.g. the main branch), the same file is read by that code too, the two alternating,
in the same run. The lists are cli_bench.py's synthetic exports unless files are given: as
written, with 26 more columns, and with a billing street over two or three lines in a third of
the rows and a description over two in a seventh (quoted line breaks, as Salesforce and HubSpot
export them).

    python bench/read_bench.py                              # 50,000 rows, 3 files
    python bench/read_bench.py --baseline /work/main        # and the main branch beside it
    python bench/read_bench.py /tmp/b50/ours.csv --repeat 9 --profile
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

COLUMNS = {"name": "Account Name", "domain": "Website", "status": "Type", "owner": "Account Owner"}

CHILD = r'''
import json, sys, time
sys.path.insert(0, sys.argv[1])
from acctmap_tui.core import ingest
columns = json.loads(sys.argv[3])
profile = sys.argv[4] == "1"
if profile:
    import cProfile, pstats
    prof = cProfile.Profile()
    prof.enable()
t = time.process_time()
lst = ingest.read_list(sys.argv[2], "ours", "Ours", columns=columns)
cpu = time.process_time() - t
if profile:
    prof.disable()
    pstats.Stats(prof, stream=sys.stderr).sort_stats("tottime").print_stats(20)
print(json.dumps({"cpu": cpu, "records": len(lst.records), "problems": len(lst.problems)}))
'''


def read_once(tree: Path, path: Path, profile: bool = False) -> dict:
    """One fresh process of `tree`'s code reading `path`: {"cpu", "records", "problems"}."""
    import json

    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(tree), str(path), json.dumps(COLUMNS), "1" if profile else "0"],
        capture_output=True, text=True, cwd=tree,
    )
    if proc.returncode != 0:
        sys.exit(f"reading {path} with {tree} failed:\n{proc.stderr[-3000:]}")
    if profile:
        print(proc.stderr, file=sys.stderr)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def widen(source: Path, target: Path, more: int, seed: int) -> None:
    """`source` with `more` columns added: ids (one value a row) and picklists (a few values)."""
    import csv
    import random

    rng = random.Random(seed)
    picks = [["Retail", "Finance", "Health", "Tech", "Energy", ""], ["US", "DE", "FR", "UK", "NL", "JP", ""]]
    with source.open(newline="", encoding="utf-8") as src, target.open("w", newline="", encoding="utf-8") as out:
        rows, writer = csv.reader(src), csv.writer(out)
        writer.writerow(next(rows) + [f"Field {k}" for k in range(more)])
        for i, row in enumerate(rows):
            writer.writerow(row + [f"ID-{i}-{k}" if k % 3 == 0 else rng.choice(picks[k % 2])
                                   for k in range(more)])


def with_addresses(source: Path, target: Path, seed: int) -> None:
    """`source` with a billing street and a description column whose cells hold line breaks."""
    import csv
    import random

    rng = random.Random(seed)
    with source.open(newline="", encoding="utf-8") as src, target.open("w", newline="", encoding="utf-8") as out:
        rows, writer = csv.reader(src), csv.writer(out)
        writer.writerow(next(rows) + ["Billing Street", "Description"])
        for i, row in enumerate(rows):
            street = f"{i} Main St" + (f"\nSuite {rng.randint(1, 900)}" * rng.randint(1, 2) if i % 3 == 0 else "")
            about = 'Customer since 2019.\nRenewal in Q3, "champion" left.' if i % 7 == 0 else ""
            writer.writerow(row + [street, about])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="*", type=Path, help="CRM exports with cli_bench.py's columns")
    ap.add_argument("--n", type=int, default=50_000, help="rows of the synthetic list (default 50000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--wide", type=int, default=26,
                    help="other columns of the second synthetic list, as CRM exports carry (default 26)")
    ap.add_argument("--baseline", type=Path, help="another checkout to time on the same files")
    ap.add_argument("--repeat", type=int, default=5, help="reads per file and checkout (default 5)")
    ap.add_argument("--profile", action="store_true", help="print a cProfile of one read of this checkout")
    args = ap.parse_args(argv)

    files = args.files
    if not files:
        from bench.cli_bench import write_csv
        from bench.match_bench import build

        work = Path(tempfile.mkdtemp(prefix="acctmap-read-bench-"))
        ours_rows, _theirs, _ = build(args.n, args.seed, 0.14, 0.35)
        files = [work / "ours.csv", work / f"ours-{args.wide}-more-columns.csv", work / "ours-addresses.csv"]
        write_csv(files[0], ours_rows, 0)
        widen(files[0], files[1], args.wide, args.seed)
        with_addresses(files[0], files[2], args.seed)
    trees = [("this checkout", ROOT)] + ([("baseline", args.baseline.resolve())] if args.baseline else [])
    print(f"{'file':<28} {'code':<14} {'records':>8}  read_list CPU s: min / median of {args.repeat}")
    for path in files:
        cpu: dict[str, list[float]] = {label: [] for label, _ in trees}
        counts: dict[str, tuple[int, int]] = {}
        for _ in range(args.repeat):  # alternate, so both see the same load
            for label, tree in trees:
                r = read_once(tree, path)
                cpu[label].append(r["cpu"])
                counts[label] = (r["records"], r["problems"])
        for label, _tree in trees:
            print(f"{path.name:<28} {label:<14} {counts[label][0]:>8}  "
                  f"{min(cpu[label]):.3f} / {statistics.median(cpu[label]):.3f}")
        if args.baseline and counts["baseline"] != counts["this checkout"]:
            print(f"  records / problems differ: {counts}")
        if args.profile:
            read_once(ROOT, path, profile=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
