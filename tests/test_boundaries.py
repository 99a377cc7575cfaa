"""The core/UI boundary, checked by import-linter (contract in pyproject.toml)."""

from pathlib import Path

from importlinter import cli

ROOT = Path(__file__).resolve().parents[1]


def test_core_never_imports_textual(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    code = cli.lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True)
    out = capsys.readouterr().out
    assert code == 0, out
    assert "KEPT" in out


def test_opening_the_app_does_not_load_the_matcher():
    """The matcher pulls in numpy and rapidfuzz (0.15 s): a saved session's first frame does not
    wait for them; the review queue, pairing by hand and matching import it when used."""
    import subprocess
    import sys

    code = ("import sys, acctmap_tui.app, acctmap_tui.cli; "
            "print(sorted({'numpy', 'rapidfuzz', 'acctmap_tui.core.match'} & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"
