"""The agenda strip: all four phases with minutes, the current marked, the done ones ticked."""

from acctmap_tui.core.model import Agenda
from acctmap_tui.widgets.agenda_strip import agenda_strip


def test_every_phase_with_its_minutes_and_where_the_call_is():
    text = agenda_strip(Agenda(current="prioritize"), width=120).plain
    assert text == "✓ 1 ICP 5 · ✓ 2 Review 20 · ▶ 3 Prioritize 20 · 4 Assign 15"


def test_the_first_phase_has_nothing_ticked():
    assert agenda_strip(Agenda(current="icp"), 120).plain.startswith("▶ 1 ICP 5 · 2 Review 20")


def test_at_80_columns_it_fits_and_narrower_the_labels_shorten():
    assert len(agenda_strip(Agenda(current="assign"), width=80).plain) < 78
    text = agenda_strip(Agenda(current="assign"), width=60).plain
    assert text == "✓ 1 ICP 5 · ✓ 2 Rev 20 · ✓ 3 Prio 20 · ▶ 4 Asgn 15"


def test_a_custom_agenda_is_shown_as_it_is():
    agenda = Agenda(phases=[("icp", 10), ("review", 30), ("assign", 20)], current="review")
    assert agenda_strip(agenda, 120).plain == "✓ 1 ICP 10 · ▶ 2 Review 30 · 3 Assign 20"
