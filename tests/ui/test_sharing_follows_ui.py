"""On screen, fields kept private by what they tell (`sharing.FOLLOWS`): with our Status private
the ICP screen shows neither the categories nor the overlap matrix, which counts our status
against theirs (audit 10 F3), and the sharing dialog says why a field marked shared is private."""

from __future__ import annotations

from pathlib import Path

from acctmap_tui.app import AcctmapApp
from acctmap_tui.core.model import OURS
from tests.ui.factory import small_workbench
from tests.ui.test_share_safe_everywhere import screen_lines


def seen(app: AcctmapApp) -> str:
    return " ".join(" ".join(screen_lines(app)).split())


async def test_icp_shows_no_category_count_or_status_matrix_while_our_status_is_private(
        sessions_dir: Path) -> None:
    wb = small_workbench()
    wb.set_shareable(OURS, "status", False)
    wb.session.agenda.current = "icp"
    app = AcctmapApp(wb, sessions_dir, autosave_delay=600)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "SHARED" in seen(app) and "win-back" in seen(app)  # the internal view
        app.share_safe = True
        await pilot.pause()
        text = seen(app)
        for word in ("SHARED", "VOUCH", "INTRO", "JOINT", "win-back"):
            assert word not in text, (word, text)
        assert "Overlap by status: private" in text and "Categories are private" in text


async def test_the_sharing_dialog_says_which_fields_are_kept_private_and_why(sessions_dir: Path) -> None:
    wb = small_workbench()
    app = AcctmapApp(wb, sessions_dir, autosave_delay=600)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert "kept private" not in seen(app)
        await pilot.press("down", "down", "space")  # our Status: private
        await pilot.pause()
        await pilot.press("end")
        await pilot.pause()
        text = seen(app)
        assert "Category made on the call kept private" in text, text
        summary = " ".join(str(app.screen.query_one("#share-summary").render()).split())
        assert "Category, Play kept private: they would tell Status (Northwind)." in summary, summary
        await pilot.press("home", "down", "down", "space")  # shared again
        await pilot.pause()
        assert "kept private" not in seen(app)


async def test_the_footer_offers_no_map_key_for_a_private_lists_unknown_words(sessions_dir: Path) -> None:
    """An `m Map statuses` in the footer told the partner that our list holds words nobody
    mapped, while our Status was private."""
    from acctmap_tui.core.categorize import apply_categories

    wb = small_workbench()
    wb.ours.records[0].status, wb.ours.records[0].raw_status = None, "Tier 9"
    apply_categories(wb.session)
    wb.set_shareable(OURS, "status", False)
    wb.session.agenda.current = "icp"
    app = AcctmapApp(wb, sessions_dir, autosave_delay=600)
    async def footer_offers_m() -> bool:
        for _ in range(3):  # the footer redraws a refresh after the bindings change
            await pilot.pause()
        return "m Map statuses" in seen(app)

    async with app.run_test(size=(120, 40)) as pilot:
        assert await footer_offers_m()
        app.share_safe = True
        assert not await footer_offers_m()
        app.share_safe = False
        assert await footer_offers_m()


async def test_at_80x24_the_sharing_dialog_keeps_its_keys_with_several_reasons(sessions_dir: Path) -> None:
    """Both statuses and the next action private: the reasons take lines, the list gives them
    up (audit 11 F6: the keys line and Close were pushed off the dialog)."""
    from acctmap_tui.core.model import PARTNER, SESSION_SIDE
    from tests.ui.test_dialog_fit import fully_shown

    wb = small_workbench()
    for field in ((OURS, "status"), (PARTNER, "status"), (SESSION_SIDE, "next_action")):
        wb.set_shareable(*field, False)
    app = AcctmapApp(wb, sessions_dir, autosave_delay=600)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+o")
        await pilot.pause()
        await pilot.pause()
        dialog = app.screen
        assert "would tell Next action" in str(dialog.query_one("#share-summary").render())
        assert fully_shown(dialog.query_one("#share-keys"))
        assert fully_shown(dialog.query_one("#share-close"))
        assert fully_shown(dialog.query_one("#share-summary"))
