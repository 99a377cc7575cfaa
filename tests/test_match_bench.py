"""bench/match_bench.py runs end to end on a small world and prints the figures the README's
quality table quotes (a bench that no longer runs would leave those figures unchecked)."""

import re

from bench.match_bench import main


def test_match_bench_prints_precision_and_recall_against_the_issue_goals(capsys):
    assert main(["--n", "3000", "--show", "1"]) == 0
    out = capsys.readouterr().out
    figures = {name: float(value) for name, value in
               re.findall(r"^(auto precision|auto recall|auto\+review recall) +([01]\.\d{4})", out, re.M)}
    assert set(figures) == {"auto precision", "auto recall", "auto+review recall"}
    assert all(0.0 <= v <= 1.0 for v in figures.values())
    assert figures["auto+review recall"] >= figures["auto recall"]
    assert "(goal >= 0.995)" in out and "(goal >= 0.97)" in out and "(goal >= 0.99)" in out
    assert re.search(r"true pairs in the first 100: \d+ by score, \d+ by priority", out)
