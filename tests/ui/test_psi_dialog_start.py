"""The exchange dialog's Start: status words acctmap does not know are reported and can be mapped
before the round-1 file goes out (audit 14 M5: the dialog said nothing, the CLI did)."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from acctmap_tui.app import AcctmapApp
from acctmap_tui.core import psi
from tests.ui.test_psi_app import SIZE, open_dialog, run_step, text_of


@pytest.fixture
def odd_list(tmp_path):
    path = tmp_path / "northwind.csv"
    path.write_text("name,domain,status\nAcme,acme.com,Weirdword\nBeta,beta.com,Customer\n"
                    "Gamma,,Customer\n")
    return path


def table_values(round1, data_home):
    """Our statuses as the secret keeps them (what the table encrypts for the partner)."""
    rf = psi.read_round(round1, 1)
    sec = psi.load_secret(rf, data_home / "acctmap" / "psi")
    return {r.name: r.status for r in sec.records}


async def test_start_reports_an_unknown_status_word_and_how_to_map_it(tmp_path, odd_list,
                                                                      data_home):
    app = AcctmapApp(sessions_dir=tmp_path / "sessions")
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_dialog(app, pilot, ours_path=str(odd_list), ours_name="Northwind")
        first = dialog.query_one("#psi-out1", Input).value
        await run_step(app, pilot, dialog, "psi-start")
        result = text_of(dialog, "psi-result")
        assert "Status words acctmap does not know: 'Weirdword'" in result
        assert "mapping a word after the exchange changes our side only" in result
        assert "map them in Status words" in result
        assert table_values(first, data_home)["Acme"] is None
        # mapped before sending: a new round-1 file (the first is not written over)
        second = dialog.query_one("#psi-out1", Input).value
        assert second != first and second.endswith("northwind-2-round1.psi")
        await run_step(app, pilot, dialog, "psi-start", psi_status="Weirdword=customer")
        result = text_of(dialog, "psi-result")
        assert f"Wrote {second}" in result and "does not know" not in result
        assert table_values(second, data_home)["Acme"] == "customer"


async def test_a_wrong_status_mapping_is_refused_in_the_dialog(tmp_path, odd_list):
    app = AcctmapApp(sessions_dir=tmp_path / "sessions")
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_dialog(app, pilot, ours_path=str(odd_list))
        await run_step(app, pilot, dialog, "psi-start", psi_status="Weirdword=great")
        assert "Status words 'Weirdword=great': expected WORD=STATUS" in text_of(dialog, "psi-error")
