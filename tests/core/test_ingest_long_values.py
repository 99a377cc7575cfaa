"""A long cell is quoted cut in a problem message, with its length (audit 10 F10): a broken
export's 10,000-character cell is not echoed whole on the summary, in the session's problems or
in a session file's refusal."""

from __future__ import annotations

from pathlib import Path

import pytest

from acctmap_tui.core import session as session_io
from acctmap_tui.core.ingest import read_list
from acctmap_tui.core.model import OURS, PROSPECT, Problem, SessionError, Source, quoted

LONG = "S" * 10_000


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "long.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_long_unknown_status_is_quoted_cut_once(tmp_path: Path) -> None:
    path = write(tmp_path, f"name,domain,Type\nAcme,acme.com,customer\nGlobex,globex.com,{LONG}\n")
    (problem,) = read_list(path, OURS).problems
    text = str(problem)
    assert (problem.row, problem.column) == (3, "Type")
    assert f"unknown status '{'S' * 40}…' (10,000 characters)" in text
    assert "--status 'WORD=prospect'" in text  # the word is not repeated in the option
    assert len(text) < 300


def test_a_short_unknown_status_is_quoted_whole_with_its_option(tmp_path: Path) -> None:
    path = write(tmp_path, "name,domain,Type\nAcme,acme.com,Stage 7\n")
    (problem,) = read_list(path, OURS).problems
    assert "unknown status 'Stage 7': " in problem.message
    assert "--status 'Stage 7=prospect'" in problem.message


def test_a_long_status_word_mapped_leaves_the_problems(tmp_path: Path) -> None:
    path = write(tmp_path, f"name,domain,Type\nAcme,acme.com,customer\nGlobex,globex.com,{LONG}\n")
    problems = [str(p) for p in read_list(path, OURS).problems]
    source = Source(OURS, "Northwind", str(path), problems=problems)
    source.status_map = {"S" * 9_999: PROSPECT}  # another word with the same start
    assert source.open_problems() == problems
    source.status_map = {LONG: PROSPECT}
    assert source.open_problems() == []
    assert source.open_problems({LONG}) == []


def test_a_long_website_cell_is_quoted_cut(tmp_path: Path) -> None:
    path = write(tmp_path, f"name,domain,status\nAcme,{'x' * 5_000},customer\n")
    (problem,) = read_list(path, OURS).problems
    assert problem.column == "domain" and "(5,000 characters)" in problem.message
    assert len(str(problem)) < 300


def test_a_long_column_name_is_quoted_cut() -> None:
    problem = Problem("l.csv", 3, "N" * 500, "no status")
    assert str(problem) == f"l.csv, row 3, column '{'N' * 40}…' (500 characters): no status"


def test_a_short_value_is_quoted_as_it_is() -> None:
    assert quoted("Acme") == "'Acme'"
    assert quoted("x" * 40) == repr("x" * 40)
    assert quoted(7) == "7"


def test_a_long_value_in_a_session_file_is_quoted_cut(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(f'schema = "{LONG}"\n', encoding="utf-8")
    with pytest.raises(SessionError) as err:
        session_io.load(path)
    assert "(10,000 characters)" in str(err.value) and len(str(err.value)) < 300
