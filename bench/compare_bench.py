"""How long comparing two big sessions takes: diff_sessions and each renderer.

Builds two synthetic sessions of N overlap accounts (default 10,000) where the second one has
about 5% accounts gone, 5% new, 10% category moves, 10% new owners / actions, 3% renamed
companies, 2% changed domains and 10% priority moves, then prints seconds per step; the diff
itself in CPU seconds, the least and the median of REPEATS runs (default 5: one run on a
shared machine is noise).

    python bench/compare_bench.py [N] [REPEATS]
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from copy import deepcopy
from datetime import date, timedelta

from acctmap_tui.core import compare
from acctmap_tui.core.categorize import apply_categories
from acctmap_tui.core.model import (
    ACTION_DONE,
    ACTION_DROPPED,
    AUTO,
    CUSTOMER,
    OPEN_DEAL,
    OURS,
    PARTNER,
    PROSPECT,
    REVIEW,
    Account,
    MatchInfo,
    Record,
    Session,
    Source,
)

STATUSES = (CUSTOMER, CUSTOMER, OPEN_DEAL, PROSPECT, PROSPECT)
OWNERS = ("Dana Reyes", "Sam Ito", "Lena Vogt", "Priya Shah", "Tom Becker")
OLD_DAY, NEW_DAY = date(2026, 8, 20), date(2026, 11, 25)


def _account(i: int, rng: random.Random) -> Account:
    domain = f"company{i}.com"
    name = f"Company {i} Inc"
    acc = Account(
        Record(name=name, domain=domain, status=rng.choice(STATUSES)),
        Record(name=name.upper(), domain=domain, status=rng.choice(STATUSES)),
        MatchInfo("domain", 100.0, AUTO),
        priority=rng.randint(0, 33),
    )
    if rng.random() < 0.3:
        acc.owner = rng.choice(OWNERS)
        acc.next_action = f"Intro call #{i}"
        acc.due = OLD_DAY + timedelta(days=rng.randint(0, 150))
    return acc


def _session(accounts: list[Account], day: date, title: str, n: int) -> Session:
    s = Session(ours="Northwind", partner="Globex", title=title, date=day, accounts=accounts,
                sources=[Source(OURS, "Northwind", "n.csv", accounts=3 * n),
                         Source(PARTNER, "Globex", "g.csv", accounts=4 * n)])
    apply_categories(s)
    return s


def build(n: int, seed: int = 7) -> tuple[Session, Session]:
    rng = random.Random(seed)
    old_accounts = [_account(i, rng) for i in range(n)]
    new_accounts: list[Account] = []
    for acc in old_accounts:
        roll = rng.random()
        if roll < 0.05:
            continue  # gone
        a = deepcopy(acc)
        if roll < 0.07:
            a.ours.domain = a.theirs.domain = a.ours.domain.replace(".com", ".io")
        elif roll < 0.17:
            a.theirs.status = CUSTOMER if a.theirs.status != CUSTOMER else PROSPECT
        elif roll < 0.27:
            a.owner = rng.choice(OWNERS)
            a.next_action = a.next_action or "Joint QBR"
            a.action_status = rng.choice((ACTION_DONE, ACTION_DROPPED, "open"))
        elif roll < 0.30:
            a.ours.name = a.ours.name.replace("Inc", "Group")
        elif roll < 0.31:
            a.match.decision = REVIEW
        if rng.random() < 0.1:
            a.priority = max(0, a.priority + rng.randint(-3, 3))
        new_accounts.append(a)
    new_accounts += [_account(n + i, rng) for i in range(n // 20)]
    return (_session(old_accounts, OLD_DAY, "Q3", n),
            _session(new_accounts, NEW_DAY, "Q4", n))


def timed(label: str, fn, *args):
    start = time.perf_counter()
    out = fn(*args)
    print(f"{label:<28} {time.perf_counter() - start:7.3f} s")
    return out


def repeated(label: str, repeats: int, fn, *args):
    """`fn(*args)` run `repeats` times: CPU seconds, least and median."""
    seconds = []
    for _ in range(repeats):
        start = time.process_time()
        out = fn(*args)
        seconds.append(time.process_time() - start)
    print(f"{label:<28} {min(seconds):7.3f} s least, {statistics.median(seconds):.3f} s median "
          f"of {repeats} (CPU)")
    return out


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    old, new = build(n)
    print(f"{len(old.overlap()):,} old and {len(new.overlap()):,} new overlap accounts")
    d = repeated("diff_sessions", repeats, compare.diff_sessions, old, new)
    print("  ", d.counts(), d.action_counts())
    for name in ("render_text", "render_markdown", "render_csv", "render_json"):
        out = timed(name, getattr(compare, name), d)
        print(f"  {len(out):,} characters")
    points = timed("history (2 sessions)", compare.history, [new, old])
    timed("render_history", compare.render_history, points)


if __name__ == "__main__":
    main()
