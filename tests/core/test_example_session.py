"""The committed example session stays loadable and useful as the schema moves on."""

from pathlib import Path

from acctmap_tui import cli
from acctmap_tui.core import session as session_io
from acctmap_tui.core.score import priority_accounts

EXAMPLE = Path(__file__).resolve().parents[2] / "sessions" / "example-2026-Q4-northwind-globex.toml"


def test_example_session_loads_with_its_plan():
    session = session_io.load(EXAMPLE)
    assert (session.ours, session.partner) == ("Northwind", "Globex")
    top = priority_accounts(session)
    assert len(top) == 3 and all(a.owner and a.next_action and a.due for a in top)
    assert session.icp_notes


def test_example_session_exports_and_diffs(tmp_path, capsys):
    out = tmp_path / "actions.md"
    assert cli.main(["export", str(EXAMPLE), "--format", "md", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "Joint QBR intro" in text
    fresh = tmp_path / "fresh.toml"
    built = cli.demo_session()
    session_io.save(built.session, fresh)
    capsys.readouterr()
    assert cli.main(["diff", str(EXAMPLE), str(fresh)]) == 0
    assert "Actions from last time" in capsys.readouterr().out
