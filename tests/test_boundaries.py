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
