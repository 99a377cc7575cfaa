"""The overlap picture: bars on one scale with their figures in text; a heat shade per matrix cell."""

from acctmap_tui.core.categorize import OverlapFigures
from acctmap_tui.core.model import OURS, PARTNER
from acctmap_tui.widgets.overlap_picture import REST, SOLID, OverlapBars, heat_style


def _fig(ours: int, theirs: int, overlap: int) -> OverlapFigures:
    return OverlapFigures(overlap=overlap, list_sizes={OURS: ours, PARTNER: theirs})


def test_bars_share_one_scale_and_carry_their_figures():
    lines = OverlapBars(_fig(300, 150, 60), {OURS: "Northwind", PARTNER: "Globex"}).lines(60).plain
    ours, theirs = lines.split("\n")
    assert ours.startswith("Northwind ") and theirs.startswith("Globex    ")
    assert "20.0% · 60 of 300" in ours and "40.0% · 60 of 150" in theirs
    assert ours.count(SOLID) == theirs.count(SOLID)  # the same 60 accounts, the same length
    assert ours.count(SOLID) + ours.count(REST) == 2 * (theirs.count(SOLID) + theirs.count(REST))
    assert all(len(line) <= 60 for line in (ours, theirs))


def test_an_unknown_list_size_is_said_in_words():
    text = OverlapBars(_fig(0, 0, 0), {OURS: "A", PARTNER: "B"}).lines(40).plain
    assert text.count("list size unknown") == 2


def test_the_fuller_cell_is_shaded_stronger():
    empty, half, full = (heat_style(n, 10).bgcolor.get_truecolor() for n in (0, 5, 10))
    assert sum(empty) < sum(half) < sum(full)
