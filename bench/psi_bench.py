"""Benchmark the private overlap exchange: 10,000 x 10,000 accounts, each step as a whole process.

Writes two synthetic lists (N accounts each, OVERLAP of them on both, statuses mixed), then runs
what two partner managers run, each command under `/usr/bin/time -v`:

    acctmap share LIST -o OUT.csv                     baseline: reading the list, same run
    acctmap psi start LIST -o A1.psi   (both sides)
    acctmap psi answer A1.psi B1.psi -o A2.psi   (both sides)
    acctmap psi finish A1.psi B1.psi B2.psi -o A.toml   (both sides)

and the same with --counts-only. Prints wall time, CPU time and peak memory per step, the round
file sizes, and checks that both sides found the true overlap. Goal: every step under 20 s on
2 cores.

    python bench/psi_bench.py              # 10,000 x 10,000
    python bench/psi_bench.py --n 2000 --overlap 600
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

STATUSES = ("Customer", "Prospect", "Opportunity", "Lead", "Churned", "Closed Won")
GOAL_S = 20.0


def write_lists(folder: Path, n: int, overlap: int, seed: int) -> tuple[Path, Path]:
    rng = random.Random(seed)
    shared = [f"shared-{i}-{rng.randrange(10**6)}.com" for i in range(overlap)]
    paths = []
    for side in ("ours", "theirs"):
        own = [f"{side}-{i}-{rng.randrange(10**6)}.io" for i in range(n - overlap)]
        domains = shared + own
        rng.shuffle(domains)
        lines = ["Account Name,Website,Type"]
        for i, d in enumerate(domains):
            site = rng.choice((d, f"www.{d}", f"https://{d}/about"))
            lines.append(f"Company {side} {i},{site},{rng.choice(STATUSES)}")
        path = folder / f"{side}.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    return paths[0], paths[1]


def acctmap_command() -> list[str]:
    script = Path(sys.executable).with_name("acctmap")
    if script.exists():
        return [str(script)]
    found = shutil.which("acctmap")
    return [found] if found else [sys.executable, "-m", "acctmap_tui"]


def timed(label: str, argv: list[str], env: dict[str, str]) -> dict[str, float | str]:
    proc = subprocess.run(["/usr/bin/time", "-v", *argv], capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        sys.exit(f"{label} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    report = proc.stderr

    def field(name: str) -> str:
        m = re.search(rf"{re.escape(name)}: (.+)", report)
        return m.group(1).strip() if m else ""

    wall = field("Elapsed (wall clock) time (h:mm:ss or m:ss)")
    parts = [float(p) for p in wall.split(":")]
    seconds = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
    return {"step": label, "wall": seconds,
            "cpu": float(field("User time (seconds)")) + float(field("System time (seconds)")),
            "rss": int(field("Maximum resident set size (kbytes)")) / 1024, "out": proc.stdout}


def run_exchange(lists: tuple[Path, Path], work: Path, env: dict[str, str], counts_only: bool
                 ) -> list[dict]:
    cmd = acctmap_command()
    tag = "counts-only " if counts_only else ""
    flag = ["--counts-only"] if counts_only else []
    a, b = lists
    f = {n: work / f"{tag.strip() or 'overlap'}-{n}.psi" for n in ("a1", "b1", "a2", "b2")}
    rows = [
        timed(f"{tag}start (ours)", [*cmd, "psi", "start", str(a), "-o", str(f["a1"]), *flag], env),
        timed(f"{tag}start (partner)", [*cmd, "psi", "start", str(b), "-o", str(f["b1"]), *flag],
              env),
        timed(f"{tag}answer (ours)", [*cmd, "psi", "answer", str(f["a1"]), str(f["b1"]), "-o",
                                      str(f["a2"])], env),
        timed(f"{tag}answer (partner)", [*cmd, "psi", "answer", str(f["b1"]), str(f["a1"]), "-o",
                                         str(f["b2"])], env),
    ]
    outs = [work / f"{tag.strip() or 'overlap'}-{side}.toml" for side in ("a", "b")]
    rows.append(timed(f"{tag}finish (ours)", [*cmd, "psi", "finish", str(f["a1"]), str(f["b1"]),
                                              str(f["b2"]), "-o", str(outs[0])], env))
    rows.append(timed(f"{tag}finish (partner)", [*cmd, "psi", "finish", str(f["b1"]),
                                                 str(f["a1"]), str(f["a2"]), "-o", str(outs[1])],
                      env))
    for name in ("a1", "a2"):
        rows.append({"step": f"{tag}file {name.upper()}.psi", "size": f[name].stat().st_size})
    found = []
    for out in outs:
        doc = tomllib.loads(out.read_text(encoding="utf-8"))
        found.append(doc["overlap"] if counts_only else len(doc.get("accounts", [])))
    rows.append({"step": f"{tag}overlap found (ours, partner)", "found": found})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--overlap", type=int, default=3_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="psi-bench-") as tmp:
        work = Path(tmp)
        env = dict(os.environ, XDG_DATA_HOME=str(work / "data"))
        lists = write_lists(work, args.n, args.overlap, args.seed)
        print(f"PSI exchange, {args.n:,} x {args.n:,} accounts, {args.overlap:,} on both lists; "
              f"{os.cpu_count()} CPUs")
        rows = [timed("baseline: acctmap share (read the list)",
                      [*acctmap_command(), "share", str(lists[0]), "-o", str(work / "share.csv")],
                      env)]
        rows += run_exchange(lists, work, env, counts_only=False)
        rows += run_exchange(lists, work, env, counts_only=True)
    slow = []
    print(f"{'step':<40}{'wall s':>8}{'cpu s':>8}{'peak MiB':>10}")
    for r in rows:
        if "wall" in r:
            mark = "" if r["wall"] < GOAL_S or r["step"].startswith("baseline") else "  OVER GOAL"
            print(f"{r['step']:<40}{r['wall']:>8.2f}{r['cpu']:>8.2f}{r['rss']:>10.0f}{mark}")
            if mark:
                slow.append(r["step"])
        elif "size" in r:
            print(f"{r['step']:<40}{r['size'] / 1024:>8.0f} KiB")
        else:
            ok = r["found"][0] == r["found"][1] == args.overlap
            print(f"{r['step']:<40}{r['found']}  {'ok' if ok else 'WRONG: expected ' + str(args.overlap)}")
            if not ok:
                slow.append(r["step"])
    print(f"goal: each step under {GOAL_S:.0f} s: {'met' if not slow else 'NOT met: ' + ', '.join(slow)}")


if __name__ == "__main__":
    main()
