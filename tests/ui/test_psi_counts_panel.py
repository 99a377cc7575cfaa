"""A counts-only exchange's result in the dialog: a status unknown on a side was sent so in round 1
and cannot be mapped now (audit 14 L3: it said "press m to map the word", and m typed a letter)."""

import io
from datetime import date

from rich.console import Console

from acctmap_tui.core import psi
from acctmap_tui.core.model import CATEGORIES
from acctmap_tui.screens.psi_dialog import counts_panel


def test_the_unknown_row_of_a_counts_only_result_offers_no_mapping():
    counts = {c.key: 1 for c in CATEGORIES} | {psi.UNCATEGORIZED: 2}
    done = psi.Finished(counts_only=True, ours="Northwind", partner="Globex", our_size=10,
                        partner_size=8, left_out=0, counts=counts, overlap=6, day=date(2026, 11, 30))
    console = Console(width=100, record=True, file=io.StringIO())
    console.print(counts_panel(done))
    text = console.export_text()
    assert "press m" not in text
    row = next(line for line in text.splitlines() if "status unknown" in line)
    assert "2" in row and "cannot be mapped after the exchange" in row
