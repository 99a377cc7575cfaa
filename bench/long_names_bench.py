"""Names of many words: `acctmap match` as a whole process when the name column holds long texts.

A description or a street mapped as the name by mistake, or a list of names made of a few common
words, makes the matcher's work follow the words, not the rows. This bench writes two lists of
`--n` rows whose names are `--words` words drawn from a vocabulary of `--vocab` made-up words (no
websites: every pair is a name pair), then times `acctmap match OURS THEIRS -o S.toml` with
/usr/bin/time -v (wall, CPU, peak memory). With `--before DIR` (another checkout, e.g. a worktree
of an older commit) the same files are matched by that code too, in ABBA order, and the two
sessions are compared (timestamps and ids aside).

    python bench/long_names_bench.py                        # 50,000 rows, 40 words from 33
    python bench/long_names_bench.py --words 12 --vocab 2000
    python bench/long_names_bench.py --words 3 --vocab 33 --before /tmp/wt-old
    python bench/long_names_bench.py --lists OURS.csv THEIRS.csv --before /tmp/wt-old --runs 4

`--lists` times two exports of your own instead (with this bench's column names, as
`bench/cli_bench.py --keep DIR` writes them): the same ABBA comparison on any shape of list.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cli_bench import timed  # noqa: E402

COLUMNS = "name=Account Name,domain=Website,status=Type,owner=Account Owner"


def write_lists(folder: Path, n: int, words: int, vocab: int, seed: int) -> tuple[Path, Path]:
    """Two CRM-like exports of `n` rows each, names of `words` words from `vocab` made-up ones."""
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz"
    pool = ["".join(rng.choice(letters) for _ in range(rng.randint(3, 9))) for _ in range(vocab)]
    paths = []
    for side in ("ours", "theirs"):
        path = folder / f"{side}.csv"
        with open(path, "w", newline="", encoding="utf-8") as f:
            out = csv.writer(f)
            out.writerow(["Account Name", "Website", "Type", "Account Owner"])
            for _ in range(n):
                name = " ".join(rng.choice(pool) for _ in range(words)).title()
                out.writerow([name, "", rng.choice(["Customer", "Prospect"]), "Rep"])
        paths.append(path)
    return paths[0], paths[1]


def session_body(path: Path) -> list[str]:
    """A session's lines but those that differ from run to run, and its lists' problem notes
    (a newer version may say more about the same rows)."""
    drop = ("saved =", "created =", "session_id =", "path =")
    out, in_problems = [], False
    for line in path.read_text(encoding="utf-8").splitlines():
        if in_problems:
            in_problems = line != "]"
        elif line.startswith("problems = ["):
            in_problems = not line.endswith("]")
        elif not line.startswith(drop):
            out.append(line)
    return out


def time_versions(ours: Path, theirs: Path, versions: dict[str, Path], runs: int, folder: Path,
                  stem: str = "") -> dict[str, list[tuple[float, float, float]]]:
    """(wall, CPU, peak MiB) of each run of `acctmap match OURS THEIRS -o FOLDER/{stem}{version}.toml`
    by each version (a checkout), in ABBA order when there are two: of two runs one right after
    the other, the first tends to be faster."""
    order = (["before", "now", "now", "before"] * ((runs + 1) // 2) if len(versions) > 1
             else list(versions) * runs)
    figures: dict[str, list[tuple[float, float, float]]] = {name: [] for name in versions}
    for name in order:
        # -P: no working folder first in the path, so PYTHONPATH picks the version
        env = {**os.environ, "PYTHONPATH": str(versions[name]), "ACCTMAP_CACHE_DIR": "off"}
        cmd = [sys.executable, "-P", "-m", "acctmap_tui", "match", str(ours), str(theirs),
               "--columns", COLUMNS, "-o", str(folder / f"{stem}{name}.toml")]
        figures[name].append(timed(cmd, env))
    return figures


def figures_line(name: str, runs: list[tuple[float, float, float]]) -> str:
    walls, cpus, peaks = zip(*runs)
    return (f"  {name:6} wall {min(walls):.2f}-{max(walls):.2f} s (median {statistics.median(walls):.2f}), "
            f"CPU median {statistics.median(cpus):.2f} s, peak {max(peaks):.0f} MiB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=50_000, help="rows of each list (default 50000)")
    ap.add_argument("--words", type=int, default=40, help="words in each name (default 40)")
    ap.add_argument("--vocab", type=int, default=33, help="distinct words to draw from (default 33)")
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--runs", type=int, default=2, help="runs of each version (default 2)")
    ap.add_argument("--lists", type=Path, nargs=2, metavar=("OURS", "THEIRS"),
                    help="time these two exports instead of writing lists of long names")
    ap.add_argument("--before", type=Path, help="another checkout to time beside this one (ABBA)")
    args = ap.parse_args()

    here = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if args.lists:
            ours, theirs = (p.resolve() for p in args.lists)
        else:
            ours, theirs = write_lists(folder, args.n, args.words, args.vocab, args.seed)
        versions = {"now": here} | ({"before": args.before.resolve()} if args.before else {})
        figures = time_versions(ours, theirs, versions, args.runs, folder)
        print(f"{ours.name} × {theirs.name}:" if args.lists
              else f"{args.n:,} × {args.n:,} rows, names of {args.words} words from {args.vocab}:")
        for name, runs in figures.items():
            print(figures_line(name, runs))
        if args.before:
            same = session_body(folder / "now.toml") == session_body(folder / "before.toml")
            print(f"  sessions {'identical' if same else 'DIFFER'} (problem notes aside)")


if __name__ == "__main__":
    main()
