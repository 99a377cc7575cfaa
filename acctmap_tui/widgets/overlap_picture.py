"""The overlap as a picture, for people who would rather look than read.

`OverlapBars`: each list as one bar, its overlap part solid and the rest shaded, with the figures
beside it. `heat_style`: a background for a 2x2 matrix cell, darker the more accounts it holds.
Both carry their numbers in text too: nothing is said by colour or length alone.
"""

from __future__ import annotations

from rich.color import Color
from rich.console import Console, ConsoleOptions, RenderResult
from rich.style import Style
from rich.text import Text

from acctmap_tui.core.categorize import OverlapFigures, format_rate
from acctmap_tui.core.model import OURS, PARTNER

SOLID, REST = "█", "░"
LABEL_MAX = 12
_LOW, _HIGH = Color.from_rgb(40, 44, 52), Color.from_rgb(38, 120, 178)


class OverlapBars:
    """One line per list: 'Northwind ███░░░░░░░ 23.6% · 70 of 296'; both bars share one scale and
    fill the width they are given."""

    def __init__(self, fig: OverlapFigures, names: dict[str, str]) -> None:
        self.fig = fig
        self.names = {side: name[:LABEL_MAX] for side, name in names.items()}

    def lines(self, width: int) -> Text:
        fig = self.fig
        sizes = {side: fig.list_sizes.get(side, 0) for side in (OURS, PARTNER)}
        biggest = max(sizes.values(), default=0)
        label_width = max(len(self.names[side]) for side in (OURS, PARTNER))
        figures = {side: (f" {format_rate(fig.rate(side))} · {fig.overlap:,} of {sizes[side]:,}" if sizes[side]
                          else " list size unknown") for side in (OURS, PARTNER)}
        room = max(width - label_width - 1 - max(len(f) for f in figures.values()), 4)
        out = Text(no_wrap=True, overflow="ellipsis")
        for side in (OURS, PARTNER):
            length = round(room * sizes[side] / biggest) if biggest else 0
            solid = min(round(room * fig.overlap / biggest), length) if biggest else 0
            if side == PARTNER:
                out.append("\n")
            out.append(f"{self.names[side]:<{label_width}} ", style="bold")
            out.append(SOLID * solid, style="bold")
            out.append(REST * (length - solid), style="dim")
            out.append(" " * (room - length) + figures[side])
        return out

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.lines(options.max_width)


def heat_style(count: int, top: int) -> Style:
    """A cell background from dark (none) to strong blue (the fullest cell), text kept legible."""
    share = count / top if top else 0.0
    r, g, b = (round(lo + (hi - lo) * share) for lo, hi in
               zip(_LOW.get_truecolor(), _HIGH.get_truecolor()))
    return Style(bgcolor=Color.from_rgb(r, g, b), color="white")
