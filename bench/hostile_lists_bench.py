"""Hostile list shapes: `acctmap match` as a whole process on exports no CRM should give, but do.

Each shape is two lists written here (seeded), matched with `acctmap match OURS THEIRS -o S.toml`
and timed with /usr/bin/time -v (wall, CPU, peak memory); the review queue's size is printed
from the session. With `--before DIR` (another checkout, e.g. a worktree of an older commit) the
same files are matched by that code too, in ABBA order, and the two sessions' accounts compared
(timestamps, ids and the lists' problem notes aside, as `long_names_bench.py` compares them).

Shapes (`--shape`, default all):
  numbered   "Acme Corp 0" .. "Acme Corp 49999" on both sides, no websites (a franchise list)
  blob       names of 500-3,000 letters with no space (a description or a code mapped as the name)
  cjk        Japanese names "株式会社" + 2-8 characters, no websites
  domains    30 websites in every cell ("a.com; b.de; ...")
  wide       254 columns, four in five cells empty (a CRM's "export all fields")
  statuses   a different status word on every row (the wrong column mapped as the status)

    python bench/hostile_lists_bench.py
    python bench/hostile_lists_bench.py --shape wide --before /tmp/wt-old --runs 2
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from long_names_bench import figures_line, session_body, time_versions  # noqa: E402

HEADER = ["Account Name", "Website", "Type", "Account Owner"]
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _word(rng: random.Random, low: int = 4, high: int = 9) -> str:
    return "".join(rng.choice(LETTERS) for _ in range(rng.randint(low, high)))


def _rows(shape: str, side: int, rng: random.Random):
    """The rows of one side of a shape (its header first)."""
    if shape == "wide":
        yield HEADER + [f"Field {k}" for k in range(250)]
    else:
        yield HEADER
    if shape == "numbered":
        for i in range(50_000):
            yield [f"Acme Corp {i}", "", "Prospect", "Rep"]
    elif shape == "blob":
        for _ in range(20_000):
            yield ["".join(rng.choice(LETTERS) for _ in range(rng.randint(500, 3000))), "", "Customer", "Rep"]
    elif shape == "cjk":
        ideographs = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
        for _ in range(50_000):
            yield ["株式会社" + "".join(rng.choice(ideographs) for _ in range(rng.randint(2, 8))), "", "Customer", "Rep"]
    elif shape == "domains":
        for _ in range(50_000):
            cell = "; ".join(_word(rng) + rng.choice([".com", ".de", ".co.uk", ".io"]) for _ in range(30))
            yield [f"Firm {rng.randint(0, 10**6)}", cell, "Customer", "Rep"]
    elif shape == "wide":
        for _ in range(50_000):
            yield ([f"{_word(rng).title()} {_word(rng).title()}", f"{_word(rng)}.com", "Customer", "Rep"]
                   + [_word(rng) if rng.random() < 0.2 else "" for _ in range(250)])
    elif shape == "statuses":
        for _ in range(50_000):
            yield [f"{_word(rng).title()} {_word(rng).title()}", f"{_word(rng)}.com", f"Stage {_word(rng)}", "Rep"]
    else:
        raise ValueError(shape)


SHAPES = ("numbered", "blob", "cjk", "domains", "wide", "statuses")


def write_lists(folder: Path, shape: str, seed: int) -> tuple[Path, Path]:
    rng = random.Random(f"{shape} {seed}")
    paths = []
    for side in (0, 1):
        path = folder / f"{shape}_{'ours' if side == 0 else 'theirs'}.csv"
        with open(path, "w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows(_rows(shape, side, rng))
        paths.append(path)
    return paths[0], paths[1]


def queue(path: Path) -> str:
    """The session's overlap and review queue, and its lists' problem notes."""
    with open(path, "rb") as f:
        doc = tomllib.load(f)
    decisions = [a["match"]["decision"] for a in doc.get("accounts", [])]
    notes = sum(len(s.get("problems", [])) for s in doc.get("sources", []))
    return (f"auto {decisions.count('auto')}, review {decisions.count('review')}, "
            f"{notes} problem notes")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shape", choices=SHAPES, action="append", help="a shape (repeat; default all)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--runs", type=int, default=1, help="runs of each version (default 1)")
    ap.add_argument("--before", type=Path, help="another checkout to time beside this one (ABBA)")
    args = ap.parse_args()

    here = Path(__file__).resolve().parent.parent
    versions = {"now": here} | ({"before": args.before.resolve()} if args.before else {})
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for shape in args.shape or SHAPES:
            ours, theirs = write_lists(folder, shape, args.seed)
            figures = time_versions(ours, theirs, versions, args.runs, folder, f"{shape}_")
            print(f"{shape} ({ours.stat().st_size / 2**20:.0f} MiB a list):")
            for name, runs in figures.items():
                print(f"{figures_line(name, runs)}; {queue(folder / f'{shape}_{name}.toml')}")
            if args.before:
                same = session_body(folder / f"{shape}_now.toml") == session_body(folder / f"{shape}_before.toml")
                print(f"  sessions {'identical' if same else 'DIFFER'} (problem notes aside)")
            for path in folder.iterdir():
                path.unlink()


if __name__ == "__main__":
    main()
