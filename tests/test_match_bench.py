"""bench/match_bench.py runs end to end on a small world and prints the figures the README's
quality table quotes (a bench that no longer runs would leave those figures unchecked)."""

import re

import pytest

from bench.match_bench import Row, main, namesake_bound


def test_match_bench_prints_precision_and_recall_against_the_issue_goals(capsys):
    assert main(["--n", "3000", "--show", "1"]) == 0
    out = capsys.readouterr().out
    figures = {name: float(value) for name, value in
               re.findall(r"^(auto precision|auto recall|auto\+review recall) +([01]\.\d{4})", out, re.M)}
    assert set(figures) == {"auto precision", "auto recall", "auto+review recall"}
    assert all(0.0 <= v <= 1.0 for v in figures.values())
    assert figures["auto+review recall"] >= figures["auto recall"]
    assert "(goal >= 0.995)" in out and "(goal >= 0.97;" in out and "(goal >= 0.99)" in out
    assert re.search(r"any matcher at precision 0.995: at most [01]\.\d{4}, [\d,]+ of [\d,]+ true pairs", out)
    assert re.search(r"true pairs in the first 100: \d+ by score, \d+ by priority", out)


def test_the_namesake_bound_counts_pairs_only_a_namesake_could_be():
    """Clark & Sons (no domain on our side) could as well be the partner's other Clark & Sons on
    another domain; Acme shares its domain and Zyx has no namesake: only Clark is alike."""
    ours = [Row(1, "Clark & Sons", "", "one-blank"), Row(2, "Acme Inc", "acme.com", "domain"),
            Row(3, "Zyx Robotics", "", "one-blank")]
    theirs = [Row(1, "Clark and Sons Ltd", "clarksons.com", "one-blank"),
              Row(9, "Clark & Sons", "clarksons.de", "decoy"), Row(2, "ACME", "www.acme.com", "domain"),
              Row(3, "Zyx Robotics GmbH", "zyxrobotics.com", "one-blank")]
    true, alike, bound = namesake_bound(ours, theirs)
    assert (true, alike) == (3, 1)
    assert bound == pytest.approx((2 + 2 * 0.005 / 0.99) / 3)  # the two it can tell, and the few guesses precision allows
