"""Key files for the keyed-hash exchange: owner-only, never overwritten by accident, 256 bits."""

import os
import stat

import pytest

from acctmap_tui import cli
from acctmap_tui.core import privacy
from acctmap_tui.core.model import AcctmapError


def run(capsys, *argv):
    code = cli.main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_keygen_writes_an_owner_only_key(tmp_path, capsys):
    key = tmp_path / "k.key"
    old = os.umask(0o022)
    try:
        code, out, _ = run(capsys, "keygen", "-o", key)
    finally:
        os.umask(old)
    assert code == 0 and mode(key) == 0o600
    assert len(privacy.read_key(key)) == 32
    assert "weaker" in out


def test_keygen_refuses_to_overwrite_without_force(tmp_path, capsys):
    key = tmp_path / "k.key"
    run(capsys, "keygen", "-o", key)
    first = key.read_text()
    code, _, err = run(capsys, "keygen", "-o", key)
    assert code == 2 and str(key) in err and "--force" in err
    assert key.read_text() == first
    code, _, _ = run(capsys, "keygen", "-o", key, "--force")
    assert code == 0 and key.read_text() != first and mode(key) == 0o600


def test_keygen_force_keeps_a_loose_file_private(tmp_path, capsys):
    key = tmp_path / "k.key"
    key.write_text("old")
    key.chmod(0o644)
    assert run(capsys, "keygen", "-o", key, "--force")[0] == 0
    assert mode(key) == 0o600


def test_keygen_refuses_a_symbolic_link(tmp_path, capsys):
    target = tmp_path / "target.txt"
    target.write_text("keep")
    link = tmp_path / "k.key"
    link.symlink_to(target)
    code, _, err = run(capsys, "keygen", "-o", link, "--force")
    assert code == 2 and "not a plain file" in err and target.read_text() == "keep"


@pytest.mark.parametrize("nbytes", [16, 31])
def test_keys_shorter_than_256_bits_are_refused(tmp_path, nbytes):
    path = tmp_path / "short.key"
    path.write_text("ab" * nbytes)
    with pytest.raises(AcctmapError) as err:
        privacy.read_key(path)
    assert str(path) in str(err.value) and "too short" in str(err.value)
    assert "256 bits" in str(err.value)


def test_hash_with_a_short_key_is_one_clear_message(tmp_path, capsys):
    path = tmp_path / "short.key"
    path.write_text("ab" * 16)
    lst = tmp_path / "l.csv"
    lst.write_text("name,domain,status\nAcme,acme.com,Customer\n")
    code, _, err = run(capsys, "hash", lst, "--key-file", path, "-o", tmp_path / "o.csv")
    assert code == 2 and "too short" in err and "Traceback" not in err


def test_hash_refuses_a_device_or_fifo_as_the_key_file_before_reading(tmp_path, capsys):
    import threading

    lst = tmp_path / "l.csv"
    lst.write_text("name,domain,status\nAcme,acme.com,Customer\n")
    fifo = tmp_path / "key.fifo"
    os.mkfifo(fifo)
    # /dev/null stands for every device (/dev/zero would be read without end: 7 GB in 15 s)
    for key in (os.devnull, fifo):
        got = {}
        argv = ["hash", lst, "--key-file", key, "-o", tmp_path / "o.csv"]
        worker = threading.Thread(target=lambda: got.update(result=run(capsys, *argv)), daemon=True)
        worker.start()
        worker.join(20)
        if worker.is_alive() and key == fifo:
            with open(fifo, "wb"):  # let the stuck read end, so the test fails rather than hangs
                pass
        assert "result" in got, f"still reading {key}"
        code, _, err = got["result"]
        assert code == 2 and f"{key}: not a plain file (a device, FIFO or socket): give the key file" in err
        assert not (tmp_path / "o.csv").exists()
