"""Where the commands write: a status word the CRM made up never reaches the partner's list,
`-o -` is stdout, and with the output on stdout the "Wrote …" lines go to stderr."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from acctmap_tui import cli
from acctmap_tui.core import session as session_io
from tests.core.test_session import full_session

LIST = ("name,domain,status\nA Co,a.com,Closed Won\n"
        "C Co,c.com,Key account - at risk renewal Q1\n")
WORD = "Key account - at risk renewal Q1"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def acctmap(*argv: str, cwd: Path, shell: str = "") -> subprocess.CompletedProcess[str]:
    """The command in a process of its own, stdout a pipe (or `shell`, a bash line using $ACCTMAP)."""
    command = [sys.executable, "-m", "acctmap_tui", *argv]
    if shell:
        env = {**os.environ, "ACCTMAP": f"{sys.executable} -m acctmap_tui"}
        return subprocess.run(["bash", "-c", shell], capture_output=True, text=True, timeout=120,
                              cwd=cwd, env=env)
    return subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=cwd)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "std.csv").write_text(LIST)
    session_io.save(full_session(), tmp_path / "s.toml")
    return tmp_path


# --- the status in the minimal list (audit 10 F4) -------------------------------------------------


def test_share_sends_a_known_status_or_blank_and_names_each_unknown_word_on_stderr(folder, capsys):
    out = folder / "std.share.csv"
    code, text, err = run(capsys, "share", str(folder / "std.csv"), "-o", str(out))
    assert code == 0
    assert out.read_text(encoding="utf-8-sig").splitlines() == [
        "domain,status", "a.com,customer", "c.com,"]
    assert "1 with a status word acctmap does not know, sent blank" in text
    assert f"std.csv, row 3, column 'status': unknown status '{WORD}'" in err
    assert f"--status '{WORD}=prospect'" in err and WORD not in text


def test_hash_sends_no_unknown_status_word_either(folder, capsys):
    key, out = folder / "key", folder / "hashed.csv"
    run(capsys, "keygen", "-o", str(key))
    code, _, err = run(capsys, "hash", str(folder / "std.csv"), "--key-file", str(key),
                       "-o", str(out))
    assert code == 0 and WORD not in out.read_text(encoding="utf-8-sig")
    assert [line.split(",")[1] for line in out.read_text(encoding="utf-8-sig").splitlines()] == [
        "status", "customer", ""]
    assert f"row 3, column 'status': unknown status '{WORD}'" in err


@pytest.mark.parametrize("command", ["share", "hash"])
def test_status_maps_a_word_for_share_and_hash(folder, capsys, command):
    key, out = folder / "key", folder / "out.csv"
    run(capsys, "keygen", "-o", str(key))
    keyed = ["--key-file", str(key)] if command == "hash" else []
    code, text, err = run(capsys, command, str(folder / "std.csv"), *keyed, "-o", str(out),
                          "--status", f"{WORD}=open deal")
    assert code == 0 and "unknown status" not in err and "status word" not in text
    assert out.read_text(encoding="utf-8-sig").splitlines()[2].endswith(",open deal")


# --- the "Wrote …" line when the output is stdout (audit 10 F7) -----------------------------------


@pytest.mark.parametrize("argv", [
    ("export", "s.toml", "--format", "md", "-o", "/dev/stdout"),
    ("export", "s.toml", "--format", "csv", "-o", "/dev/fd/1"),
    ("share", "std.csv", "-o", "/dev/stdout"),
])
def test_the_wrote_line_goes_to_stderr_when_the_output_is_stdout(folder, argv):
    done = acctmap(*argv, cwd=folder)
    assert done.returncode == 0, done.stderr
    assert "Wrote" not in done.stdout
    assert "Wrote /dev/" in done.stderr
    last = done.stdout.rstrip().splitlines()[-1]
    assert last.startswith("|") or "," in last  # a row of the data, not a line about it


def test_the_wrote_line_goes_to_stderr_when_stdout_is_redirected_to_the_output(folder):
    done = acctmap(cwd=folder, shell="$ACCTMAP export s.toml -o out.csv > out.csv")
    assert done.returncode == 0, done.stderr
    assert "Wrote out.csv" in done.stderr
    assert "Wrote" not in (folder / "out.csv").read_text(encoding="utf-8-sig")


def test_a_file_output_still_says_what_it_wrote_on_stdout(folder):
    done = acctmap("export", "s.toml", "-o", "out.csv", cwd=folder)
    assert done.stdout.startswith("Wrote out.csv") and done.stderr == ""


# --- `-o -` is stdout (audit 10 F8) ------------------------------------------------------------


@pytest.mark.parametrize("argv, first", [
    (("export", "s.toml", "--format", "md", "-o", "-"), "# "),
    (("export", "s.toml", "-o", "-"), "\ufeffrank,"),
    (("share", "std.csv", "-o", "-"), "\ufeffdomain,status"),
    (("match", "std.csv", "std.csv", "-o", "-"), "schema = "),
])
def test_dash_writes_to_stdout_not_a_file_named_dash(folder, argv, first):
    done = acctmap(*argv, cwd=folder)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(first)
    assert not (folder / "-").exists()
    assert "Wrote" in done.stderr or "Saved session" in done.stderr


def test_keygen_dash_prints_the_key_alone(folder):
    done = acctmap("keygen", "-o", "-", cwd=folder)
    assert len(done.stdout.strip()) == 64 and not (folder / "-").exists()


@pytest.mark.parametrize("output", ["-", "/dev/stdout"])
def test_stdout_redirected_to_a_file_is_written_through_as_the_shell_opened_it(folder, output):
    # /dev/stdout names that file: replaced whole, what `>>` kept was lost, and so was what the
    # shell wrote there after us (the file it holds open was no longer the one named)
    (folder / "log.txt").write_text("kept\n")
    done = acctmap(cwd=folder, shell=f"$ACCTMAP export s.toml -o {output} >> log.txt; "
                                     "echo after >> log.txt")
    assert done.returncode == 0, done.stderr
    lines = (folder / "log.txt").read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "kept" and lines[-1] == "after" and lines[1].lstrip("\ufeff").startswith("rank,")
    assert "Wrote" in done.stderr and not (folder / "-").exists()


def test_dash_is_refused_for_the_private_exchange(folder):
    done = acctmap("psi", "start", "std.csv", "-o", "-", cwd=folder)
    assert done.returncode == 2 and "writes files only" in done.stderr
    assert not (folder / "-").exists()


def test_dash_is_refused_where_there_is_no_dev_stdout(folder, monkeypatch, capsys):
    monkeypatch.setattr(cli, "STDOUT", str(folder / "no-such-device"))
    monkeypatch.chdir(folder)
    with pytest.raises(SystemExit) as stop:
        cli.main(["share", "std.csv", "-o", "-"])
    assert stop.value.code == 2
    assert "'-' is stdout, and there is no" in capsys.readouterr().err
    assert not (folder / "-").exists()
