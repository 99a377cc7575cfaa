"""The command line under awkward use: writing over its own input, a closed pipe, sessions that
cannot be read or belong to another partnership, lists moved or changed since the session."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from acctmap_tui import cli
from acctmap_tui.core import session as session_io
from acctmap_tui.core import start
from tests.core.test_session import full_session

LIST = "Account Name,Website,Type\nAcme Inc,acme.com,Customer\nBlue Harbor,blueharbor.io,Prospect\n"
PARTNER_LIST = "name,domain,status\nACME Corp,acme.com,customer\nOrbital,orbital.com,prospect\n"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# --- never write over the input -----------------------------------------------------------------


def test_share_onto_its_own_input_is_refused(tmp_path: Path, capsys) -> None:
    lst = tmp_path / "X.csv"
    lst.write_text(LIST)
    code, _, err = run(capsys, "share", str(lst), "-o", str(lst))
    assert code == 2 and "refusing to write over it" in err and str(lst) in err
    assert lst.read_text() == LIST


def test_export_onto_its_own_session_is_refused_even_through_a_link(tmp_path: Path, capsys) -> None:
    path = session_io.save(full_session(), tmp_path / "S.toml")
    before = path.read_bytes()
    link = tmp_path / "same.toml"
    link.symlink_to(path)
    for target in (path, link):
        code, _, err = run(capsys, "export", str(path), "-o", str(target))
        assert code == 2 and "input file" in err
    assert path.read_bytes() == before


def test_match_output_onto_an_input_list_is_refused(tmp_path: Path, capsys, monkeypatch) -> None:
    ours, theirs = tmp_path / "ours.csv", tmp_path / "theirs.csv"
    ours.write_text(LIST)
    theirs.write_text(PARTNER_LIST)
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "match", "ours.csv", str(theirs), "-o", "./theirs.csv")
    assert code == 2 and "theirs.csv" in err
    assert theirs.read_text() == PARTNER_LIST


def test_hash_onto_its_key_file_is_refused(tmp_path: Path, capsys) -> None:
    lst, key = tmp_path / "x.csv", tmp_path / "key"
    lst.write_text(LIST)
    code, out, _ = run(capsys, "keygen", "-o", str(key))
    key_text = key.read_text()
    code, _, err = run(capsys, "hash", str(lst), "--key-file", str(key), "-o", str(key))
    assert code == 2 and key.read_text() == key_text


# --- a closed pipe ------------------------------------------------------------------------------


def test_piping_into_head_exits_quietly(tmp_path: Path) -> None:
    s = full_session()
    template = s.accounts[0]
    s.accounts = [replace(template, ours=replace(template.ours, domain=f"c{i}.com", name=f"Company {i}"))
                  for i in range(1200)]  # far more than a pipe buffer (64 KiB) of output
    path = session_io.save(s, tmp_path / "big.toml")
    cmd = (f"{sys.executable} -m acctmap_tui export {path} --all-fields -o /dev/stdout | head -1; "
           f"{sys.executable} -m acctmap_tui history {path} {path} {path} | head -1")
    done = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, timeout=120,
                          cwd=tmp_path)
    assert "Traceback" not in done.stderr and "broken" not in done.stderr.lower(), done.stderr
    assert done.stdout.count("\n") == 2


def test_the_command_ends_with_its_output_whole_and_its_exit_code(tmp_path: Path) -> None:
    """`acctmap` leaves with os._exit after main (no slow teardown): what it printed must still
    all arrive, through a pipe too, and the exit code must be main's."""
    done = subprocess.run([sys.executable, "-m", "acctmap_tui", "demo", "--summary"],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().splitlines()[-1].startswith("Win-back candidates")
    done = subprocess.run([sys.executable, "-m", "acctmap_tui", "match", "gone.csv", "gone2.csv"],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 2 and "gone.csv: file not found" in done.stderr


def test_a_closed_stdout_returns_141_without_a_traceback(monkeypatch, capsys) -> None:
    class Closed:
        def write(self, text: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

        def flush(self) -> None:
            raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(sys, "stdout", Closed())
    assert cli.main(["demo", "--summary"]) == 141


# --- history ------------------------------------------------------------------------------------


def test_history_lists_what_it_skipped(tmp_path: Path, capsys) -> None:
    session_io.save(full_session(), tmp_path / "good.toml")
    (tmp_path / "broken.toml").write_text("schema = 1\ntitle = = nope\n")
    newer = session_io.to_toml(full_session()).replace("schema = 1", "schema = 99", 1)
    (tmp_path / "future.toml").write_text(newer)
    code, out, err = run(capsys, "history", str(tmp_path))
    assert code == 0 and "Overlap per session" in out
    assert "skipped" in err and "broken.toml" in err and "line 2" in err
    assert "future.toml" in err and "newer acctmap" in err


def test_history_skips_a_session_with_a_datetime_out_of_range(tmp_path: Path, capsys) -> None:
    """One such file (valid TOML) stopped the history of the whole folder with a traceback."""
    session_io.save(full_session(), tmp_path / "good.toml")
    text = session_io.to_toml(full_session())
    created = next(line for line in text.splitlines() if line.startswith("created = "))
    (tmp_path / "far.toml").write_text(text.replace(created, "created = 9999-12-31T23:59:59-23:59"))
    code, out, err = run(capsys, "history", str(tmp_path))
    assert code == 0 and "Overlap per session" in out
    assert "skipped" in err and "far.toml: line 8: field 'created'" in err and "out of range" in err
    code, _, err = run(capsys, "export", str(tmp_path / "far.toml"), "-o", str(tmp_path / "x.csv"))
    assert code == 2 and "far.toml: line 8" in err


def test_history_of_two_partnerships_says_so_and_groups_them(tmp_path: Path, capsys) -> None:
    a, b = full_session(), full_session()
    b.partner = "Initech"
    session_io.save(a, tmp_path / "a.toml")
    session_io.save(b, tmp_path / "b.toml")
    code, out, err = run(capsys, "history", str(tmp_path))
    assert code == 0
    assert "2 partnerships" in err
    assert "Northwind x Globex" in out and "Northwind x Initech" in out
    assert out.count("Overlap per session") == 2


# --- the source lists of a saved session --------------------------------------------------------


def _project(tmp_path: Path, monkeypatch) -> Path:
    project = tmp_path / "project"
    (project / "exports").mkdir(parents=True)
    (project / "exports" / "ours.csv").write_text(LIST)
    (project / "exports" / "theirs.csv").write_text(PARTNER_LIST)
    monkeypatch.chdir(project)
    assert cli.main(["match", "exports/ours.csv", "exports/theirs.csv", "-o", "sessions/q4.toml"]) == 0
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    return project


def test_lists_are_found_from_another_folder(tmp_path: Path, monkeypatch, capsys) -> None:
    project = _project(tmp_path, monkeypatch)
    session = session_io.load(project / "sessions" / "q4.toml")
    ours, theirs, notes = start.reload_sources(session)
    assert ours is not None and theirs is not None and notes == []
    assert [r.domain for r in ours.records] == ["acme.com", "blueharbor.io"]


def test_a_list_changed_since_the_save_is_reported_not_reread(tmp_path: Path, monkeypatch) -> None:
    project = _project(tmp_path, monkeypatch)
    (project / "exports" / "theirs.csv").write_text(PARTNER_LIST + "New Co,newco.com,customer\n")
    ours, theirs, notes = start.reload_sources(session_io.load(project / "sessions" / "q4.toml"))
    assert ours is not None and theirs is None
    (note,) = notes
    assert "theirs.csv" in note and "changed since the session was saved" in note


def test_a_missing_list_is_named(tmp_path: Path, monkeypatch) -> None:
    project = _project(tmp_path, monkeypatch)
    (project / "exports" / "ours.csv").unlink()
    ours, theirs, notes = start.reload_sources(session_io.load(project / "sessions" / "q4.toml"))
    assert ours is None and theirs is not None
    assert "ours.csv: not found" in notes[0]


def test_a_match_run_as_the_command_is_left_to_the_process_end_not_freed(tmp_path: Path, monkeypatch,
                                                                         capsys) -> None:
    """`run` ends the process at once: what `acctmap match` built is kept, not freed object by
    object first (0.6-0.8 s at 200k); called as `main` (a test, a library) nothing is kept."""
    (tmp_path / "ours.csv").write_text(LIST)
    (tmp_path / "theirs.csv").write_text(PARTNER_LIST)
    argv = ["acctmap", "match", str(tmp_path / "ours.csv"), str(tmp_path / "theirs.csv"),
            "-o", str(tmp_path / "s.toml")]
    monkeypatch.setattr(cli, "_left_to_the_end", [])
    assert cli.main(argv[1:]) == 0 and cli._left_to_the_end == []

    def leave(code: int) -> None:
        raise SystemExit(code)

    monkeypatch.setattr(cli, "_ENDS_AT_ONCE", False)
    monkeypatch.setattr(cli.os, "_exit", leave)
    monkeypatch.setattr(sys, "argv", argv)
    with pytest.raises(SystemExit) as ended:
        cli.run()
    assert ended.value.code == 0 and "Saved session" in capsys.readouterr().out
    [built] = cli._left_to_the_end
    assert [a.ours.domain for a in built.session.accounts] == ["acme.com"]
    assert session_io.load(tmp_path / "s.toml").accounts[0].key == "acme.com"


# --- a prior session (--from) ---------------------------------------------------------------------


def _lists(tmp_path: Path) -> tuple[str, str]:
    ours, theirs = tmp_path / "northwind.csv", tmp_path / "globex.csv"
    ours.write_text(LIST)
    theirs.write_text(PARTNER_LIST)
    return str(ours), str(theirs)


def test_match_from_a_session_of_another_partnership_is_refused(tmp_path: Path, capsys,
                                                                 monkeypatch) -> None:
    ours, theirs = _lists(tmp_path)
    prior = tmp_path / "initech.toml"
    assert cli.main(["match", ours, theirs, "--partner", "Initech", "-o", str(prior)]) == 0
    monkeypatch.setattr(cli, "_run_app", lambda **_: 0)  # `new` refuses before the app starts
    out_path = tmp_path / "q4.toml"
    for argv in (["match", ours, theirs, "--from", str(prior), "-o", str(out_path)],
                 ["new", ours, theirs, "--from", str(prior)]):
        capsys.readouterr()
        code, _, err = run(capsys, *argv)
        assert code == 2 and "another partnership" in err and "Northwind x Initech" in err
        assert "Northwind x Globex" in err and "--force" in err
    assert not out_path.exists()
    code, out, _ = run(capsys, "match", ours, theirs, "--from", str(prior), "--force",
                       "-o", str(out_path))
    assert code == 0 and "Carried forward" in out


def test_match_from_a_session_with_a_threshold_outside_0_to_100_names_its_line(tmp_path: Path,
                                                                            capsys) -> None:
    """It crashed in the matcher (rapidfuzz's TypeError) after loading silently."""
    ours, theirs = _lists(tmp_path)
    prior = tmp_path / "q3.toml"
    assert cli.main(["match", ours, theirs, "-o", str(prior)]) == 0
    text = prior.read_text()
    prior.write_text(text.replace("auto_accept = 95.0", "auto_accept = -5.0"))
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if ln.startswith("auto_accept"))
    capsys.readouterr()
    code, _, err = run(capsys, "match", ours, theirs, "--from", str(prior))
    assert code == 2 and "Traceback" not in err
    assert f"q3.toml: line {line}: thresholds, field 'auto_accept': -5.0 is not between 0 and 100" in err
